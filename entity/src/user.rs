//! A person who signs in: admin, organizer, rapporteur, editor or viewer.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub email: String,
    pub name: String,
    pub role: String,
    pub password_hash: String,
    pub language: Option<String>,
    pub active: bool,
    /// Hash of the secret in the user's private calendar feed URL, when one exists.
    pub calendar_token_hash: Option<String>,
    /// E.164 number printed on letters for invitees to call.
    pub phone: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(has_many)]
    pub sessions: HasMany<super::session::Entity>,
    #[sea_orm(has_many)]
    pub api_tokens: HasMany<super::api_token::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
