//! Queueing a chunk of invitations in a handful of statements, whatever the chunk's size.
//!
//! Composing a message (MIME, iCalendar, QR code) costs far more than writing it, so it happens
//! before the write transaction, on the blocking pool. The transaction then claims the
//! invitations still pending (one UPDATE … RETURNING: a guest another runner queued meanwhile
//! drops out), inserts their messages (one multi-row INSERT) and records the job's progress.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::Utc;
use entity::{actor, invitation, outbox_message};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Statement,
    Value,
};

use super::{CHUNK, compose_for_guest, queue_message, rsvp_token, sendable};
use crate::domain::actors::Actor;
use crate::domain::events::Event;
use crate::domain::secrets;
use crate::domain::venues::Venue;
use crate::domain::vocab::{Channel, Delivery};
use crate::error::{AppError, AppResult};
use crate::mail::MailContext;
use crate::mail::compose::{ComposedMail, MailKind};

/// Queues invitations for up to `CHUNK` guests still waiting for one (reachable, delivery
/// pending) and returns how many. Called until it returns 0: a crash before the write
/// transaction commits leaves the guests pending (at most with their answer-link nonce set,
/// which the next run reuses), so nothing is lost and nobody is queued twice.
pub(crate) async fn queue_pending_chunk(
    db: &DatabaseConnection,
    ctx: &MailContext,
    event: &Event,
    venue: Option<&Venue>,
    job_id: Option<i32>,
) -> AppResult<u64> {
    let guests = invitation::Entity::find()
        .filter(invitation::Column::EventId.eq(event.id))
        .filter(invitation::Column::Delivery.eq(Delivery::Pending.slug()))
        .find_also_related(actor::Entity)
        .filter(sendable())
        .order_by_asc(invitation::Column::Id)
        .limit(CHUNK)
        .all(db)
        .await?;
    let (mut by_sms, mut by_email) = (Vec::new(), Vec::new());
    for (inv, actor) in guests {
        let Some(actor) = actor.map(Actor::from) else { continue };
        if !crate::domain::sms::reachable(&inv, &actor) {
            continue;
        }
        if inv.channel == Channel::Sms.slug() {
            by_sms.push(inv.id);
        } else if actor.email.is_some() {
            by_email.push((inv, actor));
        }
    }
    if by_sms.is_empty() && by_email.is_empty() {
        return Ok(0);
    }
    let nonces = ensure_nonces(db, ctx, &by_email).await?;
    let composed = compose_all(ctx, event, venue, by_email, nonces).await?;

    let txn = crate::db::begin_write(db).await?;
    let ids: Vec<i32> = composed.iter().map(|(id, ..)| *id).collect();
    let claimed = claim_pending(&txn, ctx, event, &ids).await?;
    let now = Utc::now();
    let rows: Vec<outbox_message::ActiveModel> = composed
        .into_iter()
        .filter(|(id, ..)| claimed.contains(id))
        .map(|(id, recipient, mail)| {
            crate::mail::outbox::pending_row(
                crate::mail::outbox::NewMessage {
                    kind: MailKind::Invitation.slug(),
                    invitation_id: Some(id),
                    event_id: event.id,
                    recipient,
                    message_id: mail.message_id,
                    subject: mail.subject,
                    body: mail.bytes,
                },
                now,
            )
        })
        .collect();
    let mut queued = rows.len() as u64;
    outbox_message::Entity::insert_many(rows)
        .exec_without_returning(&txn)
        .await?;
    queued += queue_by_sms(&txn, ctx, event, venue, &by_sms).await?;
    if let Some(job_id) = job_id {
        crate::domain::jobs::record_progress(&txn, job_id, queued).await?;
    }
    txn.commit().await?;
    Ok(queued)
}

/// Guests reached by SMS, one by one as before (texts are few, and the SMS cap counts each):
/// re-read inside the write transaction so a guest queued meanwhile is skipped.
async fn queue_by_sms(
    txn: &sea_orm::DatabaseTransaction,
    ctx: &MailContext,
    event: &Event,
    venue: Option<&Venue>,
    ids: &[i32],
) -> AppResult<u64> {
    if ids.is_empty() {
        return Ok(0);
    }
    let guests = invitation::Entity::find()
        .filter(invitation::Column::Id.is_in(ids.to_vec()))
        .filter(invitation::Column::Delivery.eq(Delivery::Pending.slug()))
        .find_also_related(actor::Entity)
        .order_by_asc(invitation::Column::Id)
        .all(txn)
        .await?;
    let mut queued = 0;
    for (inv, actor) in guests {
        let Some(actor) = actor.map(Actor::from) else { continue };
        queue_message(txn, ctx, MailKind::Invitation, event, venue, &inv, &actor).await?;
        queued += 1;
    }
    Ok(queued)
}

