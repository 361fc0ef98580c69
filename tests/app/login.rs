//! Signing in: wrong passwords, growing waits after failures, where sign-in leads, signing out.

use std::time::Duration;

use entity::session;
use reqwest::StatusCode;

use crate::helpers::{PASSWORD, location, spawn_app, spawn_app_with, texts};

#[tokio::test]
async fn a_wrong_password_shows_a_clear_message_and_opens_no_session() {
    let app = spawn_app().await;
    app.create_user("organizer@example.org", "organizer").await;

    let response = app.login("organizer@example.org", "pas le bon mot de passe").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(
        !response
            .headers()
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("toguna_session=")),
        "no session cookie"
    );
    let html = response.text().await.unwrap();
    assert_eq!(
        texts(&html, "[role=alert]"),
        ["Adresse e-mail ou mot de passe incorrect."]
    );
    assert_eq!(app.count(session::Entity).await, 0);
    assert_eq!(
        location(&app.get("/venues").await),
        "/login?next=%2Fvenues",
        "still signed out"
    );
}

#[tokio::test]
async fn failures_make_the_next_try_wait_and_the_right_password_works_after_the_wait() {
    let app = spawn_app_with(|s| {
        s.login.free_failures = 3;
        s.login.first_delay = Duration::from_millis(500);
        s.login.max_delay = Duration::from_secs(1);
    })
    .await;
    app.create_user("cible@example.org", "admin").await;

    for attempt in 1..=3 {
        let response = app.login("cible@example.org", "devine-devine").await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "attempt {attempt} is checked"
        );
    }
    // Right away, even the right password waits: the answer says how long.
    let early = app.login("cible@example.org", PASSWORD).await;
    assert_eq!(early.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = early.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert_eq!(retry_after, 1, "whole seconds, rounded up");
    let html = early.text().await.unwrap();
    assert_eq!(
        texts(&html, "[role=alert]"),
        ["Trop de tentatives de connexion échouées. Attendez 1 s, puis réessayez."]
    );
    assert_eq!(app.count(session::Entity).await, 0);

    // Another account is not slowed down by the attack on this one.
    app.create_user("autre@example.org", "viewer").await;
    assert_eq!(
        app.new_browser().login("autre@example.org", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );

    // After the wait the admin gets in: guessing slows down, it never locks the owner out.
    tokio::time::sleep(Duration::from_secs(retry_after)).await;
    let admitted = app.login("cible@example.org", PASSWORD).await;
    assert_eq!(admitted.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get("/venues").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn one_address_trying_many_accounts_is_slowed_down_too() {
    let app = spawn_app_with(|s| {
        s.login.free_failures_per_ip = 4;
        s.login.first_delay = Duration::from_secs(30);
        s.login.max_delay = Duration::from_secs(30);
    })
    .await;
    app.create_user("admin@example.org", "admin").await;
    for n in 1..=4 {
        let response = app.login(&format!("compte{n}@example.org"), "devine-devine").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "account {n}");
    }
    let sprayed = app.login("compte5@example.org", "devine-devine").await;
    assert_eq!(sprayed.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(sprayed.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let app = spawn_app().await;
    app.login_as("viewer").await;
    assert_eq!(app.get("/venues").await.status(), StatusCode::OK);

    let out = app.submit("/venues", "/logout", &[]).await;
    assert_eq!(location(&out), "/login");
    assert_eq!(app.count(session::Entity).await, 0);
    assert_eq!(app.get("/venues").await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn sign_in_returns_to_the_page_asked_for_but_never_to_another_site() {
    let app = spawn_app().await;
    let user = app.create_user("viewer@example.org", "viewer").await;
    let back = app
        .submit(
            "/login",
            "/login",
            &[
                ("email", &user.email),
                ("password", PASSWORD),
                ("next", "/venues?page=2"),
            ],
        )
        .await;
    assert_eq!(location(&back), "/venues?page=2");

    let other = crate::helpers::spawn_app().await;
    let user = other.create_user("viewer@example.org", "viewer").await;
    let away = other
        .submit(
            "/login",
            "/login",
            &[
                ("email", &user.email),
                ("password", PASSWORD),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(location(&away), "/");
}

#[tokio::test]
async fn a_next_address_in_disguise_never_leads_to_another_site() {
    let app = spawn_app().await;
    app.login_as("viewer").await;
    for hostile in [
        "/\t/evil.example",
        "/\r\n/evil.example",
        "/\nSet-Cookie:%20x=1",
        "/\\evil.example",
        "/\\/evil.example",
        "//evil.example",
        "%2F%2Fevil.example",
        "https://evil.example/",
        "https:evil.example",
        " //evil.example",
    ] {
        let query: String = url::form_urlencoded::byte_serialize(hostile.as_bytes()).collect();
        let response = app.get(&format!("/login?next={query}")).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{hostile:?}");
        assert_eq!(location(&response), "/", "{hostile:?}");
    }
    // The very links the probe used: a tab and a line feed encoded in the query.
    for raw in [
        "/login?next=/%09/evil.example",
        "/login?next=/%0A/evil.example",
        "/login?next=/%5C/evil.example",
    ] {
        let response = app.get(raw).await;
        assert_eq!(location(&response), "/", "{raw}");
    }
    // Encoded characters that stay inside the path are kept as they are.
    let inside = app.get("/login?next=%2Fvenues%3Fq%3Dk%C3%A9ita").await;
    assert_eq!(location(&inside), "/venues?q=k%C3%A9ita");
}
