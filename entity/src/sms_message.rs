//! One SMS to deliver, written in the same transaction as the change that caused it, with its delivery report.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sms_messages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `invitation`, `update`, `cancellation`, `reminder` or `confirmation`.
    pub kind: String,
    pub invitation_id: Option<i32>,
    pub event_id: i32,
    pub actor_id: Option<i32>,
    pub recipient: String,
    /// The text as it goes out (already in GSM-7 unless `coding` is `ucs2`).
    #[sea_orm(column_type = "Text")]
    pub text: String,
    pub coding: String,
    pub segments: i32,
    /// `pending`, `sending`, `accepted`, `delivered`, `failed`, `expired` or `withdrawn`.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub locked_until: Option<DateTimeUtc>,
    /// The gateway's or the operator's reason, for a failure or a retry.
    #[sea_orm(column_type = "Text")]
    pub last_error: String,
    pub sent_at: Option<DateTimeUtc>,
    /// When the last delivery report came.
    pub reported_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
