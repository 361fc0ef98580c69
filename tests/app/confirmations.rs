//! Nothing that mails people or cannot be undone happens on one click: each asks first, without JavaScript.

use entity::{actor, event, invitation, outbox_message, report_section, report_version, venue};
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

use crate::helpers::{TestApp, attrs, location, spawn_app, texts};

async fn outbox_of_kind(app: &TestApp, kind: &str) -> u64 {
    outbox_message::Entity::find()
        .filter(outbox_message::Column::Kind.eq(kind))
        .count(&app.db)
        .await
        .unwrap()
}

/// A scheduled workshop with `emailed` guests by email (invitations sent) and one guest by letter.
async fn sent_workshop(app: &TestApp, token: &str, emailed: usize) -> i64 {
    let id = app.workshop_with_guests(token, emailed).await;
    let letter = app
        .api_ok(
            Method::POST,
            "/api/v1/actors",
            token,
            json!({"full_name": "Boubacar Keïta", "category": "traditional_authority", "town": "Kayes"}),
        )
        .await;
    app.api_ok(
        Method::POST,
        &format!("/api/v1/events/{id}/invitations"),
        token,
        json!({"actor_ids": [letter["id"]]}),
    )
    .await;
    app.send_invitations(token, id).await;
    id
}

/// The confirmation page reached from the event page: what it says and where "Confirm" posts.
async fn follow(browser: &crate::helpers::Browser, page: &str, link: &str) -> String {
    let html = browser.get(page).await.text().await.unwrap();
    let href = attrs(&html, link, "href");
    assert_eq!(href.len(), 1, "{link} on {page}");
    let confirm = browser.get(&href[0]).await;
    assert_eq!(confirm.status(), StatusCode::OK, "{}", href[0]);
    confirm.text().await.unwrap()
}

