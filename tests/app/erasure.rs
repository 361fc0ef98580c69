//! Personal data under the person's control: an admin exports everything held on an actor, then
//! erases it; the name is then nowhere (database, exports, outbox files, logs) and the counts stay.

use std::cell::RefCell;
use std::sync::{Arc, Mutex, OnceLock};

use reqwest::{Method, StatusCode};
use sea_orm::{DbBackend, FromQueryResult, JsonValue, Statement};
use serde_json::{Value, json};
use tracing_subscriber::layer::SubscriberExt;

use crate::checkin::{event_day, mark};
use crate::helpers::{TestApp, api_error, spawn_app, texts};
use crate::mailbox::wait_for_files;

const NAME: &str = "Zeinabou Kouyaté";
const EMAIL: &str = "zeinabou.kouyate@example.org";
const PHONE: &str = "+22376123456";

/// Log lines written on the capturing thread while its capture lives (the test runtime runs the
/// server too).
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

thread_local! {
    /// Where this thread's log lines go, while a story on it captures them.
    static CAPTURE: RefCell<Option<Captured>> = const { RefCell::new(None) };
}

/// Writes a formatted line into the current thread's capture, if it has one.
struct ThreadCapture;

impl std::io::Write for ThreadCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        CAPTURE.with(|capture| {
            if let Some(captured) = capture.borrow().as_ref() {
                captured.0.lock().unwrap().extend_from_slice(buf);
            }
        });
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capturing_here() -> bool {
    CAPTURE.with(|capture| capture.borrow().is_some())
}

/// Ends the capture of this thread when dropped.
struct Capture;

impl Drop for Capture {
    fn drop(&mut self) {
        CAPTURE.with(|capture| capture.borrow_mut().take());
    }
}

/// Everything logged at any level on this thread until the capture drops.
///
/// One global subscriber for the test binary, installed on first use, asks on every event
/// whether the thread logging it captures. Whatever decides must not be cached per callsite:
/// tracing keeps one interest per callsite for the whole process, and the story that meets a
/// callsite first (often on another thread, without a capture) would decide for all. That is
/// how the server's request lines went missing in full runs, with a subscriber set per thread.
fn capture_logs() -> (Captured, Capture) {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let lines = tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .with_writer(|| ThreadCapture);
        let subscriber = tracing_subscriber::registry()
            .with(lines)
            // `dynamic_filter_fn`, not `filter_fn`: the latter caches its first answer per callsite
            // ("never" when a story without a capture met the callsite first).
            .with(tracing_subscriber::filter::dynamic_filter_fn(|_, _| capturing_here()));
        tracing::subscriber::set_global_default(subscriber).expect("no other global subscriber");
    });
    let logs = Captured::default();
    CAPTURE.with(|capture| *capture.borrow_mut() = Some(logs.clone()));
    (logs, Capture)
}

/// Every row of every table as JSON text: the dump the name must not appear in.
async fn dump(app: &TestApp) -> String {
    let backend = app.db.get_database_backend();
    let tables_sql = match backend {
        DbBackend::Postgres => "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'",
        _ => "SELECT name FROM sqlite_master WHERE type = 'table'",
    };
    let tables = JsonValue::find_by_statement(Statement::from_string(backend, tables_sql))
        .all(&app.db)
        .await
        .unwrap();
    assert!(tables.len() > 10, "{tables:?}");
    let mut out = String::new();
    for table in tables {
        let name = table["name"].as_str().unwrap().to_string();
        // As text, whatever the column types: PostgreSQL casts the whole row.
        let sql = match backend {
            DbBackend::Postgres => format!("SELECT CAST(t AS TEXT) AS row FROM \"{name}\" t"),
            _ => format!("SELECT * FROM \"{name}\""),
        };
        let rows = JsonValue::find_by_statement(Statement::from_string(backend, sql))
            .all(&app.db)
            .await
            .unwrap();
        out.push_str(&format!("{name}: {}\n", serde_json::to_string(&rows).unwrap()));
    }
    out
}

