//! A rapporteur's Markdown note on one topic of an event's debate.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "debate_notes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    pub topic: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// The group that spoke (a category slug), or empty.
    pub speaker_category: String,
    /// A name, only when typed on purpose with the speaker's agreement.
    pub speaker_name: String,
    pub author_id: Option<i32>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
