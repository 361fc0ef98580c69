//! The directory's facet counts, read from counters kept by triggers, stay equal to a recount of the rows through import, edits, merge, deletion and erasure.

use std::collections::BTreeMap;

use entity::actor;
use reqwest::{Method, StatusCode};
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::helpers::{TestApp, attrs, fixture, spawn_app, spawn_app_with, texts};

type Counts = BTreeMap<String, BTreeMap<String, u64>>;

/// What the directory holds, counted from the rows themselves: facet → value → actors (values
/// nobody holds left out), plus `total`.
async fn recount(app: &TestApp) -> Counts {
    let mut counts = Counts::from([("total".into(), BTreeMap::from([(String::new(), 0)]))]);
    for a in actor::Entity::find().all(&app.db).await.unwrap() {
        let email = if a.email.is_some() { "yes" } else { "no" };
        for (facet, value) in [
            ("category", a.category.as_str()),
            ("region", a.region.as_str()),
            ("gender", a.gender.as_str()),
            ("age_group", a.age_group.as_str()),
            ("has_email", email),
            ("total", ""),
        ] {
            *counts.entry(facet.into()).or_default().entry(value.into()).or_default() += 1;
        }
    }
    counts
}

/// The counts the list page shows: "Label (n)" per option of each filter, and "… N" of actors.
fn shown_on_page(html: &str) -> Counts {
    let mut counts = Counts::new();
    for facet in ["category", "region", "gender", "age_group", "has_email"] {
        let selector = format!("select#{facet} option:not([value=''])");
        let values = attrs(html, &selector, "value");
        let labels = texts(html, &selector);
        assert_eq!(values.len(), labels.len());
        for (value, label) in values.into_iter().zip(labels) {
            let (_, n) = label.rsplit_once('(').unwrap_or_else(|| panic!("{facet}: {label}"));
            let n: u64 = n.trim_end_matches(')').parse().unwrap();
            if n > 0 {
                counts.entry(facet.into()).or_default().insert(value, n);
            }
        }
    }
    let total = texts(html, "#result-count").concat();
    let total = total.rsplit(' ').next().unwrap().parse().unwrap();
    counts.entry("total".into()).or_default().insert(String::new(), total);
    counts
}

/// The counts the API gives for the whole directory, zeros left out as on the page.
fn given_by_api(body: &Value) -> Counts {
    let mut counts: Counts = serde_json::from_value(body["facets"].clone()).unwrap();
    for map in counts.values_mut() {
        map.retain(|_, n| *n > 0);
    }
    counts.retain(|_, map| !map.is_empty());
    let total = body["total"].as_u64().unwrap();
    counts.entry("total".into()).or_default().insert(String::new(), total);
    counts
}

async fn assert_counts_match_rows(app: &TestApp, token: &str, step: &str) {
    let expected = recount(app).await;
    let page = app.get("/actors").await.text().await.unwrap();
    assert_eq!(shown_on_page(&page), expected, "page after {step}");
    let api = app.api_ok(Method::GET, "/api/v1/actors", token, json!(null)).await;
    assert_eq!(given_by_api(&api), expected, "API after {step}");
}

async fn first_with_email(app: &TestApp, token: &str, skip: usize) -> Value {
    let list = app
        .api_ok(Method::GET, "/api/v1/actors?has_email=yes", token, json!(null))
        .await;
    list["items"][skip].clone()
}

