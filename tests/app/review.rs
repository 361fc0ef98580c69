//! The review of outcomes: inbox, decisions, reversibility, section history, matrix and uptake by group.

use std::collections::HashMap;

use entity::{event, outcome, outcome_decision, report_section, venue};
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use crate::helpers::{TestApp, location, spawn_app, texts};

/// A report with sections, events in regions and the tokens of each role, all made through the API.
struct Campaign {
    app: TestApp,
    editor: String,
    organizer: String,
    rapporteur: String,
    report: i64,
    sections: Vec<i64>,
}

impl Campaign {
    /// A report with three sections.
    async fn new() -> Campaign {
        let app = spawn_app().await;
        let editor = app.api_token_for("editor").await;
        let rapporteur = app.api_token_for("rapporteur").await;
        let organizer = app.api_token_for("organizer").await;
        let sections: Vec<Value> = ["Confiance", "Recrutement", "Recommandations"]
            .iter()
            .map(|h| json!({"heading": h, "kind": "finding", "body": format!("Texte initial de « {h} ».")}))
            .collect();
        let created: Value = ok(app
            .api(Method::POST, "/api/v1/reports", Some(&editor))
            .json(&json!({"title": "Les femmes et les FDS", "language": "fr", "sections": sections})))
        .await;
        let sections = created["sections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_i64().unwrap())
            .collect();
        Campaign {
            report: created["id"].as_i64().unwrap(),
            app,
            editor,
            organizer,
            rapporteur,
            sections,
        }
    }

    /// A workshop of the report at a new venue in `region`.
    async fn workshop(&self, title: &str, region: &str, day: &str) -> i64 {
        let organizer = &self.organizer;
        let venue: Value = ok(self
            .app
            .api(Method::POST, "/api/v1/venues", Some(organizer))
            .json(&json!({"name": format!("Salle de {title}"), "region": region, "town": region})))
        .await;
        let created: Value = ok(self
            .app
            .api(Method::POST, "/api/v1/events", Some(organizer))
            .json(&json!({
            "kind": "dissemination_workshop", "title": title, "report_id": self.report, "venue_id": venue["id"],
            "starts_at": format!("{day}T09:00"), "ends_at": format!("{day}T17:00")})))
        .await;
        created["id"].as_i64().unwrap()
    }

    /// An outcome recorded by the rapporteur.
    async fn outcome(&self, event: i64, section: Option<i64>, kind: &str, summary: &str, voiced_by: &[&str]) -> i64 {
        let body = json!({"section_id": section, "kind": kind, "summary": summary,
            "proposed_text": format!("Proposition : {summary}"), "voiced_by": voiced_by, "agreement": "consensus"});
        let created: Value = ok(self
            .app
            .api(
                Method::POST,
                &format!("/api/v1/events/{event}/outcomes"),
                Some(&self.rapporteur),
            )
            .json(&body))
        .await;
        created["id"].as_i64().unwrap()
    }

    async fn decide(&self, token: &str, outcome: i64, body: Value) -> reqwest::Response {
        self.app
            .api(
                Method::POST,
                &format!("/api/v1/outcomes/{outcome}/decision"),
                Some(token),
            )
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    async fn get(&self, path: &str) -> Value {
        ok(self.app.api(Method::GET, path, Some(&self.editor))).await
    }

    async fn section(&self, id: i64) -> report_section::Model {
        report_section::Entity::find_by_id(id as i32)
            .one(&self.app.db)
            .await
            .unwrap()
            .unwrap()
    }

    async fn stored(&self, id: i64) -> outcome::Model {
        outcome::Entity::find_by_id(id as i32)
            .one(&self.app.db)
            .await
            .unwrap()
            .unwrap()
    }

    async fn history_rows(&self, id: i64) -> Vec<outcome_decision::Model> {
        outcome_decision::Entity::find()
            .filter(outcome_decision::Column::OutcomeId.eq(id as i32))
            .order_by_asc(outcome_decision::Column::Id)
            .all(&self.app.db)
            .await
            .unwrap()
    }
}

/// Sends a request that must succeed and returns its JSON.
async fn ok(request: reqwest::RequestBuilder) -> Value {
    let response = request.send().await.unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert!(status.is_success(), "{status}: {body}");
    body
}

#[tokio::test]
async fn a_rejected_outcome_changes_no_text_and_appears_in_the_section_history_with_its_rationale() {
    let c = Campaign::new().await;
    let kayes = c.workshop("Restitution à Kayes", "Kayes", "2027-03-04").await;
    let id = c
        .outcome(
            kayes,
            Some(c.sections[0]),
            "objection",
            "Contester la rupture de confiance",
            &["defense_security_forces"],
        )
        .await;
    let before = c.section(c.sections[0]).await;

    let rationale = "Les consultations de Gao maintiennent le constat.";
    let response = c
        .decide(&c.editor, id, json!({"decision": "rejected", "rationale": rationale}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let decided: Value = response.json().await.unwrap();
    assert_eq!(decided["status"], "rejected");
    assert_eq!(decided["rationale"], rationale);

    let after = c.section(c.sections[0]).await;
    assert_eq!(
        (&after.body, after.version),
        (&before.body, before.version),
        "no text changed"
    );
    let rows = c.history_rows(id).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].decision, "rejected");
    assert_eq!(rows[0].section_body_after, None);

    let history = c
        .get(&format!(
            "/api/v1/reports/{}/sections/{}/history",
            c.report, c.sections[0]
        ))
        .await;
    let traced = &history["outcomes"][0];
    assert_eq!(traced["id"], id);
    assert_eq!(traced["status"], "rejected");
    assert_eq!(traced["decisions"][0]["decision"], "rejected");
    assert_eq!(traced["decisions"][0]["rationale"], rationale);

    let (browser, _) = c.app.browser_as("viewer").await;
    let page = browser
        .get(&format!("/reports/{}/sections/{}/history", c.report, c.sections[0]))
        .await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert_eq!(
        texts(&html, &format!("#outcome-{id} .decisions .rationale")),
        vec![rationale]
    );
    assert_eq!(texts(&html, "#current-text .section-text"), vec![before.body]);
}

#[tokio::test]
async fn uptake_shares_equal_the_stored_decisions() {
    let c = Campaign::new().await;
    let kayes = c.workshop("Restitution à Kayes", "Kayes", "2027-03-04").await;
    let segou = c.workshop("Restitution à Ségou", "Ségou", "2027-03-11").await;
    let plan = [
        (kayes, 0, &["women_organization", "youth_organization"][..], "accepted"),
        (kayes, 1, &["women_organization"][..], "rejected"),
        (kayes, 2, &["defense_security_forces"][..], "rejected"),
        (
            kayes,
            0,
            &["administrative_authority", "women_organization"][..],
            "accepted",
        ),
        (segou, 1, &["youth_organization"][..], "deferred"),
        (segou, 2, &["women_organization"][..], "accepted"),
        (
            segou,
            0,
            &["defense_security_forces", "youth_organization"][..],
            "accepted",
        ),
        (segou, 1, &["administrative_authority"][..], ""),
    ];
    for (n, (event, section, voiced, decision)) in plan.iter().enumerate() {
        let id = c
            .outcome(
                *event,
                Some(c.sections[*section]),
                "amendment",
                &format!("Point {n}"),
                voiced,
            )
            .await;
        if !decision.is_empty() {
            let response = c
                .decide(
                    &c.editor,
                    id,
                    json!({"decision": decision, "rationale": "Vu en comité."}),
                )
                .await;
            assert_eq!(response.status(), StatusCode::OK);
        }
    }

    // Expected shares straight from the stored rows: accepted / (accepted + rejected).
    let outcomes = outcome::Entity::find().all(&c.app.db).await.unwrap();
    let events = event::Entity::find().all(&c.app.db).await.unwrap();
    let venues = venue::Entity::find().all(&c.app.db).await.unwrap();
    let region_of = |event_id: i32| {
        let venue_id = events.iter().find(|e| e.id == event_id).unwrap().venue_id.unwrap();
        venues.iter().find(|v| v.id == venue_id).unwrap().region.clone()
    };
    let mut by_category: HashMap<String, (u32, u32)> = HashMap::new();
    let mut by_region: HashMap<String, (u32, u32)> = HashMap::new();
    for o in &outcomes {
        let (accepted, rejected) = ((o.status == "accepted") as u32, (o.status == "rejected") as u32);
        for category in o.voiced_by.split(',') {
            let e = by_category.entry(category.to_string()).or_default();
            *e = (e.0 + accepted, e.1 + rejected);
        }
        let e = by_region.entry(region_of(o.event_id)).or_default();
        *e = (e.0 + accepted, e.1 + rejected);
    }
    let share = |(a, r): (u32, u32)| (a + r > 0).then(|| a as f64 / (a + r) as f64);

    let trace = c.get(&format!("/api/v1/reports/{}/traceability", c.report)).await;
    let api_rows = |key: &str| -> HashMap<String, Option<f64>> {
        trace["uptake"][key]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["group"].as_str().unwrap().to_string(), r["share"].as_f64()))
            .collect()
    };
    let expected_categories: HashMap<String, Option<f64>> =
        by_category.iter().map(|(k, v)| (k.clone(), share(*v))).collect();
    let expected_regions: HashMap<String, Option<f64>> =
        by_region.iter().map(|(k, v)| (k.clone(), share(*v))).collect();
    assert_eq!(api_rows("by_category"), expected_categories);
    assert_eq!(api_rows("by_region"), expected_regions);
    assert_eq!(
        expected_categories["women_organization"],
        Some(0.75),
        "the rows say 3 of 4"
    );
    assert_eq!(expected_categories["administrative_authority"], Some(1.0));
    assert_eq!(expected_regions["Kayes"], Some(0.5));

