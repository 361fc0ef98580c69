//! A person or organization in the actor directory, with the fields used to disaggregate participation.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "actors")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub full_name: String,
    pub honorific: String,
    pub organization: String,
    pub category: String,
    pub gender: String,
    pub age_group: String,
    pub region: String,
    pub town: String,
    pub language: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub consent_contact: bool,
    #[sea_orm(column_type = "Text")]
    pub notes: String,
    /// Lower-case, accent-free name, organization, town and email, for searching.
    #[sea_orm(column_type = "Text")]
    pub search_text: String,
    /// Lower-case, accent-free name, for spotting duplicates.
    pub name_key: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// A permanent delivery failure (5.x.x DSN) for `email`; cleared when the address changes.
    pub email_failed_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    pub email_failure: String,
    #[sea_orm(has_many)]
    pub invitations: HasMany<super::invitation::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