#[tokio::test]
async fn cancelling_an_event_says_who_will_be_mailed_and_only_the_confirmed_post_cancels() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    let id = sent_workshop(&app, &token, 3).await;
    let (browser, _) = app.browser_as("organizer").await;
    let event_page = format!("/events/{id}");

    let html = follow(&browser, &event_page, "#cancel-event").await;
    assert_eq!(
        texts(&html, "#consequences li")[..2],
        [
            "3 invités recevront une annulation par email.",
            "1 lettre est concernée : prévenez la personne vous-même."
        ]
    );
    assert_eq!(
        attrs(&html, "form.confirm-form", "action"),
        [format!("/events/{id}/status")]
    );
    assert_eq!(attrs(&html, "input[name=confirm]", "value"), ["yes"]);
    assert_eq!(attrs(&html, "#confirm-back", "href"), [event_page.as_str()]);
    assert_eq!(outbox_of_kind(&app, "cancellation").await, 0, "asking sends nothing");

    // The old one-click path is refused: the page asks again and nothing changes.
    let one_click = browser
        .submit(&event_page, &format!("/events/{id}/status"), &[("status", "cancelled")])
        .await;
    assert_eq!(one_click.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = one_click.text().await.unwrap();
    assert_eq!(texts(&refused, "#confirm-required").len(), 1);
    let stored = event::Entity::find_by_id(id as i32)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, "scheduled");
    assert_eq!(outbox_of_kind(&app, "cancellation").await, 0);

    let confirmed = browser
        .submit(
            &event_page,
            &format!("/events/{id}/status"),
            &[("status", "cancelled"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(location(&confirmed), event_page);
    let stored = event::Entity::find_by_id(id as i32)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, "cancelled");
    assert_eq!(outbox_of_kind(&app, "cancellation").await, 3);
}

#[tokio::test]
async fn sending_invitations_states_emails_and_letters_and_needs_the_confirmation() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    let id = app.workshop_with_guests(&token, 2).await;
    let (browser, _) = app.browser_as("organizer").await;
    let event_page = format!("/events/{id}");

    let html = follow(&browser, &event_page, "#send-invitations").await;
    assert_eq!(
        texts(&html, "#consequences li"),
        [
            "2 emails d'invitation vont partir.",
            "0 invité sans email recevra une lettre à imprimer."
        ]
    );
    let one_click = browser
        .submit(&event_page, &format!("/events/{id}/invitations/send"), &[])
        .await;
    assert_eq!(one_click.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(outbox_of_kind(&app, "invitation").await, 0);

    let sent = browser
        .submit(
            &event_page,
            &format!("/events/{id}/invitations/send"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(location(&sent), format!("/events/{id}#sending"));
    assert_eq!(outbox_of_kind(&app, "invitation").await, 2);

    // In English the same page speaks English, in the singular where it should.
    let english = browser
        .submit(&event_page, "/language", &[("lang", "en"), ("next", &event_page)])
        .await;
    assert!(english.status().is_redirection());
    let html = browser
        .get(&format!("/events/{id}/invitations/send/confirm"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        texts(&html, "#consequences li"),
        [
            "0 invitation emails will be sent.",
            "0 guests without email will need a printed letter."
        ]
    );
}

#[tokio::test]
async fn removing_a_guest_who_had_the_calendar_entry_says_a_cancel_will_be_emailed() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    let id = sent_workshop(&app, &token, 1).await;
    let (browser, _) = app.browser_as("organizer").await;
    let guests = invitation::Entity::find()
        .filter(invitation::Column::EventId.eq(id as i32))
        .all(&app.db)
        .await
        .unwrap();
    let emailed = guests.iter().find(|g| g.sent_sequence.is_some()).unwrap();
    let by_letter = guests.iter().find(|g| g.sent_sequence.is_none()).unwrap();

    let html = browser
        .get(&format!("/events/{id}/guests/{}/delete/confirm", emailed.id))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        texts(&html, "#consequences li"),
        ["Invitée 0 a reçu l'entrée d'agenda : une annulation (CANCEL) lui sera envoyée par email."]
    );
    let html = browser
        .get(&format!("/events/{id}/guests/{}/delete/confirm", by_letter.id))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(texts(&html, "#consequences li"), ["Aucun message ne sera envoyé."]);

    let action = format!("/events/{id}/guests/{}/delete", emailed.id);
    let one_click = browser.submit(&format!("/events/{id}"), &action, &[]).await;
    assert_eq!(one_click.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count(invitation::Entity).await, 2);
    assert_eq!(outbox_of_kind(&app, "cancellation").await, 0);

    let removed = browser
        .submit(&format!("/events/{id}"), &action, &[("confirm", "yes")])
        .await;
    assert_eq!(removed.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count(invitation::Entity).await, 1);
    assert_eq!(outbox_of_kind(&app, "cancellation").await, 1);
}

#[tokio::test]
async fn deleting_an_actor_or_a_venue_asks_first_and_the_api_is_unchanged() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    let (browser, _) = app.browser_as("organizer").await;
    let made = app
        .api_ok(
            Method::POST,
            "/api/v1/actors",
            &token,
            json!({"full_name": "Fatoumata Diarra", "category": "women_organization", "town": "Ségou"}),
        )
        .await;
    let actor_id = made["id"].as_i64().unwrap();
    let html = follow(&browser, &format!("/actors/{actor_id}"), "#delete-actor").await;
    assert_eq!(
        texts(&html, "#confirm-title"),
        ["Supprimer « Fatoumata Diarra » de l'annuaire ?"]
    );
    assert_eq!(texts(&html, "#consequences li"), ["Cette action est définitive."]);
    let one_click = browser
        .submit("/actors", &format!("/actors/{actor_id}/delete"), &[])
        .await;
    assert_eq!(one_click.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count(actor::Entity).await, 1);
    let deleted = browser
        .submit("/actors", &format!("/actors/{actor_id}/delete"), &[("confirm", "yes")])
        .await;
    assert_eq!(location(&deleted), "/actors");
    assert_eq!(app.count(actor::Entity).await, 0);

    let place = app
        .api_ok(
            Method::POST,
            "/api/v1/venues",
            &token,
            json!({"name": "Centre Djoliba", "region": "Kayes", "town": "Kayes"}),
        )
        .await;
    let venue_id = place["id"].as_i64().unwrap();
    let html = follow(&browser, &format!("/venues/{venue_id}"), "#delete-venue").await;
    assert_eq!(
        texts(&html, "#confirm-title"),
        ["Supprimer le lieu « Centre Djoliba » ?"]
    );
    let one_click = browser
        .submit("/venues", &format!("/venues/{venue_id}/delete"), &[])
        .await;
    assert_eq!(one_click.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count(venue::Entity).await, 1);
    // API clients confirm by calling: DELETE still acts at once.
    let api = app
        .api(Method::DELETE, &format!("/api/v1/venues/{venue_id}"), Some(&token))
        .send()
        .await
        .unwrap();
    assert!(api.status().is_success(), "{}", api.status());
    assert_eq!(app.count(venue::Entity).await, 0);
}

#[tokio::test]
async fn deleting_a_section_or_a_note_and_publishing_a_version_each_ask_first() {
    let app = spawn_app().await;
    let editor = app.api_token_for("editor").await;
    let organizer = app.api_token_for("organizer").await;
    let report = app
        .api_ok(
            Method::POST,
            "/api/v1/reports",
            &editor,
            json!({"title": "Les femmes et les FDS", "language": "fr", "sections": [
                {"heading": "Confiance", "kind": "finding", "body": "Texte."},
                {"heading": "Recrutement", "kind": "finding", "body": "Texte."}]}),
        )
        .await;
    let report_id = report["id"].as_i64().unwrap();
    let section = report["sections"][1]["id"].as_i64().unwrap();
    let (browser, _) = app.browser_as("editor").await;
    let report_page = format!("/reports/{report_id}");

    let html = browser
        .get(&format!(
            "/reports/{report_id}/versions/confirm?label=Premi%C3%A8re+version"
        ))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        texts(&html, "#confirm-title"),
        ["Publier la version 1 « Première version » ?"]
    );
    assert_eq!(
        texts(&html, "#consequences li"),
        [
            "2 sections seront figées dans cette version.",
            "Une version publiée ne peut plus être modifiée."
        ]
    );
    assert_eq!(attrs(&html, "input[name=label]", "value"), ["Première version"]);
    let page = browser.get(&report_page).await.text().await.unwrap();
    assert_eq!(
        attrs(&page, "form#publish", "action"),
        [format!("/reports/{report_id}/versions/confirm")]
    );
    let one_click = browser
        .submit(
            &report_page,
            &format!("/reports/{report_id}/versions"),
            &[("label", "Première version")],
        )
        .await;
    assert_eq!(one_click.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count(report_version::Entity).await, 0);
    let published = browser
        .submit(
            &report_page,
            &format!("/reports/{report_id}/versions"),
            &[("label", "Première version"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(location(&published), format!("/reports/{report_id}/versions/1"));

    let html = follow(
        &browser,
        &report_page,
        &format!("a[href='/reports/{report_id}/sections/{section}/delete/confirm']"),
    )
    .await;
    assert_eq!(
        texts(&html, "#confirm-title"),
        ["Supprimer la section « Recrutement » ?"]
    );
    let delete = format!("/reports/{report_id}/sections/{section}/delete");
    let one_click = browser.submit(&report_page, &delete, &[]).await;
    assert_eq!(one_click.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count(report_section::Entity).await, 2);
    let deleted = browser.submit(&report_page, &delete, &[("confirm", "yes")]).await;
    assert_eq!(deleted.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count(report_section::Entity).await, 1);

    // A rapporteur's note on a workshop.
    let event = app
        .api_ok(
            Method::POST,
            "/api/v1/events",
            &organizer,
            json!({"kind": "dissemination_workshop", "title": "Restitution à Kayes",
                "starts_at": "2030-06-10T09:00", "ends_at": "2030-06-10T17:00"}),
        )
        .await;
    let event_id = event["id"].as_i64().unwrap();
    let (recorder, _) = app.browser_as("rapporteur").await;
    let debate = format!("/events/{event_id}/debate");
    let saved = recorder
        .submit(
            &debate,
            &format!("/events/{event_id}/notes"),
            &[("topic", "Accueil"), ("body", "Brouillon à jeter")],
        )
        .await;
    let note = location(&saved).rsplit("#note-").next().unwrap().to_string();
    let html = follow(
        &recorder,
        &debate,
        &format!("a[href='/events/{event_id}/notes/{note}/delete/confirm']"),
    )
    .await;
    assert_eq!(texts(&html, "#confirm-title"), ["Supprimer la note « Accueil » ?"]);
    let delete = format!("/events/{event_id}/notes/{note}/delete");
    assert_eq!(
        recorder.submit(&debate, &delete, &[]).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(app.count(entity::debate_note::Entity).await, 1);
    assert_eq!(
        recorder.submit(&debate, &delete, &[("confirm", "yes")]).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.count(entity::debate_note::Entity).await, 0);
}

#[tokio::test]
async fn a_changed_section_text_is_never_dropped_without_asking() {
    let app = spawn_app().await;
    let editor = app.api_token_for("editor").await;
    let organizer = app.api_token_for("organizer").await;
    let rapporteur = app.api_token_for("rapporteur").await;
    let report = app
        .api_ok(
            Method::POST,
            "/api/v1/reports",
            &editor,
            json!({"title": "Les femmes et les FDS", "language": "fr", "sections": [
                {"heading": "Recrutement", "kind": "finding", "body": "Texte initial."}]}),
        )
        .await;
    let report_id = report["id"].as_i64().unwrap();
    let section = report["sections"][0]["id"].as_i64().unwrap();
    let event = app
        .api_ok(
            Method::POST,
            "/api/v1/events",
            &organizer,
            json!({"kind": "dissemination_workshop", "title": "Restitution à Kayes", "report_id": report_id,
                "starts_at": "2027-03-04T09:00", "ends_at": "2027-03-04T17:00"}),
        )
        .await;
    let outcome = app
        .api_ok(
            Method::POST,
            &format!("/api/v1/events/{}/outcomes", event["id"]),
            &rapporteur,
            json!({"section_id": section, "kind": "amendment", "summary": "Coût des dossiers",
                "voiced_by": ["youth_organization"], "agreement": "consensus"}),
        )
        .await;
    let outcome_id = outcome["id"].as_i64().unwrap().to_string();
    let stored_section = || async {
        report_section::Entity::find_by_id(section as i32)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
    };
    let stored_status = || async {
        entity::outcome::Entity::find_by_id(outcome_id.parse::<i32>().unwrap())
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .status
    };
    let (browser, _) = app.browser_as("editor").await;
    let inbox = format!("/reports/{report_id}/review");
    let version = stored_section().await.version.to_string();
    let section_id = section.to_string();
    let edited = "Texte initial.\r\n\r\nLe coût des dossiers écarte des candidates.";
    let fields = |extra: Vec<(&'static str, &'static str)>| {
        let mut all = vec![
            ("outcome_ids", outcome_id.as_str()),
            ("decision", "accepted"),
            ("rationale", "Fondé."),
            ("section_body", edited),
            ("section_version", version.as_str()),
            ("group", section_id.as_str()),
        ];
        all.extend(extra);
        all
    };

    // "Retenir" with an edited text but "save this text" unticked: asked, the edit kept, nothing stored.
    let asked = browser.submit(&inbox, &inbox, &fields(vec![])).await;
    assert_eq!(asked.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = asked.text().await.unwrap();
    assert_eq!(texts(&html, "#unsaved-edit #edit_section-error").len(), 1);
    assert_eq!(
        texts(&html, &format!("#group-{section} textarea[name=section_body]")),
        ["Texte initial. Le coût des dossiers écarte des candidates."]
    );
    assert_eq!(stored_status().await, "open");
    assert_eq!(stored_section().await.body, "Texte initial.");

    // An unchanged text needs no question (line endings as a browser sends them do not count).
    let unchanged = browser
        .submit(
            &inbox,
            &inbox,
            &[
                ("outcome_ids", outcome_id.as_str()),
                ("decision", "deferred"),
                ("rationale", "Plus tard."),
                ("section_body", "Texte initial.\r\n"),
                ("section_version", version.as_str()),
                ("group", section_id.as_str()),
            ],
        )
        .await;
    assert_eq!(unchanged.status(), StatusCode::SEE_OTHER);
    assert_eq!(stored_status().await, "deferred");

    // Choosing to drop the edit records the decision alone.
    let dropped = browser
        .submit(&inbox, &inbox, &fields(vec![("discard_edit", "on")]))
        .await;
    assert_eq!(dropped.status(), StatusCode::SEE_OTHER);
    assert_eq!(stored_status().await, "accepted");
    assert_eq!(stored_section().await.body, "Texte initial.");
}
