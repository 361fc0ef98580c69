//! A published version of a report: number, label, when and by whom. Never changes once written.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "report_versions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub report_id: i32,
    /// 1, 2, 3… per report.
    pub number: i32,
    pub label: String,
    pub published_by: Option<i32>,
    pub published_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
