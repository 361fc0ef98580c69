//! `/api/v1/reports`: reports, their sections and JSON import; versions in `versions`.

mod versions;

use crate::api::Path;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::api::{ApiJson, ErrorEnvelope};
use crate::domain::paging::{PageQuery, Paged};
use crate::domain::reports::{self, NewReport, Report, ReportDetail};
use crate::domain::sections::{self, NewSection, Saved, Section, SectionUpdate, StaleEdit};
use crate::error::AppResult;
use crate::web::auth_extract::{AnyRole, Editor, Require};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_reports, create_report))
        .routes(routes!(get_report))
        .routes(routes!(list_sections, create_section))
        .routes(routes!(get_section, update_section, delete_section))
        .routes(routes!(import_report))
        .merge(versions::router())
}

/// Reports by title.
#[utoipa::path(get, path = "/api/v1/reports", tag = "reports", params(PageQuery),
    responses((status = 200, body = Paged<Report>), (status = 401, body = ErrorEnvelope)))]
async fn list_reports(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    paging: PageQuery,
) -> AppResult<Json<Paged<Report>>> {
    Ok(Json(reports::page(&state.db, paging).await?))
}

/// Create a report, optionally with its sections in order (admin, editor); all or nothing.
#[utoipa::path(post, path = "/api/v1/reports", tag = "reports", request_body = NewReport,
    responses((status = 201, body = ReportDetail), (status = 422, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)))]
async fn create_report(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Editor>,
    ApiJson(input): ApiJson<NewReport>,
) -> AppResult<(StatusCode, Json<ReportDetail>)> {
    Ok((
        StatusCode::CREATED,
        Json(reports::create(&state.db, &input, &who).await?),
    ))
}

/// A report with its sections.
#[utoipa::path(get, path = "/api/v1/reports/{id}", tag = "reports", params(("id" = i32, Path)),
    responses((status = 200, body = ReportDetail), (status = 404, body = ErrorEnvelope)))]
async fn get_report(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    Path(id): Path<i32>,
) -> AppResult<Json<ReportDetail>> {
    Ok(Json(reports::detail(&state.db, id).await?))
}

/// A report's sections in reading order.
#[utoipa::path(get, path = "/api/v1/reports/{id}/sections", tag = "reports", params(("id" = i32, Path), PageQuery),
    responses((status = 200, body = Paged<Section>), (status = 404, body = ErrorEnvelope)))]
async fn list_sections(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    Path(id): Path<i32>,
    paging: PageQuery,
) -> AppResult<Json<Paged<Section>>> {
    Ok(Json(sections::page(&state.db, id, paging).await?))
}

/// Append a section at the end of a report (admin, editor).
#[utoipa::path(post, path = "/api/v1/reports/{id}/sections", tag = "reports", params(("id" = i32, Path)),
    request_body = NewSection,
    responses((status = 201, body = Section), (status = 422, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
async fn create_section(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Editor>,
    Path(id): Path<i32>,
    ApiJson(input): ApiJson<NewSection>,
) -> AppResult<(StatusCode, Json<Section>)> {
    Ok((
        StatusCode::CREATED,
        Json(sections::create(&state.db, id, &input, &who).await?),
    ))
}

/// Import a report from JSON shaped like `fixtures/report-preliminary.json` (admin, editor):
/// all or nothing, errors named like `sections[2].heading`.
#[utoipa::path(post, path = "/api/v1/reports/import", tag = "reports", request_body = NewReport,
    responses((status = 201, body = ReportDetail), (status = 422, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)))]
async fn import_report(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Editor>,
    ApiJson(input): ApiJson<NewReport>,
) -> AppResult<(StatusCode, Json<ReportDetail>)> {
    Ok((
        StatusCode::CREATED,
        Json(reports::create(&state.db, &input, &who).await?),
    ))
}

/// One section of a report, with the `version` an edit must name.
#[utoipa::path(get, path = "/api/v1/reports/{id}/sections/{section}", tag = "reports",
    params(("id" = i32, Path), ("section" = i32, Path)),
    responses((status = 200, body = Section), (status = 404, body = ErrorEnvelope)))]
async fn get_section(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    Path((id, section)): Path<(i32, i32)>,
) -> AppResult<Json<Section>> {
    Ok(Json(sections::get_in(&state.db, id, section).await?))
}

/// A refused save: the usual error, plus the stored section and what the save carried.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SectionConflict {
    error: ConflictDetail,
    #[serde(flatten)]
    texts: StaleEdit,
}

#[derive(Serialize, utoipa::ToSchema)]
struct ConflictDetail {
    code: &'static str,
    message: &'static str,
}

/// Replace a section's heading, body and kind (admin, editor); `version` is the one the edit
/// started from, and a newer stored one gets 409 with the current section.
#[utoipa::path(put, path = "/api/v1/reports/{id}/sections/{section}", tag = "reports",
    params(("id" = i32, Path), ("section" = i32, Path)), request_body = SectionUpdate,
    responses((status = 200, body = Section), (status = 409, body = SectionConflict),
        (status = 422, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
async fn update_section(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Editor>,
    Path((id, section)): Path<(i32, i32)>,
    ApiJson(update): ApiJson<SectionUpdate>,
) -> AppResult<Response> {
    Ok(match sections::update(&state.db, id, section, &update, &who).await? {
        Saved::Done(section) => Json(section).into_response(),
        Saved::Stale(stale) => {
            let body = SectionConflict {
                error: ConflictDetail {
                    code: "conflict",
                    message: crate::i18n::Lang::En.t("sections.stale"),
                },
                texts: *stale,
            };
            (StatusCode::CONFLICT, Json(body)).into_response()
        }
    })
}

/// Delete a section no outcome refers to (admin, editor); 409 otherwise.
#[utoipa::path(delete, path = "/api/v1/reports/{id}/sections/{section}", tag = "reports",
    params(("id" = i32, Path), ("section" = i32, Path)),
    responses((status = 204), (status = 409, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
async fn delete_section(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Editor>,
    Path((id, section)): Path<(i32, i32)>,
) -> AppResult<StatusCode> {
    sections::delete(&state.db, id, section, &who).await?;
    Ok(StatusCode::NO_CONTENT)
}
