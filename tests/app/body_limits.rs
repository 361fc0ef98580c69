//! Bodies over the size limit get 413 in the shape the client reads, and nothing is stored.

use entity::{actor, venue};
use reqwest::header::CONTENT_TYPE;
use reqwest::{Method, StatusCode};

use crate::helpers::{api_error, spawn_app};

const MB: usize = 1024 * 1024;

#[tokio::test]
async fn a_20_mb_json_venue_gets_a_json_413_and_stores_nothing() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    let body = format!(
        r#"{{"name": "Centre Djoliba", "access_notes": "{}"}}"#,
        "a".repeat(20 * MB)
    );
    let response = app
        .api(Method::POST, "/api/v1/venues", Some(&token))
        .header(CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let error = api_error(response).await;
    assert_eq!(
        (error.status, error.code.as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
    );
    assert_eq!(app.count(venue::Entity).await, 0);
}

#[tokio::test]
async fn a_21_mb_csv_import_gets_a_json_413_and_stores_nothing() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    let mut csv = String::from("full_name,category,gender,age_group,region\n");
    while csv.len() < 21 * MB {
        csv.push_str("Aïssata Guindo,women_organization,female,adult,Kayes\n");
    }
    let error = api_error(app.import_csv(&token, &csv).await).await;
    assert_eq!(
        (error.status, error.code.as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
    );
    assert_eq!(app.count(actor::Entity).await, 0);
}

#[tokio::test]
async fn a_21_mb_upload_in_the_browser_gets_a_413_page_and_stores_nothing() {
    let app = spawn_app().await;
    app.login_as("organizer").await;
    let token = app.csrf_token("/actors/import").await;
    let mut csv = String::from("full_name,category,gender,age_group,region\n");
    while csv.len() < 21 * MB {
        csv.push_str("Aïssata Guindo,women_organization,female,adult,Kayes\n");
    }
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(csv.into_bytes())
            .file_name("actors.csv")
            .mime_str("text/csv")
            .unwrap(),
    );
    let response = app
        .client
        .post(app.url(&format!("/actors/import?csrf_token={token}")))
        .header(reqwest::header::ACCEPT_LANGUAGE, "en")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let html = response.text().await.unwrap();
    assert!(html.contains("What was sent is too large."), "{html}");
    assert_eq!(app.count(actor::Entity).await, 0);
}
