//! Texts from guests: answers (1/OUI/YES, 2/NON/NO, 3/PEUT-ETRE/MAYBE), STOP/ARRET, and the rest
//! listed for the organizer. Each text is stored once by sender, receiver, time and content, so a
//! callback delivered twice changes nothing twice; an answer older than the one recorded is stale.

use chrono::{DateTime, Utc};
use entity::{actor, event, invitation, sms_inbound, sms_message};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use sha2::{Digest, Sha256};

use crate::domain::actors::normalize_phone;
use crate::domain::text::fold;
use crate::domain::vocab::{EventStatus, Response};
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::sms::gsm;

/// The answer source shown beside web, phone and calendar answers.
pub const VIA: &str = "sms";

/// One text as the gateway reports it.
pub struct Received<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub text: &'a str,
    /// When the guest sent it (Kannel's `%T`, Unix seconds); the arrival time when missing.
    pub sent_at: DateTime<Utc>,
}

/// What a text says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Intent {
    Answer(Response),
    Stop,
    Other,
}

/// What became of a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Answered,
    Stale,
    Stopped,
    Review,
    Duplicate,
}

/// Reads the first keyword of a text, in any case, with or without accents.
pub fn intent(text: &str) -> Intent {
    let folded = fold(text).to_uppercase();
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    for (i, word) in words.iter().enumerate() {
        let next = words.get(i + 1).copied().unwrap_or_default();
        let found = match *word {
            "1" | "OUI" | "YES" => Intent::Answer(Response::Accepted),
            "2" | "NON" | "NO" => Intent::Answer(Response::Declined),
            "3" | "MAYBE" | "PEUTETRE" => Intent::Answer(Response::Tentative),
            "PEUT" if next == "ETRE" => Intent::Answer(Response::Tentative),
            "STOP" | "ARRET" | "ARRETER" | "UNSUBSCRIBE" => Intent::Stop,
            _ => continue,
        };
        return found;
    }
    Intent::Other
}

/// The number as stored on actors (E.164); Kannel may give `0022370…` or `22370…`.
fn sender_number(raw: &str) -> String {
    let trimmed: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    let plus = match trimmed.strip_prefix("00") {
        Some(rest) => format!("+{rest}"),
        None if !trimmed.starts_with('+') && trimmed.len() > 8 => format!("+{trimmed}"),
        None => trimmed.clone(),
    };
    normalize_phone(&plus).unwrap_or(plus)
}

/// Stores a text and acts on it.
pub async fn receive(db: &DatabaseConnection, secret: &[u8], received: Received<'_>) -> AppResult<Outcome> {
    let sender = sender_number(received.from);
    let key = {
        let mut hash = Sha256::new();
        for part in [
            sender.as_str(),
            received.to,
            &received.sent_at.timestamp().to_string(),
            received.text,
        ] {
            hash.update(part.as_bytes());
            hash.update([0]);
        }
        hex::encode(hash.finalize())
    };
    let txn = crate::db::begin_write(db).await?;
    if sms_inbound::Entity::find()
        .filter(sms_inbound::Column::DedupKey.eq(key.clone()))
        .count(&txn)
        .await?
        > 0
    {
        return Ok(Outcome::Duplicate);
    }
    let mut row = sms_inbound::ActiveModel {
        dedup_key: Set(key),
        sender: Set(sender.clone()),
        receiver: Set(received.to.chars().take(64).collect()),
        text: Set(received.text.chars().take(2000).collect()),
        outcome: Set("review".into()),
        reason: Set(String::new()),
        event_id: Set(None),
        invitation_id: Set(None),
        sent_at: Set(received.sent_at),
        received_at: Set(Utc::now()),
        ..Default::default()
    };
    let actors = actor::Entity::find()
        .filter(actor::Column::Phone.eq(sender.clone()))
        .all(&txn)
        .await?;
    let (outcome, reason, invitation) = if actors.is_empty() {
        (Outcome::Review, "sms.reason.unknown_sender", None)
    } else {
        match intent(received.text) {
            Intent::Stop => {
                stop(&txn, &sender, &actors).await?;
                (Outcome::Stopped, "", None)
            }
            Intent::Other => (Outcome::Review, "sms.reason.not_understood", None),
            Intent::Answer(response) => {
                let open = open_invitations(&txn, secret, &actors).await?;
                match pick(&open, received.text) {
                    Pick::None => (Outcome::Review, "sms.reason.no_open_invitation", None),
                    Pick::Ambiguous => (Outcome::Review, "sms.reason.which_event", None),
                    Pick::One(inv) => {
                        let inv = inv.clone();
                        let applied = answer(&txn, &inv, response, received.sent_at).await?;
                        if applied {
                            confirm(&txn, &inv, &sender, &actors, response).await?;
                            (Outcome::Answered, "", Some(inv))
                        } else {
                            (Outcome::Stale, "sms.reason.older_than_answer", Some(inv))
                        }
                    }
                }
            }
        }
    };
    row.outcome = Set(match outcome {
        Outcome::Answered => "answered",
        Outcome::Stale => "stale",
        Outcome::Stopped => "stop",
        _ => "review",
    }
    .into());
    row.reason = Set(reason.into());
    row.event_id = Set(invitation.as_ref().map(|i| i.event_id));
    row.invitation_id = Set(invitation.as_ref().map(|i| i.id));
    if let Err(err) = row.insert(&txn).await {
        // Two deliveries of one callback at once: the unique key lets only one of them apply.
        tracing::info!(error = %err, "the same text was received twice");
        return Ok(Outcome::Duplicate);
    }
    txn.commit().await?;
    Ok(outcome)
}

