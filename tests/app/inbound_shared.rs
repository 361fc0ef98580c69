//! Two guests at one address (an association's office mailbox): a calendar reply answers the
//! invitation its reply address names, and without that address it waits for a person.

use reqwest::Method;
use serde_json::{Value, json};

use crate::inbound::{Story, story};
use crate::mailbox::wait_for_files;
use crate::reply_shapes::{self, Answer, Received};

/// Invites the association's secretary, who reads her mail at Awa's address, and sends her invitation.
async fn secretary_at_awas_address(s: &Story) -> (i64, Received) {
    let post = |path: String, body: Value| {
        let request = s.app.api(Method::POST, &path, Some(&s.campaign.token)).json(&body);
        async move {
            let response = request.send().await.expect("request");
            assert!(
                response.status().is_success(),
                "{}",
                response.text().await.unwrap_or_default()
            );
            response.json::<Value>().await.expect("JSON")
        }
    };
    let actor = post(
        "/api/v1/actors".into(),
        json!({"full_name": "Fanta Sissoko (secrétariat)", "category": "women_organization",
            "email": "awa.coulibaly@example.org", "consent_contact": true, "town": "Kayes"}),
    )
    .await;
    let actor_id = actor["id"].as_i64().expect("actor id");
    let event_id = s.campaign.event_id;
    post(
        format!("/api/v1/events/{event_id}/invitations"),
        json!({"actor_ids": [actor_id]}),
    )
    .await;
    post(format!("/api/v1/events/{event_id}/invitations/send"), json!({})).await;
    let mails = wait_for_files(&s.app.outbox_dir(), 3).await;
    let hers = mails
        .iter()
        .find(|m| m.to == "awa.coulibaly@example.org" && Received::from(m).organizer != s.awa.organizer)
        .expect("the secretary's invitation, with its own reply address");
    (actor_id, Received::from(hers))
}

async fn answer_of(s: &Story, actor_id: i64) -> Value {
    let c = &s.campaign;
    s.app.guest_line(&c.token, c.event_id, actor_id).await["response"].clone()
}

#[tokio::test]
async fn a_reply_to_the_second_invitation_at_a_shared_address_answers_that_invitation() {
    let Some(s) = story().await else { return };
    let (secretary, hers) = secretary_at_awas_address(&s).await;
    s.deliver_and_wait(reply_shapes::thunderbird(&hers, &Answer::reply(&hers, "ACCEPTED")), 1)
        .await;
    assert_eq!(answer_of(&s, secretary).await, "accepted");
    assert_eq!(s.awa_answer().await["response"], "none", "Awa did not answer");
    let stored = s.stored_messages().await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].outcome, "applied", "{:?}", stored[0]);
}

#[tokio::test]
async fn a_reply_without_its_reply_address_at_a_shared_address_waits_for_a_person() {
    let Some(s) = story().await else { return };
    let (secretary, hers) = secretary_at_awas_address(&s).await;
    // Sent from the shared mailbox to the plain address: it names the address, not the guest.
    let untagged = Received {
        organizer: "toguna@example.org".into(),
        ..hers
    };
    s.deliver_and_wait(
        reply_shapes::thunderbird(&untagged, &Answer::reply(&untagged, "DECLINED")),
        1,
    )
    .await;
    assert_eq!(answer_of(&s, secretary).await, "none");
    assert_eq!(s.awa_answer().await["response"], "none");
    let stored = s.stored_messages().await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].outcome, "review");
    let page = s.event_page().await;
    let listed = crate::helpers::texts(&page, "#to-look-at td.reason").join(" | ");
    assert!(listed.contains("Several guests share the address"), "{listed}");
}
