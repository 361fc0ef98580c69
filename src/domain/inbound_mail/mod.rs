//! Mail that arrives in the inbound mailbox: calendar replies are applied to invitations when
//! they prove which one they answer; the rest is recorded for a person to look at.

mod bounces;
mod human;
pub mod listing;
pub mod position;
mod replies;
pub mod tags;

use chrono::{DateTime, Utc};
use entity::inbound_message;
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};

use crate::error::AppResult;

/// One message read from the mailbox, already taken apart by the mail reader.
#[derive(Clone, Debug, Default)]
pub struct InboundMessage {
    /// As written in the header, `<…>`; empty when the message has none.
    pub message_id: String,
    /// Hash of the body, so a message is recognised when delivered again with other headers.
    pub content_hash: String,
    /// The `From` address.
    pub sender: String,
    pub subject: String,
    /// Every address the message was sent to (To, Cc, Delivered-To…), where a reply tag may be.
    pub recipients: Vec<String>,
    /// An out-of-office or other automatic answer (`Auto-Submitted`, `X-Autoreply`…).
    pub auto_reply: bool,
    /// The first text part, for a guest's plain reply.
    pub text: String,
    pub calendar: Option<CalendarReply>,
    /// A delivery status notification for a message the outbox sent.
    pub bounce: Option<Bounce>,
    /// Why a part that should have been read could not be (a calendar that does not parse).
    pub unreadable: Option<String>,
}

/// The VEVENT of an iTIP message, as far as answering an invitation needs it.
#[derive(Clone, Debug, Default)]
pub struct CalendarReply {
    /// `METHOD` of the calendar, or of the MIME part when the calendar has none; upper case.
    pub method: String,
    pub uid: String,
    pub sequence: Option<i64>,
    pub dtstamp: Option<DateTime<Utc>>,
    pub organizer: Option<String>,
    pub attendees: Vec<ReplyAttendee>,
    /// The VEVENT's `COMMENT`.
    pub comment: String,
}

#[derive(Clone, Debug, Default)]
pub struct ReplyAttendee {
    /// The address without `mailto:`.
    pub address: String,
    /// `PARTSTAT`, upper case.
    pub partstat: String,
    /// `DELEGATED-TO` is present.
    pub delegated: bool,
    /// Gmail's `X-RESPONSE-COMMENT`.
    pub comment: String,
}

/// What a delivery status notification says about one message Toguna sent.
#[derive(Clone, Debug, Default)]
pub struct Bounce {
    /// The Message-ID of the message that bounced, `<…>`, as the outbox keeps it.
    pub original_message_id: String,
    /// `5.1.1`, `4.4.1`…
    pub status: String,
    /// The remote server's words, without the `smtp;` prefix.
    pub diagnostic: String,
}

/// What the mail reader does with the message in the mailbox afterwards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disposition {
    /// Handled (applied, recorded for review, or ignored): flag it so nobody handles it again.
    Done,
    /// Left unflagged for a person: unreadable, or not something Toguna understands.
    Left,
}

/// What became of a message, before it is stored.
struct Verdict {
    kind: &'static str,
    outcome: &'static str,
    reason: &'static str,
    detail: String,
    event_id: Option<i32>,
    invitation_id: Option<i32>,
}

impl Verdict {
    fn new(kind: &'static str, outcome: &'static str, reason: &'static str) -> Self {
        Verdict {
            kind,
            outcome,
            reason,
            detail: String::new(),
            event_id: None,
            invitation_id: None,
        }
    }
}

/// Handles one message once: records it, and applies it when it is a proven calendar reply.
/// A message already recorded (the same one delivered twice, or read by another app process)
/// changes nothing.
pub async fn receive(db: &DatabaseConnection, secret: &[u8], message: &InboundMessage) -> AppResult<Disposition> {
    let txn = crate::db::begin_write(db).await?;
    let verdict = if let Some(problem) = &message.unreadable {
        let mut verdict = Verdict::new("unreadable", "unreadable", "inbound.reason.unreadable");
        verdict.detail = problem.clone();
        verdict
    } else if let Some(reply) = &message.calendar {
        replies::judge(&txn, secret, message, reply).await?
    } else if let Some(bounce) = &message.bounce {
        // Before the auto-reply test: DSNs carry `Auto-Submitted` too.
        bounces::judge(&txn, bounce).await?
    } else if message.auto_reply {
        Verdict::new("auto_reply", "ignored", "inbound.reason.auto_reply")
    } else if let Some(verdict) = human::judge(&txn, secret, message).await? {
        verdict
    } else {
        Verdict::new("other", "ignored", "inbound.reason.not_understood")
    };
    let disposition = match verdict.kind {
        "unreadable" | "other" => Disposition::Left,
        _ => Disposition::Done,
    };
    let row = inbound_message::ActiveModel {
        dedup_key: Set(format!("{} {}", message.message_id, message.content_hash)),
        message_id: Set(message.message_id.clone()),
        sender: Set(message.sender.clone()),
        subject: Set(message.subject.chars().take(500).collect()),
        kind: Set(verdict.kind.into()),
        outcome: Set(verdict.outcome.into()),
        reason: Set(verdict.reason.into()),
        detail: Set(verdict.detail.clone()),
        event_id: Set(verdict.event_id),
        invitation_id: Set(verdict.invitation_id),
        received_at: Set(Utc::now()),
        ..Default::default()
    };
    if let Err(err) = row.insert(&txn).await {
        return match err.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
                txn.rollback().await?;
                Ok(Disposition::Done)
            }
            _ => Err(err.into()),
        };
    }
    if verdict.outcome == "applied" {
        if let Some(reply) = &message.calendar {
            replies::apply(&txn, reply, verdict.invitation_id).await?;
        } else if let Some(bounce) = &message.bounce {
            bounces::apply(&txn, bounce).await?;
        }
    }
    txn.commit().await?;
    tracing::info!(
        kind = verdict.kind,
        outcome = verdict.outcome,
        reason = verdict.reason,
        event = ?verdict.event_id,
        "inbound message"
    );
    Ok(disposition)
}

pub use listing::{InboundFilter, ToLookAt, to_look_at};