/// Every invitation's answer-link nonce, giving one in a single statement to those without:
/// a nonce set meanwhile (a printed letter) is kept, and `RETURNING` says which one holds.
async fn ensure_nonces(
    db: &DatabaseConnection,
    ctx: &MailContext,
    guests: &[(invitation::Model, Actor)],
) -> AppResult<HashMap<i32, String>> {
    let mut nonces: HashMap<i32, String> = guests
        .iter()
        .filter_map(|(inv, _)| inv.rsvp_nonce.clone().map(|n| (inv.id, n)))
        .collect();
    let missing: Vec<i32> = guests
        .iter()
        .map(|(inv, _)| inv.id)
        .filter(|id| !nonces.contains_key(id))
        .collect();
    if missing.is_empty() {
        return Ok(nonces);
    }
    let mut values: Vec<Value> = Vec::with_capacity(missing.len() * 3);
    let (mut nonce_case, mut hash_case, mut list) = (String::new(), String::new(), String::new());
    for (k, id) in missing.iter().enumerate() {
        let nonce = secrets::random_token();
        let hash = secrets::hash_token(&rsvp_token(&ctx.secret, *id, &nonce));
        let (i, n, h) = (3 * k + 1, 3 * k + 2, 3 * k + 3);
        nonce_case.push_str(&format!(" WHEN ${i} THEN ${n}"));
        hash_case.push_str(&format!(" WHEN ${i} THEN ${h}"));
        if k > 0 {
            list.push(',');
        }
        list.push_str(&format!("${i}"));
        values.extend([(*id).into(), nonce.into(), hash.into()]);
    }
    // The right-hand sides read the row as it was, so the hash follows the nonce actually kept.
    let sql = format!(
        "UPDATE invitations SET \
           rsvp_nonce = COALESCE(rsvp_nonce, CASE id{nonce_case} END), \
           rsvp_token_hash = CASE WHEN rsvp_nonce IS NULL THEN CASE id{hash_case} END ELSE rsvp_token_hash END \
         WHERE id IN ({list}) RETURNING id, rsvp_nonce"
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(db.get_database_backend(), sql, values))
        .await?;
    for row in rows {
        let id: i32 = row.try_get("", "id")?;
        if let Some(nonce) = row.try_get::<Option<String>>("", "rsvp_nonce")? {
            nonces.insert(id, nonce);
        }
    }
    Ok(nonces)
}

/// Composes each guest's invitation on the blocking pool, in two halves on this two-core
/// machine's two threads; returns (invitation id, recipient, message) in the guests' order.
async fn compose_all(
    ctx: &MailContext,
    event: &Event,
    venue: Option<&Venue>,
    guests: Vec<(invitation::Model, Actor)>,
    nonces: HashMap<i32, String>,
) -> AppResult<Vec<(i32, String, ComposedMail)>> {
    let shared = Arc::new((ctx.clone(), event.clone(), venue.cloned(), nonces));
    let half = guests.len().div_ceil(2).max(1);
    let mut parts = Vec::new();
    let mut guests = guests.into_iter();
    loop {
        let part: Vec<_> = guests.by_ref().take(half).collect();
        if part.is_empty() {
            break;
        }
        let shared = shared.clone();
        parts.push(tokio::task::spawn_blocking(move || {
            let (ctx, event, venue, nonces) = &*shared;
            part.into_iter()
                .filter_map(|(inv, actor)| {
                    let nonce = nonces.get(&inv.id)?;
                    Some(compose_one(ctx, event, venue.as_ref(), &inv, &actor, nonce))
                })
                .collect::<AppResult<Vec<_>>>()
        }));
    }
    let mut out = Vec::new();
    for part in parts {
        let composed = part
            .await
            .map_err(|e| AppError::Internal(anyhow::anyhow!("composing invitations: {e}")))??;
        out.extend(composed);
    }
    Ok(out)
}

fn compose_one(
    ctx: &MailContext,
    event: &Event,
    venue: Option<&Venue>,
    inv: &invitation::Model,
    actor: &Actor,
    nonce: &str,
) -> AppResult<(i32, String, ComposedMail)> {
    let recipient = actor.email.clone().unwrap_or_default();
    let url = format!("{}/rsvp/{}", ctx.base_url, rsvp_token(&ctx.secret, inv.id, nonce));
    let composed = compose_for_guest(ctx, MailKind::Invitation, event, venue, inv, actor, &recipient, &url)?;
    Ok((inv.id, recipient, composed))
}

/// Marks the chunk's invitations queued if they still wait, in one statement; returns those it
/// marked (the only ones whose messages go in). An invitation arriving inside the reminder
/// window is its own reminder, as in `mark_queued`.
async fn claim_pending<C: ConnectionTrait>(
    txn: &C,
    ctx: &MailContext,
    event: &Event,
    ids: &[i32],
) -> AppResult<HashSet<i32>> {
    if ids.is_empty() {
        return Ok(HashSet::new());
    }
    let now = Utc::now();
    let window_open = event.starts_at - chrono::Duration::days(ctx.reminder_days) <= now;
    let mut values: Vec<Value> = vec![Delivery::Queued.slug().into(), event.sequence.into()];
    let reminder = if window_open {
        values.push(now.into());
        format!(", reminder_sent_at = COALESCE(reminder_sent_at, ${})", values.len())
    } else {
        String::new()
    };
    values.push(Delivery::Pending.slug().into());
    let pending = values.len();
    let first = values.len() + 1;
    let list: Vec<String> = (first..first + ids.len()).map(|i| format!("${i}")).collect();
    values.extend(ids.iter().map(|id| Value::from(*id)));
    let sql = format!(
        "UPDATE invitations SET delivery = $1, sent_sequence = $2{reminder} \
         WHERE delivery = ${pending} AND id IN ({}) RETURNING id",
        list.join(",")
    );
    let rows = txn
        .query_all_raw(Statement::from_sql_and_values(txn.get_database_backend(), sql, values))
        .await?;
    rows.iter()
        .map(|row| row.try_get::<i32>("", "id").map_err(AppError::from))
        .collect()
}
