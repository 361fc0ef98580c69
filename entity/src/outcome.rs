//! A structured result of a debate, aimed at one report section, and the editors' decision on it.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outcomes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    pub section_id: Option<i32>,
    pub kind: String,
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    #[sea_orm(column_type = "Text")]
    pub proposed_text: String,
    /// Actor category slugs, comma-separated.
    pub voiced_by: String,
    pub agreement: String,
    /// `open`, `accepted`, `rejected`, `deferred`.
    pub status: String,
    #[sea_orm(column_type = "Text")]
    pub rationale: String,
    pub decided_by: Option<i32>,
    pub decided_at: Option<DateTimeUtc>,
    /// The report version that took the outcome on board.
    pub report_version: Option<i32>,
    pub author_id: Option<i32>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
