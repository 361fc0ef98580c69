//! SMS stories against a real Kannel (tests/app/kannel.rs): invitations to phone-only guests reach
//! the operator with their text and segment count and their delivery reports come back; answers
//! and STOP by text; updates and cancellations; quiet hours; the gateway down then up; a failed
//! report; callbacks without the secret.

use std::time::Duration;

use entity::{actor, invitation, sms_inbound, sms_message};
use reqwest::{Method, StatusCode};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use serde_json::json;

use crate::helpers::{TestApp, spawn_app_with, texts};
use crate::kannel::{Kannel, SECRET, SHORT_NUMBER};

const WAIT: Duration = Duration::from_secs(30);

struct Story {
    app: TestApp,
    kannel: Kannel,
    token: String,
}

async fn start(quiet: Option<String>) -> Option<Story> {
    let mut kannel = Kannel::reserve()?;
    let mut sms = kannel.sms_settings();
    if let Some(quiet) = quiet {
        sms.quiet = toguna::sms::quiet::QuietHours::parse(&quiet).expect("quiet hours");
    }
    let app = spawn_app_with(|s| s.sms = sms).await;
    kannel.start(&app.browser.address).await;
    let token = app.api_token_for("organizer").await;
    Some(Story { app, kannel, token })
}

fn phone(i: usize) -> String {
    format!("+2237000{i:04}")
}

impl Story {
    /// `count` guests with a phone, consent and no email, numbered from `first`.
    async fn import_phone_only(&self, first: usize, count: usize, language: &str) {
        let mut csv = String::from("full_name,category,gender,town,phone,consent_contact,language\n");
        for i in first..first + count {
            csv.push_str(&format!(
                "Invité {i},civil_society,male,Kayes,{},yes,{language}\n",
                phone(i)
            ));
        }
        assert_eq!(
            self.app.import_csv(&self.token, &csv).await.status(),
            StatusCode::CREATED
        );
    }

    /// A scheduled workshop with every actor of the directory on its guest list.
    async fn event_for_everyone(&self, title: &str) -> i64 {
        let id = self.app.scheduled_workshop(&self.token, title, "Kayes").await;
        self.app
            .api_ok(
                Method::POST,
                &format!("/api/v1/events/{id}/invitations"),
                &self.token,
                json!({"filter": {}}),
            )
            .await;
        id
    }

    async fn invitations(&self, event: i64) -> Vec<invitation::Model> {
        invitation::Entity::find()
            .filter(invitation::Column::EventId.eq(event as i32))
            .all(&self.app.db)
            .await
            .expect("invitations")
    }

    async fn messages(&self) -> Vec<sms_message::Model> {
        sms_message::Entity::find()
            .all(&self.app.db)
            .await
            .expect("sms messages")
    }

    /// Kannel's `get-url`, called straight as Kannel would.
    async fn inbound(&self, secret: &str, from: &str, text: &str, ts: i64) -> StatusCode {
        self.app
            .browser
            .client
            .get(self.app.url("/sms/kannel/inbound"))
            .query(&[
                ("secret", secret),
                ("from", from),
                ("to", SHORT_NUMBER),
                ("text", text),
                ("ts", &ts.to_string()),
            ])
            .send()
            .await
            .expect("inbound callback")
            .status()
    }

    async fn report(&self, secret: &str, id: i32, status: i32, reason: &str) -> StatusCode {
        self.app
            .browser
            .client
            .get(self.app.url("/sms/kannel/dlr"))
            .query(&[
                ("secret", secret),
                ("id", &id.to_string()),
                ("status", &status.to_string()),
                ("reason", reason),
            ])
            .send()
            .await
            .expect("report callback")
            .status()
    }

