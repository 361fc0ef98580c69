//! The transactional outbox: messages are queued with the change that caused them and
//! delivered by a background worker with bounded concurrency, retries and leases.
//!
//! A claimed message is leased to one worker; if that worker dies, the lease expires and the
//! message is due again. So nothing is lost, and only messages in flight at a crash (at most
//! the worker's concurrency) can be sent twice. On PostgreSQL, `FOR UPDATE SKIP LOCKED` lets
//! several app processes claim side by side without taking the same rows.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::{invitation, outbox_message};
use futures_util::FutureExt;
use lettre::address::Envelope;
use rand::Rng;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, QueryFilter, Set,
    Statement,
};
use tokio::sync::Notify;
use tracing::Instrument;

use crate::domain::vocab::Delivery;
use crate::error::AppResult;
use crate::mail::health::WorkerHealth;
use crate::mail::{Connection, Mailer, SendError};

/// How the worker behaves; tests shorten the waits.
#[derive(Clone, Debug)]
pub struct OutboxSettings {
    /// Messages sent at once, one SMTP connection each.
    pub concurrency: usize,
    /// How long a claimed message belongs to its worker.
    pub lease: Duration,
    /// The first retry waits this long, then twice as long each time, up to `max_backoff`.
    pub retry_base: Duration,
    pub max_backoff: Duration,
    /// How often an idle worker looks for due messages (a queued message also wakes it).
    pub poll: Duration,
    /// Reminders go this many days before an event; 0 sends none.
    pub reminder_days: i64,
    /// How often the worker looks for invitees to remind.
    pub reminder_check: Duration,
    /// A message due for longer than this is overdue; overdue messages and no finished cycle
    /// for as long make `/healthz` report the worker stalled.
    pub stall_after: Duration,
    /// Fault injection for the tests: a delivery to this address panics. The field exists only
    /// in debug builds and is read from no setting, so a release deployment cannot be made to panic.
    #[cfg(debug_assertions)]
    pub panic_for_recipient: Option<String>,
}

impl Default for OutboxSettings {
    fn default() -> Self {
        OutboxSettings {
            concurrency: 4,
            lease: Duration::from_secs(120),
            retry_base: Duration::from_secs(15),
            max_backoff: Duration::from_secs(30 * 60),
            poll: Duration::from_secs(2),
            reminder_days: 2,
            reminder_check: Duration::from_secs(60),
            stall_after: Duration::from_secs(300),
            #[cfg(debug_assertions)]
            panic_for_recipient: None,
        }
    }
}

/// A message to queue.
pub struct NewMessage {
    pub kind: &'static str,
    pub invitation_id: Option<i32>,
    pub event_id: i32,
    pub recipient: String,
    pub message_id: String,
    pub subject: String,
    pub body: Vec<u8>,
}

