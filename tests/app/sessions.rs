//! Sessions live in the database, so a restart logs nobody out; sign-in starts a new one.

use entity::session;
use reqwest::StatusCode;

use crate::helpers::{HandJar, PASSWORD, meta_csrf, set_cookies, spawn_app, spawn_app_with, texts};

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

#[tokio::test]
async fn signing_in_replaces_the_session_the_browser_already_had() {
    let app = spawn_app().await;
    let first = app.create_user("premier@example.org", "viewer").await;
    let second = app.create_user("second@example.org", "organizer").await;

    let mut jar = HandJar::default();
    app.sign_in_by_hand(&first.email, &mut jar).await;
    let (_, old_session) = jar.ending_with("toguna_session").expect("a session cookie");
    let old_session = old_session.to_string();

    // Signing in again from the same browser, as another account.
    let profile = app.get_by_hand("/profile", &mut jar).await;
    assert_eq!(profile.status(), StatusCode::OK);
    let token = meta_csrf(&profile.text().await.unwrap());
    let again = app
        .post_by_hand(
            "/login",
            &mut jar,
            &[("csrf_token", &token), ("email", &second.email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    let (name, new_session) = jar.ending_with("toguna_session").expect("a session cookie");
    assert_ne!(new_session, old_session, "a new session id at sign-in");

    // Whoever kept the old id holds nothing any more.
    let mut old = HandJar::default();
    old.0.insert(name.to_string(), old_session);
    assert_eq!(
        app.get_by_hand("/profile", &mut old).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.count(session::Entity).await, 1);
}

#[tokio::test]
async fn behind_https_the_cookies_carry_the_host_prefix() {
    let app = spawn_app_with(|s| s.base_url = "https://toguna.example.org".into()).await;
    let user = app.create_user("viewer@example.org", "viewer").await;

    let mut jar = HandJar::default();
    let login_page = app.get_by_hand("/login", &mut jar).await;
    let signed_in = app.sign_in_by_hand(&user.email, &mut jar).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    let mut cookies = set_cookies(&login_page);
    cookies.extend(set_cookies(&signed_in));
    let names: Vec<&str> = cookies.iter().map(|(n, _, _)| n.as_str()).collect();
    assert!(names.contains(&"__Host-toguna_csrf"), "{names:?}");
    assert!(names.contains(&"__Host-toguna_session"), "{names:?}");
    for (name, _, attributes) in cookies.iter().filter(|(n, _, _)| n.starts_with("__Host-")) {
        let attributes = attributes.to_ascii_lowercase();
        assert!(attributes.contains("secure"), "{name}: {attributes}");
        assert!(attributes.contains("path=/"), "{name}: {attributes}");
        assert!(!attributes.contains("domain="), "{name}: {attributes}");
    }
    assert_eq!(app.get_by_hand("/profile", &mut jar).await.status(), StatusCode::OK);
}