    async fn wait_for<F, Fut>(&self, what: &str, mut check: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let start = std::time::Instant::now();
        while !check().await {
            assert!(start.elapsed() < WAIT, "{what} did not happen\n{}", self.kannel.logs());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn wait_for_deliveries(&self, event: i64, delivery: &str) {
        self.wait_for(&format!("every guest {delivery}"), || async {
            self.invitations(event).await.iter().all(|i| i.delivery == delivery)
        })
        .await;
    }
}

#[tokio::test]
async fn invitations_to_30_phone_only_guests_reach_the_operator_and_their_reports_come_back() {
    let Some(story) = start(None).await else { return };
    story.import_phone_only(0, 15, "fr").await;
    story.import_phone_only(15, 15, "en").await;
    let event = story.event_for_everyone("Restitution à Kayes").await;
    // The guest list says how each guest is reached.
    let guests = story
        .app
        .api_ok(
            Method::GET,
            &format!("/api/v1/events/{event}/invitations"),
            &story.token,
            json!({}),
        )
        .await;
    let channels: Vec<&str> = guests["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["channel"].as_str().unwrap())
        .collect();
    assert_eq!(channels, vec!["sms"; 30]);
    // Before sending the organizer sees how many texts and segments will go.
    story.app.login_as("organizer").await;
    let page = story
        .app
        .get(&format!("/events/{event}/sms"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(texts(&page, ".sms-summary"), vec!["30 SMS, 30 segments"]);

    assert_eq!(story.app.send_invitations(&story.token, event).await, 30);
    let received = story.kannel.wait_received(30, WAIT).await;
    assert_eq!(received.len(), 30, "one segment each, nothing sent twice");
    for i in 0..30 {
        let to_guest: Vec<_> = received.iter().filter(|r| r.to == phone(i)).collect();
        assert_eq!(to_guest.len(), 1, "guest {i} gets one text");
        let text = &to_guest[0].text;
        assert!(text.contains("Restitution à Kayes") && text.contains("/r/"), "{text}");
        if i < 15 {
            assert!(
                text.starts_with("Restitution à Kayes, 10/06 09h00, Salle de Kayes. Répondez 1 oui"),
                "French: {text}"
            );
        } else {
            assert!(
                text.starts_with("Restitution à Kayes, Jun 10, 09:00, Salle de Kayes. Reply 1 yes"),
                "English: {text}"
            );
        }
        assert!(!to_guest[0].udh);
    }
    let stored = story.messages().await;
    assert!(stored.iter().all(|m| m.segments == 1 && m.coding == "gsm7"));
    // fakesmsc reports success; Kannel calls the dlr-url; each guest shows delivered.
    story.wait_for_deliveries(event, "delivered").await;
    let page = story
        .app
        .get(&format!("/events/{event}/sms"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(texts(&page, ".sms-deliveries td.delivery-delivered").len(), 30);
}

#[tokio::test]
async fn a_guest_texts_1_and_the_event_page_shows_the_answer_from_sms() {
    let Some(story) = start(None).await else { return };
    story.import_phone_only(100, 1, "fr").await;
    let event = story.event_for_everyone("Atelier de Ségou").await;
    story.app.send_invitations(&story.token, event).await;
    story.kannel.wait_received(1, WAIT).await;

    let _reply = story.kannel.reply(&phone(100), "Oui merci, je viendrai");
    story
        .wait_for("the answer", || async {
            story.invitations(event).await[0].response == "accepted"
        })
        .await;
    let inv = &story.invitations(event).await[0];
    assert_eq!(inv.responded_via, "sms");
    story.app.login_as("organizer").await;
    let page = story.app.get(&format!("/events/{event}")).await.text().await.unwrap();
    assert!(
        texts(&page, "small.via").contains(&"par SMS".to_string()),
        "{:?}",
        texts(&page, "small.via")
    );
    // One line comes back.
    let received = story.kannel.wait_received(2, WAIT).await;
    assert_eq!(received[1].to, phone(100));
    assert!(
        received[1]
            .text
            .starts_with("Réponse enregistrée pour Atelier de Ségou : oui"),
        "{}",
        received[1].text
    );

    // The same callback twice, then an older "2" arriving late: nothing changes twice.
    let ts = chrono::Utc::now().timestamp() + 60;
    assert_eq!(story.inbound(SECRET, &phone(100), "3", ts).await, StatusCode::OK);
    assert_eq!(story.inbound(SECRET, &phone(100), "3", ts).await, StatusCode::OK);
    assert_eq!(story.inbound(SECRET, &phone(100), "non", ts - 30).await, StatusCode::OK);
    assert_eq!(story.invitations(event).await[0].response, "tentative");
    let rows = sms_inbound::Entity::find().all(&story.app.db).await.unwrap();
    let outcomes: Vec<&str> = rows.iter().map(|r| r.outcome.as_str()).collect();
    assert_eq!(outcomes, vec!["answered", "answered", "stale"]);
    let confirmations = story
        .messages()
        .await
        .into_iter()
        .filter(|m| m.kind == "confirmation")
        .count();
    assert_eq!(confirmations, 2, "one confirmation per answer applied");

    // Anything else is listed for the organizer.
    assert_eq!(
        story.inbound(SECRET, &phone(100), "Qui organise ?", ts + 10).await,
        StatusCode::OK
    );
    let page = story
        .app
        .get(&format!("/events/{event}/sms"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        texts(&page, ".sms-inbound tr.to-look-at td:nth-child(3)"),
        vec!["Qui organise ?"]
    );
}

#[tokio::test]
async fn stop_removes_consent_and_the_next_send_skips_that_guest() {
    let Some(story) = start(None).await else { return };
    story.import_phone_only(200, 2, "fr").await;
    let first = story.event_for_everyone("Premier atelier").await;
    story.app.send_invitations(&story.token, first).await;
    story.kannel.wait_received(2, WAIT).await;

    let _stop = story.kannel.reply(&phone(200), "ARRÊT");
    story
        .wait_for("consent withdrawn", || async {
            actor::Entity::find()
                .filter(actor::Column::Phone.eq(phone(200)))
                .one(&story.app.db)
                .await
                .unwrap()
                .is_some_and(|a| !a.consent_contact)
        })
        .await;
    let received = story.kannel.wait_received(3, WAIT).await;
    assert_eq!(received[2].to, phone(200));
    assert!(received[2].text.contains("plus de SMS"), "{}", received[2].text);
    // STOP again confirms nothing more.
    let ts = chrono::Utc::now().timestamp() + 5;
    assert_eq!(story.inbound(SECRET, &phone(200), "stop", ts).await, StatusCode::OK);

    let second = story.event_for_everyone("Second atelier").await;
    assert_eq!(story.app.send_invitations(&story.token, second).await, 1);
    let received = story.kannel.wait_received(4, WAIT).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let received_now = story.kannel.received();
    assert_eq!(received_now.len(), 4, "{received_now:?}");
    assert_eq!(received[3].to, phone(201));
}

#[tokio::test]
async fn a_move_sends_updates_by_sms_and_a_cancellation_sends_cancellations() {
    let Some(story) = start(None).await else { return };
    story.import_phone_only(300, 2, "en").await;
    let event = story.event_for_everyone("Kayes workshop").await;
    story.app.send_invitations(&story.token, event).await;
    story.kannel.wait_received(2, WAIT).await;

    story
        .app
        .api_ok(
            Method::PATCH,
            &format!("/api/v1/events/{event}"),
            &story.token,
            json!({"starts_at": "2030-06-12T09:00:00+00:00", "ends_at": "2030-06-12T17:00:00+00:00"}),
        )
        .await;
    let received = story.kannel.wait_received(4, WAIT).await;
    for r in &received[2..4] {
        assert!(
            r.text.starts_with("Changed: Kayes workshop now Jun 12, 09:00"),
            "{}",
            r.text
        );
    }
    story
        .app
        .api_ok(
            Method::POST,
            &format!("/api/v1/events/{event}/cancel"),
            &story.token,
            json!({}),
        )
        .await;
    let received = story.kannel.wait_received(6, WAIT).await;
    for r in &received[4..6] {
        assert!(
            r.text.starts_with("Cancelled: Kayes workshop of Jun 12, 09:00"),
            "{}",
            r.text
        );
    }
}

#[tokio::test]
async fn quiet_hours_hold_messages_back_and_a_text_still_waiting_at_the_start_expires() {
    // Quiet from an hour ago to two hours from now, in the event's zone (UTC for these workshops).
    let now = chrono::Utc::now();
    let quiet = format!(
        "{}-{}",
        (now - chrono::Duration::hours(1)).format("%H:%M"),
        (now + chrono::Duration::hours(2)).format("%H:%M")
    );
    let Some(story) = start(Some(quiet)).await else { return };
    story.import_phone_only(400, 2, "fr").await;
    let event = story.event_for_everyone("Atelier du soir").await;
    assert_eq!(story.app.send_invitations(&story.token, event).await, 2);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(story.kannel.received().is_empty(), "nothing goes in quiet hours");
    let waiting = story.messages().await;
    assert!(
        waiting
            .iter()
            .all(|m| m.status == "pending" && m.next_attempt_at > now + chrono::Duration::minutes(90))
    );

    // The event starts while they wait: they are dropped and shown as expired.
    let model = entity::event::Entity::find_by_id(event as i32)
        .one(&story.app.db)
        .await
        .unwrap()
        .unwrap();
    let mut started: entity::event::ActiveModel = model.into();
    started.starts_at = Set(chrono::Utc::now() - chrono::Duration::minutes(1));
    started.update(&story.app.db).await.unwrap();
    story.wait_for_deliveries(event, "expired").await;
    assert!(story.messages().await.iter().all(|m| m.status == "expired"));
    assert!(story.kannel.received().is_empty());
}

#[tokio::test]
async fn the_gateway_down_then_up_loses_nothing_and_sends_nothing_twice() {
    let Some(mut story) = start(None).await else { return };
    story.import_phone_only(500, 5, "fr").await;
    let event = story.event_for_everyone("Atelier de Kita").await;
    story.kannel.stop_smsbox();
    assert_eq!(story.app.send_invitations(&story.token, event).await, 5);
    story
        .wait_for("retries after refused connections", || async {
            story
                .messages()
                .await
                .iter()
                .all(|m| m.attempts >= 1 && m.status == "pending" && m.last_error.contains("unreachable"))
        })
        .await;
    assert_eq!(story.invitations(event).await[0].delivery, "queued");
    story.kannel.start_smsbox().await;
    story.kannel.wait_received(5, WAIT).await;
    story.wait_for_deliveries(event, "delivered").await;
    assert_eq!(story.kannel.received().len(), 5);
}

#[tokio::test]
async fn a_failed_delivery_report_shows_as_failed_with_its_reason_and_is_kept_against_later_reports() {
    let Some(mut story) = start(None).await else { return };
    story.import_phone_only(600, 1, "fr").await;
    let event = story.event_for_everyone("Atelier de Nioro").await;
    // The operator is unreachable: Kannel takes the text, and fakesmsc reports nothing.
    story.kannel.stop_operator();
    story.app.send_invitations(&story.token, event).await;
    story.wait_for_deliveries(event, "accepted").await;
    let id = story.messages().await[0].id;
    // The operator's failure, sent straight to the callback (fakesmsc only reports success).
    assert_eq!(story.report(SECRET, id, 16, "Absent subscriber").await, StatusCode::OK);
    // A late "submitted" report does not undo it.
    assert_eq!(story.report(SECRET, id, 8, "").await, StatusCode::OK);
    let row = sms_message::Entity::find_by_id(id)
        .one(&story.app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (row.status.as_str(), row.last_error.as_str()),
        ("failed", "Absent subscriber")
    );
    assert_eq!(story.invitations(event).await[0].delivery, "failed");
    story.app.login_as("organizer").await;
    let page = story
        .app
        .get(&format!("/events/{event}/sms"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        texts(&page, ".sms-deliveries td.delivery-failed small"),
        vec!["Absent subscriber"]
    );
    let page = story.app.get(&format!("/events/{event}")).await.text().await.unwrap();
    assert_eq!(texts(&page, "td.delivery-failed").len(), 1);
}

#[tokio::test]
async fn a_callback_without_the_secret_gets_403_and_changes_nothing() {
    let Some(story) = start(None).await else { return };
    story.import_phone_only(700, 1, "fr").await;
    let event = story.event_for_everyone("Atelier de Kati").await;
    story.app.send_invitations(&story.token, event).await;
    story.kannel.wait_received(1, WAIT).await;
    story.wait_for_deliveries(event, "delivered").await;
    let ts = chrono::Utc::now().timestamp();
    assert_eq!(story.inbound("", &phone(700), "1", ts).await, StatusCode::FORBIDDEN);
    assert_eq!(
        story.inbound("wrong-secret", &phone(700), "STOP", ts).await,
        StatusCode::FORBIDDEN
    );
    let id = story.messages().await[0].id;
    assert_eq!(story.report("nope", id, 2, "forged").await, StatusCode::FORBIDDEN);
    assert_eq!(story.invitations(event).await[0].response, "none");
    assert_eq!(story.invitations(event).await[0].delivery, "delivered");
    assert_eq!(story.app.count(sms_inbound::Entity).await, 0);
    let guest = actor::Entity::find().one(&story.app.db).await.unwrap().unwrap();
    assert!(guest.consent_contact);
}

/// The SMS choices and the channel change need no gateway: texts wait in the outbox without one.
async fn without_gateway() -> (TestApp, String) {
    let app = crate::helpers::spawn_app().await;
    let token = app.api_token_for("organizer").await;
    (app, token)
}

#[tokio::test]
async fn the_organizer_changes_a_guests_channel_and_an_impossible_one_is_refused() {
    let (app, token) = without_gateway().await;
    let csv = "full_name,category,gender,town,email,phone,consent_contact\n\
               Awa Keïta,civil_society,female,Kayes,awa@example.org,+22370001001,yes\n\
               Moussa Traoré,civil_society,male,Kayes,,,no\n";
    assert_eq!(app.import_csv(&token, csv).await.status(), StatusCode::CREATED);
    let event = app.scheduled_workshop(&token, "Atelier de Kayes", "Kayes").await;
    app.api_ok(
        Method::POST,
        &format!("/api/v1/events/{event}/invitations"),
        &token,
        json!({"filter": {}}),
    )
    .await;
    let guests = app
        .api_ok(
            Method::GET,
            &format!("/api/v1/events/{event}/invitations"),
            &token,
            json!({}),
        )
        .await;
    let items = guests["items"].as_array().unwrap().clone();
    let channel_of =
        |name_id: i64| items.iter().find(|g| g["id"].as_i64() == Some(name_id)).unwrap()["channel"].clone();
    let ids: Vec<i64> = items.iter().map(|g| g["id"].as_i64().unwrap()).collect();
    assert_eq!(channel_of(ids[0]), "email");
    assert_eq!(channel_of(ids[1]), "letter");

    app.login_as("organizer").await;
    let page = format!("/events/{event}");
    let changed = app
        .submit(
            &page,
            &format!("/events/{event}/guests/{}/channel", ids[0]),
            &[("channel", "sms")],
        )
        .await;
    assert_eq!(changed.status(), StatusCode::SEE_OTHER);
    let refused = app
        .submit(
            &page,
            &format!("/events/{event}/guests/{}/channel", ids[1]),
            &[("channel", "sms")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let body = refused.text().await.unwrap();
    assert!(
        body.contains("ne peut pas être joint ainsi"),
        "the page names the problem: {body}"
    );
    let unknown = app
        .submit(
            &page,
            &format!("/events/{event}/guests/{}/channel", ids[1]),
            &[("channel", "pigeon")],
        )
        .await;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let stored: Vec<String> = invitation::Entity::find()
        .filter(invitation::Column::EventId.eq(event as i32))
        // In invitation order: without it SQLite returns rows in whichever index it scans.
        .order_by_asc(invitation::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.channel)
        .collect();
    assert_eq!(stored, ["sms", "letter"]);
    // The guest list shows the channel; the email guest now gets a text, not a mail.
    let html = app.get(&page).await.text().await.unwrap();
    assert!(texts(&html, "table.guests td").iter().any(|t| t.starts_with("SMS")));
    assert_eq!(app.send_invitations(&token, event).await, 1);
    let queued = sms_message::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].recipient, "+22370001001");
    assert_eq!(app.count(entity::outbox_message::Entity).await, 0, "no email");
}

#[tokio::test]
async fn the_segment_cap_stops_a_runaway_send_and_unicode_keeps_the_accents() {
    let (app, token) = without_gateway().await;
    let mut csv = String::from("full_name,category,gender,town,phone,consent_contact\n");
    for i in 0..3 {
        csv.push_str(&format!("Invité {i},civil_society,male,Kayes,{},yes\n", phone(800 + i)));
    }
    assert_eq!(app.import_csv(&token, &csv).await.status(), StatusCode::CREATED);
    let event = app
        .scheduled_workshop(&token, "Fête de la paix à Kéniéba", "Kayes")
        .await;
    app.api_ok(
        Method::POST,
        &format!("/api/v1/events/{event}/invitations"),
        &token,
        json!({"filter": {}}),
    )
    .await;
    app.login_as("organizer").await;
    let sms_page = format!("/events/{event}/sms");
    let bad = app
        .submit(
            &sms_page,
            &format!("/events/{event}/sms/settings"),
            &[("segment_cap", "zero")],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let saved = app
        .submit(
            &sms_page,
            &format!("/events/{event}/sms/settings"),
            &[("segment_cap", "2")],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let refused = app
        .api(
            Method::POST,
            &format!("/api/v1/events/{event}/invitations/send"),
            Some(&token),
        )
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert_eq!(app.count(sms_message::Entity).await, 0, "nothing queued past the cap");
    assert!(
        invitation::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .iter()
            .all(|i| i.delivery == "pending"),
        "and no guest marked queued"
    );

    // GSM-7 replaces ê; Unicode, once chosen, keeps it (and counts 70 per SMS).
    let page = app.get(&sms_page).await.text().await.unwrap();
    assert_eq!(texts(&page, ".sms-summary"), vec!["3 SMS, 3 segments"]);
    app.submit(
        &sms_page,
        &format!("/events/{event}/sms/settings"),
        &[("segment_cap", "100"), ("unicode", "on")],
    )
    .await;
    let page = app.get(&sms_page).await.text().await.unwrap();
    assert_eq!(texts(&page, ".sms-summary"), vec!["3 SMS, 9 segments"]);
    assert_eq!(app.send_invitations(&token, event).await, 3);
    let queued = sms_message::Entity::find().all(&app.db).await.unwrap();
    assert!(
        queued
            .iter()
            .all(|m| m.coding == "ucs2" && m.text.starts_with("Fête de la paix à Kéniéba") && m.segments == 3)
    );
}

#[tokio::test]
async fn a_guest_reached_by_sms_is_reminded_by_sms() {
    let (app, token) = without_gateway().await;
    let csv = format!(
        "full_name,category,gender,town,phone,consent_contact,language\nAwa,media,female,Kayes,{},yes,en\n",
        phone(900)
    );
    assert_eq!(app.import_csv(&token, &csv).await.status(), StatusCode::CREATED);
    let event = app.scheduled_workshop(&token, "Kayes workshop", "Kayes").await;
    app.api_ok(
        Method::POST,
        &format!("/api/v1/events/{event}/invitations"),
        &token,
        json!({"filter": {}}),
    )
    .await;
    assert_eq!(app.send_invitations(&token, event).await, 1);
    // The event comes within the reminder window (2 days in the tests).
    let soon = chrono::Utc::now() + chrono::Duration::days(1);
    entity::event::Entity::update_many()
        .col_expr(entity::event::Column::StartsAt, sea_orm::sea_query::Expr::value(soon))
        .filter(entity::event::Column::Id.eq(event as i32))
        .exec(&app.db)
        .await
        .unwrap();
    let start = std::time::Instant::now();
    loop {
        let reminders: Vec<_> = sms_message::Entity::find()
            .filter(sms_message::Column::Kind.eq("reminder"))
            .all(&app.db)
            .await
            .unwrap();
        if let Some(reminder) = reminders.first() {
            assert_eq!(reminders.len(), 1);
            assert_eq!(reminder.recipient, phone(900));
            assert!(
                reminder.text.starts_with("Reminder: Kayes workshop"),
                "{}",
                reminder.text
            );
            break;
        }
        assert!(start.elapsed() < WAIT, "no reminder queued");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(app.count(entity::outbox_message::Entity).await, 0, "no email reminder");
}

#[tokio::test]
async fn with_several_open_invitations_the_reply_names_the_event_by_its_code() {
    let app = spawn_app_with(|s| s.sms.secret = SECRET.into()).await;
    let token = app.api_token_for("organizer").await;
    let csv = format!(
        "full_name,category,gender,town,phone,consent_contact\nAwa,media,female,Kayes,{},yes\n",
        phone(950)
    );
    assert_eq!(app.import_csv(&token, &csv).await.status(), StatusCode::CREATED);
    let mut events = Vec::new();
    for title in ["Atelier A", "Atelier B"] {
        let event = app.scheduled_workshop(&token, title, "Kayes").await;
        app.api_ok(
            Method::POST,
            &format!("/api/v1/events/{event}/invitations"),
            &token,
            json!({"filter": {}}),
        )
        .await;
        app.send_invitations(&token, event).await;
        events.push(event);
    }
    let texted = sms_message::Entity::find()
        .filter(sms_message::Column::EventId.eq(events[1] as i32))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let code = texted
        .text
        .split_once('(')
        .and_then(|(_, rest)| rest.split_once(')'))
        .unwrap()
        .0
        .to_string();
    assert_eq!(code.len(), 4, "{}", texted.text);
    let callback = |text: String, ts: i64| {
        let request = app.browser.client.get(app.url("/sms/kannel/inbound")).query(&[
            ("secret", SECRET),
            ("from", &phone(950)),
            ("to", SHORT_NUMBER),
            ("text", &text),
            ("ts", &ts.to_string()),
        ]);
        async move { request.send().await.unwrap().status() }
    };
    let ts = chrono::Utc::now().timestamp();
    assert_eq!(callback("1".into(), ts).await, StatusCode::OK);
    let answers = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            let mut rows = invitation::Entity::find().all(&db).await.unwrap();
            rows.sort_by_key(|i| i.event_id);
            rows.into_iter().map(|i| i.response).collect::<Vec<_>>()
        }
    };
    assert_eq!(answers(&app).await, ["none", "none"], "which event is not known");
    let review = sms_inbound::Entity::find().one(&app.db).await.unwrap().unwrap();
    assert_eq!(review.reason, "sms.reason.which_event");
    assert_eq!(
        callback(format!("oui {}", code.to_lowercase()), ts + 1).await,
        StatusCode::OK
    );
    assert_eq!(answers(&app).await, ["none", "accepted"]);
}
