//! Where reading a mailbox stopped, so a restart neither skips nor rereads messages.

use chrono::Utc;
use entity::inbound_mailbox;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use crate::error::AppResult;

/// The mailbox's UIDVALIDITY and the last UID handled, if it was read before.
pub async fn load(db: &DatabaseConnection, mailbox: &str) -> AppResult<Option<(u32, u32)>> {
    let row = inbound_mailbox::Entity::find()
        .filter(inbound_mailbox::Column::Mailbox.eq(mailbox))
        .one(db)
        .await?;
    Ok(row.map(|r| (r.uid_validity as u32, r.last_uid as u32)))
}

/// Saves the position; an upsert, since two app processes may read the same mailbox.
pub async fn save(db: &DatabaseConnection, mailbox: &str, uid_validity: u32, last_uid: u32) -> AppResult<()> {
    let row = inbound_mailbox::ActiveModel {
        mailbox: Set(mailbox.to_string()),
        uid_validity: Set(uid_validity.into()),
        last_uid: Set(last_uid.into()),
        updated_at: Set(Utc::now()),
        ..Default::default()
    };
    inbound_mailbox::Entity::insert(row)
        .on_conflict(
            OnConflict::column(inbound_mailbox::Column::Mailbox)
                .update_columns([
                    inbound_mailbox::Column::UidValidity,
                    inbound_mailbox::Column::LastUid,
                    inbound_mailbox::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(db)
        .await?;
    Ok(())
}
