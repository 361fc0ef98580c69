//! An event's SMS choices: Unicode or GSM-7, and the cap on segments.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "event_sms")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub event_id: i32,
    pub unicode: bool,
    pub segment_cap: i32,
}

impl ActiveModelBehavior for ActiveModel {}
