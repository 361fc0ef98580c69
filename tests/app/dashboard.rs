//! The start page says what is coming and what needs doing; error pages keep the way around.

use reqwest::StatusCode;

use crate::helpers::{spawn_app, texts};

#[tokio::test]
async fn an_empty_install_shows_a_first_run_checklist_that_ticks_itself_off() {
    let app = spawn_app().await;
    app.login_as("admin").await;
    let home = app.get("/").await.text().await.unwrap();
    assert_eq!(texts(&home, "#first-steps li.todo").len(), 5, "{home}");
    assert_eq!(texts(&home, "#upcoming li").len(), 0);
    assert_eq!(texts(&home, "main .empty"), ["Aucun événement à venir."]);

    let token = app.api_token_for("organizer").await;
    app.workshop_with_guests(&token, 3).await;
    let home = app.get("/").await.text().await.unwrap();
    // Accounts, actors, an event and its guests exist now; only the venue is missing.
    assert_eq!(texts(&home, "#first-steps li.todo"), ["Enregistrer un lieu"]);
}

#[tokio::test]
async fn upcoming_events_show_their_answers_and_deliveries_and_what_to_do_next() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    let event = app.workshop_with_guests(&token, 3).await;
    app.login_as("organizer").await;
    let home = app.get("/").await.text().await.unwrap();
    let row = texts(&home, &format!("#upcoming li[data-event=\"{event}\"] .answers"));
    assert_eq!(
        row,
        ["3 invités · 0 accepte · 0 peut-être · 0 décline · 3 sans réponse"],
        "real singular and plural forms"
    );
    assert_eq!(
        texts(&home, "#todos li"),
        ["« Restitution à Kayes » : 3 invitations à envoyer."]
    );

    assert_eq!(app.send_invitations(&token, event).await, 3);
    let home = app.get("/").await.text().await.unwrap();
    assert_eq!(
        texts(&home, &format!("#upcoming li[data-event=\"{event}\"] .deliveries")),
        ["3 e-mails envoyés"]
    );
    assert!(texts(&home, "#todos li").is_empty(), "nothing left to send");
}

#[tokio::test]
async fn error_pages_keep_the_navigation_for_a_signed_in_user_only() {
    let app = spawn_app().await;
    let visitor = app.new_browser();
    let missing = visitor.get("/events/999999").await;
    assert!(matches!(
        missing.status(),
        StatusCode::SEE_OTHER | StatusCode::NOT_FOUND
    ));
    let lost = visitor.get("/no-such-page").await;
    assert_eq!(lost.status(), StatusCode::NOT_FOUND);
    assert!(
        texts(&lost.text().await.unwrap(), "header nav a").is_empty(),
        "no menu for visitors"
    );

    app.login_as("organizer").await;
    let not_found = app.get("/events/999999").await;
    assert_eq!(not_found.status(), StatusCode::NOT_FOUND);
    let page = not_found.text().await.unwrap();
    assert!(
        texts(&page, "header nav a").contains(&"Événements".to_string()),
        "{page}"
    );
    assert_eq!(texts(&page, "h1"), ["404"]);

    let forbidden = app.get("/admin/users").await;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    let page = forbidden.text().await.unwrap();
    assert!(texts(&page, "header nav a").contains(&"Acteurs".to_string()), "{page}");
    assert!(texts(&page, ".account a").contains(&"Test organizer".to_string()));
}
