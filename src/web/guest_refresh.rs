//! The organizer's "refresh figures" button of a guest row: copies the directory's current
//! disaggregation onto the invitation, before the event is completed (409 after, its figures are final).

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::post;
use axum_extra::extract::CookieJar;

use crate::AppState;
use crate::domain::audit::Who;
use crate::domain::guests;
use crate::error::AppResult;
use crate::web::auth_extract::{Organizer, Require};
use crate::web::page::flash_redirect;

pub fn router() -> Router<AppState> {
    Router::new().route("/events/{id}/guests/{invitation}/refresh", post(refresh))
}

/// The same domain call as `POST /api/v1/events/{id}/invitations/{inv}/refresh`; the CSRF layer
/// guards the form. Nothing is mailed and the directory is untouched, so no confirmation is asked.
async fn refresh(
    State(state): State<AppState>,
    who: Who,
    _user: Require<Organizer>,
    jar: CookieJar,
    Path((id, invitation)): Path<(i32, i32)>,
) -> AppResult<Response> {
    guests::refresh(&state.db, id, invitation, &who).await?;
    Ok(flash_redirect(
        jar,
        "success",
        "privacy.refreshed",
        &format!("/events/{id}#guest-{invitation}"),
    ))
}
