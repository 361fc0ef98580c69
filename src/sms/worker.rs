//! The SMS outbox worker: claims due texts with a lease, holds them in quiet hours, drops those
//! whose event has started, sends in a few lanes and records what the gateway said.
//!
//! The same rules as the mail outbox (`mail/outbox.rs`): a claimed row belongs to its lane until
//! its lease ends, so a crash loses nothing and resends at most what was in flight.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use tokio::sync::Notify;

use crate::error::AppResult;
use crate::mail::outbox::{OutboxSettings, backoff};
use crate::sms::gsm::Coding;
use crate::sms::quiet::QuietHours;
use crate::sms::{Gateway, OutgoingSms, SendError};

/// What one batch did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SmsBatch {
    pub accepted: usize,
    pub retrying: usize,
    pub failed: usize,
    pub held: usize,
    pub expired: usize,
}

struct Claimed {
    id: i32,
    recipient: String,
    text: String,
    coding: Coding,
    attempts: i32,
    timezone: String,
}

pub struct SmsWorker {
    db: DatabaseConnection,
    gateway: Arc<dyn Gateway>,
    settings: OutboxSettings,
    quiet: QuietHours,
}

impl SmsWorker {
    pub fn new(db: DatabaseConnection, gateway: Arc<dyn Gateway>, settings: OutboxSettings, quiet: QuietHours) -> Self {
        SmsWorker {
            db,
            gateway,
            settings,
            quiet,
        }
    }

    /// Runs until `shutdown` is notified, looking for due texts every `poll`.
    pub async fn run(self, shutdown: Arc<Notify>) {
        loop {
            let busy = match self.deliver_next_batch().await {
                Ok(batch) => batch.accepted + batch.retrying + batch.failed > 0,
                Err(err) => {
                    tracing::error!(error = %err, "SMS batch failed");
                    false
                }
            };
            if busy {
                continue;
            }
            tokio::select! {
                _ = tokio::time::sleep(self.settings.poll) => {}
                _ = shutdown.notified() => break,
            }
        }
    }

    pub async fn deliver_next_batch(&self) -> AppResult<SmsBatch> {
        let mut batch = SmsBatch {
            expired: expire(&self.db).await? as usize,
            ..Default::default()
        };
        let lanes = (0..self.settings.concurrency.max(1)).map(|_| self.lane());
        for result in futures_util::future::join_all(lanes).await {
            let lane = result?;
            batch.accepted += lane.accepted;
            batch.retrying += lane.retrying;
            batch.failed += lane.failed;
            batch.held += lane.held;
        }
        Ok(batch)
    }

    async fn lane(&self) -> AppResult<SmsBatch> {
        const PER_LANE: usize = 8;
        let mut report = SmsBatch::default();
        let now = Utc::now();
        for message in claim(&self.db, PER_LANE, self.settings.lease).await? {
            let tz = message.timezone.parse().unwrap_or(chrono_tz::Africa::Bamako);
            let allowed = self.quiet.next_allowed(now, tz);
            if allowed > now {
                hold(&self.db, message.id, allowed).await?;
                report.held += 1;
                continue;
            }
            let result = self
                .gateway
                .send(OutgoingSms {
                    id: message.id,
                    to: &message.recipient,
                    text: &message.text,
                    coding: message.coding,
                })
                .await;
            match record(&self.db, &self.settings, &message, result).await? {
                Recorded::Accepted => report.accepted += 1,
                Recorded::Retrying => report.retrying += 1,
                Recorded::Failed => report.failed += 1,
            }
        }
        Ok(report)
    }
}

fn statement(db: &DatabaseConnection, sql: &str, values: Vec<sea_orm::Value>) -> Statement {
    Statement::from_sql_and_values(db.get_database_backend(), sql, values)
}

/// Texts still waiting when their event has started are dropped and shown as expired.
async fn expire(db: &DatabaseConnection) -> AppResult<u64> {
    let now = Utc::now();
    let rows = db
        .query_all_raw(statement(
            db,
            "UPDATE sms_messages SET status = 'expired', locked_until = NULL, last_error = 'event started' \
             WHERE status = 'pending' AND event_id IN (SELECT id FROM events WHERE starts_at <= $1) \
             RETURNING id",
            vec![now.into()],
        ))
        .await?;
    for row in &rows {
        let id: i32 = row.try_get("", "id")?;
        crate::domain::sms::reports::sync_invitation(db, id).await?;
    }
    Ok(rows.len() as u64)
}

