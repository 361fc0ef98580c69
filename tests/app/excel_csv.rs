//! Every CSV download has a spreadsheet variant (`?format=excel`: `;` and a BOM) linked beside it,
//! that keeps accents and the formula neutralisation of the standard file.

use entity::attendance;
use reqwest::{Method, StatusCode};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::json;

use crate::helpers::{Browser, excel_csv_rows, hrefs, spawn_app};

const HYPERLINK: &str = "=HYPERLINK(\"http://evil\",\"x\")";

/// Downloads a variant as raw bytes; checks its type, its BOM and `;`, and returns its cells.
async fn excel_rows(browser: &Browser, path: &str) -> Vec<Vec<String>> {
    let response = browser.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let content_type = response.headers()["content-type"].to_str().unwrap().to_string();
    assert!(content_type.starts_with("text/csv"), "{path}: {content_type}");
    let bytes = response.bytes().await.unwrap();
    let rows = excel_csv_rows(&bytes);
    for cell in rows.iter().flatten() {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "{path}: live cell {cell:?}"
        );
    }
    assert!(
        rows.iter().all(|r| r.len() > 1),
        "{path}: every line has columns: {rows:?}"
    );
    rows
}

/// The UTF-8 bytes of an accented word are in the file as they are (no Latin-1, no escape).
async fn assert_bytes_hold(browser: &Browser, path: &str, word: &str) {
    let bytes = browser.get(path).await.bytes().await.unwrap();
    assert!(
        bytes.windows(word.len()).any(|w| w == word.as_bytes()),
        "{path}: {word:?} is not in {:?}",
        String::from_utf8_lossy(&bytes)
    );
}

#[tokio::test]
async fn the_statistics_exports_have_a_spreadsheet_variant_that_keeps_accents_and_stays_inert() {
    let app = spawn_app().await;
    let organizer = app.api_token_for("organizer").await;
    let event = app.scheduled_workshop(&organizer, "Restitution à Ségou", "Ségou").await;
    // Five people: the regions of fewer than five are not listed in published figures.
    for _ in 0..5 {
        let person = json!({"gender": "female", "age_group": "youth", "category": "media", "region": "Ségou"});
        assert_eq!(
            app.walk_in(&organizer, event, person).await.status(),
            StatusCode::CREATED
        );
    }
    // One region typed before regions were checked stays as it was: the file must neutralise it.
    let row = attendance::Entity::find().one(&app.db).await.unwrap().unwrap();
    let mut row: attendance::ActiveModel = row.into();
    row.region = Set(HYPERLINK.into());
    row.update(&app.db).await.unwrap();
    let (browser, _) = app.browser_as("organizer").await;

    let page = browser
        .get(&format!("/events/{event}/attendance/stats"))
        .await
        .text()
        .await
        .unwrap();
    let variant = format!("/events/{event}/attendance/stats.csv?format=excel");
    assert_eq!(hrefs(&page, "a#export-csv-excel"), std::slice::from_ref(&variant));
    assert!(page.contains("CSV (Excel)"));
    let rows = excel_rows(&browser, &variant).await;
    assert_eq!(rows[0], ["section", "key", "label", "measure", "value"]);
    let regions: Vec<&str> = rows
        .iter()
        .filter(|r| r[0] == "region")
        .map(|r| r[1].as_str())
        .collect();
    assert!(regions.contains(&format!("'{HYPERLINK}").as_str()), "{rows:?}");
    assert!(regions.contains(&"Ségou"), "{rows:?}");
    assert_bytes_hold(&browser, &variant, "Ségou").await;

    let across = browser.get("/attendance").await.text().await.unwrap();
    let links = hrefs(&across, "a#export-csv-excel");
    assert_eq!(links.len(), 1, "{across}");
    assert!(links[0].starts_with("/attendance.csv?") && links[0].ends_with("format=excel"));
    let rows = excel_rows(&browser, &links[0]).await;
    assert!(
        rows.iter().any(|r| r[0] == "events" && r[2] == "Restitution à Ségou"),
        "{rows:?}"
    );
    assert_bytes_hold(&browser, &links[0], "Restitution à Ségou").await;

    // The standard file is unchanged: commas.
    let standard = browser
        .get(&format!("/events/{event}/attendance/stats.csv"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        standard
            .trim_start_matches('\u{feff}')
            .starts_with("section,key,label,measure,value")
    );
}

#[tokio::test]
async fn the_guest_list_and_the_rejected_lines_have_a_spreadsheet_variant() {
    let app = spawn_app().await;
    let organizer = app.api_token_for("organizer").await;
    let event = app.scheduled_workshop(&organizer, "Atelier à Kayes", "Kayes").await;
    let actor = app
        .api_ok(
            Method::POST,
            "/api/v1/actors",
            &organizer,
            json!({"full_name": HYPERLINK, "organization": "Société civile de Kayes", "category": "civil_society",
                   "gender": "female", "town": "Kayes"}),
        )
        .await;
    app.api_ok(
        Method::POST,
        &format!("/api/v1/events/{event}/invitations"),
        &organizer,
        json!({"actor_ids": [actor["id"]]}),
    )
    .await;
    let (browser, _) = app.browser_as("organizer").await;
    let page = browser.get(&format!("/events/{event}")).await.text().await.unwrap();
    let variant = format!("/events/{event}/guests.csv?format=excel");
    assert_eq!(hrefs(&page, "a#export-csv-excel"), std::slice::from_ref(&variant));
    let rows = excel_rows(&browser, &variant).await;
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1][0], format!("'{HYPERLINK}"));
    assert_eq!(rows[1][1], "Société civile de Kayes");
    assert_bytes_hold(&browser, &variant, "Société civile de Kayes").await;
    // A filter of the page carries over to the variant.
    let filtered = browser
        .get(&format!("/events/{event}?response=accepted"))
        .await
        .text()
        .await
        .unwrap();
    let links = hrefs(&filtered, "a#export-csv-excel");
    assert_eq!(
        links,
        [format!("/events/{event}/guests.csv?response=accepted&format=excel")]
    );
    assert_eq!(excel_rows(&browser, &links[0]).await.len(), 1, "only the header");

    let csv = format!(
        "full_name,category,town\nAwa Keïta,women_organization,Kayes\n\"{}\",chef,Ségou\n",
        HYPERLINK.replace('"', "\"\"")
    );
    let preview = browser.upload_actors(&csv).await;
    let html = browser.get(&preview).await.text().await.unwrap();
    let variant = format!("{preview}/rejected.csv?format=excel");
    assert_eq!(hrefs(&html, "a#rejected-excel"), std::slice::from_ref(&variant));
    let rows = excel_rows(&browser, &variant).await;
    assert_eq!(rows[0], ["full_name", "category", "town"]);
    assert_eq!(rows[1], [format!("'{HYPERLINK}").as_str(), "chef", "Ségou"]);
    assert_bytes_hold(&browser, &variant, "Ségou").await;
}
