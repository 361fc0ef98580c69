//! Debate records: notes with autosave, outcomes, roles and the completed-event lock.

use entity::{debate_note, outcome, report, report_section};
use reqwest::{Method, StatusCode};
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::helpers::{Browser, TestApp, location, spawn_app, texts};

/// A report made through the API by an editor; returns its id and its sections' ids in order.
async fn report(app: &TestApp, editor: &str, title: &str, headings: &[&str]) -> (i64, Vec<i64>) {
    let sections: Vec<Value> = headings
        .iter()
        .map(|h| json!({"heading": h, "kind": "finding", "body": format!("Texte de « {h} ».")}))
        .collect();
    let response = app
        .api(Method::POST, "/api/v1/reports", Some(editor))
        .json(&json!({"title": title, "language": "fr", "sections": sections}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    let ids = body["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    (body["id"].as_i64().unwrap(), ids)
}

/// A scheduled workshop, made through the API by an organizer.
async fn workshop(app: &TestApp, organizer: &str, report_id: Option<i64>) -> i64 {
    let created: Value = app
        .api(Method::POST, "/api/v1/events", Some(organizer))
        .json(
            &json!({"kind": "dissemination_workshop", "title": "Restitution à Ségou", "report_id": report_id,
                      "starts_at": "2027-03-04T09:00", "ends_at": "2027-03-04T17:00"}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_i64().unwrap();
    let scheduled = app
        .api(Method::POST, &format!("/api/v1/events/{id}/schedule"), Some(organizer))
        .send()
        .await
        .unwrap();
    assert_eq!(scheduled.status(), StatusCode::OK);
    id
}

fn outcome_body(section_id: Option<i64>, kind: &str, summary: &str) -> Value {
    json!({"section_id": section_id, "kind": kind, "summary": summary,
           "proposed_text": "Ajouter : « des toilettes séparées dans chaque caserne ».",
           "voiced_by": ["women_organization", "youth_organization"], "agreement": "consensus"})
}

async fn post_outcome(app: &TestApp, token: &str, event: i64, body: &Value) -> reqwest::Response {
    app.api(Method::POST, &format!("/api/v1/events/{event}/outcomes"), Some(token))
        .json(body)
        .send()
        .await
        .unwrap()
}

/// The page's own JSON call, as `notes.js` makes it: session cookie and CSRF header.
async fn autosave(browser: &Browser, method: Method, path: &str, csrf: &str, body: &Value) -> reqwest::Response {
    browser
        .client
        .request(method, browser.url(path))
        .header("x-csrf-token", csrf)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn field_error(response: reqwest::Response) -> Value {
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    response.json::<Value>().await.unwrap()["error"]["fields"].clone()
}

#[tokio::test]
async fn a_rapporteur_cannot_edit_outcomes_of_a_completed_event_and_a_viewer_cannot_create_them() {
    let app = spawn_app().await;
    let editor = app.api_token_for("editor").await;
    let organizer = app.api_token_for("organizer").await;
    let rapporteur = app.api_token_for("rapporteur").await;
    let viewer = app.api_token_for("viewer").await;
    let (report_id, sections) = report(&app, &editor, "Résultats préliminaires", &["Constat 1", "Constat 2"]).await;
    let event = workshop(&app, &organizer, Some(report_id)).await;
    let body = outcome_body(Some(sections[1]), "amendment", "Recruter davantage de femmes");

    for token in [&viewer, &editor] {
        let refused = post_outcome(&app, token, event, &body).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    }
    assert_eq!(
        app.count(outcome::Entity).await,
        0,
        "nothing stored for a viewer or an editor"
    );

    let created = post_outcome(&app, &rapporteur, event, &body).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(
        created["voiced_by"],
        json!(["women_organization", "youth_organization"])
    );
    assert_eq!(created["status"], "open");

    let completed = app
        .api(
            Method::POST,
            &format!("/api/v1/events/{event}/complete"),
            Some(&organizer),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(completed.status(), StatusCode::OK);

    let mut change = outcome_body(Some(sections[0]), "objection", "Tout réécrire");
    change["version"] = json!(1);
    let path = format!("/api/v1/events/{event}/outcomes/{id}");
    for token in [&rapporteur, &organizer] {
        let refused = app
            .api(Method::PUT, &path, Some(token))
            .json(&change)
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::CONFLICT);
        let error: Value = refused.json().await.unwrap();
        assert!(
            error["error"]["message"].as_str().unwrap().contains("read-only"),
            "{error}"
        );
        let another = post_outcome(&app, token, event, &body).await;
        assert_eq!(another.status(), StatusCode::CONFLICT);
    }
    let stored = outcome::Entity::find_by_id(id as i32)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (stored.summary.as_str(), stored.kind.as_str(), stored.version),
        ("Recruter davantage de femmes", "amendment", 1),
        "the stored outcome is unchanged"
    );
    assert_eq!(app.count(outcome::Entity).await, 1);

    let (browser, _) = app.browser_as("rapporteur").await;
    let page = browser
        .get(&format!("/events/{event}/debate"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(texts(&page, "#outcomes-locked").len(), 1, "the page says why");
    assert!(texts(&page, "#outcome-form").is_empty(), "and offers no outcome form");
    let form = browser
        .submit(
            &format!("/events/{event}/debate"),
            &format!("/events/{event}/outcomes/{id}"),
            &[
                ("kind", "objection"),
                ("summary", "Par le formulaire"),
                ("agreement", "majority"),
                ("voiced_by", "media"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(form.status(), StatusCode::CONFLICT);
    assert!(form.text().await.unwrap().contains("lecture seule"));

    let admin = app.api_token_for("admin").await;
    let corrected = app
        .api(Method::PUT, &path, Some(&admin))
        .json(&change)
        .send()
        .await
        .unwrap();
    assert_eq!(corrected.status(), StatusCode::OK, "an admin may still correct");
    let corrected: Value = corrected.json().await.unwrap();
    assert_eq!(
        (corrected["kind"].as_str(), corrected["version"].as_i64()),
        (Some("objection"), Some(2))
    );
}

#[tokio::test]
async fn an_outcome_aimed_at_a_section_of_another_report_is_refused_naming_section_id() {
    let app = spawn_app().await;
    let editor = app.api_token_for("editor").await;
    let organizer = app.api_token_for("organizer").await;
    let rapporteur = app.api_token_for("rapporteur").await;
    let (ours, our_sections) = report(&app, &editor, "Rapport de Ségou", &["Contexte"]).await;
    let (_, their_sections) = report(&app, &editor, "Un autre rapport", &["Ailleurs"]).await;
    let event = workshop(&app, &organizer, Some(ours)).await;
    let without_report = workshop(&app, &organizer, None).await;

    let cases = [
        (
            event,
            outcome_body(Some(their_sections[0]), "amendment", "x"),
            "section_id",
        ),
        (event, outcome_body(Some(999_999), "amendment", "x"), "section_id"),
        (
            without_report,
            outcome_body(Some(our_sections[0]), "amendment", "x"),
            "section_id",
        ),
        (
            event,
            json!({"kind": "amendment", "summary": "x", "voiced_by": [], "agreement": "consensus"}),
            "voiced_by",
        ),
        (
            event,
            json!({"kind": "amendment", "summary": "x", "voiced_by": ["martians"], "agreement": "consensus"}),
            "voiced_by",
        ),
        (event, outcome_body(None, "applause", "x"), "kind"),
        (
            event,
            json!({"kind": "question", "summary": " ", "voiced_by": ["media"], "agreement": "consensus"}),
            "summary",
        ),
        (
            event,
            json!({"kind": "question", "summary": "x", "voiced_by": ["media"], "agreement": "unanimous"}),
            "agreement",
        ),
    ];
    for (event, body, field) in cases {
        let fields = field_error(post_outcome(&app, &rapporteur, event, &body).await).await;
        assert!(fields[field].is_string(), "{body} → {fields}");
    }
    assert_eq!(app.count(outcome::Entity).await, 0, "nothing stored");

    let (browser, _) = app.browser_as("rapporteur").await;
    let debate = format!("/events/{event}/debate");
    let form = browser
        .submit(
            &debate,
            &format!("/events/{event}/outcomes"),
            &[
                ("section_id", &their_sections[0].to_string()),
                ("kind", "amendment"),
                ("summary", "Par le formulaire"),
                ("agreement", "majority"),
                ("voiced_by", "media"),
            ],
        )
        .await;
    assert_eq!(form.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = form.text().await.unwrap();
    assert_eq!(
        texts(&html, "#section_id-error"),
        ["Cette section n'appartient pas au rapport présenté à cet événement."]
    );
    assert_eq!(texts(&html, "#summary"), ["Par le formulaire"], "what was typed stays");
    assert_eq!(app.count(outcome::Entity).await, 0);

    let ok = post_outcome(
        &app,
        &rapporteur,
        event,
        &outcome_body(Some(our_sections[0]), "endorsement", "Oui"),
    )
    .await;
    assert_eq!(ok.status(), StatusCode::CREATED);
    let ok = post_outcome(
        &app,
        &rapporteur,
        without_report,
        &outcome_body(None, "testimony", "Récit"),
    )
    .await;
    assert_eq!(ok.status(), StatusCode::CREATED, "no section is fine without a report");
}

#[tokio::test]
async fn markdown_with_a_script_tag_in_a_note_is_shown_escaped() {
    let app = spawn_app().await;
    let organizer = app.api_token_for("organizer").await;
    let event = workshop(&app, &organizer, None).await;
    let (rapporteur, _) = app.browser_as("rapporteur").await;
    let debate = format!("/events/{event}/debate");
    let saved = rapporteur
        .submit(
            &debate,
            &format!("/events/{event}/notes"),
            &[
                ("topic", "Sécurité"),
                ("speaker_category", "civil_society"),
                (
                    "body",
                    "**Important** <script>alert('pwned')</script> et [ici](javascript:alert(1))",
                ),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    let (viewer, _) = app.browser_as("viewer").await;
    let html = viewer.get(&debate).await.text().await.unwrap();
    assert_eq!(
        texts(&html, ".note-body"),
        ["Important <script>alert('pwned')</script> et ici"],
        "the tag is shown as typed"
    );
    assert_eq!(texts(&html, ".note-body strong"), ["Important"], "Markdown still works");
    assert!(
        !html.contains("<script>alert"),
        "the script is not in the page as a tag"
    );
    assert!(!html.contains("javascript:"), "the unsafe link is gone");
    assert!(
        texts(&html, "#note-form").is_empty(),
        "a viewer reads but does not write"
    );

    let anonymous = app.new_browser().get(&debate).await;
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    assert!(location(&anonymous).starts_with("/login"));
    let api = app
        .api(Method::GET, &format!("/api/v1/events/{event}/notes"), None)
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED, "notes are never public");
}

#[tokio::test]
async fn an_autosave_over_a_stale_version_gets_409_with_both_texts_and_overwrites_nothing() {
    let app = spawn_app().await;
    let organizer = app.api_token_for("organizer").await;
    let event = workshop(&app, &organizer, None).await;
    let (browser, _) = app.browser_as("rapporteur").await;
    let debate = format!("/events/{event}/debate");
    let csrf = browser.csrf_token(&debate).await;

    let first = autosave(
        &browser,
        Method::POST,
        &format!("/events/{event}/notes.json"),
        &csrf,
        &json!({"topic": "Recrutement", "body": "Premier jet"}),
    )
    .await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let note: Value = first.json().await.unwrap();
    let (id, path) = (
        note["id"].as_i64().unwrap(),
        format!("/events/{event}/notes/{}", note["id"]),
    );
    assert_eq!(note["version"], 1);

    let second = autosave(
        &browser,
        Method::PUT,
        &path,
        &csrf,
        &json!({"topic": "Recrutement", "body": "Texte du téléphone", "version": 1}),
    )
    .await;
    assert_eq!(second.status(), StatusCode::OK);
    assert_eq!(second.json::<Value>().await.unwrap()["version"], 2);

    let stale = autosave(
        &browser,
        Method::PUT,
        &path,
        &csrf,
        &json!({"topic": "Recrutement", "body": "Texte de l'ordinateur", "version": 1}),
    )
    .await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    let conflict: Value = stale.json().await.unwrap();
    assert_eq!(conflict["error"]["code"], "conflict");
    assert_eq!(conflict["current"]["body"], "Texte du téléphone");
    assert_eq!(conflict["current"]["version"], 2);
    assert_eq!(conflict["yours"]["body"], "Texte de l'ordinateur");
    let stored = || async {
        debate_note::Entity::find_by_id(id as i32)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
    };
    assert_eq!(
        (stored().await.body, stored().await.version),
        ("Texte du téléphone".into(), 2)
    );

    // The same rule through the API and through the plain form.
    let token = app.api_token_for("admin").await;
    let api = app
        .api(Method::PUT, &format!("/api/v1/events/{event}/notes/{id}"), Some(&token))
        .json(&json!({"topic": "Recrutement", "body": "Par l'API", "version": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::CONFLICT);
    assert_eq!(api.json::<Value>().await.unwrap()["yours"]["body"], "Par l'API");
    let form = browser
        .submit(
            &debate,
            &path,
            &[("topic", "Recrutement"), ("body", "Sans script"), ("version", "1")],
        )
        .await;
    assert_eq!(form.status(), StatusCode::CONFLICT);
    let html = form.text().await.unwrap();
    assert_eq!(texts(&html, "#note-conflict .stored-text"), ["Texte du téléphone"]);
    assert_eq!(
        texts(&html, "#body"),
        ["Sans script"],
        "the writer's text is kept in the form"
    );
    assert_eq!(stored().await.body, "Texte du téléphone");

    // A session that expired meanwhile: a 401 the script can see (no sign-in page), nothing written.
    browser
        .client
        .post(browser.url("/logout"))
        .form(&[("csrf_token", &csrf)])
        .send()
        .await
        .unwrap();
    let expired = autosave(
        &browser,
        Method::PUT,
        &path,
        &csrf,
        &json!({"topic": "Recrutement", "body": "Après la coupure", "version": 2}),
    )
    .await;
    assert_eq!(expired.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(expired.json::<Value>().await.unwrap()["error"]["code"], "unauthorized");
    assert_eq!(
        (stored().await.body, stored().await.version),
        ("Texte du téléphone".into(), 2)
    );
}

#[tokio::test]
async fn the_event_page_shows_outcomes_grouped_by_section_and_by_kind() {
    let app = spawn_app().await;
    let editor = app.api_token_for("editor").await;
    let organizer = app.api_token_for("organizer").await;
    let rapporteur = app.api_token_for("rapporteur").await;
    let (report_id, s) = report(&app, &editor, "Rapport", &["Contexte", "Constat 1", "Recommandations"]).await;
    let event = workshop(&app, &organizer, Some(report_id)).await;
    for (section, kind) in [
        (Some(s[2]), "amendment"),
        (Some(s[1]), "endorsement"),
        (Some(s[2]), "objection"),
        (None, "question"),
        (Some(s[2]), "amendment"),
        (Some(s[1]), "amendment"),
    ] {
        let created = post_outcome(&app, &rapporteur, event, &outcome_body(section, kind, kind)).await;
        assert_eq!(created.status(), StatusCode::CREATED);
    }
    let (viewer, _) = app.browser_as("viewer").await;
    for page in [format!("/events/{event}"), format!("/events/{event}/debate")] {
        let html = viewer.get_in(&page, "en").await.text().await.unwrap();
        assert_eq!(texts(&html, "#outcomes-total"), ["6"], "{page}");
        let by_kind: Vec<String> = texts(&html, "#outcomes-by-kind th")
            .into_iter()
            .zip(texts(&html, "#outcomes-by-kind td"))
            .map(|(kind, count)| format!("{kind} {count}"))
            .collect();
        assert_eq!(
            by_kind,
            ["Endorsement 1", "Objection 1", "Amendment 3", "Question 1"],
            "{page}"
        );
        assert_eq!(
            texts(&html, "#outcomes-by-section h4"),
            ["2. Constat 1 2", "3. Recommandations 3", "No section 1"],
            "{page}: in the report's order, empty sections left out"
        );
        assert_eq!(
            texts(&html, "#outcomes-by-section .outcome-group:nth-child(2) .summary"),
            ["amendment", "objection", "amendment"],
            "{page}"
        );
    }
    let event_page = viewer.get(&format!("/events/{event}")).await.text().await.unwrap();
    assert!(event_page.contains(&format!(r#"href="/events/{event}/debate""#)));
}

#[tokio::test]
async fn notes_and_outcomes_recorded_through_the_forms_appear_on_the_page() {
    let app = spawn_app().await;
    let editor = app.api_token_for("editor").await;
    let organizer = app.api_token_for("organizer").await;
    let (report_id, s) = report(&app, &editor, "Rapport", &["Contexte", "Obstacles au recrutement"]).await;
    let event = workshop(&app, &organizer, Some(report_id)).await;
    let (browser, _) = app.browser_as("rapporteur").await;
    let debate = format!("/events/{event}/debate");
    let notes_url = format!("/events/{event}/notes");

    let page = browser.get(&debate).await.text().await.unwrap();
    assert!(
        page.contains(r#"<option value="Obstacles au recrutement">"#),
        "headings are suggested as topics"
    );

    let no_token = browser
        .post_form(&notes_url, &[("topic", "Sans jeton"), ("body", "x")])
        .await;
    assert_eq!(no_token.status(), StatusCode::FORBIDDEN);
    let named = browser
        .submit(
            &debate,
            &notes_url,
            &[
                ("topic", "Obstacles au recrutement"),
                ("body", "Une présidente parle."),
                ("speaker_name", "Aïssata Guindo"),
            ],
        )
        .await;
    assert_eq!(
        named.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a name needs the person's agreement"
    );
    let html = named.text().await.unwrap();
    assert_eq!(texts(&html, "#speaker_name-error").len(), 1);
    assert_eq!(app.count(debate_note::Entity).await, 0, "nothing stored");

    for fields in [
        vec![
            ("topic", "Obstacles au recrutement"),
            ("speaker_category", "women_organization"),
            ("body", "Les femmes *hésitent* à postuler."),
        ],
        vec![
            ("topic", "Obstacles au recrutement"),
            ("body", "Elle accepte d'être citée."),
            ("speaker_name", "Aïssata Guindo"),
            ("speaker_agreed", "on"),
        ],
    ] {
        let saved = browser.submit(&debate, &notes_url, &fields).await;
        assert_eq!(saved.status(), StatusCode::SEE_OTHER);
        assert!(location(&saved).starts_with(&format!("{debate}#note-")));
    }
    let outcome = browser
        .submit(
            &debate,
            &format!("/events/{event}/outcomes"),
            &[
                ("section_id", &s[1].to_string()),
                ("kind", "new_recommendation"),
                ("agreement", "majority"),
                ("summary", "Des quotas de recrutement"),
                ("proposed_text", "Fixer un quota de 30 %."),
                ("voiced_by", "women_organization"),
                ("voiced_by", "civil_society"),
            ],
        )
        .await;
    assert_eq!(outcome.status(), StatusCode::SEE_OTHER);

    let html = browser.get_in(&debate, "en").await.text().await.unwrap();
    assert_eq!(texts(&html, "section.topic h3"), ["Obstacles au recrutement"]);
    assert_eq!(
        texts(&html, "article.note .note-body"),
        ["Les femmes hésitent à postuler.", "Elle accepte d'être citée."]
    );
    assert_eq!(texts(&html, "article.note .speaker"), ["Women's organization"]);
    assert_eq!(texts(&html, "article.note .speaker-name"), ["Aïssata Guindo"]);
    assert_eq!(
        texts(&html, "#outcomes-by-section h4"),
        ["2. Obstacles au recrutement 1"]
    );
    let item = texts(&html, "#outcomes-by-section li").join(" ");
    assert!(
        item.contains("New recommendation Des quotas de recrutement Fixer un quota de 30 %."),
        "{item}"
    );
    assert!(
        item.contains("Voiced by Women's organization, Civil society · Majority"),
        "{item}"
    );

    let stored = outcome::Entity::find().one(&app.db).await.unwrap().unwrap();
    assert_eq!(stored.voiced_by, "women_organization,civil_society");
    assert_eq!(stored.section_id, Some(s[1] as i32));
    let notes = debate_note::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(notes[0].speaker_name, "", "no name unless typed on purpose");
}

#[tokio::test]
async fn an_editor_creates_a_report_with_its_sections_all_or_nothing_and_appends_one() {
    let app = spawn_app().await;
    let editor = app.api_token_for("editor").await;
    let rapporteur = app.api_token_for("rapporteur").await;
    let bad = json!({"title": "Rapport", "sections": [
        {"heading": "Contexte", "kind": "context"},
        {"heading": "Constat", "kind": "rumour"},
        {"heading": " ", "kind": "finding"}]});
    let fields = field_error(
        app.api(Method::POST, "/api/v1/reports", Some(&editor))
            .json(&bad)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        fields["sections[1].kind"].is_string() && fields["sections[2].heading"].is_string(),
        "{fields}"
    );
    assert_eq!(
        (app.count(report::Entity).await, app.count(report_section::Entity).await),
        (0, 0)
    );

    let forbidden = app
        .api(Method::POST, "/api/v1/reports", Some(&rapporteur))
        .json(&json!({"title": "Rapport"}))
        .send()
        .await
        .unwrap();
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);

    let (id, _) = report(&app, &editor, "Résultats préliminaires", &["Contexte", "Constat 1"]).await;
    let appended = app
        .api(Method::POST, &format!("/api/v1/reports/{id}/sections"), Some(&editor))
        .json(&json!({"heading": "Recommandations", "kind": "recommendation", "body": "À venir."}))
        .send()
        .await
        .unwrap();
    assert_eq!(appended.status(), StatusCode::CREATED);
    let appended: Value = appended.json().await.unwrap();
    assert_eq!(
        (appended["position"].as_i64(), appended["version"].as_i64()),
        (Some(3), Some(1))
    );

    let detail: Value = app
        .api(Method::GET, &format!("/api/v1/reports/{id}"), Some(&rapporteur))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(detail["language"], "fr");
    let headings: Vec<&str> = detail["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["heading"].as_str().unwrap())
        .collect();
    assert_eq!(headings, ["Contexte", "Constat 1", "Recommandations"]);
    let list: Value = app
        .api(
            Method::GET,
            &format!("/api/v1/reports/{id}/sections?per_page=2"),
            Some(&rapporteur),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (list["total"].as_i64(), list["items"].as_array().unwrap().len()),
        (Some(3), 2)
    );
    let reports: Value = app
        .api(Method::GET, "/api/v1/reports", Some(&rapporteur))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(reports["items"][0]["title"], "Résultats préliminaires");
    let missing = app
        .api(Method::POST, "/api/v1/reports/999/sections", Some(&editor))
        .json(&json!({"heading": "X", "kind": "context"}))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_note_is_deleted_by_its_author_and_not_by_another_rapporteur() {
    let app = spawn_app().await;
    let organizer = app.api_token_for("organizer").await;
    let event = workshop(&app, &organizer, None).await;
    let (author, _) = app.browser_as("rapporteur").await;
    let (colleague, _) = app.browser_as("rapporteur").await;
    let debate = format!("/events/{event}/debate");
    let saved = author
        .submit(
            &debate,
            &format!("/events/{event}/notes"),
            &[("topic", "Accueil"), ("body", "Brouillon à jeter")],
        )
        .await;
    let note = location(&saved).rsplit("#note-").next().unwrap().to_string();
    let delete = format!("/events/{event}/notes/{note}/delete");

    let html = colleague.get(&debate).await.text().await.unwrap();
    assert!(!html.contains(&delete), "no delete button on someone else's note");
    let refused = colleague.submit(&debate, &delete, &[("confirm", "yes")]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count(debate_note::Entity).await, 1);

    let deleted = author.submit(&debate, &delete, &[("confirm", "yes")]).await;
    assert_eq!(deleted.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count(debate_note::Entity).await, 0);
}
