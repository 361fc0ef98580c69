//! Sending invitations and keeping calendars up to date: queueing invitations, updates and
//! cancellations in the outbox, in the same transaction as the change that causes them.

use chrono::Utc;
use entity::{actor, event, invitation};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::Serialize;

use crate::domain::actors::Actor;
use crate::domain::audit::{self, Changes, Who};
use crate::domain::events::{self, Event};
use crate::domain::secrets;
use crate::domain::venues::{self, Venue};
use crate::domain::vocab::{Delivery, EventStatus, Response};
use crate::error::{AppError, AppResult};
use crate::mail::MailContext;
use crate::mail::compose::{self, ComposedMail, MailInput, MailKind};
use crate::mail::outbox::{self, NewMessage};

mod queue;
pub(crate) use queue::queue_pending_chunk;

/// The invitee's answer token: derived from the server secret and a per-invitation nonce, so
/// the database holds neither the token nor enough to rebuild it (only its hash, for lookup).
pub fn rsvp_token(secret: &[u8], invitation_id: i32, nonce: &str) -> String {
    use base64::Engine;
    let mac = secrets::sign(secret, format!("rsvp:{invitation_id}:{nonce}").as_bytes());
    // 128 bits are enough against guessing and keep the link short.
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&mac[..16])
}

/// The guest's check-in code, for the QR code: the invitation id and a MAC by the server secret,
/// so it needs no storage and cannot be forged, and separate from the answer token, so showing it
/// at the door reveals no answer link. The code alone admits nobody: an organizer must scan it.
pub fn checkin_code(secret: &[u8], invitation_id: i32) -> String {
    use base64::Engine;
    let mut bytes = invitation_id.to_be_bytes().to_vec();
    bytes.extend_from_slice(&checkin_mac(secret, invitation_id)[..12]);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The invitation a check-in code stands for, if the code is genuine.
pub fn parse_checkin_code(secret: &[u8], code: &str) -> Option<i32> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(code.trim())
        .ok()?;
    if bytes.len() != 16 {
        return None;
    }
    let invitation_id = i32::from_be_bytes(bytes[..4].try_into().ok()?);
    let expected = checkin_mac(secret, invitation_id);
    secrets::same_bytes(&expected[..12], &bytes[4..]).then_some(invitation_id)
}

fn checkin_mac(secret: &[u8], invitation_id: i32) -> [u8; 32] {
    secrets::sign(secret, format!("checkin:{invitation_id}").as_bytes())
}

/// The answer link of an invitation, creating its nonce on first use.
pub(crate) async fn rsvp_url<C: ConnectionTrait>(
    db: &C,
    ctx: &MailContext,
    inv: &invitation::Model,
) -> AppResult<String> {
    let nonce = match &inv.rsvp_nonce {
        Some(n) => n.clone(),
        None => {
            let nonce = secrets::random_token();
            let token = rsvp_token(&ctx.secret, inv.id, &nonce);
            invitation::Entity::update_many()
                .col_expr(invitation::Column::RsvpNonce, Expr::value(nonce.clone()))
                .col_expr(
                    invitation::Column::RsvpTokenHash,
                    Expr::value(secrets::hash_token(&token)),
                )
                .filter(invitation::Column::Id.eq(inv.id))
                .exec(db)
                .await?;
            nonce
        }
    };
    Ok(format!(
        "{}/rsvp/{}",
        ctx.base_url,
        rsvp_token(&ctx.secret, inv.id, &nonce)
    ))
}

/// What a send did.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct SendSummary {
    /// Messages queued now.
    pub queued: u64,
    /// Guests already sent (or being sent) their invitation.
    pub already_sent: u64,
    /// Guests who cannot be emailed: no address, or no consent to be contacted.
    pub not_emailable: u64,
}

/// Queues an invitation for every guest reachable on their channel who has not had one, in the
/// caller's task (the web and the API start a background job instead: see `jobs.rs`).
pub async fn send_invitations(
    db: &DatabaseConnection,
    ctx: &MailContext,
    event_id: i32,
    who: &Who,
) -> AppResult<SendSummary> {
    let event = events::get(db, event_id).await?;
    if event.status != EventStatus::Scheduled {
        return Err(AppError::Conflict("invitations.not_scheduled".into()));
    }
    let counts = crate::domain::jobs::send_counts(db, event_id).await?;
    let venue = venue_of(db, &event).await?;
    let mut queued = 0;
    loop {
        let n = queue_pending_chunk(db, ctx, &event, venue.as_ref(), None).await?;
        if n == 0 {
            break;
        }
        queued += n;
    }
    let summary = SendSummary { queued, ..counts };
    record_send(db, who, event_id, &summary).await?;
    Ok(summary)
}