    let (browser, _) = c.app.browser_as("viewer").await;
    let html = browser
        .get(&format!("/reports/{}/traceability", c.report))
        .await
        .text()
        .await
        .unwrap();
    for (table, expected) in [
        ("uptake-category", &expected_categories),
        ("uptake-region", &expected_regions),
    ] {
        for (group, value) in expected {
            let shown = texts(&html, &format!("#{table} tr[data-group=\"{group}\"] .share"));
            let percent = value.map_or("–".to_string(), |s| format!("{} %", (s * 100.0).round()));
            assert_eq!(shown, vec![percent], "{table} {group}");
        }
    }
    // Matrix: section 1 at Kayes holds two outcomes, both accepted.
    let row = &trace["matrix"]["rows"][0];
    assert_eq!(row["cells"][0], json!({"outcomes": 2, "accepted": 2}));
}

#[tokio::test]
async fn a_viewer_or_a_rapporteur_cannot_decide_and_nothing_is_stored() {
    let c = Campaign::new().await;
    let kayes = c.workshop("Restitution à Kayes", "Kayes", "2027-03-04").await;
    let id = c
        .outcome(
            kayes,
            Some(c.sections[1]),
            "amendment",
            "Coût des dossiers",
            &["youth_organization"],
        )
        .await;
    let viewer = c.app.api_token_for("viewer").await;
    for token in [&viewer, &c.rapporteur] {
        let refused = c
            .decide(token, id, json!({"decision": "accepted", "rationale": "Oui."}))
            .await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    }
    let (browser, _) = c.app.browser_as("rapporteur").await;
    let inbox = format!("/reports/{}/review", c.report);
    let page = browser.get(&inbox).await.text().await.unwrap();
    assert!(
        texts(&page, "input[name=outcome_ids]").is_empty(),
        "no decision form for a rapporteur"
    );
    let refused = browser
        .submit(
            &inbox,
            &inbox,
            &[
                ("outcome_ids", &id.to_string()),
                ("decision", "accepted"),
                ("rationale", "Oui."),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(c.stored(id).await.status, "open");
    assert!(c.history_rows(id).await.is_empty());
}

#[tokio::test]
async fn a_decision_without_rationale_is_refused_naming_rationale() {
    let c = Campaign::new().await;
    let kayes = c.workshop("Restitution à Kayes", "Kayes", "2027-03-04").await;
    let id = c
        .outcome(
            kayes,
            Some(c.sections[1]),
            "amendment",
            "Coût des dossiers",
            &["youth_organization"],
        )
        .await;
    let refused = c
        .decide(&c.editor, id, json!({"decision": "accepted", "rationale": "  "}))
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = refused.json().await.unwrap();
    assert!(body["error"]["fields"]["rationale"].is_string(), "{body}");
    let refused = c
        .decide(&c.editor, id, json!({"decision": "maybe", "rationale": "x"}))
        .await;
    let body: Value = refused.json().await.unwrap();
    assert!(body["error"]["fields"]["decision"].is_string(), "{body}");

    let (browser, _) = c.app.browser_as("editor").await;
    let inbox = format!("/reports/{}/review", c.report);
    let page = browser
        .submit(
            &inbox,
            &inbox,
            &[
                ("outcome_ids", &id.to_string()),
                ("decision", "rejected"),
                ("rationale", ""),
                ("group", &c.sections[1].to_string()),
            ],
        )
        .await;
    assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = page.text().await.unwrap();
    assert_eq!(texts(&html, "#rationale-error").len(), 1);
    assert!(
        html.contains(&format!("value=\"{id}\" id=\"pick-{id}\" checked")),
        "the ticks are kept"
    );
    assert_eq!(c.stored(id).await.status, "open");
    assert!(c.history_rows(id).await.is_empty());
}

#[tokio::test]
async fn an_editor_decides_the_same_point_raised_at_two_workshops_together() {
    let c = Campaign::new().await;
    let kayes = c.workshop("Restitution à Kayes", "Kayes", "2027-03-04").await;
    let segou = c.workshop("Restitution à Ségou", "Ségou", "2027-03-11").await;
    let first = c
        .outcome(
            kayes,
            Some(c.sections[2]),
            "new_recommendation",
            "Des crèches dans les casernes",
            &["women_organization"],
        )
        .await;
    let second = c
        .outcome(
            segou,
            Some(c.sections[2]),
            "new_recommendation",
            "Garderies pour les femmes en uniforme",
            &["civil_society"],
        )
        .await;
    let other = c
        .outcome(
            segou,
            Some(c.sections[0]),
            "endorsement",
            "Constat confirmé",
            &["media"],
        )
        .await;

    let (browser, _) = c.app.browser_as("editor").await;
    let inbox = format!("/reports/{}/review", c.report);
    let html = browser.get(&inbox).await.text().await.unwrap();
    let group = format!("#group-{}", c.sections[2]);
    assert_eq!(
        texts(&html, &format!("{group} .cluster.side-by-side .review-outcome .event")),
        vec!["Restitution à Kayes", "Restitution à Ségou"]
    );
    assert_eq!(
        texts(&html, &format!("{group} .side-by-side .region")),
        vec!["Kayes", "Ségou"]
    );

    // Filters: accent-insensitive region, category, kind.
    let filtered = browser
        .get(&format!("{inbox}?region=SEGOU"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(texts(&filtered, ".review-outcome .summary").len(), 2);
    let api: Value = c
        .get(&format!(
            "/api/v1/reports/{}/outcomes?status=open&region=segou&category=media",
            c.report
        ))
        .await;
    assert_eq!(api["total"], 1);
    assert_eq!(api["items"][0]["id"], other);
    assert_eq!(api["items"][0]["event"]["region"], "Ségou");
    let by_kind: Value = c
        .get(&format!(
            "/api/v1/reports/{}/outcomes?kind=new_recommendation&per_page=1",
            c.report
        ))
        .await;
    assert_eq!(
        (by_kind["total"].clone(), by_kind["items"].as_array().unwrap().len()),
        (json!(2), 1)
    );

    let rationale = "Deux ateliers le demandent ; recommandation ajoutée.";
    let done = browser
        .submit(
            &inbox,
            &inbox,
            &[
                ("outcome_ids", &first.to_string()),
                ("outcome_ids", &second.to_string()),
                ("decision", "accepted"),
                ("rationale", rationale),
                ("group", &c.sections[2].to_string()),
            ],
        )
        .await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert!(location(&done).starts_with(&inbox));
    for id in [first, second] {
        let stored = c.stored(id).await;
        assert_eq!(
            (stored.status.as_str(), stored.rationale.as_str()),
            ("accepted", rationale)
        );
        assert!(stored.decided_by.is_some() && stored.decided_at.is_some());
        assert_eq!(c.history_rows(id).await.len(), 1);
    }
    assert_eq!(c.stored(other).await.status, "open", "only the ticked outcomes");
    let after = browser.get(&inbox).await.text().await.unwrap();
    assert_eq!(texts(&after, ".review-outcome .summary"), vec!["Constat confirmé"]);
}

#[tokio::test]
async fn accepting_with_a_section_edit_saves_both_together_and_a_stale_edit_saves_nothing() {
    let c = Campaign::new().await;
    let kayes = c.workshop("Restitution à Kayes", "Kayes", "2027-03-04").await;
    let section = c.sections[1];
    let first = c
        .outcome(
            kayes,
            Some(section),
            "amendment",
            "Coût des dossiers",
            &["youth_organization"],
        )
        .await;
    let second = c
        .outcome(
            kayes,
            Some(section),
            "amendment",
            "Mutations lointaines",
            &["women_organization"],
        )
        .await;
    let before = c.section(section).await;

    let new_text = format!(
        "{}\n\nLe coût des dossiers écarte de nombreuses candidates.",
        before.body
    );
    let response = c
        .decide(
            &c.editor,
            first,
            json!({"decision": "accepted", "rationale": "Fondé.", "section_body": new_text, "section_version": before.version}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let edited = c.section(section).await;
    assert_eq!(
        (edited.body.as_str(), edited.version),
        (new_text.as_str(), before.version + 1)
    );
    let rows = c.history_rows(first).await;
    assert_eq!(rows[0].section_body_before.as_deref(), Some(before.body.as_str()));
    assert_eq!(rows[0].section_body_after.as_deref(), Some(new_text.as_str()));

    // The second editor still holds the old version: 409 with both texts, nothing saved.
    let stale = c
        .decide(
            &c.editor,
            second,
            json!({"decision": "accepted", "rationale": "Aussi.", "section_body": "Autre texte", "section_version": before.version}),
        )
        .await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    let body: Value = stale.json().await.unwrap();
    assert_eq!(body["section"]["current"]["body"], new_text.as_str());
    assert_eq!(body["section"]["yours"], "Autre texte");
    assert_eq!(c.section(section).await.body, new_text);
    assert_eq!(c.stored(second).await.status, "open");
    assert!(c.history_rows(second).await.is_empty());

    let missing_version = c
        .decide(
            &c.editor,
            second,
            json!({"decision": "accepted", "rationale": "x", "section_body": "y"}),
        )
        .await;
    let body: Value = missing_version.json().await.unwrap();
    assert!(body["error"]["fields"]["section_version"].is_string(), "{body}");

    // The same refusal through the page shows both texts.
    let (browser, _) = c.app.browser_as("editor").await;
    let inbox = format!("/reports/{}/review", c.report);
    let page = browser
        .submit(
            &inbox,
            &inbox,
            &[
                ("outcome_ids", &second.to_string()),
                ("decision", "accepted"),
                ("rationale", "Aussi."),
                ("edit_section", "on"),
                ("section_body", "Mon texte à moi"),
                ("section_version", &before.version.to_string()),
                ("group", &section.to_string()),
            ],
        )
        .await;
    assert_eq!(page.status(), StatusCode::CONFLICT);
    let html = page.text().await.unwrap();
    assert_eq!(texts(&html, "#section-stale .yours"), vec!["Mon texte à moi"]);
    assert_eq!(texts(&html, "#section-stale .stored").len(), 1);
    assert_eq!(c.section(section).await.body, new_text);
    assert_eq!(c.stored(second).await.status, "open");
}

#[tokio::test]
async fn reversing_a_decision_before_publication_works_and_is_recorded() {
    let c = Campaign::new().await;
    let kayes = c.workshop("Restitution à Kayes", "Kayes", "2027-03-04").await;
    let id = c
        .outcome(
            kayes,
            Some(c.sections[0]),
            "amendment",
            "Zones rurales",
            &["traditional_authority"],
        )
        .await;
    let accepted = c
        .decide(&c.editor, id, json!({"decision": "accepted", "rationale": "Fondé."}))
        .await;
    assert_eq!(accepted.status(), StatusCode::OK);
    // While decided, the rapporteur cannot rewrite what the editors accepted.
    let path = format!("/api/v1/events/{kayes}/outcomes/{id}");
    let current: Value = ok(c.app.api(Method::GET, &path, Some(&c.rapporteur))).await;
    let mut edit = current.clone();
    edit["summary"] = json!("Tout autre chose");
    let refused = c
        .app
        .api(Method::PUT, &path, Some(&c.rapporteur))
        .json(&edit)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert_eq!(c.stored(id).await.summary, "Zones rurales");
    let reopened = c
        .decide(
            &c.editor,
            id,
            json!({"decision": "open", "rationale": "Données à vérifier."}),
        )
        .await;
    assert_eq!(reopened.status(), StatusCode::OK);
    let body: Value = reopened.json().await.unwrap();
    assert_eq!(body["status"], "open");

    let stored = c.stored(id).await;
    assert_eq!((stored.status.as_str(), stored.decided_at), ("open", None));
    let rows = c.history_rows(id).await;
    let recorded: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r.decision.as_str(), r.rationale.as_str()))
        .collect();
    assert_eq!(
        recorded,
        vec![("accepted", "Fondé."), ("reopened", "Données à vérifier.")]
    );
    // Reopened, it may be corrected again.
    let current: Value = ok(c.app.api(Method::GET, &path, Some(&c.rapporteur))).await;
    let mut edit = current.clone();
    edit["proposed_text"] = json!("Préciser : zones rurales et périurbaines.");
    let saved = c
        .app
        .api(Method::PUT, &path, Some(&c.rapporteur))
        .json(&edit)
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::OK);
    assert!(rows.iter().all(|r| r.decided_by.is_some()));

    let (browser, _) = c.app.browser_as("viewer").await;
    let html = browser
        .get(&format!("/reports/{}/sections/{}/history", c.report, c.sections[0]))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        texts(&html, &format!("#outcome-{id} .decision strong")),
        vec!["Retenu", "Rouvert"]
    );
    let inbox = browser
        .get(&format!("/reports/{}/review", c.report))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        texts(&inbox, ".review-outcome .summary"),
        vec!["Zones rurales"],
        "back in the inbox"
    );
}

#[tokio::test]
async fn a_decision_on_an_outcome_taken_into_a_published_version_is_refused_with_409() {
    let c = Campaign::new().await;
    let kayes = c.workshop("Restitution à Kayes", "Kayes", "2027-03-04").await;
    let id = c
        .outcome(
            kayes,
            Some(c.sections[0]),
            "amendment",
            "Zones rurales",
            &["traditional_authority"],
        )
        .await;
    let accepted = c
        .decide(&c.editor, id, json!({"decision": "accepted", "rationale": "Fondé."}))
        .await;
    assert_eq!(accepted.status(), StatusCode::OK);
    ok(c.app
        .api(
            Method::POST,
            &format!("/api/v1/reports/{}/versions", c.report),
            Some(&c.editor),
        )
        .json(&json!({"label": "Résultats préliminaires"})))
    .await;

    let refused = c
        .decide(&c.editor, id, json!({"decision": "open", "rationale": "Trop tard ?"}))
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["report_version"], 1);
    assert!(
        body["error"]["message"].as_str().unwrap().contains("version 1"),
        "{body}"
    );
    assert_eq!(c.stored(id).await.status, "accepted");
    assert_eq!(c.history_rows(id).await.len(), 1);
}
