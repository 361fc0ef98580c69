//! Group commit of delivered messages: the successes the lanes are waiting to record go in one
//! statement, so the lanes no longer queue one by one for the event's counter rows.
//!
//! Each lane still waits until its message is recorded before it sends the next one, so a crash
//! leaves at most one delivered-but-unrecorded message per lane, as before.

use sea_orm::DatabaseConnection;
use tokio::sync::oneshot;

use crate::error::{AppError, AppResult};
use crate::mail::outbox::{Claimed, record_sent};

/// A delivered message waiting for the next write.
struct Waiting {
    id: i32,
    invitation_id: Option<i32>,
    recorded: oneshot::Sender<bool>,
}

/// The lanes' shared writer of successes.
#[derive(Default)]
pub(crate) struct GroupRecord {
    waiting: std::sync::Mutex<Vec<Waiting>>,
    writer: tokio::sync::Mutex<()>,
}

impl GroupRecord {
    /// Records `message` as sent, with whatever other lanes delivered meanwhile: the first lane
    /// to get the writer writes them all; the others find theirs done when their turn comes.
    /// `turn` is taken only to write (on SQLite, the lanes' turn at the single writer).
    pub(crate) async fn sent<T>(
        &self,
        db: &DatabaseConnection,
        message: &Claimed,
        turn: impl std::future::Future<Output = T>,
    ) -> AppResult<()> {
        let (recorded, mut outcome) = oneshot::channel();
        self.queue().push(Waiting {
            id: message.id,
            invitation_id: message.invitation_id,
            recorded,
        });
        let _writer = self.writer.lock().await;
        match outcome.try_recv() {
            Ok(true) => return Ok(()),
            Ok(false) | Err(oneshot::error::TryRecvError::Closed) => {
                return Err(AppError::Internal(anyhow::anyhow!(
                    "the write that carried this delivery failed"
                )));
            }
            Err(oneshot::error::TryRecvError::Empty) => {}
        }
        let batch = std::mem::take(&mut *self.queue());
        let ids: Vec<(i32, Option<i32>)> = batch.iter().map(|w| (w.id, w.invitation_id)).collect();
        let result = {
            let _turn = turn.await;
            record_sent(db, &ids).await
        };
        for waiting in batch {
            // A lane that is gone (it panicked) no longer waits for its answer.
            let _ = waiting.recorded.send(result.is_ok());
        }
        result
    }

    fn queue(&self) -> std::sync::MutexGuard<'_, Vec<Waiting>> {
        // The list is only pushed to and taken whole: a panic elsewhere cannot leave it half-changed.
        self.waiting.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
