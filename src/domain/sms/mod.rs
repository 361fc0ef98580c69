//! SMS to guests: the channel each guest is reached by, the texts in their language, the
//! per-event choices (Unicode, segment cap), queueing in the SMS outbox and the count shown before sending.

pub mod inbound;
pub mod reports;

use chrono::Utc;
use entity::{actor, event_sms, invitation, sms_message};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};

use crate::domain::actors::Actor;
use crate::domain::events::Event;
use crate::domain::short_code;
use crate::domain::venues::Venue;
use crate::domain::vocab::Channel;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::i18n::Lang;
use crate::mail::MailContext;
use crate::mail::compose::MailKind;
use crate::sms::gsm::{self, Coding};

/// Segments one event may send unless its organizer sets another cap.
pub const DEFAULT_SEGMENT_CAP: i32 = 2000;

/// How a guest is reached, by what the directory knows of them: the ONE rule, used when a guest is
/// added. Email when there is an address and consent, else SMS with a phone and consent, else a letter.
pub fn choose_channel(actor: &Actor) -> Channel {
    if actor.reachable_by_email() {
        Channel::Email
    } else if reachable_by_sms(actor) {
        Channel::Sms
    } else {
        Channel::Letter
    }
}

pub fn reachable_by_sms(actor: &Actor) -> bool {
    actor.consent_contact && actor.phone.as_deref().is_some_and(|p| !p.trim().is_empty())
}

/// Whether the guest can be sent messages on the channel of their invitation.
pub fn reachable(inv: &invitation::Model, actor: &Actor) -> bool {
    if inv.channel == Channel::Sms.slug() {
        reachable_by_sms(actor)
    } else {
        actor.reachable_by_email()
    }
}

/// An event's SMS choices.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EventSms {
    /// Send in Unicode (70 characters per SMS) rather than replace letters GSM-7 lacks.
    pub unicode: bool,
    /// The most segments this event may send in all.
    pub segment_cap: i32,
}

pub async fn event_settings<C: ConnectionTrait>(db: &C, event_id: i32) -> AppResult<EventSms> {
    Ok(match event_sms::Entity::find_by_id(event_id).one(db).await? {
        Some(row) => EventSms {
            unicode: row.unicode,
            segment_cap: row.segment_cap,
        },
        None => EventSms {
            unicode: false,
            segment_cap: DEFAULT_SEGMENT_CAP,
        },
    })
}

pub async fn save_event_settings(
    db: &DatabaseConnection,
    event_id: i32,
    choice: EventSms,
    who: &crate::domain::audit::Who,
) -> AppResult<EventSms> {
    crate::domain::events::get(db, event_id).await?;
    if !(1..=1_000_000).contains(&choice.segment_cap) {
        let mut errors = FieldErrors::new();
        errors.add("segment_cap", "sms.cap_range");
        return Err(AppError::Validation(errors));
    }
    let txn = crate::db::begin_write(db).await?;
    let before = event_settings(&txn, event_id).await?;
    let row = event_sms::ActiveModel {
        event_id: Set(event_id),
        unicode: Set(choice.unicode),
        segment_cap: Set(choice.segment_cap),
    };
    event_sms::Entity::insert(row)
        .on_conflict(
            sea_orm::sea_query::OnConflict::column(event_sms::Column::EventId)
                .update_columns([event_sms::Column::Unicode, event_sms::Column::SegmentCap])
                .to_owned(),
        )
        .exec(&txn)
        .await?;
    let changes = crate::domain::audit::Changes::new()
        .set("sms_unicode", before.unicode, choice.unicode)
        .set("sms_segment_cap", before.segment_cap, choice.segment_cap);
    crate::domain::audit::record(&txn, who, "event", event_id, "sms_settings", changes).await?;
    txn.commit().await?;
    Ok(choice)
}

/// The short link and the code group a guest may quote in a reply.
pub struct AnswerLink {
    pub url: String,
    pub prefix: String,
}

/// The `/r/{code}` link of an invitation's answer token.
pub async fn answer_link<C: ConnectionTrait>(
    db: &C,
    ctx: &MailContext,
    inv: &invitation::Model,
) -> AppResult<AnswerLink> {
    let rsvp = crate::domain::invitations::rsvp_url(db, ctx, inv).await?;
    let token = rsvp.rsplit('/').next().unwrap_or_default();
    let code =
        short_code::from_token(token).ok_or_else(|| AppError::Internal(anyhow::anyhow!("token not 128 bits")))?;
    Ok(AnswerLink {
        url: format!("{}/r/{}", ctx.base_url, code.replace('-', "")),
        prefix: short_code::prefix(&code),
    })
}

