//! First run: the one-time setup page creates the admin, and only once.

use entity::user;
use reqwest::StatusCode;

use crate::helpers::{PASSWORD, location, spawn_app, texts};

#[tokio::test]
async fn newcomer_creates_the_admin_once_and_a_second_attempt_creates_nothing() {
    let app = spawn_app().await;

    let home = app.get("/").await;
    assert_eq!(location(&home), "/setup", "a fresh install sends the visitor to setup");

    let created = app
        .submit(
            "/setup",
            "/setup",
            &[
                ("name", "Awa Coulibaly"),
                ("email", "Awa.Coulibaly@Example.org"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let dashboard = app.get("/").await.text().await.unwrap();
    assert!(dashboard.contains("Awa Coulibaly"), "the new admin is signed in");
    assert_eq!(app.count(user::Entity).await, 1);

    // The setup page is gone, and a forged POST is refused.
    assert_eq!(location(&app.get("/setup").await), "/login");
    let again = app
        .submit(
            "/profile",
            "/setup",
            &[
                ("name", "Intrus"),
                ("email", "intrus@example.org"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert!(again.text().await.unwrap().contains("déjà"));
    assert_eq!(app.count(user::Entity).await, 1, "nothing was created");
}

#[tokio::test]
async fn setup_with_a_short_password_names_the_field_and_creates_nothing() {
    let app = spawn_app().await;
    let response = app
        .submit(
            "/setup",
            "/setup",
            &[
                ("name", "Awa"),
                ("email", "pas-une-adresse"),
                ("password", "court"),
                ("password_confirm", "court"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert_eq!(
        texts(&html, "#password-error"),
        ["Le mot de passe doit compter au moins 10 caractères."]
    );
    assert_eq!(
        texts(&html, "#email-error"),
        ["Ce n'est pas une adresse e-mail valide."]
    );
    assert_eq!(app.count(user::Entity).await, 0);
    assert_eq!(location(&app.get("/").await), "/setup", "setup is still offered");
}
