//! `/api/v1/reports/{id}/versions`: publish, read and compare versions, with the outcomes behind each change.

use crate::api::Path;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::api::{ApiJson, ErrorEnvelope};
use crate::domain::versions::diff::{self, Comparison, Side};
use crate::domain::versions::{self, NewVersion, Version, VersionInfo};
use crate::error::AppResult;
use crate::web::auth_extract::{AnyRole, Editor, Require};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_versions, publish_version))
        .routes(routes!(get_version))
        .routes(routes!(diff_versions))
}

/// Publish the current sections as the next version (admin, editor). Accepted and rejected
/// outcomes not yet in a version are stamped with it, which makes those decisions final.
#[utoipa::path(post, path = "/api/v1/reports/{id}/versions", tag = "reports", params(("id" = i32, Path)),
    request_body = NewVersion,
    responses((status = 201, body = Version), (status = 422, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
async fn publish_version(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    user: Require<Editor>,
    Path(id): Path<i32>,
    ApiJson(input): ApiJson<NewVersion>,
) -> AppResult<(StatusCode, Json<Version>)> {
    let version = versions::publish(&state.db, id, &input.label, Some(user.user.id), &who).await?;
    Ok((StatusCode::CREATED, Json(version)))
}

/// The published versions of a report, latest first.
#[utoipa::path(get, path = "/api/v1/reports/{id}/versions", tag = "reports", params(("id" = i32, Path)),
    responses((status = 200, body = Vec<VersionInfo>), (status = 404, body = ErrorEnvelope)))]
async fn list_versions(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    Path(id): Path<i32>,
) -> AppResult<Json<Vec<VersionInfo>>> {
    Ok(Json(versions::list(&state.db, id).await?))
}

/// One published version with every section as it was frozen.
#[utoipa::path(get, path = "/api/v1/reports/{id}/versions/{n}", tag = "reports",
    params(("id" = i32, Path), ("n" = i32, Path)),
    responses((status = 200, body = Version), (status = 404, body = ErrorEnvelope)))]
async fn get_version(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    Path((id, n)): Path<(i32, i32)>,
) -> AppResult<Json<Version>> {
    Ok(Json(versions::get(&state.db, id, n).await?))
}

/// What changed from version `a` to version `b` (`a` = 0 is the empty report), word by word, with
/// the accepted outcomes each change took on board.
#[utoipa::path(get, path = "/api/v1/reports/{id}/versions/{a}/diff/{b}", tag = "reports",
    params(("id" = i32, Path), ("a" = i32, Path), ("b" = i32, Path)),
    responses((status = 200, body = Comparison), (status = 404, body = ErrorEnvelope)))]
async fn diff_versions(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    Path((id, a, b)): Path<(i32, i32, i32)>,
) -> AppResult<Json<Comparison>> {
    Ok(Json(diff::compare(&state.db, id, a, Side::Version(b)).await?))
}
