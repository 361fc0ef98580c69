//! The editors' review inbox, decisions on outcomes, and traceability pages.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum_extra::extract::{CookieJar, Form};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::AppState;
use crate::domain::paging::{PageQuery, Paged};
use crate::domain::reports::{self, Report};
use crate::domain::review::decisions::{self, Decided, DecisionInput, StaleSection};
use crate::domain::review::history::{self, SectionHistory};
use crate::domain::review::inbox::{self, InboxFilter, InboxGroup, StatusFilter};
use crate::domain::review::traceability::{self, Traceability, UptakeRow};
use crate::domain::review::undo::{self, UndoOffer};
use crate::domain::review::{EventRef, ReviewItem};
use crate::domain::sections::Section;
use crate::domain::vocab::{ActorCategory, OutcomeKind};
use crate::error::{AppError, AppResult};
use crate::web::auth_extract::{AnyRole, Editor, Require};
use crate::web::errors::render;
use crate::web::forms::{FormErrors, pager_prefix};
use crate::web::page::{Page, flash_redirect};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reports/{id}/review", get(show_inbox).post(decide_outcomes))
        .route("/reports/{id}/traceability", get(show_traceability))
        .route("/reports/{id}/sections/{section}/history", get(show_section_history))
}

/// The decision form as typed: the outcomes ticked, one decision and one rationale for all.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct DecisionForm {
    outcome_ids: Vec<String>,
    decision: String,
    rationale: String,
    /// "on" when the section's text is to be saved with an acceptance.
    edit_section: String,
    section_body: String,
    section_version: String,
    /// Reopening after an accepted edit: `restore` or `keep` the section text.
    restore_section: String,
    /// "on" when the editor chose to drop a changed text and record the decision alone.
    discard_edit: String,
    /// The form's group on the page (section id, 0 for none), to show errors in the right place.
    group: String,
    /// The inbox's filter, to come back to the same view.
    back: String,
}

impl DecisionForm {
    fn ids(&self) -> Vec<i32> {
        self.outcome_ids
            .iter()
            .filter_map(|id| id.trim().parse().ok())
            .collect()
    }

    fn input(&self) -> DecisionInput {
        let editing = !self.edit_section.is_empty();
        DecisionInput {
            decision: self.decision.clone(),
            rationale: self.rationale.clone(),
            section_body: editing.then(|| self.section_body.clone()),
            // A garbled version counts as 0, which is always stale: nothing is overwritten.
            section_version: editing.then(|| self.section_version.trim().parse().unwrap_or(0)),
            restore_section: Some(self.restore_section.clone()).filter(|r| !r.is_empty()),
        }
    }

    fn ticked(&self, id: i32) -> bool {
        self.outcome_ids.iter().any(|o| o.trim() == id.to_string())
    }

    /// The text box holds an edit that "save this text" would not save, and dropping it was not chosen.
    fn unsaved_edit(&self, stored: &str) -> bool {
        let normalized = |text: &str| text.replace("\r\n", "\n").trim_end().to_string();
        self.edit_section.is_empty()
            && self.discard_edit.is_empty()
            && !self.section_body.is_empty()
            && normalized(&self.section_body) != normalized(stored)
    }
}

/// A decision the page refused, shown again in its group's form.
struct Refused {
    group: i32,
    form: DecisionForm,
    errors: FormErrors,
    stale: Option<StaleSection>,
    /// A published version already decided one of the outcomes.
    final_version: Option<i32>,
    /// The text was changed but not ticked for saving: kept in the box, and the editor is asked.
    unsaved_edit: bool,
}

#[derive(Template)]
#[template(path = "review/inbox.html")]
struct InboxPage {
    page: Page,
    report: Report,
    filter: InboxFilter,
    sections: Vec<Section>,
    events: Vec<EventRef>,
    regions: Vec<String>,
    items: Paged<ReviewItem>,
    groups: Vec<InboxGroup>,
    refused: Option<Refused>,
    statuses: [&'static str; 7],
    kinds: &'static [OutcomeKind],
    categories: &'static [ActorCategory],
    /// Accepted outcomes whose acceptance edited their section: what reopening could restore.
    offers: std::collections::HashMap<i32, UndoOffer>,
}

impl InboxPage {
    fn offer(&self, item: &ReviewItem) -> Option<&UndoOffer> {
        self.offers.get(&item.id())
    }

    fn group_has_offer(&self, group: &InboxGroup) -> bool {
        group
            .clusters
            .iter()
            .flat_map(|c| &c.items)
            .any(|i| self.offers.contains_key(&i.id()))
    }

    fn restore_chosen(&self, group: &InboxGroup) -> bool {
        self.refused_in(group)
            .is_some_and(|r| r.form.restore_section == "restore")
    }

    fn day(&self, at: &DateTime<Utc>) -> String {
        at.format("%d/%m/%Y").to_string()
    }

