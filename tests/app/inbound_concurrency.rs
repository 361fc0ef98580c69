//! Two app processes on one database reading the same mailbox: each reply is handled once.

use std::collections::BTreeSet;

use entity::{inbound_mailbox, inbound_message};
use sea_orm::EntityTrait;

use crate::dovecot::Dovecot;
use crate::helpers::spawn_app_with;
use crate::mailbox::wait_for_files;
use crate::reply_shapes::{self, Answer, Received};

const GUESTS: usize = 12;

#[tokio::test]
async fn two_app_processes_reading_one_mailbox_apply_and_store_each_reply_once() {
    let Some(dovecot) = Dovecot::start().await else { return };
    let url = dovecot.url();
    let first = spawn_app_with(|s| s.inbound.url = Some(url)).await;
    let token = first.api_token_for("organizer").await;
    let event_id = first.workshop_with_guests(&token, GUESTS).await;
    assert_eq!(first.send_invitations(&token, event_id).await, GUESTS as u64);
    let invitations = wait_for_files(&first.outbox_dir(), GUESTS).await;
    // Same database, same secret, same mailbox: both read the inbox from now on.
    let second = first.second_server().await;

    let received: Vec<Received> = invitations.iter().map(Received::from).collect();
    for guest in &received {
        dovecot
            .deliver(&reply_shapes::thunderbird(guest, &Answer::reply(guest, "ACCEPTED")))
            .await;
    }
    dovecot.wait_done(GUESTS).await;

    // The keyword is set after the commit; under load the test's own pooled connection may still
    // be reading an older snapshot for a moment, so give it a few seconds to see every row.
    let mut stored = Vec::new();
    for _ in 0..50 {
        stored = inbound_message::Entity::find()
            .all(&first.db)
            .await
            .expect("inbound rows");
        if stored.len() >= GUESTS {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(stored.len(), GUESTS, "stored once each");
    let distinct: BTreeSet<_> = stored.iter().map(|m| m.message_id.clone()).collect();
    assert_eq!(distinct.len(), GUESTS);
    assert!(
        stored.iter().all(|m| m.outcome == "applied"),
        "{:?}",
        stored.iter().map(|m| (&m.outcome, &m.reason)).collect::<Vec<_>>()
    );
    let applied: BTreeSet<_> = stored.iter().filter_map(|m| m.invitation_id).collect();
    assert_eq!(applied.len(), GUESTS, "one applied reply per invitation");

    // Either server shows every answer.
    for app in [&first, &second] {
        let list = app.guest_list(&token, event_id).await;
        let items = list["items"].as_array().expect("items");
        assert_eq!(items.len(), GUESTS);
        assert!(
            items
                .iter()
                .all(|g| g["response"] == "accepted" && g["responded_via"] == "calendar_app"),
            "{list}"
        );
    }
    // The position kept in the database reached the last message and did not go back.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let position = inbound_mailbox::Entity::find().all(&first.db).await.expect("position");
    assert_eq!(position.len(), 1);
    assert_eq!(position[0].last_uid, GUESTS as i64);
}
