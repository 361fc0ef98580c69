//! The invitee's answer, reached by the personal link in the invitation.

use chrono::Utc;
use entity::{actor, event, invitation, venue};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use crate::domain::actors::Actor;
use crate::domain::audit::{self, Changes, Who};
use crate::domain::events::{self, Event};
use crate::domain::venues::Venue;
use crate::domain::vocab::{EventStatus, Response};
use crate::domain::{secrets, text};
use crate::error::{AppError, AppResult, FieldErrors};

/// What the answer page shows.
pub struct Invitation {
    pub id: i32,
    pub event: Event,
    pub venue: Option<Venue>,
    pub actor: Actor,
    pub response: Response,
    pub comment: String,
    /// The answer was given before the event moved: kept, but to reconfirm.
    pub to_reconfirm: bool,
}

impl Invitation {
    /// Answers are taken until the event starts, and never for a cancelled event.
    pub fn open_for_answers(&self) -> bool {
        self.event.status == EventStatus::Scheduled && Utc::now() < self.event.starts_at
    }
}

/// The invitation a token opens; unknown tokens are simply not found.
pub async fn find(db: &DatabaseConnection, token: &str) -> AppResult<Invitation> {
    if token.len() < 20 || token.len() > 64 {
        return Err(AppError::NotFound);
    }
    // One statement: the invitation with its actor, its event and the event's venue.
    let (inv, actor, event, venue) = invitation::Entity::find()
        .filter(invitation::Column::RsvpTokenHash.eq(secrets::hash_token(token)))
        .find_also_related(actor::Entity)
        .find_also_related(event::Entity)
        .find_also(event::Entity, venue::Entity)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let actor = Actor::from(actor.ok_or(AppError::NotFound)?);
    let event = Event::from(event.ok_or(AppError::NotFound)?);
    let venue = venue.map(Venue::from);
    let response = Response::parse(&inv.response).unwrap_or(Response::None);
    Ok(Invitation {
        id: inv.id,
        to_reconfirm: events::moves::to_reconfirm(&event, response, inv.answered_sequence),
        event,
        venue,
        actor,
        response,
        comment: inv.response_comment,
    })
}

/// Records (or changes) the answer; `via` says how it came (`web`, `phone`, `in_person`).
pub async fn answer(
    db: &DatabaseConnection,
    token: &str,
    response: &str,
    comment: &str,
    via: &str,
    who: &Who,
) -> AppResult<Invitation> {
    let found = find(db, token).await?;
    if !found.open_for_answers() {
        return Err(AppError::Conflict("rsvp.closed".into()));
    }
    // Whoever holds the link answers as the invitee, even from a signed-in browser.
    record(db, found.id, response, comment, via, &who.as_invitee(found.id)).await?;
    find(db, token).await
}

/// Stores an answer for an invitation (also used by organizers answering for someone).
pub async fn record(
    db: &DatabaseConnection,
    invitation_id: i32,
    response: &str,
    comment: &str,
    via: &str,
    who: &Who,
) -> AppResult<()> {
    let mut errors = FieldErrors::new();
    let response = Response::parse(response).filter(|r| *r != Response::None);
    if response.is_none() {
        errors.add("response", "validation.choice");
    }
    let comment = text::optional(comment, "comment", 2000, &mut errors);
    errors.into_result(())?;
    let txn = crate::db::begin_write(db).await?;
    let existing = invitation::Entity::find_by_id(invitation_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    // Answered now, the answer is to the event as it is now: a reconfirmation after a move.
    // Read in the transaction: a second connection per answer would starve the pool under load.
    let sequence = entity::event::Entity::find_by_id(existing.event_id)
        .one(&txn)
        .await?
        .map_or(0, |e| e.sequence);
    let response = response.unwrap_or(Response::None).slug();
    let changes = Changes::new()
        .set("response", &existing.response, response)
        .set("response_comment", &existing.response_comment, &comment)
        .note("via", via);
    let mut model: invitation::ActiveModel = existing.into();
    model.answered_sequence = Set(Some(sequence));
    model.response = Set(response.into());
    model.response_comment = Set(comment);
    model.responded_at = Set(Some(Utc::now()));
    model.responded_via = Set(via.into());
    model.update(&txn).await?;
    audit::record(&txn, who, "invitation", invitation_id, "answer", changes).await?;
    txn.commit().await?;
    Ok(())
}
