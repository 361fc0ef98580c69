//! Attendance statistics pages, charts and exports.

mod charts;
pub mod export;
mod view;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;

use crate::AppState;
use crate::domain::attendance::campaign;
use crate::domain::attendance::stats::{self, DisclosureQuery, EventRow, StatsFilter, StatsQuery};
use crate::domain::csv_out::DialectQuery;
use crate::domain::events::{self, Event};
use crate::domain::paging::{PageQuery, Paged};
use crate::domain::reports::{self, Report};
use crate::domain::venues;
use crate::error::{AppError, AppResult};
use crate::web::auth_extract::{AnyRole, Require};
use crate::web::errors::render;
use crate::web::forms::FormErrors;
use crate::web::page::Page;
use export::{Export, Format};
use view::SummaryView;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/events/{id}/attendance/stats", get(show_event_stats))
        .route(
            "/events/{id}/attendance/stats.csv",
            get(|s, u, p, id, Query(q): Query<DialectQuery>| export_event_stats(s, u, p, id, Format::Csv(q.dialect()))),
        )
        .route(
            "/events/{id}/attendance/stats.xlsx",
            get(|s, u, p, id| export_event_stats(s, u, p, id, Format::Xlsx)),
        )
        .route("/attendance", get(show_attendance_stats))
        .route(
            "/attendance.csv",
            get(|s, u, p, q, Query(d): Query<DialectQuery>| {
                export_attendance_stats(s, u, p, q, Format::Csv(d.dialect()))
            }),
        )
        .route(
            "/attendance.xlsx",
            get(|s, u, p, q| export_attendance_stats(s, u, p, q, Format::Xlsx)),
        )
}

#[derive(Template)]
#[template(path = "stats/event.html")]
struct EventStatsPage {
    page: Page,
    event: Event,
    place: String,
    view: SummaryView,
    published: bool,
}

impl EventStatsPage {
    fn exact_href(&self) -> String {
        format!("/events/{}/attendance/stats", self.event.id)
    }

    fn published_href(&self) -> String {
        format!("{}?published=true", self.exact_href())
    }
}

async fn event_place(state: &AppState, event: &Event) -> AppResult<String> {
    Ok(match event.venue_id {
        Some(id) => {
            let venue = venues::get(&state.db, id).await?;
            format!("{} ({})", venue.name, venue.region)
        }
        None => String::new(),
    })
}

async fn show_event_stats(
    State(state): State<AppState>,
    user: Require<AnyRole>,
    page: Page,
    Path(id): Path<i32>,
    Query(q): Query<DisclosureQuery>,
) -> AppResult<Response> {
    let event = events::get(&state.db, id).await?;
    let published = q.published_for(user.user.role);
    let summary = stats::summary(&state.db, id).await?.disclosed(published);
    Ok(render(&EventStatsPage {
        place: event_place(&state, &event).await?,
        view: SummaryView::new(summary, page.lang),
        event,
        published,
        page,
    }))
}

/// Exports are always the published figures, whoever downloads them: files travel.
async fn export_event_stats(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    page: Page,
    Path(id): Path<i32>,
    format: Format,
) -> AppResult<Response> {
    let event = events::get(&state.db, id).await?;
    let summary = stats::summary(&state.db, id).await?.published();
    let view = SummaryView::new(summary, page.lang);
    let date = event.local_start().format("%Y-%m-%d").to_string();
    Export {
        lang: page.lang,
        title: event.title.clone(),
        subtitle: format!("{date} · {}", event_place(&state, &event).await?),
        view: &view,
        events: None,
        name: format!("{}-{date}-{}", page.t("stats.file_prefix"), event.title),
    }
    .response(format)
}

#[derive(Template)]
#[template(path = "stats/across.html")]
struct AcrossPage {
    page: Page,
    query: StatsQuery,
    errors: FormErrors,
    reports: Vec<Report>,
    regions: Vec<String>,
    view: Option<SummaryView>,
    events: Paged<EventRow>,
    published: bool,
}

impl AcrossPage {
    fn report_selected(&self, id: &i32) -> bool {
        self.query.report_id.trim() == id.to_string()
    }

    fn filter_query(&self) -> String {
        self.query.query_string()
    }

