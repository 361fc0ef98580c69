//! `toguna demo`: the campaign loads once, with a completed workshop that has attendance, notes and outcomes.

use entity::{attendance, debate_note, event, outcome};
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;

use crate::helpers::{TestApp, spawn_app, texts};

pub(crate) fn run_demo(app: &TestApp, data_dir: &std::path::Path) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_toguna"))
        .arg("demo")
        .env("DATABASE_URL", app.database_url())
        .env("TOGUNA_DATA_DIR", data_dir)
        .env("RUST_LOG", "warn")
        .output()
        .expect("toguna demo runs");
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[tokio::test]
async fn the_demo_holds_its_first_workshop_once_with_attendance_and_outcomes_on_several_sections() {
    let app = spawn_app().await;
    let data_dir = tempfile::tempdir().unwrap();
    let first = run_demo(&app, data_dir.path());
    assert!(first.contains("15 outcomes"), "{first}");
    let again = run_demo(&app, data_dir.path());
    assert!(again.contains("0 events created"), "a second run adds nothing: {again}");

    let completed = event::Entity::find()
        .filter(event::Column::Status.eq("completed"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(completed.len(), 1, "the Kayes workshop has taken place");
    let kayes = &completed[0];
    let rows = attendance::Entity::find()
        .filter(attendance::Column::EventId.eq(kayes.id))
        .all(&app.db)
        .await
        .unwrap();
    assert!(rows.iter().any(|a| a.invitation_id.is_some()), "invited guests came");
    assert!(rows.iter().any(|a| a.method == "walk_in"), "and walk-ins");
    assert!(rows.iter().any(|a| a.method == "headcount"), "and a counted group");
    let outcomes = outcome::Entity::find()
        .filter(outcome::Column::EventId.eq(kayes.id))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(outcomes.len(), 15);
    let mut sections: Vec<_> = outcomes.iter().filter_map(|o| o.section_id).collect();
    sections.sort();
    sections.dedup();
    assert!(sections.len() >= 5, "outcomes concern several sections: {sections:?}");
    assert!(!debate_note::Entity::find().all(&app.db).await.unwrap().is_empty());

    // What an organizer sees: the list at the door and the attendance over the API.
    app.login_as("organizer").await;
    let page = app
        .get(&format!("/events/{}/checkin", kayes.id))
        .await
        .text()
        .await
        .unwrap();
    let present: i32 = rows.iter().map(|a| a.people).sum();
    assert_eq!(texts(&page, "#present-count"), [present.to_string()]);
    let token = app.api_token_for("organizer").await;
    let listed: Value = app
        .api(
            Method::GET,
            &format!("/api/v1/events/{}/attendance", kayes.id),
            Some(&token),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["total"].as_u64(), Some(rows.len() as u64));
}
