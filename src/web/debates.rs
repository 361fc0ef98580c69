//! Debate records: rapporteurs' notes and outcomes of an event.

pub mod autosave;
mod forms;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use axum_extra::extract::CookieJar;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::AppState;
use crate::domain::debates::markdown;
use crate::domain::debates::notes::{self, Note, Saved, Topic};
use crate::domain::debates::outcomes::{self, Overview};
use crate::domain::events::{self, Event};
use crate::domain::reports::{self, Report};
use crate::domain::sections::{self, Section};
use crate::domain::vocab::{ActorCategory, Agreement, OutcomeKind};
use crate::error::{AppError, AppResult};
use crate::web::auth_extract::{AnyRole, Recorder, Require};
use crate::web::errors::render;
use crate::web::page::{Page, flash_redirect};
use forms::{NoteEditor, NoteForm, OutcomeEditor, OutcomeForm};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/events/{id}/debate", get(show_debate))
        .route("/events/{id}/notes", get(back_to_debate).post(create_note))
        .route("/events/{id}/notes.json", post(autosave::create_draft))
        .route("/events/{id}/notes/{note}", post(update_note).put(autosave::save_draft))
        .route("/events/{id}/notes/{note}/delete", post(delete_note))
        .route("/events/{id}/outcomes", get(back_to_debate).post(create_outcome))
        .route("/events/{id}/outcomes/{outcome}", post(update_outcome))
}

#[derive(Template)]
#[template(path = "debates/show.html")]
struct DebatePage {
    page: Page,
    event: Event,
    report: Option<Report>,
    sections: Vec<Section>,
    topics: Vec<Topic>,
    /// Offered for the topic field: the report's headings, then topics already used.
    suggestions: Vec<String>,
    outcomes: Overview,
    /// Outcomes are read-only for this user (completed event, not an admin).
    locked: bool,
    note: NoteEditor,
    outcome: OutcomeEditor,
    categories: &'static [ActorCategory],
    kinds: &'static [OutcomeKind],
    agreements: &'static [Agreement],
}

impl DebatePage {
    /// Safe HTML of a note's Markdown (raw HTML escaped, unsafe links removed).
    fn markdown(&self, source: &str) -> String {
        markdown::to_html(source)
    }

    fn when(&self, at: &DateTime<Utc>) -> String {
        let local = at.with_timezone(&self.event.tz()).format("%d/%m/%Y %H:%M");
        self.page.tf("debates.written", &[("time", &local)])
    }

    fn may_change(&self, note: &Note) -> bool {
        self.page.user.as_ref().is_some_and(|u| notes::may_change(note, u))
    }

    fn note_action(&self) -> String {
        match self.note.id {
            Some(n) => format!("/events/{}/notes/{n}", self.event.id),
            None => format!("/events/{}/notes", self.event.id),
        }
    }

    fn outcome_action(&self) -> String {
        match self.outcome.id {
            Some(o) => format!("/events/{}/outcomes/{o}", self.event.id),
            None => format!("/events/{}/outcomes", self.event.id),
        }
    }

    fn section_selected(&self, id: &i32) -> bool {
        self.outcome.form.section_id == id.to_string()
    }

    fn voiced(&self, slug: &str) -> bool {
        self.outcome.form.voiced_by.iter().any(|v| v == slug)
    }

