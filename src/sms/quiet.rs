//! Quiet hours: no SMS between two times of day in the event's time zone (default 20:00–08:00).

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuietHours {
    /// `None` when `TOGUNA_SMS_QUIET=off`.
    pub span: Option<(NaiveTime, NaiveTime)>,
}

impl Default for QuietHours {
    fn default() -> Self {
        QuietHours {
            span: Some((
                NaiveTime::from_hms_opt(20, 0, 0).unwrap_or_default(),
                NaiveTime::from_hms_opt(8, 0, 0).unwrap_or_default(),
            )),
        }
    }
}

impl QuietHours {
    /// `20:00-08:00`, or `off`.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let text = text.trim();
        if matches!(text, "off" | "none" | "") {
            return Ok(QuietHours { span: None });
        }
        let bad = || anyhow::anyhow!("TOGUNA_SMS_QUIET must be HH:MM-HH:MM or off, not {text:?}");
        let (from, to) = text.split_once(['-', '–']).ok_or_else(bad)?;
        let time = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| bad());
        let (from, to) = (time(from)?, time(to)?);
        anyhow::ensure!(from != to, bad());
        Ok(QuietHours { span: Some((from, to)) })
    }

    /// When a message due at `now` may go, for an event in `tz`: `now` itself outside quiet hours.
    pub fn next_allowed(&self, now: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
        let Some((from, to)) = self.span else { return now };
        let local = now.with_timezone(&tz);
        let time = local.time();
        let quiet = if from < to {
            time >= from && time < to
        } else {
            time >= from || time < to
        };
        if !quiet {
            return now;
        }
        // The end of the quiet span: today, or tomorrow when it ends after midnight.
        let mut day = local.date_naive();
        if time >= to {
            day += Duration::days(1);
        }
        tz.from_local_datetime(&day.and_time(to))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(now + Duration::hours(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_hours_hold_until_morning_in_the_event_zone() {
        let quiet = QuietHours::default();
        let tz: Tz = "Africa/Bamako".parse().unwrap();
        let evening = Utc.with_ymd_and_hms(2030, 5, 1, 21, 30, 0).unwrap();
        assert_eq!(
            quiet.next_allowed(evening, tz),
            Utc.with_ymd_and_hms(2030, 5, 2, 8, 0, 0).unwrap()
        );
        let night = Utc.with_ymd_and_hms(2030, 5, 2, 3, 0, 0).unwrap();
        assert_eq!(
            quiet.next_allowed(night, tz),
            Utc.with_ymd_and_hms(2030, 5, 2, 8, 0, 0).unwrap()
        );
        let noon = Utc.with_ymd_and_hms(2030, 5, 2, 12, 0, 0).unwrap();
        assert_eq!(quiet.next_allowed(noon, tz), noon);
        let paris: Tz = "Europe/Paris".parse().unwrap();
        // 19:30 UTC is 21:30 in Paris in May.
        let paris_evening = Utc.with_ymd_and_hms(2030, 5, 1, 19, 30, 0).unwrap();
        assert_eq!(
            quiet.next_allowed(paris_evening, paris),
            Utc.with_ymd_and_hms(2030, 5, 2, 6, 0, 0).unwrap()
        );
        assert_eq!(QuietHours::parse("off").unwrap().next_allowed(evening, tz), evening);
        assert!(QuietHours::parse("8h").is_err());
    }
}
