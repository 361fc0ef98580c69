//! The transactional outbox: messages are queued with the change that caused them and
//! delivered by a background worker with bounded concurrency, retries and leases.
//!
//! A claimed message is leased to one worker; if that worker dies, the lease expires and the
//! message is due again. So nothing is lost, and only messages in flight at a crash (at most
//! the worker's concurrency) can be sent twice. On PostgreSQL, `FOR UPDATE SKIP LOCKED` lets
//! several app processes claim side by side without taking the same rows. The worker that
//! sends is in `worker.rs`; this module queues, claims and records.

use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::{invitation, outbox_message};
use rand::Rng;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, QueryFilter, Set,
    Statement,
};

use crate::domain::vocab::Delivery;
use crate::error::AppResult;
use crate::mail::SendError;

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
    /// The SMTP server's limit (`TOGUNA_MAIL_RATE`, e.g. `300/h`), shared by every lane.
    pub rate: Option<crate::mail::rate::Rate>,
    /// The first pause of the whole worker after a 421/451 answer, doubling up to `max_backoff`.
    pub throttle_backoff: Duration,
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
            rate: None,
            throttle_backoff: Duration::from_secs(30),
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

/// The pending outbox row for a composed message (one place, for single and batched queueing).
pub fn pending_row(message: NewMessage, now: chrono::DateTime<Utc>) -> outbox_message::ActiveModel {
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
}

/// Queues a message inside the caller's transaction.
pub async fn queue<C: ConnectionTrait>(db: &C, message: NewMessage) -> AppResult<()> {
    pending_row(message, Utc::now()).insert(db).await?;
    Ok(())
}

/// A message leased to one worker lane.
pub(crate) struct Claimed {
    pub(crate) id: i32,
    pub(crate) invitation_id: Option<i32>,
    pub(crate) recipient: String,
    pub(crate) message_id: String,
    pub(crate) body: String,
    pub(crate) attempts: i32,
}

pub use crate::mail::worker::{BatchReport, Worker};

pub(crate) enum Outcome {
    Sent,
    Retrying,
    Failed,
}

/// The start of a statement committed without waiting for the disk flush (`set_config(…, true)`
/// holds for that statement's transaction only). The flush per message, not SMTP, was the
/// worker's pace; if PostgreSQL itself crashes, the last fraction of a second of marks can be
/// lost and those messages go out again once their lease runs out, the same at-least-once
/// delivery as after a worker crash. The statement's first CTE must read `quick`.
const QUICK_COMMIT: &str = "WITH quick AS (SELECT set_config('synchronous_commit', 'off', true) AS v)";

/// Records a failed delivery on the message and its invitation: failed for good, or due again
/// after a backoff. One statement on PostgreSQL (a data-modifying CTE), two on SQLite. Successes
/// are recorded together by `record_sent`.
pub(crate) async fn record_failure(
    db: &DatabaseConnection,
    settings: &OutboxSettings,
    message: &Claimed,
    err: &SendError,
) -> AppResult<Outcome> {
    let (outcome, delivery) = if err.permanent {
        (Outcome::Failed, Delivery::Failed)
    } else {
        (Outcome::Retrying, Delivery::Queued)
    };
    let mut values: Vec<sea_orm::Value> = vec![err.text.clone().into()];
    let set = if err.permanent {
        "status = 'failed', last_error = $1"
    } else {
        values.push((Utc::now() + backoff(settings, message.attempts)).into());
        "status = 'pending', last_error = $1, next_attempt_at = $2"
    };
    values.push(message.id.into());
    let id = values.len();
    let update = format!("UPDATE outbox_messages SET {set}, locked_until = NULL WHERE id = ${id}");
    let backend = db.get_database_backend();
    if backend == DatabaseBackend::Postgres {
        let tail = match message.invitation_id {
            Some(invitation_id) => {
                values.push(invitation_id.into());
                values.push(delivery.slug().into());
                format!(
                    "UPDATE invitations SET delivery = ${} WHERE id = ${} AND EXISTS (SELECT 1 FROM m)",
                    id + 2,
                    id + 1
                )
            }
            None => "SELECT 1 FROM m".to_string(),
        };
        let sql = format!("{QUICK_COMMIT}, m AS ({update} AND EXISTS (SELECT 1 FROM quick) RETURNING id) {tail}");
        db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
    } else {
        db.execute_raw(Statement::from_sql_and_values(backend, update, values))
            .await?;
        if let Some(invitation_id) = message.invitation_id {
            invitation::Entity::update_many()
                .col_expr(invitation::Column::Delivery, Expr::value(delivery.slug()))
                .filter(invitation::Column::Id.eq(invitation_id))
                .exec(db)
                .await?;
        }
    }
    // An SMTP refusal quotes the recipient's address.
    let error = crate::log_mask::text(&err.text);
    tracing::warn!(id = message.id, permanent = err.permanent, error = %error, "delivery failed");
    Ok(outcome)
}