    /// The "saved at {time}" text with the placeholder kept for the script to fill.
    fn saved_template(&self) -> String {
        self.page.tf("debates.autosave_saved", &[("time", &"{time}")])
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct EditQuery {
    note: Option<i32>,
    outcome: Option<i32>,
}

async fn show_debate(
    State(state): State<AppState>,
    user: Require<AnyRole>,
    page: Page,
    Path(id): Path<i32>,
    Query(edit): Query<EditQuery>,
) -> AppResult<Response> {
    let mut note = NoteEditor::default();
    if let Some(note_id) = edit.note {
        let stored = notes::get(&state.db, id, note_id).await?;
        if notes::may_change(&stored, &user.user) {
            note = NoteEditor::of(&stored);
        }
    }
    let mut outcome = OutcomeEditor::default();
    if let Some(outcome_id) = edit.outcome {
        let stored = outcomes::get(&state.db, id, outcome_id).await?;
        outcome = OutcomeEditor::of(&stored);
    }
    debate_page(&state, page, id, note, outcome, StatusCode::OK).await
}

async fn debate_page(
    state: &AppState,
    page: Page,
    id: i32,
    note: NoteEditor,
    outcome: OutcomeEditor,
    status: StatusCode,
) -> AppResult<Response> {
    let event = events::get(&state.db, id).await?;
    let (report, sections) = match event.report_id {
        Some(report_id) => (
            Some(reports::get(&state.db, report_id).await?),
            sections::list(&state.db, report_id).await?,
        ),
        None => (None, Vec::new()),
    };
    let topics = notes::by_topic(&state.db, id).await?;
    let mut suggestions: Vec<String> = sections.iter().map(|s| s.heading.clone()).collect();
    for topic in &topics {
        if !topic.name.is_empty() && !suggestions.contains(&topic.name) {
            suggestions.push(topic.name.clone());
        }
    }
    let locked = outcomes::is_locked(&event, page.user.as_ref());
    let mut response = render(&DebatePage {
        outcomes: outcomes::overview(&state.db, id).await?,
        page,
        event,
        report,
        sections,
        topics,
        suggestions,
        locked,
        note,
        outcome,
        categories: ActorCategory::ALL,
        kinds: OutcomeKind::ALL,
        agreements: Agreement::ALL,
    });
    *response.status_mut() = status;
    Ok(response)
}

/// Where a sign-in interrupted by a form lands afterwards.
async fn back_to_debate(Path(id): Path<i32>) -> Redirect {
    Redirect::to(&format!("/events/{id}/debate"))
}

/// Back to the debate page after a save, at the record just written.
fn saved(jar: CookieJar, key: &str, event_id: i32, anchor: &str) -> Response {
    flash_redirect(jar, "success", key, &format!("/events/{event_id}/debate#{anchor}"))
}

async fn create_note(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    user: Require<Recorder>,
    page: Page,
    jar: CookieJar,
    Path(id): Path<i32>,
    Form(form): Form<NoteForm>,
) -> AppResult<Response> {
    match notes::create(&state.db, id, Some(user.user.id), &form.input(), &who).await {
        Ok(note) => Ok(saved(jar, "debates.note_saved", id, &format!("note-{}", note.id))),
        Err(AppError::Validation(errors)) => {
            let note = NoteEditor::refused(None, form, &errors, page.lang);
            debate_page(
                &state,
                page,
                id,
                note,
                OutcomeEditor::default(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(other),
    }
}

/// The plain-form save; a stale version shows both texts (409) and overwrites nothing.
async fn update_note(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    user: Require<Recorder>,
    page: Page,
    jar: CookieJar,
    Path((id, note_id)): Path<(i32, i32)>,
    Form(form): Form<NoteForm>,
) -> AppResult<Response> {
    let (note, status) = match notes::update(&state.db, id, note_id, &user.user, &form.update(), &who).await {
        Ok(Saved::Done(note)) => return Ok(saved(jar, "debates.note_saved", id, &format!("note-{}", note.id))),
        Ok(Saved::Stale(stale)) => (NoteEditor::stale(stale.current, form), StatusCode::CONFLICT),
        Err(AppError::Validation(errors)) => (
            NoteEditor::refused(Some(note_id), form, &errors, page.lang),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(other) => return Err(other),
    };
    debate_page(&state, page, id, note, OutcomeEditor::default(), status).await
}

async fn delete_note(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    user: Require<Recorder>,
    page: Page,
    jar: CookieJar,
    Path((id, note_id)): Path<(i32, i32)>,
    Form(confirmed): Form<crate::web::confirm::Confirmed>,
) -> AppResult<Response> {
    if !confirmed.given() {
        return crate::web::confirm::delete_note(&state, page, id, note_id, true).await;
    }
    notes::delete(&state.db, id, note_id, &user.user, &who).await?;
    Ok(saved(jar, "debates.note_deleted", id, "notes"))
}

async fn create_outcome(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    user: Require<Recorder>,
    page: Page,
    jar: CookieJar,
    Path(id): Path<i32>,
    axum_extra::extract::Form(form): axum_extra::extract::Form<OutcomeForm>,
) -> AppResult<Response> {
    let result = outcomes::create(&state.db, id, Some(&user.user), &form.input(), &who).await;
    outcome_saved(&state, page, jar, id, None, form, result).await
}

async fn update_outcome(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    user: Require<Recorder>,
    page: Page,
    jar: CookieJar,
    Path((id, outcome_id)): Path<(i32, i32)>,
    axum_extra::extract::Form(form): axum_extra::extract::Form<OutcomeForm>,
) -> AppResult<Response> {
    let result = outcomes::update(&state.db, id, outcome_id, &user.user, &form.update(), &who).await;
    outcome_saved(&state, page, jar, id, Some(outcome_id), form, result).await
}

/// After an outcome save: back to the page at the outcome, or the form again with what is wrong.
async fn outcome_saved(
    state: &AppState,
    page: Page,
    jar: CookieJar,
    id: i32,
    outcome_id: Option<i32>,
    form: OutcomeForm,
    result: AppResult<outcomes::Outcome>,
) -> AppResult<Response> {
    match result {
        Ok(outcome) => Ok(saved(
            jar,
            "debates.outcome_saved",
            id,
            &format!("outcome-{}", outcome.id),
        )),
        Err(AppError::Validation(errors)) => {
            let outcome = OutcomeEditor::refused(outcome_id, form, &errors, page.lang);
            debate_page(
                state,
                page,
                id,
                NoteEditor::default(),
                outcome,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(other),
    }
}
