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
    /// With the server secret, gives the RSVP token; the token itself is never stored.
    pub rsvp_nonce: Option<String>,
    pub rsvp_token_hash: Option<String>,
    /// The event's sequence in the last calendar message sent to this invitee.
    pub sent_sequence: Option<i32>,
    /// How the answer came: `web`, `phone`, `in_person`…
    pub responded_via: String,
    /// When a printed letter was handed over.
    pub handed_over_at: Option<DateTimeUtc>,
    /// Set once the reminder is queued, so nobody is reminded twice.
    pub reminder_sent_at: Option<DateTimeUtc>,
    /// The event's SEQUENCE the stored answer was given to.
    pub answered_sequence: Option<i32>,
    /// The actor's disaggregation copied when the guest was added (or refreshed before the event):
    /// statistics read these, so editing or merging the actor later moves no past figure.
    pub gender: String,
    pub age_group: String,
    pub category: String,
    pub region: String,
    /// The actor's `name_key`, kept in step with the actor: the guest list's order, read from an index.
    pub name_key: String,
    #[sea_orm(belongs_to, from = "event_id", to = "id")]
    pub event: HasOne<super::event::Entity>,
    #[sea_orm(belongs_to, from = "actor_id", to = "id")]
    pub actor: HasOne<super::actor::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
