//! The check-in page at a national launch's door: 2,000 guests in a small first load, the same cost
//! whatever the list's size, search and pages without script, the offline worker and cached files.

use entity::{actor, invitation};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use crate::helpers::{TestApp, attrs, fixture, spawn_app_with, texts};

/// A scheduled workshop in Kayes inviting the first `guests` actors of `actors-5000.csv`.
pub async fn door_with_guests(app: &TestApp, token: &str, guests: usize) -> i64 {
    let all = fixture("actors-5000.csv");
    let lines: Vec<&str> = all.lines().take(guests + 1).collect();
    let csv = lines.join("\n") + "\n";
    let imported = app.import_csv(token, &csv).await;
    assert_eq!(
        imported.status(),
        StatusCode::CREATED,
        "{}",
        imported.text().await.unwrap()
    );
    let id = app.scheduled_workshop(token, "Lancement national", "Kayes").await;
    app.api_ok(
        reqwest::Method::POST,
        &format!("/api/v1/events/{id}/invitations"),
        token,
        json!({"filter": {}}),
    )
    .await;
    id
}

/// The guests of an event in name order, as (invitation id, name): read from the database.
pub async fn guests_by_name(app: &TestApp, event_id: i64) -> Vec<(i32, String)> {
    invitation::Entity::find()
        .filter(invitation::Column::EventId.eq(event_id as i32))
        .find_also_related(actor::Entity)
        .order_by_asc(actor::Column::FullName)
        .order_by_asc(actor::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|(inv, actor)| (inv.id, actor.unwrap().full_name))
        .collect()
}

