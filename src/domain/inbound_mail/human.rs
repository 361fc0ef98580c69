//! Plain replies written by a guest ("Je serai présent avec mon adjoint"): attached to the guest
//! whose invitation's reply address they were sent to, listed for the organizer, never an answer.

use entity::invitation;
use sea_orm::{DatabaseTransaction, EntityTrait};

use super::tags::{self, Tag};
use super::{InboundMessage, Verdict};
use crate::error::AppResult;

/// How much of the text the list shows; the whole message stays in the mailbox.
const SHOWN_CHARS: usize = 500;

/// `None` when nothing ties the message to an invitation: it is then left for a person.
pub(super) async fn judge(
    txn: &DatabaseTransaction,
    secret: &[u8],
    message: &InboundMessage,
) -> AppResult<Option<Verdict>> {
    let Some(id) = message
        .recipients
        .iter()
        .find_map(|address| match tags::read_tag(secret, address) {
            Tag::Valid(id) => Some(id),
            _ => None,
        })
    else {
        return Ok(None);
    };
    let Some(inv) = invitation::Entity::find_by_id(id).one(txn).await? else {
        return Ok(None);
    };
    let mut verdict = Verdict::new("human_reply", "review", "inbound.reason.human_reply");
    (verdict.event_id, verdict.invitation_id) = (Some(inv.event_id), Some(inv.id));
    verdict.detail = own_words(&message.text);
    Ok(Some(verdict))
}

/// The guest's own lines: quoted ones (`>`) and what follows the quote header are dropped.
fn own_words(text: &str) -> String {
    let own: Vec<&str> = text
        .lines()
        .take_while(|line| !line.trim_start().starts_with('>'))
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    own.join(" ").chars().take(SHOWN_CHARS).collect()
}
