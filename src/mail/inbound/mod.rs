//! The inbound mailbox reader: IMAP IDLE (or a poll) on `TOGUNA_IMAP_URL`, each new message parsed
//! and handed to the domain, flagged once handled, never deleted.

mod connection;
mod dsn;
pub mod parse;
pub mod url;

use std::sync::Arc;
use std::time::Duration;

use futures_util::{FutureExt, TryStreamExt};
use sea_orm::DatabaseConnection;
use tokio::sync::Notify;

use crate::domain::inbound_mail::{self, Disposition, position};
use connection::ImapSession;
pub use url::ImapUrl;

/// The keyword set on every message Toguna has handled; a person reading the mailbox sees it too.
pub const DONE_KEYWORD: &str = "$TogunaDone";

#[derive(Clone, Debug)]
pub struct InboundSettings {
    /// `TOGUNA_IMAP_URL`; unset, nothing is read.
    pub url: Option<ImapUrl>,
    /// `TOGUNA_IMAP_POLL_SECONDS`: the poll when the server has no IDLE, and the longest IDLE wait.
    pub poll: Duration,
    /// `TOGUNA_REPLY_PLUS_ADDRESSING`: ORGANIZER carries `local+tag@domain` per invitation.
    pub plus_addressing: bool,
}

impl Default for InboundSettings {
    fn default() -> Self {
        InboundSettings {
            url: None,
            poll: Duration::from_secs(60),
            plus_addressing: true,
        }
    }
}

/// Reads the mailbox until `stop` is notified; connection failures are logged and retried.
pub async fn run(db: DatabaseConnection, secret: Vec<u8>, url: ImapUrl, poll: Duration, stop: Arc<Notify>) {
    // The host only: the user name of a mailbox is often an email address, kept out of logs.
    let host = url.host.clone();
    loop {
        // A panic while reading (a message no parser expected) ends this session only: the
        // loop logs it and connects again, as after a network error.
        let reading = std::panic::AssertUnwindSafe(session(&db, &secret, &url, poll)).catch_unwind();
        let outcome = tokio::select! {
            outcome = reading => outcome.unwrap_or_else(|payload| {
                Err(anyhow::anyhow!("reading panicked: {}", crate::mail::worker::panic_text(payload.as_ref())))
            }),
            _ = stop.notified() => return,
        };
        if let Err(err) = outcome {
            tracing::warn!(host = %host, "inbound mailbox: {err:#}");
        }
        tokio::select! {
            _ = tokio::time::sleep(poll) => {}
            _ = stop.notified() => return,
        }
    }
}

/// One connection: read what is new, then wait (IDLE or poll) and read again, until an error.
async fn session(db: &DatabaseConnection, secret: &[u8], url: &ImapUrl, poll: Duration) -> anyhow::Result<()> {
    let mut session = connection::open(url).await?;
    let idle = session.capabilities().await?.has_str("IDLE");
    let mut validity = select(&mut session, &url.mailbox).await?;
    loop {
        read_new(db, secret, &url.label(), &mut session, validity).await?;
        if idle {
            let mut handle = session.idle();
            handle.init().await?;
            let (wait, _interrupt) = handle.wait_with_timeout(poll);
            wait.await?;
            session = handle.done().await?;
        } else {
            tokio::time::sleep(poll).await;
            // NOOP lets the server tell us about new messages (RFC 3501 §6.1.2).
            session.noop().await?;
        }
        while session.unsolicited_responses.try_recv().is_ok() {}
        validity = select(&mut session, &url.mailbox).await?;
    }
}

async fn select(session: &mut ImapSession, mailbox: &str) -> anyhow::Result<u32> {
    let selected = session.select(mailbox).await?;
    Ok(selected.uid_validity.unwrap_or(0))
}

/// Handles every message after the saved position, in UID order, saving the position after each.
async fn read_new(
    db: &DatabaseConnection,
    secret: &[u8],
    label: &str,
    session: &mut ImapSession,
    validity: u32,
) -> anyhow::Result<()> {
    // A new UIDVALIDITY means the UIDs were renumbered: read everything again; the
    // Message-ID + hash record keeps already handled messages from being applied twice.
    let last = match position::load(db, label).await? {
        Some((saved, last)) if saved == validity => last,
        _ => 0,
    };
    let fetched: Vec<_> = session
        .uid_fetch(format!("{}:*", last + 1), "(UID FLAGS BODY.PEEK[])")
        .await?
        .try_collect()
        .await?;
    let mut messages: Vec<_> = fetched
        .iter()
        .filter_map(|f| f.uid.filter(|uid| *uid > last).map(|uid| (uid, f)))
        .collect();
    messages.sort_by_key(|(uid, _)| *uid);
    for (uid, fetch) in messages {
        let done = fetch
            .flags()
            .any(|f| matches!(f, async_imap::types::Flag::Custom(k) if k == DONE_KEYWORD));
        if !done {
            let raw = fetch.body().unwrap_or_default();
            let disposition = match parse::parse(raw) {
                Some(message) => inbound_mail::receive(db, secret, &message).await?,
                None => {
                    tracing::warn!(uid, "inbound message is not a mail message; left in the mailbox");
                    Disposition::Left
                }
            };
            if disposition == Disposition::Done {
                let _: Vec<_> = session
                    .uid_store(uid.to_string(), format!("+FLAGS ({DONE_KEYWORD})"))
                    .await?
                    .try_collect()
                    .await?;
            }
        }
        position::save(db, label, validity, uid).await?;
    }
    Ok(())
}
