//! `/api/v1/events/{id}/notes` and `/outcomes`: debate records.

use crate::api::Path;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::api::{ApiJson, ErrorEnvelope};
use crate::domain::debates::notes::{self, Note, NoteInput, NoteUpdate, Saved};
use crate::domain::debates::outcomes::{self, Outcome, OutcomeInput, OutcomeUpdate};
use crate::domain::paging::{PageQuery, Paged};
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::web::auth_extract::{AnyRole, Recorder, Require};
use crate::web::debates::autosave::{NoteConflict, stale_note_response};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_notes, create_note))
        .routes(routes!(update_note, delete_note))
        .routes(routes!(list_outcomes, create_outcome))
        .routes(routes!(get_outcome, update_outcome))
}

/// An event's notes, by topic then time (any signed-in role; never public).
#[utoipa::path(get, path = "/api/v1/events/{id}/notes", tag = "debates", params(("id" = i32, Path), PageQuery),
    responses((status = 200, body = Paged<Note>), (status = 404, body = ErrorEnvelope)))]
async fn list_notes(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    Path(id): Path<i32>,
    paging: PageQuery,
) -> AppResult<Json<Paged<Note>>> {
    Ok(Json(notes::list(&state.db, id, paging).await?))
}

/// Record a note (admin, organizer, rapporteur). A speaker's name needs `speaker_agreed: true`.
#[utoipa::path(post, path = "/api/v1/events/{id}/notes", tag = "debates", params(("id" = i32, Path)),
    request_body = NoteInput,
    responses((status = 201, body = Note), (status = 422, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)))]
async fn create_note(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    user: Require<Recorder>,
    Path(id): Path<i32>,
    ApiJson(input): ApiJson<NoteInput>,
) -> AppResult<(StatusCode, Json<Note>)> {
    let note = notes::create(&state.db, id, Some(user.user.id), &input, &who).await?;
    Ok((StatusCode::CREATED, Json(note)))
}

/// Save a note over the `version` it started from (its author or an admin). A newer stored
/// version is never overwritten: 409 with `current` (stored) and `yours` (refused).
#[utoipa::path(put, path = "/api/v1/events/{id}/notes/{note}", tag = "debates",
    params(("id" = i32, Path), ("note" = i32, Path)), request_body = NoteUpdate,
    responses((status = 200, body = Note), (status = 409, body = NoteConflict), (status = 422, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope)))]
async fn update_note(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    user: Require<Recorder>,
    Path((id, note)): Path<(i32, i32)>,
    ApiJson(update): ApiJson<NoteUpdate>,
) -> AppResult<Response> {
    Ok(
        match notes::update(&state.db, id, note, &user.user, &update, &who).await? {
            Saved::Done(note) => Json(note).into_response(),
            Saved::Stale(stale) => stale_note_response(*stale, Lang::En),
        },
    )
}

/// Delete a note (its author or an admin).
#[utoipa::path(delete, path = "/api/v1/events/{id}/notes/{note}", tag = "debates",
    params(("id" = i32, Path), ("note" = i32, Path)),
    responses((status = 204), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
async fn delete_note(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    user: Require<Recorder>,
    Path((id, note)): Path<(i32, i32)>,
) -> AppResult<StatusCode> {
    notes::delete(&state.db, id, note, &user.user, &who).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An event's outcomes in the order they were recorded.
#[utoipa::path(get, path = "/api/v1/events/{id}/outcomes", tag = "debates", params(("id" = i32, Path), PageQuery),
    responses((status = 200, body = Paged<Outcome>), (status = 404, body = ErrorEnvelope)))]
async fn list_outcomes(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    Path(id): Path<i32>,
    paging: PageQuery,
) -> AppResult<Json<Paged<Outcome>>> {
    Ok(Json(outcomes::list(&state.db, id, paging).await?))
}

/// Record an outcome (admin, organizer, rapporteur). `section_id` must be a section of the
/// event's report. Once the event is completed only admins may (409 for others).
#[utoipa::path(post, path = "/api/v1/events/{id}/outcomes", tag = "debates", params(("id" = i32, Path)),
    request_body = OutcomeInput,
    responses((status = 201, body = Outcome), (status = 422, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope)))]
async fn create_outcome(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    user: Require<Recorder>,
    Path(id): Path<i32>,
    ApiJson(input): ApiJson<OutcomeInput>,
) -> AppResult<(StatusCode, Json<Outcome>)> {
    let outcome = outcomes::create(&state.db, id, Some(&user.user), &input, &who).await?;
    Ok((StatusCode::CREATED, Json(outcome)))
}

#[utoipa::path(get, path = "/api/v1/events/{id}/outcomes/{outcome}", tag = "debates",
    params(("id" = i32, Path), ("outcome" = i32, Path)),
    responses((status = 200, body = Outcome), (status = 404, body = ErrorEnvelope)))]
async fn get_outcome(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    Path((id, outcome)): Path<(i32, i32)>,
) -> AppResult<Json<Outcome>> {
    Ok(Json(outcomes::get(&state.db, id, outcome).await?))
}

/// Replace an outcome's fields over the `version` it started from (409 when stale, and for
/// non-admins once the event is completed).
#[utoipa::path(put, path = "/api/v1/events/{id}/outcomes/{outcome}", tag = "debates",
    params(("id" = i32, Path), ("outcome" = i32, Path)), request_body = OutcomeUpdate,
    responses((status = 200, body = Outcome), (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope)))]
async fn update_outcome(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    user: Require<Recorder>,
    Path((id, outcome)): Path<(i32, i32)>,
    ApiJson(update): ApiJson<OutcomeUpdate>,
) -> AppResult<Json<Outcome>> {
    Ok(Json(
        outcomes::update(&state.db, id, outcome, &user.user, &update, &who).await?,
    ))
}
