//! The API wants a bearer token: none or a revoked one gets 401.

use reqwest::{Method, StatusCode};

use crate::helpers::{spawn_app, texts};

#[tokio::test]
async fn the_api_without_a_token_gets_401_in_the_documented_shape() {
    let app = spawn_app().await;
    let response = app.api(Method::GET, "/api/v1/venues", None).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthorized");
    assert!(body["error"]["message"].as_str().unwrap().len() > 3);

    let wrong = app
        .api(Method::GET, "/api/v1/venues", Some("tgn_not-a-real-token"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_session_cookie_does_not_open_the_api() {
    let app = spawn_app().await;
    app.login_as("admin").await;
    let response = app.get("/api/v1/venues").await;
    assert_eq!(
        response.status(),
        StatusCode::UNAUTHORIZED,
        "cookies are for pages only"
    );
}

#[tokio::test]
async fn a_user_makes_a_token_on_the_profile_page_uses_it_then_revokes_it() {
    let app = spawn_app().await;
    app.login_as("organizer").await;

    let page = app
        .submit("/profile", "/profile/tokens", &[("name", "Tableur de suivi")])
        .await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    let token = texts(&html, "#new-token").pop().expect("the token is shown once");
    assert!(token.starts_with("tgn_"));
    let stored = entity::api_token::Entity::find_by_id(1)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(stored.token_hash, token, "only a hash is stored");

    let ok = app
        .api(Method::GET, "/api/v1/venues", Some(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    let body: serde_json::Value = ok.json().await.unwrap();
    assert_eq!(body["total"], 0);

    let profile = app.get("/profile").await.text().await.unwrap();
    assert!(!profile.contains(&token), "never shown again");
    let revoked = app
        .submit("/profile", &format!("/profile/tokens/{}/revoke", stored.id), &[])
        .await;
    assert_eq!(revoked.status(), StatusCode::SEE_OTHER);

    let refused = app
        .api(Method::GET, "/api/v1/venues", Some(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_health_check_answers_without_a_token() {
    let app = spawn_app().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
}

use sea_orm::EntityTrait;
