//! An edit that names a version no row can have is a stale edit (409), never a crash.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let response = app
        .api(Method::POST, path, Some(token))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED, "POST {path}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn saving_over_version_i32_max_is_a_409_for_notes_outcomes_and_sections() {
    let app = spawn_app().await;
    let token = app.api_token_for("admin").await;
    let report = post(
        &app,
        &token,
        "/api/v1/reports",
        json!({"title": "Rapport préliminaire"}),
    )
    .await["id"]
        .clone();
    let section = post(
        &app,
        &token,
        &format!("/api/v1/reports/{report}/sections"),
        json!({"heading": "Contexte", "body": "Texte.", "kind": "context"}),
    )
    .await["id"]
        .clone();
    let event = post(
        &app,
        &token,
        "/api/v1/events",
        json!({"kind": "dissemination_workshop", "title": "Restitution à Kayes", "report_id": report,
               "starts_at": "2027-03-04T09:00", "ends_at": "2027-03-04T17:00"}),
    )
    .await["id"]
        .clone();
    let note = post(
        &app,
        &token,
        &format!("/api/v1/events/{event}/notes"),
        json!({"body": "Notes."}),
    )
    .await["id"]
        .clone();
    let outcome = post(
        &app,
        &token,
        &format!("/api/v1/events/{event}/outcomes"),
        json!({"kind": "amendment", "summary": "Patrouilles mixtes", "voiced_by": ["women_organization"],
               "agreement": "consensus"}),
    )
    .await["id"]
        .clone();

    for (path, body) in [
        (
            format!("/api/v1/events/{event}/notes/{note}"),
            json!({"body": "Écrasé ?", "version": i32::MAX}),
        ),
        (
            format!("/api/v1/events/{event}/outcomes/{outcome}"),
            json!({"kind": "amendment", "summary": "Écrasé ?", "voiced_by": ["media"], "agreement": "majority",
                   "version": i32::MAX}),
        ),
        (
            format!("/api/v1/reports/{report}/sections/{section}"),
            json!({"heading": "Écrasé ?", "body": "", "kind": "context", "version": i32::MAX}),
        ),
    ] {
        let response = app
            .api(Method::PUT, &path, Some(&token))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CONFLICT, "PUT {path}");
    }
    let stored: Value = app
        .api(Method::GET, &format!("/api/v1/events/{event}/notes"), Some(&token))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stored["items"][0]["body"], "Notes.", "nothing was overwritten");
}
