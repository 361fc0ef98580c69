//! One guest's page of an event: the rare row actions (answer received, handover, channel, figures).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;

use crate::AppState;
use crate::domain::events::{self, Event};
use crate::domain::guest_list;
use crate::domain::guests::Guest;
use crate::domain::vocab::{Delivery, EventStatus};
use crate::error::AppResult;
use crate::web::auth_extract::{Organizer, Require};
use crate::web::errors::render;
use crate::web::page::Page;

/// The guest's name as the list shows it; empty for a row whose actor is gone.
pub(super) fn name_of(guest: &Guest) -> &str {
    guest.actor.as_ref().map(|a| a.full_name.as_str()).unwrap_or_default()
}

/// A row action's label naming its guest, for screen readers.
pub(super) fn named(page: &Page, key: &str, guest: &Guest) -> String {
    page.tf(key, &[("name", &name_of(guest))])
}

/// Invitations leave only from a scheduled event, and only organizers send them.
pub(super) fn can_send(page: &Page, event: &Event) -> bool {
    page.can_organize() && event.status == EventStatus::Scheduled
}

/// Guests are added, answered for and changed until the event is over or cancelled.
pub(super) fn can_change_guests(page: &Page, event: &Event) -> bool {
    page.can_organize() && matches!(event.status, EventStatus::Draft | EventStatus::Scheduled)
}

/// A sent or failed email may be sent again to a guest who can still be emailed.
pub(super) fn can_resend(page: &Page, event: &Event, guest: &Guest) -> bool {
    can_send(page, event) && guest.emailable && matches!(guest.delivery, Delivery::Failed | Delivery::Sent)
}

#[derive(Template)]
#[template(path = "events/guest.html")]
struct GuestPage {
    page: Page,
    event: Event,
    guest: Guest,
}

impl GuestPage {
    fn named(&self, key: &str) -> String {
        named(&self.page, key, &self.guest)
    }

    fn name(&self) -> &str {
        name_of(&self.guest)
    }

    fn can_change(&self) -> bool {
        can_change_guests(&self.page, &self.event)
    }

    fn can_resend(&self) -> bool {
        can_resend(&self.page, &self.event, &self.guest)
    }
}

/// `GET /events/{id}/guests/{invitation}`: the forms each guest row used to carry, one guest at a
/// time, so the event page's rows stay light at 2,000 guests (a link per row instead of four forms).
pub(super) async fn show_guest(
    State(state): State<AppState>,
    _user: Require<Organizer>,
    page: Page,
    Path((id, invitation)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let event = events::get(&state.db, id).await?;
    let guest = guest_list::one(&state.db, &event, invitation).await?;
    Ok(render(&GuestPage { page, event, guest }))
}
