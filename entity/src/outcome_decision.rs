//! One decision on an outcome (or its reversal), with its rationale, author and any section edit it made.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outcome_decisions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub outcome_id: i32,
    /// `accepted`, `rejected`, `deferred`, or `reopened`.
    pub decision: String,
    #[sea_orm(column_type = "Text")]
    pub rationale: String,
    pub section_id: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub section_body_before: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub section_body_after: Option<String>,
    /// On a reopening after an accepted edit: `restored` or `kept` (the section text); else empty.
    pub restore_choice: String,
    pub decided_by: Option<i32>,
    pub decided_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
