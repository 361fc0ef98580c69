//! The same pages in French and English: user setting, then Accept-Language, then French.

use reqwest::StatusCode;

use crate::helpers::{spawn_app, texts};

#[tokio::test]
async fn the_same_page_speaks_the_language_the_browser_asks_for() {
    let app = spawn_app().await;
    app.create_user("admin@example.org", "admin").await;

    let english = app.get_in("/login", "en-GB,en;q=0.9").await.text().await.unwrap();
    assert_eq!(texts(&english, "h1"), ["Sign in"]);
    assert!(english.contains(r#"<html lang="en">"#));

    let french = app
        .get_in("/login", "fr-ML,fr;q=0.9,en;q=0.5")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(texts(&french, "h1"), ["Connexion"]);

    let unknown = app.get_in("/login", "de-DE").await.text().await.unwrap();
    assert_eq!(texts(&unknown, "h1"), ["Connexion"], "French when nothing matches");
}

#[tokio::test]
async fn a_user_switches_to_english_and_keeps_it_on_another_device() {
    let app = spawn_app().await;
    let user = app.login_as("organizer").await;
    let switched = app
        .submit("/venues", "/language", &[("lang", "en"), ("next", "/venues")])
        .await;
    assert_eq!(crate::helpers::location(&switched), "/venues");
    let page = app.get_in("/venues", "fr").await.text().await.unwrap();
    assert_eq!(texts(&page, "h1"), ["Venues"], "the user's choice beats the header");

    let stored = toguna::domain::users::find(&app.db, user.id).await.unwrap();
    assert_eq!(stored.language, Some(toguna::i18n::Lang::En));

    let phone = app.new_browser();
    phone.login_ok(&user.email).await;
    let on_phone = phone.get_in("/venues", "fr-FR").await;
    assert_eq!(on_phone.status(), StatusCode::OK);
    assert_eq!(texts(&on_phone.text().await.unwrap(), "h1"), ["Venues"]);
}

#[tokio::test]
async fn error_pages_are_translated_too() {
    let app = spawn_app().await;
    app.login_as("viewer").await;
    let missing = app.get_in("/nowhere", "en").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(missing.text().await.unwrap().contains("This page does not exist."));
    let missing_fr = app.get_in("/venues/999", "fr").await;
    assert_eq!(missing_fr.status(), StatusCode::NOT_FOUND);
    assert!(
        missing_fr
            .text()
            .await
            .unwrap()
            .contains("Cette page n&#39;existe pas.")
    );
}