/// One audit entry per click on "send", with its counts; each guest's delivery shows on the guest list.
pub(crate) async fn record_send(
    db: &impl sea_orm::ConnectionTrait,
    who: &Who,
    event_id: i32,
    summary: &SendSummary,
) -> AppResult<()> {
    let changes = Changes::new()
        .note("queued", summary.queued)
        .note("already_sent", summary.already_sent)
        .note("not_emailable", summary.not_emailable);
    audit::record(db, who, "event", event_id, "invitations_send", changes).await
}

/// The guests `sms::reachable` accepts, as SQL: consent, and a working email address or, on the
/// SMS channel, a phone number. The send job's chunks and counts use it, so they agree.
pub(crate) fn sendable() -> sea_orm::Condition {
    let sms = crate::domain::vocab::Channel::Sms.slug();
    sea_orm::Condition::all()
        .add(actor::Column::ConsentContact.eq(true))
        .add(
            sea_orm::Condition::any()
                .add(
                    sea_orm::Condition::all()
                        .add(invitation::Column::Channel.eq(sms))
                        .add(actor::Column::Phone.is_not_null())
                        .add(actor::Column::Phone.ne("")),
                )
                .add(
                    sea_orm::Condition::all()
                        .add(invitation::Column::Channel.ne(sms))
                        .add(actor::Column::Email.is_not_null())
                        .add(actor::Column::EmailFailedAt.is_null()),
                ),
        )
}

/// The same rule as [`sendable`], as a SQL fragment over `invitations i JOIN actors a`.
pub(crate) const SENDABLE_SQL: &str = "(a.consent_contact AND ((i.channel = 'sms' AND a.phone IS NOT NULL AND a.phone <> '') \
     OR (i.channel <> 'sms' AND a.email IS NOT NULL AND a.email_failed_at IS NULL)))";

/// Guests queued per write transaction: short enough that SQLite's single writer (answers,
/// check-in marks) waits tens of milliseconds at most, long enough that commits are few.
pub const CHUNK: u64 = 100;

/// Queues the same kind of message again for one guest (after a failure, or on request).
pub async fn resend(
    db: &DatabaseConnection,
    ctx: &MailContext,
    event_id: i32,
    invitation_id: i32,
    who: &Who,
) -> AppResult<()> {
    let event = events::get(db, event_id).await?;
    if matches!(event.status, EventStatus::Draft | EventStatus::Completed) {
        return Err(AppError::Conflict("invitations.not_scheduled".into()));
    }
    let venue = venue_of(db, &event).await?;
    let txn = crate::db::begin_write(db).await?;
    let (inv, actor) = invitation::Entity::find_by_id(invitation_id)
        .filter(invitation::Column::EventId.eq(event_id))
        .find_also_related(actor::Entity)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let actor = Actor::from(actor.ok_or(AppError::NotFound)?);
    if !crate::domain::sms::reachable(&inv, &actor) {
        return Err(AppError::Conflict("invitations.not_emailable".into()));
    }
    let kind = if event.status == EventStatus::Cancelled {
        MailKind::Cancellation
    } else {
        MailKind::Invitation
    };
    queue_message(&txn, ctx, kind, &event, venue.as_ref(), &inv, &actor).await?;
    let changes = Changes::new()
        .set("delivery", &inv.delivery, Delivery::Queued.slug())
        .note("kind", kind.slug());
    audit::record(&txn, who, "invitation", inv.id, "resend", changes).await?;
    txn.commit().await?;
    Ok(())
}

pub(crate) async fn venue_of<C: ConnectionTrait>(db: &C, event: &Event) -> AppResult<Option<Venue>> {
    Ok(match event.venue_id {
        Some(id) => Some(venues::get(db, id).await?),
        None => None,
    })
}

