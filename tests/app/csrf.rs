//! A form POST without the page's CSRF token is refused and stores nothing.

use entity::{api_token, venue};
use reqwest::StatusCode;

use crate::helpers::spawn_app;

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
