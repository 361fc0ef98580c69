//! The audit log: every route that changes data writes its entries, with who, what and from where;
//! secrets never appear; admins filter and page it; nobody else reads it.
//!
//! To cover a new route: add one `w.api(…)` or `w.form(…)` step to `walk_api` / `walk_forms`, naming
//! its route as the router spells it and the entries it must write. The walker fails, naming the
//! route, when the OpenAPI document or the HTML routers hold a writing route no step drove.

use std::collections::BTreeSet;

use entity::{audit_entry, outbox_message};
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use crate::helpers::{Browser, TestApp, spawn_app_with};
use crate::mailbox::Delivered;

/// HTML routes that write no audit entry on purpose, with the reason.
const EXEMPT: &[(&str, &str)] = &[
    (
        "POST /login",
        "signing in is recorded as a login attempt, not as a change",
    ),
    ("POST /logout", "ends the caller's own session only"),
    (
        "POST /actors/import",
        "stages an upload for its preview; the confirmation imports",
    ),
    (
        "POST /events/{id}/checkin/code",
        "looks a typed code up and redirects to its confirmation",
    ),
    (
        "POST /reports/import",
        "same domain function as POST /api/v1/reports/import",
    ),
    (
        "POST /events/{id}/notes.json",
        "same domain function as POST /api/v1/events/{id}/notes",
    ),
];
// `POST /setup` runs only on an empty database; it records (user, create) with the new admin as
// author, through the same `users::create_first_admin` as the shell: listed in SAME_AS_API.

/// HTML routes driven through their API twin (the same domain call, the same `Who` extractor).
const SAME_AS_API: &[(&str, &str)] = &[
    ("POST /events", "POST /api/v1/events"),
    ("POST /actors/{id}/erase", "POST /api/v1/actors/{id}/erase"),
    ("POST /events/{id}", "PATCH /api/v1/events/{id}"),
    ("POST /events/{id}/guests", "POST /api/v1/events/{id}/invitations"),
    (
        "POST /events/{id}/guests/{invitation}/delete",
        "DELETE /api/v1/events/{id}/invitations/{inv}",
    ),
    (
        "POST /events/{id}/invitations/send",
        "POST /api/v1/events/{id}/invitations/send",
    ),
    ("POST /events/{id}/checkin/marks", "POST /api/v1/events/{id}/attendance"),
    (
        "POST /events/{id}/checkin/guests/{invitation}",
        "POST /api/v1/events/{id}/attendance",
    ),
    (
        "POST /events/{id}/checkin/walk-in",
        "POST /api/v1/events/{id}/attendance",
    ),
    (
        "POST /events/{id}/checkin/walk-ins/{attendance}/undo",
        "POST /api/v1/events/{id}/attendance",
    ),
    (
        "POST /events/{id}/checkin/headcount",
        "POST /api/v1/events/{id}/attendance",
    ),
    ("POST /checkin/{code}", "POST /api/v1/events/{id}/attendance"),
    ("POST /events/{id}/notes", "POST /api/v1/events/{id}/notes"),
    ("POST /events/{id}/notes/{note}", "PUT /api/v1/events/{id}/notes/{note}"),
    ("PUT /events/{id}/notes/{note}", "PUT /api/v1/events/{id}/notes/{note}"),
    (
        "POST /events/{id}/notes/{note}/delete",
        "DELETE /api/v1/events/{id}/notes/{note}",
    ),
    ("POST /events/{id}/outcomes", "POST /api/v1/events/{id}/outcomes"),
    (
        "POST /events/{id}/outcomes/{outcome}",
        "PUT /api/v1/events/{id}/outcomes/{outcome}",
    ),
    ("POST /reports", "POST /api/v1/reports"),
    ("POST /reports/{id}/sections", "POST /api/v1/reports/{id}/sections"),
    (
        "POST /reports/{id}/sections/{section}/edit",
        "PUT /api/v1/reports/{id}/sections/{section}",
    ),
    (
        "POST /reports/{id}/sections/{section}/delete",
        "DELETE /api/v1/reports/{id}/sections/{section}",
    ),
    ("POST /reports/{id}/versions", "POST /api/v1/reports/{id}/versions"),
    ("POST /reports/{id}/review", "POST /api/v1/outcomes/{id}/decision"),
    ("POST /actors/invite", "POST /api/v1/events/{id}/invitations"),
    ("POST /events/{id}/status", "POST /api/v1/events/{id}/schedule"),
    ("POST /setup", "POST /admin/users"),
];

struct Walker<'a> {
    app: &'a TestApp,
    token: String,
    admin_id: i32,
    browser: Browser,
    driven: BTreeSet<String>,
}

