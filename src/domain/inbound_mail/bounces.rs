//! Delivery status notifications (RFC 3464) for messages the outbox sent: a permanent failure
//! (5.x.x) marks the delivery failed with the remote server's words; a delay (4.x.x) changes
//! nothing permanent.

use chrono::Utc;
use entity::{actor, invitation, outbox_message};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};

use super::{Bounce, Verdict};
use crate::domain::audit::{self, Changes, Who};
use crate::domain::vocab::Delivery;
use crate::error::AppResult;

const KIND: &str = "bounce";

pub(super) async fn judge(txn: &DatabaseTransaction, bounce: &Bounce) -> AppResult<Verdict> {
    let sent = outbox_message::Entity::find()
        .filter(outbox_message::Column::MessageId.eq(bounce.original_message_id.as_str()))
        .one(txn)
        .await?;
    let mut verdict = Verdict::new(KIND, "ignored", "inbound.reason.delayed");
    verdict.detail = format!("{} {}", bounce.status, bounce.diagnostic).trim().to_string();
    let Some(sent) = sent else {
        verdict.reason = "inbound.reason.unknown_bounce";
        verdict.outcome = "review";
        return Ok(verdict);
    };
    (verdict.event_id, verdict.invitation_id) = (Some(sent.event_id), sent.invitation_id);
    if bounce.status.starts_with('5') {
        (verdict.outcome, verdict.reason) = ("applied", "");
    }
    Ok(verdict)
}

/// Marks the message and its invitation failed, keeping the remote server's diagnostic.
pub(super) async fn apply(txn: &DatabaseTransaction, bounce: &Bounce) -> AppResult<()> {
    let words = if bounce.diagnostic.is_empty() {
        bounce.status.clone()
    } else {
        bounce.diagnostic.clone()
    };
    let Some(sent) = outbox_message::Entity::find()
        .filter(outbox_message::Column::MessageId.eq(bounce.original_message_id.as_str()))
        .one(txn)
        .await?
    else {
        return Ok(());
    };
    outbox_message::Entity::update_many()
        .col_expr(outbox_message::Column::Status, Expr::value("failed"))
        .col_expr(outbox_message::Column::LastError, Expr::value(words.clone()))
        .filter(outbox_message::Column::Id.eq(sent.id))
        .exec(txn)
        .await?;
    if let Some(invitation_id) = sent.invitation_id {
        invitation::Entity::update_many()
            .col_expr(invitation::Column::Delivery, Expr::value(Delivery::Failed.slug()))
            .filter(invitation::Column::Id.eq(invitation_id))
            .exec(txn)
            .await?;
        if let Some(inv) = invitation::Entity::find_by_id(invitation_id).one(txn).await? {
            flag_address(txn, inv.actor_id, &sent.recipient, &words).await?;
        }
        let changes = Changes::new().set("delivery", serde_json::Value::Null, Delivery::Failed.slug());
        audit::record(
            txn,
            &Who::gateway("mail"),
            "invitation",
            invitation_id,
            "bounce",
            changes,
        )
        .await?;
    }
    Ok(())
}

/// Flags the actor's address as not taking mail, unless it was changed since the message left:
/// the bounce says nothing about the new address.
async fn flag_address(txn: &DatabaseTransaction, actor_id: i32, recipient: &str, words: &str) -> AppResult<()> {
    let Some(found) = actor::Entity::find_by_id(actor_id).one(txn).await? else {
        return Ok(());
    };
    if !found
        .email
        .as_deref()
        .is_some_and(|email| email.trim().eq_ignore_ascii_case(recipient.trim()))
    {
        return Ok(());
    }
    actor::Entity::update_many()
        .col_expr(actor::Column::EmailFailedAt, Expr::value(Some(Utc::now())))
        .col_expr(
            actor::Column::EmailFailure,
            Expr::value(words.chars().take(1000).collect::<String>()),
        )
        .filter(actor::Column::Id.eq(actor_id))
        .exec(txn)
        .await?;
    Ok(())
}