#[tokio::test]
async fn the_directory_counts_follow_every_change_to_the_rows() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    let admin = app.api_token_for("admin").await;
    app.login_as("organizer").await;
    assert_counts_match_rows(&app, &token, "nothing yet").await;

    let imported = app.import_csv(&token, &fixture("actors.csv")).await;
    assert_eq!(imported.status(), StatusCode::CREATED);
    assert_counts_match_rows(&app, &token, "the import").await;

    // An edit that moves the actor to another category and region and removes the email.
    let mut edited = first_with_email(&app, &token, 0).await;
    let id = edited["id"].as_i64().unwrap();
    let (category, region) = match edited["region"].as_str() {
        Some("Kayes") => ("media", "Mopti"),
        _ => ("media", "Kayes"),
    };
    edited["category"] = json!(category);
    edited["region"] = json!(region);
    edited["email"] = json!("");
    edited["gender"] = json!(edited["gender"].as_str().unwrap());
    let body = app
        .api_ok(Method::PUT, &format!("/api/v1/actors/{id}"), &token, edited)
        .await;
    assert_eq!(
        (body["category"].as_str(), body["email"].as_str()),
        (Some(category), None)
    );
    assert_counts_match_rows(&app, &token, "an edit").await;
    // An edit of a field no count depends on changes nothing.
    let mut renamed = body.clone();
    renamed["notes"] = json!("Rencontrée à Ségou");
    app.api_ok(Method::PUT, &format!("/api/v1/actors/{id}"), &token, renamed)
        .await;
    assert_counts_match_rows(&app, &token, "a note").await;

    // Two records of one person, merged on the duplicates page: one leaves the directory.
    let create = |body: Value| app.api_ok(Method::POST, "/api/v1/actors", &token, body);
    let kept = create(
        json!({"full_name": "Fatoumata Traoré", "category": "women_organization",
        "region": "Ségou", "town": "Ségou", "email": "fatoumata.traore@example.org"}),
    )
    .await;
    let absorbed = create(json!({"full_name": "Fatoumata TRAORE", "category": "civil_society",
        "region": "Sikasso", "town": "Ségou", "phone": "+223 76 00 00 09"}))
    .await;
    assert_counts_match_rows(&app, &token, "two new actors").await;
    let merged = app
        .submit(
            "/actors/duplicates",
            &format!("/actors/{}/merge", kept["id"]),
            &[("other_id", &absorbed["id"].to_string())],
        )
        .await;
    assert_eq!(merged.status(), StatusCode::SEE_OTHER);
    assert_counts_match_rows(&app, &token, "the merge").await;

    // A deletion, then an erasure (the record stays, anonymised, without its email).
    let deleted = app
        .api(Method::DELETE, &format!("/api/v1/actors/{}", kept["id"]), Some(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_counts_match_rows(&app, &token, "a deletion").await;
    let erased_id = first_with_email(&app, &token, 1).await["id"].as_i64().unwrap();
    let erased = app
        .api(Method::POST, &format!("/api/v1/actors/{erased_id}/erase"), Some(&admin))
        .send()
        .await
        .unwrap();
    assert!(erased.status().is_success(), "{}", erased.status());
    let stored = actor::Entity::find_by_id(erased_id as i32)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.email, None);
    assert_counts_match_rows(&app, &token, "an erasure").await;
}

/// The fewest SQL statements of three calls of `path` (a session or token touch lands in one only).
async fn fewest_statements(app: &TestApp, token: &str, path: &str) -> usize {
    let mut fewest = usize::MAX;
    for _ in 0..3 {
        let (_, n) = app
            .queries_during(app.api_ok(Method::GET, path, token, json!(null)))
            .await;
        fewest = fewest.min(n);
    }
    fewest
}

#[tokio::test]
async fn a_filtered_list_counts_its_matches_and_the_unfiltered_list_reads_two_statements() {
    // Without the outbox worker, whose polling would be counted too.
    let app = spawn_app_with(|s| s.run_worker = false).await;
    let token = app.api_token_for("organizer").await;
    app.import_csv(&token, &fixture("actors.csv")).await;
    let rows = actor::Entity::find().all(&app.db).await.unwrap();
    let women: Vec<_> = rows.iter().filter(|a| a.gender == "female").collect();
    let list = app
        .api_ok(Method::GET, "/api/v1/actors?gender=female", &token, json!(null))
        .await;
    assert_eq!(list["total"].as_u64(), Some(women.len() as u64));
    let mopti = women.iter().filter(|a| a.region == "Mopti").count() as u64;
    assert_eq!(list["facets"]["region"]["Mopti"].as_u64(), Some(mopti));
    // Every facet filtered: the total is then counted on its own.
    let one = &rows[0];
    let email = if one.email.is_some() { "yes" } else { "no" };
    let path = format!(
        "/api/v1/actors?category={}&region={}&gender={}&age_group={}&has_email={email}",
        one.category, one.region, one.gender, one.age_group
    );
    let same = rows
        .iter()
        .filter(|a| {
            (&a.category, &a.region, &a.gender, &a.age_group, a.email.is_some())
                == (
                    &one.category,
                    &one.region,
                    &one.gender,
                    &one.age_group,
                    one.email.is_some(),
                )
        })
        .count() as u64;
    let list = app.api_ok(Method::GET, &path, &token, json!(null)).await;
    assert_eq!(list["total"].as_u64(), Some(same));

    // Counters and the page, whatever the directory's size (the API's own statements aside).
    let unfiltered = fewest_statements(&app, &token, "/api/v1/actors").await;
    let filtered = fewest_statements(&app, &token, "/api/v1/actors?q=%20").await;
    assert_eq!(
        filtered - unfiltered,
        4,
        "five grouped counts instead of one read of the counters"
    );
}
