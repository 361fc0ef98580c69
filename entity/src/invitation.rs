//! One actor on one event's guest list, with the answer and the delivery state.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invitations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    pub actor_id: i32,
    pub channel: String,
    pub response: String,
    pub responded_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    pub response_comment: String,
    pub delivery: String,
    pub created_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "event_id", to = "id")]
    pub event: HasOne<super::event::Entity>,
    #[sea_orm(belongs_to, from = "actor_id", to = "id")]
    pub actor: HasOne<super::actor::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