impl Walker<'_> {
    async fn last_id(&self) -> i32 {
        audit_entry::Entity::find()
            .order_by_desc(audit_entry::Column::Id)
            .one(&self.app.db)
            .await
            .unwrap()
            .map_or(0, |e| e.id)
    }

    async fn entries_after(&self, id: i32) -> Vec<audit_entry::Model> {
        audit_entry::Entity::find()
            .filter(audit_entry::Column::Id.gt(id))
            .order_by_asc(audit_entry::Column::Id)
            .all(&self.app.db)
            .await
            .unwrap()
    }

    /// Checks the entries one step wrote: exactly `expected` (entity, action), all by `who_kind`.
    async fn check(&mut self, route: &str, before: i32, expected: &[(&str, &str)], who_kind: &str) {
        let written = self.entries_after(before).await;
        let got: Vec<(String, String)> = written.iter().map(|e| (e.entity.clone(), e.action.clone())).collect();
        let want: Vec<(String, String)> = expected.iter().map(|(e, a)| (e.to_string(), a.to_string())).collect();
        assert_eq!(got, want, "{route}: the audit entries written");
        for entry in &written {
            assert_eq!(entry.who_kind, who_kind, "{route}: who");
            if who_kind == "user" {
                assert_eq!(entry.user_id, Some(self.admin_id), "{route}: the acting user");
            }
            assert_eq!(entry.ip, "127.0.0.1", "{route}: from where");
            let changes = serde_json::from_str::<Value>(&entry.changes).expect("changes are JSON");
            // An edit's entry says what moved; a save that moved nothing writes none (other
            // actions are events in themselves and may carry no field).
            if entry.action == "update" {
                assert_ne!(changes, json!({}), "{route}: an update entry with no change");
            }
        }
        self.driven.insert(route.to_string());
    }

    /// One API call that must succeed and write `expected`; returns its JSON body (or null).
    async fn api(&mut self, route: &str, path: &str, body: Option<Value>, expected: &[(&str, &str)]) -> Value {
        let (method, _) = route.split_once(' ').unwrap();
        let before = self.last_id().await;
        let mut request = self.app.api(method.parse().unwrap(), path, Some(&self.token));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        assert!(status.is_success(), "{route} ({path}): {status} {text}");
        self.check(route, before, expected, "user").await;
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// One HTML form, submitted with the CSRF token of `form_page`, that must not be refused.
    async fn form(
        &mut self,
        route: &str,
        form_page: &str,
        action: &str,
        fields: &[(&str, &str)],
        expected: &[(&str, &str)],
    ) {
        let before = self.last_id().await;
        // Every form step confirms, as the person would on the confirmation page; forms that ask
        // nothing ignore the field.
        let mut fields = fields.to_vec();
        fields.push(("confirm", "yes"));
        let response = self.browser.submit(form_page, action, &fields).await;
        let status = response.status();
        assert!(
            status.is_success() || status.is_redirection(),
            "{route} ({action}): {status} {}",
            response.text().await.unwrap_or_default()
        );
        self.check(route, before, expected, "user").await;
    }
}

/// Every writing operation of the OpenAPI document, as `METHOD /path`.
async fn api_write_routes(app: &TestApp) -> BTreeSet<String> {
    let doc: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    let mut routes = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                routes.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    routes
}

/// Every HTML route with a POST, PUT or DELETE handler, read from the routers' source.
fn html_write_routes() -> BTreeSet<String> {
    fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(std::fs::read_to_string(path).unwrap());
            }
        }
    }
    let mut sources = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web"),
        &mut sources,
    );
    let mut routes = BTreeSet::new();
    for source in sources {
        for chunk in source.split(".route(").skip(1) {
            let Some(path) = chunk.strip_prefix('"').and_then(|c| c.split('"').next()) else {
                continue;
            };
            // The handlers of this route: up to the parenthesis that closes `.route(`.
            let mut depth = 1;
            let end = chunk
                .char_indices()
                .find(|&(_, c)| {
                    depth += match c {
                        '(' => 1,
                        ')' => -1,
                        _ => 0,
                    };
                    depth == 0
                })
                .map_or(chunk.len(), |(i, _)| i);
            let call = &chunk[..end];
            for (needle, method) in [("post(", "POST"), ("put(", "PUT"), ("delete(", "DELETE")] {
                let bare = call.match_indices(needle).any(|(i, _)| {
                    i == 0 || !call.as_bytes()[i - 1].is_ascii_alphanumeric() && call.as_bytes()[i - 1] != b'_'
                });
                if bare {
                    routes.insert(format!("{method} {path}"));
                }
            }
        }
    }
    routes
}

fn rsvp_token(raw: &str) -> String {
    let path = Delivered::parse(raw.as_bytes()).rsvp_path();
    path.trim_start_matches("/rsvp/").to_string()
}

