//! The invitee's answer page: the email's buttons lead to one plain confirmation, and the language switch works.

use entity::invitation;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::helpers::{TestApp, attrs, location, meta_csrf, spawn_app, texts};
use crate::invitations::{Campaign, campaign, send};
use crate::mailbox::wait_for_files;

async fn stored(app: &TestApp, c: &Campaign, guest: usize) -> invitation::Model {
    invitation::Entity::find()
        .filter(invitation::Column::EventId.eq(c.event_id as i32))
        .filter(invitation::Column::ActorId.eq(c.guests[guest] as i32))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
}

/// Awa's (French) and Aïssata's (English) answer links, from the mails sent.
async fn links(app: &TestApp, c: &Campaign) -> (String, String) {
    send(app, c).await;
    let mails = wait_for_files(&app.outbox_dir(), 2).await;
    let link = |to: &str| mails.iter().find(|m| m.to == to).unwrap().rsvp_path();
    (link("awa.coulibaly@example.org"), link("aissata.ndiaye@example.org"))
}

#[tokio::test]
async fn the_emails_yes_button_asks_to_confirm_and_only_the_post_records_with_the_comment() {
    let app = spawn_app().await;
    let c = campaign(&app, "2030-06-10T09:00:00+00:00").await;
    let (awa, _) = links(&app, &c).await;
    let invitee = app.new_browser();

    let clicked = format!("{awa}?answer=accepted");
    for _ in 0..2 {
        let html = invitee.get(&clicked).await.text().await.unwrap();
        assert_eq!(texts(&html, "#confirm-answer"), ["Confirmer : je participerai"]);
        assert_eq!(
            attrs(&html, "#confirm-form input[name=response]", "value"),
            ["accepted"]
        );
        assert!(
            attrs(&html, "input[type=radio]", "value").is_empty(),
            "one button, no radio"
        );
        assert_eq!(texts(&html, "#current-answer"), ["Pas de réponse"]);
    }
    assert_eq!(stored(&app, &c, 0).await.response, "none", "GET never records");

    let recorded = invitee
        .submit(
            &clicked,
            &awa,
            &[
                ("response", "accepted"),
                ("comment", "Je viendrai avec une interprète."),
            ],
        )
        .await;
    assert_eq!(recorded.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&recorded), format!("{awa}?recorded=1"));
    let row = stored(&app, &c, 0).await;
    assert_eq!(
        (row.response.as_str(), row.response_comment.as_str()),
        ("accepted", "Je viendrai avec une interprète.")
    );
    let html = invitee.get(&location(&recorded)).await.text().await.unwrap();
    assert_eq!(
        texts(&html, "#recorded"),
        [
            "Votre réponse est enregistrée : Oui, je participerai. Vous pouvez la modifier jusqu'au début de l'événement."
        ]
    );
    assert_eq!(texts(&html, "#current-answer"), ["Accepte"]);

    // "Decline" from the email, confirmed, changes the answer; an unknown choice falls back to the full form.
    let html = invitee
        .get(&format!("{awa}?answer=declined"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(texts(&html, "#confirm-answer"), ["Confirmer : je ne pourrai pas venir"]);
    let html = invitee.get(&format!("{awa}?answer=bogus")).await.text().await.unwrap();
    assert!(texts(&html, "#confirm-answer").is_empty());
    assert_eq!(attrs(&html, "input[type=radio]", "value").len(), 3);
}

#[tokio::test]
async fn the_language_switch_on_the_answer_page_wins_over_the_invitees_language() {
    let app = spawn_app().await;
    let c = campaign(&app, "2030-06-10T09:00:00+00:00").await;
    let (awa, aissata) = links(&app, &c).await;

    // Without a choice, each reads the page in their own language.
    let invitee = app.new_browser();
    let html = invitee.get(&aissata).await.text().await.unwrap();
    assert_eq!(attrs(&html, "html", "lang"), ["en"]);
    let html = invitee
        .get(&format!("{awa}?answer=accepted"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(attrs(&html, "html", "lang"), ["fr"]);
    assert_eq!(attrs(&html, "form.lang-switch button", "value"), ["en"]);

    // Awa presses "English": the same page, the same choice, in English.
    let next = format!("{awa}?answer=accepted");
    assert_eq!(
        attrs(&html, "form.lang-switch input[name=next]", "value"),
        [next.as_str()]
    );
    let switched = invitee
        .post_form(
            "/language",
            &[("csrf_token", &meta_csrf(&html)), ("lang", "en"), ("next", &next)],
        )
        .await;
    assert_eq!(location(&switched), next);
    let html = invitee.get(&next).await.text().await.unwrap();
    assert_eq!(attrs(&html, "html", "lang"), ["en"]);
    assert_eq!(texts(&html, "#confirm-answer"), ["Confirm: I will attend"]);

    // And back to French for Aïssata, whose record says English.
    let html = invitee.get(&aissata).await.text().await.unwrap();
    assert_eq!(attrs(&html, "html", "lang"), ["en"]);
    invitee
        .post_form(
            "/language",
            &[("csrf_token", &meta_csrf(&html)), ("lang", "fr"), ("next", &aissata)],
        )
        .await;
    let html = invitee.get(&aissata).await.text().await.unwrap();
    assert_eq!(attrs(&html, "html", "lang"), ["fr"]);
}

#[tokio::test]
async fn the_answer_page_names_the_events_venue_read_with_the_invitation() {
    let app = spawn_app().await;
    let c = campaign(&app, "2030-06-10T09:00:00+00:00").await;
    let (awa, _) = links(&app, &c).await;
    let response = app.new_browser().get(&awa).await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert_eq!(texts(&html, "h1"), ["Restitution à Kayes : femmes, jeunes; et FDS"]);
    let facts = texts(&html, "dl.facts dd");
    assert!(
        facts
            .iter()
            .any(|f| f.contains("Salle « Djoliba »; annexe") && f.contains("Kayes")),
        "the venue is named: {facts:?}"
    );
}
