//! What the answer page says when the event moved: old → new date or place, and that an
//! answer given to the earlier date waits to be reconfirmed.

use chrono::{DateTime, Utc};

use crate::domain::events::Event;
use crate::domain::rsvp::Invitation;
use crate::i18n::Lang;

/// "mardi 8 décembre 2026, 09:00": the start in the event's zone and the reader's language.
fn start_text(event: &Event, at: DateTime<Utc>, lang: Lang) -> String {
    let local = at.with_timezone(&event.tz());
    let weekday = lang.t(&format!(
        "weekday_long.{}",
        local.format("%a").to_string().to_lowercase()
    ));
    let month = lang.t(&format!("month_lower.{}", local.format("%m")));
    format!(
        "{weekday} {} {month} {}, {}",
        local.format("%-d"),
        local.format("%Y"),
        local.format("%H:%M")
    )
}

/// One line per thing that moved (date, place) since the event was first announced.
pub fn notices(invitation: &Invitation, place: &str, lang: Lang) -> Vec<String> {
    let event = &invitation.event;
    let mut lines = Vec::new();
    if event.moved_sequence == 0 {
        return lines;
    }
    if let Some(old) = event.moved_from_starts_at.filter(|old| *old != event.starts_at) {
        let (old, new) = (start_text(event, old, lang), start_text(event, event.starts_at, lang));
        lines.push(lang.tf("inbound.moved.date_changed", &[("old", &old), ("new", &new)]));
    }
    if event.moved_from_place != place && !event.moved_from_place.is_empty() {
        lines.push(lang.tf(
            "inbound.moved.place_changed",
            &[("old", &event.moved_from_place), ("new", &place)],
        ));
    }
    lines
}

pub fn reconfirm_notice(invitation: &Invitation, lang: Lang) -> String {
    if !invitation.to_reconfirm {
        return String::new();
    }
    let answer = lang.t(&invitation.response.label_key());
    lang.tf("inbound.moved.to_reconfirm", &[("answer", &answer)])
}
