//! Retention: delivered outbox rows after `TOGUNA_RETENTION_DAYS`, login attempts after 30 days,
//! expired sessions at once. Delivered counts move to `delivery_totals` so an event's figures stay.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::{delivery_total, login_attempt, outbox_message, session};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set};
use serde::Serialize;

use crate::domain::audit::{self, Changes, Who};
use crate::error::AppResult;

/// How long each kind of row is kept.
#[derive(Clone, Debug)]
pub struct RetentionSettings {
    /// Delivered (`sent`) outbox messages, counted from their sending (`TOGUNA_RETENTION_DAYS`, 180).
    pub outbox_days: i64,
    /// Sign-in attempts, kept for throttling and inquiry (30).
    pub login_attempt_days: i64,
    /// Between two runs of the job (a day).
    pub every: Duration,
}

impl Default for RetentionSettings {
    fn default() -> Self {
        Self {
            outbox_days: 180,
            login_attempt_days: 30,
            every: Duration::from_secs(24 * 3600),
        }
    }
}

/// What one run removed: counts only, never a row's content.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Pruned {
    pub outbox_messages: u64,
    pub login_attempts: u64,
    pub sessions: u64,
}

/// Removes every row past its age as of `now`, in one transaction with the totals it keeps.
pub async fn prune(db: &DatabaseConnection, settings: &RetentionSettings, now: DateTime<Utc>) -> AppResult<Pruned> {
    let outbox_before = now - chrono::Duration::days(settings.outbox_days);
    let login_before = now - chrono::Duration::days(settings.login_attempt_days);
    let txn = crate::db::begin_write(db).await?;
    let old_sent = || {
        outbox_message::Entity::find()
            .filter(outbox_message::Column::Status.eq("sent"))
            .filter(outbox_message::Column::SentAt.lt(outbox_before))
    };
    let groups: Vec<(i32, String, i64)> = old_sent()
        .select_only()
        .column(outbox_message::Column::EventId)
        .column(outbox_message::Column::Kind)
        .column_as(outbox_message::Column::Id.count(), "n")
        .group_by(outbox_message::Column::EventId)
        .group_by(outbox_message::Column::Kind)
        .into_tuple()
        .all(&txn)
        .await?;
    for (event_id, kind, n) in &groups {
        match delivery_total::Entity::find_by_id((*event_id, kind.clone()))
            .one(&txn)
            .await?
        {
            Some(total) => {
                let sent = total.sent + n;
                let mut model: delivery_total::ActiveModel = total.into();
                model.sent = Set(sent);
                model.update(&txn).await?;
            }
            None => {
                delivery_total::ActiveModel {
                    event_id: Set(*event_id),
                    kind: Set(kind.clone()),
                    sent: Set(*n),
                }
                .insert(&txn)
                .await?;
            }
        }
    }
    let outbox_messages = outbox_message::Entity::delete_many()
        .filter(outbox_message::Column::Status.eq("sent"))
        .filter(outbox_message::Column::SentAt.lt(outbox_before))
        .exec(&txn)
        .await?
        .rows_affected;
    let login_attempts = login_attempt::Entity::delete_many()
        .filter(login_attempt::Column::CreatedAt.lt(login_before))
        .exec(&txn)
        .await?
        .rows_affected;
    let sessions = session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lt(now))
        .exec(&txn)
        .await?
        .rows_affected;
    let pruned = Pruned {
        outbox_messages,
        login_attempts,
        sessions,
    };
    if pruned != Pruned::default() {
        let changes = Changes::new()
            .note("outbox_messages", outbox_messages)
            .note("login_attempts", login_attempts)
            .note("sessions", sessions);
        audit::record(&txn, &Who::system("retention"), "retention", "-", "prune", changes).await?;
    }
    txn.commit().await?;
    Ok(pruned)
}

/// Messages delivered for an event by kind: those still in the outbox plus those retention removed.
pub async fn delivered(db: &DatabaseConnection, event_id: i32) -> AppResult<BTreeMap<String, i64>> {
    let live: Vec<(String, i64)> = outbox_message::Entity::find()
        .select_only()
        .column(outbox_message::Column::Kind)
        .column_as(outbox_message::Column::Id.count(), "n")
        .filter(outbox_message::Column::EventId.eq(event_id))
        .filter(outbox_message::Column::Status.eq("sent"))
        .group_by(outbox_message::Column::Kind)
        .into_tuple()
        .all(db)
        .await?;
    let mut counts: BTreeMap<String, i64> = live.into_iter().collect();
    for total in delivery_total::Entity::find()
        .filter(delivery_total::Column::EventId.eq(event_id))
        .all(db)
        .await?
    {
        *counts.entry(total.kind).or_default() += total.sent;
    }
    Ok(counts)
}