/// Records these delivered messages (id, invitation) as sent, in one statement on PostgreSQL and
/// two on SQLite, whatever their number (`group_record.rs` gathers them from the lanes).
pub(crate) async fn record_sent(db: &DatabaseConnection, sent: &[(i32, Option<i32>)]) -> AppResult<()> {
    if sent.is_empty() {
        return Ok(());
    }
    let mut ids: Vec<i32> = sent.iter().map(|(id, _)| *id).collect();
    // In id order: concurrent processes then lock their rows in one order.
    ids.sort_unstable();
    let backend = db.get_database_backend();
    let list = |from: usize, n: usize| (from..from + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
    let mut values: Vec<sea_orm::Value> = vec![Utc::now().into()];
    values.extend(ids.iter().map(|id| sea_orm::Value::from(*id)));
    // The body carries the invitee's answer link; it is not kept once delivered.
    let update = format!(
        "UPDATE outbox_messages SET status = 'sent', sent_at = $1, last_error = '', body = '', locked_until = NULL \
         WHERE id IN ({})",
        list(2, ids.len())
    );
    if backend == DatabaseBackend::Postgres {
        let sql = format!(
            "{QUICK_COMMIT}, m AS ({update} AND EXISTS (SELECT 1 FROM quick) RETURNING invitation_id) \
             UPDATE invitations SET delivery = 'sent' WHERE id IN (SELECT invitation_id FROM m)"
        );
        db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
        return Ok(());
    }
    db.execute_raw(Statement::from_sql_and_values(backend, update, values))
        .await?;
    let mut invitations: Vec<i32> = sent.iter().filter_map(|(_, invitation)| *invitation).collect();
    invitations.sort_unstable();
    if !invitations.is_empty() {
        invitation::Entity::update_many()
            .col_expr(invitation::Column::Delivery, Expr::value(Delivery::Sent.slug()))
            .filter(invitation::Column::Id.is_in(invitations))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Hands a claimed message back unsent and without spending its attempt: the server asked the
/// whole worker to slow down (421/451), or the rate leaves no turn before the lease runs out.
pub(crate) async fn release(db: &DatabaseConnection, id: i32, until: DateTime<Utc>, reason: &str) -> AppResult<()> {
    outbox_message::Entity::update_many()
        .col_expr(outbox_message::Column::Status, Expr::value("pending"))
        .col_expr(
            outbox_message::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            outbox_message::Column::Attempts,
            sea_orm::sea_query::ExprTrait::sub(Expr::col(outbox_message::Column::Attempts), 1),
        )
        .col_expr(outbox_message::Column::NextAttemptAt, Expr::value(until))
        .col_expr(outbox_message::Column::LastError, Expr::value(reason))
        .filter(outbox_message::Column::Id.eq(id))
        .filter(outbox_message::Column::Status.eq("sending"))
        .exec(db)
        .await?;
    Ok(())
}

/// Exponential backoff with ±20 % jitter, so retries after an outage do not all arrive at once.
pub(crate) fn backoff(settings: &OutboxSettings, attempts: i32) -> chrono::Duration {
    let exponent = attempts.clamp(1, 20) as u32 - 1;
    let base = settings
        .retry_base
        .saturating_mul(2u32.saturating_pow(exponent))
        .min(settings.max_backoff);
    let jitter = rand::thread_rng().gen_range(0.8..1.2);
    chrono::Duration::from_std(base.mul_f64(jitter)).unwrap_or(chrono::Duration::minutes(30))
}

/// Leases up to `limit` due messages (pending and due, or abandoned by a dead worker).
pub(crate) async fn claim(db: &DatabaseConnection, limit: usize, lease: Duration) -> AppResult<Vec<Claimed>> {
    let rows = crate::domain::outbox_lease::claim_due(
        db,
        "outbox_messages",
        "id, invitation_id, recipient, message_id, body, attempts",
        limit,
        lease,
    )
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

/// From the event's counters of outbox rows by status, not a count of the rows.
pub async fn progress(db: &DatabaseConnection, event_id: i32) -> AppResult<Progress> {
    use crate::domain::tallies;
    let rows = tallies::of_event(db, event_id, &[tallies::OUTBOX])
        .await?
        .dim(tallies::OUTBOX);
    let mut progress = Progress::default();
    for (status, n) in rows {
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
