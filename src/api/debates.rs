//! `/api/v1/events/{id}/notes` and `/outcomes`: debate records.

use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}
