//! One presence at an event: an invited guest, a walk-in, or a headcount-grid cell of several people.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attendances")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    /// Set for an invited guest (unique: one mark per guest); `None` for walk-ins.
    pub invitation_id: Option<i32>,
    pub full_name: String,
    pub organization: String,
    pub gender: String,
    pub age_group: String,
    pub category: String,
    pub region: String,
    /// How many people the row stands for: 1, or a headcount cell's count.
    pub people: i32,
    /// How it was recorded: `list`, `qr`, `walk_in`, `headcount`, `paper`.
    pub method: String,
    pub recorded_by: Option<i32>,
    pub recorded_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
