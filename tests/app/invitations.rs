//! Invitations that calendars understand (CALENDAR-MAIL.md), updates, cancellations, answers.

use entity::{invitation, outbox_message};
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, texts};
use crate::mailbox::{Delivered, wait_for_files};

/// A scheduled workshop with three guests: two reachable by email, one who refused contact.
pub struct Campaign {
    pub token: String,
    pub event_id: i64,
    pub guests: Vec<i64>,
}

pub async fn campaign(app: &TestApp, starts_at: &str) -> Campaign {
    let token = app.api_token_for("organizer").await;
    let post = |path: &str, body: Value| {
        let request = app.api(Method::POST, path, Some(&token)).json(&body);
        async move {
            let response = request.send().await.unwrap();
            assert!(response.status().is_success(), "{}", response.text().await.unwrap());
            response.json::<Value>().await.unwrap()
        }
    };
    let venue = post("/api/v1/venues", json!({"name": "Salle « Djoliba »; annexe", "address": "Rue 12, Quartier du Fleuve", "town": "Kayes", "region": "Kayes"})).await;
    let mut guests = Vec::new();
    for (name, email, consent, language) in [
        ("Coulibaly, Awa", "awa.coulibaly@example.org", true, "fr"),
        ("Aïssata N'Diaye", "aissata.ndiaye@example.org", true, "en"),
        ("Moussa Traoré", "moussa.traore@example.org", false, "fr"),
    ] {
        let actor = post(
            "/api/v1/actors",
            json!({"full_name": name, "category": "women_organization", "email": email,
            "consent_contact": consent, "language": language, "town": "Kayes"}),
        )
        .await;
        guests.push(actor["id"].as_i64().unwrap());
    }
    let event = post(
        "/api/v1/events",
        json!({"kind": "dissemination_workshop", "title": "Restitution à Kayes : femmes, jeunes; et FDS",
        "description": "Présentation des résultats, débat\net recommandations", "venue_id": venue["id"],
        "starts_at": starts_at, "ends_at": "2030-06-10T17:00:00+00:00"}),
    )
    .await;
    let event_id = event["id"].as_i64().unwrap();
    post(&format!("/api/v1/events/{event_id}/schedule"), json!({})).await;
    post(
        &format!("/api/v1/events/{event_id}/invitations"),
        json!({"actor_ids": guests}),
    )
    .await;
    Campaign {
        token,
        event_id,
        guests,
    }
}

