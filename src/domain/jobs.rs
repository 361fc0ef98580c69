//! Background jobs: queueing an event's invitations runs outside the request, under a lease.
//!
//! The request only counts and inserts the job row (a partial unique index allows one running
//! send per event, so a second click joins the first job). Whoever holds the lease queues the
//! invitations chunk by chunk; each chunk commits with the job's progress, so a process that dies
//! leaves a job another process resumes once the lease has run out, without queueing anyone twice.

use std::time::Duration;

use chrono::Utc;
use entity::job;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
    SqlErr, Statement,
};
use serde::Serialize;

use crate::domain::events;
use crate::domain::invitations::{self, SendSummary};
use crate::domain::vocab::{Delivery, EventStatus};
use crate::error::{AppError, AppResult};
use crate::mail::MailContext;

pub const SEND_INVITATIONS: &str = "send_invitations";

/// How long a runner owns a job without renewing; each chunk renews it.
pub const LEASE: Duration = Duration::from_secs(30);

/// A background job as the API and the event page show it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Job {
    pub id: i32,
    /// `send_invitations`.
    pub kind: String,
    pub event_id: i32,
    /// `running`, `done` or `failed`.
    pub status: String,
    /// Invitations this job queues (guests reachable by email and not yet sent one).
    pub queued: u64,
    /// Invitations queued so far.
    pub done: u64,
    /// Guests already sent (or being sent) their invitation.
    pub already_sent: u64,
    /// Guests who cannot be emailed: no address, or no consent to be contacted.
    pub not_emailable: u64,
    /// Why a failed job stopped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub created_at: chrono::DateTime<Utc>,
    pub updated_at: chrono::DateTime<Utc>,
}

impl Job {
    pub fn running(&self) -> bool {
        self.status == "running"
    }
}

