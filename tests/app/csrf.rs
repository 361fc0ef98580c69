//! A form POST without the page's CSRF token, with another session's token, or from another site is refused and stores nothing.

use entity::{api_token, venue};
use reqwest::StatusCode;

use crate::helpers::{HandJar, location, meta_csrf, spawn_app, texts};

#[tokio::test]
async fn a_form_post_without_a_valid_csrf_token_gets_403_and_stores_nothing() {
    let app = spawn_app().await;
    app.login_as("organizer").await;

    let missing = app.post_form("/venues", &[("name", "Salle sans jeton")]).await;
    assert_eq!(missing.status(), StatusCode::FORBIDDEN);
    assert!(missing.text().await.unwrap().contains("Le formulaire a expiré"));

    let forged = app
        .post_form("/venues", &[("csrf_token", &"0".repeat(64)), ("name", "Salle forgée")])
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    // A token valid for another browser does not work in this one.
    let other = app.new_browser();
    let foreign_token = other.csrf_token("/login").await;
    let stolen = app
        .post_form("/venues", &[("csrf_token", &foreign_token), ("name", "Salle volée")])
        .await;
    assert_eq!(stolen.status(), StatusCode::FORBIDDEN);

    let token_form = app.post_form("/profile/tokens", &[("name", "sans jeton")]).await;
    assert_eq!(token_form.status(), StatusCode::FORBIDDEN);

    assert_eq!(app.count(venue::Entity).await, 0);
    assert_eq!(app.count(api_token::Entity).await, 0);

    // The same form with the page's token goes through.
    let ok = app
        .submit("/venues/new", "/venues", &[("name", "Salle avec jeton")])
        .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count(venue::Entity).await, 1);
}

#[tokio::test]
async fn signing_in_also_needs_the_token() {
    let app = spawn_app().await;
    let user = app.create_user("viewer@example.org", "viewer").await;
    let response = app
        .post_form(
            "/login",
            &[("email", &user.email), ("password", crate::helpers::PASSWORD)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count(entity::session::Entity).await, 0);
}

#[tokio::test]
async fn an_attackers_own_cookie_and_token_do_not_work_with_the_victims_session() {
    let app = spawn_app().await;
    let victim = app.create_user("victime@example.org", "organizer").await;

    // The attacker visits Toguna and keeps the visitor cookie and the token that goes with it.
    let mut attacker = HandJar::default();
    let page = app.get_by_hand("/login", &mut attacker).await;
    let attacker_token = meta_csrf(&page.text().await.unwrap());
    let (visitor_name, attacker_cookie) = attacker.ending_with("toguna_csrf").expect("visitor cookie");
    let (visitor_name, attacker_cookie) = (visitor_name.to_string(), attacker_cookie.to_string());

    // The victim is signed in; the attacker manages to plant their own visitor cookie beside the session.
    let mut victim_jar = HandJar::default();
    let signed_in = app.sign_in_by_hand(&victim.email, &mut victim_jar).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    victim_jar.0.insert(visitor_name, attacker_cookie);

    let forged = app
        .post_by_hand(
            "/venues",
            &mut victim_jar,
            &[("csrf_token", &attacker_token), ("name", "Salle de l'attaquant")],
        )
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(forged.text().await.unwrap().contains("Le formulaire a expiré"));
    assert_eq!(app.count(venue::Entity).await, 0);
}

#[tokio::test]
async fn a_token_from_before_signing_out_is_refused_after_a_new_sign_in() {
    let app = spawn_app().await;
    let user = app.login_as("organizer").await;
    let old_token = app.csrf_token("/venues/new").await;

    let out = app.submit("/venues", "/logout", &[]).await;
    assert_eq!(location(&out), "/login");
    app.login_ok(&user.email).await;

    let stale = app
        .post_form("/venues", &[("csrf_token", &old_token), ("name", "Salle d'hier")])
        .await;
    assert_eq!(stale.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count(venue::Entity).await, 0);

    let fresh = app.submit("/venues/new", "/venues", &[("name", "Salle du jour")]).await;
    assert_eq!(fresh.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count(venue::Entity).await, 1);
}

#[tokio::test]
async fn a_form_posted_from_another_site_is_refused_even_with_a_valid_token() {
    let app = spawn_app().await;
    app.login_as("organizer").await;
    let token = app.csrf_token("/venues/new").await;
    let post = |header: &'static str, value: String| {
        app.client
            .post(app.url("/venues"))
            .header(header, value)
            .form(&[("csrf_token", token.as_str()), ("name", "Salle")])
            .send()
    };

    let from_evil = post("origin", "https://evil.example".into()).await.unwrap();
    assert_eq!(from_evil.status(), StatusCode::FORBIDDEN);
    assert!(from_evil.text().await.unwrap().contains("ne vient pas de Toguna"));
    let sandboxed = post("origin", "null".into()).await.unwrap();
    assert_eq!(sandboxed.status(), StatusCode::FORBIDDEN);
    let cross_site = post("sec-fetch-site", "cross-site".into()).await.unwrap();
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count(venue::Entity).await, 0);

    let same_site = post("origin", app.address.clone()).await.unwrap();
    assert_eq!(
        same_site.status(),
        StatusCode::SEE_OTHER,
        "the app's own pages post fine"
    );
    assert_eq!(app.count(venue::Entity).await, 1);
}

#[tokio::test]
async fn a_form_over_two_megabytes_gets_413_and_the_error_page() {
    let app = spawn_app().await;
    app.login_as("organizer").await;
    let token = app.csrf_token("/venues/new").await;
    let notes = "x".repeat(2 * 1024 * 1024 + 10_000);

    let response = app
        .post_form(
            "/venues",
            &[("csrf_token", &token), ("name", "Salle"), ("access_notes", &notes)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_string();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let html = response.text().await.unwrap();
    assert_eq!(
        texts(&html, ".error-message").first().map(String::as_str),
        Some("L'envoi est trop volumineux."),
        "{html}"
    );
    assert_eq!(app.count(venue::Entity).await, 0);
}