pub async fn send(app: &TestApp, c: &Campaign) -> Value {
    let response = app
        .api(
            Method::POST,
            &format!("/api/v1/events/{}/invitations/send", c.event_id),
            Some(&c.token),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    response.json().await.unwrap()
}

/// Every CALENDAR-MAIL property that can be read on one message's bytes.
pub fn assert_calendar_mail(mail: &Delivered, method: &str) {
    // §1–§3: the MIME tree, the calendar part last in the alternative, no raw 8-bit.
    assert_eq!(
        mail.parts[..5],
        [
            "multipart/mixed",
            "multipart/alternative",
            "text/plain",
            "text/html",
            "text/calendar"
        ],
        "{:?}",
        mail.parts
    );
    assert_eq!(mail.parts[5], "application/ics");
    if method == "REQUEST" {
        assert_eq!(
            mail.parts.get(6).map(String::as_str),
            Some("image/png"),
            "the QR code for the entrance"
        );
    }
    assert_eq!(
        mail.calendar_content_type,
        format!("text/calendar; method={method}; charset=UTF-8")
    );
    assert_eq!(
        mail.attachment,
        mail.calendar.as_bytes(),
        "invite.ics is byte-identical to the inline part"
    );
    assert!(
        mail.raw.iter().all(u8::is_ascii),
        "non-ASCII travels encoded, never as raw 8-bit"
    );
    // §4: headers.
    let head =
        String::from_utf8_lossy(&mail.raw[..mail.raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap()]).to_string();
    assert!(head.contains("From: Toguna <toguna@example.org>"), "{head}");
    assert!(head.contains("Reply-To: "), "{head}");
    assert!(head.contains("Message-ID: <"), "{head}");
    // §5–§6: one VEVENT with one of each property, and the invitee as the single ATTENDEE.
    let ics = &mail.calendar;
    for line in [
        "BEGIN:VCALENDAR\r\n",
        "VERSION:2.0\r\n",
        &format!("METHOD:{method}\r\n"),
    ] {
        assert!(ics.contains(line), "{line} in {ics}");
    }
    assert!(ics.contains("PRODID:"));
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 1);
    for name in [
        "UID",
        "DTSTAMP",
        "DTSTART",
        "DTEND",
        "SUMMARY",
        "ORGANIZER",
        "SEQUENCE",
        "STATUS",
        "ATTENDEE",
    ] {
        assert_eq!(mail.event_property(name).len(), 1, "exactly one {name}");
    }
    let unfolded = icalendar::parser::unfold(ics);
    let attendee = unfolded.lines().find(|l| l.starts_with("ATTENDEE")).unwrap();
    assert!(
        attendee.contains(";ROLE=REQ-PARTICIPANT;") && attendee.contains(&format!(":mailto:{}", mail.to)),
        "{attendee}"
    );
    if method == "REQUEST" {
        assert!(attendee.contains(";PARTSTAT=NEEDS-ACTION;RSVP=TRUE:"), "{attendee}");
    }
    // The sending address, tagged per invitation (`toguna+i<id>-<mac>@…`) so calendar replies prove
    // which invitation they answer (inbound mail, issue 13).
    let organizer = unfolded.lines().find(|l| l.starts_with("ORGANIZER")).unwrap();
    assert!(
        organizer.contains(":mailto:toguna+i") && organizer.ends_with("@example.org"),
        "{organizer}"
    );
    // §11–§13: CRLF, folding at 75 octets without splitting characters, UTC times.
    assert!(!ics.replace("\r\n", "").contains('\n'), "CRLF only");
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "{line:?} is {} octets", line.len());
    }
    for name in ["DTSTART", "DTEND", "DTSTAMP"] {
        assert!(mail.event_property(name)[0].ends_with('Z'), "{name} in UTC");
    }
}

