//! The event page (guest list, figures, sending progress), its live counts and its .ics download.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::domain::events::listing::{self, Warning};
use crate::domain::events::{self, Event, calendar_entry};
use crate::domain::guest_list::GuestFilter;
use crate::domain::guests::{self, Guest, GuestStats};
use crate::domain::invitations;
use crate::domain::paging::{PageQuery, Paged};
use crate::domain::reports::{self, Report};
use crate::domain::venues::{self, Venue};
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::web::auth_extract::{AnyRole, Require};
use crate::web::errors::render;
use crate::web::page::Page;

use super::guest_page;

#[derive(Template)]
#[template(path = "events/show.html")]
struct ShowPage {
    page: Page,
    event: Event,
    venue: Option<Venue>,
    report: Option<Report>,
    stats: GuestStats,
    guests: Paged<Guest>,
    warnings: Vec<Warning>,
    progress: crate::mail::outbox::Progress,
    /// The latest send job, for the progress box while it runs (or when it failed).
    job: Option<crate::domain::jobs::Job>,
    /// The server's last error per invitation whose message failed.
    failures: std::collections::HashMap<i32, String>,
    answers: std::collections::BTreeMap<String, u64>,
    categories: &'static [crate::domain::vocab::ActorCategory],
    genders: &'static [crate::domain::vocab::Gender],
    age_groups: &'static [crate::domain::vocab::AgeGroup],
    regions: Vec<String>,
    outcomes: crate::domain::debates::outcomes::Overview,
    /// Inbound replies about this event that were not applied.
    messages: crate::domain::paging::Paged<crate::domain::inbound_mail::ToLookAt>,
    show_event: bool,
    /// The guest list's search and filters, kept in the form, the pager and the export links.
    filter: GuestFilter,
}

impl ShowPage {
    fn count(map: &std::collections::BTreeMap<String, u64>, key: &str) -> u64 {
        map.get(key).copied().unwrap_or(0)
    }

    /// The share as shown to people: "31,5 %" in French, "31.5 %" in English.
    fn percent(&self, value: f64) -> String {
        let text = format!("{value:.1}");
        match self.page.lang {
            Lang::Fr => format!("{} %", text.replace('.', ",")),
            Lang::En => format!("{text} %"),
        }
    }

    fn women_share(&self) -> String {
        self.stats
            .women_share_percent
            .map(|v| self.percent(v))
            .unwrap_or_else(|| "—".into())
    }

    fn below_target(&self) -> bool {
        match (self.stats.women_share_percent, self.event.women_target_percent) {
            (Some(share), Some(target)) => share < target as f64,
            _ => false,
        }
    }

    fn bar_width(&self) -> u32 {
        self.stats
            .women_share_percent
            .map(|v| v.round().clamp(0.0, 100.0) as u32)
            .unwrap_or(0)
    }

    fn can_send(&self) -> bool {
        guest_page::can_send(&self.page, &self.event)
    }

    fn can_resend(&self, guest: &Guest) -> bool {
        guest_page::can_resend(&self.page, &self.event, guest)
    }

    fn failure_of(&self, invitation_id: &i32) -> &str {
        self.failures.get(invitation_id).map(String::as_str).unwrap_or_default()
    }

    fn pager_query(&self) -> String {
        crate::web::forms::pager_prefix(self.filter.query_string())
    }

    fn shown_text(&self) -> String {
        let n = self.guests.items.len() as u64;
        let text = crate::web::confirm::plural(self.page.lang, "guest_list.shown", n);
        text.replace("{total}", &self.guests.total.to_string())
    }

    /// A row action's label naming its guest, for screen readers.
    fn named(&self, key: &str, guest: &Guest) -> String {
        guest_page::named(&self.page, key, guest)
    }

    fn name_of<'a>(&self, guest: &'a Guest) -> &'a str {
        guest_page::name_of(guest)
    }

    fn export_query(&self) -> String {
        let query = self.filter.query_string();
        if query.is_empty() { query } else { format!("?{query}") }
    }

    fn can_change_guests(&self) -> bool {
        guest_page::can_change_guests(&self.page, &self.event)
    }
}

pub(super) async fn show_event(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    page: Page,
    Path(id): Path<i32>,
    Query(filter): Query<GuestFilter>,
    Query(paging): Query<PageQuery>,
) -> AppResult<Response> {
    let event = events::get(&state.db, id).await?;
    let venue = match event.venue_id {
        Some(v) => Some(venues::get(&state.db, v).await?),
        None => None,
    };
    let report = match event.report_id {
        // One row by key: the event page must not read every report to name its own.
        Some(r) => Some(reports::get(&state.db, r).await?),
        None => None,
    };
    let stats = guests::stats(&state.db, id).await?;
    let guests = guests::list(
        &state.db,
        id,
        &filter,
        PageQuery {
            per_page: Some(paging.per_page.unwrap_or(100)),
            ..paging
        },
    )
    .await?;
    let warnings = listing::warnings(&state.db, &event, page.lang).await?;
    let progress = crate::mail::outbox::progress(&state.db, id).await?;
    let job = crate::domain::jobs::latest_send(&state.db, id).await?;
    let shown: Vec<i32> = guests.items.iter().map(|g| g.id).collect();
    let failures = invitations::failures(&state.db, id, &shown).await?;
    let answers = guests::answers(&state.db, id).await?;
    let regions = page.region_names();
    Ok(render(&ShowPage {
        page,
        event,
        venue,
        report,
        stats,
        guests,
        warnings,
        progress,
        job,
        failures,
        answers,
        categories: crate::domain::vocab::ActorCategory::ALL,
        genders: crate::domain::vocab::Gender::ALL,
        age_groups: crate::domain::vocab::AgeGroup::ALL,
        regions,
        outcomes: crate::domain::debates::outcomes::overview(&state.db, id).await?,
        messages: crate::domain::inbound_mail::to_look_at(&state.db, id).await?,
        show_event: false,
        filter,
    }))
}

pub(super) async fn download_ics(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let event = events::get(&state.db, id).await?;
    let venue = match event.venue_id {
        Some(v) => Some(venues::get(&state.db, v).await?),
        None => None,
    };
    let organizer = calendar_entry::parse_mailbox(&state.settings.mail_from);
    let url = Some(format!("{}/events/{id}", state.settings.base_url));
    let body = calendar_entry::publish(&event, venue.as_ref(), organizer, url);
    Ok((
        [
            (CONTENT_TYPE, "text/calendar; method=PUBLISH; charset=UTF-8"),
            (CONTENT_DISPOSITION, "attachment; filename=\"invite.ics\""),
        ],
        body,
    )
        .into_response())
}

/// Counts for the live lines of the event page: sending progress and answers.
#[derive(serde::Serialize)]
pub(super) struct LiveCounts {
    #[serde(flatten)]
    progress: crate::mail::outbox::Progress,
    answers: std::collections::BTreeMap<String, u64>,
    /// The latest send job: the progress box counts its queued invitations while it runs.
    job: Option<crate::domain::jobs::Job>,
}

pub(super) async fn sending_progress(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    Path(id): Path<i32>,
) -> AppResult<axum::Json<LiveCounts>> {
    let progress = crate::mail::outbox::progress(&state.db, id).await?;
    let answers = guests::answers(&state.db, id).await?;
    let job = crate::domain::jobs::latest_send(&state.db, id).await?;
    Ok(axum::Json(LiveCounts { progress, answers, job }))
}
