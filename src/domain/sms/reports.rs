//! Delivery reports from the gateway: queued → accepted → delivered / failed, never backwards,
//! so a report that arrives twice, late, or before the send was recorded changes nothing twice.

use chrono::Utc;
use entity::{invitation, sms_message};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::vocab::Delivery;
use crate::error::AppResult;

/// Kannel's `%d`: 1 delivered, 2 failed, 4 buffered by the SMSC, 8 submitted to it, 16 rejected by it.
pub fn status_of_report(code: i32) -> Option<&'static str> {
    match code {
        1 => Some("delivered"),
        2 | 16 => Some("failed"),
        4 | 8 => Some("accepted"),
        _ => None,
    }
}

/// States a report may move a message out of, towards `status`.
fn earlier_than(status: &str) -> &'static [&'static str] {
    match status {
        "accepted" => &["pending", "sending"],
        _ => &["pending", "sending", "accepted"],
    }
}

/// Applies a report to message `id`; returns whether anything changed.
pub async fn apply<C: ConnectionTrait>(db: &C, id: i32, code: i32, reason: &str) -> AppResult<bool> {
    let Some(status) = status_of_report(code) else {
        return Ok(false);
    };
    let reason: String = reason.chars().take(500).collect();
    let mut update = sms_message::Entity::update_many()
        .col_expr(sms_message::Column::Status, Expr::value(status))
        .col_expr(sms_message::Column::ReportedAt, Expr::value(Some(Utc::now())))
        .col_expr(
            sms_message::Column::LockedUntil,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .filter(sms_message::Column::Id.eq(id))
        .filter(sms_message::Column::Status.is_in(earlier_than(status).iter().copied()));
    if status == "failed" {
        update = update.col_expr(sms_message::Column::LastError, Expr::value(reason));
    }
    let changed = update.exec(db).await?.rows_affected > 0;
    if changed {
        sync_invitation(db, id).await?;
    }
    Ok(changed)
}

/// Shows the state of a guest's latest SMS on their invitation.
pub async fn sync_invitation<C: ConnectionTrait>(db: &C, id: i32) -> AppResult<()> {
    let Some(message) = sms_message::Entity::find_by_id(id).one(db).await? else {
        return Ok(());
    };
    let Some(invitation_id) = message.invitation_id.filter(|_| message.kind != "confirmation") else {
        return Ok(());
    };
    let latest = sms_message::Entity::find()
        .filter(sms_message::Column::InvitationId.eq(invitation_id))
        .filter(sms_message::Column::Kind.ne("confirmation"))
        .order_by_desc(sms_message::Column::Id)
        .one(db)
        .await?;
    if latest.is_some_and(|l| l.id != id) {
        return Ok(());
    }
    // Forward only: reports and the worker's record may run at once and finish in any order,
    // so each write is conditioned on an earlier state (mark_queued resets it for a new message).
    let (delivery, earlier): (Delivery, &[Delivery]) = match message.status.as_str() {
        "accepted" => (Delivery::Accepted, &[Delivery::Pending, Delivery::Queued]),
        "delivered" => (
            Delivery::Delivered,
            &[Delivery::Pending, Delivery::Queued, Delivery::Accepted],
        ),
        "failed" | "withdrawn" => (
            Delivery::Failed,
            &[Delivery::Pending, Delivery::Queued, Delivery::Accepted],
        ),
        "expired" => (
            Delivery::Expired,
            &[Delivery::Pending, Delivery::Queued, Delivery::Accepted],
        ),
        _ => return Ok(()),
    };
    invitation::Entity::update_many()
        .col_expr(invitation::Column::Delivery, Expr::value(delivery.slug()))
        .filter(invitation::Column::Id.eq(invitation_id))
        .filter(invitation::Column::Delivery.is_in(earlier.iter().map(|d| d.slug())))
        .exec(db)
        .await?;
    Ok(())
}
