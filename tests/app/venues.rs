//! Venues end to end: pages and API, with validation that names the field.

use entity::venue;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{location, spawn_app, texts};

#[tokio::test]
async fn an_organizer_creates_a_venue_sees_it_in_the_list_and_edits_it() {
    let app = spawn_app().await;
    app.login_as("organizer").await;

    let created = app
        .submit(
            "/venues/new",
            "/venues",
            &[
                ("name", "Centre Djoliba, salle « Kankou Moussa »"),
                ("region", "Kayes"),
                ("town", "Kayes"),
                ("address", "Quartier Légal Ségou, près du marché"),
                ("capacity", "1 200"),
                ("latitude", "14,4469"),
                ("longitude", "-11,4450"),
                ("access_notes", "Rampe d'accès côté est"),
            ],
        )
        .await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let venue_page = location(&created);
    let shown = app.get(&venue_page).await.text().await.unwrap();
    assert_eq!(texts(&shown, "h1"), ["Centre Djoliba, salle « Kankou Moussa »"]);
    assert!(texts(&shown, ".flash").contains(&"Lieu créé.".to_string()));
    assert!(shown.contains("14.4469, -11.445"));

    let list = app.get("/venues").await.text().await.unwrap();
    assert_eq!(
        texts(&list, "tbody td:first-child"),
        ["Centre Djoliba, salle « Kankou Moussa »"]
    );

    let stored = venue::Entity::find().one(&app.db).await.unwrap().unwrap();
    assert_eq!(stored.capacity, Some(1200));
    assert_eq!(stored.address, "Quartier Légal Ségou, près du marché");

    let id = stored.id;
    let edited = app
        .submit(
            &format!("/venues/{id}/edit"),
            &format!("/venues/{id}"),
            &[("name", "Centre Djoliba"), ("region", "Kayes"), ("capacity", "150")],
        )
        .await;
    assert_eq!(edited.status(), StatusCode::SEE_OTHER);
    let stored = venue::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
    assert_eq!(
        (stored.name.as_str(), stored.capacity, stored.latitude),
        ("Centre Djoliba", Some(150), None)
    );

    let deleted = app
        .submit(
            &format!("/venues/{id}"),
            &format!("/venues/{id}/delete"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(location(&deleted), "/venues");
    assert_eq!(app.count(venue::Entity).await, 0);
}

#[tokio::test]
async fn invalid_venue_input_in_the_form_is_shown_beside_each_field_and_stores_nothing() {
    let app = spawn_app().await;
    app.login_as("organizer").await;
    let response = app
        .submit(
            "/venues/new",
            "/venues",
            &[
                ("name", "   "),
                ("capacity", "-20"),
                ("latitude", "95"),
                ("longitude", "beaucoup"),
                ("town", "Sikasso"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert_eq!(texts(&html, "#name-error"), ["Ce champ est obligatoire."]);
    assert_eq!(texts(&html, "#capacity-error"), ["Saisissez un nombre entier positif."]);
    assert_eq!(
        texts(&html, "#latitude-error"),
        ["La latitude doit être comprise entre -90 et 90."]
    );
    assert_eq!(texts(&html, "#longitude-error"), ["Saisissez un nombre."]);
    assert!(html.contains(r#"value="Sikasso""#), "what was typed comes back");
    assert_eq!(app.count(venue::Entity).await, 0);
}

#[tokio::test]
async fn invalid_venue_input_in_the_api_gets_422_naming_the_field_and_stores_nothing() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    let cases = [
        (json!({"name": "", "capacity": 10}), "name"),
        (json!({"name": "Salle", "capacity": 0}), "capacity"),
        (json!({"name": "Salle", "capacity": "beaucoup"}), "capacity"),
        (json!({"name": "Salle", "latitude": 12.6}), "longitude"),
        (
            json!({"name": "Salle", "latitude": 12.6, "longitude": 200.0}),
            "longitude",
        ),
        (json!({"region": "Kayes"}), "name"),
    ];
    for (body, field) in cases {
        let response = app
            .api(Method::POST, "/api/v1/venues", Some(&token))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let error: serde_json::Value = response.json().await.unwrap();
        assert_eq!(error["error"]["code"], "validation_failed");
        assert!(
            error["error"]["fields"][field].is_string(),
            "{body} names {field}: {error}"
        );
    }
    let malformed = app
        .api(Method::POST, "/api/v1/venues", Some(&token))
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.count(venue::Entity).await, 0);
}

#[tokio::test]
async fn the_api_creates_reads_updates_lists_and_deletes_venues() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    let created = app
        .api(Method::POST, "/api/v1/venues", Some(&token))
        .json(&json!({"name": "Centre Djoliba", "region": "Kayes", "town": "Kayes", "address": "Rue 12", "capacity": 200}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let venue: serde_json::Value = created.json().await.unwrap();
    let id = venue["id"].as_i64().unwrap();
    assert_eq!(venue["capacity"], 200);

    let updated = app
        .api(Method::PUT, &format!("/api/v1/venues/{id}"), Some(&token))
        .json(&json!({"name": "Centre Djoliba", "region": "Kayes", "capacity": 250, "latitude": 14.44, "longitude": -11.44}))
        .send()
        .await
        .unwrap();
    assert_eq!(updated.status(), StatusCode::OK);
    let read: serde_json::Value = app
        .api(Method::GET, &format!("/api/v1/venues/{id}"), Some(&token))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (read["capacity"].as_i64(), read["latitude"].as_f64()),
        (Some(250), Some(14.44))
    );

    for n in 0..4 {
        app.api(Method::POST, "/api/v1/venues", Some(&token))
            .json(&json!({"name": format!("Salle {n}"), "region": "Ségou"}))
            .send()
            .await
            .unwrap();
    }
    let page: serde_json::Value = app
        .api(Method::GET, "/api/v1/venues?page=2&per_page=2", Some(&token))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (page["total"].as_u64(), page["page"].as_u64(), page["per_page"].as_u64()),
        (Some(5), Some(2), Some(2))
    );
    assert_eq!(page["items"].as_array().unwrap().len(), 2);

    let deleted = app
        .api(Method::DELETE, &format!("/api/v1/venues/{id}"), Some(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let gone = app
        .api(Method::GET, &format!("/api/v1/venues/{id}"), Some(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    let body: serde_json::Value = gone.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
}

#[tokio::test]
async fn a_long_venue_list_is_shown_page_by_page() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    for n in 0..55 {
        app.api(Method::POST, "/api/v1/venues", Some(&token))
            .json(&json!({"name": format!("Salle {n:02}"), "region": "Bamako"}))
            .send()
            .await
            .unwrap();
    }
    app.login_as("viewer").await;
    let first = app.get("/venues").await.text().await.unwrap();
    assert_eq!(texts(&first, "tbody tr").len(), 50);
    assert!(texts(&first, ".pager span")[0].contains("1 / 2"));
    let second = app.get("/venues?page=2").await.text().await.unwrap();
    assert_eq!(
        texts(&second, "tbody td:first-child"),
        ["Salle 50", "Salle 51", "Salle 52", "Salle 53", "Salle 54"]
    );
}

use sea_orm::EntityTrait;
