//! An event as a calendar entry (the `calendar` module writes it; this decides what goes in).

use chrono::Utc;

use crate::calendar::{self, CalendarEvent, Method, Person, Status};
use crate::domain::events::Event;
use crate::domain::venues::Venue;
use crate::domain::vocab::EventStatus;

/// "Centre Djoliba, Rue 12, Kayes": what a calendar shows as the place.
pub fn location(venue: Option<&Venue>) -> String {
    venue
        .map(|v| {
            [v.name.as_str(), v.address.as_str(), v.town.as_str()]
                .into_iter()
                .filter(|part| !part.trim().is_empty())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

/// `Name <address>` or a bare address, as in `TOGUNA_MAIL_FROM`.
pub fn parse_mailbox(raw: &str) -> Option<Person> {
    let raw = raw.trim();
    let (name, email) = match raw.rsplit_once('<') {
        Some((name, rest)) => (
            name.trim().trim_matches('"').to_string(),
            rest.trim_end_matches('>').trim().to_string(),
        ),
        None => (String::new(), raw.to_string()),
    };
    email.contains('@').then_some(Person { email, name })
}

pub fn entry(event: &Event, venue: Option<&Venue>, organizer: Option<Person>, url: Option<String>) -> CalendarEvent {
    CalendarEvent {
        uid: event.uid.clone(),
        sequence: event.sequence.max(0) as u32,
        summary: event.title.clone(),
        description: event.description.clone(),
        location: location(venue),
        starts_at: event.starts_at,
        ends_at: event.ends_at,
        status: match event.status {
            EventStatus::Cancelled => Status::Cancelled,
            EventStatus::Draft => Status::Tentative,
            EventStatus::Scheduled | EventStatus::Completed => Status::Confirmed,
        },
        url,
        organizer,
        attendee: None,
    }
}

/// The event as a downloadable calendar file (`METHOD:PUBLISH`).
pub fn publish(event: &Event, venue: Option<&Venue>, organizer: Option<Person>, url: Option<String>) -> String {
    calendar::document(Method::Publish, &[entry(event, venue, organizer, url)], Utc::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailboxes_are_read_with_or_without_a_name() {
        let p = parse_mailbox("Toguna <toguna@example.org>").unwrap();
        assert_eq!((p.name.as_str(), p.email.as_str()), ("Toguna", "toguna@example.org"));
        assert_eq!(parse_mailbox("toguna@example.org").unwrap().name, "");
        assert!(parse_mailbox("Toguna").is_none());
    }
}
