//! Reports: sections with optimistic locking, JSON import, versions, word-level diffs and exports.

use entity::{outcome, report, report_section};
use reqwest::{Method, StatusCode};
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::checkin::{EventDay, event_day, event_for_all_actors, mark};
use crate::helpers::{TestApp, fixture, location, spawn_app, texts};

async fn send(app: &TestApp, method: Method, path: &str, token: &str, body: Option<Value>) -> reqwest::Response {
    let request = app.api(method, path, Some(token));
    let request = match body {
        Some(body) => request.json(&body),
        None => request,
    };
    request.send().await.unwrap()
}

/// A JSON answer with the status it must have.
async fn expect(response: reqwest::Response, status: StatusCode) -> Value {
    let got = response.status();
    let body = response.text().await.unwrap();
    assert_eq!(got, status, "{body}");
    serde_json::from_str(&body).unwrap_or(Value::Null)
}

/// The fixture report imported by an editor; its id and its sections' ids in order.
pub(crate) async fn imported(app: &TestApp, editor: &str) -> (i64, Vec<i64>) {
    let input: Value = serde_json::from_str(&fixture("report-preliminary.json")).unwrap();
    let response = send(app, Method::POST, "/api/v1/reports/import", editor, Some(input)).await;
    let body = expect(response, StatusCode::CREATED).await;
    let ids = body["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    (body["id"].as_i64().unwrap(), ids)
}

pub(crate) async fn publish(app: &TestApp, editor: &str, report: i64, label: &str) -> Value {
    let path = format!("/api/v1/reports/{report}/versions");
    expect(
        send(app, Method::POST, &path, editor, Some(json!({"label": label}))).await,
        StatusCode::CREATED,
    )
    .await
}

pub(crate) async fn section(app: &TestApp, token: &str, report: i64, section: i64) -> Value {
    let path = format!("/api/v1/reports/{report}/sections/{section}");
    expect(send(app, Method::GET, &path, token, None).await, StatusCode::OK).await
}

/// A scheduled dissemination workshop of the report in a venue of `region`.
pub(crate) async fn workshop(app: &TestApp, organizer: &str, report: i64, title: &str, region: &str) -> i64 {
    let venue = send(
        app,
        Method::POST,
        "/api/v1/venues",
        organizer,
        Some(json!({"name": format!("Salle de {region}"), "region": region, "town": region})),
    )
    .await;
    let venue = expect(venue, StatusCode::CREATED).await;
    let event = json!({"kind": "dissemination_workshop", "title": title, "report_id": report, "venue_id": venue["id"],
                       "starts_at": "2027-03-04T09:00:00+00:00", "ends_at": "2027-03-04T17:00:00+00:00"});
    let created = expect(
        send(app, Method::POST, "/api/v1/events", organizer, Some(event)).await,
        StatusCode::CREATED,
    )
    .await;
    let id = created["id"].as_i64().unwrap();
    expect(
        send(
            app,
            Method::POST,
            &format!("/api/v1/events/{id}/schedule"),
            organizer,
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    id
}

pub(crate) async fn outcome_about(app: &TestApp, rapporteur: &str, event: i64, section: i64, summary: &str) -> i64 {
    let body = json!({"section_id": section, "kind": "amendment", "summary": summary,
                      "proposed_text": "Ajouter les femmes gendarmes.", "voiced_by": ["women_organization", "youth_organization"],
                      "agreement": "consensus"});
    let path = format!("/api/v1/events/{event}/outcomes");
    expect(
        send(app, Method::POST, &path, rapporteur, Some(body)).await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_i64()
        .unwrap()
}

async fn decide(app: &TestApp, editor: &str, outcome: i64, decision: Value) -> Value {
    let path = format!("/api/v1/outcomes/{outcome}/decision");
    expect(
        send(app, Method::POST, &path, editor, Some(decision)).await,
        StatusCode::OK,
    )
    .await
}

fn joined(segments: &Value, op: &str) -> Vec<String> {
    segments
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["op"] == op)
        .map(|s| s["text"].as_str().unwrap().trim().to_string())
        .collect()
}

#[tokio::test]
async fn accepting_an_outcome_with_an_edit_then_publishing_shows_exactly_that_edit_linked_to_it() {
    let app = spawn_app().await;
    let editor = app.api_token_for("editor").await;
    let organizer = app.api_token_for("organizer").await;
    let rapporteur = app.api_token_for("rapporteur").await;
    let (report_id, sections) = imported(&app, &editor).await;
    publish(&app, &editor, report_id, "Résultats préliminaires").await;
    let event = workshop(&app, &organizer, report_id, "Restitution à Kayes", "Kayes").await;
    let target = sections[2];
    let amended = outcome_about(&app, &rapporteur, event, target, "Nommer les femmes gendarmes").await;
    let other = outcome_about(&app, &rapporteur, event, sections[3], "Un point rejeté").await;

    let before = section(&app, &editor, report_id, target).await;
    let old_body = before["body"].as_str().unwrap();
    let new_body = old_body.replacen("une femme en uniforme", "une femme gendarme en uniforme", 1);
    assert_ne!(new_body, old_body, "the fixture holds the phrase being amended");
    decide(
        &app,
        &editor,
        amended,
        json!({"decision": "accepted", "rationale": "Plusieurs ateliers l'ont demandé.",
        "section_body": new_body, "section_version": before["version"]}),
    )
    .await;
    decide(
        &app,
        &editor,
        other,
        json!({"decision": "rejected", "rationale": "Hors du champ de l'étude."}),
    )
    .await;
    let v2 = publish(&app, &editor, report_id, "Rapport final").await;
    assert_eq!(v2["number"], 2);

    let diff = send(
        &app,
        Method::GET,
        &format!("/api/v1/reports/{report_id}/versions/1/diff/2"),
        &editor,
        None,
    )
    .await;
    let diff = expect(diff, StatusCode::OK).await;
    let changes = diff["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "only the amended section changed: {diff}");
    let change = &changes[0];
    assert_eq!(
        (change["section_id"].as_i64(), change["change"].as_str()),
        (Some(target), Some("changed"))
    );
    assert_eq!(joined(&change["body_diff"], "insert"), ["gendarme"]);
    assert!(joined(&change["body_diff"], "delete").is_empty());
    assert!(joined(&change["heading_diff"], "insert").is_empty());
    let behind = change["outcomes"].as_array().unwrap();
    assert_eq!(behind.len(), 1, "the rejected outcome is not behind the change");
    assert_eq!(behind[0]["id"].as_i64(), Some(amended));
    assert_eq!(behind[0]["region"], "Kayes");
    assert_eq!(behind[0]["event_title"], "Restitution à Kayes");
    assert_eq!(
        behind[0]["voiced_by"],
        json!(["women_organization", "youth_organization"])
    );
    assert_eq!(joined(&behind[0]["edit"], "insert"), ["gendarme"]);

    let stamped = outcome::Entity::find_by_id(amended as i32)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stamped.report_version, Some(2), "publishing made the decision final");
    let rejected = outcome::Entity::find_by_id(other as i32)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rejected.report_version, Some(2));

    let (browser, _) = app.browser_as("viewer").await;
    let page = browser
        .get(&format!("/reports/{report_id}/versions/2"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        texts(&page, &format!("#change-{target} .change-text ins")),
        ["gendarme"]
    );
    assert!(texts(&page, &format!("#change-{target} .change-text del")).is_empty());
    assert_eq!(
        texts(&page, &format!("#outcome-{amended} .outcome-edit ins")),
        ["gendarme"],
        "the words the decision changed"
    );
    assert_eq!(texts(&page, "article.change").len(), 1);
    let linked = texts(&page, &format!("#change-{target} #outcome-{amended}"));
    assert_eq!(linked.len(), 1);
    assert!(
        linked[0].contains("Nommer les femmes gendarmes") && linked[0].contains("Kayes"),
        "{linked:?}"
    );
}

#[tokio::test]
async fn two_concurrent_saves_of_a_section_one_wins_the_other_gets_409_and_nothing_is_lost() {
    let app = spawn_app().await;
    let editor = app.api_token_for("editor").await;
    let (report_id, sections) = imported(&app, &editor).await;
    let path = format!("/api/v1/reports/{report_id}/sections/{}", sections[1]);
    let save = |body: &str| {
        send(
            &app,
            Method::PUT,
            &path,
            &editor,
            Some(json!({"heading": "Constat 1", "kind": "finding", "body": body, "version": 1})),
        )
    };
    let (a, b) = tokio::join!(save("Texte de l'éditrice A."), save("Texte de l'éditeur B."));
    let mut statuses = [a.status(), b.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
    let (winner, loser) = if a.status() == StatusCode::OK { (a, b) } else { (b, a) };
    let winner: Value = winner.json().await.unwrap();
    let conflict: Value = loser.json().await.unwrap();
    assert_eq!(conflict["error"]["code"], "conflict");
    assert_eq!(
        conflict["current"]["body"], winner["body"],
        "the 409 carries the stored text"
    );
    assert_eq!(conflict["current"]["version"], 2);
    assert_ne!(conflict["yours"]["body"], winner["body"], "and the refused one");
    let stored = report_section::Entity::find_by_id(sections[1] as i32)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (stored.body.as_str(), stored.version),
        (winner["body"].as_str().unwrap(), 2)
    );

    // In the browser: two editors open the same form; the second save shows both texts.
    let (first, _) = app.browser_as("editor").await;
    let (second, _) = app.browser_as("editor").await;
    let edit = format!("/reports/{report_id}/sections/{}/edit", sections[2]);
    let form = second.get(&edit).await.text().await.unwrap();
    let version = scraper_value(&form, "input[name=version]");
    let token = second.csrf_token(&edit).await;
    let saved = first
        .submit(
            &edit,
            &edit,
            &[
                ("heading", "Constat 2"),
                ("kind", "finding"),
                ("body", "Première version."),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let refused = second
        .post_form(
            &edit,
            &[
                ("csrf_token", &token),
                ("heading", "Constat 2"),
                ("kind", "finding"),
                ("body", "Seconde version."),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let page = refused.text().await.unwrap();
    assert_eq!(texts(&page, "#section-conflict .stored-text"), ["Première version."]);
    assert_eq!(texts(&page, "#section-conflict .your-text"), ["Seconde version."]);
    assert_eq!(
        texts(&page, "#section-form textarea[name=body]"),
        ["Seconde version."],
        "the text stays in the form"
    );
    let stored = report_section::Entity::find_by_id(sections[2] as i32)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.body, "Première version.");
}

fn scraper_value(html: &str, selector: &str) -> String {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(selector).unwrap();
    document
        .select(&selector)
        .next()
        .and_then(|e| e.value().attr("value"))
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn a_published_version_stays_identical_byte_for_byte_after_later_edits() {
    let app = spawn_app().await;
    let editor = app.api_token_for("editor").await;
    let (report_id, sections) = imported(&app, &editor).await;
    publish(&app, &editor, report_id, "Résultats préliminaires").await;
    let (browser, _) = app.browser_as("editor").await;
    let snapshot = || async {
        let api = send(
            &app,
            Method::GET,
            &format!("/api/v1/reports/{report_id}/versions/1"),
            &editor,
            None,
        )
        .await;
        let md = browser.get(&format!("/reports/{report_id}/versions/1/export.md")).await;
        assert_eq!(md.status(), StatusCode::OK);
        (api.bytes().await.unwrap(), md.bytes().await.unwrap())
    };
    let (api_before, md_before) = snapshot().await;
    assert!(String::from_utf8_lossy(&md_before).contains("## Constat 1"));

    let path = format!("/api/v1/reports/{report_id}/sections/{}", sections[1]);
    let edit = json!({"heading": "Constat 1 — réécrit", "kind": "finding", "body": "Tout autre chose.", "version": 1});
    expect(
        send(&app, Method::PUT, &path, &editor, Some(edit)).await,
        StatusCode::OK,
    )
    .await;
    let last = *sections.last().unwrap();
    expect(
        send(
            &app,
            Method::DELETE,
            &format!("/api/v1/reports/{report_id}/sections/{last}"),
            &editor,
            None,
        )
        .await,
        StatusCode::NO_CONTENT,
    )
    .await;
    let moved = browser
        .submit(
            &format!("/reports/{report_id}"),
            &format!("/reports/{report_id}/sections/{}/move", sections[0]),
            &[("direction", "down")],
        )
        .await;
    assert_eq!(moved.status(), StatusCode::SEE_OTHER);
    publish(&app, &editor, report_id, "Rapport final").await;

    let (api_after, md_after) = snapshot().await;
    assert_eq!(api_before, api_after, "the API answer is the same bytes");
    assert_eq!(md_before, md_after, "the Markdown export is the same bytes");
    let v2 = browser
        .get(&format!("/reports/{report_id}/versions/2/export.md"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        v2.contains("## Constat 1 — réécrit") && !v2.contains("## Constat 1 — Une confiance"),
        "version 2 has the edit"
    );
}

/// Marks the first `n` guests of an event present.
async fn mark_present(app: &TestApp, day: &EventDay, n: usize) {
    for (invitation, _) in day.guests.iter().take(n) {
        let body = json!({"invitation_id": invitation, "client_id": uuid::Uuid::new_v4().to_string()});
        let response = mark(app, day, body).await;
        assert!(response.status().is_success(), "{}", response.text().await.unwrap());
    }
}

/// The published gender line the annex must show, built from the statistics API.
async fn gender_line(app: &TestApp, token: &str, event: i64) -> String {
    let path = format!("/api/v1/events/{event}/attendance/summary?published=true");
    let summary = expect(send(app, Method::GET, &path, token, None).await, StatusCode::OK).await;
    let g = &summary["by_gender"];
    let cell = |v: &Value| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string());
    format!(
        "Par genre : Femme {}, Homme {}, Non précisé {}",
        cell(&g["female"]),
        cell(&g["male"]),
        cell(&g["unspecified"])
    )
}

#[tokio::test]
async fn the_exported_annex_lists_every_workshop_of_the_report_with_its_participation() {
    let app = spawn_app().await;
    let editor = app.api_token_for("editor").await;
    let rapporteur = app.api_token_for("rapporteur").await;
    let (report_id, sections) = imported(&app, &editor).await;
    let kayes = event_day(&app, 14, "Restitution à Kayes").await;
    let sikasso = event_for_all_actors(&app, &kayes.token, "Restitution à Sikasso").await;
    let consultation = event_for_all_actors(&app, &kayes.token, "Consultation à Gao").await;
    for (event, kind) in [
        (kayes.event_id, None),
        (sikasso.event_id, None),
        (consultation.event_id, Some("consultation")),
    ] {
        let mut patch = json!({"report_id": report_id});
        if let Some(kind) = kind {
            patch["kind"] = json!(kind);
        }
        let path = format!("/api/v1/events/{event}");
        expect(
            send(&app, Method::PATCH, &path, &kayes.token, Some(patch)).await,
            StatusCode::OK,
        )
        .await;
    }
    mark_present(&app, &kayes, 12).await;
    mark_present(&app, &sikasso, 3).await;
    let accepted = outcome_about(
        &app,
        &rapporteur,
        kayes.event_id,
        sections[2],
        "Nommer les femmes gendarmes",
    )
    .await;
    let rejected = outcome_about(&app, &rapporteur, kayes.event_id, sections[3], "Supprimer le constat 3").await;
    outcome_about(
        &app,
        &rapporteur,
        sikasso.event_id,
        sections[1],
        "Un point encore ouvert",
    )
    .await;
    decide(
        &app,
        &editor,
        accepted,
        json!({"decision": "accepted", "rationale": "Demandé partout."}),
    )
    .await;
    decide(
        &app,
        &editor,
        rejected,
        json!({"decision": "rejected", "rationale": "Contredit par les données."}),
    )
    .await;
    publish(&app, &editor, report_id, "Rapport final").await;

    let (browser, _) = app.browser_as("viewer").await;
    let md = browser
        .get(&format!("/reports/{report_id}/versions/1/export.md"))
        .await
        .text()
        .await
        .unwrap();
    let annex = md
        .split("## Comment les ateliers de restitution ont façonné ce rapport")
        .nth(1)
        .expect("the annex");
    assert!(
        annex.contains("### Restitution à Kayes") && annex.contains("### Restitution à Sikasso"),
        "{annex}"
    );
    assert!(
        !annex.contains("Consultation à Gao"),
        "a consultation is no dissemination workshop"
    );
    assert!(annex.contains("Personnes présentes : 12"), "{annex}");
    assert!(
        annex.contains("Personnes présentes : <5"),
        "three people are never shown as 3: {annex}"
    );
    assert!(
        annex.contains(&gender_line(&app, &kayes.token, kayes.event_id).await),
        "{annex}"
    );
    assert!(
        annex.contains(&gender_line(&app, &kayes.token, sikasso.event_id).await),
        "{annex}"
    );
    assert!(annex.contains("Date : 10/06/2030") && annex.contains("Lieu : Centre Djoliba, Kayes"));
    assert!(annex.contains("Nommer les femmes gendarmes (section « Constat 2 — La présence de femmes en uniforme rassure ») — retenu dans la version 1"), "{annex}");
    assert!(annex.contains("non retenu : Contredit par les données."));
    assert!(annex.contains("Un point encore ouvert (section « Constat 1 — Une confiance fragile entre les populations et les FDS ») — en attente de décision"), "{annex}");

    let print = browser
        .get(&format!("/reports/{report_id}/versions/1/print"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        texts(&print, ".annex-workshop h3"),
        ["Restitution à Kayes", "Restitution à Sikasso"]
    );
    assert_eq!(texts(&print, ".annex-workshop .annex-gender").len(), 2);
    let toc = texts(&print, ".print-toc a");
    assert_eq!(
        toc.len(),
        sections.len() + 1 + 2,
        "every section, the annex and its workshops: {toc:?}"
    );

    // Late arrivals are typed in after publication: the published version keeps its figures,
    // while the statistics pages move on.
    mark_present(&app, &sikasso, 9).await;
    let later = browser
        .get(&format!("/reports/{report_id}/versions/1/export.md"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        later, md,
        "the export of version 1 is the same bytes after late check-ins"
    );
    let path = format!("/api/v1/events/{}/attendance/summary?published=true", sikasso.event_id);
    let live = expect(send(&app, Method::GET, &path, &kayes.token, None).await, StatusCode::OK).await;
    assert_eq!(live["present"], 9, "the live figures of Sikasso have moved on");
    assert!(!later.contains("Personnes présentes : 9"), "{later}");
}

#[tokio::test]
async fn an_import_names_each_bad_field_and_stores_nothing() {
    let app = spawn_app().await;
    let editor = app.api_token_for("editor").await;
    let bad = json!({"title": "Rapport", "language": "fr", "sections": [
        {"kind": "context", "heading": "Contexte", "body": "…"},
        {"kind": "chapitre", "heading": "Constat", "body": "…"},
        {"kind": "finding", "heading": "  ", "body": "…"}]});
    let refused = expect(
        send(&app, Method::POST, "/api/v1/reports/import", &editor, Some(bad)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let fields = refused["error"]["fields"].as_object().unwrap();
    let mut named: Vec<&str> = fields.keys().map(String::as_str).collect();
    named.sort();
    assert_eq!(named, ["sections[1].kind", "sections[2].heading"]);
    let wrong_type = json!({"title": "Rapport", "sections": [{"kind": "context", "heading": "Contexte", "body": 5}]});
    let refused = expect(
        send(&app, Method::POST, "/api/v1/reports/import", &editor, Some(wrong_type)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(refused["error"]["fields"]["sections[0].body"].is_string(), "{refused}");
    assert_eq!(app.count(report::Entity).await, 0);
    assert_eq!(app.count(report_section::Entity).await, 0);

    // The upload form says the same, field by field, and a good file lands on the new report.
    let (browser, _) = app.browser_as("editor").await;
    let upload = |content: String| async {
        let token = browser.csrf_token("/reports").await;
        let part = reqwest::multipart::Part::bytes(content.into_bytes()).file_name("rapport.json");
        let form = reqwest::multipart::Form::new().part("file", part);
        browser
            .client
            .post(browser.url(&format!("/reports/import?csrf_token={token}")))
            .multipart(form)
            .send()
            .await
            .unwrap()
    };
    let page = upload(r#"{"title": "", "sections": [{"kind": "finding", "heading": ""}]}"#.into()).await;
    assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = page.text().await.unwrap();
    let listed = texts(&page, "#import-errors li code");
    assert_eq!(listed, ["sections[0].heading", "title"]);
    assert_eq!(app.count(report::Entity).await, 0);
    let done = upload(fixture("report-preliminary.json")).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let shown = browser.get(&location(&done)).await.text().await.unwrap();
    assert_eq!(texts(&shown, "article.report-section").len(), 8);
    assert!(texts(&shown, "h1")[0].starts_with("Participation des femmes"));
}

#[tokio::test]
async fn editors_reorder_and_delete_sections_but_not_one_an_outcome_refers_to() {
    let app = spawn_app().await;
    let editor = app.api_token_for("editor").await;
    let organizer = app.api_token_for("organizer").await;
    let rapporteur = app.api_token_for("rapporteur").await;
    let viewer = app.api_token_for("viewer").await;
    let (report_id, sections) = imported(&app, &editor).await;
    let event = workshop(&app, &organizer, report_id, "Restitution à Ségou", "Ségou").await;
    outcome_about(&app, &rapporteur, event, sections[1], "Revoir le constat").await;

    let (browser, _) = app.browser_as("editor").await;
    let report_page = format!("/reports/{report_id}");
    let moved = browser
        .submit(
            &report_page,
            &format!("/reports/{report_id}/sections/{}/move", sections[2]),
            &[("direction", "up")],
        )
        .await;
    assert_eq!(moved.status(), StatusCode::SEE_OTHER);
    let page = browser.get(&report_page).await.text().await.unwrap();
    let ids: Vec<String> = texts(&page, "article.report-section h3").into_iter().take(3).collect();
    assert!(
        ids[1].starts_with("Constat 2") && ids[2].starts_with("Constat 1"),
        "{ids:?}"
    );

    let refused = browser
        .submit(
            &report_page,
            &format!("/reports/{report_id}/sections/{}/delete", sections[1]),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Des résultats de débats visent cette section")
    );
    let api = send(
        &app,
        Method::DELETE,
        &format!("/api/v1/reports/{report_id}/sections/{}", sections[1]),
        &editor,
        None,
    )
    .await;
    assert_eq!(api.status(), StatusCode::CONFLICT);
    let deleted = browser
        .submit(
            &report_page,
            &format!("/reports/{report_id}/sections/{}/delete", sections[4]),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(deleted.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count(report_section::Entity).await, sections.len() as u64 - 1);

    let path = format!("/api/v1/reports/{report_id}/versions");
    let forbidden = send(&app, Method::POST, &path, &viewer, Some(json!({"label": "V1"}))).await;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    let unlabeled = expect(
        send(&app, Method::POST, &path, &editor, Some(json!({"label": " "}))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(unlabeled["error"]["fields"]["label"].is_string());
    let published = browser
        .submit(
            &report_page,
            &format!("/reports/{report_id}/versions"),
            &[("label", "Résultats préliminaires"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(location(&published), format!("/reports/{report_id}/versions/1"));
    let listed = expect(send(&app, Method::GET, &path, &viewer, None).await, StatusCode::OK).await;
    assert_eq!(listed[0]["label"], "Résultats préliminaires");
}
