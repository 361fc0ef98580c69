//! iTIP REPLYs from calendar apps: what a reply must prove before it becomes an answer.
//!
//! Strong proof: the reply was sent to the invitation's tagged address (`local+tag@domain` in
//! ORGANIZER), and its single ATTENDEE is that invitation's guest. Weaker proof, used when no
//! tag is found: the event UID, the ATTENDEE is a guest of that event, and the mail comes from
//! that same address. Anything else waits for a person.

use chrono::Utc;
use entity::{actor, event, invitation};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, Set};

use super::tags::{self, Tag};
use super::{CalendarReply, InboundMessage, Verdict};
use crate::domain::audit::{self, Changes, Who};
use crate::domain::events::moves::{self, ReplyEra};
use crate::domain::vocab::{EventStatus, Response};
use crate::error::AppResult;

const KIND: &str = "calendar_reply";
/// How the answer came, shown beside `web`, `phone`…
pub const VIA: &str = "calendar_app";

fn review(reason: &'static str) -> Verdict {
    Verdict::new(KIND, "review", reason)
}

pub(super) async fn judge(
    txn: &DatabaseTransaction,
    secret: &[u8],
    message: &InboundMessage,
    reply: &CalendarReply,
) -> AppResult<Verdict> {
    let mut verdict = decide(txn, secret, message, reply).await?;
    if verdict.detail.is_empty() {
        verdict.detail = reply
            .attendees
            .iter()
            .map(|a| format!("{} {}", a.partstat, a.address))
            .collect::<Vec<_>>()
            .join(", ");
    }
    Ok(verdict)
}

async fn decide(
    txn: &DatabaseTransaction,
    secret: &[u8],
    message: &InboundMessage,
    reply: &CalendarReply,
) -> AppResult<Verdict> {
    let Some(event) = event::Entity::find()
        .filter(event::Column::Uid.eq(reply.uid.as_str()))
        .one(txn)
        .await?
    else {
        return Ok(review("inbound.reason.unknown_event"));
    };
    let with_event = |mut verdict: Verdict| {
        verdict.event_id = Some(event.id);
        verdict
    };
    match reply.method.as_str() {
        "REPLY" => {}
        "COUNTER" => return Ok(with_event(review("inbound.reason.counter"))),
        _ => return Ok(with_event(review("inbound.reason.not_a_reply"))),
    }
    // RFC 5546 §3.2.3: a REPLY carries the one attendee who answers.
    let [attendee] = reply.attendees.as_slice() else {
        return Ok(with_event(review("inbound.reason.attendees")));
    };
    if attendee.delegated || attendee.partstat == "DELEGATED" {
        return Ok(with_event(review("inbound.reason.delegated")));
    }
    // Only the guests of this event at the attendee's address (stored lower case, trimmed), by
    // their index; two guests may share one address (an association's office, say).
    let address = attendee.address.trim().to_lowercase();
    let at_address: Vec<invitation::Model> = invitation::Entity::find()
        .inner_join(actor::Entity)
        .filter(invitation::Column::EventId.eq(event.id))
        .filter(actor::Column::Email.eq(address.as_str()))
        .order_by_asc(invitation::Column::Id)
        .all(txn)
        .await?;
    let tag = reply
        .organizer
        .iter()
        .chain(&message.recipients)
        .map(|address| tags::read_tag(secret, address))
        .find(|tag| *tag != Tag::Absent)
        .unwrap_or(Tag::Absent);
    let proven = match (tag, at_address.as_slice()) {
        (Tag::Forged, _) => return Ok(with_event(review("inbound.reason.forged_tag"))),
        (Tag::Valid(id), guests) => match guests.iter().find(|inv| inv.id == id) {
            Some(inv) => inv,
            None => {
                let mut verdict = with_event(review("inbound.reason.someone_else"));
                let of_event = invitation::Entity::find_by_id(id)
                    .filter(invitation::Column::EventId.eq(event.id))
                    .one(txn)
                    .await?;
                verdict.invitation_id = of_event.map(|inv| inv.id);
                return Ok(verdict);
            }
        },
        (Tag::Absent, []) => return Ok(with_event(review("inbound.reason.unknown_attendee"))),
        // Without the tag, nothing says which of the guests at that address answers.
        (Tag::Absent, [_, _, ..]) => return Ok(with_event(review("inbound.reason.shared_address"))),
        (Tag::Absent, [inv]) if message.sender.eq_ignore_ascii_case(&attendee.address) => inv,
        (Tag::Absent, [_]) => return Ok(with_event(review("inbound.reason.unproven"))),
    };
    let mut verdict = with_event(review("inbound.reason.unsupported_answer"));
    verdict.invitation_id = Some(proven.id);
    if answer_of(&attendee.partstat).is_none() {
        return Ok(verdict);
    }
    if EventStatus::parse(&event.status) != Some(EventStatus::Scheduled) {
        verdict.reason = "inbound.reason.closed";
        return Ok(verdict);
    }
    let answered_at = answered_at(reply);
    if proven.responded_at.is_some_and(|stored| stored > answered_at) {
        (verdict.outcome, verdict.reason) = ("stale", "inbound.reason.older_than_answer");
        return Ok(verdict);
    }
    let current = crate::domain::events::Event::from(event.clone());
    let stored = Response::parse(&proven.response).unwrap_or(Response::None);
    match moves::reply_era(&current, reply_sequence(reply), stored, proven.answered_sequence) {
        ReplyEra::Current => (verdict.outcome, verdict.reason) = ("applied", ""),
        // Recorded, but as an answer to the date it names: the guest is still asked again.
        ReplyEra::Earlier => (verdict.outcome, verdict.reason) = ("applied", "inbound.reason.earlier_date"),
        ReplyEra::Superseded => (verdict.outcome, verdict.reason) = ("stale", "inbound.reason.earlier_date_superseded"),
    }
    Ok(verdict)
}

