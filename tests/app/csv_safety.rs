//! Every CSV download is safe to open in a spreadsheet: no cell starts a formula.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use entity::attendance;
use reqwest::{Method, StatusCode};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::json;

use crate::helpers::{csv_rows, location, spawn_app};

const HYPERLINK: &str = "=HYPERLINK(\"http://evil\",\"x\")";

/// A cell no spreadsheet runs: it does not start with `=`, `+`, `-`, `@`, tab or CR.
fn assert_inert(rows: &[Vec<String>], body: &str) {
    for cell in rows.iter().flatten() {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "live cell {cell:?} in {body}"
        );
    }
}

#[tokio::test]
async fn a_hostile_walk_in_region_comes_out_neutralised_in_both_statistics_csvs() {
    let app = spawn_app().await;
    let organizer = app.api_token_for("organizer").await;
    let event = app.scheduled_workshop(&organizer, "-2+3", "Kayes").await;
    // Five people: the regions of fewer than five are not listed in published figures.
    for _ in 0..5 {
        let person = json!({"gender": "female", "age_group": "youth", "category": "media", "region": "Kayes"});
        assert_eq!(
            app.walk_in(&organizer, event, person).await.status(),
            StatusCode::CREATED
        );
    }
    // Regions typed before they were checked against the list stay in the database as they were.
    let rows = attendance::Entity::find().all(&app.db).await.unwrap();
    for (row, region) in rows.into_iter().zip([HYPERLINK, "-2+3"]) {
        let mut row: attendance::ActiveModel = row.into();
        row.region = Set(region.into());
        row.update(&app.db).await.unwrap();
    }
    let (browser, _) = app.browser_as("organizer").await;

    for path in [
        format!("/events/{event}/attendance/stats.csv"),
        "/attendance.csv".to_string(),
    ] {
        let body = browser.get(&path).await.text().await.unwrap();
        let rows = csv_rows(&body);
        assert_inert(&rows, &body);
        let keys: Vec<&str> = rows
            .iter()
            .filter(|r| r[0] == "region")
            .map(|r| r[1].as_str())
            .collect();
        assert!(keys.contains(&format!("'{HYPERLINK}").as_str()), "{path}: {body}");
        assert!(keys.contains(&"'-2+3"), "{path}: {body}");
    }

    let xlsx = browser.get(&format!("/events/{event}/attendance/stats.xlsx")).await;
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(xlsx.bytes().await.unwrap().to_vec())).unwrap();
    let sheet = workbook.worksheet_range("Résumé").unwrap();
    assert!(
        sheet.rows().any(|r| r[0] == Data::String(HYPERLINK.into())),
        "the region is a text cell"
    );
    let formulas = workbook.worksheet_formula("Résumé").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no formula in the workbook"
    );
}

#[tokio::test]
async fn the_rejected_lines_of_an_import_come_back_neutralised() {
    let app = spawn_app().await;
    app.login_as("organizer").await;
    let csv = format!(
        "full_name,category,town\nAwa Keïta,women_organization,Kayes\n\"{}\",chef,Kayes\n",
        HYPERLINK.replace('"', "\"\"")
    );
    let token = app.csrf_token("/actors/import").await;
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("liste.csv"),
    );
    let uploaded = app
        .client
        .post(app.url(&format!("/actors/import?csrf_token={token}")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let preview_url = location(&uploaded);
    let body = app
        .get(&format!("{preview_url}/rejected.csv"))
        .await
        .text()
        .await
        .unwrap();
    let rows = csv_rows(&body);
    assert_inert(&rows, &body);
    assert_eq!(rows[1][0], format!("'{HYPERLINK}"), "{body}");

    // Read back, the neutralised cell is the name as it was typed.
    let organizer = app.api_token_for("organizer").await;
    let fixed = body.replace(",chef,", ",civil_society,");
    let imported = app.import_csv(&organizer, &fixed).await;
    assert_eq!(
        imported.status(),
        StatusCode::CREATED,
        "{}",
        imported.text().await.unwrap()
    );
    let listed = app
        .api_ok(Method::GET, "/api/v1/actors?q=hyperlink", &organizer, json!(null))
        .await;
    assert_eq!(listed["items"][0]["full_name"], HYPERLINK);
}
