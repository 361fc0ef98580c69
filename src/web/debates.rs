//! Debate records: rapporteurs' notes and outcomes of an event.

use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
}