fn outbox_text(app: &TestApp) -> String {
    let mut out = String::new();
    for entry in std::fs::read_dir(app.outbox_dir()).unwrap() {
        let path = entry.unwrap().path();
        out.push_str(&String::from_utf8_lossy(&std::fs::read(path).unwrap()));
    }
    out
}

fn mentions(text: &str) -> Vec<&'static str> {
    let lower = text.to_lowercase();
    [NAME, EMAIL, PHONE, "76 12 34 56"]
        .into_iter()
        .filter(|needle| text.contains(needle) || lower.contains(&needle.to_lowercase()))
        .collect()
}

#[tokio::test]
async fn an_erased_actor_is_nowhere_while_the_counts_of_the_event_stay() {
    let (logs, _capture) = capture_logs();

    let app = spawn_app().await;
    let day = event_day(&app, 8, "Restitution à Kayes").await;
    let token = day.token.clone();
    let person = app
        .api_ok(
            Method::POST,
            "/api/v1/actors",
            &token,
            json!({"full_name": NAME, "category": "women_organization", "gender": "female", "age_group": "adult",
                   "region": "Kayes", "town": "Kita", "email": EMAIL, "phone": "+223 76 12 34 56",
                   "consent_contact": true, "notes": format!("Présidente, joindre {NAME} le soir")}),
        )
        .await;
    let actor_id = person["id"].as_i64().unwrap();
    let path = format!("/api/v1/events/{}/invitations", day.event_id);
    app.api_ok(Method::POST, &path, &token, json!({"actor_ids": [actor_id]}))
        .await;
    assert!(app.send_invitations(&token, day.event_id).await >= 1);
    let sent = wait_for_files(&app.outbox_dir(), 1).await;
    assert!(!sent.is_empty());
    let listed = app
        .api_ok(Method::GET, &format!("{path}?per_page=200"), &token, json!({}))
        .await;
    let invitation = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["actor_id"] == actor_id)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    for id in day.guests.iter().take(5).map(|g| g.0).chain([invitation]) {
        let body = json!({"invitation_id": id, "client_id": uuid::Uuid::new_v4().to_string()});
        assert!(mark(&app, &day, body).await.status().is_success());
    }
    let rapporteur = app.api_token_for("rapporteur").await;
    app.api_ok(
        Method::POST,
        &format!("/api/v1/events/{}/notes", day.event_id),
        &rapporteur,
        json!({"topic": "Confiance", "body": format!("{NAME} raconte la nuit du contrôle."),
               "speaker_category": "women_organization", "speaker_name": NAME, "speaker_agreed": true}),
    )
    .await;
    let complete = format!("/api/v1/events/{}/complete", day.event_id);
    app.api_ok(Method::POST, &complete, &token, json!({})).await;
    let summary_path = format!("/api/v1/events/{}/attendance/summary", day.event_id);
    let summary_of = |app: &TestApp| {
        let request = app.api(Method::GET, &summary_path, Some(&token));
        async move { request.send().await.unwrap().text().await.unwrap() }
    };
    let counts_before = summary_of(&app).await;
    assert!(counts_before.contains("\"present\":6"), "{counts_before}");

    // Access: the admin's file holds every kind of record; nobody else may have it.
    let admin = app.api_token_for("admin").await;
    let export_path = format!("/api/v1/actors/{actor_id}/export");
    let refused = app.api(Method::GET, &export_path, Some(&token)).send().await.unwrap();
    assert_eq!(api_error(refused).await.status, StatusCode::FORBIDDEN);
    let file = app.api(Method::GET, &export_path, Some(&admin)).send().await.unwrap();
    assert_eq!(file.status(), StatusCode::OK);
    let file: Value = file.json().await.unwrap();
    let sections = &file["sections"];
    assert_eq!(sections["actor"]["full_name"], NAME);
    assert_eq!(sections["actor"]["email"], EMAIL);
    assert_eq!(sections["invitations"].as_array().unwrap().len(), 1);
    assert_eq!(sections["attendance"].as_array().unwrap().len(), 1);
    assert_eq!(sections["debate_notes"][0]["speaker_name"], NAME);
    assert!(!sections["outbox_messages"].as_array().unwrap().is_empty(), "{file}");
    assert!(
        sections["invitations"][0].get("rsvp_token_hash").is_none(),
        "no secret in the file"
    );
    assert!(
        mentions(&dump(&app).await).contains(&NAME),
        "the dump walk does see names"
    );

    // Erasure from the actor page: the button leads to a page that asks first.
    let (browser, _) = app.browser_as("admin").await;
    let page = browser.get(&format!("/actors/{actor_id}")).await.text().await.unwrap();
    assert!(
        texts(&page, ".privacy-actions a").len() == 2,
        "export and erase buttons"
    );
    let ask = browser
        .get(&format!("/actors/{actor_id}/erase"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(texts(&ask, ".erase-who strong"), [NAME]);
    let erased = browser
        .submit(
            &format!("/actors/{actor_id}/erase"),
            &format!("/actors/{actor_id}/erase"),
            &[],
        )
        .await;
    assert_eq!(erased.status(), StatusCode::SEE_OTHER);

    assert_eq!(
        summary_of(&app).await,
        counts_before,
        "the event's counts are unchanged"
    );
    let db = dump(&app).await;
    assert_eq!(mentions(&db), Vec::<&str>::new(), "{db}");
    assert!(db.contains("actor_erasures"), "the erasure is recorded");
    let again = app.api(Method::GET, &export_path, Some(&admin)).send().await.unwrap();
    let again = again.text().await.unwrap();
    assert_eq!(mentions(&again), Vec::<&str>::new(), "{again}");
    assert!(
        again.contains("anonymised") && again.contains("rows_anonymised"),
        "{again}"
    );
    let files = outbox_text(&app);
    assert_eq!(mentions(&files), Vec::<&str>::new());
    let page = browser.get(&format!("/actors/{actor_id}")).await.text().await.unwrap();
    assert_eq!(mentions(&page), Vec::<&str>::new());
    let refused = app
        .api(Method::POST, &format!("/api/v1/actors/{actor_id}/erase"), Some(&admin))
        .send()
        .await
        .unwrap();
    assert_eq!(api_error(refused).await.status, StatusCode::CONFLICT);
    let logged = logs.text();
    assert!(
        logged.contains("Applying"),
        "the start-up lines were captured: {logged:.200}"
    );
    assert!(
        logged.contains("request"),
        "the server's request lines were captured: {logged:.300}"
    );
    assert_eq!(mentions(&logged), Vec::<&str>::new(), "{logged}");
}

#[tokio::test]
async fn logs_carry_no_answer_token_and_viewers_exports_carry_no_contact_details() {
    let (logs, _capture) = capture_logs();
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    let event = app.workshop_with_guests(&token, 2).await;
    assert_eq!(app.send_invitations(&token, event).await, 2);
    let mails = wait_for_files(&app.outbox_dir(), 2).await;
    let link = mails[0]
        .text
        .split_whitespace()
        .find(|w| w.contains("/rsvp/"))
        .expect("an answer link")
        .to_string();
    let secret = link.rsplit('/').next().unwrap().trim_end_matches(['>', '.', ')']);
    let path = format!("/rsvp/{secret}");
    assert_eq!(app.get(&path).await.status(), StatusCode::OK);
    let logged = logs.text();
    assert!(logged.contains("/rsvp/"), "the request was logged: {logged:.300}");
    assert!(!logged.contains(secret), "the token is masked in the logs");
    assert!(!logged.contains("guest0@example.org"), "no email in the logs");

    let (viewer, _) = app.browser_as("viewer").await;
    let csv = viewer.get("/actors/export.csv").await.text().await.unwrap();
    assert!(
        csv.contains("Invitée 0") && !csv.contains("guest0@example.org"),
        "{csv}"
    );
    let (organizer, _) = app.browser_as("organizer").await;
    let csv = organizer.get("/actors/export.csv").await.text().await.unwrap();
    assert!(
        csv.contains("guest0@example.org"),
        "organizers keep the contacts: {csv}"
    );
}
