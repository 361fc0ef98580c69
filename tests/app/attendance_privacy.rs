//! Attendance rows and walk-in names are for organizers; other roles see only the suppressed summary.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn viewer_cannot_rebuild_hidden_counts_from_attendance_rows() {
    let app = spawn_app().await;
    let organizer = app.api_token_for("organizer").await;
    let event = app.scheduled_workshop(&organizer, "Restitution à Kayes", "Kayes").await;
    let person = json!({"full_name": "Fatoumata Sidibé", "gender": "female", "age_group": "youth",
        "category": "media", "region": "Kayes"});
    assert_eq!(
        app.walk_in(&organizer, event, person).await.status(),
        StatusCode::CREATED
    );
    let rows_path = format!("/api/v1/events/{event}/attendance");

    for role in ["viewer", "rapporteur", "editor"] {
        let token = app.api_token_for(role).await;
        let response = app.api(Method::GET, &rows_path, Some(&token)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{role}");
        let body = response.text().await.unwrap();
        assert!(!body.contains("Sidibé"), "{role} learns no name: {body}");
        let error: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(error["error"]["code"], "forbidden", "{role}");

        let summary = app
            .api_ok(
                Method::GET,
                &format!("/api/v1/events/{event}/attendance/summary"),
                &token,
                json!(null),
            )
            .await;
        assert!(!summary.to_string().contains("Sidibé"), "{role}: {summary}");
    }

    let rows = app.api_ok(Method::GET, &rows_path, &organizer, json!(null)).await;
    assert_eq!(rows["total"], 1);
    assert_eq!(rows["items"][0]["full_name"], "Fatoumata Sidibé");
    let admin = app.api_token_for("admin").await;
    let rows = app.api_ok(Method::GET, &rows_path, &admin, json!(null)).await;
    assert_eq!(rows["total"], 1);
}

#[tokio::test]
async fn the_check_in_desk_and_paper_sheets_are_closed_to_viewers() {
    let app = spawn_app().await;
    let organizer = app.api_token_for("organizer").await;
    let event = app.scheduled_workshop(&organizer, "Restitution à Kayes", "Kayes").await;
    let person = json!({"full_name": "Fatoumata Sidibé", "gender": "female", "age_group": "youth",
        "category": "media", "region": "Kayes"});
    assert_eq!(
        app.walk_in(&organizer, event, person).await.status(),
        StatusCode::CREATED
    );
    let (viewer, _) = app.browser_as("viewer").await;
    for path in [
        format!("/events/{event}/checkin"),
        format!("/events/{event}/checkin/sheet"),
        format!("/events/{event}/checkin/paper"),
    ] {
        let response = viewer.get(&path).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
        assert!(!response.text().await.unwrap().contains("Sidibé"), "{path}");
    }
    for path in [format!("/events/{event}"), format!("/events/{event}/attendance/stats")] {
        let response = viewer.get(&path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(!response.text().await.unwrap().contains("Sidibé"), "{path}");
    }
}
