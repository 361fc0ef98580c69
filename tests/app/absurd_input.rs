//! Absurd input is refused with the field named: dates out of range, control characters, unknown regions.

use entity::{actor, attendance, event, venue};
use reqwest::{Method, StatusCode};
use sea_orm::EntityTrait;
use serde_json::json;
use toguna::domain::regions::Regions;

use crate::helpers::{spawn_app, spawn_app_with, texts};

#[tokio::test]
async fn an_event_in_year_0000_or_1900_is_refused_naming_the_field_and_nothing_is_stored() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    let event = app.scheduled_workshop(&token, "Restitution à Kayes", "Kayes").await;
    let venue_id = app
        .api_ok(Method::GET, &format!("/api/v1/events/{event}"), &token, json!(null))
        .await["venue_id"]
        .clone();
    for (starts_at, ends_at, field) in [
        ("0000-12-10T09:00:00+00:00", "2026-12-10T17:00:00+00:00", "starts_at"),
        ("1900-12-10T09:00:00+00:00", "2026-12-10T17:00:00+00:00", "starts_at"),
        ("2026-12-10T09:00:00+00:00", "2200-12-10T17:00:00+00:00", "ends_at"),
        ("1900-12-10T09:00", "1900-12-10T17:00", "starts_at"),
    ] {
        let body = json!({"kind": "consultation", "title": "Hors du temps", "venue_id": venue_id,
            "starts_at": starts_at, "ends_at": ends_at});
        let refused = app
            .api_refused(
                Method::POST,
                "/api/v1/events",
                &token,
                body,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        assert_eq!(refused["error"]["code"], "validation_failed");
        assert_eq!(
            refused["error"]["fields"][field], "Enter a date between the years 2000 and 2100.",
            "{starts_at} {ends_at}: {refused}"
        );
    }
    let moved = app
        .api_refused(
            Method::PATCH,
            &format!("/api/v1/events/{event}"),
            &token,
            json!({"starts_at": "0000-06-10T09:00:00+00:00"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert!(moved["error"]["fields"]["starts_at"].is_string(), "{moved}");
    let stored = app.count(event::Entity).await;
    assert_eq!(stored, 1, "only the workshop");
    let kept = app
        .api_ok(Method::GET, &format!("/api/v1/events/{event}"), &token, json!(null))
        .await;
    assert_eq!(kept["starts_at"], "2030-06-10T09:00:00Z");

    app.login_as("organizer").await;
    let page = app
        .submit(
            "/events/new",
            "/events",
            &[
                ("kind", "consultation"),
                ("title", "Hors du temps"),
                ("starts_at", "1900-12-10T09:00"),
                ("ends_at", "1900-12-10T17:00"),
                ("timezone", "Africa/Bamako"),
                ("language", "fr"),
            ],
        )
        .await;
    assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = page.text().await.unwrap();
    assert_eq!(
        texts(&html, "#starts_at-error"),
        ["Saisissez une date entre les années 2000 et 2100."]
    );
    assert_eq!(app.count(event::Entity).await, 1);
}

#[tokio::test]
async fn a_nul_byte_or_an_escape_code_in_a_text_field_is_refused_on_every_database() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    let cases = [
        (json!({"name": "Centre\u{0}Djoliba", "region": "Kayes"}), "name"),
        (json!({"name": "Centre Djoliba", "town": "Kayes\u{1b}[2J"}), "town"),
        (json!({"name": "Centre Djoliba", "address": "Rue 12\u{0}"}), "address"),
        (json!({"name": "Centre\tDjoliba"}), "name"),
    ];
    for (body, field) in cases {
        let refused = app
            .api_refused(
                Method::POST,
                "/api/v1/venues",
                &token,
                body.clone(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        assert_eq!(
            refused["error"]["fields"][field], "This text contains invisible control characters; retype it.",
            "{body}: {refused}"
        );
    }
    assert_eq!(app.count(venue::Entity).await, 0);
    // Notes keep their line breaks.
    let venue = app
        .api_ok(
            Method::POST,
            "/api/v1/venues",
            &token,
            json!({"name": "Centre Djoliba", "region": "Kayes", "access_notes": "Rampe côté est\nClé chez le gardien"}),
        )
        .await;
    assert_eq!(venue["access_notes"], "Rampe côté est\nClé chez le gardien");

    let actor = json!({"full_name": "Awa\u{0} Keïta", "category": "civil_society", "town": "Kayes"});
    let refused = app
        .api_refused(
            Method::POST,
            "/api/v1/actors",
            &token,
            actor,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert!(refused["error"]["fields"]["full_name"].is_string(), "{refused}");
    let event = app.scheduled_workshop(&token, "Restitution à Kayes", "Kayes").await;
    let walk_in = app
        .walk_in(
            &token,
            event,
            json!({"full_name": "\u{0}", "gender": "female", "age_group": "youth", "category": "media"}),
        )
        .await;
    assert_eq!(walk_in.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = walk_in.json().await.unwrap();
    assert!(body["error"]["fields"]["walk_in.full_name"].is_string(), "{body}");
    assert_eq!(app.count(actor::Entity).await, 0);
    assert_eq!(app.count(attendance::Entity).await, 0);

    let venues = app.count(venue::Entity).await;
    app.login_as("organizer").await;
    let page = app
        .submit("/venues/new", "/venues", &[("name", "Salle\u{0}"), ("region", "Kayes")])
        .await;
    assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = page.text().await.unwrap();
    assert_eq!(
        texts(&html, "#name-error"),
        ["Ce texte contient des caractères de contrôle invisibles ; retapez-le."]
    );
    assert_eq!(app.count(venue::Entity).await, venues);
}

#[tokio::test]
async fn atlantis_is_no_region_and_a_listed_one_is_stored_in_its_canonical_spelling() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    let refused = app
        .api_refused(
            Method::POST,
            "/api/v1/venues",
            &token,
            json!({"name": "Palais d'Atlas", "region": "Atlantis"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(refused["error"]["fields"]["region"], "Choose a region from the list.");
    let venue = app
        .api_ok(
            Method::POST,
            "/api/v1/venues",
            &token,
            json!({"name": "Centre culturel", "region": " SEGOU "}),
        )
        .await;
    assert_eq!(venue["region"], "Ségou");
    let venue = app
        .api_ok(
            Method::POST,
            "/api/v1/venues",
            &token,
            json!({"name": "CICB", "region": "District de Bamako"}),
        )
        .await;
    assert_eq!(venue["region"], "Bamako");

    let actor = json!({"full_name": "Awa Keïta", "category": "civil_society", "town": "Kayes", "region": "Atlantis"});
    let refused = app
        .api_refused(
            Method::POST,
            "/api/v1/actors",
            &token,
            actor,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert!(refused["error"]["fields"]["region"].is_string(), "{refused}");

    let event = app.scheduled_workshop(&token, "Restitution à Ménaka", "menaka").await;
    let walk_in = app
        .walk_in(
            &token,
            event,
            json!({"gender": "female", "age_group": "youth", "category": "media", "region": "Atlantis"}),
        )
        .await;
    assert_eq!(walk_in.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = walk_in.json().await.unwrap();
    assert_eq!(
        body["error"]["fields"]["walk_in.region"],
        "Choose a region from the list."
    );

    let csv = "full_name,category,town,region\nAwa Keïta,civil_society,Kayes,kayes\nMoussa Traoré,media,Gao,Atlantis\n";
    let imported = app.import_csv(&token, csv).await;
    assert_eq!(imported.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = imported.json().await.unwrap();
    assert_eq!(
        body["error"]["lines"],
        json!([{"line": 3, "field": "region", "message": "Choose a region from the list."}])
    );
    assert_eq!(app.count(actor::Entity).await, 0);
    assert_eq!(app.count(attendance::Entity).await, 0);
    let mut stored: Vec<String> = venue::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.region)
        .collect();
    stored.sort();
    assert_eq!(stored, ["Bamako", "Ménaka", "Ségou"]);

    app.login_as("organizer").await;
    let form = app.get("/venues/new").await.text().await.unwrap();
    let offered: Vec<String> = crate::helpers::attrs(&form, "#region-regions option", "value");
    assert!(offered.contains(&"Tombouctou".to_string()) && offered.contains(&"Ménaka".to_string()));
    let page = app
        .submit(
            "/venues/new",
            "/venues",
            &[("name", "Palais d'Atlas"), ("region", "Atlantis")],
        )
        .await;
    assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = page.text().await.unwrap();
    assert_eq!(texts(&html, "#region-error"), ["Choisissez une région de la liste."]);
    let page = app
        .submit(
            "/actors/new",
            "/actors",
            &[
                ("full_name", "Awa Keïta"),
                ("category", "civil_society"),
                ("town", "Kayes"),
                ("region", "Atlantis"),
            ],
        )
        .await;
    assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        texts(&page.text().await.unwrap(), "#region-error"),
        ["Choisissez une région de la liste."]
    );
    let checkin = format!("/events/{event}/checkin");
    let desk = app.get(&checkin).await.text().await.unwrap();
    assert!(crate::helpers::attrs(&desk, "#region-regions option", "value").contains(&"Ménaka".to_string()));
    let page = app
        .submit(
            &checkin,
            &format!("{checkin}/walk-in"),
            &[
                ("gender", "female"),
                ("age_group", "youth"),
                ("category", "media"),
                ("region", "Atlantis"),
            ],
        )
        .await;
    assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        texts(&page.text().await.unwrap(), "#region-error"),
        ["Choisissez une région de la liste."]
    );
    assert_eq!(app.count(attendance::Entity).await, 0);
}

#[tokio::test]
async fn a_deployment_in_cote_divoire_sets_its_own_regions() {
    let app = spawn_app_with(|settings| {
        settings.regions = Regions::parse("Abidjan|District autonome d'Abidjan;Gbêkê").expect("a list");
    })
    .await;
    let token = app.api_token_for("organizer").await;
    let abobo = app
        .api_ok(
            Method::POST,
            "/api/v1/venues",
            &token,
            json!({"name": "Mairie d'Abobo", "region": "abidjan", "town": "Abobo"}),
        )
        .await;
    assert_eq!(abobo["region"], "Abidjan");
    let bouake = app
        .api_ok(
            Method::POST,
            "/api/v1/venues",
            &token,
            json!({"name": "Salle de Bouaké", "region": "GBEKE", "town": "Bouaké"}),
        )
        .await;
    assert_eq!(bouake["region"], "Gbêkê");
    let refused = app
        .api_refused(
            Method::POST,
            "/api/v1/venues",
            &token,
            json!({"name": "Centre Djoliba", "region": "Kayes"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert!(refused["error"]["fields"]["region"].is_string());
    app.login_as("organizer").await;
    let form = app.get("/actors/new").await.text().await.unwrap();
    assert_eq!(
        crate::helpers::attrs(&form, "#region-regions option", "value"),
        ["Abidjan", "Gbêkê"]
    );
}
