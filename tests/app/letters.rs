//! Printed letters name the organizer to call, with the phone number from their profile.

use entity::{event, user};
use reqwest::{Method, StatusCode};
use sea_orm::EntityTrait;
use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, spawn_app, texts};

/// A scheduled workshop created through the API by `api-organizer@example.org`, with two guests
/// who have no email (so each gets a letter); the default browser is signed in as that organizer.
async fn workshop_with_paper_guests(app: &TestApp) -> i64 {
    let token = app.api_token_for("organizer").await;
    let csv = "full_name,category,gender,region,town,language\n\
               Moussa Traoré,other,male,Kayes,Kita,fr\n\
               Fanta Camara,other,female,Kayes,Kita,en\n";
    assert_eq!(app.import_csv(&token, csv).await.status(), StatusCode::CREATED);
    let event = app
        .api_ok(
            Method::POST,
            "/api/v1/events",
            &token,
            json!({"kind": "dissemination_workshop", "title": "Restitution à Kita",
                "starts_at": "2030-06-10T09:00", "ends_at": "2030-06-10T17:00"}),
        )
        .await;
    let id = event["id"].as_i64().unwrap();
    app.api_ok(
        Method::POST,
        &format!("/api/v1/events/{id}/schedule"),
        &token,
        json!({}),
    )
    .await;
    app.api_ok(
        Method::POST,
        &format!("/api/v1/events/{id}/invitations"),
        &token,
        json!({"filter": {}}),
    )
    .await;
    app.browser.login_ok("api-organizer@example.org").await;
    id
}

#[tokio::test]
async fn each_letter_names_the_organizer_and_the_phone_from_their_profile() {
    let app = spawn_app().await;
    let event_id = workshop_with_paper_guests(&app).await;
    let organizer = user::Entity::find().all(&app.db).await.unwrap().remove(0);

    let refused = app.submit("/profile", "/profile/phone", &[("phone", "12")]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert_eq!(
        texts(&page, "#phone-error"),
        ["Ce n'est pas un numéro de téléphone valide."]
    );
    let stored = user::Entity::find_by_id(organizer.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.phone, None, "a refused number is not stored");

    let saved = app
        .submit("/profile", "/profile/phone", &[("phone", "+223 76 12 34 56")])
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let stored = user::Entity::find_by_id(organizer.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.phone.as_deref(), Some("+22376123456"));
    let profile = app.get("/profile").await.text().await.unwrap();
    assert!(
        profile.contains(r#"value="+22376123456""#),
        "the profile shows the number"
    );

    let created = app.db_event(event_id).await;
    assert_eq!(created.organizer_id, Some(organizer.id), "the creator is the organizer");

    let letters = app
        .get(&format!("/events/{event_id}/letters"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(texts(&letters, "article.letter").len(), 2);
    let calls = texts(&letters, "article.letter .call");
    assert_eq!(
        calls,
        [
            "To answer by phone, call Test organizer on +22376123456.",
            "Pour répondre par téléphone, appelez Test organizer au +22376123456.",
        ],
        "each letter, in its invitee's language"
    );
    assert!(
        !letters.contains("agenda") && !letters.contains("calendar"),
        "no calendar on paper"
    );
    assert_eq!(
        texts(&letters, "main").len(),
        1,
        "the letters are the page's main landmark"
    );
    assert_eq!(texts(&letters, "header.toolbar nav").len(), 1);
}

#[tokio::test]
async fn another_organizer_can_be_named_on_the_letters_but_not_a_viewer() {
    let app = spawn_app().await;
    let event_id = workshop_with_paper_guests(&app).await;
    let other = toguna::domain::users::create(
        &app.db,
        toguna::domain::users::NewUser {
            email: "awa@example.org".into(),
            name: "Awa Sidibé".into(),
            role: "organizer".into(),
            password: PASSWORD.into(),
        },
        &toguna::domain::audit::Who::system("test"),
    )
    .await
    .unwrap();
    let viewer = app.create_user("viewer@example.org", "viewer").await;
    let letters_url = format!("/events/{event_id}/letters");
    let action = format!("/events/{event_id}/organizer");

    let refused = app
        .submit(&letters_url, &action, &[("organizer_id", &viewer.id.to_string())])
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_ne!(app.db_event(event_id).await.organizer_id, Some(viewer.id));

    let chosen = app
        .submit(&letters_url, &action, &[("organizer_id", &other.id.to_string())])
        .await;
    assert_eq!(chosen.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.db_event(event_id).await.organizer_id, Some(other.id));
    let letters = app.get(&letters_url).await.text().await.unwrap();
    assert_eq!(
        texts(&letters, "article.letter .call")[1],
        "Pour répondre par téléphone, demandez Awa Sidibé, organisateur de l'événement."
    );
    assert_eq!(
        texts(&letters, "#no-phone-warning").len(),
        1,
        "the organizer is told the number is missing"
    );
}

impl TestApp {
    async fn db_event(&self, id: i64) -> event::Model {
        event::Entity::find_by_id(id as i32)
            .one(&self.db)
            .await
            .unwrap()
            .unwrap()
    }
}
