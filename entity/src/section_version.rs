//! One section as it stood in a published version.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "section_versions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub version_id: i32,
    /// The live section it was frozen from.
    pub section_id: i32,
    pub position: i32,
    pub heading: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub kind: String,
}

impl ActiveModelBehavior for ActiveModel {}
