//! Messages of one kind delivered for one event whose outbox rows retention has removed.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "delivery_totals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub event_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    pub sent: i64,
}

impl ActiveModelBehavior for ActiveModel {}
