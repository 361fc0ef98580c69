//! One message read from the inbound mailbox, and what became of it.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inbound_messages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Message-ID and body hash: one row per message however often it is delivered.
    #[sea_orm(unique)]
    pub dedup_key: String,
    #[sea_orm(column_type = "Text")]
    pub message_id: String,
    #[sea_orm(column_type = "Text")]
    pub sender: String,
    #[sea_orm(column_type = "Text")]
    pub subject: String,
    /// `calendar_reply`, `auto_reply`, `other` or `unreadable`.
    pub kind: String,
    /// `applied`, `stale`, `review`, `ignored` or `unreadable`.
    pub outcome: String,
    /// Why it was not applied, as a message key (empty when applied).
    pub reason: String,
    #[sea_orm(column_type = "Text")]
    pub detail: String,
    pub event_id: Option<i32>,
    pub invitation_id: Option<i32>,
    pub received_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
