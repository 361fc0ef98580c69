//! Moving a scheduled event in time or town asks its guests again (RFC 6638 §3.2.8): earlier
//! answers are kept but wait to be reconfirmed, and the updates carry `PARTSTAT=NEEDS-ACTION`.

use entity::event;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};

use crate::domain::events::Event;
use crate::domain::text;
use crate::domain::venues::Venue;
use crate::domain::vocab::Response;
use crate::error::AppResult;

/// A move that asks again: any change of start or end (RFC 6638 names DTSTART, DTEND and
/// DURATION), or a venue in another town. Another room in the same town is a plain update.
pub fn asks_again(
    before: &event::Model,
    starts_at: chrono::DateTime<chrono::Utc>,
    ends_at: chrono::DateTime<chrono::Utc>,
    old_venue: Option<&Venue>,
    new_venue: Option<&Venue>,
) -> bool {
    let town = |venue: Option<&Venue>| venue.map(|v| text::fold(v.town.trim())).unwrap_or_default();
    before.starts_at != starts_at || before.ends_at != ends_at || town(old_venue) != town(new_venue)
}

/// Records the move before the update is queued: the update will carry `sequence`, so answers
/// given to any lower SEQUENCE are to reconfirm from now on.
pub async fn record(
    txn: &DatabaseTransaction,
    before: &event::Model,
    sequence: i32,
    old_place: String,
) -> AppResult<()> {
    event::Entity::update_many()
        .col_expr(event::Column::MovedSequence, Expr::value(sequence))
        .col_expr(event::Column::MovedFromStartsAt, Expr::value(Some(before.starts_at)))
        .col_expr(event::Column::MovedFromPlace, Expr::value(old_place))
        .filter(event::Column::Id.eq(before.id))
        .exec(txn)
        .await?;
    Ok(())
}

/// An answer given before the event last moved: kept, shown as "to reconfirm", not sent back
/// to calendars as the guest's answer.
pub fn to_reconfirm(event: &Event, response: Response, answered_sequence: Option<i32>) -> bool {
    response != Response::None && event.moved_sequence > 0 && answered_sequence.unwrap_or(0) < event.moved_sequence
}

/// The answer as calendars should be told it: none while it waits to be reconfirmed.
pub fn answer_for_calendar(event: &Event, response: Response, answered_sequence: Option<i32>) -> Response {
    if to_reconfirm(event, response, answered_sequence) {
        Response::None
    } else {
        response
    }
}

/// What a reply with `sequence` (RFC 5545: 0 when absent) does to the stored answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplyEra {
    /// Answers the current date and place.
    Current,
    /// Answers an earlier date: stored, but still to reconfirm.
    Earlier,
    /// Answers an earlier date while the guest already answered the current one: changes nothing.
    Superseded,
}

pub fn reply_era(event: &Event, sequence: i32, stored: Response, answered_sequence: Option<i32>) -> ReplyEra {
    if sequence >= event.moved_sequence {
        ReplyEra::Current
    } else if stored != Response::None && answered_sequence.unwrap_or(0) >= event.moved_sequence {
        ReplyEra::Superseded
    } else {
        ReplyEra::Earlier
    }
}

/// The venue of an event before or after an edit, for comparing towns.
pub(super) async fn venue_of<C: sea_orm::ConnectionTrait>(db: &C, id: Option<i32>) -> AppResult<Option<Venue>> {
    Ok(match id {
        Some(id) => Some(crate::domain::venues::get(db, id).await?),
        None => None,
    })
}
