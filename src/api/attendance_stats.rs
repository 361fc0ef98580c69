//! `/api/v1/events/{id}/attendance/summary`: disaggregated attendance figures.

use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}