#[tokio::test]
async fn invitations_meet_every_calendar_mail_property_and_survive_an_independent_parser() {
    let app = spawn_app().await;
    let c = campaign(&app, "2030-06-10T09:00:00+00:00").await;
    let summary = send(&app, &c).await;
    assert_eq!(
        (summary["queued"].as_u64(), summary["not_emailable"].as_u64()),
        (Some(2), Some(1))
    );

    let mails = wait_for_files(&app.outbox_dir(), 2).await;
    assert_eq!(mails.len(), 2, "nobody who refused contact is emailed");
    for mail in &mails {
        assert_calendar_mail(mail, "REQUEST");
        assert_eq!(
            mail.event_property("SUMMARY"),
            ["Restitution à Kayes : femmes, jeunes; et FDS"]
        );
        let unfolded = icalendar::parser::unfold(&mail.calendar);
        assert!(
            unfolded.contains("SUMMARY:Restitution à Kayes : femmes\\, jeunes\\; et FDS\r\n"),
            "TEXT is escaped on the wire"
        );
        assert_eq!(mail.event_property("SEQUENCE"), ["0"]);
        assert_eq!(mail.event_property("DTSTART"), ["20300610T090000Z"]);
        assert!(mail.event_property("LOCATION")[0].starts_with("Salle « Djoliba »; annexe, Rue 12"));
    }
    let awa = mails.iter().find(|m| m.to == "awa.coulibaly@example.org").unwrap();
    assert_eq!(
        awa.attendee_cn(),
        "Coulibaly, Awa",
        "a comma in a name survives, quoted"
    );
    assert!(
        awa.subject.starts_with("Invitation : Restitution à Kayes"),
        "{}",
        awa.subject
    );
    let aissata = mails.iter().find(|m| m.to == "aissata.ndiaye@example.org").unwrap();
    assert!(aissata.subject.starts_with("Invitation: ") || aissata.subject.starts_with("Invitation : "));
    assert!(
        aissata.text.contains("You are invited"),
        "English for an English-speaking invitee"
    );
    assert_eq!(aissata.attendee_cn(), "Aïssata N'Diaye");

    // The worker records a delivery just after handing the message over.
    let mut stored = Vec::new();
    for _ in 0..200 {
        stored = invitation::Entity::find()
            .filter(invitation::Column::EventId.eq(c.event_id as i32))
            .all(&app.db)
            .await
            .unwrap();
        if stored.iter().filter(|i| i.delivery == "sent").count() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let delivered: Vec<&str> = stored.iter().map(|i| i.delivery.as_str()).collect();
    assert_eq!(delivered.iter().filter(|d| **d == "sent").count(), 2, "{delivered:?}");
    assert!(
        delivered.contains(&"not_applicable"),
        "the guest without consent is not emailed: {delivered:?}"
    );
    assert!(
        stored
            .iter()
            .all(|i| i.rsvp_token_hash.as_deref() != Some(awa.rsvp_path().trim_start_matches("/rsvp/")))
    );
    let outbox = outbox_message::Entity::find().all(&app.db).await.unwrap();
    assert!(
        outbox.iter().all(|m| m.status == "sent" && m.body.is_empty()),
        "sent bodies are not kept"
    );

    // Sending again queues nobody twice.
    let again = send(&app, &c).await;
    assert_eq!(
        (again["queued"].as_u64(), again["already_sent"].as_u64()),
        (Some(0), Some(2))
    );
}

#[tokio::test]
async fn moving_cancelling_and_removing_keep_every_calendar_in_step() {
    let app = spawn_app().await;
    let c = campaign(&app, "2030-06-10T09:00:00+00:00").await;
    send(&app, &c).await;
    let first = wait_for_files(&app.outbox_dir(), 2).await;
    let uid = first[0].event_property("UID")[0].clone();

    // A day later: an update with the same UID and a higher SEQUENCE.
    let moved = app
        .api(Method::PATCH, &format!("/api/v1/events/{}", c.event_id), Some(&c.token))
        .json(&json!({"starts_at": "2030-06-11T09:00:00+00:00", "ends_at": "2030-06-11T17:00:00+00:00"}))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), StatusCode::OK);
    let after_move = wait_for_files(&app.outbox_dir(), 4).await;
    for update in &after_move[2..] {
        assert_calendar_mail(update, "REQUEST");
        assert_eq!(update.event_property("UID")[0], uid);
        assert_eq!(update.event_property("SEQUENCE"), ["1"]);
        assert_eq!(update.event_property("DTSTART"), ["20300611T090000Z"]);
    }
    // A title change alone is no reason to disturb calendars.
    app.api(Method::PATCH, &format!("/api/v1/events/{}", c.event_id), Some(&c.token))
        .json(&json!({"title": "Restitution à Kayes"}))
        .send()
        .await
        .unwrap();

    // Removing Aïssata sends her, and only her, a CANCEL.
    let guests: Value = app
        .api(
            Method::GET,
            &format!("/api/v1/events/{}/invitations", c.event_id),
            Some(&c.token),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let aissata = guests["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["actor_id"] == c.guests[1])
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let removed = app
        .api(
            Method::DELETE,
            &format!("/api/v1/events/{}/invitations/{aissata}", c.event_id),
            Some(&c.token),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    let after_removal = wait_for_files(&app.outbox_dir(), 5).await;
    let cancel = &after_removal[4];
    assert_eq!(cancel.to, "aissata.ndiaye@example.org");
    assert_calendar_mail(cancel, "CANCEL");
    assert_eq!(cancel.event_property("STATUS"), ["CANCELLED"]);
    assert_eq!(cancel.event_property("UID")[0], uid);

    // Cancelling the event: a CANCEL to everyone left, with a higher SEQUENCE still.
    let cancelled = app
        .api(
            Method::POST,
            &format!("/api/v1/events/{}/cancel", c.event_id),
            Some(&c.token),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(cancelled.status(), StatusCode::OK);
    let all = wait_for_files(&app.outbox_dir(), 6).await;
    let last = &all[5];
    assert_eq!(last.to, "awa.coulibaly@example.org");
    assert_calendar_mail(last, "CANCEL");
    assert_eq!(last.event_property("STATUS"), ["CANCELLED"]);
    assert_eq!(last.event_property("UID"), [uid]);
    assert_eq!(last.event_property("SEQUENCE"), ["2"]);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        crate::mailbox::files_in(&app.outbox_dir()).len(),
        6,
        "nothing else was sent"
    );
}

#[tokio::test]
async fn opening_the_answer_link_changes_nothing_and_the_form_records_and_changes_the_answer() {
    let app = spawn_app().await;
    let c = campaign(&app, "2030-06-10T09:00:00+00:00").await;
    send(&app, &c).await;
    let mails = wait_for_files(&app.outbox_dir(), 2).await;
    let awa = mails.iter().find(|m| m.to == "awa.coulibaly@example.org").unwrap();
    let link = awa.rsvp_path();
    let stored = || async {
        invitation::Entity::find()
            .filter(invitation::Column::EventId.eq(c.event_id as i32))
            .filter(invitation::Column::ActorId.eq(c.guests[0] as i32))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
    };

    let invitee = app.new_browser();
    // Mail scanners open links: GET must change nothing.
    for _ in 0..3 {
        let page = invitee.get(&link).await;
        assert_eq!(page.status(), StatusCode::OK);
        assert_eq!(page.headers()["cache-control"], "no-store");
    }
    // The "Accept" button of the email opens the page with that choice ticked, and records nothing.
    let clicked = invitee
        .get(&format!("{link}?answer=accepted"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        texts(&clicked, "#confirm-answer"),
        ["Confirmer : je participerai"],
        "link {link}"
    );
    assert!(
        awa.text.contains(&format!("{link}?answer=declined")),
        "three answer links in the email"
    );
    let page = invitee.get(&link).await.text().await.unwrap();
    assert_eq!(texts(&page, "h1"), ["Restitution à Kayes : femmes, jeunes; et FDS"]);
    assert_eq!(texts(&page, "#current-answer"), ["Pas de réponse"]);
    assert_eq!(
        (stored().await.response.as_str(), stored().await.responded_at),
        ("none", None)
    );

    let accepted = invitee
        .submit(
            &link,
            &link,
            &[
                ("response", "accepted"),
                ("comment", "Je viendrai avec une interprète."),
            ],
        )
        .await;
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
    let row = stored().await;
    assert_eq!(
        (
            row.response.as_str(),
            row.response_comment.as_str(),
            row.responded_via.as_str()
        ),
        ("accepted", "Je viendrai avec une interprète.", "web")
    );

    let declined = invitee.submit(&link, &link, &[("response", "declined")]).await;
    assert_eq!(declined.status(), StatusCode::SEE_OTHER);
    assert_eq!(stored().await.response, "declined");
    assert_eq!(
        texts(&invitee.get(&link).await.text().await.unwrap(), "#current-answer"),
        ["Décline"]
    );

    // The organizer sees the answer on the event page.
    app.login_as("viewer").await;
    let event_page = app.get(&format!("/events/{}", c.event_id)).await.text().await.unwrap();
    assert!(texts(&event_page, "table.guests td").iter().any(|t| t == "Décline"));
    assert_eq!(texts(&event_page, "#answers-declined"), ["1"]);
    let live: Value = app
        .get(&format!("/events/{}/progress.json", c.event_id))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(live["answers"]["declined"].as_u64(), Some(1), "{live}");

    // Once the event has started, answers are refused politely and nothing changes.
    let started = chrono::Utc::now() - chrono::Duration::minutes(5);
    entity::event::Entity::update_many()
        .col_expr(
            entity::event::Column::StartsAt,
            sea_orm::sea_query::Expr::value(started),
        )
        .filter(entity::event::Column::Id.eq(c.event_id as i32))
        .exec(&app.db)
        .await
        .unwrap();
    let late = invitee.submit(&link, &link, &[("response", "accepted")]).await;
    assert_eq!(late.status(), StatusCode::CONFLICT);
    assert!(texts(&late.text().await.unwrap(), "#closed")[0].contains("les réponses sont closes"));
    assert_eq!(stored().await.response, "declined");
}

#[tokio::test]
async fn an_unknown_answer_link_is_a_plain_404_that_reveals_nothing() {
    let app = spawn_app().await;
    for link in ["/rsvp/AAAAAAAAAAAAAAAAAAAAAA", "/rsvp/x", "/rsvp/%3Cscript%3E"] {
        let response = app.get(link).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{link}");
        let body = response.text().await.unwrap();
        assert!(body.contains("Cette page n&#39;existe pas."));
        assert!(!body.contains("<script>"));
    }
    let post = app
        .submit(
            "/rsvp/AAAAAAAAAAAAAAAAAAAAAA",
            "/rsvp/AAAAAAAAAAAAAAAAAAAAAA",
            &[("response", "accepted")],
        )
        .await;
    assert_eq!(post.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn invitations_go_out_only_for_scheduled_events() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    let event: Value = app
        .api(Method::POST, "/api/v1/events", Some(&token))
        .json(&json!({"kind": "consultation", "title": "Brouillon", "starts_at": "2030-01-01T09:00", "ends_at": "2030-01-01T10:00"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let response = app
        .api(
            Method::POST,
            &format!("/api/v1/events/{}/invitations/send", event["id"]),
            Some(&token),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(app.count(outbox_message::Entity).await, 0);
}

#[tokio::test]
async fn reminders_go_to_those_who_accepted_or_did_not_answer_once_and_never_for_a_cancelled_event() {
    let app = crate::helpers::spawn_app_with(|s| s.outbox.reminder_days = 7).await;
    let in_days = |d: i64| {
        (chrono::Utc::now() + chrono::Duration::days(d))
            .format("%Y-%m-%dT09:00:00+00:00")
            .to_string()
    };
    let c = campaign(&app, &in_days(10)).await;
    app.api(Method::PATCH, &format!("/api/v1/events/{}", c.event_id), Some(&c.token))
        .json(&json!({"ends_at": (chrono::Utc::now() + chrono::Duration::days(10)).format("%Y-%m-%dT17:00:00+00:00").to_string()}))
        .send()
        .await
        .unwrap();
    send(&app, &c).await;
    let invitations = wait_for_files(&app.outbox_dir(), 2).await;
    let aissata = invitations
        .iter()
        .find(|m| m.to == "aissata.ndiaye@example.org")
        .unwrap()
        .rsvp_path();
    let declined = app
        .new_browser()
        .submit(&aissata, &aissata, &[("response", "declined")])
        .await;
    assert_eq!(declined.status(), StatusCode::SEE_OTHER);
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    assert_eq!(
        crate::mailbox::files_in(&app.outbox_dir()).len(),
        2,
        "ten days ahead: no reminder yet"
    );

    // Moved to five days from now: an update to both, then a reminder to both. Aïssata's refusal
    // was for the earlier date, so it is "to reconfirm" and her reminder asks her to answer again.
    let moved = app
        .api(Method::PATCH, &format!("/api/v1/events/{}", c.event_id), Some(&c.token))
        .json(&json!({"starts_at": in_days(5), "ends_at": (chrono::Utc::now() + chrono::Duration::days(5)).format("%Y-%m-%dT17:00:00+00:00").to_string()}))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), StatusCode::OK);
    let mails = wait_for_files(&app.outbox_dir(), 6).await;
    let mut reminders: Vec<&Delivered> = mails
        .iter()
        .filter(|m| m.subject.starts_with("Rappel") || m.subject.starts_with("Reminder"))
        .collect();
    reminders.sort_by_key(|m| m.to.clone());
    assert_eq!(
        reminders.iter().map(|m| m.to.as_str()).collect::<Vec<_>>(),
        ["aissata.ndiaye@example.org", "awa.coulibaly@example.org"],
        "{:?}",
        mails.iter().map(|m| (&m.to, &m.subject)).collect::<Vec<_>>()
    );
    assert_calendar_mail(reminders[1], "REQUEST");
    assert!(
        reminders[0]
            .text
            .contains("Your earlier answer (“Declined”) was for the earlier date"),
        "{}",
        reminders[0].text
    );
    assert!(
        !reminders[1].text.contains("ancienne date"),
        "Awa had not answered: {}",
        reminders[1].text
    );
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert_eq!(crate::mailbox::files_in(&app.outbox_dir()).len(), 6, "reminded once");
    let logged = entity::audit_entry::Entity::find()
        .filter(entity::audit_entry::Column::Action.eq("reminders_send"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(logged.len(), 1, "the reminder job's sending is in the audit log");
    assert_eq!(
        (logged[0].who_kind.as_str(), logged[0].gateway.as_str()),
        ("system", "reminders")
    );
    assert_eq!(logged[0].entity_id, c.event_id.to_string());

    // A cancelled event reminds nobody, even once time brings it inside the window.
    let post = |path: String, body: Value| {
        let request = app.api(Method::POST, &path, Some(&c.token)).json(&body);
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let other = post("/api/v1/events".into(), json!({"kind": "consultation", "title": "Consultation annulée",
        "starts_at": in_days(20), "ends_at": (chrono::Utc::now() + chrono::Duration::days(20)).format("%Y-%m-%dT17:00:00+00:00").to_string()})).await;
    let other_id = other["id"].as_i64().unwrap();
    post(format!("/api/v1/events/{other_id}/schedule"), json!({})).await;
    post(
        format!("/api/v1/events/{other_id}/invitations"),
        json!({"actor_ids": [c.guests[0]]}),
    )
    .await;
    post(format!("/api/v1/events/{other_id}/invitations/send"), json!({})).await;
    wait_for_files(&app.outbox_dir(), 7).await;
    post(format!("/api/v1/events/{other_id}/cancel"), json!({})).await;
    wait_for_files(&app.outbox_dir(), 8).await;
    let soon = chrono::Utc::now() + chrono::Duration::days(3);
    entity::event::Entity::update_many()
        .col_expr(entity::event::Column::StartsAt, sea_orm::sea_query::Expr::value(soon))
        .filter(entity::event::Column::Id.eq(other_id as i32))
        .exec(&app.db)
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert_eq!(
        crate::mailbox::files_in(&app.outbox_dir()).len(),
        8,
        "no reminder for a cancelled event"
    );
}

#[tokio::test]
async fn guests_without_email_get_a_printed_letter_and_their_answers_are_recorded_by_hand() {
    let app = spawn_app().await;
    let c = campaign(&app, "2030-06-10T09:00:00+00:00").await;
    app.login_as("organizer").await;
    let letters = app
        .get(&format!("/events/{}/letters", c.event_id))
        .await
        .text()
        .await
        .unwrap();
    let printed = texts(&letters, "article.letter .addressee strong");
    assert_eq!(printed, ["Moussa Traoré"], "only the guest who cannot be emailed");
    let short = texts(&letters, "article.letter .url")[0].clone();
    // The short code: 26 characters in groups of 4, in an alphabet without look-alikes.
    let code = short.split_once("/r/").map(|(_, c)| c.to_string()).unwrap_or_default();
    assert!(short.starts_with("127.0.0.1:"), "{short}");
    assert_eq!(code.len(), 26 + 6, "{short}");
    assert!(code.split('-').all(|g| g.len() <= 4), "{code}");
    assert!(!code.contains(['I', 'L', 'O', 'U', '_']), "{code}");
    assert!(letters.contains("<svg"), "a QR code to scan");

    // The printed link works like the emailed one, typed with or without dashes, in any case.
    let reader = app.new_browser();
    for typed in [code.clone(), code.replace('-', "").to_lowercase()] {
        let redirect = reader.get(&format!("/r/{typed}")).await;
        assert_eq!(redirect.status(), StatusCode::SEE_OTHER, "{typed}");
        assert!(crate::helpers::location(&redirect).starts_with("/rsvp/"));
    }
    assert_eq!(reader.get("/r/K7M2-9QXD").await.status(), StatusCode::NOT_FOUND);
    let path = crate::helpers::location(&reader.get(&format!("/r/{code}")).await);
    let page = reader.get(&path).await.text().await.unwrap();
    assert!(page.contains("Moussa Traoré"));

    let guests: Value = app
        .api(
            Method::GET,
            &format!("/api/v1/events/{}/invitations", c.event_id),
            Some(&c.token),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let moussa = guests["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["actor_id"] == c.guests[2])
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let event_page = format!("/events/{}", c.event_id);
    let handed = app
        .submit(
            &event_page,
            &format!("/events/{}/guests/{moussa}/handover", c.event_id),
            &[("channel", "letter"), ("date", "2030-05-20")],
        )
        .await;
    assert_eq!(handed.status(), StatusCode::SEE_OTHER);
    let answered = app
        .submit(
            &event_page,
            &format!("/events/{}/guests/{moussa}/answer", c.event_id),
            &[("response", "accepted"), ("via", "phone")],
        )
        .await;
    assert_eq!(answered.status(), StatusCode::SEE_OTHER);
    let row = invitation::Entity::find_by_id(moussa as i32)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (row.channel.as_str(), row.response.as_str(), row.responded_via.as_str()),
        ("letter", "accepted", "phone")
    );
    assert_eq!(row.handed_over_at.unwrap().date_naive().to_string(), "2030-05-20");

    let viewer = app.api_token_for("viewer").await;
    let refused = app
        .api(Method::GET, &format!("/events/{}/letters", c.event_id), Some(&viewer))
        .send()
        .await
        .unwrap();
    assert_ne!(refused.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_organizer_subscribes_to_a_private_feed_of_scheduled_events_and_can_revoke_it() {
    let app = spawn_app().await;
    let c = campaign(&app, "2030-06-10T09:00:00+00:00").await;
    app.api(Method::POST, "/api/v1/events", Some(&c.token))
        .json(&json!({"kind": "consultation", "title": "Brouillon non publié", "starts_at": "2030-07-01T09:00", "ends_at": "2030-07-01T12:00"}))
        .send()
        .await
        .unwrap();
    app.login_as("organizer").await;
    let page = app
        .submit("/profile", "/profile/calendar", &[])
        .await
        .text()
        .await
        .unwrap();
    let url = texts(&page, "#feed-url").pop().expect("the feed address is shown once");
    let path = &url[url.find("/calendar/").unwrap()..];

    let calendar_app = reqwest::Client::new();
    let feed = calendar_app.get(app.url(path)).send().await.unwrap();
    assert_eq!(feed.status(), StatusCode::OK);
    let body = feed.text().await.unwrap();
    assert!(body.contains("METHOD:PUBLISH\r\n"));
    assert!(
        body.contains("Restitution à Kayes") && !body.contains("Brouillon"),
        "scheduled events only"
    );
    assert!(
        !app.get("/profile").await.text().await.unwrap().contains(path),
        "never shown again"
    );

    app.submit("/profile", "/profile/calendar/revoke", &[]).await;
    assert_eq!(
        calendar_app.get(app.url(path)).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn without_a_mail_server_the_admin_reads_the_sent_messages_in_the_app() {
    let app = spawn_app().await;
    let c = campaign(&app, "2030-06-10T09:00:00+00:00").await;
    send(&app, &c).await;
    wait_for_files(&app.outbox_dir(), 2).await;
    app.login_as("admin").await;
    let mut log = String::new();
    for _ in 0..50 {
        log = app.get("/admin/outbox").await.text().await.unwrap();
        if texts(&log, "table.outbox a").len() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let links = crate::helpers::hrefs(&log, "table.outbox a");
    assert_eq!(links.len(), 2, "{log}");
    let raw = app.get(&links[0]).await.text().await.unwrap();
    assert!(raw.contains("METHOD:REQUEST"), "{raw}");
    assert_eq!(
        app.get("/admin/outbox/..%2F..%2Fsecret").await.status(),
        StatusCode::NOT_FOUND
    );
    let organizer = app.new_browser();
    let user = app.create_user("orga@example.org", "organizer").await;
    organizer.login_ok(&user.email).await;
    assert_eq!(organizer.get(&links[0]).await.status(), StatusCode::FORBIDDEN);
}