async fn queue_message(
    txn: &DatabaseTransaction,
    ctx: &MailContext,
    kind: MailKind,
    event: &Event,
    venue: Option<&Venue>,
    inv: &invitation::Model,
    actor: &Actor,
) -> AppResult<()> {
    // Guests reached by SMS get a text in the SMS outbox instead of an email.
    if inv.channel == crate::domain::vocab::Channel::Sms.slug() {
        if crate::domain::sms::queue(txn, ctx, kind, event, venue, inv, actor).await? {
            mark_queued(txn, ctx, kind, event, inv).await?;
        }
        return Ok(());
    }
    let Some(recipient) = actor.email.clone() else {
        return Ok(());
    };
    let url = rsvp_url(txn, ctx, inv).await?;
    let composed = compose_for_guest(ctx, kind, event, venue, inv, actor, &recipient, &url)?;
    outbox::queue(
        txn,
        NewMessage {
            kind: kind.slug(),
            invitation_id: Some(inv.id),
            event_id: event.id,
            recipient,
            message_id: composed.message_id,
            subject: composed.subject,
            body: composed.bytes,
        },
    )
    .await?;
    mark_queued(txn, ctx, kind, event, inv).await
}

/// One guest's message, with the same inputs whether it is queued alone or in a batch.
#[allow(clippy::too_many_arguments)]
pub(super) fn compose_for_guest(
    ctx: &MailContext,
    kind: MailKind,
    event: &Event,
    venue: Option<&Venue>,
    inv: &invitation::Model,
    actor: &Actor,
    recipient: &str,
    rsvp_url: &str,
) -> AppResult<ComposedMail> {
    let checkin_url = format!("{}/checkin/{}", ctx.base_url, checkin_code(&ctx.secret, inv.id));
    let reply_tag = ctx
        .plus_addressing
        .then(|| crate::domain::inbound_mail::tags::reply_tag(&ctx.secret, inv.id));
    let stored = Response::parse(&inv.response).unwrap_or(Response::None);
    compose::compose(&MailInput {
        kind,
        event,
        venue,
        actor,
        recipient,
        // After a move the calendar asks again: an answer to the earlier date is not sent back.
        response: crate::domain::events::moves::answer_for_calendar(event, stored, inv.answered_sequence),
        reconfirm: crate::domain::events::moves::to_reconfirm(event, stored, inv.answered_sequence).then_some(stored),
        rsvp_url,
        checkin_url: &checkin_url,
        from: &ctx.from,
        reply_to: ctx.reply_to.as_ref(),
        reply_tag: reply_tag.as_deref(),
        now: Utc::now(),
    })
    .map_err(AppError::Internal)
}

/// The invitation's delivery state and calendar sequence once its message is queued.
async fn mark_queued(
    txn: &DatabaseTransaction,
    ctx: &MailContext,
    kind: MailKind,
    event: &Event,
    inv: &invitation::Model,
) -> AppResult<()> {
    let mut update = invitation::Entity::update_many()
        .col_expr(invitation::Column::Delivery, Expr::value(Delivery::Queued.slug()))
        .col_expr(invitation::Column::SentSequence, Expr::value(event.sequence))
        .filter(invitation::Column::Id.eq(inv.id));
    // An invitation that arrives inside the reminder window is its own reminder.
    let window_open = event.starts_at - chrono::Duration::days(ctx.reminder_days) <= Utc::now();
    if kind == MailKind::Invitation && window_open && inv.reminder_sent_at.is_none() {
        update = update.col_expr(invitation::Column::ReminderSentAt, Expr::value(Some(Utc::now())));
    }
    update.exec(txn).await?;
    Ok(())
}

/// After a change invitees must hear about: raise the sequence and queue `kind` to everyone
/// already sent a calendar entry. Runs inside the caller's transaction.
pub async fn notify_sent_guests(
    txn: &DatabaseTransaction,
    ctx: &MailContext,
    event_id: i32,
    kind: MailKind,
) -> AppResult<u64> {
    let model = event::Entity::find_by_id(event_id)
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut bumped: event::ActiveModel = model.clone().into();
    bumped.sequence = Set(model.sequence + 1);
    let event = Event::from(bumped.update(txn).await?);
    let venue = venue_of(txn, &event).await?;
    let guests = invitation::Entity::find()
        .filter(invitation::Column::EventId.eq(event_id))
        .filter(invitation::Column::SentSequence.is_not_null())
        .find_also_related(actor::Entity)
        .all(txn)
        .await?;
    let mut queued = 0;
    for (inv, actor) in guests {
        let Some(actor) = actor.map(Actor::from) else { continue };
        if actor.email.is_none() && inv.channel != crate::domain::vocab::Channel::Sms.slug() {
            continue;
        }
        queue_message(txn, ctx, kind, &event, venue.as_ref(), &inv, &actor).await?;
        queued += 1;
    }
    Ok(queued)
}

