//! Check-in pages: the guest list, QR codes, walk-ins, the headcount grid and paper sheets.

use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
}
