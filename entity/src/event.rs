//! A dialogue event: consultation, workshop or launch, with its calendar identity.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: String,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub report_id: Option<i32>,
    pub venue_id: Option<i32>,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub timezone: String,
    pub language: String,
    pub capacity: Option<i32>,
    pub women_target_percent: Option<i32>,
    pub status: String,
    #[sea_orm(unique)]
    pub uid: String,
    pub sequence: i32,
    /// The SEQUENCE of the last update that moved the event in time or town (0: never moved).
    pub moved_sequence: i32,
    pub moved_from_starts_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    pub moved_from_place: String,
    /// The account printed letters name as the person to call (its creator unless another is chosen).
    pub organizer_id: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(has_many)]
    pub invitations: HasMany<super::invitation::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}

/// The venue an event takes place at, so one statement can read an event with its venue (the
/// answer page reads invitation, actor, event and venue together).
impl Related<super::venue::Entity> for Entity {
    fn to() -> RelationDef {
        Entity::belongs_to(super::venue::Entity)
            .from(Column::VenueId)
            .to(super::venue::Column::Id)
            .into()
    }
}