/// Bytes on the wire of one GET as a browser asks for it (gzip accepted), with the response headers.
async fn gzip_bytes(app: &TestApp, path: &str) -> (usize, reqwest::header::HeaderMap) {
    let response = app
        .browser
        .client
        .get(app.browser.url(path))
        .header(ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let headers = response.headers().clone();
    assert_eq!(
        headers.get("content-encoding").map(|v| v.to_str().unwrap()),
        Some("gzip"),
        "{path} is compressed"
    );
    (response.bytes().await.unwrap().len(), headers)
}

#[tokio::test]
async fn the_door_page_for_2000_guests_loads_in_under_50_kb_at_a_constant_cost() {
    // Without the outbox worker, whose polling would be counted among the statements.
    let app = spawn_app_with(|s| s.run_worker = false).await;
    let token = app.api_token_for("organizer").await;
    let event = door_with_guests(&app, &token, 2000).await;
    app.login_as("organizer").await;
    let list = format!("/events/{event}/checkin");
    let everyone = guests_by_name(&app, event).await;
    assert_eq!(everyone.len(), 2000);

    // The first load: the page, the data its script searches, the script and the stylesheet.
    let html = app.get(&list).await.text().await.unwrap();
    let script = attrs(&html, "script[src]", "src");
    let styles = attrs(&html, "link[rel=stylesheet]", "href");
    let data = attrs(&html, "#checkin", "data-guests-url");
    let mut total = 0;
    for path in [vec![list.clone()], data, script, styles].concat() {
        let (bytes, _) = gzip_bytes(&app, &path).await;
        println!("first load: {path} {bytes} B gzip");
        total += bytes;
    }
    println!("first load total: {total} B gzip for 2000 guests");
    assert!(total <= 50 * 1024, "{total} bytes on first load");

    // One page of rows, in name order, each button naming its guest; a link to the next page.
    let names = texts(&html, "#roster li .who strong");
    let expected: Vec<String> = everyone.iter().take(50).map(|(_, n)| n.clone()).collect();
    assert_eq!(names, expected);
    let buttons = texts(&html, "#roster li button.mark");
    assert_eq!(
        buttons[0],
        format!("Présent {}", everyone[0].1),
        "the button's name says whom it marks"
    );
    assert_eq!(
        attrs(&html, "#pager a[rel=next]", "href"),
        vec![format!("{list}?page=2")]
    );
    assert!(texts(&html, ".checkin-counts").concat().contains("0 / 2000"));

    // The statements are the same for the first page, a later one and a search.
    let guest = &everyone[1234];
    // Typed as at the door: lower case, without accents.
    let typed = toguna::domain::text::fold(&guest.1);
    let (_, first) = app.queries_during(app.get(&list)).await;
    let (later, later_queries) = app.queries_during(app.get(&format!("{list}?page=30"))).await;
    let (found, found_queries) = app
        .queries_during(app.get(&format!("{list}?q={}", urlencode(&typed))))
        .await;
    println!("statements: first page {first}, page 30 {later_queries}, search {found_queries}");
    assert_eq!(first, later_queries, "a later page costs the same");
    assert_eq!(first, found_queries, "a search costs the same");
    assert!(first <= 8, "{first} statements for the check-in page");
    let later = later.text().await.unwrap();
    let page30: Vec<String> = everyone[29 * 50..30 * 50].iter().map(|(_, n)| n.clone()).collect();
    assert_eq!(texts(&later, "#roster li .who strong"), page30);
    let found = found.text().await.unwrap();
    assert!(
        texts(&found, "#roster li .who strong").contains(&guest.1),
        "searching {typed} finds {}",
        guest.1
    );

    // The script's data: every guest once, in the same order, in a compact shape.
    let data: Value = app.get(&format!("{list}/guests")).await.json().await.unwrap();
    let rows = data["guests"].as_array().unwrap();
    assert_eq!(rows.len(), 2000);
    assert_eq!(rows[1234][0].as_i64().unwrap(), i64::from(guest.0));
    assert_eq!(rows[1234][1].as_str().unwrap(), guest.1);
    assert!(
        data["cats"].as_array().unwrap().len() >= 5,
        "category labels for the indexes"
    );
    let (_, data_queries) = app.queries_during(app.get(&format!("{list}/guests"))).await;
    assert!(data_queries <= 8, "{data_queries} statements for the whole list");

    // Marked from page 30 without script: stored, back on page 30, shown present there.
    let target = &everyone[29 * 50 + 3];
    let marked = app
        .submit(
            &format!("{list}?page=30"),
            &format!("{list}/guests/{}", target.0),
            &[("q", ""), ("page", "30")],
        )
        .await;
    assert_eq!(marked.status(), StatusCode::SEE_OTHER);
    assert_eq!(crate::helpers::location(&marked), format!("{list}?page=30"));
    let after = app.get(&format!("{list}?page=30")).await.text().await.unwrap();
    assert_eq!(texts(&after, "#roster li.present .who strong"), vec![target.1.clone()]);
    assert!(
        texts(&after, ".checkin-counts")
            .concat()
            .contains("1 personne présente"),
        "singular"
    );
    let data: Value = app.get(&format!("{list}/guests")).await.json().await.unwrap();
    assert_eq!(data["guests"][29 * 50 + 3][5], 1, "present in the script's data too");
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn the_offline_worker_the_cached_files_and_the_guest_data_are_served_for_the_door_only() {
    let app = spawn_app_with(|_| {}).await;
    let token = app.api_token_for("organizer").await;
    let event = door_with_guests(&app, &token, 12).await;
    let list = format!("/events/{event}/checkin");

    // Nobody signed in: neither the list nor its data.
    let anonymous = app.new_browser();
    let refused = anonymous.get(&format!("{list}/guests")).await;
    assert_ne!(refused.status(), StatusCode::OK);
    assert!(!refused.text().await.unwrap().contains("Lancement"));

    app.login_as("organizer").await;
    let html = app.get(&list).await.text().await.unwrap();
    assert_eq!(attrs(&html, "#checkin", "data-sw"), vec!["/events/checkin-sw.js"]);
    assert_eq!(attrs(&html, "#checkin", "data-scope"), vec![list.clone()]);
    assert_eq!(
        attrs(&html, "a.skip-link", "href"),
        vec!["#q"],
        "a skip link to the search"
    );
    assert_eq!(
        attrs(&html, "#q[autofocus]", "id"),
        vec!["q"],
        "the search has focus on load"
    );

    // The worker: a script from /events/ (so its scope may cover each event's check-in), with its own CSP.
    let worker = app.get("/events/checkin-sw.js").await;
    assert_eq!(worker.status(), StatusCode::OK);
    assert!(
        worker.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    let csp = worker.headers()[CONTENT_SECURITY_POLICY].to_str().unwrap().to_string();
    assert!(
        csp.contains("worker-src 'self'") && csp.contains("connect-src 'self'"),
        "{csp}"
    );
    assert!(worker.text().await.unwrap().contains("addEventListener('fetch'"));

    // Fingerprinted files are kept for a year; a bare or outdated URL only for an hour.
    let script = attrs(&html, "script[src]", "src").pop().unwrap();
    assert!(script.starts_with("/static/checkin.js?v="), "{script}");
    let (_, headers) = gzip_bytes(&app, &script).await;
    assert_eq!(headers[CACHE_CONTROL], "public, max-age=31536000, immutable");
    let (_, headers) = gzip_bytes(&app, "/static/checkin.js?v=0000000000000000").await;
    assert_eq!(headers[CACHE_CONTROL], "public, max-age=3600");
    let css = attrs(&html, "link[rel=stylesheet]", "href").pop().unwrap();
    let (_, headers) = gzip_bytes(&app, &css).await;
    assert_eq!(headers[CACHE_CONTROL], "public, max-age=31536000, immutable");

    // The data of an unknown event is a 404, not an empty list.
    assert_eq!(
        app.get("/events/999999/checkin/guests").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn without_script_a_walk_in_is_confirmed_and_listed_on_the_page_it_returns_to() {
    let app = spawn_app_with(|_| {}).await;
    let token = app.api_token_for("organizer").await;
    let event = door_with_guests(&app, &token, 3).await;
    app.login_as("organizer").await;
    let list = format!("/events/{event}/checkin");
    let before = app.get(&list).await.text().await.unwrap();
    assert!(texts(&before, "#walk-ins li").is_empty());
    assert_eq!(attrs(&before, "#walk-in-done[hidden]", "id"), vec!["walk-in-done"]);

    let added = app
        .submit(
            &list,
            &format!("{list}/walk-in"),
            &[
                ("full_name", "Oumou Sangaré"),
                ("gender", "female"),
                ("age_group", "adult"),
                ("category", "civil_society"),
                ("region", "Kayes"),
                ("organization", ""),
            ],
        )
        .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let after = app.get(&crate::helpers::location(&added)).await.text().await.unwrap();
    assert_eq!(
        attrs(&after, "details#walk-in[open]", "id"),
        vec!["walk-in"],
        "the form stays open"
    );
    assert!(
        attrs(&after, "#walk-in-done[hidden]", "id").is_empty(),
        "the confirmation is shown"
    );
    let listed = texts(&after, "#walk-ins li");
    assert_eq!(listed.len(), 1);
    assert!(listed[0].contains("Oumou Sangaré"), "{listed:?}");
    assert!(
        texts(&after, ".checkin-counts")
            .concat()
            .contains("1 personne présente")
    );
}