#[tokio::test]
async fn every_route_that_changes_data_writes_its_audit_entries() {
    // No worker: queued messages keep their bodies, where the answer links are.
    let app = spawn_app_with(|s| s.run_worker = false).await;
    let admin = app.create_user("admin-walker@example.org", "admin").await;
    let token = toguna::domain::api_tokens::create(
        &app.db,
        admin.id,
        "walker",
        &toguna::domain::audit::Who::system("tests"),
    )
    .await
    .unwrap();
    let browser = app.new_browser();
    browser.login_ok(&admin.email).await;
    let mut w = Walker {
        app: &app,
        token,
        admin_id: admin.id,
        browser,
        driven: BTreeSet::new(),
    };
    walk_api(&mut w).await;
    walk_forms(&mut w).await;

    let mut uncovered = Vec::new();
    for route in api_write_routes(&app).await {
        if !w.driven.contains(&route) {
            uncovered.push(format!("{route} (API: add a `w.api` step in walk_api)"));
        }
    }
    for route in html_write_routes() {
        let known = w.driven.contains(&route)
            || EXEMPT.iter().any(|(r, _)| *r == route)
            || SAME_AS_API
                .iter()
                .any(|(r, api)| *r == route && w.driven.contains(*api));
        if !known {
            uncovered.push(format!(
                "{route} (HTML: add a `w.form` step in walk_forms, or list it in EXEMPT with the reason)"
            ));
        }
    }
    assert!(
        uncovered.is_empty(),
        "routes that change data but no step shows they write an audit entry:\n  {}",
        uncovered.join("\n  ")
    );
}

