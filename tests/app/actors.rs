//! The actor directory: import, search, filters, pages, duplicates, export.

use entity::actor;
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::{fixture, location, spawn_app, texts};

#[tokio::test]
async fn organizer_imports_the_fixture_through_the_html_flow_with_every_accent_intact() {
    let app = spawn_app().await;
    app.login_as("organizer").await;
    let token = app.csrf_token("/actors/import").await;
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(fixture("actors.csv").into_bytes())
            .file_name("actors.csv")
            .mime_str("text/csv")
            .unwrap(),
    );
    let uploaded = app
        .client
        .post(app.url(&format!("/actors/import?csrf_token={token}")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), StatusCode::SEE_OTHER);
    let preview_url = location(&uploaded);
    let preview = app.get(&preview_url).await.text().await.unwrap();
    assert_eq!(texts(&preview, "#new-rows"), ["600"]);
    assert_eq!(texts(&preview, "#error-count"), ["0"]);
    assert_eq!(
        texts(&preview, "table.preview tbody tr").len(),
        600,
        "every line is shown"
    );
    assert_eq!(app.count(actor::Entity).await, 0, "nothing stored before confirmation");

    let done = app.submit(&preview_url, &preview_url, &[("mode", "all")]).await;
    assert_eq!(done.status(), StatusCode::OK);
    assert_eq!(texts(&done.text().await.unwrap(), "#imported"), ["600"]);
    assert_eq!(app.count(actor::Entity).await, 600);

    let ton = actor::Entity::find()
        .filter(actor::Column::FullName.eq("Adama Diarra"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ton.organization, "Association des jeunes « Ton », Kita");
    let konate = actor::Entity::find()
        .filter(actor::Column::FullName.eq("Bintou Konaté"))
        .one(&app.db)
        .await
        .unwrap();
    assert!(konate.is_some(), "accents are stored as they were");
    let dicko = actor::Entity::find()
        .filter(actor::Column::FullName.eq("Amadou Dicko"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        dicko.phone.as_deref(),
        Some("+22397473988"),
        "phones are stored in E.164"
    );
    assert_eq!(dicko.organization, "Conseil des notables de Djenné");
}

#[tokio::test]
async fn the_api_import_is_all_or_nothing_and_reports_line_and_field() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;

    let mut lines: Vec<String> = fixture("actors.csv").lines().take(21).map(str::to_string).collect();
    lines[7] =
        "Fatoumata Traoré,,ONG Femmes et paix,chef_de_file,female,adult,Kayes,Kayes,fr,pas-une-adresse,,yes".into();
    let bad = lines.join("\r\n");
    let refused = app.import_csv(&token, &bad).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = refused.json().await.unwrap();
    let errors = body["error"]["lines"].as_array().unwrap();
    let found: Vec<(u64, &str)> = errors
        .iter()
        .map(|e| (e["line"].as_u64().unwrap(), e["field"].as_str().unwrap()))
        .collect();
    assert_eq!(found, [(8, "category"), (8, "email")]);
    assert!(errors[0]["message"].as_str().unwrap().contains("list"));
    assert_eq!(app.count(actor::Entity).await, 0, "nothing stored");

    let accepted = app.import_csv(&token, &fixture("actors.csv")).await;
    assert_eq!(accepted.status(), StatusCode::CREATED);
    let summary: Value = accepted.json().await.unwrap();
    assert_eq!(summary["imported"], 600);
    assert_eq!(app.count(actor::Entity).await, 600);

    // The same file again adds nobody who can be recognized by email or phone.
    let again: Value = app
        .import_csv(&token, &fixture("actors.csv"))
        .await
        .json()
        .await
        .unwrap();
    let recognized = again["skipped_existing"].as_u64().unwrap();
    assert_eq!(again["imported"].as_u64().unwrap() + recognized, 600);
    assert!(recognized > 500, "{again}");
}