/// RFC 5545 §3.8.7.4: a missing SEQUENCE is 0.
fn reply_sequence(reply: &CalendarReply) -> i32 {
    reply.sequence.unwrap_or(0).clamp(0, i64::from(i32::MAX)) as i32
}

/// Writes the proven answer on the invitation.
pub(super) async fn apply(
    txn: &DatabaseTransaction,
    reply: &CalendarReply,
    invitation_id: Option<i32>,
) -> AppResult<()> {
    let (Some(id), [attendee]) = (invitation_id, reply.attendees.as_slice()) else {
        return Ok(());
    };
    let Some(response) = answer_of(&attendee.partstat) else {
        return Ok(());
    };
    let Some(existing) = invitation::Entity::find_by_id(id).one(txn).await? else {
        return Ok(());
    };
    let comment = [attendee.comment.trim(), reply.comment.trim()]
        .into_iter()
        .find(|c| !c.is_empty())
        .unwrap_or_default();
    // The SEQUENCE answered is the reply's, never more than the event has reached.
    let sequence = event::Entity::find_by_id(existing.event_id)
        .one(txn)
        .await?
        .map_or(0, |e| e.sequence)
        .min(reply_sequence(reply));
    let comment: String = comment.chars().take(2000).collect();
    let changes = Changes::new()
        .set("response", &existing.response, response.slug())
        .set("response_comment", &existing.response_comment, &comment)
        .note("via", VIA);
    let mut model: invitation::ActiveModel = existing.into();
    model.answered_sequence = Set(Some(sequence));
    model.response = Set(response.slug().into());
    model.response_comment = Set(comment);
    model.responded_at = Set(Some(answered_at(reply)));
    model.responded_via = Set(VIA.into());
    model.update(txn).await?;
    audit::record(txn, &Who::gateway("mail"), "invitation", id, "answer", changes).await?;
    Ok(())
}

fn answer_of(partstat: &str) -> Option<Response> {
    match partstat {
        "ACCEPTED" => Some(Response::Accepted),
        "TENTATIVE" => Some(Response::Tentative),
        "DECLINED" => Some(Response::Declined),
        _ => None,
    }
}

/// The answer's time is when the guest pressed the button (DTSTAMP), never in the future.
fn answered_at(reply: &CalendarReply) -> chrono::DateTime<Utc> {
    let now = Utc::now();
    reply.dtstamp.map_or(now, |stamp| stamp.min(now))
}
