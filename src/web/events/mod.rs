//! Event pages: upcoming and past lists, the month calendar, the form, and the event page.

mod calendar;
mod form;
mod guest_page;
mod guests;
mod list;
mod page;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;
use calendar::show_calendar;
use form::{change_status, create_event, edit_event, new_event, update_event};
use guest_page::show_guest;
use guests::{add_guests, remove_guest, resend_invitation, send_invitations};
use list::list_events;
use page::{download_ics, sending_progress, show_event};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/events", get(list_events).post(create_event))
        .route("/events/new", get(new_event))
        .route("/events/calendar", get(show_calendar))
        .route("/events/{id}", get(show_event).post(update_event))
        .route("/events/{id}/edit", get(edit_event))
        .route("/events/{id}/status", post(change_status))
        .route("/events/{id}/invite.ics", get(download_ics))
        .route("/events/{id}/guests", post(add_guests))
        .route("/events/{id}/guests/{invitation}", get(show_guest))
        .route("/events/{id}/guests/{invitation}/delete", post(remove_guest))
        .route("/events/{id}/guests/{invitation}/resend", post(resend_invitation))
        .route("/events/{id}/invitations/send", post(send_invitations))
        .route("/events/{id}/progress.json", get(sending_progress))
}
