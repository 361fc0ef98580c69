//! The event page and the guest list API at scale: constant SQL statements, counts on the events list, drafts.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{spawn_app, texts};

#[tokio::test]
async fn the_event_page_and_the_guest_list_api_run_as_many_statements_for_200_guests_as_for_20() {
    // Without the outbox worker, whose polling would be counted too.
    let app = crate::helpers::spawn_app_with(|s| s.run_worker = false).await;
    let token = app.api_token_for("organizer").await;
    let (browser, _) = app.browser_as("organizer").await;
    let small = app.workshop_with_guests(&token, 20).await;
    // The second import adds guests 20 to 199 (the first 20 are known by email); that workshop invites all 200.
    let large = app.workshop_with_guests(&token, 200).await;
    let mut counts = Vec::new();
    for (id, guests) in [(small, 20), (large, 200)] {
        let page = format!("/events/{id}");
        browser.get(&page).await; // warm the session
        let (response, page_statements) = app.queries_during(browser.get(&page)).await;
        let html = response.text().await.unwrap();
        assert_eq!(texts(&html, "#guest-total"), [guests.to_string()]);
        let shown = texts(&html, "#guest-table .guest-name").len();
        assert_eq!(shown, guests.min(100));
        let filtered = format!("{page}?q=invitee&response=none&comment=no");
        let (_, filtered_statements) = app.queries_during(browser.get(&filtered)).await;
        let api = app.api(
            Method::GET,
            &format!("/api/v1/events/{id}/invitations?per_page=200"),
            Some(&token),
        );
        let (response, api_statements) = app.queries_during(api.send()).await;
        let listed: serde_json::Value = response.unwrap().json().await.unwrap();
        assert_eq!(listed["items"].as_array().unwrap().len(), guests);
        counts.push((page_statements, filtered_statements, api_statements));
    }
    assert_eq!(
        counts[0], counts[1],
        "statements (page, filtered page, API) at 20 and 200 guests"
    );
    assert!(
        counts[0].0 <= 30,
        "the event page stays a handful of statements: {counts:?}"
    );
}

#[tokio::test]
async fn the_events_list_shows_answer_and_delivery_counts_and_a_draft_says_to_schedule_first() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    let id = app.workshop_with_guests(&token, 3).await;
    app.send_invitations(&token, id).await;
    let (browser, _) = app.browser_as("organizer").await;
    let html = browser.get("/events").await.text().await.unwrap();
    assert_eq!(
        texts(&html, ".event-counts .answers-line"),
        ["Réponses : Accepte 0 Peut-être 0 Décline 0 Pas de réponse 3"]
    );
    assert_eq!(texts(&html, ".event-counts .delivery-line").len(), 1);
    let deliveries = texts(&html, ".event-counts .delivery-line")[0].clone();
    assert!(deliveries.starts_with("Envois :"), "{deliveries}");

    let draft = app
        .api_ok(
            Method::POST,
            "/api/v1/events",
            &token,
            json!({"kind": "dissemination_workshop", "title": "Brouillon",
                "starts_at": "2030-06-10T09:00", "ends_at": "2030-06-10T17:00"}),
        )
        .await;
    let page = browser.get(&format!("/events/{}", draft["id"])).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert_eq!(
        texts(&html, "#draft-first"),
        ["Cet événement est un brouillon : planifiez-le avant que les invitations puissent partir."]
    );
    assert!(texts(&html, "#send-invitations").is_empty());

    // Row actions say what they do and for whom; no cryptic "…".
    let html = browser.get(&format!("/events/{id}")).await.text().await.unwrap();
    let summaries = texts(&html, "a.manage-guest");
    assert_eq!(summaries.len(), 3);
    assert!(
        summaries.iter().all(|s| s.starts_with("Gérer l’invitation — Invitée")),
        "{summaries:?}"
    );
    assert!(!html.contains("<summary>…</summary>"));
}
