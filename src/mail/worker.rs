//! The outbox worker: delivers due messages in a few lanes, each with its own connection, and
//! survives a delivery that panics.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures_util::FutureExt;
use lettre::address::Envelope;
use sea_orm::DatabaseConnection;
use tokio::sync::Notify;
use tracing::Instrument;

use crate::error::AppResult;
use crate::mail::group_record::GroupRecord;
use crate::mail::health::WorkerHealth;
use crate::mail::outbox::{Claimed, OutboxSettings, Outcome, claim, file_name, record_failure, release};
use crate::mail::rate::{Throttle, is_throttle};
use crate::mail::{Connection, Mailer, SendError};

/// What one batch did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BatchReport {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
}

impl BatchReport {
    pub fn total(&self) -> usize {
        self.sent + self.retrying + self.failed
    }
}

/// Delivers due messages; holds one reusable connection per concurrency slot.
pub struct Worker {
    db: DatabaseConnection,
    mailer: Mailer,
    settings: OutboxSettings,
    /// The envelope sender (bounces go there): the address of `TOGUNA_MAIL_FROM`.
    sender: Option<lettre::Address>,
    slots: Vec<Option<Connection>>,
    health: Arc<WorkerHealth>,
    /// The server's pace, shared by the lanes: the rate and the backoff after 421/451.
    throttle: Throttle,
    turns: Turns,
    /// The lanes' successes, written together.
    group: GroupRecord,
}

/// On SQLite the lanes take turns to write. SQLite has one writer, and a lane that finds the
/// lock taken sleeps in SQLite's busy handler (1, 2, 5, 10 … ms) instead of waiting its turn
/// in a queue: with four lanes that sleeping, not SMTP, set the pace. PostgreSQL needs no turns.
struct Turns {
    sqlite: bool,
    lock: tokio::sync::Mutex<()>,
}

impl Turns {
    async fn take(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        if self.sqlite {
            Some(self.lock.lock().await)
        } else {
            None
        }
    }
}

impl Worker {
    pub fn new(
        db: DatabaseConnection,
        mailer: Mailer,
        settings: OutboxSettings,
        sender: Option<lettre::Address>,
    ) -> Self {
        let slots = (0..settings.concurrency.max(1)).map(|_| None).collect();
        let throttle = Throttle::new(settings.rate, settings.throttle_backoff, settings.max_backoff);
        let turns = Turns {
            sqlite: db.get_database_backend() == sea_orm::DatabaseBackend::Sqlite,
            lock: tokio::sync::Mutex::new(()),
        };
        Worker {
            throttle,
            turns,
            group: GroupRecord::default(),
            db,
            mailer,
            settings,
            sender,
            slots,
            health: Arc::default(),
        }
    }

    /// Reports cycles and caught panics to `health` (what `/healthz` reads).
    pub fn with_health(mut self, health: Arc<WorkerHealth>) -> Self {
        self.health = health;
        self
    }

    /// Sends due messages, `concurrency` at a time, and says what happened.
    ///
    /// Each lane claims a few messages for itself and sends them one after the other, so the
    /// lease covers only a short run of sends (far below the default two minutes), and a crash
    /// leaves at most one delivered-but-unrecorded message per lane: the others claimed with it
    /// were not sent, and go out again once their lease expires.
    ///
    /// A delivery that panics is caught, counted and retried like a transient failure; a panic
    /// anywhere else in a lane ends that lane only, so the other lanes still record what they sent.
    pub async fn deliver_next_batch(&mut self) -> AppResult<BatchReport> {
        let db = &self.db;
        let mailer = &self.mailer;
        let sender = self.sender.as_ref();
        let settings = &self.settings;
        let health = &self.health;
        let throttle = &self.throttle;
        let turns = &self.turns;
        let group = &self.group;
        let lanes = self.slots.iter_mut().map(|slot| {
            let pace = Pace { throttle, turns, group };
            AssertUnwindSafe(lane(db, mailer, settings, sender, health, pace, slot)).catch_unwind()
        });
        let results = futures_util::future::join_all(lanes).await;
        let mut total = BatchReport::default();
        let mut claims_failed = 0;
        for result in results {
            match result {
                Ok(Ok(report)) => {
                    total.sent += report.sent;
                    total.retrying += report.retrying;
                    total.failed += report.failed;
                }
                Ok(Err(err)) => {
                    tracing::error!(error = %err, "could not claim messages");
                    claims_failed += 1;
                }
                Err(payload) => {
                    health.panicked();
                    tracing::error!(panic = %panic_text(payload.as_ref()), "an outbox lane panicked");
                }
            }
        }
        if claims_failed == self.slots.len() {
            return Err(crate::error::AppError::Internal(anyhow::anyhow!(
                "no lane could claim messages"
            )));
        }
        Ok(total)
    }