/// The text of one message, before GSM-7 replacement: as short as it can be.
pub fn compose(kind: MailKind, lang: Lang, event: &Event, venue: Option<&Venue>, link: &AnswerLink) -> String {
    let local = event.starts_at.with_timezone(&event.tz());
    let when = local.format(lang.t("sms.when_format")).to_string();
    let place = venue.map(|v| v.name.as_str()).unwrap_or_else(|| lang.t("sms.no_place"));
    lang.tf(
        &format!("sms.text.{}", kind.slug()),
        &[
            ("title", &event.title),
            ("when", &when),
            ("place", &place),
            ("link", &link.url),
            ("code", &link.prefix),
        ],
    )
}

/// Queues the message of `kind` for one guest inside the caller's transaction. Returns false when
/// the guest cannot be texted (no phone, or consent withdrawn). Refuses the whole change when the
/// event's segment cap would be passed.
pub async fn queue<C: ConnectionTrait>(
    txn: &C,
    ctx: &MailContext,
    kind: MailKind,
    event: &Event,
    venue: Option<&Venue>,
    inv: &invitation::Model,
    actor: &Actor,
) -> AppResult<bool> {
    let Some(phone) = actor.phone.clone().filter(|_| reachable_by_sms(actor)) else {
        return Ok(false);
    };
    let choice = event_settings(txn, event.id).await?;
    let link = answer_link(txn, ctx, inv).await?;
    let (text, coding) = gsm::prepare(&compose(kind, actor.language, event, venue, &link), choice.unicode);
    let segments = gsm::segments(&text, coding) as i32;
    if used_segments(txn, event.id).await? + i64::from(segments) > i64::from(choice.segment_cap) {
        return Err(AppError::Conflict("sms.cap_reached".into()));
    }
    insert(
        txn,
        kind.slug(),
        Some(inv.id),
        event.id,
        Some(actor.id),
        &phone,
        &text,
        coding,
        segments,
    )
    .await?;
    Ok(true)
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert<C: ConnectionTrait>(
    db: &C,
    kind: &str,
    invitation_id: Option<i32>,
    event_id: i32,
    actor_id: Option<i32>,
    recipient: &str,
    text: &str,
    coding: Coding,
    segments: i32,
) -> AppResult<i32> {
    let now = Utc::now();
    let row = sms_message::ActiveModel {
        kind: Set(kind.into()),
        invitation_id: Set(invitation_id),
        event_id: Set(event_id),
        actor_id: Set(actor_id),
        recipient: Set(recipient.into()),
        text: Set(text.into()),
        coding: Set(match coding {
            Coding::Gsm7 => "gsm7".into(),
            Coding::Ucs2 => "ucs2".into(),
        }),
        segments: Set(segments),
        status: Set("pending".into()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        locked_until: Set(None),
        last_error: Set(String::new()),
        sent_at: Set(None),
        reported_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// Segments queued or sent for an event (expired and withdrawn texts never went).
async fn used_segments<C: ConnectionTrait>(db: &C, event_id: i32) -> AppResult<i64> {
    let total: Option<Option<i64>> = sms_message::Entity::find()
        .select_only()
        .column_as(sms_message::Column::Segments.sum(), "total")
        .filter(sms_message::Column::EventId.eq(event_id))
        .filter(sms_message::Column::Status.is_not_in(["expired", "withdrawn"]))
        .into_tuple()
        .one(db)
        .await?;
    Ok(total.flatten().unwrap_or(0))
}

/// What the organizer sees before sending: "212 SMS, 212 segments".
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct SmsPreview {
    pub messages: u64,
    pub segments: u64,
    pub unicode: bool,
    pub segment_cap: i32,
    /// Segments this event has already queued or sent.
    pub used: i64,
}

/// The invitations a send would text now, counted as they would go.
pub async fn preview(
    db: &DatabaseConnection,
    ctx: &MailContext,
    event: &Event,
    venue: Option<&Venue>,
) -> AppResult<SmsPreview> {
    let choice = event_settings(db, event.id).await?;
    let guests = invitation::Entity::find()
        .filter(invitation::Column::EventId.eq(event.id))
        .filter(invitation::Column::Channel.eq(Channel::Sms.slug()))
        .filter(invitation::Column::Delivery.eq(crate::domain::vocab::Delivery::Pending.slug()))
        .find_also_related(actor::Entity)
        .all(db)
        .await?;
    let mut preview = SmsPreview {
        unicode: choice.unicode,
        segment_cap: choice.segment_cap,
        used: used_segments(db, event.id).await?,
        ..Default::default()
    };
    for (inv, actor) in guests {
        let Some(actor) = actor.map(Actor::from).filter(reachable_by_sms) else {
            continue;
        };
        // The link's length does not depend on the token, so a placeholder code counts the same.
        let link = AnswerLink {
            url: format!("{}/r/{}", ctx.base_url, "0".repeat(short_code::CODE_LEN)),
            prefix: "0000".into(),
        };
        let _ = inv;
        let (text, coding) = gsm::prepare(
            &compose(MailKind::Invitation, actor.language, event, venue, &link),
            choice.unicode,
        );
        preview.messages += 1;
        preview.segments += gsm::segments(&text, coding) as u64;
    }
    Ok(preview)
}

/// Refuses (409 `sms.cap_reached`) a send whose texts would pass the event's segment cap, so a
/// runaway send stops before anything is queued rather than part-way through a background job.
pub async fn check_cap(db: &DatabaseConnection, ctx: &MailContext, event_id: i32) -> AppResult<()> {
    let event = crate::domain::events::get(db, event_id).await?;
    let venue = crate::domain::invitations::venue_of(db, &event).await?;
    let preview = preview(db, ctx, &event, venue.as_ref()).await?;
    if preview.messages > 0 && preview.used + preview.segments as i64 > i64::from(preview.segment_cap) {
        return Err(AppError::Conflict("sms.cap_reached".into()));
    }
    Ok(())
}

/// The organizer changes how one guest is reached; the new channel must be possible for them.
pub async fn change_channel(
    db: &DatabaseConnection,
    event_id: i32,
    invitation_id: i32,
    channel: &str,
    who: &crate::domain::audit::Who,
) -> AppResult<()> {
    let mut errors = FieldErrors::new();
    let Some(channel) = Channel::parse(channel) else {
        errors.add("channel", "validation.choice");
        return Err(AppError::Validation(errors));
    };
    let (inv, actor) = invitation::Entity::find_by_id(invitation_id)
        .filter(invitation::Column::EventId.eq(event_id))
        .find_also_related(actor::Entity)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let actor = Actor::from(actor.ok_or(AppError::NotFound)?);
    let possible = match channel {
        Channel::Email => actor.reachable_by_email(),
        Channel::Sms => reachable_by_sms(&actor),
        Channel::Letter | Channel::Phone => true,
    };
    // The choice is valid but this guest lacks what it needs: a conflict with the directory.
    if !possible {
        return Err(AppError::Conflict("sms.channel_impossible".into()));
    }
    // A guest not yet sent anything waits for the next send on the new channel; one already sent
    // keeps the state of what went, and hears of changes on the new channel.
    let electronic = matches!(channel, Channel::Email | Channel::Sms);
    let mut update = invitation::Entity::update_many()
        .col_expr(invitation::Column::Channel, Expr::value(channel.slug()))
        .filter(invitation::Column::Id.eq(inv.id));
    if inv.sent_sequence.is_none() {
        let delivery = if electronic {
            crate::domain::vocab::Delivery::Pending
        } else {
            crate::domain::vocab::Delivery::NotApplicable
        };
        update = update.col_expr(invitation::Column::Delivery, Expr::value(delivery.slug()));
    }
    let txn = crate::db::begin_write(db).await?;
    update.exec(&txn).await?;
    let changes = crate::domain::audit::Changes::new().set("channel", &inv.channel, channel.slug());
    crate::domain::audit::record(&txn, who, "invitation", inv.id, "channel", changes).await?;
    txn.commit().await?;
    Ok(())
}

/// The last SMS state of each texted guest of an event, with the operator's reason on failure.
pub async fn guest_states(
    db: &DatabaseConnection,
    event_id: i32,
) -> AppResult<std::collections::HashMap<i32, (String, String)>> {
    let rows: Vec<(i32, Option<i32>, String, String)> = sms_message::Entity::find()
        .select_only()
        .column(sms_message::Column::Id)
        .column(sms_message::Column::InvitationId)
        .column(sms_message::Column::Status)
        .column(sms_message::Column::LastError)
        .filter(sms_message::Column::EventId.eq(event_id))
        .filter(sms_message::Column::Kind.ne("confirmation"))
        .into_tuple()
        .all(db)
        .await?;
    let mut latest: std::collections::HashMap<i32, (i32, String, String)> = Default::default();
    for (id, inv, status, error) in rows {
        let Some(inv) = inv else { continue };
        if latest.get(&inv).is_none_or(|(seen, _, _)| *seen < id) {
            latest.insert(inv, (id, status, error));
        }
    }
    Ok(latest.into_iter().map(|(inv, (_, s, e))| (inv, (s, e))).collect())
}
