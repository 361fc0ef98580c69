//! The rapporteur and editor journey in a real browser (tests/browser/journey_report.mjs): two
//! outcomes recorded on the debate page, one accepted with an edited text, version 2 published
//! after the confirmation page, and its diff naming the debate behind the change.

use entity::outcome;
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use super::{axe_verdicts, browser_ready, run_script, step};
use crate::helpers::{PASSWORD, TestApp, spawn_app};

const EDITED: &str =
    "Les femmes interrogées font confiance aux patrouilles mixtes, moins aux unités venues d'ailleurs.";

/// Ids and API tokens of the set-up.
struct HeldWorkshop {
    report: i64,
    sections: Vec<i64>,
    event: i64,
    editor: String,
    organizer: String,
}

/// A report of three sections with version 1 published, and a workshop of it held in Kayes.
async fn held_workshop(app: &TestApp) -> HeldWorkshop {
    let editor = app.api_token_for("editor").await;
    let organizer = app.api_token_for("organizer").await;
    let sections = [
        ("Confiance", "Les femmes interrogées se méfient des forces de sécurité."),
        (
            "Recrutement",
            "Peu de femmes sont recrutées dans les forces de défense.",
        ),
        ("Recommandations", "Former les unités à l'accueil des plaintes."),
    ]
    .map(|(heading, body)| json!({"heading": heading, "kind": "finding", "body": body}));
    let created = app
        .api_ok(
            Method::POST,
            "/api/v1/reports",
            &editor,
            json!({"title": "Les femmes et les FDS", "language": "fr", "sections": sections}),
        )
        .await;
    let report = created["id"].as_i64().expect("report id");
    let sections: Vec<i64> = created["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .map(|s| s["id"].as_i64().expect("section id"))
        .collect();
    app.api_ok(
        Method::POST,
        &format!("/api/v1/reports/{report}/versions"),
        &editor,
        json!({"label": "Rapport préliminaire"}),
    )
    .await;
    let venue = app
        .api_ok(
            Method::POST,
            "/api/v1/venues",
            &organizer,
            json!({"name": "Salle de la mairie", "region": "Kayes", "town": "Kayes"}),
        )
        .await;
    let event = app
        .api_ok(
            Method::POST,
            "/api/v1/events",
            &organizer,
            json!({"kind": "dissemination_workshop", "title": "Restitution à Kayes", "report_id": report,
                "venue_id": venue["id"], "starts_at": "2026-11-24T09:00", "ends_at": "2026-11-24T17:00"}),
        )
        .await;
    let event = event["id"].as_i64().expect("event id");
    app.api_ok(
        Method::POST,
        &format!("/api/v1/events/{event}/schedule"),
        &organizer,
        json!({}),
    )
    .await;
    HeldWorkshop {
        report,
        sections,
        event,
        editor,
        organizer,
    }
}

#[tokio::test]
async fn a_rapporteur_records_two_outcomes_an_editor_accepts_one_with_an_edit_publishes_and_reads_the_diff() {
    if !browser_ready() {
        return;
    }
    let app = spawn_app().await;
    let HeldWorkshop {
        report,
        sections,
        event,
        editor: editor_token,
        organizer: organizer_token,
    } = held_workshop(&app).await;
    let rapporteur = app.create_user("rapporteuse@example.org", "rapporteur").await;
    let editor = app.create_user("editrice@example.org", "editor").await;
    let outcomes = json!([
        {"section": sections[0], "summary": "Les patrouilles mixtes rassurent",
         "proposed": "Les femmes font confiance aux patrouilles mixtes."},
        {"section": sections[1], "summary": "Des quotas de recrutement",
         "proposed": "Fixer un quota de femmes dans chaque promotion."},
    ]);
    let settings = |email: &str, mode: &str| {
        vec![
            ("BASE_URL", app.address.clone()),
            ("EMAIL", email.to_string()),
            ("PASSWORD", PASSWORD.to_string()),
            ("EVENT_ID", event.to_string()),
            ("REPORT_ID", report.to_string()),
            ("MODE", mode.to_string()),
            ("OUTCOMES", outcomes.to_string()),
            ("EDITED", EDITED.to_string()),
        ]
    };

    let recorded = run_script("journey_report.mjs", &settings(&rapporteur.email, "record")).await;
    println!("{recorded}");
    assert_eq!(step(&recorded, "outcome 1"), "Résultat enregistré. | total 1");
    assert_eq!(step(&recorded, "outcome 2"), "Résultat enregistré. | total 2");
    let stored = outcome::Entity::find()
        .filter(outcome::Column::EventId.eq(event as i32))
        .order_by_asc(outcome::Column::Id)
        .all(&app.db)
        .await
        .unwrap();
    let summaries: Vec<_> = stored.iter().map(|o| (o.section_id, o.summary.as_str())).collect();
    assert_eq!(
        summaries,
        [
            (Some(sections[0] as i32), "Les patrouilles mixtes rassurent"),
            (Some(sections[1] as i32), "Des quotas de recrutement"),
        ]
    );
    assert_eq!(axe_verdicts(&recorded).len(), 3, "axe-core on each page:\n{recorded}");

    // The day is over: the organizer closes the event, then the editors review what it produced.
    app.api_ok(
        Method::POST,
        &format!("/api/v1/events/{event}/complete"),
        &organizer_token,
        json!({}),
    )
    .await;

    let reviewed = run_script("journey_report.mjs", &settings(&editor.email, "review")).await;
    println!("{reviewed}");
    assert_eq!(
        step(&reviewed, "inbox"),
        "Les patrouilles mixtes rassurent | Des quotas de recrutement"
    );
    assert!(
        step(&reviewed, "decided").starts_with(&format!("/reports/{report}/review ")),
        "{reviewed}"
    );
    assert_eq!(
        step(&reviewed, "publish-page"),
        format!("/reports/{report}/versions/confirm")
    );
    assert_eq!(
        step(&reviewed, "version-page"),
        format!("/reports/{report}/versions/2 Version 2 — Après la restitution de Kayes")
    );
    assert_eq!(
        step(&reviewed, "inserted"),
        "font confiance aux patrouilles mixtes, moins aux unités venues d'ailleurs",
        "the new words in one run"
    );
    assert_eq!(
        step(&reviewed, "deleted"),
        "se méfient des forces de sécurité",
        "the old words in one run"
    );
    assert_eq!(
        step(&reviewed, "decision-edit"),
        "se méfient des forces de sécurité | font confiance aux patrouilles mixtes, moins aux unités venues d'ailleurs",
        "the words the decision changed, beside the outcome"
    );
    let behind = step(&reviewed, "behind");
    assert!(
        behind.contains("Les patrouilles mixtes rassurent") && behind.contains("Restitution à Kayes"),
        "the diff names the outcome and the debate behind the change: {behind}"
    );
    assert_eq!(
        step(&reviewed, "changed-sections"),
        sections[0].to_string(),
        "only the edited section changed"
    );
    assert_eq!(axe_verdicts(&reviewed).len(), 8, "axe-core on each page:\n{reviewed}");

    // What is stored: the edited text, not the rapporteur's proposal; one outcome decided.
    let section: Value = app
        .api(
            Method::GET,
            &format!("/api/v1/reports/{report}/sections/{}", sections[0]),
            Some(&editor_token),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(section["body"], EDITED, "the edit is kept");
    let statuses: Vec<String> = outcome::Entity::find()
        .filter(outcome::Column::EventId.eq(event as i32))
        .order_by_asc(outcome::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.status)
        .collect();
    assert_eq!(statuses, ["accepted", "open"]);
    let versions: Value = app
        .api(
            Method::GET,
            &format!("/api/v1/reports/{report}/versions"),
            Some(&editor_token),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(versions.to_string().matches("\"number\"").count(), 2, "{versions}");
}
