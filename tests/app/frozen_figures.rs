//! Figures that never move: editing or merging actors after an event changes none of its figures,
//! nor the annex of a version published with it.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::checkin::{EventDay, event_day, mark};
use crate::helpers::{TestApp, api_error, fixture, spawn_app};

/// The bytes of a GET answer that must succeed.
async fn bytes(app: &TestApp, path: &str, token: &str) -> String {
    let response = app.api(Method::GET, path, Some(token)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.text().await.unwrap()
}

/// Every figure anyone can see of one event, as exported bytes.
async fn figures(app: &TestApp, token: &str, event: i64, report: i64) -> Vec<String> {
    let mut out = Vec::new();
    for path in [
        format!("/api/v1/events/{event}/attendance/summary"),
        format!("/api/v1/events/{event}/attendance/summary?published=true"),
        format!("/api/v1/attendance/summary?report_id={report}"),
        format!("/api/v1/attendance/summary?report_id={report}&published=true"),
        format!("/api/v1/events/{event}"),
    ] {
        out.push(bytes(app, &path, token).await);
    }
    out
}

/// The actor behind a guest, edited: another gender, age group, category and region.
pub(crate) async fn edit_everything(app: &TestApp, token: &str, actor_id: i64) {
    let actor: Value = serde_json::from_str(&bytes(app, &format!("/api/v1/actors/{actor_id}"), token).await).unwrap();
    let gender = if actor["gender"] == "female" { "male" } else { "female" };
    let input = json!({
        "full_name": actor["full_name"], "honorific": actor["honorific"], "organization": actor["organization"],
        "category": "defense_security_forces", "gender": gender, "age_group": "elder", "region": "Tombouctou",
        "town": actor["town"], "language": actor["language"], "email": actor["email"], "phone": actor["phone"],
        "consent_contact": actor["consent_contact"], "notes": actor["notes"],
    });
    app.api_ok(Method::PUT, &format!("/api/v1/actors/{actor_id}"), token, input)
        .await;
}

async fn guest_actor_ids(app: &TestApp, token: &str, event: i64) -> Vec<i64> {
    let listed: Value =
        serde_json::from_str(&bytes(app, &format!("/api/v1/events/{event}/invitations?per_page=200"), token).await)
            .unwrap();
    listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["actor_id"].as_i64().unwrap())
        .collect()
}

/// A report of the fixture, the event linked to it, 12 of 14 guests present, the event completed
/// and a version published.
async fn published_workshop(app: &TestApp) -> (EventDay, i64) {
    let editor = app.api_token_for("editor").await;
    let input: Value = serde_json::from_str(&fixture("report-preliminary.json")).unwrap();
    let report = app.api_ok(Method::POST, "/api/v1/reports/import", &editor, input).await["id"]
        .as_i64()
        .unwrap();
    let day = event_day(app, 14, "Restitution à Kayes").await;
    let path = format!("/api/v1/events/{}", day.event_id);
    app.api_ok(Method::PATCH, &path, &day.token, json!({"report_id": report}))
        .await;
    for (invitation, _) in day.guests.iter().take(12) {
        let body = json!({"invitation_id": invitation, "client_id": uuid::Uuid::new_v4().to_string()});
        assert!(mark(app, &day, body).await.status().is_success());
    }
    let path = format!("/api/v1/events/{}/complete", day.event_id);
    app.api_ok(Method::POST, &path, &day.token, json!({})).await;
    let path = format!("/api/v1/reports/{report}/versions");
    app.api_ok(Method::POST, &path, &editor, json!({"label": "Rapport final"}))
        .await;
    (day, report)
}

