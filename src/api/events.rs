//! `/api/v1/events`: events, their life cycle and their guest lists in JSON.

use crate::api::{Path, Query};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::api::{ApiJson, ErrorEnvelope};
use crate::domain::events::listing::{self, EventFilter, Warning};
use crate::domain::events::{self, Event, EventInput, EventPatch};
use crate::domain::guests::{self, AddGuests, AddSummary, Guest, GuestStats};
use crate::domain::invitations;
use crate::domain::paging::{PageQuery, Paged};
use crate::domain::vocab::EventStatus;
use crate::error::{AppResult, FieldErrors};
use crate::i18n::Lang;
use crate::web::auth_extract::{AnyRole, Organizer, Require};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_events, create_event))
        .routes(routes!(get_event, patch_event))
        .routes(routes!(schedule_event))
        .routes(routes!(cancel_event))
        .routes(routes!(complete_event))
        .routes(routes!(list_invitations, add_invitations))
        .routes(routes!(delete_invitation))
        .routes(routes!(refresh_invitation))
}

/// An event with what the organizer should know about it.
#[derive(Serialize, utoipa::ToSchema)]
struct EventDetail {
    #[serde(flatten)]
    event: Event,
    guests: GuestStats,
    warnings: Vec<Warning>,
}

async fn detail(state: &AppState, event: Event) -> AppResult<EventDetail> {
    let guests = guests::stats(&state.db, event.id).await?;
    let warnings = listing::warnings(&state.db, &event, Lang::En).await?;
    Ok(EventDetail {
        event,
        guests,
        warnings,
    })
}

/// Upcoming (default) or past events, filtered by kind, region or report.
#[utoipa::path(get, path = "/api/v1/events", tag = "events", params(EventFilter, PageQuery),
    responses((status = 200, body = Paged<Event>), (status = 401, body = ErrorEnvelope)))]
async fn list_events(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    Query(filter): Query<EventFilter>,
    paging: PageQuery,
) -> AppResult<Json<Paged<Event>>> {
    Ok(Json(listing::list(&state.db, &filter, paging).await?))
}

/// Create a draft event. Times are RFC 3339 instants, or local date-times read in `timezone`.
#[utoipa::path(post, path = "/api/v1/events", tag = "events", request_body = EventInput,
    responses((status = 201, body = EventDetail), (status = 422, body = ErrorEnvelope)))]
async fn create_event(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    user: Require<Organizer>,
    ApiJson(input): ApiJson<EventInput>,
) -> AppResult<(StatusCode, Json<EventDetail>)> {
    let event = events::create(&state.db, &input, FieldErrors::new(), &who).await?;
    crate::domain::organizers::assign(&state.db, event.id, user.user.id).await?;
    Ok((StatusCode::CREATED, Json(detail(&state, event).await?)))
}

#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "events", params(("id" = i32, Path)),
    responses((status = 200, body = EventDetail), (status = 404, body = ErrorEnvelope)))]
async fn get_event(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    Path(id): Path<i32>,
) -> AppResult<Json<EventDetail>> {
    let event = events::get(&state.db, id).await?;
    Ok(Json(detail(&state, event).await?))
}

/// Change some fields; absent fields stay as they are.
#[utoipa::path(patch, path = "/api/v1/events/{id}", tag = "events", params(("id" = i32, Path)), request_body = EventPatch,
    responses((status = 200, body = EventDetail), (status = 422, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)))]
async fn patch_event(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    user: Require<Organizer>,
    Path(id): Path<i32>,
    ApiJson(patch): ApiJson<EventPatch>,
) -> AppResult<Json<EventDetail>> {
    let ctx = state.mail_context(Some(&user.user))?;
    let event = events::patch(&state.db, &ctx, id, &patch, &who).await?;
    state.wake_outbox();
    Ok(Json(detail(&state, event).await?))
}

/// draft → scheduled.
#[utoipa::path(post, path = "/api/v1/events/{id}/schedule", tag = "events", params(("id" = i32, Path)),
    responses((status = 200, body = Event), (status = 409, body = ErrorEnvelope)))]