#[tokio::test]
async fn a_preview_with_a_bad_line_shows_it_and_the_valid_lines_can_be_imported_alone() {
    let app = spawn_app().await;
    app.login_as("organizer").await;
    let csv = "full_name;category;gender;town;email\nAwa Keïta;women_organization;female;Kayes;awa@example.org\nBoubacar Cissé;imam;male;Gao;\nOumou Sangaré;media;female;Bamako;oumou@example.org\n";
    let token = app.csrf_token("/actors/import").await;
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("liste.csv"),
    );
    let uploaded = app
        .client
        .post(app.url(&format!("/actors/import?csrf_token={token}")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let preview_url = location(&uploaded);
    let preview = app.get(&preview_url).await.text().await.unwrap();
    assert_eq!(
        texts(&preview, "#line-3 .status"),
        ["category : Choisissez une valeur de la liste."]
    );
    let all = app.submit(&preview_url, &preview_url, &[("mode", "all")]).await;
    assert_eq!(location(&all), preview_url, "all-or-nothing refuses");
    assert_eq!(app.count(actor::Entity).await, 0);

    let valid_only = app.submit(&preview_url, &preview_url, &[("mode", "valid_only")]).await;
    assert_eq!(texts(&valid_only.text().await.unwrap(), "#imported"), ["2"]);
    assert_eq!(app.count(actor::Entity).await, 2);
    let rejected = app
        .get(&format!("{preview_url}/rejected.csv"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        rejected.contains("Boubacar Cissé;imam") || rejected.contains("Boubacar Cissé,imam"),
        "{rejected}"
    );
    assert!(!rejected.contains("Awa Keïta"));
}

#[tokio::test]
async fn searching_keita_finds_keita_with_its_diaeresis_and_filters_combine() {
    let app = spawn_app().await;
    let token = app.api_token_for("viewer").await;
    let organizer = app.api_token_for("organizer").await;
    app.import_csv(&organizer, &fixture("actors.csv")).await;

    let found: Value = app
        .api(Method::GET, "/api/v1/actors?q=Keita&per_page=200", Some(&token))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["full_name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 29);
    assert!(names.iter().all(|n| n.contains("Keïta")), "{names:?}");

    let combined: Value = app
        .api(
            Method::GET,
            "/api/v1/actors?q=keïta&gender=female&region=Bamako&per_page=200",
            Some(&token),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let expected = actor::Entity::find()
        .filter(actor::Column::FullName.contains("Keïta"))
        .filter(actor::Column::Gender.eq("female"))
        .filter(actor::Column::Region.eq("Bamako"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(combined["total"].as_u64().unwrap() as usize, expected.len());
    assert!(!expected.is_empty());
    assert_eq!(
        combined["facets"]["gender"]["female"].as_u64().unwrap() as usize,
        expected.len(),
        "facets count the alternatives"
    );

    app.login_as("viewer").await;
    let page = app
        .get("/actors?q=KEITA&category=women_organization")
        .await
        .text()
        .await
        .unwrap();
    let shown = texts(&page, "td.name a:first-child");
    assert!(
        !shown.is_empty() && shown.iter().all(|n| n.contains("Keïta")),
        "{shown:?}"
    );
}

#[tokio::test]
async fn pages_are_stable_disjoint_and_cover_the_whole_filter() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    app.import_csv(&token, &fixture("actors.csv")).await;
    let mut seen = Vec::new();
    for page in 1..=4 {
        let body: Value = app
            .api(
                Method::GET,
                &format!("/api/v1/actors?category=traditional_authority&per_page=20&page={page}"),
                Some(&token),
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(body["total"], 67);
        seen.extend(
            body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["id"].as_i64().unwrap()),
        );
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((seen.len(), unique.len()), (67, 67), "no actor twice, none missing");
    let again: Value = app
        .api(
            Method::GET,
            "/api/v1/actors?category=traditional_authority&per_page=20&page=2",
            Some(&token),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let again: Vec<i64> = again["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    assert_eq!(again, seen[20..40], "the same page twice gives the same rows");
}

#[tokio::test]
async fn the_list_page_runs_the_same_number_of_queries_for_20_or_200_rows_of_5000() {
    // Without the outbox worker, whose polling would be counted too.
    let app = crate::helpers::spawn_app_with(|s| s.run_worker = false).await;
    let token = app.api_token_for("organizer").await;
    let imported = app.import_csv(&token, &fixture("actors-5000.csv")).await;
    assert_eq!(imported.status(), StatusCode::CREATED);
    app.login_as("organizer").await;

    let (small, small_queries) = app.queries_during(app.get("/actors?per_page=20")).await;
    let (large, large_queries) = app.queries_during(app.get("/actors?per_page=200&page=3")).await;
    let small = small.text().await.unwrap();
    let large = large.text().await.unwrap();
    assert_eq!(texts(&small, "table.actors tbody tr").len(), 20);
    assert_eq!(texts(&large, "table.actors tbody tr").len(), 200);
    assert!(large.contains("3 / 25"));
    assert_eq!(small_queries, large_queries, "queries do not grow with the rows shown");
    assert!(small_queries <= 12, "{small_queries} queries for one page");
}

#[tokio::test]
async fn the_export_follows_the_filter_and_neutralizes_formulas() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    for (name, org) in [
        ("=HYPERLINK(\"http://x\")", "Piège"),
        ("Awa Keïta", "@Association"),
        ("Moussa Coulibaly", "Mairie de Kayes"),
    ] {
        let created = app
            .api(Method::POST, "/api/v1/actors", Some(&token))
            .json(&json!({"full_name": name, "organization": org, "category": "civil_society", "region": "Kayes", "phone": "+223 76 12 34 56"}))
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), StatusCode::CREATED);
    }
    // An organizer: other roles' files have no phone column to neutralize (see erasure.rs).
    app.login_as("organizer").await;
    let csv = app.get("/actors/export.csv?q=keita").await.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "header and the one match: {csv}");
    assert!(
        lines[1].contains("'@Association") && lines[1].contains("'+22376123456"),
        "{}",
        lines[1]
    );
    let everything = app.get("/actors/export.csv").await.text().await.unwrap();
    assert!(everything.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{everything}");
}

#[tokio::test]
async fn invalid_actor_input_names_the_field_and_stores_nothing() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    let cases = [
        (
            json!({"full_name": "Awa", "category": "griot", "town": "Kayes"}),
            "category",
        ),
        (
            json!({"full_name": "Awa", "category": "media", "email": "awa@", "town": "Kayes"}),
            "email",
        ),
        (json!({"full_name": "Awa", "category": "media", "phone": "12"}), "phone"),
        (
            json!({"full_name": "", "category": "media", "town": "Kayes"}),
            "full_name",
        ),
        (json!({"full_name": "Awa", "category": "media"}), "full_name"),
        (
            json!({"full_name": "Awa", "category": "media", "town": "Kayes", "gender": "f"}),
            "gender",
        ),
    ];
    for (body, field) in cases {
        let response = app
            .api(Method::POST, "/api/v1/actors", Some(&token))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let error: Value = response.json().await.unwrap();
        assert!(error["error"]["fields"][field].is_string(), "{body} → {error}");
    }
    assert_eq!(app.count(actor::Entity).await, 0);
}

#[tokio::test]
async fn possible_duplicates_are_flagged_and_merging_keeps_both_histories() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    let create = |body: Value| {
        let request = app.api(Method::POST, "/api/v1/actors", Some(&token)).json(&body);
        async move {
            request.send().await.unwrap().json::<Value>().await.unwrap()["id"]
                .as_i64()
                .unwrap()
        }
    };
    let a = create(json!({"full_name": "Aminata Dembélé", "category": "women_organization", "town": "Ségou", "email": "aminata@example.org"})).await;
    let b = create(json!({"full_name": "Aminata DEMBELE", "category": "women_organization", "town": "Ségou", "phone": "+223 76 00 00 01", "organization": "CAFO Ségou"})).await;
    let other = create(json!({"full_name": "Oumar Sow", "category": "media", "town": "Mopti"})).await;

    let event = |title: &str| {
        let request = app.api(Method::POST, "/api/v1/events", Some(&token)).json(&json!({
            "kind": "dissemination_workshop", "title": title,
            "starts_at": "2027-01-10T09:00", "ends_at": "2027-01-10T17:00"
        }));
        async move {
            request.send().await.unwrap().json::<Value>().await.unwrap()["id"]
                .as_i64()
                .unwrap()
        }
    };
    let first = event("Restitution à Ségou").await;
    let second = event("Restitution à Mopti").await;
    let invite = |event: i64, ids: Vec<i64>| {
        let request = app
            .api(
                Method::POST,
                &format!("/api/v1/events/{event}/invitations"),
                Some(&token),
            )
            .json(&json!({"actor_ids": ids}));
        async move { assert_eq!(request.send().await.unwrap().status(), StatusCode::CREATED) }
    };
    invite(first, vec![a, b]).await;
    invite(second, vec![b]).await;

    app.login_as("organizer").await;
    let list = app.get("/actors").await.text().await.unwrap();
    assert_eq!(texts(&list, "a.badge.warn").len(), 2, "both records are flagged");
    let duplicates = app.get("/actors/duplicates").await.text().await.unwrap();
    assert_eq!(texts(&duplicates, "section.duplicate-group").len(), 1);
    assert!(!duplicates.contains("Oumar Sow"));

    let merged = app
        .submit(
            "/actors/duplicates",
            &format!("/actors/{a}/merge"),
            &[("other_id", &b.to_string())],
        )
        .await;
    assert_eq!(merged.status(), StatusCode::SEE_OTHER);
    let kept = actor::Entity::find_by_id(a as i32).one(&app.db).await.unwrap().unwrap();
    assert_eq!(
        (kept.phone.as_deref(), kept.organization.as_str()),
        (Some("+22376000001"), "CAFO Ségou")
    );
    assert!(
        actor::Entity::find_by_id(b as i32)
            .one(&app.db)
            .await
            .unwrap()
            .is_none()
    );
    for event in [first, second] {
        let guests: Value = app
            .api(
                Method::GET,
                &format!("/api/v1/events/{event}/invitations"),
                Some(&token),
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let ids: Vec<i64> = guests["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["actor_id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, [a], "event {event} keeps one invitation, now for the kept record");
    }
    let _ = other;
}