/// Removes a guest; one who was sent the calendar entry gets a CANCEL for it.
pub async fn remove_guest(
    db: &DatabaseConnection,
    ctx: &MailContext,
    event_id: i32,
    invitation_id: i32,
    who: &Who,
) -> AppResult<()> {
    let txn = crate::db::begin_write(db).await?;
    let (inv, actor) = invitation::Entity::find_by_id(invitation_id)
        .filter(invitation::Column::EventId.eq(event_id))
        .find_also_related(actor::Entity)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if inv.sent_sequence.is_some()
        && let Some(actor) = actor.map(Actor::from)
    {
        let model = event::Entity::find_by_id(event_id)
            .one(&txn)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut cancelled = Event::from(model);
        // RFC 5546: removing one attendee is a CANCEL with STATUS:CANCELLED for that attendee.
        cancelled.status = EventStatus::Cancelled;
        cancelled.sequence += 1;
        let venue = venue_of(&txn, &cancelled).await?;
        queue_message(
            &txn,
            ctx,
            MailKind::Cancellation,
            &cancelled,
            venue.as_ref(),
            &inv,
            &actor,
        )
        .await?;
        outbox_detach(&txn, inv.id).await?;
    }
    invitation::Entity::delete_by_id(inv.id).exec(&txn).await?;
    let changes = Changes::new()
        .set("event_id", event_id, serde_json::Value::Null)
        .set("actor_id", inv.actor_id, serde_json::Value::Null)
        .set("response", &inv.response, serde_json::Value::Null);
    audit::record(&txn, who, "invitation", inv.id, "delete", changes).await?;
    txn.commit().await?;
    Ok(())
}

/// Outbox rows outlive the invitation they were written for.
async fn outbox_detach(txn: &DatabaseTransaction, invitation_id: i32) -> AppResult<()> {
    entity::outbox_message::Entity::update_many()
        .col_expr(
            entity::outbox_message::Column::InvitationId,
            Expr::value(Option::<i32>::None),
        )
        .filter(entity::outbox_message::Column::InvitationId.eq(invitation_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// The SMTP server's answer for each invitation whose last message failed for good.
pub async fn failures(
    db: &DatabaseConnection,
    event_id: i32,
    invitation_ids: &[i32],
) -> AppResult<std::collections::HashMap<i32, String>> {
    use entity::outbox_message;
    if invitation_ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let rows: Vec<(Option<i32>, String)> = outbox_message::Entity::find()
        .select_only()
        .column(outbox_message::Column::InvitationId)
        .column(outbox_message::Column::LastError)
        .filter(outbox_message::Column::EventId.eq(event_id))
        .filter(outbox_message::Column::InvitationId.is_in(invitation_ids.to_vec()))
        .filter(outbox_message::Column::Status.eq("failed"))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, error)| id.map(|id| (id, error)))
        .collect())
}