async fn walk_api(w: &mut Walker<'_>) {
    let venue = w
        .api(
            "POST /api/v1/venues",
            "/api/v1/venues",
            Some(json!({"name": "Salle A", "town": "Kayes"})),
            &[("venue", "create")],
        )
        .await;
    let venue_id = venue["id"].as_i64().unwrap();
    let path = format!("/api/v1/venues/{venue_id}");
    w.api(
        "PUT /api/v1/venues/{id}",
        &path,
        Some(json!({"name": "Salle B", "town": "Kayes"})),
        &[("venue", "update")],
    )
    .await;
    let spare = w
        .api(
            "POST /api/v1/venues",
            "/api/v1/venues",
            Some(json!({"name": "Salle C"})),
            &[("venue", "create")],
        )
        .await;
    let path = format!("/api/v1/venues/{}", spare["id"]);
    w.api("DELETE /api/v1/venues/{id}", &path, None, &[("venue", "delete")])
        .await;

    let actor = |name: &str, email: &str| {
        json!({"full_name": name, "category": "civil_society", "gender": "female", "town": "Kayes",
               "email": email, "consent_contact": true})
    };
    let awa = w
        .api(
            "POST /api/v1/actors",
            "/api/v1/actors",
            Some(actor("Awa Diarra", "awa@example.org")),
            &[("actor", "create")],
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/actors/{awa}");
    w.api(
        "PUT /api/v1/actors/{id}",
        &path,
        Some(actor("Awa Diarra", "awa.d@example.org")),
        &[("actor", "update")],
    )
    .await;
    let gone = w
        .api(
            "POST /api/v1/actors",
            "/api/v1/actors",
            Some(actor("Temporaire", "t@example.org")),
            &[("actor", "create")],
        )
        .await["id"]
        .as_i64()
        .unwrap();
    w.api(
        "DELETE /api/v1/actors/{id}",
        &format!("/api/v1/actors/{gone}"),
        None,
        &[("actor", "delete")],
    )
    .await;
    // The import speaks CSV: one entry for the whole file, with its counts.
    let before = w.last_id().await;
    let csv = "full_name,category,gender,town,email,consent_contact\nFanta Keita,civil_society,female,Kayes,fanta@example.org,yes\n";
    assert_eq!(w.app.import_csv(&w.token, csv).await.status(), StatusCode::CREATED);
    w.check(
        "POST /api/v1/actors/import",
        before,
        &[("actor_import", "import")],
        "user",
    )
    .await;

    let event = w
        .api(
            "POST /api/v1/events",
            "/api/v1/events",
            Some(
                json!({"kind": "dissemination_workshop", "title": "Restitution", "venue_id": venue_id,
                        "starts_at": "2030-06-10T09:00", "ends_at": "2030-06-10T17:00"}),
            ),
            &[("event", "create")],
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let e = format!("/api/v1/events/{event}");
    w.api(
        "PATCH /api/v1/events/{id}",
        &e,
        Some(json!({"title": "Restitution à Kayes"})),
        &[("event", "update")],
    )
    .await;
    w.api(
        "POST /api/v1/events/{id}/schedule",
        &format!("{e}/schedule"),
        None,
        &[("event", "status")],
    )
    .await;
    let fanta = toguna_actor_id(w.app, "Fanta Keita").await;
    w.api(
        "POST /api/v1/events/{id}/invitations",
        &format!("{e}/invitations"),
        Some(json!({"actor_ids": [awa, fanta]})),
        &[("event", "guests_add")],
    )
    .await;
    w.api(
        "POST /api/v1/events/{id}/invitations/send",
        &format!("{e}/invitations/send"),
        None,
        &[("event", "invitations_send")],
    )
    .await;
    let invitations = w
        .app
        .api(Method::GET, &format!("{e}/invitations"), Some(&w.token))
        .send()
        .await
        .unwrap();
    let invitations: Value = invitations.json().await.unwrap();
    let items = invitations["items"].as_array().unwrap();
    let inv_of = |actor: i64| {
        items.iter().find(|i| i["actor_id"] == actor).unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let (awa_inv, fanta_inv) = (inv_of(awa), inv_of(fanta));

    // The invitee answers through the link of their mail: the entry names the invitation, not a user.
    let body = outbox_message::Entity::find()
        .filter(outbox_message::Column::InvitationId.eq(awa_inv as i32))
        .one(&w.app.db)
        .await
        .unwrap()
        .unwrap()
        .body;
    let token = rsvp_token(&body);
    let visitor = w.app.new_browser();
    let page = format!("/rsvp/{token}");
    let before = w.last_id().await;
    let answered = visitor
        .submit(&page, &page, &[("response", "accepted"), ("comment", "")])
        .await;
    assert!(answered.status().is_redirection() || answered.status().is_success());
    w.check("POST /rsvp/{token}", before, &[("invitation", "answer")], "invitee")
        .await;
    let entry = w.entries_after(before).await.remove(0);
    assert_eq!(entry.invitation_id, Some(awa_inv as i32));
    let stored = w.entries_after(0).await;
    assert!(
        stored.iter().all(|e| !e.changes.contains(&token)),
        "the answer token never reaches the log"
    );

    w.api(
        "POST /api/v1/events/{id}/attendance",
        &format!("{e}/attendance"),
        Some(json!({"invitation_id": fanta_inv})),
        &[("event", "checkin")],
    )
    .await;
    w.api(
        "POST /api/v1/events/{id}/invitations/{inv}/refresh",
        &format!("{e}/invitations/{fanta_inv}/refresh"),
        None,
        &[("invitation", "refresh")],
    )
    .await;
    w.api(
        "DELETE /api/v1/events/{id}/invitations/{inv}",
        &format!("{e}/invitations/{awa_inv}"),
        None,
        &[("invitation", "delete")],
    )
    .await;

    let report = w
        .api(
            "POST /api/v1/reports",
            "/api/v1/reports",
            Some(json!({"title": "Rapport", "language": "fr",
                        "sections": [{"heading": "Constats", "kind": "finding", "body": "Texte."}]})),
            &[("report", "create")],
        )
        .await;
    let report_id = report["id"].as_i64().unwrap();
    w.api(
        "POST /api/v1/reports/import",
        "/api/v1/reports/import",
        Some(json!({"title": "Rapport importé", "language": "fr", "sections": []})),
        &[("report", "create")],
    )
    .await;
    let r = format!("/api/v1/reports/{report_id}");
    let section = w
        .api(
            "POST /api/v1/reports/{id}/sections",
            &format!("{r}/sections"),
            Some(json!({"heading": "Recommandations", "kind": "recommendation", "body": "À écrire."})),
            &[("section", "create")],
        )
        .await;
    let section_id = section["id"].as_i64().unwrap();
    w.api(
        "PUT /api/v1/reports/{id}/sections/{section}",
        &format!("{r}/sections/{section_id}"),
        Some(json!({"heading": "Recommandations", "kind": "recommendation", "body": "Écrit.", "version": 1})),
        &[("section", "update")],
    )
    .await;

    let n = format!("{e}/notes");
    let note = w
        .api(
            "POST /api/v1/events/{id}/notes",
            &n,
            Some(json!({"topic": "Sécurité", "speaker_category": "civil_society", "body": "Une note."})),
            &[("debate_note", "create")],
        )
        .await;
    let note_id = note["id"].as_i64().unwrap();
    w.api(
        "PUT /api/v1/events/{id}/notes/{note}",
        &format!("{n}/{note_id}"),
        Some(
            json!({"topic": "Sécurité", "speaker_category": "civil_society", "body": "Une note revue.", "version": 1}),
        ),
        &[("debate_note", "update")],
    )
    .await;
    w.api(
        "DELETE /api/v1/events/{id}/notes/{note}",
        &format!("{n}/{note_id}"),
        None,
        &[("debate_note", "delete")],
    )
    .await;
    let o = format!("{e}/outcomes");
    let outcome_body = json!({"kind": "amendment", "summary": "Des toilettes", "voiced_by": ["civil_society"],
                              "agreement": "consensus"});
    let outcome = w
        .api(
            "POST /api/v1/events/{id}/outcomes",
            &o,
            Some(outcome_body.clone()),
            &[("outcome", "create")],
        )
        .await;
    let outcome_id = outcome["id"].as_i64().unwrap();
    let mut update = outcome_body;
    update["summary"] = json!("Des toilettes séparées");
    update["version"] = json!(1);
    w.api(
        "PUT /api/v1/events/{id}/outcomes/{outcome}",
        &format!("{o}/{outcome_id}"),
        Some(update),
        &[("outcome", "update")],
    )
    .await;
    w.api(
        "POST /api/v1/outcomes/{id}/decision",
        &format!("/api/v1/outcomes/{outcome_id}/decision"),
        Some(json!({"decision": "rejected", "rationale": "Hors sujet."})),
        &[("outcome", "decide")],
    )
    .await;
    w.api(
        "POST /api/v1/reports/{id}/versions",
        &format!("{r}/versions"),
        Some(json!({"label": "V1"})),
        &[("report", "publish")],
    )
    .await;
    w.api(
        "DELETE /api/v1/reports/{id}/sections/{section}",
        &format!("{r}/sections/{section_id}"),
        None,
        &[("section", "delete")],
    )
    .await;
    // Organizer-side forms on the same event, before it is completed.
    let guests = format!("/events/{event}");
    let handover = format!("/events/{event}/guests/{fanta_inv}/handover");
    w.form(
        "POST /events/{id}/guests/{invitation}/handover",
        &guests,
        &handover,
        &[("channel", "letter"), ("date", "2030-06-01")],
        &[("invitation", "handover")],
    )
    .await;
    let answer = format!("/events/{event}/guests/{fanta_inv}/answer");
    w.form(
        "POST /events/{id}/guests/{invitation}/answer",
        &guests,
        &answer,
        &[("response", "declined"), ("via", "phone"), ("comment", "")],
        &[("invitation", "answer")],
    )
    .await;
    let resend = format!("/events/{event}/guests/{fanta_inv}/resend");
    w.form(
        "POST /events/{id}/guests/{invitation}/resend",
        &guests,
        &resend,
        &[],
        &[("invitation", "resend")],
    )
    .await;
    let paper = format!("/events/{event}/checkin/paper");
    w.form(
        "POST /events/{id}/checkin/paper",
        &paper,
        &paper,
        &[
            ("r.1.gender", "female"),
            ("r.1.age_group", "adult"),
            ("r.1.category", "media"),
        ],
        &[("event", "checkin")],
    )
    .await;
    let second = w
        .api(
            "POST /api/v1/reports/{id}/sections",
            &format!("{r}/sections"),
            Some(json!({"heading": "Annexe", "kind": "context", "body": "."})),
            &[("section", "create")],
        )
        .await["id"]
        .as_i64()
        .unwrap();
    w.form(
        "POST /reports/{id}/sections/{section}/move",
        &format!("/reports/{report_id}"),
        &format!("/reports/{report_id}/sections/{second}/move"),
        &[("direction", "up")],
        &[("section", "move")],
    )
    .await;
    // Confirming a staged CSV import (the upload itself only stages it).
    let csv = "full_name,category,gender,town\nOumar Sow,media,male,Kayes\n";
    let staged = toguna::domain::actors::csv_io::stage(&w.app.db, w.admin_id, "a.csv", csv.to_string())
        .await
        .unwrap();
    let preview = format!("/actors/import/{staged}");
    w.form(
        "POST /actors/import/{id}",
        &preview,
        &preview,
        &[("mode", "all")],
        &[("actor_import", "import")],
    )
    .await;
    w.api(
        "POST /api/v1/events/{id}/complete",
        &format!("{e}/complete"),
        None,
        &[("event", "status")],
    )
    .await;
    let other = w
        .api(
            "POST /api/v1/events",
            "/api/v1/events",
            Some(
                json!({"kind": "consultation", "title": "Annulée", "starts_at": "2030-07-10T09:00",
                        "ends_at": "2030-07-10T17:00"}),
            ),
            &[("event", "create")],
        )
        .await["id"]
        .as_i64()
        .unwrap();
    w.api(
        "POST /api/v1/events/{id}/cancel",
        &format!("/api/v1/events/{other}/cancel"),
        None,
        &[("event", "status")],
    )
    .await;
    // Last, since it anonymises someone the steps above used.
    w.api(
        "POST /api/v1/actors/{id}/erase",
        &format!("/api/v1/actors/{fanta}/erase"),
        None,
        &[("actor", "erase")],
    )
    .await;
}

async fn toguna_actor_id(app: &TestApp, name: &str) -> i64 {
    entity::actor::Entity::find()
        .filter(entity::actor::Column::FullName.eq(name))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the actor exists")
        .id as i64
}

async fn walk_forms(w: &mut Walker<'_>) {
    let venue_fields = [("name", "Maison des jeunes"), ("region", ""), ("town", "Ségou")];
    w.form(
        "POST /venues",
        "/venues/new",
        "/venues",
        &venue_fields,
        &[("venue", "create")],
    )
    .await;
    let venue = entity::venue::Entity::find()
        .filter(entity::venue::Column::Name.eq("Maison des jeunes"))
        .one(&w.app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let (page, path) = (format!("/venues/{venue}/edit"), format!("/venues/{venue}"));
    let fields = [
        ("name", "Maison des jeunes de Ségou"),
        ("region", ""),
        ("town", "Ségou"),
    ];
    w.form("POST /venues/{id}", &page, &path, &fields, &[("venue", "update")])
        .await;
    w.form(
        "POST /venues/{id}/delete",
        &path,
        &format!("{path}/delete"),
        &[],
        &[("venue", "delete")],
    )
    .await;

    let actor_fields = |name: &'static str| {
        [
            ("full_name", name),
            ("category", "youth_organization"),
            ("gender", "male"),
            ("age_group", "youth"),
            ("town", "Ségou"),
            ("language", "fr"),
        ]
    };
    w.form(
        "POST /actors",
        "/actors/new",
        "/actors",
        &actor_fields("Moussa Traoré"),
        &[("actor", "create")],
    )
    .await;
    w.form(
        "POST /actors",
        "/actors/new",
        "/actors",
        &actor_fields("Moussa Traore"),
        &[("actor", "create")],
    )
    .await;
    let kept = toguna_actor_id(w.app, "Moussa Traoré").await;
    let twin = toguna_actor_id(w.app, "Moussa Traore").await;
    let page = format!("/actors/{kept}");
    let mut edited = actor_fields("Moussa Traoré").to_vec();
    edited.push(("organization", "Jeunesse de Ségou"));
    w.form(
        "POST /actors/{id}",
        &format!("{page}/edit"),
        &page,
        &edited,
        &[("actor", "update")],
    )
    .await;
    let twin_s = twin.to_string();
    w.form(
        "POST /actors/{id}/merge",
        &page,
        &format!("{page}/merge"),
        &[("other_id", &twin_s)],
        &[("actor", "merge"), ("actor", "merged")],
    )
    .await;
    w.form(
        "POST /actors",
        "/actors/new",
        "/actors",
        &actor_fields("Sans histoire"),
        &[("actor", "create")],
    )
    .await;
    let lone = toguna_actor_id(w.app, "Sans histoire").await;
    w.form(
        "POST /actors/{id}/delete",
        &format!("/actors/{lone}"),
        &format!("/actors/{lone}/delete"),
        &[],
        &[("actor", "delete")],
    )
    .await;

    let fields = [
        ("email", "new@example.org"),
        ("name", "Nouvelle"),
        ("role", "viewer"),
        ("password", "correct horse battery staple 42"),
    ];
    w.form(
        "POST /admin/users",
        "/admin/users",
        "/admin/users",
        &fields,
        &[("user", "create")],
    )
    .await;
    let new_user = toguna::domain::users::find_by_email(&w.app.db, "new@example.org")
        .await
        .unwrap()
        .unwrap()
        .id;
    w.form(
        "POST /admin/users/{id}",
        "/admin/users",
        &format!("/admin/users/{new_user}"),
        &[("role", "editor"), ("active", "on")],
        &[("user", "update")],
    )
    .await;
    w.form(
        "POST /profile/tokens",
        "/profile",
        "/profile/tokens",
        &[("name", "script")],
        &[("api_token", "create")],
    )
    .await;
    let token_id = entity::api_token::Entity::find()
        .filter(entity::api_token::Column::Name.eq("script"))
        .one(&w.app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    w.form(
        "POST /profile/tokens/{id}/revoke",
        "/profile",
        &format!("/profile/tokens/{token_id}/revoke"),
        &[],
        &[("api_token", "revoke")],
    )
    .await;
    w.form(
        "POST /profile/calendar",
        "/profile",
        "/profile/calendar",
        &[],
        &[("user", "calendar_feed")],
    )
    .await;
    w.form(
        "POST /profile/calendar/revoke",
        "/profile",
        "/profile/calendar/revoke",
        &[],
        &[("user", "calendar_feed")],
    )
    .await;
    w.form(
        "POST /language",
        "/profile",
        "/language",
        &[("lang", "en")],
        &[("user", "language")],
    )
    .await;
    // An event of its own for the guest-row, letters and SMS forms.
    let event = w
        .app
        .scheduled_workshop(&w.token, "Atelier des formulaires", "Kayes")
        .await;
    let guest = toguna_actor_id(w.app, "Oumar Sow").await;
    let added = w
        .app
        .api_ok(
            Method::POST,
            &format!("/api/v1/events/{event}/invitations"),
            &w.token,
            json!({"actor_ids": [guest]}),
        )
        .await;
    assert_eq!(added["added"], 1);
    let inv = entity::invitation::Entity::find()
        .filter(entity::invitation::Column::EventId.eq(event as i32))
        .one(&w.app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    w.form(
        "POST /events/{id}/guests/{invitation}/channel",
        &format!("/events/{event}"),
        &format!("/events/{event}/guests/{inv}/channel"),
        &[("channel", "letter")],
        &[("invitation", "channel")],
    )
    .await;
    w.form(
        "POST /events/{id}/guests/{invitation}/refresh",
        &format!("/events/{event}"),
        &format!("/events/{event}/guests/{inv}/refresh"),
        &[],
        &[("invitation", "refresh")],
    )
    .await;
    w.form(
        "POST /events/{id}/sms/settings",
        &format!("/events/{event}/sms"),
        &format!("/events/{event}/sms/settings"),
        &[("segment_cap", "500")],
        &[("event", "sms_settings")],
    )
    .await;
    let admin_id = w.admin_id.to_string();
    w.form(
        "POST /events/{id}/organizer",
        &format!("/events/{event}/letters"),
        &format!("/events/{event}/organizer"),
        &[("organizer_id", &admin_id)],
        &[("event", "organizer")],
    )
    .await;
    w.form(
        "POST /profile/phone",
        "/profile",
        "/profile/phone",
        &[("phone", "+22376123456")],
        &[("user", "phone")],
    )
    .await;
    let new_password = "another long passphrase 2030";
    w.form(
        "POST /profile/password",
        "/profile",
        "/profile/password",
        &[
            ("current_password", crate::helpers::PASSWORD),
            ("new_password", new_password),
            ("new_password_confirm", new_password),
        ],
        &[("user", "password")],
    )
    .await;
}

#[tokio::test]
async fn passwords_tokens_and_hashes_never_reach_the_log() {
    let app = spawn_app_with(|_| {}).await;
    let (browser, admin) = app.browser_as("admin").await;
    let password = "un secret très long 4242";
    let created = browser
        .submit(
            "/admin/users",
            "/admin/users",
            &[
                ("email", "v@example.org"),
                ("name", "V"),
                ("role", "viewer"),
                ("password", password),
            ],
        )
        .await;
    assert!(created.status().is_redirection() || created.status().is_success());
    let new_password = "un autre secret long 2424";
    browser
        .submit(
            "/profile",
            "/profile/password",
            &[
                ("current_password", crate::helpers::PASSWORD),
                ("new_password", new_password),
                ("new_password_confirm", new_password),
            ],
        )
        .await;
    let page = browser
        .submit("/profile", "/profile/tokens", &[("name", "outil")])
        .await;
    let html = page.text().await.unwrap();
    let start = html.find("tgn_").expect("the new token is shown once");
    let token: String = html[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    assert!(token.len() > 20, "{token}");
    let token = Some(token);
    let entries = audit_entry::Entity::find().all(&app.db).await.unwrap();
    let users = entity::user::Entity::find().all(&app.db).await.unwrap();
    let hashes: Vec<String> = users.iter().map(|u| u.password_hash.clone()).collect();
    assert!(entries.len() >= 3, "account, password and token changes are logged");
    for entry in &entries {
        for secret in [password, new_password, crate::helpers::PASSWORD] {
            assert!(!entry.changes.contains(secret), "a password in {entry:?}");
        }
        for hash in &hashes {
            assert!(!entry.changes.contains(hash.as_str()), "a password hash in {entry:?}");
        }
        if let Some(token) = &token {
            assert!(!entry.changes.contains(token.as_str()), "an API token in {entry:?}");
        }
        assert!(!entry.changes.contains("password_hash") && !entry.changes.contains("token_hash"));
    }
    let password_entry = entries
        .iter()
        .find(|e| e.action == "password")
        .expect("the change is logged");
    assert_eq!(password_entry.user_id, Some(admin.id));
}

#[tokio::test]
async fn admins_filter_and_page_the_log_and_nobody_else_reads_it() {
    let app = spawn_app_with(|_| {}).await;
    let admin = app.api_token_for("admin");
    let admin = admin.await;
    let organizer = app.create_user("org-audit@example.org", "organizer").await;
    let org_token =
        toguna::domain::api_tokens::create(&app.db, organizer.id, "t", &toguna::domain::audit::Who::system("tests"))
            .await
            .unwrap();
    let mut ids = Vec::new();
    for i in 0..3 {
        let venue = app
            .api_ok(
                Method::POST,
                "/api/v1/venues",
                &org_token,
                json!({"name": format!("Salle {i}")}),
            )
            .await;
        ids.push(venue["id"].as_i64().unwrap());
    }
    app.api_ok(
        Method::PUT,
        &format!("/api/v1/venues/{}", ids[0]),
        &org_token,
        json!({"name": "Salle zéro"}),
    )
    .await;

    // One venue's history, newest first.
    let page = app
        .api_ok(
            Method::GET,
            &format!("/api/v1/audit?entity=venue&id={}", ids[0]),
            &admin,
            Value::Null,
        )
        .await;
    assert_eq!(page["total"], 2);
    let actions: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["update", "create"]);
    assert_eq!(page["items"][0]["changes"]["name"], json!(["Salle 0", "Salle zéro"]));
    assert_eq!(page["items"][0]["user_id"], organizer.id);
    assert_eq!(page["items"][0]["user_name"], "Test organizer");

    // By user (id or email), by action, paged.
    let by_user = app
        .api_ok(
            Method::GET,
            "/api/v1/audit?user=org-audit@example.org&per_page=2&page=2",
            &admin,
            Value::Null,
        )
        .await;
    assert_eq!(
        (by_user["total"].as_u64(), by_user["items"].as_array().unwrap().len()),
        (Some(4), 2)
    );
    let creates = app
        .api_ok(
            Method::GET,
            &format!("/api/v1/audit?user={}&action=create", organizer.id),
            &admin,
            Value::Null,
        )
        .await;
    assert_eq!(creates["total"], 3);
    // Dates: today is in, tomorrow is not.
    let today = chrono::Utc::now().date_naive();
    let tomorrow = today.succ_opt().unwrap();
    let dated = app
        .api_ok(
            Method::GET,
            &format!("/api/v1/audit?entity=venue&from={today}&to={today}"),
            &admin,
            Value::Null,
        )
        .await;
    assert_eq!(dated["total"], 4);
    let later = app
        .api_ok(
            Method::GET,
            &format!("/api/v1/audit?entity=venue&from={tomorrow}"),
            &admin,
            Value::Null,
        )
        .await;
    assert_eq!(later["total"], 0);

    // Bad filters name their field; non-admins are refused.
    let bad = app
        .api_refused(
            Method::GET,
            "/api/v1/audit?from=yesterday",
            &admin,
            Value::Null,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert!(bad["error"]["fields"]["from"].is_string(), "{bad}");
    let bad = app
        .api_refused(
            Method::GET,
            "/api/v1/audit?user=nobody@example.org",
            &admin,
            Value::Null,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert!(bad["error"]["fields"]["user"].is_string(), "{bad}");
    app.api_refused(
        Method::GET,
        "/api/v1/audit",
        &org_token,
        Value::Null,
        StatusCode::FORBIDDEN,
    )
    .await;

    // The HTML page: the same filters, links from the venue's entries, 403 for others.
    let (browser, _) = app.browser_as("admin").await;
    let html = browser
        .get(&format!("/admin/audit?entity=venue&id={}", ids[0]))
        .await
        .text()
        .await
        .unwrap();
    let rows = crate::helpers::attrs(&html, "tr.audit-entry", "data-action");
    assert_eq!(rows, ["update", "create"]);
    assert!(html.contains("Salle zéro"));
    let (viewer, _) = app.browser_as("organizer").await;
    assert_eq!(viewer.get("/admin/audit").await.status(), StatusCode::FORBIDDEN);
    // The actor and event pages link to their history for admins.
    let actor = app
        .api_ok(
            Method::POST,
            "/api/v1/actors",
            &org_token,
            json!({"full_name": "Awa", "category": "media", "gender": "female", "town": "Kayes"}),
        )
        .await;
    let page = browser
        .get(&format!("/actors/{}", actor["id"]))
        .await
        .text()
        .await
        .unwrap();
    let links = crate::helpers::hrefs(&page, "a.history");
    assert_eq!(links, [format!("/admin/audit?entity=actor&id={}", actor["id"])]);
}

#[tokio::test]
async fn saving_without_changing_anything_writes_no_entry() {
    let app = spawn_app_with(|_| {}).await;
    let token = app.api_token_for("organizer").await;
    let venue = app
        .api_ok(
            Method::POST,
            "/api/v1/venues",
            &token,
            json!({"name": "Salle A", "town": "Kayes"}),
        )
        .await;
    let actor = json!({"full_name": "Awa Diarra", "category": "civil_society", "gender": "female",
                       "town": "Kayes", "email": "awa@example.org"});
    let awa = app.api_ok(Method::POST, "/api/v1/actors", &token, actor.clone()).await["id"].clone();
    let event = app.scheduled_workshop(&token, "Restitution", "Kayes").await;
    let (browser, _) = app.browser_as("organizer").await;
    let count = || async { app.count(audit_entry::Entity).await };
    let before = count().await;

    // The same values saved again, through the API and through the edit form.
    app.api_ok(
        Method::PUT,
        &format!("/api/v1/venues/{}", venue["id"]),
        &token,
        json!({"name": "Salle A", "town": "Kayes"}),
    )
    .await;
    app.api_ok(Method::PUT, &format!("/api/v1/actors/{awa}"), &token, actor)
        .await;
    app.api_ok(
        Method::PATCH,
        &format!("/api/v1/events/{event}"),
        &token,
        json!({"title": "Restitution"}),
    )
    .await;
    let edit = format!("/actors/{awa}/edit");
    let html = browser.get(&edit).await.text().await.unwrap();
    let filled = crate::helpers::form_fields(&html, "main form.stack");
    let fields: Vec<(&str, &str)> = filled.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let saved = browser.submit(&edit, &format!("/actors/{awa}"), &fields).await;
    assert!(saved.status().is_redirection(), "{}", saved.status());
    let written = audit_entry::Entity::find()
        .order_by_asc(audit_entry::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .split_off(before as usize);
    assert!(
        written.is_empty(),
        "no entry for a save that changed nothing: {written:?}"
    );

    // A real change is still recorded, with only what moved.
    app.api_ok(
        Method::PUT,
        &format!("/api/v1/venues/{}", venue["id"]),
        &token,
        json!({"name": "Salle B", "town": "Kayes"}),
    )
    .await;
    assert_eq!(count().await, before + 1);
    let last = audit_entry::Entity::find()
        .order_by_desc(audit_entry::Column::Id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(last.action, "update");
    assert_eq!(
        serde_json::from_str::<Value>(&last.changes).unwrap(),
        json!({"name": ["Salle A", "Salle B"]})
    );
}
