//! The client id of every check-in mark received, so a mark resent after a dropped connection counts once.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attendance_marks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    pub client_id: String,
    /// `present`, `undo`, `walk_in`, `headcount`.
    pub action: String,
    pub attendance_id: Option<i32>,
    pub received_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
