//! Events: times in zones, validation, life cycle, guest lists and the women's share.

use entity::{event, invitation};
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::{fixture, location, spawn_app, texts};

async fn venue(app: &crate::helpers::TestApp, token: &str, name: &str, region: &str, capacity: i64) -> i64 {
    let body: Value = app
        .api(Method::POST, "/api/v1/venues", Some(token))
        .json(&json!({"name": name, "region": region, "town": region, "capacity": capacity}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["id"].as_i64().unwrap()
}

#[tokio::test]
async fn nine_in_bamako_and_nine_in_paris_are_stored_and_shown_at_the_right_instants() {
    let app = spawn_app().await;
    app.login_as("organizer").await;
    for (title, zone) in [
        ("Restitution à Bamako", "Africa/Bamako"),
        ("Réunion des partenaires à Paris", "Europe/Paris"),
    ] {
        let created = app
            .submit(
                "/events/new",
                "/events",
                &[
                    ("kind", "dissemination_workshop"),
                    ("title", title),
                    ("starts_at", "2026-12-10T09:00"),
                    ("ends_at", "2026-12-10T12:30"),
                    ("timezone", zone),
                    ("language", "fr"),
                ],
            )
            .await;
        assert_eq!(created.status(), StatusCode::SEE_OTHER, "{title}");
        let page = app.get(&location(&created)).await.text().await.unwrap();
        assert_eq!(
            texts(&page, "#when"),
            [format!("10/12/2026 09:00 – 10/12/2026 12:30 ({zone})")],
            "shown as entered"
        );
    }
    let stored = event::Entity::find().all(&app.db).await.unwrap();
    let bamako = stored.iter().find(|e| e.timezone == "Africa/Bamako").unwrap();
    let paris = stored.iter().find(|e| e.timezone == "Europe/Paris").unwrap();
    assert_eq!(bamako.starts_at.to_rfc3339(), "2026-12-10T09:00:00+00:00");
    assert_eq!(paris.starts_at.to_rfc3339(), "2026-12-10T08:00:00+00:00");
    assert_eq!((bamako.sequence, bamako.status.as_str()), (0, "draft"));
    assert!(!bamako.uid.is_empty() && bamako.uid != paris.uid);

    let token = app.api_token_for("viewer").await;
    let api: Value = app
        .api(Method::GET, &format!("/api/v1/events/{}", paris.id), Some(&token))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(api["starts_at"], "2026-12-10T08:00:00Z");
    assert_eq!(api["timezone"], "Europe/Paris");
}

#[tokio::test]
async fn invalid_event_input_gets_422_naming_the_field_and_stores_nothing() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    let base = json!({"kind": "consultation", "title": "Consultation à Gao", "starts_at": "2027-01-10T09:00:00+00:00", "ends_at": "2027-01-10T17:00:00+00:00"});
    let with = |patch: Value| {
        let mut body = base.clone();
        body.as_object_mut().unwrap().extend(patch.as_object().unwrap().clone());
        body
    };
    let cases = [
        (with(json!({"ends_at": "2027-01-10T08:00:00+00:00"})), "ends_at"),
        (with(json!({"venue_id": 999})), "venue_id"),
        (with(json!({"timezone": "Afrique/Tombouctou"})), "timezone"),
        (with(json!({"kind": "fete"})), "kind"),
        (with(json!({"starts_at": "demain matin"})), "starts_at"),
        (with(json!({"women_target_percent": 130})), "women_target_percent"),
    ];
    for (body, field) in cases {
        let response = app
            .api(Method::POST, "/api/v1/events", Some(&token))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let error: Value = response.json().await.unwrap();
        assert!(error["error"]["fields"][field].is_string(), "{body} → {error}");
    }

    app.login_as("organizer").await;
    let form = app
        .submit(
            "/events/new",
            "/events",
            &[
                ("kind", "consultation"),
                ("title", "Consultation à Gao"),
                ("starts_at", "2027-01-10T09:00"),
                ("ends_at", "2027-01-10T08:00"),
                ("timezone", "Afrique/Tombouctou"),
                ("venue_id", "999"),
            ],
        )
        .await;
    assert_eq!(form.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = form.text().await.unwrap();
    assert_eq!(
        texts(&html, "#timezone-error"),
        ["Fuseau horaire inconnu (exemple : Africa/Bamako)."]
    );
    assert_eq!(texts(&html, "#venue_id-error"), ["Ce lieu n'existe pas."]);
    assert!(html.contains(r#"value="Consultation à Gao""#));
    assert_eq!(app.count(event::Entity).await, 0);
}

#[tokio::test]
async fn adding_by_filter_adds_exactly_the_matching_actors_and_nobody_twice() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    app.import_csv(&token, &fixture("actors.csv")).await;
    let venue_id = venue(&app, &token, "Centre Djoliba", "Kayes", 500).await;
    let created: Value = app
        .api(Method::POST, "/api/v1/events", Some(&token))
        .json(
            &json!({"kind": "dissemination_workshop", "title": "Restitution à Kayes", "venue_id": venue_id,
                      "starts_at": "2027-02-01T09:00", "ends_at": "2027-02-01T17:00", "women_target_percent": 30}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_i64().unwrap();
    let add = |body: Value| {
        let request = app
            .api(Method::POST, &format!("/api/v1/events/{id}/invitations"), Some(&token))
            .json(&body);
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let religious = add(json!({"filter": {"category": "religious_authority", "region": "Kayes"}})).await;
    let expected = entity::actor::Entity::find()
        .filter(entity::actor::Column::Category.eq("religious_authority"))
        .filter(entity::actor::Column::Region.eq("Kayes"))
        .all(&app.db)
        .await
        .unwrap();
    assert!(!expected.is_empty());
    assert_eq!(religious["added"].as_u64().unwrap() as usize, expected.len());

    let again = add(json!({"filter": {"region": "Kayes"}})).await;
    let in_kayes = entity::actor::Entity::find()
        .filter(entity::actor::Column::Region.eq("Kayes"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(again["already_invited"].as_u64().unwrap() as usize, expected.len());
    assert_eq!(
        again["added"].as_u64().unwrap() as usize,
        in_kayes.len() - expected.len()
    );

    let one_more = add(json!({"actor_ids": [expected[0].id, expected[0].id]})).await;
    assert_eq!(
        (one_more["added"].as_u64(), one_more["already_invited"].as_u64()),
        (Some(0), Some(1))
    );
    let stored = invitation::Entity::find()
        .filter(invitation::Column::EventId.eq(id as i32))
        .all(&app.db)
        .await
        .unwrap();
    let mut actor_ids: Vec<i32> = stored.iter().map(|i| i.actor_id).collect();
    actor_ids.sort();
    let mut expected_ids: Vec<i32> = in_kayes.iter().map(|a| a.id).collect();
    expected_ids.sort();
    assert_eq!(actor_ids, expected_ids, "exactly the region's actors, once each");

    let unknown = app
        .api(Method::POST, &format!("/api/v1/events/{id}/invitations"), Some(&token))
        .json(&json!({"actor_ids": [99999]}))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_women_share_on_the_event_page_equals_the_stored_guest_list() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    app.import_csv(&token, &fixture("actors.csv")).await;
    let venue_id = venue(&app, &token, "Maison de la femme", "Sikasso", 40).await;
    let created: Value = app
        .api(Method::POST, "/api/v1/events", Some(&token))
        .json(
            &json!({"kind": "dissemination_workshop", "title": "Restitution à Sikasso", "venue_id": venue_id,
                      "starts_at": "2027-03-01T09:00", "ends_at": "2027-03-01T17:00", "women_target_percent": 30}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_i64().unwrap();
    app.login_as("organizer").await;
    let added = app
        .submit(
            &format!("/events/{id}"),
            &format!("/events/{id}/guests"),
            &[("region", "Sikasso")],
        )
        .await;
    assert_eq!(location(&added), format!("/events/{id}#guests"));

    let stored = invitation::Entity::find()
        .filter(invitation::Column::EventId.eq(id as i32))
        .find_also_related(entity::actor::Entity)
        .all(&app.db)
        .await
        .unwrap();
    let women = stored
        .iter()
        .filter(|(_, a)| a.as_ref().unwrap().gender == "female")
        .count();
    let share = (women as f64 * 1000.0 / stored.len() as f64).round() / 10.0;
    let page = app.get(&format!("/events/{id}")).await.text().await.unwrap();
    assert_eq!(texts(&page, "#guest-total"), [stored.len().to_string()]);
    assert_eq!(
        texts(&page, "#women-share"),
        [format!("{} %", format!("{share:.1}").replace('.', ","))]
    );
    assert_eq!(texts(&page, "#women-target"), ["30 %"]);
    assert!(
        texts(&page, ".warning")
            .iter()
            .any(|w| w.contains(&format!("{} invités pour 40 places", stored.len()))),
        "capacity warning"
    );

    // Removing a woman moves the share the same way.
    let (inv, _) = stored
        .iter()
        .find(|(_, a)| a.as_ref().unwrap().gender == "female")
        .unwrap();
    app.submit(
        &format!("/events/{id}"),
        &format!("/events/{id}/guests/{}/delete", inv.id),
        &[("confirm", "yes")],
    )
    .await;
    let share = ((women - 1) as f64 * 1000.0 / (stored.len() - 1) as f64).round() / 10.0;
    let page = app.get(&format!("/events/{id}")).await.text().await.unwrap();
    assert_eq!(
        texts(&page, "#women-share"),
        [format!("{} %", format!("{share:.1}").replace('.', ","))]
    );
}

#[tokio::test]
async fn the_life_cycle_allows_only_its_own_moves_and_a_venue_clash_is_a_warning() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    let venue_id = venue(&app, &token, "Centre Kôrè", "Ségou", 100).await;
    let create = |title: &str| {
        let request = app.api(Method::POST, "/api/v1/events", Some(&token)).json(&json!({
            "kind": "dissemination_workshop", "title": title, "venue_id": venue_id,
            "starts_at": "2027-04-01T09:00", "ends_at": "2027-04-01T17:00"}));
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let first = create("Restitution à Ségou").await;
    let second = create("Atelier des jeunes à Ségou").await;
    assert_eq!(second["warnings"][0]["code"], "venue_overlap", "{second}");
    assert_eq!(first["status"], "draft");
    let id = first["id"].as_i64().unwrap();
    let post = |action: &str| {
        let request = app.api(Method::POST, &format!("/api/v1/events/{id}/{action}"), Some(&token));
        async move { request.send().await.unwrap() }
    };
    assert_eq!(
        post("complete").await.status(),
        StatusCode::CONFLICT,
        "a draft cannot be completed"
    );
    let scheduled: Value = post("schedule").await.json().await.unwrap();
    assert_eq!(scheduled["status"], "scheduled");
    let cancelled: Value = post("cancel").await.json().await.unwrap();
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(post("schedule").await.status(), StatusCode::CONFLICT);
    let patch = app
        .api(Method::PATCH, &format!("/api/v1/events/{id}"), Some(&token))
        .json(&json!({"title": "Autre"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        patch.status(),
        StatusCode::CONFLICT,
        "a cancelled event stays as it was"
    );

    let viewer = app.api_token_for("viewer").await;
    let refused = app
        .api(
            Method::POST,
            &format!("/api/v1/events/{}/schedule", second["id"]),
            Some(&viewer),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_event_downloads_as_a_calendar_file_that_an_independent_parser_reads() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    let venue_id = venue(&app, &token, "Salle « Kankou Moussa », Djoliba", "Kayes", 100).await;
    let created: Value = app
        .api(Method::POST, "/api/v1/events", Some(&token))
        .json(&json!({"kind": "report_launch", "title": "Lancement du rapport : femmes, jeunes; et FDS", "venue_id": venue_id,
                      "description": "Présentation, débat\net recommandations", "starts_at": "2027-05-04T09:00", "ends_at": "2027-05-04T13:00",
                      "timezone": "Europe/Paris"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    app.login_as("viewer").await;
    let response = app.get(&format!("/events/{}/invite.ics", created["id"])).await;
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let body = response.text().await.unwrap();
    assert!(body.contains("METHOD:PUBLISH\r\n"));
    assert!(body.lines().all(|l| l.len() <= 76), "folded at 75 octets plus CR");
    let unfolded = icalendar::parser::unfold(&body);
    let calendar = icalendar::parser::read_calendar(&unfolded).unwrap();
    let vevent = calendar.components.iter().find(|c| c.name == "VEVENT").unwrap();
    let value = |name: &str| {
        vevent
            .properties
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.val.to_string())
            .unwrap()
    };
    assert_eq!(value("UID"), created["uid"].as_str().unwrap());
    assert_eq!(
        value("DTSTART"),
        "20270504T070000Z",
        "09:00 in Paris in May is 07:00 UTC"
    );
    assert_eq!(value("SEQUENCE"), "0");
    assert!(
        value("SUMMARY").contains("femmes, jeunes\\; et FDS") || value("SUMMARY").contains("femmes, jeunes; et FDS")
    );
}

#[tokio::test]
async fn the_month_calendar_and_the_filters_show_the_right_events() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    let kayes = venue(&app, &token, "Centre Djoliba", "Kayes", 100).await;
    let gao = venue(&app, &token, "Maison des jeunes", "Gao", 100).await;
    for (title, venue_id, kind, day) in [
        ("Restitution à Kayes", kayes, "dissemination_workshop", "2027-06-08"),
        ("Consultation à Gao", gao, "consultation", "2027-06-15"),
        ("Restitution à Gao", gao, "dissemination_workshop", "2027-07-02"),
    ] {
        app.api(Method::POST, "/api/v1/events", Some(&token))
            .json(&json!({"kind": kind, "title": title, "venue_id": venue_id, "starts_at": format!("{day}T09:00"), "ends_at": format!("{day}T17:00")}))
            .send()
            .await
            .unwrap();
    }
    app.login_as("viewer").await;
    let june = app.get("/events/calendar?month=2027-06").await.text().await.unwrap();
    assert_eq!(
        texts(&june, "a.cal-event"),
        ["09:00 Restitution à Kayes", "09:00 Consultation à Gao"]
    );
    assert_eq!(texts(&june, "h1"), ["Juin 2027"]);
    let in_gao = app
        .get("/events?region=Gao&kind=dissemination_workshop")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(texts(&in_gao, ".event-list strong"), ["Restitution à Gao"]);
}
