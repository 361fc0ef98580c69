//! Where reading a mailbox stopped, so a restart neither skips nor rereads messages.

use chrono::Utc;
use entity::inbound_mailbox;
use sea_orm::sea_query::Expr;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, Set};

use crate::error::AppResult;

/// The mailbox's UIDVALIDITY and the last UID handled, if it was read before.
pub async fn load(db: &DatabaseConnection, mailbox: &str) -> AppResult<Option<(u32, u32)>> {
    let row = inbound_mailbox::Entity::find()
        .filter(inbound_mailbox::Column::Mailbox.eq(mailbox))
        .one(db)
        .await?;
    Ok(row.map(|r| (r.uid_validity as u32, r.last_uid as u32)))
}

/// Saves the position. Two app processes may read the same mailbox, each a little behind the
/// other: the position only moves forward (or to a new UIDVALIDITY), never back.
pub async fn save(db: &DatabaseConnection, mailbox: &str, uid_validity: u32, last_uid: u32) -> AppResult<()> {
    let (validity, last) = (i64::from(uid_validity), i64::from(last_uid));
    let moved = inbound_mailbox::Entity::update_many()
        .col_expr(inbound_mailbox::Column::UidValidity, Expr::value(validity))
        .col_expr(inbound_mailbox::Column::LastUid, Expr::value(last))
        .col_expr(inbound_mailbox::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(inbound_mailbox::Column::Mailbox.eq(mailbox))
        .filter(
            Condition::any()
                .add(inbound_mailbox::Column::UidValidity.ne(validity))
                .add(inbound_mailbox::Column::LastUid.lt(last)),
        )
        .exec(db)
        .await?;
    if moved.rows_affected > 0 {
        return Ok(());
    }
    // First read of this mailbox, or already at (or past) this position: insert if missing.
    let row = inbound_mailbox::ActiveModel {
        mailbox: Set(mailbox.to_string()),
        uid_validity: Set(validity),
        last_uid: Set(last),
        updated_at: Set(Utc::now()),
        ..Default::default()
    };
    inbound_mailbox::Entity::insert(row)
        .on_conflict(
            OnConflict::column(inbound_mailbox::Column::Mailbox)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}
