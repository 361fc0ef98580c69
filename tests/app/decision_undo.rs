//! Decisions that can really be undone: reopening an accepted decision offers to restore the text
//! its acceptance replaced, restores it when asked, leaves it when not, and records the choice.

use entity::outcome_decision;
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};
use crate::reports::{imported, outcome_about, publish, section, workshop};

struct Story {
    editor: String,
    report: i64,
    section: i64,
    outcome: i64,
    original: String,
    edited: String,
}

/// An outcome accepted with an edit of its section.
async fn accepted_with_edit(app: &TestApp) -> Story {
    let editor = app.api_token_for("editor").await;
    let organizer = app.api_token_for("organizer").await;
    let rapporteur = app.api_token_for("rapporteur").await;
    let (report, sections) = imported(app, &editor).await;
    let event = workshop(app, &organizer, report, "Restitution à Kayes", "Kayes").await;
    let target = sections[2];
    let outcome = outcome_about(app, &rapporteur, event, target, "Nommer les femmes gendarmes").await;
    let before = section(app, &editor, report, target).await;
    let original = before["body"].as_str().unwrap().to_string();
    let edited = original.replacen("une femme en uniforme", "une femme gendarme en uniforme", 1);
    assert_ne!(edited, original);
    app.api_ok(
        Method::POST,
        &format!("/api/v1/outcomes/{outcome}/decision"),
        &editor,
        json!({"decision": "accepted", "rationale": "Demandé partout.", "section_body": edited,
               "section_version": before["version"]}),
    )
    .await;
    Story {
        editor,
        report,
        section: target,
        outcome,
        original,
        edited,
    }
}

async fn reopen(app: &TestApp, s: &Story, restore: Option<&str>) -> Value {
    let mut body = json!({"decision": "open", "rationale": "Accepté trop vite."});
    if let Some(choice) = restore {
        body["restore_section"] = json!(choice);
    }
    app.api_ok(
        Method::POST,
        &format!("/api/v1/outcomes/{}/decision", s.outcome),
        &s.editor,
        body,
    )
    .await
}

async fn last_choice(app: &TestApp, outcome: i64) -> outcome_decision::Model {
    outcome_decision::Entity::find()
        .filter(outcome_decision::Column::OutcomeId.eq(outcome as i32))
        .order_by_desc(outcome_decision::Column::Id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn reopening_offers_the_replaced_text_as_a_diff_and_restores_it_when_asked() {
    let app = spawn_app().await;
    let s = accepted_with_edit(&app).await;
    let offer = app
        .api_ok(
            Method::GET,
            &format!("/api/v1/outcomes/{}/undo", s.outcome),
            &s.editor,
            json!({}),
        )
        .await;
    assert_eq!(offer["replaced"], s.original.as_str());
    assert_eq!(offer["current"], s.edited.as_str());
    assert_eq!(offer["moved_on"], false);
    let deleted: Vec<&str> = offer["diff"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|seg| seg["op"] == "delete")
        .map(|seg| seg["text"].as_str().unwrap().trim())
        .collect();
    assert_eq!(deleted, ["gendarme"], "{offer}");

    let reopened = reopen(&app, &s, Some("restore")).await;
    assert_eq!(reopened["status"], "open");
    let now = section(&app, &s.editor, s.report, s.section).await;
    assert_eq!(now["body"], s.original.as_str(), "the replaced text is back");
    let recorded = last_choice(&app, s.outcome).await;
    assert_eq!(recorded.decision, "reopened");
    assert_eq!(recorded.restore_choice, "restored");
    assert_eq!(recorded.section_body_after.as_deref(), Some(s.original.as_str()));
    let gone = app
        .api(
            Method::GET,
            &format!("/api/v1/outcomes/{}/undo", s.outcome),
            Some(&s.editor),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        gone.status(),
        StatusCode::NOT_FOUND,
        "nothing left to undo once reopened"
    );
}

#[tokio::test]
async fn reopening_without_restoring_leaves_the_text_and_a_published_decision_stays_closed() {
    let app = spawn_app().await;
    let s = accepted_with_edit(&app).await;
    let refused = app
        .api(
            Method::POST,
            &format!("/api/v1/outcomes/{}/decision", s.outcome),
            Some(&s.editor),
        )
        .json(&json!({"decision": "open", "rationale": "x", "restore_section": "perhaps"}))
        .send()
        .await
        .unwrap();
    let error = crate::helpers::api_error(refused).await;
    assert_eq!(error.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error.fields.contains_key("restore_section"), "{:?}", error.fields);
    assert_eq!(
        last_choice(&app, s.outcome).await.decision,
        "accepted",
        "nothing stored"
    );

    reopen(&app, &s, Some("keep")).await;
    let now = section(&app, &s.editor, s.report, s.section).await;
    assert_eq!(now["body"], s.edited.as_str(), "the edit stays");
    assert_eq!(last_choice(&app, s.outcome).await.restore_choice, "kept");

    // Accepted again and published: the decision is final, restoring or not.
    let current = section(&app, &s.editor, s.report, s.section).await;
    app.api_ok(
        Method::POST,
        &format!("/api/v1/outcomes/{}/decision", s.outcome),
        &s.editor,
        json!({"decision": "accepted", "rationale": "Finalement oui.", "section_body": s.edited,
               "section_version": current["version"]}),
    )
    .await;
    publish(&app, &s.editor, s.report, "Rapport final").await;
    let closed = app
        .api(
            Method::POST,
            &format!("/api/v1/outcomes/{}/decision", s.outcome),
            Some(&s.editor),
        )
        .json(&json!({"decision": "open", "rationale": "Trop tard.", "restore_section": "restore"}))
        .send()
        .await
        .unwrap();
    assert_eq!(closed.status(), StatusCode::CONFLICT);
    let now = section(&app, &s.editor, s.report, s.section).await;
    assert_eq!(now["body"], s.edited.as_str(), "a published decision's text stays");
}

#[tokio::test]
async fn the_review_page_shows_the_diff_and_restores_from_a_plain_form() {
    let app = spawn_app().await;
    let s = accepted_with_edit(&app).await;
    let (browser, _) = app.browser_as("editor").await;
    let inbox = format!("/reports/{}/review?status=all", s.report);
    let page = browser.get(&inbox).await.text().await.unwrap();
    assert_eq!(
        crate::helpers::texts(&page, ".undo-offer del"),
        ["gendarme"],
        "the diff shows what restoring removes"
    );
    assert_eq!(crate::helpers::texts(&page, ".undo-choice label").len(), 2);
    let outcome = s.outcome.to_string();
    let group = s.section.to_string();
    let done = browser
        .submit(
            &inbox,
            &format!("/reports/{}/review", s.report),
            &[
                ("outcome_ids", &outcome),
                ("decision", "open"),
                ("rationale", "Accepté trop vite."),
                ("restore_section", "restore"),
                ("group", &group),
            ],
        )
        .await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let now = section(&app, &s.editor, s.report, s.section).await;
    assert_eq!(now["body"], s.original.as_str());
    assert_eq!(last_choice(&app, s.outcome).await.restore_choice, "restored");
}
