//! Sessions live in the database, so a restart logs nobody out.

use reqwest::StatusCode;

use crate::helpers::{spawn_app, texts};

#[tokio::test]
async fn a_session_survives_a_restart_of_the_server() {
    let mut app = spawn_app().await;
    let user = app.login_as("organizer").await;
    let before = app.address.clone();

    app.restart().await;
    assert_ne!(before, app.address, "a new server process on a new port");

    let page = app.get("/profile").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(texts(&html, "main p").iter().any(|t| t.contains(&user.email)));
    // A form still works: the CSRF secret is kept too.
    let created = app
        .submit("/venues/new", "/venues", &[("name", "Salle après redémarrage")])
        .await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_deactivated_account_loses_its_session_at_once() {
    let app = spawn_app().await;
    let viewer = app.login_as("viewer").await;
    let (admin, _) = app.browser_as("admin").await;
    let token = admin.csrf_token("/admin/users").await;
    let response = admin
        .post_form(
            &format!("/admin/users/{}", viewer.id),
            &[("csrf_token", &token), ("role", "viewer")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.get("/venues").await.status(),
        StatusCode::SEE_OTHER,
        "sent back to sign-in"
    );
    assert_eq!(
        app.login(&viewer.email, crate::helpers::PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
}