enum Pick<'a> {
    None,
    One(&'a invitation::Model),
    Ambiguous,
}

/// The invitation a text answers: the only open one, or the one whose code group it quotes.
fn pick<'a>(open: &'a [(invitation::Model, String)], text: &str) -> Pick<'a> {
    match open {
        [] => Pick::None,
        [(only, _)] => Pick::One(only),
        several => {
            let words: Vec<String> = text
                .split(|c: char| !c.is_ascii_alphanumeric() && c != '-')
                .map(crate::domain::short_code::prefix)
                .filter(|w| w.len() == 4)
                .collect();
            let matching: Vec<_> = several.iter().filter(|(_, prefix)| words.contains(prefix)).collect();
            match matching.as_slice() {
                [(one, _)] => Pick::One(one),
                _ => Pick::Ambiguous,
            }
        }
    }
}

/// Invitations of these actors still open for answers, each with the first group of its code.
async fn open_invitations<C: ConnectionTrait>(
    db: &C,
    secret: &[u8],
    actors: &[actor::Model],
) -> AppResult<Vec<(invitation::Model, String)>> {
    let ids: Vec<i32> = actors.iter().map(|a| a.id).collect();
    let rows = invitation::Entity::find()
        .filter(invitation::Column::ActorId.is_in(ids))
        .filter(invitation::Column::SentSequence.is_not_null())
        .find_also_related(event::Entity)
        .all(db)
        .await?;
    let now = Utc::now();
    let mut open = Vec::new();
    for (inv, ev) in rows {
        let Some(ev) = ev else { continue };
        if ev.status != EventStatus::Scheduled.slug() || ev.starts_at <= now {
            continue;
        }
        let prefix = prefix_of(secret, &inv);
        open.push((inv, prefix));
    }
    Ok(open)
}

/// The first code group of an invitation, rebuilt from its nonce (the token is not stored).
/// Without a nonce nothing was sent, so no group was shown.
fn prefix_of(secret: &[u8], inv: &invitation::Model) -> String {
    let Some(nonce) = &inv.rsvp_nonce else {
        return String::new();
    };
    let token = crate::domain::invitations::rsvp_token(secret, inv.id, nonce);
    crate::domain::short_code::from_token(&token)
        .map(|c| crate::domain::short_code::prefix(&c))
        .unwrap_or_default()
}

/// Records the answer unless a later one is already there.
async fn answer<C: ConnectionTrait>(
    db: &C,
    inv: &invitation::Model,
    response: Response,
    at: DateTime<Utc>,
) -> AppResult<bool> {
    if inv.responded_at.is_some_and(|seen| seen > at) {
        return Ok(false);
    }
    if inv.response == response.slug() && inv.responded_via == VIA {
        // The same answer again (another text, same words): nothing to change or confirm.
        return Ok(inv.responded_at.is_none_or(|seen| seen != at));
    }
    invitation::Entity::update_many()
        .col_expr(invitation::Column::Response, Expr::value(response.slug()))
        .col_expr(invitation::Column::RespondedAt, Expr::value(Some(at)))
        .col_expr(invitation::Column::RespondedVia, Expr::value(VIA))
        .filter(invitation::Column::Id.eq(inv.id))
        .exec(db)
        .await?;
    Ok(true)
}

fn language_of(actors: &[actor::Model]) -> Lang {
    actors
        .first()
        .and_then(|a| Lang::parse(&a.language))
        .unwrap_or_default()
}

/// One-line confirmation texted back.
async fn confirm<C: ConnectionTrait>(
    db: &C,
    inv: &invitation::Model,
    sender: &str,
    actors: &[actor::Model],
    response: Response,
) -> AppResult<()> {
    // After STOP nothing more goes to the number, not even a confirmation.
    if !actors.iter().any(|a| a.consent_contact) {
        return Ok(());
    }
    let Some(ev) = event::Entity::find_by_id(inv.event_id).one(db).await? else {
        return Ok(());
    };
    let lang = language_of(actors);
    let text = lang.tf(
        "sms.text.confirmation",
        &[
            ("title", &ev.title),
            ("answer", &lang.t(&format!("sms.answer.{}", response.slug()))),
        ],
    );
    queue_plain(
        db,
        "confirmation",
        Some(inv.id),
        ev.id,
        Some(inv.actor_id),
        sender,
        &text,
    )
    .await
}