/// Queues a message inside the caller's transaction.
pub async fn queue<C: ConnectionTrait>(db: &C, message: NewMessage) -> AppResult<()> {
    let now = Utc::now();
    outbox_message::ActiveModel {
        kind: Set(message.kind.into()),
        invitation_id: Set(message.invitation_id),
        event_id: Set(message.event_id),
        recipient: Set(message.recipient),
        message_id: Set(message.message_id),
        subject: Set(message.subject),
        // Composed messages are ASCII: lettre encodes every part as 7bit, quoted-printable or base64.
        body: Set(String::from_utf8_lossy(&message.body).into_owned()),
        status: Set("pending".into()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        locked_until: Set(None),
        last_error: Set(String::new()),
        sent_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

struct Claimed {
    id: i32,
    invitation_id: Option<i32>,
    recipient: String,
    message_id: String,
    body: String,
    attempts: i32,
}

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
}

impl Worker {
    pub fn new(
        db: DatabaseConnection,
        mailer: Mailer,
        settings: OutboxSettings,
        sender: Option<lettre::Address>,
    ) -> Self {
        let slots = (0..settings.concurrency.max(1)).map(|_| None).collect();
        Worker {
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
        let lanes = self
            .slots
            .iter_mut()
            .map(|slot| AssertUnwindSafe(lane(db, mailer, settings, sender, health, slot)).catch_unwind());
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

/// One lane of a batch: claims a few messages and sends them one after the other on its connection.
async fn lane(
    db: &DatabaseConnection,
    mailer: &Mailer,
    settings: &OutboxSettings,
    sender: Option<&lettre::Address>,
    health: &WorkerHealth,
    slot: &mut Option<Connection>,
) -> AppResult<BatchReport> {
    const PER_LANE: usize = 8;
    let mut report = BatchReport::default();
    for message in claim(db, PER_LANE, settings.lease).await? {
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
        match record(db, settings, &message, outcome).await {
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

enum Outcome {
    Sent,
    Retrying,
    Failed,
}

async fn record(
    db: &DatabaseConnection,
    settings: &OutboxSettings,
    message: &Claimed,
    result: Result<(), SendError>,
) -> AppResult<Outcome> {
    let now = Utc::now();
    let (outcome, delivery) = match &result {
        Ok(()) => (Outcome::Sent, Delivery::Sent),
        Err(err) if err.permanent => (Outcome::Failed, Delivery::Failed),
        Err(_) => (Outcome::Retrying, Delivery::Queued),
    };
    let mut update = outbox_message::Entity::update_many()
        .col_expr(
            outbox_message::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(outbox_message::Column::Id.eq(message.id));
    update = match (&outcome, &result) {
        (Outcome::Sent, _) => update
            .col_expr(outbox_message::Column::Status, Expr::value("sent"))
            .col_expr(outbox_message::Column::SentAt, Expr::value(Some(now)))
            .col_expr(outbox_message::Column::LastError, Expr::value(""))
            // The body carries the invitee's answer link; it is not kept once delivered.
            .col_expr(outbox_message::Column::Body, Expr::value("")),
        (Outcome::Failed, Err(err)) => update
            .col_expr(outbox_message::Column::Status, Expr::value("failed"))
            .col_expr(outbox_message::Column::LastError, Expr::value(err.text.clone())),
        (_, Err(err)) => update
            .col_expr(outbox_message::Column::Status, Expr::value("pending"))
            .col_expr(
                outbox_message::Column::NextAttemptAt,
                Expr::value(now + backoff(settings, message.attempts)),
            )
            .col_expr(outbox_message::Column::LastError, Expr::value(err.text.clone())),
        (_, Ok(())) => update,
    };
    update.exec(db).await?;
    if let Err(err) = &result {
        tracing::warn!(id = message.id, permanent = err.permanent, error = %err.text, "delivery failed");
    }
    if let Some(invitation_id) = message.invitation_id {
        invitation::Entity::update_many()
            .col_expr(invitation::Column::Delivery, Expr::value(delivery.slug()))
            .filter(invitation::Column::Id.eq(invitation_id))
            .exec(db)
            .await?;
    }
    Ok(outcome)
}

/// Exponential backoff with ±20 % jitter, so retries after an outage do not all arrive at once.
fn backoff(settings: &OutboxSettings, attempts: i32) -> chrono::Duration {
    let exponent = attempts.clamp(1, 20) as u32 - 1;
    let base = settings
        .retry_base
        .saturating_mul(2u32.saturating_pow(exponent))
        .min(settings.max_backoff);
    let jitter = rand::thread_rng().gen_range(0.8..1.2);
    chrono::Duration::from_std(base.mul_f64(jitter)).unwrap_or(chrono::Duration::minutes(30))
}

/// Leases up to `limit` due messages (pending and due, or abandoned by a dead worker).
async fn claim(db: &DatabaseConnection, limit: usize, lease: Duration) -> AppResult<Vec<Claimed>> {
    let now = Utc::now();
    let until = now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::minutes(2));
    let backend = db.get_database_backend();
    let lock = if backend == DatabaseBackend::Postgres {
        "FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    let sql = format!(
        "UPDATE outbox_messages SET status = 'sending', locked_until = $1, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM outbox_messages \
           WHERE (status = 'pending' AND next_attempt_at <= $2) OR (status = 'sending' AND locked_until < $2) \
           ORDER BY id LIMIT $3 {lock}) \
         RETURNING id, invitation_id, recipient, message_id, body, attempts"
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [until.into(), now.into(), (limit as i64).into()],
        ))
        .await?;
    let mut claimed = Vec::with_capacity(rows.len());
    for row in rows {
        claimed.push(Claimed {
            id: row.try_get("", "id")?,
            invitation_id: row.try_get("", "invitation_id")?,
            recipient: row.try_get("", "recipient")?,
            message_id: row.try_get("", "message_id")?,
            body: row.try_get("", "body")?,
            attempts: row.try_get("", "attempts")?,
        });
    }
    claimed.sort_by_key(|c| c.id);
    Ok(claimed)
}

/// Sending progress of one event: how many messages are sent, waiting, failed.
#[derive(Clone, Copy, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Progress {
    pub total: u64,
    pub sent: u64,
    pub waiting: u64,
    pub failed: u64,
}

pub async fn progress(db: &DatabaseConnection, event_id: i32) -> AppResult<Progress> {
    use sea_orm::QuerySelect;
    let rows: Vec<(String, i64)> = outbox_message::Entity::find()
        .select_only()
        .column(outbox_message::Column::Status)
        .column_as(outbox_message::Column::Id.count(), "n")
        .filter(outbox_message::Column::EventId.eq(event_id))
        .group_by(outbox_message::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    let mut progress = Progress::default();
    for (status, n) in rows {
        let n = n as u64;
        progress.total += n;
        match status.as_str() {
            "sent" => progress.sent += n,
            "failed" => progress.failed += n,
            _ => progress.waiting += n,
        }
    }
    Ok(progress)
}

/// One line of the admin's delivery log.
#[derive(Clone, Debug)]
pub struct LogEntry {
    pub id: i32,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub status: String,
    pub attempts: i32,
    pub last_error: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// The `.eml` file name when the file transport wrote it.
    pub file_name: String,
}

/// The most recent messages, newest first.
pub async fn recent(
    db: &DatabaseConnection,
    paging: crate::domain::paging::PageQuery,
) -> AppResult<crate::domain::paging::Paged<LogEntry>> {
    use sea_orm::{PaginatorTrait, QueryOrder};
    let paginator = outbox_message::Entity::find()
        .order_by_desc(outbox_message::Column::Id)
        .paginate(db, paging.per_page());
    let total = paginator.num_items().await?;
    let items = paginator
        .fetch_page(paging.page() - 1)
        .await?
        .into_iter()
        .map(|m| LogEntry {
            file_name: file_name(&m.message_id),
            id: m.id,
            kind: m.kind,
            recipient: m.recipient,
            subject: m.subject,
            status: m.status,
            attempts: m.attempts,
            last_error: m.last_error,
            created_at: m.created_at,
            sent_at: m.sent_at,
        })
        .collect();
    Ok(crate::domain::paging::Paged {
        items,
        total,
        page: paging.page(),
        per_page: paging.per_page(),
    })
}

/// The file the file transport writes a message to.
pub fn file_name(message_id: &str) -> String {
    message_id.trim_matches(['<', '>']).replace(['@', '/'], "_")
}