#[tokio::test]
async fn editing_and_merging_actors_after_an_event_leaves_its_figures_and_annex_byte_identical() {
    let app = spawn_app().await;
    let (day, report) = published_workshop(&app).await;
    let (viewer, _) = app.browser_as("viewer").await;
    let annex_path = format!("/reports/{report}/versions/1/export.md");
    let annex = viewer.get(&annex_path).await.text().await.unwrap();
    assert!(annex.contains("Lieu : Centre Djoliba, Kayes"), "{annex}");
    let before = figures(&app, &day.token, day.event_id, report).await;
    let summary: Value = serde_json::from_str(&before[0]).unwrap();
    assert_eq!(summary["present"], 12, "{summary}");

    // Every guest's directory entry changes, and one guest is merged into a new record.
    let actors = guest_actor_ids(&app, &day.token, day.event_id).await;
    for actor in &actors {
        edit_everything(&app, &day.token, *actor).await;
    }
    let newcomer = app
        .api_ok(
            Method::POST,
            "/api/v1/actors",
            &day.token,
            json!({"full_name": "Doublon Traoré", "category": "religious_authority", "gender": "male",
                   "age_group": "youth", "region": "Gao", "town": "Gao"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let (organizer, _) = app.browser_as("organizer").await;
    let merged = organizer
        .submit(
            "/actors/duplicates",
            &format!("/actors/{newcomer}/merge"),
            &[("other_id", &actors[0].to_string())],
        )
        .await;
    assert_eq!(merged.status(), StatusCode::SEE_OTHER);
    // The directory did change…
    let edited: Value =
        serde_json::from_str(&bytes(&app, &format!("/api/v1/actors/{}", actors[1]), &day.token).await).unwrap();
    assert_eq!(edited["region"], "Tombouctou");
    // …but no figure of the event, and not one byte of the annex.
    let after = figures(&app, &day.token, day.event_id, report).await;
    for (was, is) in before.iter().zip(&after) {
        assert_eq!(was, is, "a past figure moved");
    }
    assert_eq!(viewer.get(&annex_path).await.text().await.unwrap(), annex);

    // The venue renamed later: live pages follow it, the published annex does not.
    let event: Value = serde_json::from_str(&before[4]).unwrap();
    let venue = event["venue_id"].as_i64().expect("the event has a venue");
    app.api_ok(
        Method::PUT,
        &format!("/api/v1/venues/{venue}"),
        &day.token,
        json!({"name": "Salle renommée", "region": "Koulikoro", "town": "Koulikoro"}),
    )
    .await;

    let live = bytes(
        &app,
        &format!("/api/v1/attendance/summary?report_id={report}"),
        &day.token,
    )
    .await;
    assert!(live.contains("Salle renommée"), "{live}");
    assert_eq!(viewer.get(&annex_path).await.text().await.unwrap(), annex);
}

#[tokio::test]
async fn an_organizer_refreshes_a_guest_before_the_event_but_never_after_it_is_completed() {
    let app = spawn_app().await;
    let day = event_day(&app, 6, "Restitution à Kayes").await;
    let guests_of = |body: &str| -> Value { serde_json::from_str::<Value>(body).unwrap()["guests"].clone() };
    let event_path = format!("/api/v1/events/{}", day.event_id);
    let first = guests_of(&bytes(&app, &event_path, &day.token).await);
    let (invitation, _) = day.guests[0];
    let actor = guest_actor_ids(&app, &day.token, day.event_id).await[0];
    edit_everything(&app, &day.token, actor).await;
    assert_eq!(
        guests_of(&bytes(&app, &event_path, &day.token).await),
        first,
        "an edit alone moves nothing"
    );

    let refresh = format!("/api/v1/events/{}/invitations/{invitation}/refresh", day.event_id);
    app.api_ok(Method::POST, &refresh, &day.token, json!({})).await;
    let refreshed = guests_of(&bytes(&app, &event_path, &day.token).await);
    assert_eq!(refreshed["by_category"]["defense_security_forces"], 1, "{refreshed}");
    assert_ne!(refreshed, first);

    let path = format!("/api/v1/events/{}/complete", day.event_id);
    app.api_ok(Method::POST, &path, &day.token, json!({})).await;
    edit_everything(&app, &day.token, actor).await;
    let response = app.api(Method::POST, &refresh, Some(&day.token)).send().await.unwrap();
    let error = api_error(response).await;
    assert_eq!(error.status, StatusCode::CONFLICT);
    assert!(
        error.message.contains("completed") || error.message.contains("terminé"),
        "{}",
        error.message
    );
    assert_eq!(guests_of(&bytes(&app, &event_path, &day.token).await), refreshed);
}