impl From<job::Model> for Job {
    fn from(m: job::Model) -> Self {
        Job {
            id: m.id,
            kind: m.kind,
            event_id: m.event_id,
            status: m.status,
            queued: m.total.max(0) as u64,
            done: m.done.max(0) as u64,
            already_sent: m.already_sent.max(0) as u64,
            not_emailable: m.not_emailable.max(0) as u64,
            error: (!m.error.is_empty()).then_some(m.error),
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// One grouped count over the guest list: who would be queued, who was, who cannot be emailed.
pub async fn send_counts(db: &DatabaseConnection, event_id: i32) -> AppResult<SendSummary> {
    let backend = db.get_database_backend();
    let pending = Delivery::Pending.slug();
    let ok = invitations::SENDABLE_SQL;
    let sql = format!(
        "SELECT \
           COALESCE(SUM(CASE WHEN {ok} AND i.delivery = '{pending}' THEN 1 ELSE 0 END), 0) AS to_send, \
           COALESCE(SUM(CASE WHEN {ok} AND i.delivery <> '{pending}' THEN 1 ELSE 0 END), 0) AS already_sent, \
           COALESCE(SUM(CASE WHEN NOT {ok} THEN 1 ELSE 0 END), 0) AS not_emailable \
         FROM invitations i JOIN actors a ON a.id = i.actor_id WHERE i.event_id = $1"
    );
    let row = db
        .query_one_raw(Statement::from_sql_and_values(backend, sql, [event_id.into()]))
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a count without a row")))?;
    let get = |name: &str| -> AppResult<u64> { Ok(row.try_get::<i64>("", name)?.max(0) as u64) };
    Ok(SendSummary {
        queued: get("to_send")?,
        already_sent: get("already_sent")?,
        not_emailable: get("not_emailable")?,
    })
}

/// Starts queueing an event's invitations, or joins the send already running. Returns the job
/// and whether the caller now holds its lease and must run it (`run_send`).
pub async fn start_send(
    db: &DatabaseConnection,
    event_id: i32,
    user_id: Option<i32>,
    who: &crate::domain::audit::Who,
) -> AppResult<(Job, bool)> {
    let event = events::get(db, event_id).await?;
    if event.status != EventStatus::Scheduled {
        return Err(AppError::Conflict("invitations.not_scheduled".into()));
    }
    if let Some(running) = running_send(db, event_id).await? {
        return Ok((running, false));
    }
    let counts = send_counts(db, event_id).await?;
    let now = Utc::now();
    let nothing = counts.queued == 0;
    let row = job::ActiveModel {
        kind: Set(SEND_INVITATIONS.into()),
        event_id: Set(event_id),
        user_id: Set(user_id),
        status: Set(if nothing { "done" } else { "running" }.into()),
        total: Set(counts.queued as i32),
        done: Set(0),
        already_sent: Set(counts.already_sent as i32),
        not_emailable: Set(counts.not_emailable as i32),
        error: Set(String::new()),
        locked_until: Set((!nothing).then(|| now + lease())),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let txn = crate::db::begin_write(db).await?;
    match row.insert(&txn).await {
        Ok(model) => {
            // The click is audited with the job that carries it out, in the same transaction.
            invitations::record_send(&txn, who, event_id, &counts).await?;
            txn.commit().await?;
            Ok((model.into(), !nothing))
        }
        // Another request started the same send between our look and our insert.
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            let running = running_send(db, event_id).await?.ok_or(AppError::Database(err))?;
            Ok((running, false))
        }
        Err(err) => Err(err.into()),
    }
}

fn lease() -> chrono::Duration {
    chrono::Duration::from_std(LEASE).unwrap_or(chrono::Duration::seconds(30))
}

async fn running_send(db: &DatabaseConnection, event_id: i32) -> AppResult<Option<Job>> {
    Ok(job::Entity::find()
        .filter(job::Column::Kind.eq(SEND_INVITATIONS))
        .filter(job::Column::EventId.eq(event_id))
        .filter(job::Column::Status.eq("running"))
        .one(db)
        .await?
        .map(Job::from))
}

pub async fn get(db: &DatabaseConnection, event_id: i32, job_id: i32) -> AppResult<Job> {
    job::Entity::find_by_id(job_id)
        .filter(job::Column::EventId.eq(event_id))
        .one(db)
        .await?
        .map(Job::from)
        .ok_or(AppError::NotFound)
}

/// The event's most recent send, for its page's progress box.
pub async fn latest_send(db: &DatabaseConnection, event_id: i32) -> AppResult<Option<Job>> {
    Ok(job::Entity::find()
        .filter(job::Column::Kind.eq(SEND_INVITATIONS))
        .filter(job::Column::EventId.eq(event_id))
        .order_by_desc(job::Column::Id)
        .one(db)
        .await?
        .map(Job::from))
}

/// Adds a committed chunk to the job's progress and renews its lease, inside the chunk's transaction.
pub(crate) async fn record_progress<C: ConnectionTrait>(txn: &C, job_id: i32, queued: u64) -> AppResult<()> {
    let now = Utc::now();
    job::Entity::update_many()
        .col_expr(
            job::Column::Done,
            sea_orm::sea_query::ExprTrait::add(Expr::col(job::Column::Done), queued as i32),
        )
        .col_expr(job::Column::LockedUntil, Expr::value(Some(now + lease())))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::Id.eq(job_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// Queues the job's invitations chunk by chunk until none is left; the caller holds the lease.
pub async fn run_send(db: &DatabaseConnection, ctx: &MailContext, job: &Job) -> AppResult<()> {
    let result = queue_all(db, ctx, job).await;
    let (status, error) = match &result {
        Ok(()) => ("done", String::new()),
        Err(err) => ("failed", err.to_string()),
    };
    job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::value(status))
        .col_expr(job::Column::Error, Expr::value(error))
        .col_expr(
            job::Column::LockedUntil,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .col_expr(job::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(job::Column::Id.eq(job.id))
        .exec(db)
        .await?;
    result
}

async fn queue_all(db: &DatabaseConnection, ctx: &MailContext, job: &Job) -> AppResult<()> {
    let event = events::get(db, job.event_id).await?;
    if event.status != EventStatus::Scheduled {
        return Err(AppError::Conflict("invitations.not_scheduled".into()));
    }
    let venue = invitations::venue_of(db, &event).await?;
    while invitations::queue_pending_chunk(db, ctx, &event, venue.as_ref(), Some(job.id)).await? > 0 {}
    Ok(())
}

/// A running job whose runner stopped renewing its lease (the process died): takes the lease
/// and returns it with the organizer who started it, for the caller to run.
pub async fn claim_abandoned(db: &DatabaseConnection) -> AppResult<Option<(Job, Option<i32>)>> {
    let now = Utc::now();
    let candidates = job::Entity::find()
        .filter(job::Column::Status.eq("running"))
        .filter(job::Column::LockedUntil.lt(now))
        .order_by_asc(job::Column::Id)
        .all(db)
        .await?;
    for candidate in candidates {
        // The lease is taken only if nobody renewed or took it since we looked.
        let taken = job::Entity::update_many()
            .col_expr(job::Column::LockedUntil, Expr::value(Some(now + lease())))
            .filter(job::Column::Id.eq(candidate.id))
            .filter(job::Column::Status.eq("running"))
            .filter(job::Column::LockedUntil.lt(now))
            .exec(db)
            .await?;
        if taken.rows_affected == 1 {
            let user_id = candidate.user_id;
            return Ok(Some((candidate.into(), user_id)));
        }
    }
    Ok(None)
}
