//! One ordered section of a report: heading, Markdown body, kind, and its edit version.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "report_sections")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub report_id: i32,
    pub position: i32,
    pub heading: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub kind: String,
    /// Grows on every save; a save that names an older version is refused (409).
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