async fn claim(db: &DatabaseConnection, limit: usize, lease: Duration) -> AppResult<Vec<Claimed>> {
    let rows = crate::domain::outbox_lease::claim_due(
        db,
        "sms_messages",
        "id, event_id, recipient, text, coding, attempts",
        limit,
        lease,
    )
    .await?;
    let mut claimed = Vec::with_capacity(rows.len());
    for row in rows {
        let event_id: i32 = row.try_get("", "event_id")?;
        let coding: String = row.try_get("", "coding")?;
        let zone = db
            .query_one_raw(statement(
                db,
                "SELECT timezone FROM events WHERE id = $1",
                vec![event_id.into()],
            ))
            .await?;
        claimed.push(Claimed {
            id: row.try_get("", "id")?,
            recipient: row.try_get("", "recipient")?,
            text: row.try_get("", "text")?,
            coding: if coding == "ucs2" { Coding::Ucs2 } else { Coding::Gsm7 },
            attempts: row.try_get("", "attempts")?,
            timezone: match zone {
                Some(z) => z.try_get("", "timezone")?,
                None => String::new(),
            },
        });
    }
    claimed.sort_by_key(|c| c.id);
    Ok(claimed)
}

/// Back to waiting until the quiet hours end; a hold is not an attempt.
async fn hold(db: &DatabaseConnection, id: i32, until: DateTime<Utc>) -> AppResult<()> {
    db.execute_raw(statement(
        db,
        "UPDATE sms_messages SET status = 'pending', locked_until = NULL, next_attempt_at = $1, \
         attempts = attempts - 1, last_error = 'quiet hours' WHERE id = $2 AND status = 'sending'",
        vec![until.into(), id.into()],
    ))
    .await?;
    Ok(())
}

enum Recorded {
    Accepted,
    Retrying,
    Failed,
}

/// Records the gateway's answer. Each update is conditioned on `sending`, so a delivery report
/// that arrived first (the operator can be faster than this write) is kept.
async fn record(
    db: &DatabaseConnection,
    settings: &OutboxSettings,
    message: &Claimed,
    result: Result<(), SendError>,
) -> AppResult<Recorded> {
    let now = Utc::now();
    let outcome = match &result {
        Ok(()) => {
            db.execute_raw(statement(
                db,
                "UPDATE sms_messages SET status = 'accepted', locked_until = NULL, last_error = '' \
                 WHERE id = $1 AND status = 'sending'",
                vec![message.id.into()],
            ))
            .await?;
            db.execute_raw(statement(
                db,
                "UPDATE sms_messages SET sent_at = $1, locked_until = NULL WHERE id = $2 AND sent_at IS NULL",
                vec![now.into(), message.id.into()],
            ))
            .await?;
            Recorded::Accepted
        }
        Err(err) if err.permanent => {
            db.execute_raw(statement(
                db,
                "UPDATE sms_messages SET status = 'failed', locked_until = NULL, last_error = $1 \
                 WHERE id = $2 AND status = 'sending'",
                vec![err.text.clone().into(), message.id.into()],
            ))
            .await?;
            Recorded::Failed
        }
        Err(err) => {
            let next = now + backoff(settings, message.attempts);
            db.execute_raw(statement(
                db,
                "UPDATE sms_messages SET status = 'pending', locked_until = NULL, next_attempt_at = $1, last_error = $2 \
                 WHERE id = $3 AND status = 'sending'",
                vec![next.into(), err.text.clone().into(), message.id.into()],
            ))
            .await?;
            Recorded::Retrying
        }
    };
    if let Err(err) = &result {
        tracing::warn!(id = message.id, permanent = err.permanent, error = %err.text, "SMS not accepted");
    }
    crate::domain::sms::reports::sync_invitation(db, message.id).await?;
    Ok(outcome)
}
