//! The daily retention job, supervised like the outbox worker: a run that panics is logged and tried again.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use crate::domain::retention::{self, RetentionSettings};
use crate::mail::health::WorkerHealth;

/// Spawns the job: one run at start, then one every `settings.every`, until `shutdown` is notified.
pub fn spawn(db: DatabaseConnection, settings: RetentionSettings, shutdown: Arc<Notify>) -> JoinHandle<()> {
    let make = move || {
        let (db, settings, shutdown) = (db.clone(), settings.clone(), shutdown.clone());
        async move { run(db, settings, shutdown).await }
    };
    // Its own health record: a retention restart says nothing about the outbox worker's health.
    tokio::spawn(crate::mail::supervisor::supervise(
        make,
        Arc::new(WorkerHealth::default()),
        Duration::from_secs(60),
    ))
}

async fn run(db: DatabaseConnection, settings: RetentionSettings, shutdown: Arc<Notify>) {
    loop {
        match retention::prune(&db, &settings, chrono::Utc::now()).await {
            // Counts only: the rows themselves carried addresses and answer links.
            Ok(pruned) => tracing::info!(
                outbox_messages = pruned.outbox_messages,
                login_attempts = pruned.login_attempts,
                sessions = pruned.sessions,
                "retention: old rows removed"
            ),
            Err(err) => tracing::warn!(error = %err, "retention run failed; trying again at the next run"),
        }
        tokio::select! {
            () = tokio::time::sleep(settings.every) => {}
            () = shutdown.notified() => return,
        }
    }
}