    fn pager_query(&self) -> String {
        let mut query = crate::web::forms::pager_prefix(self.query.query_string());
        if self.published && self.page.can_organize() {
            query.push_str("published=true&");
        }
        query
    }

    fn exact_href(&self) -> String {
        format!("/attendance?{}", self.query.query_string())
    }

    fn published_href(&self) -> String {
        format!("{}&published=true", self.exact_href())
    }

    fn share(&self, row: &EventRow) -> String {
        row.women_share_percent
            .map(|p| view::percent(self.page.lang, p))
            .unwrap_or_else(|| "—".into())
    }

    fn target(&self, row: &EventRow) -> String {
        row.women_target_percent
            .map(|t| view::percent(self.page.lang, f64::from(t)))
            .unwrap_or_default()
    }
}

async fn regions(state: &AppState) -> AppResult<Vec<String>> {
    let mut regions: Vec<String> = venues::all(&state.db)
        .await?
        .into_iter()
        .map(|v| v.region)
        .filter(|r| !r.is_empty())
        .collect();
    regions.sort();
    regions.dedup();
    Ok(regions)
}

fn page_of(rows: Vec<EventRow>, paging: PageQuery) -> Paged<EventRow> {
    let per_page = paging.per_page();
    let total = rows.len() as u64;
    let skip = ((paging.page() - 1) * per_page) as usize;
    Paged {
        items: rows.into_iter().skip(skip).take(per_page as usize).collect(),
        total,
        page: paging.page(),
        per_page,
    }
}

async fn show_attendance_stats(
    State(state): State<AppState>,
    user: Require<AnyRole>,
    page: Page,
    Query(query): Query<StatsQuery>,
    Query(q): Query<DisclosureQuery>,
    Query(paging): Query<PageQuery>,
) -> AppResult<Response> {
    let published = q.published_for(user.user.role);
    let (view, events, errors, status) = match query.parse(&state.db).await {
        Ok(filter) => {
            let across = campaign::across_disclosed(&state.db, &filter, published).await?;
            let view = SummaryView::new(across.summary, page.lang);
            (Some(view), across.events, FormErrors::default(), StatusCode::OK)
        }
        Err(AppError::Validation(errors)) => (
            None,
            Vec::new(),
            FormErrors::from_fields(&errors, page.lang),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(other) => return Err(other),
    };
    let mut response = render(&AcrossPage {
        reports: reports::list(&state.db).await?,
        regions: regions(&state).await?,
        events: page_of(events, paging),
        query,
        errors,
        view,
        published,
        page,
    });
    *response.status_mut() = status;
    Ok(response)
}

async fn export_attendance_stats(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    page: Page,
    Query(query): Query<StatsQuery>,
    format: Format,
) -> AppResult<Response> {
    let filter = query.parse(&state.db).await?;
    let across = campaign::across_disclosed(&state.db, &filter, true).await?;
    let view = SummaryView::new(across.summary, page.lang);
    Export {
        lang: page.lang,
        title: page.t("stats.across_title").to_string(),
        subtitle: describe(&state, &page, &filter).await?,
        view: &view,
        events: Some(&across.events),
        name: format!("{}-{}", page.t("stats.file_prefix"), period_name(&filter)),
    }
    .response(format)
}

/// The filter in words, for the head of an exported file.
async fn describe(state: &AppState, page: &Page, filter: &StatsFilter) -> AppResult<String> {
    let mut parts = Vec::new();
    if let Some(id) = filter.report_id {
        let report = reports::get(&state.db, id).await?;
        parts.push(format!("{} : {}", page.t("field.report"), report.title));
    }
    if !filter.region.is_empty() {
        parts.push(format!("{} : {}", page.t("field.region"), filter.region));
    }
    if filter.from.is_some() || filter.to.is_some() {
        parts.push(format!("{} : {}", page.t("stats.period"), period_name(filter)));
    }
    if parts.is_empty() {
        parts.push(page.t("stats.all_events").to_string());
    }
    Ok(parts.join(" · "))
}

fn period_name(filter: &StatsFilter) -> String {
    match (filter.from, filter.to) {
        (None, None) => "all".into(),
        (from, to) => format!(
            "{}-{}",
            from.map(|d| d.to_string()).unwrap_or_default(),
            to.map(|d| d.to_string()).unwrap_or_default()
        ),
    }
}
