//! Small counts across events: an event's hidden cell cannot be worked out from the campaign
//! summary minus the other events' figures, on the pages, the API or the exports.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::{TestApp, csv_rows, spawn_app, texts};

/// Atelier A: 3 women and 20 men; Atelier B: 10 women and 12 men (June); Atelier C: 2 women and
/// 1 man (July). Before, the June summary showed 13 women: 13 - 10 gave A's 3 away.
async fn three_workshops(app: &TestApp, token: &str) -> [i64; 3] {
    let a = app.workshop_on(token, "Atelier A", "Kayes", "2030-06-10").await;
    app.headcount(
        token,
        a,
        "Kayes",
        &[
            ("civil_society", "female", "adult", 3),
            ("civil_society", "male", "adult", 20),
        ],
    )
    .await;
    let b = app.workshop_on(token, "Atelier B", "Mopti", "2030-06-12").await;
    app.headcount(
        token,
        b,
        "Mopti",
        &[
            ("civil_society", "female", "adult", 10),
            ("civil_society", "male", "adult", 12),
        ],
    )
    .await;
    let c = app.workshop_on(token, "Atelier C", "Ségou", "2030-07-01").await;
    app.headcount(
        token,
        c,
        "Ségou",
        &[
            ("media", "female", "youth", 2),
            ("religious_authority", "male", "adult", 1),
        ],
    )
    .await;
    [a, b, c]
}

