//! `/api/v1/venues`: the venue resource in JSON.

use crate::api::Path;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::api::{ApiJson, ErrorEnvelope};
use crate::domain::paging::{PageQuery, Paged};
use crate::domain::venues::{self, Venue, VenueInput};
use crate::error::{AppResult, FieldErrors};
use crate::web::auth_extract::{AnyRole, Organizer, Require};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_venues, create_venue))
        .routes(routes!(get_venue, update_venue, delete_venue))
}

/// List venues, ordered by region and name.
#[utoipa::path(get, path = "/api/v1/venues", tag = "venues", params(PageQuery),
    responses((status = 200, body = Paged<Venue>), (status = 401, body = ErrorEnvelope)))]
async fn list_venues(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    paging: PageQuery,
) -> AppResult<Json<Paged<Venue>>> {
    Ok(Json(venues::list(&state.db, paging).await?))
}

/// Create a venue (admin, organizer).
#[utoipa::path(post, path = "/api/v1/venues", tag = "venues", request_body = VenueInput,
    responses((status = 201, body = Venue), (status = 422, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)))]
async fn create_venue(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Organizer>,
    ApiJson(input): ApiJson<VenueInput>,
) -> AppResult<(StatusCode, Json<Venue>)> {
    let venue = venues::create(&state.db, &state.settings.regions, &input, FieldErrors::new(), &who).await?;
    Ok((StatusCode::CREATED, Json(venue)))
}

/// One venue.
#[utoipa::path(get, path = "/api/v1/venues/{id}", tag = "venues", params(("id" = i32, Path)),
    responses((status = 200, body = Venue), (status = 404, body = ErrorEnvelope)))]
async fn get_venue(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    Path(id): Path<i32>,
) -> AppResult<Json<Venue>> {
    Ok(Json(venues::get(&state.db, id).await?))
}

/// Replace a venue's fields (admin, organizer).
#[utoipa::path(put, path = "/api/v1/venues/{id}", tag = "venues", params(("id" = i32, Path)), request_body = VenueInput,
    responses((status = 200, body = Venue), (status = 422, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
async fn update_venue(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Organizer>,
    Path(id): Path<i32>,
    ApiJson(input): ApiJson<VenueInput>,
) -> AppResult<Json<Venue>> {
    Ok(Json(
        venues::update(&state.db, &state.settings.regions, id, &input, FieldErrors::new(), &who).await?,
    ))
}

/// Delete a venue no event takes place at (409 otherwise).
#[utoipa::path(delete, path = "/api/v1/venues/{id}", tag = "venues", params(("id" = i32, Path)),
    responses((status = 204), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)))]
async fn delete_venue(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Organizer>,
    Path(id): Path<i32>,
) -> AppResult<StatusCode> {
    venues::delete(&state.db, id, &who).await?;
    Ok(StatusCode::NO_CONTENT)
}
