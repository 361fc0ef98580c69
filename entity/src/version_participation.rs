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
    /// The workshop's title, date and venue as at publication ("" for rows frozen before they were kept).
    #[sea_orm(column_type = "Text")]
    pub event_title: String,
    pub event_starts_at: Option<DateTimeUtc>,
    pub event_timezone: String,
    #[sea_orm(column_type = "Text")]
    pub venue_name: String,
    #[sea_orm(column_type = "Text")]
    pub venue_region: String,
}

impl ActiveModelBehavior for ActiveModel {}