async fn get_json(app: &TestApp, path: &str, token: &str) -> Value {
    let response = app.api(Method::GET, path, Some(token)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.json().await.unwrap()
}

/// Every figure the summary shows as a number has each event's part shown as a number on the
/// event's own page: nothing can be subtracted down to a hidden cell.
fn assert_nothing_to_subtract(across: &Value, pages: &[&Value]) {
    let summary = &across["summary"];
    for field in ["present", "invited", "invited_present", "walk_ins"] {
        if summary[field].is_u64() {
            for page in pages {
                assert!(page[field].is_u64(), "{field}: {summary} against {page}");
            }
        }
    }
    for breakdown in ["by_gender", "by_age_group", "by_category", "by_region"] {
        for (key, figure) in summary[breakdown].as_object().unwrap() {
            if figure.is_u64() && figure.as_u64() != Some(0) {
                for page in pages {
                    let part = &page[breakdown][key];
                    assert!(
                        part.is_u64() || part.is_null(),
                        "{breakdown}.{key}: {figure} against {part}"
                    );
                }
            }
        }
    }
    for (row, page) in across["events"].as_array().unwrap().iter().zip(pages) {
        assert_eq!(row["present"], page["present"], "the table repeats the page");
        assert_eq!(row["women"], page["by_gender"]["female"], "the table repeats the page");
    }
}

#[tokio::test]
async fn a_hidden_cell_of_one_event_cannot_be_worked_out_from_the_summary_across_events() {
    let app = spawn_app().await;
    let organizer = app.api_token_for("organizer").await;
    let viewer = app.api_token_for("viewer").await;
    let [a, b, c] = three_workshops(&app, &organizer).await;

    // Each event's own page, as a viewer reads it.
    let mut pages = Vec::new();
    for id in [a, b, c] {
        pages.push(get_json(&app, &format!("/api/v1/events/{id}/attendance/summary"), &viewer).await);
    }
    let [page_a, page_b, page_c] = <[Value; 3]>::try_from(pages).unwrap();
    assert_eq!(page_a["by_gender"]["female"], "<5");
    assert_eq!(page_a["by_gender"]["male"], "x", "20 would give 23 - 20 away");
    assert_eq!(page_a["present"], 23);
    assert_eq!(page_b["by_gender"]["female"], 10);
    assert_eq!(page_b["present"], 22);
    // Three people are not broken down at all: zeros hidden too, regions not listed.
    assert_eq!(page_c["present"], "<5");
    for key in ["female", "male", "unspecified"] {
        assert_eq!(page_c["by_gender"][key], "<5", "{key}");
    }
    assert_eq!(page_c["by_category"]["civil_society"], "<5", "a zero of a small group");
    assert_eq!(page_c["by_region"], serde_json::json!({}));

    // June: A and B. The women across them are no longer 13.
    let june = get_json(&app, "/api/v1/attendance/summary?to=2030-06-30", &viewer).await;
    assert_eq!(june["summary"]["published"], true);
    assert_eq!(june["summary"]["by_gender"]["female"], "x");
    assert_eq!(june["summary"]["by_gender"]["male"], "x");
    assert_eq!(
        june["summary"]["present"], 45,
        "both totals are shown: their sum says nothing more"
    );
    assert_eq!(june["summary"]["by_region"]["Mopti"], 22);
    assert_eq!(june["summary"]["women_share_percent"], Value::Null);
    let rows = june["events"].as_array().unwrap();
    let row = |id: i64| rows.iter().find(|r| r["event_id"] == id).unwrap().clone();
    assert_eq!(row(a)["women"], "<5");
    assert_eq!(row(b)["women"], 10);
    assert_nothing_to_subtract(&june, &[&row_page(&june, b, &page_b), &row_page(&june, a, &page_a)]);

    // All three, and any other filter, read side by side with the pages.
    let all = get_json(&app, "/api/v1/attendance/summary", &viewer).await;
    assert_eq!(all["summary"]["present"], "x", "45 and \"<5\"");
    assert_eq!(all["summary"]["by_gender"]["female"], "x");
    assert_eq!(all["summary"]["by_category"]["media"], "<5", "only C's part, hidden");
    let in_order: Vec<Value> = all["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let id = r["event_id"].as_i64().unwrap();
            [(a, &page_a), (b, &page_b), (c, &page_c)]
                .iter()
                .find(|(x, _)| *x == id)
                .unwrap()
                .1
                .clone()
        })
        .collect();
    assert_nothing_to_subtract(&all, &in_order.iter().collect::<Vec<_>>());
    for region in ["Kayes", "Mopti"] {
        assert_eq!(
            all["summary"]["by_region"][region], "x",
            "C's people may come from {region}"
        );
    }
    assert!(all["summary"]["by_region"].get("Ségou").is_none(), "C lists no region");

    // The organizer still gets the exact figures.
    let exact = get_json(&app, "/api/v1/attendance/summary?to=2030-06-30", &organizer).await;
    assert_eq!(exact["summary"]["by_gender"]["female"], 13);

    // The page and the exports say the same as the API.
    let (browser, _) = app.browser_as("viewer").await;
    let html = browser.get("/attendance?to=2030-06-30").await.text().await.unwrap();
    assert_eq!(
        texts(&html, "#table-gender tr[data-key=\"female\"] td"),
        ["x"],
        "the summary table"
    );
    let women_of_a = texts(&html, &format!("#table-events tr[data-event=\"{a}\"] td"));
    assert_eq!(women_of_a[5], "<5", "{women_of_a:?}");
    assert!(
        !texts(&html, "#across-note").is_empty(),
        "\"x\" across events is explained"
    );
    let html = browser
        .get(&format!("/events/{a}/attendance/stats"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(texts(&html, "#table-gender tr[data-key=\"female\"] td"), ["<5"]);
    assert!(texts(&html, "#small-group-note").is_empty());
    let html = browser
        .get(&format!("/events/{c}/attendance/stats"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(texts(&html, "#table-gender tr[data-key=\"unspecified\"] td"), ["<5"]);
    assert!(
        !texts(&html, "#small-group-note").is_empty(),
        "why every cell reads \"<5\""
    );

    let value = |rows: &[Vec<String>], section: &str, key: &str| {
        rows.iter()
            .find(|r| r[0] == section && r[1] == key && r[3] == "present")
            .map(|r| r[4].clone())
            .unwrap_or_else(|| panic!("{section} {key}"))
    };
    let csv = browser.get("/attendance.csv?to=2030-06-30").await.text().await.unwrap();
    let lines = csv_rows(&csv);
    assert_eq!(value(&lines, "gender", "female"), "x", "{csv}");
    assert_eq!(value(&lines, "gender", "total"), "45");
    assert!(!lines.iter().any(|r| r.iter().any(|c| c == "13")), "{csv}");
    let csv = browser
        .get(&format!("/events/{a}/attendance/stats.csv"))
        .await
        .text()
        .await
        .unwrap();
    let lines = csv_rows(&csv);
    assert_eq!(value(&lines, "gender", "female"), "<5");
    assert_eq!(value(&lines, "gender", "male"), "x");
    let csv = browser
        .get(&format!("/events/{c}/attendance/stats.csv"))
        .await
        .text()
        .await
        .unwrap();
    let lines = csv_rows(&csv);
    assert_eq!(value(&lines, "gender", "unspecified"), "<5", "{csv}");
    assert!(!lines.iter().any(|r| r[0] == "region" && r[1] != "total"), "{csv}");
}

/// The event's page figures, checked to be what the table of events repeats.
fn row_page(across: &Value, id: i64, page: &Value) -> Value {
    let row = across["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["event_id"] == id)
        .unwrap();
    assert_eq!(row["present"], page["present"]);
    page.clone()
}
