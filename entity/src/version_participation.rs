//! One workshop's published participation figures, frozen with a report version.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "version_participation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub version_id: i32,
    pub event_id: i32,
    /// The published summary (small cells hidden), as JSON.
    #[sea_orm(column_type = "Text")]
    pub figures: String,
}

impl ActiveModelBehavior for ActiveModel {}
