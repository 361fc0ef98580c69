//! Keeps the outbox worker alive: a worker loop that dies is logged and started again.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use crate::config::Settings;
use crate::mail::health::WorkerHealth;
use crate::mail::worker::{Worker, panic_text};
use crate::mail::{MailContext, Mailer};

/// A pause before a restart, so a loop that dies at once does not spin.
const RESTART_PAUSE: Duration = Duration::from_secs(1);

/// Spawns this process's outbox worker under supervision; it stops when `shutdown` is notified.
pub fn spawn(
    db: DatabaseConnection,
    mailer: Mailer,
    settings: Arc<Settings>,
    wake: Arc<Notify>,
    health: Arc<WorkerHealth>,
    shutdown: Arc<Notify>,
) -> JoinHandle<()> {
    let make = {
        let health = health.clone();
        let shutdown = shutdown.clone();
        move || {
            let sender = settings.from_mailbox().ok().map(|m| m.email);
            let worker =
                Worker::new(db.clone(), mailer.clone(), settings.outbox.clone(), sender).with_health(health.clone());
            let reminders = MailContext::new(&settings, None).ok();
            worker.run(wake.clone(), shutdown.clone(), reminders)
        }
    };
    tokio::spawn(supervise(make, health, RESTART_PAUSE))
}

/// Runs the loop `make` builds, each time in its own task; when that task panics, starts a new
/// one after `pause`. Returns when a loop ends normally (on shutdown).
pub async fn supervise<F, Fut>(mut make: F, health: Arc<WorkerHealth>, pause: Duration)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    loop {
        match tokio::spawn(make()).await {
            Ok(()) => return,
            Err(err) if err.is_panic() => {
                health.restarted();
                let text = panic_text(err.into_panic().as_ref());
                tracing::error!(panic = %text, "the outbox worker died; starting it again");
                tokio::time::sleep(pause).await;
            }
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn a_loop_that_panics_is_started_again_until_it_ends_normally() {
        let health = Arc::new(WorkerHealth::default());
        let runs = Arc::new(AtomicUsize::new(0));
        let make = {
            let runs = runs.clone();
            move || {
                let run = runs.fetch_add(1, Ordering::SeqCst);
                async move {
                    if run < 2 {
                        panic!("loop {run} dies");
                    }
                }
            }
        };
        supervise(make, health.clone(), Duration::from_millis(1)).await;
        assert_eq!(runs.load(Ordering::SeqCst), 3);
        assert_eq!(health.restarts(), 2);
    }
}
