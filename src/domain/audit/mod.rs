//! The audit log: one function writes an entry inside the change's own transaction.

pub mod changes;
pub mod query;

use chrono::Utc;
use entity::audit_entry;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

pub use changes::Changes;

use crate::error::AppResult;

/// What kind of party made a change.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WhoKind {
    /// A signed-in account (session or API token).
    User,
    /// An invitee through their personal answer link.
    Invitee,
    /// A message arriving through a gateway (`mail`, `sms`).
    Gateway,
    /// A background job (retention, reminders) or a not-yet-signed-in visitor (setup).
    #[default]
    System,
}

impl WhoKind {
    pub fn slug(self) -> &'static str {
        match self {
            WhoKind::User => "user",
            WhoKind::Invitee => "invitee",
            WhoKind::Gateway => "gateway",
            WhoKind::System => "system",
        }
    }
}

/// Who is making a change and from where, as plain values: web/ and api/ build it per request.
#[derive(Clone, Debug, Default)]
pub struct Who {
    pub kind: WhoKind,
    pub user_id: Option<i32>,
    pub invitation_id: Option<i32>,
    /// The gateway or job name; empty for users and invitees.
    pub gateway: String,
    pub ip: String,
}

impl Who {
    pub fn user(user_id: i32, ip: impl Into<String>) -> Self {
        Who {
            kind: WhoKind::User,
            user_id: Some(user_id),
            ip: ip.into(),
            ..Default::default()
        }
    }

    /// The holder of one invitation's answer link (the token itself is never stored).
    pub fn invitee(invitation_id: i32, ip: impl Into<String>) -> Self {
        Who {
            kind: WhoKind::Invitee,
            invitation_id: Some(invitation_id),
            ip: ip.into(),
            ..Default::default()
        }
    }

    pub fn gateway(name: &str) -> Self {
        Who {
            kind: WhoKind::Gateway,
            gateway: name.to_string(),
            ..Default::default()
        }
    }

    pub fn system(job: &str) -> Self {
        Who {
            kind: WhoKind::System,
            gateway: job.to_string(),
            ..Default::default()
        }
    }

    /// The same caller once known as `user_id` (first setup, sign-in).
    pub fn as_user(&self, user_id: i32) -> Self {
        Who::user(user_id, self.ip.clone())
    }

    pub fn as_invitee(&self, invitation_id: i32) -> Self {
        Who::invitee(invitation_id, self.ip.clone())
    }
}

/// The action of an edit of a record's fields; the one action skipped when nothing changed.
pub const UPDATE: &str = "update";

/// Appends one entry. Call it with the transaction that makes the change, so the entry and the
/// change are kept or lost together. Secret-looking fields are dropped here, whatever the caller
/// passed (see [`changes::is_secret`]). An [`UPDATE`] that changed nothing writes nothing.
pub async fn record<C: ConnectionTrait>(
    conn: &C,
    who: &Who,
    entity: &str,
    id: impl std::fmt::Display,
    action: &str,
    changes: Changes,
) -> AppResult<()> {
    let changes = changes.scrubbed();
    // A save that moved nothing a reader can see (same values; only timestamps or the concurrency
    // version changed) is not a change: an `update` with no field writes no entry. Every other
    // action (create, delete, send, refresh, status…) is an event in itself and is always written.
    if action == UPDATE && changes.is_empty() {
        return Ok(());
    }
    audit_entry::ActiveModel {
        at: Set(Utc::now()),
        who_kind: Set(who.kind.slug().to_string()),
        user_id: Set(who.user_id),
        invitation_id: Set(who.invitation_id),
        gateway: Set(who.gateway.clone()),
        entity: Set(entity.to_string()),
        entity_id: Set(id.to_string()),
        action: Set(action.to_string()),
        changes: Set(changes.to_json()),
        ip: Set(who.ip.clone()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}
