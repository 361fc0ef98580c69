//! Minimum exposure: an actor's email and phone reach admins and organizers only; rapporteurs,
//! editors and viewers see the directory without them, in pages, the API and the CSV export.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, texts};

const EMAIL: &str = "awa.contact@example.org";
const PHONE: &str = "+22376123456";

/// Everything a role can read about the directory, as the bytes it receives.
async fn what_role_reads(app: &TestApp, role: &str, token: &str, id: &Value) -> Vec<(String, String)> {
    let mut read = Vec::new();
    for path in [
        "/api/v1/actors".to_string(),
        format!("/api/v1/actors/{id}"),
        "/api/v1/actors?q=awa".to_string(),
    ] {
        let response = app.api(Method::GET, &path, Some(token)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{role} {path}");
        read.push((path, response.text().await.unwrap()));
    }
    let (browser, _) = app.browser_as(role).await;
    for path in [
        "/actors".to_string(),
        format!("/actors/{id}"),
        "/actors/duplicates".to_string(),
        "/actors/export.csv".to_string(),
        "/actors/export.csv?format=excel".to_string(),
    ] {
        let response = browser.get(&path).await;
        assert_eq!(response.status(), StatusCode::OK, "{role} {path}");
        read.push((path, response.text().await.unwrap()));
    }
    read
}

#[tokio::test]
async fn only_admins_and_organizers_see_an_actors_email_and_phone() {
    let app = spawn_app().await;
    let organizer = app.api_token_for("organizer").await;
    let person = json!({"full_name": "Awa Diarra", "category": "civil_society", "gender": "female",
                        "town": "Kayes", "email": EMAIL, "phone": PHONE, "consent_contact": true});
    let id = app
        .api_ok(Method::POST, "/api/v1/actors", &organizer, person.clone())
        .await["id"]
        .clone();
    // A twin known only by the same email, so that the duplicates page lists the pair.
    let twin = json!({"full_name": "A. Diarra", "category": "civil_society", "gender": "female",
                      "town": "Kita", "email": EMAIL});
    app.api_ok(Method::POST, "/api/v1/actors", &organizer, twin).await;

    for role in ["admin", "organizer", "rapporteur", "editor", "viewer"] {
        let token = if role == "organizer" {
            organizer.clone()
        } else {
            app.api_token_for(role).await
        };
        let sees = matches!(role, "admin" | "organizer");
        for (path, body) in what_role_reads(&app, role, &token, &id).await {
            let phone_as_stored = body.contains(PHONE) || body.contains("22376123456");
            assert_eq!(body.contains(EMAIL), sees, "{role} {path}: the email");
            if path != "/actors/duplicates" {
                assert_eq!(phone_as_stored, sees, "{role} {path}: the phone");
            } else {
                assert!(sees || !phone_as_stored, "{role} {path}: the phone");
            }
            if path == "/actors" {
                // The duplicate check still sees the hidden email: both are flagged for everyone.
                assert_eq!(
                    texts(&body, "a.badge.warn").len(),
                    2,
                    "{role} {path}: the duplicate badges"
                );
            }
            if !sees && path.starts_with("/actors") && !path.contains("csv") && path != "/actors/duplicates" {
                assert_eq!(
                    texts(&body, "#contacts-hidden").len(),
                    1,
                    "{role} {path}: says why the contacts are not shown"
                );
            }
        }
        let one: Value = app
            .api(Method::GET, &format!("/api/v1/actors/{id}"), Some(&token))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if sees {
            assert_eq!(
                (one["email"].as_str(), one["phone"].as_str()),
                (Some(EMAIL), Some(PHONE))
            );
        } else {
            assert_eq!((&one["email"], &one["phone"]), (&Value::Null, &Value::Null), "{role}");
            // The rest of the entry is there: the directory is still useful to them.
            assert_eq!(one["full_name"], "Awa Diarra");
            assert_eq!(one["consent_contact"], true);
        }
    }

    // The API description says so, for whoever writes a client.
    let doc = app.get("/api/openapi.json").await.text().await.unwrap();
    assert!(
        doc.contains("minimum exposure"),
        "the OpenAPI document documents the rule"
    );
}
