//! Runs background jobs: the send a request starts, and the sends a dead process left behind.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio::task::JoinHandle;

use crate::AppState;
use crate::domain::jobs::{self, Job};
use crate::domain::users;

/// Runs a send whose lease the caller holds, in its own task; wakes the outbox when done.
pub fn spawn_send(state: &AppState, job: Job, acting: Option<users::User>) -> JoinHandle<()> {
    let state = state.clone();
    tokio::spawn(async move {
        let ctx = match state.mail_context(acting.as_ref()) {
            Ok(ctx) => ctx,
            Err(err) => {
                tracing::error!(job = job.id, error = %err, "no sending context for the job");
                return;
            }
        };
        match jobs::run_send(&state.db, &ctx, &job).await {
            Ok(()) => tracing::info!(job = job.id, event = job.event_id, "invitations queued"),
            Err(err) => tracing::error!(job = job.id, error = %err, "queueing invitations failed"),
        }
        state.wake_outbox();
    })
}

/// Starts a send (or joins the running one) and waits up to `settings.send_wait` for it, so a
/// small guest list answers as finished while a large one answers at once with its progress.
pub async fn start_send(
    state: &AppState,
    event_id: i32,
    acting: &users::User,
    who: &crate::domain::audit::Who,
) -> crate::error::AppResult<Job> {
    // A send that would pass the event's SMS cap is refused before it starts (409), not halfway.
    let ctx = state.mail_context(Some(acting))?;
    crate::domain::sms::check_cap(&state.db, &ctx, event_id).await?;
    let (job, mine) = jobs::start_send(&state.db, event_id, Some(acting.id), who).await?;
    if !mine {
        return Ok(job);
    }
    let handle = spawn_send(state, job.clone(), Some(acting.clone()));
    if tokio::time::timeout(state.settings.send_wait, handle).await.is_err() {
        return Ok(job);
    }
    jobs::get(&state.db, event_id, job.id).await
}

/// Every `every`, takes over a job whose runner died, until `shutdown` is notified.
pub async fn resume_abandoned(state: AppState, every: Duration, shutdown: Arc<Notify>) {
    loop {
        match jobs::claim_abandoned(&state.db).await {
            Ok(Some((job, user_id))) => {
                let acting = match user_id {
                    Some(id) => users::find(&state.db, id).await.ok(),
                    None => None,
                };
                tracing::warn!(job = job.id, event = job.event_id, "resuming an abandoned job");
                let _ = spawn_send(&state, job, acting).await;
                continue;
            }
            Ok(None) => {}
            Err(err) => tracing::error!(error = %err, "could not look for abandoned jobs"),
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.notified() => break,
        }
    }
}