    fn pager_query(&self) -> String {
        pager_prefix(self.filter.query())
    }

    fn chosen(&self, value: &Option<String>, option: &str) -> bool {
        value.as_deref().map(str::trim) == Some(option)
    }

    fn chosen_id(&self, value: &Option<String>, id: &i32) -> bool {
        self.chosen(value, &id.to_string())
    }

    fn status_label(&self, slug: &str) -> &'static str {
        self.page.t(&format!("review.status_{slug}"))
    }

    /// The refusal to show in this group's form, if it is the one that was refused.
    fn refused_in(&self, group: &InboxGroup) -> Option<&Refused> {
        self.refused.as_ref().filter(|r| r.group == group.key())
    }

    fn ticked(&self, group: &InboxGroup, item: &ReviewItem) -> bool {
        self.refused_in(group).is_some_and(|r| r.form.ticked(item.id()))
    }

    fn typed_rationale(&self, group: &InboxGroup) -> String {
        self.refused_in(group)
            .map(|r| r.form.rationale.clone())
            .unwrap_or_default()
    }

    fn decision_chosen(&self, group: &InboxGroup, decision: &str) -> bool {
        self.refused_in(group).is_some_and(|r| r.form.decision == decision)
    }

    /// The text in the edit box: what the editor typed if refused, else the section's stored body.
    fn body_in_form(&self, group: &InboxGroup, section: &Section) -> String {
        match self.refused_in(group) {
            Some(r) if !r.form.edit_section.is_empty() || r.unsaved_edit => r.form.section_body.clone(),
            _ => section.body.clone(),
        }
    }

    /// The version the edit starts from: the stored one (after a stale refusal, the newer one).
    fn version_in_form(&self, section: &Section) -> i32 {
        match self.refused.as_ref().and_then(|r| r.stale.as_ref()) {
            Some(stale) if stale.current.id == section.id => stale.current.version,
            _ => section.version,
        }
    }

    fn error(&self, group: &InboxGroup, field: &str) -> &str {
        self.refused_in(group)
            .map(|r| r.errors.error(field))
            .unwrap_or_default()
    }

    fn total_text(&self) -> String {
        self.page.tn("usability2.outcomes_total", self.items.total as usize)
    }

    fn raised_text(&self, events: &usize) -> String {
        self.page.tf("review.raised_at", &[("count", events)])
    }

    fn decide_label(&self, decision: &str) -> &'static str {
        self.page.t(&format!("review.decide_{decision}"))
    }

    fn final_message(&self, version: &i32) -> String {
        self.page.tf("review.decided_in_version", &[("version", version)])
    }

    fn voiced(&self, item: &ReviewItem) -> String {
        let labels: Vec<&str> = item
            .outcome
            .outcome
            .voiced_by
            .iter()
            .map(|c| self.page.t(&c.label_key()))
            .collect();
        labels.join(", ")
    }
}

async fn show_inbox(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    page: Page,
    Path(id): Path<i32>,
    Query(filter): Query<InboxFilter>,
    Query(paging): Query<PageQuery>,
) -> AppResult<Response> {
    inbox_page(&state, page, id, filter, paging, None).await
}

async fn inbox_page(
    state: &AppState,
    page: Page,
    id: i32,
    filter: InboxFilter,
    paging: PageQuery,
    refused: Option<(Refused, StatusCode)>,
) -> AppResult<Response> {
    let report = reports::get(&state.db, id).await?;
    let view = match inbox::view(&state.db, id, &filter, paging).await {
        // A hand-typed filter that names nothing known shows the whole inbox rather than an error page.
        Err(AppError::Validation(_)) => inbox::view(&state.db, id, &InboxFilter::default(), paging).await?,
        other => other?,
    };
    let status = refused.as_ref().map_or(StatusCode::OK, |(_, s)| *s);
    let mut offers = std::collections::HashMap::new();
    for item in view
        .items
        .items
        .iter()
        .filter(|i| i.outcome.outcome.status == crate::domain::vocab::OutcomeStatus::Accepted)
    {
        if let Some(offer) = undo::offer(&state.db, item.id()).await? {
            offers.insert(item.id(), offer);
        }
    }
    let mut response = render(&InboxPage {
        page,
        report,
        filter,
        sections: view.sections,
        events: view.events,
        regions: view.regions,
        items: view.items,
        groups: view.groups,
        refused: refused.map(|(r, _)| r),
        statuses: StatusFilter::SLUGS,
        kinds: OutcomeKind::ALL,
        categories: ActorCategory::ALL,
        offers,
    });
    *response.status_mut() = status;
    Ok(response)
}