/// Queues a reminder for each invitee of an event starting within `days`, who was sent the
/// invitation and has not declined; each invitee is reminded once, even with several workers.
/// A refusal given to an earlier date or place of a moved event does not count as declining
/// this one: that guest is reminded, and the reminder asks them to answer again.
pub async fn queue_due_reminders(db: &DatabaseConnection, ctx: &MailContext, days: i64) -> AppResult<u64> {
    let now = Utc::now();
    let soon = event::Entity::find()
        .filter(event::Column::Status.eq(EventStatus::Scheduled.slug()))
        .filter(event::Column::StartsAt.gt(now))
        .filter(event::Column::StartsAt.lte(now + chrono::Duration::days(days)))
        .all(db)
        .await?;
    let mut queued = 0;
    for model in soon {
        let event = Event::from(model);
        let venue = venue_of(db, &event).await?;
        let txn = crate::db::begin_write(db).await?;
        let due = invitation::Entity::find()
            .filter(invitation::Column::EventId.eq(event.id))
            .filter(invitation::Column::ReminderSentAt.is_null())
            .filter(invitation::Column::SentSequence.is_not_null())
            .find_also_related(actor::Entity)
            .all(&txn)
            .await?;
        let before = queued;
        for (inv, actor) in due {
            let response = Response::parse(&inv.response).unwrap_or(Response::None);
            let declined_this_date = response == Response::Declined
                && !crate::domain::events::moves::to_reconfirm(&event, response, inv.answered_sequence);
            if declined_this_date {
                continue;
            }
            let Some(actor) = actor
                .map(Actor::from)
                .filter(|a| crate::domain::sms::reachable(&inv, a))
            else {
                continue;
            };
            // Claiming the row first makes a concurrent worker skip it.
            let claimed = invitation::Entity::update_many()
                .col_expr(invitation::Column::ReminderSentAt, Expr::value(Some(now)))
                .filter(invitation::Column::Id.eq(inv.id))
                .filter(invitation::Column::ReminderSentAt.is_null())
                .exec(&txn)
                .await?;
            if claimed.rows_affected == 1 {
                queue_message(&txn, ctx, MailKind::Reminder, &event, venue.as_ref(), &inv, &actor).await?;
                queued += 1;
            }
        }
        if queued > before {
            let changes = Changes::new().note("reminders_queued", queued - before);
            audit::record(
                &txn,
                &Who::system("reminders"),
                "event",
                event.id,
                "reminders_send",
                changes,
            )
            .await?;
        }
        txn.commit().await?;
    }
    Ok(queued)
}

/// A printed invitation: who it is for and the personal answer link.
pub struct Letter {
    pub invitation_id: i32,
    pub actor: Actor,
    pub rsvp_url: String,
    /// What the entrance QR code holds, and the code printed under it for typing by hand.
    pub checkin_url: String,
    pub checkin_code: String,
}

/// Letters for the chosen guests, or for every guest who cannot be emailed.
pub async fn letters(
    db: &DatabaseConnection,
    ctx: &MailContext,
    event_id: i32,
    chosen: &[i32],
) -> AppResult<Vec<Letter>> {
    let mut query = invitation::Entity::find().filter(invitation::Column::EventId.eq(event_id));
    if !chosen.is_empty() {
        query = query.filter(invitation::Column::Id.is_in(chosen.to_vec()));
    }
    let rows = query
        .find_also_related(actor::Entity)
        .order_by_asc(invitation::Column::NameKey)
        .all(db)
        .await?;
    let mut letters = Vec::new();
    for (inv, actor) in rows {
        let Some(actor) = actor.map(Actor::from) else { continue };
        if chosen.is_empty() && (actor.reachable_by_email() || inv.channel == crate::domain::vocab::Channel::Sms.slug())
        {
            continue;
        }
        let rsvp_url = rsvp_url(db, ctx, &inv).await?;
        let checkin_code = checkin_code(&ctx.secret, inv.id);
        letters.push(Letter {
            invitation_id: inv.id,
            actor,
            rsvp_url,
            checkin_url: format!("{}/checkin/{checkin_code}", ctx.base_url),
            checkin_code,
        });
    }
    Ok(letters)
}

/// Records how a guest without email was reached: the channel and the day it was handed over.
pub async fn record_handover(
    db: &DatabaseConnection,
    event_id: i32,
    invitation_id: i32,
    channel: &str,
    on: chrono::NaiveDate,
    who: &Who,
) -> AppResult<()> {
    let channel = crate::domain::vocab::Channel::parse(channel).ok_or_else(|| {
        let mut errors = crate::error::FieldErrors::new();
        errors.add("channel", "validation.choice");
        AppError::Validation(errors)
    })?;
    let handed_over = on.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc();
    let txn = crate::db::begin_write(db).await?;
    let existing = invitation::Entity::find_by_id(invitation_id)
        .filter(invitation::Column::EventId.eq(event_id))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let result = invitation::Entity::update_many()
        .col_expr(invitation::Column::Channel, Expr::value(channel.slug()))
        .col_expr(invitation::Column::HandedOverAt, Expr::value(Some(handed_over)))
        .filter(invitation::Column::Id.eq(invitation_id))
        .filter(invitation::Column::EventId.eq(event_id))
        .exec(&txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    let changes = Changes::new().set("channel", &existing.channel, channel.slug()).set(
        "handed_over_at",
        existing.handed_over_at,
        handed_over,
    );
    audit::record(&txn, who, "invitation", invitation_id, "handover", changes).await?;
    txn.commit().await?;
    Ok(())
}
