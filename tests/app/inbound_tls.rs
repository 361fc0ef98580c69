//! The inbound mailbox over `imaps://` (TLS from the first byte) against Dovecot with a
//! certificate from a private CA: read when `TOGUNA_IMAP_CA_FILE` names that CA, refused otherwise.

use entity::inbound_message;
use sea_orm::EntityTrait;
use serde_json::Value;

use crate::dovecot::{Dovecot, is_done};
use crate::helpers::{TestApp, spawn_app_with};
use crate::invitations::{Campaign, campaign, send};
use crate::mailbox::wait_for_files;
use crate::reply_shapes::{self, Answer, Received};

async fn invited(dovecot: &Dovecot, trust_ca: bool) -> (TestApp, Campaign, Received) {
    let url = dovecot.tls_url(trust_ca);
    let app = spawn_app_with(|s| s.inbound.url = Some(url)).await;
    let c = campaign(&app, "2030-06-10T09:00:00+00:00").await;
    send(&app, &c).await;
    let mails = wait_for_files(&app.outbox_dir(), 2).await;
    let awa = mails
        .iter()
        .find(|m| m.to == "awa.coulibaly@example.org")
        .expect("Awa's invitation");
    let awa = Received::from(awa);
    (app, c, awa)
}

async fn awa_response(app: &TestApp, c: &Campaign) -> Value {
    app.guest_line(&c.token, c.event_id, c.guests[0]).await["response"].clone()
}

#[tokio::test]
async fn imaps_to_a_server_signed_by_the_configured_ca_reads_replies() {
    let Some(dovecot) = Dovecot::start_with_tls().await else {
        return;
    };
    let (app, c, awa) = invited(&dovecot, true).await;
    dovecot
        .deliver(&reply_shapes::thunderbird(&awa, &Answer::reply(&awa, "ACCEPTED")))
        .await;
    dovecot.wait_done(1).await;
    assert_eq!(awa_response(&app, &c).await, "accepted");
}

#[tokio::test]
async fn imaps_to_a_server_whose_ca_is_not_trusted_reads_nothing() {
    let Some(dovecot) = Dovecot::start_with_tls().await else {
        return;
    };
    let (app, c, awa) = invited(&dovecot, false).await;
    dovecot
        .deliver(&reply_shapes::thunderbird(&awa, &Answer::reply(&awa, "ACCEPTED")))
        .await;
    // Several polls (one second each in the tests): the certificate is refused every time.
    tokio::time::sleep(std::time::Duration::from_secs(4)).await;
    let flags = dovecot.flags().await;
    assert!(!is_done(&flags[0].1), "{flags:?}");
    assert_eq!(awa_response(&app, &c).await, "none");
    let stored = inbound_message::Entity::find().all(&app.db).await.expect("rows");
    assert!(stored.is_empty());
}
