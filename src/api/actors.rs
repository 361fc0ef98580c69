//! `/api/v1/actors`: the actor directory in JSON, and the all-or-nothing CSV import.

use crate::api::{Path, Query};
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::api::{ApiJson, ErrorEnvelope, RawBody};
use crate::domain::actors::csv_io::{self, ImportSummary};
use crate::domain::actors::erase::{self, Erasure};
use crate::domain::actors::export::{self, ActorExport};
use crate::domain::actors::search::{self, ActorFilter, FacetCounts};
use crate::domain::actors::{self, Actor, ActorInput};
use crate::domain::paging::PageQuery;
use crate::error::{AppError, AppResult};
use crate::web::auth_extract::{Admin, AnyRole, Organizer, Require};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_actors, create_actor))
        .routes(routes!(get_actor, update_actor, delete_actor))
        .routes(routes!(import_actors))
        .routes(routes!(export_actor))
        .routes(routes!(erase_actor))
}

/// A page of actors with the counts per filter value.
#[derive(Serialize, utoipa::ToSchema)]
struct ActorPage {
    items: Vec<Actor>,
    total: u64,
    page: u64,
    per_page: u64,
    facets: FacetCounts,
}

/// Search and filter the directory (accent-insensitive `q`), a page at a time.
///
/// Contact details follow minimum exposure: `email`, `phone`, `email_failed_at` and
/// `email_failure` are filled for admins and organizers only; for rapporteurs, editors and
/// viewers they are `null` (or empty), as in the HTML pages and the CSV export.
#[utoipa::path(get, path = "/api/v1/actors", tag = "actors", params(ActorFilter, PageQuery),
    responses((status = 200, body = ActorPage), (status = 401, body = ErrorEnvelope)))]
async fn list_actors(
    State(state): State<AppState>,
    user: Require<AnyRole>,
    Query(filter): Query<ActorFilter>,
    paging: PageQuery,
) -> AppResult<Json<ActorPage>> {
    let (page, facets) = search::page_with_facets(&state.db, &filter, paging).await?;
    let role = user.user.role;
    Ok(Json(ActorPage {
        items: page.items.into_iter().map(|a| a.seen_by(role)).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
        facets,
    }))
}

/// Add an actor (admin, organizer).
#[utoipa::path(post, path = "/api/v1/actors", tag = "actors", request_body = ActorInput,
    responses((status = 201, body = Actor), (status = 422, body = ErrorEnvelope)))]
async fn create_actor(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Organizer>,
    ApiJson(input): ApiJson<ActorInput>,
) -> AppResult<(StatusCode, Json<Actor>)> {
    Ok((
        StatusCode::CREATED,
        Json(actors::create(&state.db, &state.settings.regions, &input, &who).await?),
    ))
}

/// One actor. Contact details (`email`, `phone`, the bounce fields) only for admins and
/// organizers; `null` or empty for every other role (minimum exposure).
#[utoipa::path(get, path = "/api/v1/actors/{id}", tag = "actors", params(("id" = i32, Path)),
    responses((status = 200, body = Actor), (status = 404, body = ErrorEnvelope)))]
async fn get_actor(
    State(state): State<AppState>,
    user: Require<AnyRole>,
    Path(id): Path<i32>,
) -> AppResult<Json<Actor>> {
    Ok(Json(actors::get(&state.db, id).await?.seen_by(user.user.role)))
}

/// Replace an actor's fields (admin, organizer).
#[utoipa::path(put, path = "/api/v1/actors/{id}", tag = "actors", params(("id" = i32, Path)), request_body = ActorInput,
    responses((status = 200, body = Actor), (status = 422, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
async fn update_actor(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Organizer>,
    Path(id): Path<i32>,
    ApiJson(input): ApiJson<ActorInput>,
) -> AppResult<Json<Actor>> {
    Ok(Json(
        actors::update(&state.db, &state.settings.regions, id, &input, &who).await?,
    ))
}

/// Delete an actor who is on no guest list (409 otherwise: merge instead).
#[utoipa::path(delete, path = "/api/v1/actors/{id}", tag = "actors", params(("id" = i32, Path)),
    responses((status = 204), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)))]
async fn delete_actor(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Organizer>,
    Path(id): Path<i32>,
) -> AppResult<StatusCode> {
    actors::delete(&state.db, id, &who).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Import a CSV file (`text/csv`, the format of the export). All or nothing: any bad line
/// gives 422 with every error by line and field, and stores nothing. Lines whose email or
/// phone, or whose name is already in the directory in the same town, are skipped.
#[utoipa::path(post, path = "/api/v1/actors/import", tag = "actors",
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = ImportSummary), (status = 422, body = ErrorEnvelope)))]
async fn import_actors(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Organizer>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> AppResult<(StatusCode, Json<ImportSummary>)> {
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !content_type.starts_with("text/csv") {
        return Err(AppError::BadRequest("expected Content-Type: text/csv".into()));
    }
    let content = std::str::from_utf8(&body).map_err(|_| AppError::BadRequest("the file is not UTF-8".into()))?;
    let summary = csv_io::import(
        &state.db,
        &csv_io::ImportRules::from(state.settings.as_ref()),
        content,
        true,
        &who,
        csv_io::OnExisting::Skip,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(summary)))
}

/// Everything held about one actor (admin only): directory entry, invitations and answers,
/// attendance, notes and outcomes naming them, outbox and inbound messages, erasures; one JSON file.
#[utoipa::path(get, path = "/api/v1/actors/{id}/export", tag = "actors", params(("id" = i32, Path)),
    responses((status = 200, body = ActorExport), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
async fn export_actor(
    State(state): State<AppState>,
    _user: Require<Admin>,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let file = export::export(&state.db, id).await?;
    let body = serde_json::to_vec_pretty(&file).map_err(anyhow::Error::from)?;
    Ok((
        [
            (CONTENT_TYPE, "application/json".to_string()),
            (CONTENT_DISPOSITION, format!("attachment; filename=\"actor-{id}.json\"")),
        ],
        body,
    )
        .into_response())
}

/// Erase an actor's personal data (admin only): name, contacts, notes' named speakers and message
/// bodies become "anonymised"; the counts of past events stay; the erasure is recorded without the
/// erased data. 409 when already erased.
#[utoipa::path(post, path = "/api/v1/actors/{id}/erase", tag = "actors", params(("id" = i32, Path)),
    responses((status = 200, body = Erasure), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope)))]
async fn erase_actor(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    user: Require<Admin>,
    Path(id): Path<i32>,
) -> AppResult<Json<Erasure>> {
    Ok(Json(
        erase::erase_with_files(&state.db, &state.mailer, id, Some(user.user.id), &who).await?,
    ))
}
