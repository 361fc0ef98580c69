//! At 390 px, the import preview and the pages of a published version (traceability, the version
//! itself) neither scroll sideways nor fail axe-core (tests/browser/phone_pages.mjs).

use reqwest::Method;
use serde_json::json;

use crate::browser::browser_ready;
use crate::demo::run_demo;
use crate::helpers::{PASSWORD, fixture, spawn_app};

#[tokio::test]
async fn the_import_preview_and_a_published_versions_traceability_fit_a_phone_and_pass_axe() {
    if !browser_ready() {
        return;
    }
    let app = spawn_app().await;
    // The demo campaign: the directory of fixtures/actors.csv, a completed workshop whose outcomes
    // were decided, some with section edits, and version 1 published; version 2 takes those in.
    let data_dir = tempfile::tempdir().unwrap();
    run_demo(&app, data_dir.path());
    let editor = app.api_token_for("editor").await;
    let reports = app.api_ok(Method::GET, "/api/v1/reports", &editor, json!(null)).await;
    let report = reports["items"][0]["id"].as_i64().expect("the demo report");
    let version = app
        .api_ok(
            Method::POST,
            &format!("/api/v1/reports/{report}/versions"),
            &editor,
            json!({"label": "Après l'atelier de Kayes"}),
        )
        .await;
    let number = version["number"].as_i64().expect("a version number");

    // Five people already in the directory, two lines with errors (one very long), two new people.
    let mut csv: Vec<String> = fixture("actors.csv").lines().take(6).map(str::to_string).collect();
    csv.push(format!(
        "{},,,chef,female,adult,Kayes,Kayes,fr,pas-une-adresse,,yes",
        "Nom-sans-espace-très-long-qui-déborde".repeat(4)
    ));
    csv.push("Sans catégorie,,,,male,adult,Mopti,Mopti,fr,,,yes".into());
    csv.push("Aminata Sidibé,,Association des femmes de Kita,women_organization,female,youth,Kayes,Kita,fr,aminata.sidibe.kita@example.org,+22376000001,yes".into());
    csv.push("Boubacar Coulibaly,,,youth_organization,male,youth,Koulikoro,Kati,fr,,,yes".into());
    let file = data_dir.path().join("acteurs-telephone.csv");
    std::fs::write(&file, csv.join("\n") + "\n").unwrap();

    let organizer = app.create_user("telephone@example.org", "organizer").await;
    let output = tokio::process::Command::new("node")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/browser/phone_pages.mjs"))
        .env("BASE_URL", &app.address)
        .env("EMAIL", &organizer.email)
        .env("PASSWORD", PASSWORD)
        .env("IMPORT_FILE", &file)
        .env("REPORT_ID", report.to_string())
        .env("VERSION", number.to_string())
        .env("SCREENSHOT_DIR", std::env::var("SCREENSHOT_DIR").unwrap_or_default())
        .output()
        .await
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("preview: 5 existing, 2 errors"), "{stdout}");
    for page in ["import-preview", "traceability", "version"] {
        assert!(
            stdout.contains(&format!("axe {page}: 0 serious or critical")),
            "{page}: {stdout}"
        );
    }
    assert!(stdout.contains("phone pages: done"), "{stdout}");
}