/// One decision for every outcome ticked in a group; refused ones show the form again, nothing stored.
async fn decide_outcomes(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    user: Require<Editor>,
    page: Page,
    jar: CookieJar,
    Path(id): Path<i32>,
    Form(form): Form<DecisionForm>,
) -> AppResult<Response> {
    let group: i32 = form.group.trim().parse().unwrap_or(0);
    // A changed text is never dropped without asking: the decision waits for the editor's choice.
    if group > 0 && !form.section_body.is_empty() {
        let section = crate::domain::sections::get(&state.db, group).await?;
        if section.report_id == id && form.unsaved_edit(&section.body) {
            let mut errors = crate::error::FieldErrors::new();
            errors.add("edit_section", "review_edit.unsaved");
            let refused = Refused {
                group,
                form: form.clone(),
                errors: FormErrors::from_fields(&errors, page.lang),
                stale: None,
                final_version: None,
                unsaved_edit: true,
            };
            return inbox_page(
                &state,
                page,
                id,
                InboxFilter::from_query(&form.back),
                PageQuery::default(),
                Some((refused, StatusCode::UNPROCESSABLE_ENTITY)),
            )
            .await;
        }
    }
    let decided = decisions::decide(&state.db, Some(id), &form.ids(), Some(&user.user), &form.input(), &who).await;
    let mut refused = Refused {
        group,
        form: form.clone(),
        errors: FormErrors::default(),
        stale: None,
        final_version: None,
        unsaved_edit: false,
    };
    let status = match decided {
        Ok(Decided::Done(_)) => {
            let to = format!("/reports/{id}/review?{}", InboxFilter::from_query(&form.back).query());
            return Ok(flash_redirect(jar, "success", "review.decided", &to));
        }
        Ok(Decided::Stale(stale)) => {
            refused.stale = Some(*stale);
            StatusCode::CONFLICT
        }
        Ok(Decided::Final { version, .. }) => {
            refused.final_version = Some(version);
            StatusCode::CONFLICT
        }
        Err(AppError::Validation(errors)) => {
            refused.errors = FormErrors::from_fields(&errors, page.lang);
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(other) => return Err(other),
    };
    inbox_page(
        &state,
        page,
        id,
        InboxFilter::from_query(&form.back),
        PageQuery::default(),
        Some((refused, status)),
    )
    .await
}

#[derive(Template)]
#[template(path = "review/history.html")]
struct HistoryPage {
    page: Page,
    report: Report,
    history: SectionHistory,
}

impl HistoryPage {
    fn day(&self, at: &DateTime<Utc>) -> String {
        at.format("%d/%m/%Y").to_string()
    }

    fn decision_label(&self, decision: &str) -> &'static str {
        self.page.t(&format!("review.decision_{decision}"))
    }
}

async fn show_section_history(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    page: Page,
    Path((id, section)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let report = reports::get(&state.db, id).await?;
    let history = history::section_history(&state.db, id, section).await?;
    Ok(render(&HistoryPage { page, report, history }))
}

#[derive(Template)]
#[template(path = "review/traceability.html")]
struct TraceabilityPage {
    page: Page,
    report: Report,
    trace: Traceability,
}

/// One uptake table and its chart.
struct UptakeBlock<'a> {
    id: &'static str,
    caption_key: &'static str,
    rows: &'a [UptakeRow],
    is_category: bool,
}

/// Height of one bar of the uptake charts, in SVG units.
const BAR: usize = 22;

impl TraceabilityPage {
    fn day(&self, at: &DateTime<Utc>) -> String {
        at.format("%d/%m/%Y").to_string()
    }

    fn uptake_blocks(&self) -> [UptakeBlock<'_>; 2] {
        [
            UptakeBlock {
                id: "uptake-category",
                caption_key: "review.by_category",
                rows: &self.trace.uptake.by_category,
                is_category: true,
            },
            UptakeBlock {
                id: "uptake-region",
                caption_key: "review.by_region",
                rows: &self.trace.uptake.by_region,
                is_category: false,
            },
        ]
    }

    fn category_label(&self, slug: &str) -> &'static str {
        ActorCategory::parse(slug).map_or("", |c| self.page.t(&c.label_key()))
    }

    fn region_label<'a>(&self, region: &'a str) -> &'a str {
        if region.is_empty() {
            self.page.t("review.no_region")
        } else {
            region
        }
    }

    fn share(&self, row: &UptakeRow) -> String {
        row.percent().map_or_else(|| "–".to_string(), |p| format!("{p} %"))
    }

    fn chart_height(&self, rows: &[UptakeRow]) -> usize {
        rows.len() * BAR + 4
    }

    fn bar_y(&self, index: &usize) -> usize {
        index * BAR + 2
    }

    fn text_y(&self, index: &usize) -> usize {
        index * BAR + 16
    }

    /// Bar width in the chart's 0–100 space (bars start at 40% of the width).
    fn bar_width(&self, row: &UptakeRow) -> f64 {
        row.share.unwrap_or(0.0) * 45.0
    }
}

async fn show_traceability(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    page: Page,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let report = reports::get(&state.db, id).await?;
    let trace = traceability::traceability(&state.db, id).await?;
    Ok(render(&TraceabilityPage { page, report, trace }))
}
