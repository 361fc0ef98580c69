//! That an actor's personal data was erased, when and by whom; none of the erased data.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "actor_erasures")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub actor_id: i32,
    pub erased_by: Option<i32>,
    /// How many rows were anonymised, across tables.
    pub rows_anonymised: i32,
    pub erased_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
