//! One email to deliver, written in the same transaction as the change that caused it.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox_messages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `invitation`, `update`, `cancellation` or `reminder`.
    pub kind: String,
    pub invitation_id: Option<i32>,
    pub event_id: i32,
    pub recipient: String,
    #[sea_orm(unique)]
    pub message_id: String,
    pub subject: String,
    /// The whole RFC 5322 message; emptied once sent, since it carries the answer link.
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// `pending`, `sending`, `sent` or `failed`.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    /// A claimed message belongs to one worker until then; after a crash it is due again.
    pub locked_until: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    pub last_error: String,
    pub sent_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