    /// Runs until `shutdown` is notified; wakes up when `wake` is notified or every `poll`.
    /// With a sending context it also queues the reminders that fall due.
    pub async fn run(mut self, wake: Arc<Notify>, shutdown: Arc<Notify>, reminders: Option<crate::mail::MailContext>) {
        self.health.started();
        let mut last_reminder_check: Option<std::time::Instant> = None;
        loop {
            if let Some(ctx) = &reminders
                && self.settings.reminder_days > 0
                && last_reminder_check.is_none_or(|t| t.elapsed() >= self.settings.reminder_check)
            {
                last_reminder_check = Some(std::time::Instant::now());
                match crate::domain::invitations::queue_due_reminders(&self.db, ctx, self.settings.reminder_days).await
                {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(reminders = n, "reminders queued"),
                    Err(err) => tracing::error!(error = %err, "reminders could not be queued"),
                }
            }
            let busy = match self.deliver_next_batch().await {
                Ok(report) => {
                    self.health.cycle_done();
                    report.total() > 0
                }
                Err(err) => {
                    tracing::error!(error = %err, "outbox batch failed");
                    false
                }
            };
            if busy {
                continue;
            }
            let nap = self.settings.poll.min(self.settings.reminder_check);
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(nap) => {}
                _ = shutdown.notified() => break,
            }
        }
        for slot in self.slots.iter_mut() {
            if let Some(connection) = slot.take() {
                connection.close().await;
            }
        }
    }
}

/// What the lanes share: the server's pace, the turns to write and the writer of successes.
#[derive(Clone, Copy)]
struct Pace<'a> {
    throttle: &'a Throttle,
    turns: &'a Turns,
    group: &'a GroupRecord,
}

