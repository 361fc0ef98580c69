//! One counter of the actor directory: how many actors have `value` in facet `dim` (or `total`), kept by triggers.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "directory_tallies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub dim: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub value: String,
    pub n: i64,
}

impl ActiveModelBehavior for ActiveModel {}