async fn queue_plain<C: ConnectionTrait>(
    db: &C,
    kind: &str,
    invitation_id: Option<i32>,
    event_id: i32,
    actor_id: Option<i32>,
    to: &str,
    text: &str,
) -> AppResult<()> {
    let unicode = super::event_settings(db, event_id).await?.unicode;
    let (text, coding) = gsm::prepare(text, unicode);
    let segments = gsm::segments(&text, coding) as i32;
    super::insert(db, kind, invitation_id, event_id, actor_id, to, &text, coding, segments).await?;
    Ok(())
}

/// Withdraws consent, drops what waits for the number, and confirms once.
async fn stop<C: ConnectionTrait>(db: &C, sender: &str, actors: &[actor::Model]) -> AppResult<()> {
    let had_consent = actors.iter().any(|a| a.consent_contact);
    for a in actors.iter().filter(|a| a.consent_contact) {
        let mut model: actor::ActiveModel = a.clone().into();
        model.consent_contact = Set(false);
        model.updated_at = Set(Utc::now());
        model.update(db).await?;
    }
    let waiting = sms_message::Entity::find()
        .filter(sms_message::Column::Recipient.eq(sender))
        .filter(sms_message::Column::Status.eq("pending"))
        .all(db)
        .await?;
    for message in waiting {
        sms_message::Entity::update_many()
            .col_expr(sms_message::Column::Status, Expr::value("withdrawn"))
            .col_expr(sms_message::Column::LastError, Expr::value("STOP"))
            .filter(sms_message::Column::Id.eq(message.id))
            .exec(db)
            .await?;
        super::reports::sync_invitation(db, message.id).await?;
    }
    if !had_consent {
        return Ok(());
    }
    // The confirmation needs an event to belong to: the guest's latest invitation.
    let ids: Vec<i32> = actors.iter().map(|a| a.id).collect();
    let latest = invitation::Entity::find()
        .filter(invitation::Column::ActorId.is_in(ids))
        .order_by_desc(invitation::Column::Id)
        .one(db)
        .await?;
    if let Some(inv) = latest {
        let text = language_of(actors).t("sms.text.stopped");
        queue_plain(db, "confirmation", None, inv.event_id, Some(inv.actor_id), sender, text).await?;
    }
    Ok(())
}

/// A text a person must look at.
#[derive(Clone, Debug)]
pub struct ToLookAt {
    pub received_at: DateTime<Utc>,
    pub sender: String,
    pub sender_name: String,
    pub text: String,
    pub reason: String,
}

/// Texts that need a person: not understood, from an unknown number, or naming no event.
pub async fn to_look_at(db: &DatabaseConnection, limit: u64) -> AppResult<Vec<ToLookAt>> {
    use sea_orm::QuerySelect;
    let rows = sms_inbound::Entity::find()
        .filter(sms_inbound::Column::Outcome.eq("review"))
        .order_by_desc(sms_inbound::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let name = actor::Entity::find()
            .filter(actor::Column::Phone.eq(row.sender.clone()))
            .one(db)
            .await?
            .map(|a| a.full_name)
            .unwrap_or_default();
        out.push(ToLookAt {
            received_at: row.received_at,
            sender: row.sender,
            sender_name: name,
            text: row.text,
            reason: row.reason,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_in_any_case_with_accents_and_other_words() {
        assert_eq!(intent("1"), Intent::Answer(Response::Accepted));
        assert_eq!(intent("oui merci, je viendrai"), Intent::Answer(Response::Accepted));
        assert_eq!(intent(" Yes!"), Intent::Answer(Response::Accepted));
        assert_eq!(intent("Non"), Intent::Answer(Response::Declined));
        assert_eq!(intent("peut-être K7M2"), Intent::Answer(Response::Tentative));
        assert_eq!(intent("PEUT-ETRE"), Intent::Answer(Response::Tentative));
        assert_eq!(intent("maybe"), Intent::Answer(Response::Tentative));
        assert_eq!(intent("Arrêt"), Intent::Stop);
        assert_eq!(intent("stop"), Intent::Stop);
        assert_eq!(intent("Qui organise ?"), Intent::Other);
    }

    #[test]
    fn kannel_numbers_read_as_e164() {
        assert_eq!(sender_number("0022376123456"), "+22376123456");
        assert_eq!(sender_number("+22376123456"), "+22376123456");
    }
}
