//! The event page's guest rows stay light at a national launch's scale (no form in a row, under
//! 1 KB each) and their actions still work without script: resending from the row through one
//! shared form, the rarer actions on the guest's own page.

use entity::{invitation, outbox_message};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::helpers::{TestApp, attrs, form_fields, location, spawn_app, texts};

/// Waits until the worker has sent the invitations of `event`, so every row offers a resend.
async fn wait_until_sent(app: &TestApp, event: i64, guests: usize) {
    for _ in 0..600 {
        let sent = invitation::Entity::find()
            .filter(invitation::Column::EventId.eq(event as i32))
            .filter(invitation::Column::Delivery.eq("sent"))
            .all(&app.db)
            .await
            .unwrap();
        if sent.len() == guests {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the invitations of event {event} were not all sent");
}

/// How many messages the outbox holds for one invitation, whatever their state.
async fn messages_to(app: &TestApp, invitation_id: i32) -> usize {
    outbox_message::Entity::find()
        .filter(outbox_message::Column::InvitationId.eq(invitation_id))
        .all(&app.db)
        .await
        .unwrap()
        .len()
}

async fn stored(app: &TestApp, id: i32) -> invitation::Model {
    invitation::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap()
}

#[tokio::test]
async fn a_guest_row_weighs_under_a_kilobyte_and_resends_through_the_pages_one_shared_form() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    let id = app.workshop_with_guests(&token, 100).await;
    app.send_invitations(&token, id).await;
    // Sent rows are the heaviest: each offers a resend button.
    wait_until_sent(&app, id, 100).await;
    let (browser, _) = app.browser_as("organizer").await;
    let page = format!("/events/{id}");
    let full = browser.get(&page).await.text().await.unwrap();
    let few = browser.get(&format!("{page}?per_page=10")).await.text().await.unwrap();
    assert_eq!(texts(&full, "#guest-table .guest-name").len(), 100);
    assert_eq!(texts(&few, "#guest-table .guest-name").len(), 10);
    let per_row = (full.len() - few.len()) / 90;
    assert!(per_row < 1000, "{per_row} bytes a guest row");
    assert!(
        attrs(&full, "#guest-table form", "method").is_empty(),
        "no form inside the table"
    );
    assert_eq!(attrs(&full, "form#row-post input[name=csrf_token]", "value").len(), 1);

    // Each row's button names its guest and posts the shared form to that guest's address.
    let buttons = attrs(&full, "#guest-table button.resend", "formaction");
    assert_eq!(buttons.len(), 100);
    let labels = attrs(&full, "#guest-table button.resend", "aria-label");
    assert!(
        labels.iter().all(|l| l.starts_with("Renvoyer à Invitée ")),
        "{labels:?}"
    );
    let (invitation_id, _) = buttons[0]
        .trim_start_matches(&format!("/events/{id}/guests/"))
        .split_once('/')
        .unwrap();
    let invitation_id: i32 = invitation_id.parse().unwrap();
    assert_eq!(messages_to(&app, invitation_id).await, 1);
    let pressed = browser
        .press(&full, &format!("#guest-{invitation_id} button.resend"))
        .await;
    assert_eq!(pressed.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&pressed), format!("{page}#guests"));
    let after = browser.get(&page).await.text().await.unwrap();
    let flashes = texts(&after, ".flash");
    assert!(flashes.iter().any(|f| f.contains("remis en file")), "{flashes:?}");
    assert_eq!(
        messages_to(&app, invitation_id).await,
        2,
        "the invitation, then the resend"
    );
}

#[tokio::test]
async fn an_organizer_records_an_answer_received_by_phone_on_the_guests_page_in_french_or_english() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    let id = app.workshop_with_guests(&token, 3).await;
    let other = app.workshop_with_guests(&token, 1).await;
    let (browser, _) = app.browser_as("organizer").await;
    let page = format!("/events/{id}");
    let html = browser.get(&page).await.text().await.unwrap();
    let links = attrs(&html, "#guest-table a.manage-guest", "href");
    assert_eq!(links.len(), 3, "one link a row");
    let guest_page = links[0].clone();
    let invitation_id: i32 = guest_page.rsplit('/').next().unwrap().parse().unwrap();
    assert_eq!(
        texts(&html, &format!("#guest-{invitation_id} a.manage-guest")),
        ["Gérer l’invitation — Invitée 0"]
    );

    let html = browser.get(&guest_page).await.text().await.unwrap();
    assert_eq!(texts(&html, "h1"), ["Invitée 0"]);
    assert_eq!(
        texts(&html, &format!("label[for=answer-{invitation_id}]")),
        ["Noter la réponse de Invitée 0"]
    );
    let answer = format!("{guest_page}/answer");
    assert_eq!(
        attrs(&html, "#guest-answer form", "action"),
        std::slice::from_ref(&answer)
    );
    assert_eq!(
        form_fields(&html, "#guest-answer form"),
        [("response".into(), "accepted".into()), ("via".into(), "phone".into())]
    );
    assert_eq!(
        attrs(&html, "a.remove-guest", "href"),
        [format!("{guest_page}/delete/confirm")]
    );
    let recorded = browser
        .submit(&guest_page, &answer, &[("response", "declined"), ("via", "phone")])
        .await;
    assert_eq!(recorded.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&recorded), format!("{page}#guests"));
    let row = stored(&app, invitation_id).await;
    assert_eq!(
        (row.response.as_str(), row.responded_via.as_str()),
        ("declined", "phone")
    );
    let html = browser.get(&page).await.text().await.unwrap();
    let selector = format!("#guest-{invitation_id} td");
    assert!(
        texts(&html, &selector).iter().any(|t| t == "Décline par téléphone"),
        "{:?}",
        texts(&html, &selector)
    );

    let english = browser.get_in(&guest_page, "en").await.text().await.unwrap();
    assert_eq!(texts(&english, "#guest-answer h2"), ["Answer received"]);
    assert_eq!(
        texts(&english, &format!("label[for=answer-{invitation_id}]")),
        ["Record the answer of Invitée 0"]
    );
    let list = browser.get_in(&page, "en").await.text().await.unwrap();
    assert_eq!(
        texts(&list, &format!("#guest-{invitation_id} a.manage-guest")),
        ["Manage invitation — Invitée 0"]
    );

    // Another event's guest is not found through this event's address.
    let elsewhere = browser.get(&format!("/events/{other}/guests/{invitation_id}")).await;
    assert_eq!(elsewhere.status(), StatusCode::NOT_FOUND);
}