/// One lane of a batch: claims a few messages and sends them one after the other on its connection.
async fn lane(
    db: &DatabaseConnection,
    mailer: &Mailer,
    settings: &OutboxSettings,
    sender: Option<&lettre::Address>,
    health: &WorkerHealth,
    pace: Pace<'_>,
    slot: &mut Option<Connection>,
) -> AppResult<BatchReport> {
    let Pace { throttle, turns, group } = pace;
    const PER_LANE: usize = 8;
    let mut report = BatchReport::default();
    // Under a rate a lane waits its turn between messages: one claim each keeps the wait short.
    let per_lane = if settings.rate.is_some() { 1 } else { PER_LANE };
    let claimed_at = std::time::Instant::now();
    let mut claimed = {
        let _turn = turns.take().await;
        claim(db, per_lane, settings.lease).await?.into_iter()
    };
    while let Some(message) = claimed.next() {
        // A turn that would come after half the lease hands the claims back rather than let
        // the lease run out under them (another lane would then send them a second time).
        if claimed_at.elapsed() + throttle.wait() > settings.lease / 2 {
            let until = chrono::Utc::now() + chrono::Duration::from_std(throttle.wait()).unwrap_or_default();
            let _turn = turns.take().await;
            for message in std::iter::once(message).chain(claimed.by_ref()) {
                release(db, message.id, until, "").await?;
            }
            break;
        }
        throttle.acquire().await;
        let outcome = match AssertUnwindSafe(send_one(mailer, settings, sender, slot, &message))
            .catch_unwind()
            .await
        {
            Ok(outcome) => outcome,
            Err(payload) => {
                health.panicked();
                let text = panic_text(payload.as_ref());
                tracing::error!(id = message.id, panic = %text, "a delivery panicked; it will be retried");
                // Whatever the connection was doing when it panicked, it is not to be trusted.
                *slot = None;
                Err(SendError::transient(format!("the delivery panicked: {text}")))
            }
        };
        match &outcome {
            Err(err) if is_throttle(&err.text) => {
                // "Slow down" is about the server, not this message: the whole worker pauses and
                // the lane's claims go back unsent, none of them charged an attempt.
                let pause = throttle.slow_down();
                tracing::warn!(id = message.id, pause_ms = pause.as_millis() as u64, error = %err.text, "the mail server asks to slow down");
                let until = chrono::Utc::now() + chrono::Duration::from_std(pause).unwrap_or_default();
                let _turn = turns.take().await;
                release(db, message.id, until, &err.text).await?;
                for rest in claimed.by_ref() {
                    release(db, rest.id, until, "").await?;
                }
                report.retrying += 1;
                break;
            }
            Ok(()) => throttle.went_through(),
            Err(_) => {}
        }
        let recorded = match &outcome {
            Ok(()) => group.sent(db, &message, turns.take()).await.map(|()| Outcome::Sent),
            Err(err) => {
                let _turn = turns.take().await;
                record_failure(db, settings, &message, err).await
            }
        };
        match recorded {
            Ok(Outcome::Sent) => report.sent += 1,
            Ok(Outcome::Retrying) => report.retrying += 1,
            Ok(Outcome::Failed) => report.failed += 1,
            Err(err) => tracing::error!(error = %err, id = message.id, "could not record a delivery"),
        }
    }
    Ok(report)
}

/// The message a panic carried, when it is text.
pub(crate) fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

async fn send_one(
    mailer: &Mailer,
    settings: &OutboxSettings,
    sender: Option<&lettre::Address>,
    slot: &mut Option<Connection>,
    message: &Claimed,
) -> Result<(), SendError> {
    // Only the debug-build fault hook reads the settings.
    #[cfg(not(debug_assertions))]
    let _ = settings;
    let span = tracing::info_span!("delivery", id = message.id, attempt = message.attempts, domain = %domain_of(&message.recipient));
    // `instrument`, not `span.enter()`: an entered guard held across `.await` leaks into
    // whatever else the thread polls meanwhile (the other lanes), and tracing-subscriber then
    // panicked on closing spans in the wrong order.
    async move {
        #[cfg(debug_assertions)]
        if settings.panic_for_recipient.as_deref() == Some(message.recipient.as_str()) {
            panic!("injected fault: delivery {} panics", message.id);
        }
        if slot.as_ref().is_some_and(|c| !c.is_usable()) {
            *slot = None;
        }
        if slot.is_none() {
            *slot = Some(mailer.open().await?);
        }
        let envelope = envelope(sender, &message.recipient)?;
        let name = file_name(&message.message_id);
        let connection = slot.as_mut().ok_or_else(|| SendError::transient("no connection"))?;
        let result = connection.send(&envelope, message.body.as_bytes(), &name).await;
        if result.is_err() {
            // After an error the connection's state is unknown; open a fresh one next time.
            *slot = None;
        }
        result
    }
    .instrument(span)
    .await
}

fn envelope(from: Option<&lettre::Address>, recipient: &str) -> Result<Envelope, SendError> {
    let from = from.cloned();
    let to = recipient.parse().map_err(|e| SendError {
        permanent: true,
        text: format!("bad address: {e}"),
    })?;
    Envelope::new(from, vec![to]).map_err(|e| SendError {
        permanent: true,
        text: e.to_string(),
    })
}

/// The address's domain, for logs that must not name people.
fn domain_of(address: &str) -> &str {
    address.rsplit_once('@').map(|(_, d)| d).unwrap_or("?")
}