async fn schedule_event(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    user: Require<Organizer>,
    Path(id): Path<i32>,
) -> AppResult<Json<Event>> {
    let ctx = state.mail_context(Some(&user.user))?;
    let event = events::change_status(&state.db, &ctx, id, EventStatus::Scheduled, &who).await?;
    state.wake_outbox();
    Ok(Json(event))
}

/// draft or scheduled → cancelled.
#[utoipa::path(post, path = "/api/v1/events/{id}/cancel", tag = "events", params(("id" = i32, Path)),
    responses((status = 200, body = Event), (status = 409, body = ErrorEnvelope)))]
async fn cancel_event(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    user: Require<Organizer>,
    Path(id): Path<i32>,
) -> AppResult<Json<Event>> {
    let ctx = state.mail_context(Some(&user.user))?;
    let event = events::change_status(&state.db, &ctx, id, EventStatus::Cancelled, &who).await?;
    state.wake_outbox();
    Ok(Json(event))
}

/// scheduled → completed.
#[utoipa::path(post, path = "/api/v1/events/{id}/complete", tag = "events", params(("id" = i32, Path)),
    responses((status = 200, body = Event), (status = 409, body = ErrorEnvelope)))]
async fn complete_event(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    user: Require<Organizer>,
    Path(id): Path<i32>,
) -> AppResult<Json<Event>> {
    let ctx = state.mail_context(Some(&user.user))?;
    let event = events::change_status(&state.db, &ctx, id, EventStatus::Completed, &who).await?;
    state.wake_outbox();
    Ok(Json(event))
}

/// The guest list, by name, searched and filtered like the event page's (an unknown value is a 422 on its field).
#[utoipa::path(get, path = "/api/v1/events/{id}/invitations", tag = "invitations",
    params(("id" = i32, Path), crate::domain::guest_list::GuestFilter, PageQuery),
    responses((status = 200, body = Paged<Guest>), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn list_invitations(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    Path(id): Path<i32>,
    crate::api::extract::Query(filter): crate::api::extract::Query<crate::domain::guest_list::GuestFilter>,
    paging: PageQuery,
) -> AppResult<Json<Paged<Guest>>> {
    events::get(&state.db, id).await?;
    Ok(Json(guests::list(&state.db, id, &filter, paging).await?))
}

/// Add guests by `actor_ids` or by `filter` (the directory's filters); nobody is added twice.
#[utoipa::path(post, path = "/api/v1/events/{id}/invitations", tag = "invitations", params(("id" = i32, Path)), request_body = AddGuests,
    responses((status = 201, body = AddSummary), (status = 422, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)))]
async fn add_invitations(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Organizer>,
    Path(id): Path<i32>,
    ApiJson(request): ApiJson<AddGuests>,
) -> AppResult<(StatusCode, Json<AddSummary>)> {
    Ok((
        StatusCode::CREATED,
        Json(guests::add(&state.db, id, &request, &who).await?),
    ))
}

/// Remove a guest.
#[utoipa::path(delete, path = "/api/v1/events/{id}/invitations/{inv}", tag = "invitations",
    params(("id" = i32, Path), ("inv" = i32, Path)),
    responses((status = 204), (status = 404, body = ErrorEnvelope)))]
async fn delete_invitation(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    user: Require<Organizer>,
    Path((id, inv)): Path<(i32, i32)>,
) -> AppResult<StatusCode> {
    let ctx = state.mail_context(Some(&user.user))?;
    invitations::remove_guest(&state.db, &ctx, id, inv, &who).await?;
    state.wake_outbox();
    Ok(StatusCode::NO_CONTENT)
}

/// Copy the actor's gender, age group, category and region onto this guest's row again (before the
/// event is completed; 409 after, since its figures are final).
#[utoipa::path(post, path = "/api/v1/events/{id}/invitations/{inv}/refresh", tag = "invitations",
    params(("id" = i32, Path), ("inv" = i32, Path)),
    responses((status = 200, body = Guest), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)))]
async fn refresh_invitation(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Organizer>,
    Path((id, inv)): Path<(i32, i32)>,
) -> AppResult<Json<Guest>> {
    Ok(Json(guests::refresh(&state.db, id, inv, &who).await?))
}
