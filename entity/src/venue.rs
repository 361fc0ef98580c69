//! A place where dialogue events are held.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "venues")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    pub region: String,
    pub town: String,
    #[sea_orm(column_type = "Text")]
    pub address: String,
    pub capacity: Option<i32>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    #[sea_orm(column_type = "Text")]
    pub access_notes: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
