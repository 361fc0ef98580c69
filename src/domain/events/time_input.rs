//! Reading event times: an RFC 3339 instant, or a local date-time in the event's zone.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::error::FieldErrors;

/// The instant meant by `raw`, or an error on `field` (unreadable, or a local time that the
/// zone skips at a daylight-saving change).
pub fn parse_instant(raw: &str, tz: Tz, field: &str, errors: &mut FieldErrors) -> Option<DateTime<Utc>> {
    let raw = raw.trim();
    if raw.is_empty() {
        errors.add(field, "validation.required");
        return None;
    }
    if let Ok(instant) = DateTime::parse_from_rfc3339(raw) {
        return Some(instant.with_timezone(&Utc));
    }
    let naive = [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
    ]
    .iter()
    .find_map(|format| NaiveDateTime::parse_from_str(raw, format).ok());
    let Some(naive) = naive else {
        errors.add(field, "validation.datetime");
        return None;
    };
    // An ambiguous time (clocks going back) means the first occurrence, as calendars do.
    match tz.from_local_datetime(&naive).earliest() {
        Some(local) => Some(local.with_timezone(&Utc)),
        None => {
            errors.add(field, "validation.nonexistent_time");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str, tz: Tz) -> Option<DateTime<Utc>> {
        parse_instant(raw, tz, "starts_at", &mut FieldErrors::new())
    }

    #[test]
    fn nine_in_bamako_and_nine_in_paris_are_different_instants() {
        let bamako = parse("2026-12-10T09:00", chrono_tz::Africa::Bamako).unwrap();
        let paris = parse("2026-12-10T09:00", chrono_tz::Europe::Paris).unwrap();
        assert_eq!(bamako.to_rfc3339(), "2026-12-10T09:00:00+00:00");
        assert_eq!(paris.to_rfc3339(), "2026-12-10T08:00:00+00:00");
        let summer_paris = parse("2026-07-10T09:00", chrono_tz::Europe::Paris).unwrap();
        assert_eq!(summer_paris.to_rfc3339(), "2026-07-10T07:00:00+00:00");
    }

    #[test]
    fn an_explicit_offset_wins_over_the_zone() {
        let t = parse("2026-12-10T09:00:00+01:00", chrono_tz::Africa::Bamako).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-12-10T08:00:00+00:00");
    }

    #[test]
    fn a_skipped_local_time_is_refused() {
        let mut errors = FieldErrors::new();
        assert!(parse_instant("2026-03-29T02:30", chrono_tz::Europe::Paris, "starts_at", &mut errors).is_none());
        assert_eq!(errors.get("starts_at"), Some("validation.nonexistent_time"));
    }
}
