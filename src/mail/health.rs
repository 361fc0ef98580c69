//! What `/healthz` tells about the outbox worker: when it last finished a cycle, and what waits.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde::Serialize;

use crate::error::AppResult;
use crate::mail::outbox::OutboxSettings;

/// Counts from the database are reused this long, so `/healthz` stays a cheap probe.
const COUNTS_TTL: Duration = Duration::from_secs(1);

/// Shared between the worker (which records its cycles) and the health check (which reads them).
#[derive(Debug, Default)]
pub struct WorkerHealth {
    runs_here: AtomicBool,
    /// Unix milliseconds; 0 while nothing happened yet.
    started_ms: AtomicI64,
    last_cycle_ms: AtomicI64,
    panics: AtomicU64,
    restarts: AtomicU64,
    counts: Mutex<Option<(Instant, QueueCounts)>>,
}

impl WorkerHealth {
    /// The worker loop of this process (re)starts.
    pub fn started(&self) {
        self.runs_here.store(true, Ordering::SeqCst);
        self.started_ms.store(Utc::now().timestamp_millis(), Ordering::SeqCst);
    }

    /// A cycle (reminders, one batch of deliveries) finished without a database error.
    pub fn cycle_done(&self) {
        self.last_cycle_ms
            .store(Utc::now().timestamp_millis(), Ordering::SeqCst);
    }

    pub fn panicked(&self) {
        self.panics.fetch_add(1, Ordering::SeqCst);
    }

    pub fn restarted(&self) {
        self.restarts.fetch_add(1, Ordering::SeqCst);
    }

    /// Times the worker loop died and was started again.
    pub fn restarts(&self) -> u64 {
        self.restarts.load(Ordering::SeqCst)
    }

    fn last_cycle(&self) -> Option<DateTime<Utc>> {
        at(self.last_cycle_ms.load(Ordering::SeqCst))
    }

    /// Since when the worker has had no chance to show progress: its last cycle, or its start.
    fn quiet_since(&self) -> Option<DateTime<Utc>> {
        self.last_cycle().or_else(|| at(self.started_ms.load(Ordering::SeqCst)))
    }

    fn cached_counts(&self) -> Option<QueueCounts> {
        let cached = self.counts.lock().ok()?;
        cached.filter(|(when, _)| when.elapsed() < COUNTS_TTL).map(|(_, c)| c)
    }

    fn cache_counts(&self, counts: QueueCounts) {
        if let Ok(mut cached) = self.counts.lock() {
            *cached = Some((Instant::now(), counts));
        }
    }
}

fn at(ms: i64) -> Option<DateTime<Utc>> {
    (ms > 0).then(|| DateTime::from_timestamp_millis(ms)).flatten()
}

#[derive(Clone, Copy, Debug, Default)]
struct QueueCounts {
    due: u64,
    overdue: u64,
}

/// `running`: this process delivers and finishes cycles; `stalled`: messages are overdue and this
/// process's worker has finished no cycle for as long; `elsewhere`: this process runs no worker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WorkerState {
    Running,
    Stalled,
    Elsewhere,
}

/// The `worker` object of `/healthz`.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct WorkerReport {
    pub state: WorkerState,
    /// Whether this process runs the outbox worker (`TOGUNA_WORKER`).
    pub runs_here: bool,
    /// When this process's worker last finished a cycle.
    pub last_cycle_at: Option<DateTime<Utc>>,
    /// Messages waiting to be sent now (including those being sent).
    pub messages_due: u64,
    /// Messages due for longer than `TOGUNA_WORKER_STALL_SECONDS`.
    pub messages_overdue: u64,
    /// Deliveries that panicked and were caught since the start.
    pub panics: u64,
    /// Times the worker loop died and was started again.
    pub restarts: u64,
}

/// The worker's state: one indexed count over the due messages, at most once a second.
pub async fn report(
    db: &DatabaseConnection,
    health: &WorkerHealth,
    settings: &OutboxSettings,
) -> AppResult<WorkerReport> {
    let now = Utc::now();
    let stall_after = chrono::Duration::from_std(settings.stall_after).unwrap_or(chrono::Duration::minutes(5));
    let counts = match health.cached_counts() {
        Some(counts) => counts,
        None => {
            let counts = queue_counts(db, now, now - stall_after).await?;
            health.cache_counts(counts);
            counts
        }
    };
    let runs_here = health.runs_here.load(Ordering::SeqCst);
    let quiet_too_long = health.quiet_since().is_none_or(|t| now - t > stall_after);
    let state = match (runs_here, counts.overdue > 0 && quiet_too_long) {
        (false, _) => WorkerState::Elsewhere,
        (true, true) => WorkerState::Stalled,
        (true, false) => WorkerState::Running,
    };
    Ok(WorkerReport {
        state,
        runs_here,
        last_cycle_at: health.last_cycle(),
        messages_due: counts.due,
        messages_overdue: counts.overdue,
        panics: health.panics.load(Ordering::SeqCst),
        restarts: health.restarts(),
    })
}

/// Messages waiting now, and those among them that were due before `overdue_before`. A message
/// being sent keeps the due time it was claimed at, so one stuck in flight counts as overdue too.
async fn queue_counts(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    overdue_before: DateTime<Utc>,
) -> AppResult<QueueCounts> {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            "SELECT COUNT(*) AS due, COALESCE(SUM(CASE WHEN next_attempt_at < $1 THEN 1 ELSE 0 END), 0) AS overdue \
             FROM outbox_messages WHERE status IN ('pending', 'sending') AND next_attempt_at <= $2",
            [overdue_before.into(), now.into()],
        ))
        .await?;
    let (due, overdue): (i64, i64) = match row {
        Some(row) => (row.try_get("", "due")?, row.try_get("", "overdue")?),
        None => (0, 0),
    };
    Ok(QueueCounts {
        due: due.max(0) as u64,
        overdue: overdue.max(0) as u64,
    })
}
