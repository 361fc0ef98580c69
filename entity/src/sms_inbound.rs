//! One text received from the gateway, and what became of it.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sms_inbound")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub dedup_key: String,
    pub sender: String,
    pub receiver: String,
    #[sea_orm(column_type = "Text")]
    pub text: String,
    /// `answered`, `stale`, `stop` or `review`.
    pub outcome: String,
    pub reason: String,
    pub event_id: Option<i32>,
    pub invitation_id: Option<i32>,
    /// When the guest sent it (the gateway's `%T`).
    pub sent_at: DateTimeUtc,
    pub received_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
