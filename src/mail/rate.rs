//! The SMTP server's pace: a per-server rate (`TOGUNA_MAIL_RATE`, e.g. `300/h`) shared by every
//! lane, and a shared backoff when the server answers 421/451 ("slow down"), so a throttling
//! provider pauses the whole worker instead of burning each message's retries.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Messages per period, as providers state it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    pub messages: u32,
    pub per: Duration,
}

impl Rate {
    /// `300/h`, `20/m`, `5/s`, `10000/d`.
    pub fn parse(text: &str) -> Option<Rate> {
        let (n, unit) = text.trim().split_once('/')?;
        let messages: u32 = n.trim().parse().ok().filter(|n| *n > 0)?;
        let per = match unit.trim() {
            "s" => Duration::from_secs(1),
            "m" | "min" => Duration::from_secs(60),
            "h" => Duration::from_secs(3600),
            "d" => Duration::from_secs(86_400),
            _ => return None,
        };
        Some(Rate { messages, per })
    }

    /// The spacing between two messages.
    fn interval(self) -> Duration {
        self.per / self.messages
    }
}

/// Whether an SMTP failure is the server asking us to slow down (421 service not available,
/// 451 local error / rate limited), rather than something wrong with this message.
pub fn is_throttle(text: &str) -> bool {
    text.starts_with("transient error (421)") || text.starts_with("transient error (451)")
}

/// Shared by the lanes of one worker.
pub struct Throttle {
    interval: Duration,
    first_backoff: Duration,
    max_backoff: Duration,
    state: Mutex<State>,
}

struct State {
    /// The earliest moment the next message may start.
    next: Instant,
    /// The current backoff after 421/451; zero once a message went through.
    backoff: Duration,
}

impl Throttle {
    pub fn new(rate: Option<Rate>, first_backoff: Duration, max_backoff: Duration) -> Throttle {
        Throttle {
            interval: rate.map(Rate::interval).unwrap_or_default(),
            first_backoff: first_backoff.max(Duration::from_millis(10)),
            max_backoff: max_backoff.max(first_backoff),
            state: Mutex::new(State {
                next: Instant::now(),
                backoff: Duration::ZERO,
            }),
        }
    }

    /// Waits for this lane's turn: the rate spaces messages evenly across all lanes.
    pub async fn acquire(&self) {
        let slot = {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            let slot = state.next.max(Instant::now());
            state.next = slot + self.interval;
            slot
        };
        // A turn that is already here is taken at once: tokio's timer rounds a deadline up to its
        // next millisecond tick, so sleeping until "now" cost each message about a millisecond.
        if slot > Instant::now() {
            tokio::time::sleep_until(slot).await;
        }
    }

    /// How long until a message may start (for a lane deciding whether to hand its claims back).
    pub fn wait(&self) -> Duration {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.next.saturating_duration_since(Instant::now())
    }

    /// The server said 421/451: every lane pauses, twice as long as last time (up to the maximum).
    pub fn slow_down(&self) -> Duration {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.backoff = (state.backoff * 2).clamp(self.first_backoff, self.max_backoff);
        state.next = state.next.max(Instant::now() + state.backoff);
        state.backoff
    }

    /// A message went through: the next throttling starts again from the first backoff.
    pub fn went_through(&self) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).backoff = Duration::ZERO;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_as_providers_write_them() {
        assert_eq!(
            Rate::parse("300/h"),
            Some(Rate {
                messages: 300,
                per: Duration::from_secs(3600)
            })
        );
        assert_eq!(Rate::parse("300/h").unwrap().interval(), Duration::from_secs(12));
        assert_eq!(Rate::parse(" 5 / s ").unwrap().interval(), Duration::from_millis(200));
        for bad in ["", "300", "0/h", "-1/h", "300/week", "x/h"] {
            assert_eq!(Rate::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_421_and_451_are_a_request_to_slow_down() {
        assert!(is_throttle("transient error (421): too many messages"));
        assert!(is_throttle("transient error (451): rate limited"));
        assert!(!is_throttle("transient error (450): mailbox busy"));
        assert!(!is_throttle("permanent error (550): no such user"));
    }

    #[tokio::test]
    async fn backoff_doubles_for_every_lane_and_resets_once_a_message_goes_through() {
        let ms = Duration::from_millis;
        let throttle = Throttle::new(None, ms(40), ms(120));
        assert_eq!(throttle.slow_down(), ms(40));
        assert_eq!(throttle.slow_down(), ms(80));
        assert_eq!(throttle.slow_down(), ms(120));
        let started = Instant::now();
        throttle.acquire().await;
        assert!(started.elapsed() >= ms(110), "{:?}", started.elapsed());
        throttle.went_through();
        assert_eq!(throttle.slow_down(), ms(40));
    }

    #[tokio::test]
    async fn a_rate_gives_each_lane_its_own_turn() {
        let throttle = Throttle::new(Rate::parse("20/s"), Duration::from_secs(1), Duration::from_secs(1));
        let started = Instant::now();
        for _ in 0..5 {
            throttle.acquire().await;
        }
        // The first goes at once, then one every 50 ms.
        assert!(
            started.elapsed() >= Duration::from_millis(195),
            "{:?}",
            started.elapsed()
        );
    }
}
