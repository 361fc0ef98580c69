//! A background job, such as queueing an event's invitations, with its progress and lease.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "jobs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: String,
    pub event_id: i32,
    pub user_id: Option<i32>,
    pub status: String,
    pub total: i32,
    pub done: i32,
    pub already_sent: i32,
    pub not_emailable: i32,
    #[sea_orm(column_type = "Text")]
    pub error: String,
    pub locked_until: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
