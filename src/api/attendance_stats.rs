//! `/api/v1/events/{id}/attendance/summary` and `/api/v1/attendance/summary`: disaggregated attendance figures.

use crate::api::{Path, Query};
use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::api::ErrorEnvelope;
use crate::domain::attendance::campaign;
use crate::domain::attendance::stats::{self, Across, DisclosureQuery, StatsQuery, Summary};
use crate::error::AppResult;
use crate::web::auth_extract::{AnyRole, Require};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(event_attendance_summary))
        .routes(routes!(attendance_summary))
}

/// One event's attendance: invited vs present, by gender, age group, category and region, women's share.
/// Admins and organizers get exact figures unless they ask `?published=true`; every other role gets
/// the published ones, where a count of 1 to 4 is `"<5"` and `"x"` marks a count withheld with it.
#[utoipa::path(get, path = "/api/v1/events/{id}/attendance/summary", tag = "attendance",
    params(("id" = i32, Path), DisclosureQuery),
    responses((status = 200, body = Summary), (status = 401, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
async fn event_attendance_summary(
    State(state): State<AppState>,
    user: Require<AnyRole>,
    Path(id): Path<i32>,
    Query(disclosure): Query<DisclosureQuery>,
) -> AppResult<Json<Summary>> {
    let summary = stats::summary(&state.db, id).await?;
    Ok(Json(summary.disclosed(disclosure.published_for(user.user.role))))
}

/// Attendance across the scheduled and completed events selected by report, venue region and period
/// (`from`/`to` are days, `YYYY-MM-DD`, both included), together and event by event, latest first.
/// Published figures are added up from each event's published figures, so that no hidden count of
/// an event can be worked out from them: `"x"` then marks a sum that includes a hidden count.
#[utoipa::path(get, path = "/api/v1/attendance/summary", tag = "attendance",
    params(StatsQuery, DisclosureQuery),
    responses((status = 200, body = Across), (status = 401, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn attendance_summary(
    State(state): State<AppState>,
    user: Require<AnyRole>,
    Query(query): Query<StatsQuery>,
    Query(disclosure): Query<DisclosureQuery>,
) -> AppResult<Json<Across>> {
    let filter = query.parse(&state.db).await?;
    let published = disclosure.published_for(user.user.role);
    Ok(Json(campaign::across_disclosed(&state.db, &filter, published).await?))
}
