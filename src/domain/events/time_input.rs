//! Reading event times: an RFC 3339 instant, or a local date-time in the event's zone.

use std::ops::RangeInclusive;

use chrono::{DateTime, Datelike, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::error::FieldErrors;

/// The years a date may fall in. The research this serves began after 2000 and plans years,
/// not centuries, ahead; outside the range a date is a typing slip (0026 for 2026), and before
/// 1912 the zone database gives Bamako its local mean time, shifting stored times by minutes.
pub const YEARS: RangeInclusive<i32> = 2000..=2100;

/// Whether a date lies within [`YEARS`].
pub fn plausible_year(date: impl Datelike) -> bool {
    YEARS.contains(&date.year())
}

/// The instant meant by `raw`, or an error on `field` (unreadable, out of [`YEARS`], or a
/// local time that the zone skips at a daylight-saving change).
pub fn parse_instant(raw: &str, tz: Tz, field: &str, errors: &mut FieldErrors) -> Option<DateTime<Utc>> {
    let instant = read_instant(raw, tz, field, errors)?;
    if !plausible_year(instant) {
        errors.add(field, "validation.date_range");
        return None;
    }
    Some(instant)
}

fn read_instant(raw: &str, tz: Tz, field: &str, errors: &mut FieldErrors) -> Option<DateTime<Utc>> {
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
    fn years_outside_2000_to_2100_are_refused() {
        for raw in [
            "0000-01-01T09:00:00Z",
            "1900-12-10T09:00",
            "2101-01-01T00:00:00+00:00",
            "1999-12-31T23:59:59Z",
        ] {
            let mut errors = FieldErrors::new();
            assert!(
                parse_instant(raw, chrono_tz::Africa::Bamako, "starts_at", &mut errors).is_none(),
                "{raw}"
            );
            assert_eq!(errors.get("starts_at"), Some("validation.date_range"), "{raw}");
        }
        assert!(parse("2000-01-01T00:00:00Z", chrono_tz::Africa::Bamako).is_some());
        assert!(parse("2100-12-31T09:00", chrono_tz::Africa::Bamako).is_some());
    }

    #[test]
    fn a_skipped_local_time_is_refused() {
        let mut errors = FieldErrors::new();
        assert!(parse_instant("2026-03-29T02:30", chrono_tz::Europe::Paris, "starts_at", &mut errors).is_none());
        assert_eq!(errors.get("starts_at"), Some("validation.nonexistent_time"));
    }
}
