//! What an irreversible action will do, counted before it is confirmed (the confirmation pages).

use entity::{actor, invitation};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, PaginatorTrait, QueryFilter, QuerySelect, RelationTrait,
};

use crate::domain::vocab::{Channel, Delivery};
use crate::error::{AppError, AppResult};

/// Who hears about an event-wide action: by email, and on paper (letters to redo by hand).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reach {
    pub emails: u64,
    pub letters: u64,
}

fn of_event(event_id: i32) -> sea_orm::Select<invitation::Entity> {
    invitation::Entity::find()
        .join(JoinType::InnerJoin, invitation::Relation::Actor.def())
        .filter(invitation::Column::EventId.eq(event_id))
}

async fn letters<C: ConnectionTrait>(db: &C, event_id: i32) -> AppResult<u64> {
    Ok(of_event(event_id)
        .filter(invitation::Column::Channel.eq(Channel::Letter.slug()))
        .count(db)
        .await?)
}

/// Cancelling an event emails a CANCEL to every guest already sent the calendar entry
/// (the same rule as `invitations::notify_sent_guests`); letters already out must be recalled by hand.
pub async fn cancel_event<C: ConnectionTrait>(db: &C, event_id: i32) -> AppResult<Reach> {
    let emails = of_event(event_id)
        .filter(invitation::Column::SentSequence.is_not_null())
        .filter(actor::Column::Email.is_not_null())
        .count(db)
        .await?;
    Ok(Reach {
        emails,
        letters: letters(db, event_id).await?,
    })
}

/// Sending queues one email per reachable guest still pending (as `invitations::send_invitations`);
/// the others need a printed letter.
pub async fn send_invitations<C: ConnectionTrait>(db: &C, event_id: i32) -> AppResult<Reach> {
    let emails = of_event(event_id)
        .filter(invitation::Column::Delivery.eq(Delivery::Pending.slug()))
        .filter(actor::Column::Email.is_not_null())
        .filter(actor::Column::ConsentContact.eq(true))
        .count(db)
        .await?;
    let not_emailable = of_event(event_id)
        .filter(
            sea_orm::Condition::any()
                .add(actor::Column::Email.is_null())
                .add(actor::Column::ConsentContact.eq(false)),
        )
        .count(db)
        .await?;
    Ok(Reach {
        emails,
        letters: not_emailable,
    })
}

/// The guest a removal is about, and whether a CANCEL of the calendar entry will be emailed.
#[derive(Clone, Debug)]
pub struct Removal {
    pub full_name: String,
    pub sends_cancel: bool,
}

pub async fn remove_guest<C: ConnectionTrait>(db: &C, event_id: i32, invitation_id: i32) -> AppResult<Removal> {
    let (inv, actor) = invitation::Entity::find_by_id(invitation_id)
        .filter(invitation::Column::EventId.eq(event_id))
        .find_also_related(actor::Entity)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Removal {
        sends_cancel: inv.sent_sequence.is_some() && actor.is_some(),
        full_name: actor.map(|a| a.full_name).unwrap_or_default(),
    })
}

/// Publishing freezes every current section as version `number`; a published version stays as it is.
#[derive(Clone, Copy, Debug)]
pub struct Publication {
    pub number: i32,
    pub sections: u64,
}

pub async fn publish_version<C: ConnectionTrait>(db: &C, report_id: i32) -> AppResult<Publication> {
    crate::domain::reports::get(db, report_id).await?;
    let sections = entity::report_section::Entity::find()
        .filter(entity::report_section::Column::ReportId.eq(report_id))
        .count(db)
        .await?;
    Ok(Publication {
        number: crate::domain::versions::last_number(db, report_id).await? + 1,
        sections,
    })
}
