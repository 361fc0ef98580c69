//! `/api/v1/events/{id}/attendance`: check-in marks, walk-ins and the attendance list.

use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}
