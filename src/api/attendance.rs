//! `/api/v1/events/{id}/attendance`: check-in marks, walk-ins and the attendance list.

use crate::api::Path;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::api::{ApiJson, ErrorEnvelope};
use crate::domain::attendance::record::{Mark, MarkResult};
use crate::domain::attendance::{self, Attendance};
use crate::domain::paging::{PageQuery, Paged};
use crate::error::AppResult;
use crate::web::auth_extract::{Organizer, Require};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_attendance, record_mark))
}

/// Everyone recorded present at the event, latest first, names included: organizers and admins
/// only, since the rows would rebuild the small counts the summary hides from other roles.
#[utoipa::path(get, path = "/api/v1/events/{id}/attendance", tag = "attendance", params(("id" = i32, Path), PageQuery),
    responses((status = 200, body = Paged<Attendance>), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
async fn list_attendance(
    State(state): State<AppState>,
    _user: Require<Organizer>,
    Path(id): Path<i32>,
    paging: PageQuery,
) -> AppResult<Json<Paged<Attendance>>> {
    Ok(Json(attendance::list(&state.db, id, paging).await?))
}

/// Records a mark: a guest present (by `invitation_id` or `checkin_code`) or unmarked (`undo`),
/// a walk-in, or a headcount grid. 201 when recorded; 200 when its `client_id` was seen before.
#[utoipa::path(post, path = "/api/v1/events/{id}/attendance", tag = "attendance", params(("id" = i32, Path)),
    request_body = Mark,
    responses((status = 201, body = MarkResult), (status = 200, body = MarkResult),
        (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn record_mark(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Organizer>,
    Path(id): Path<i32>,
    ApiJson(mark): ApiJson<Mark>,
) -> AppResult<(StatusCode, Json<MarkResult>)> {
    let result = state.record_mark(id, &who, &mark).await?;
    let status = if result.repeated() {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(result)))
}
