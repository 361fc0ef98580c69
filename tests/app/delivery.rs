//! Delivery through a real SMTP server: faults lose nothing, permanent refusals are shown.

use std::collections::HashMap;
use std::time::Duration;

use entity::{invitation, outbox_message};
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app_with, texts};
use crate::invitations::{assert_calendar_mail, campaign, send};
use crate::mailbox::Delivered;
use crate::smtp::SmtpServer;

async fn app_sending_to(server: &SmtpServer) -> TestApp {
    let url = server.url();
    spawn_app_with(move |s| s.smtp_url = Some(url)).await
}

#[tokio::test]
async fn invitations_sent_over_smtp_arrive_as_calendar_invitations() {
    let server = SmtpServer::start().await;
    let app = app_sending_to(&server).await;
    let c = campaign(&app, "2030-06-10T09:00:00+00:00").await;
    send(&app, &c).await;
    let received = server.wait_for(2, Duration::from_secs(10)).await;
    for mail in &received {
        assert_eq!(mail.from, "toguna@example.org", "bounces come back to the service");
        let parsed = Delivered::parse(&mail.data);
        assert_eq!(mail.to, std::slice::from_ref(&parsed.to));
        assert_calendar_mail(&parsed, "REQUEST");
    }
}

#[tokio::test]
async fn messages_wait_while_the_mail_server_is_down_and_all_arrive_once_it_is_back() {
    let mut server = SmtpServer::start().await;
    let app = app_sending_to(&server).await;
    let c = campaign(&app, "2030-06-10T09:00:00+00:00").await;
    server.stop().await;
    send(&app, &c).await;

    // The worker tries, fails, and keeps the messages with the error for a later attempt.
    let mut waiting = Vec::new();
    for _ in 0..100 {
        waiting = outbox_message::Entity::find().all(&app.db).await.unwrap();
        if waiting.iter().all(|m| m.attempts >= 1 && !m.last_error.is_empty()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(waiting.len(), 2);
    assert!(
        waiting
            .iter()
            .all(|m| m.status != "sent" && m.status != "failed" && !m.last_error.is_empty()),
        "{waiting:?}"
    );
    assert!(server.messages().is_empty());

    server.restart().await;
    let received = server.wait_for(2, Duration::from_secs(15)).await;
    let mut recipients: Vec<String> = received.iter().flat_map(|m| m.to.clone()).collect();
    recipients.sort();
    assert_eq!(
        recipients,
        ["aissata.ndiaye@example.org", "awa.coulibaly@example.org"],
        "each once"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(server.messages().len(), 2, "nothing sent twice");
}

#[tokio::test]
async fn a_permanent_refusal_marks_that_invitation_failed_with_the_servers_words() {
    let server = SmtpServer::start().await;
    server.reject_recipient("aissata.ndiaye@example.org");
    let app = app_sending_to(&server).await;
    let c = campaign(&app, "2030-06-10T09:00:00+00:00").await;
    send(&app, &c).await;
    let received = server.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(received[0].to, ["awa.coulibaly@example.org"]);

    let mut failed = None;
    for _ in 0..100 {
        failed = invitation::Entity::find()
            .filter(invitation::Column::EventId.eq(c.event_id as i32))
            .filter(invitation::Column::Delivery.eq("failed"))
            .one(&app.db)
            .await
            .unwrap();
        if failed.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let failed = failed.expect("the refused invitation is marked failed");
    assert_eq!(failed.actor_id as i64, c.guests[1]);
    let message = outbox_message::Entity::find()
        .filter(outbox_message::Column::Status.eq("failed"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(message.attempts, 1, "a 5xx is not retried");

    app.login_as("viewer").await;
    let page = app.get(&format!("/events/{}", c.event_id)).await.text().await.unwrap();
    let shown = texts(&page, ".server-error");
    assert!(
        shown
            .iter()
            .any(|t| t.contains("550") && t.contains("mailbox unavailable")),
        "{shown:?}"
    );
    assert_eq!(texts(&page, "#progress-failed"), ["1"]);
    assert_eq!(texts(&page, "#progress-sent"), ["1"]);
}

/// Spawns the real `toguna` binary on the test's database, sending to the test's SMTP server.
fn spawn_process(
    app: &TestApp,
    server: &SmtpServer,
    data_dir: &std::path::Path,
    lease_seconds: u32,
) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_toguna"))
        .env("DATABASE_URL", app.database_url())
        .env("TOGUNA_BIND", "127.0.0.1:0")
        .env("TOGUNA_DATA_DIR", data_dir)
        .env("TOGUNA_SMTP_URL", server.url())
        .env("TOGUNA_MAIL_FROM", "Toguna <toguna@example.org>")
        .env("TOGUNA_MAIL_CONCURRENCY", "4")
        .env("TOGUNA_MAIL_LEASE_SECONDS", lease_seconds.to_string())
        .env("TOGUNA_MAIL_RETRY_SECONDS", "0.2")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(
            std::fs::File::create(data_dir.join("toguna.log"))
                .map(std::process::Stdio::from)
                .unwrap_or_else(|_| std::process::Stdio::null()),
        )
        .spawn()
        .expect("the toguna binary starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_in_the_middle_of_500_invitations_delivers_them_all_after_a_restart() {
    let server = SmtpServer::start().await;
    // This process only queues; a separate `toguna` process delivers and is killed.
    let app = spawn_app_with(|s| s.run_worker = false).await;
    let token = app.api_token_for("organizer").await;
    let mut csv = String::from("full_name,category,gender,town,email,consent_contact\n");
    for i in 0..500 {
        csv.push_str(&format!(
            "Invitée {i},civil_society,female,Kayes,guest{i}@example.org,yes\n"
        ));
    }
    assert_eq!(app.import_csv(&token, &csv).await.status(), StatusCode::CREATED);
    let post = |path: String, body: Value| {
        let request = app.api(Method::POST, &path, Some(&token)).json(&body);
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let event = post(
        "/api/v1/events".into(),
        json!({"kind": "dissemination_workshop", "title": "Restitution à Kayes",
        "starts_at": "2030-06-10T09:00", "ends_at": "2030-06-10T17:00"}),
    )
    .await;
    let id = event["id"].as_i64().unwrap();
    post(format!("/api/v1/events/{id}/schedule"), json!({})).await;
    post(format!("/api/v1/events/{id}/invitations"), json!({"filter": {}})).await;
    let queued = post(format!("/api/v1/events/{id}/invitations/send"), json!({})).await;
    assert_eq!(queued["queued"], 500);

    let data_dir = tempfile::tempdir().unwrap();
    let mut first = spawn_process(&app, &server, data_dir.path(), 2);
    server.wait_for(100, Duration::from_secs(60)).await;
    first.kill().expect("SIGKILL");
    first.wait().unwrap();
    let at_kill = server.messages().len();
    assert!(at_kill < 500, "killed in the middle ({at_kill} delivered)");

    let mut second = spawn_process(&app, &server, data_dir.path(), 2);
    let mut per_recipient: HashMap<String, usize> = HashMap::new();
    for _ in 0..600 {
        per_recipient.clear();
        for mail in server.messages() {
            for to in mail.to {
                *per_recipient.entry(to).or_default() += 1;
            }
        }
        if per_recipient.len() == 500 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    second.kill().ok();
    second.wait().ok();
    assert_eq!(per_recipient.len(), 500, "every invitee received the invitation");
    let duplicates: usize = per_recipient.values().map(|n| n - 1).sum();
    assert!(
        duplicates <= 4,
        "{duplicates} duplicates; at most the worker's concurrency (4) may be in flight at a kill"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_delivering_side_by_side_send_each_invitation_exactly_once() {
    let server = SmtpServer::start().await;
    let url = server.url();
    // This process delivers too, beside a second `toguna` process on the same database. Leases
    // are long here: a message may be taken over only after its worker died, which this test
    // is not about (the test process also runs the SMTP server and can stall it for a moment).
    let app = spawn_app_with(move |s| {
        s.smtp_url = Some(url);
        s.outbox.lease = Duration::from_secs(60);
    })
    .await;
    // PostgreSQL is where several instances run in production: a thousand there; on SQLite
    // fewer, to keep the suite fast.
    let guests = if app.database_url().starts_with("postgres") {
        1000
    } else {
        300
    };
    let token = app.api_token_for("organizer").await;
    let id = app.workshop_with_guests(&token, guests).await;

    let data_dir = tempfile::tempdir().unwrap();
    let mut other = spawn_process(&app, &server, data_dir.path(), 60);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(app.send_invitations(&token, id).await, guests as u64);
    server.wait_for(guests, Duration::from_secs(120)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    other.kill().ok();
    other.wait().ok();
    let mut recipients: Vec<String> = server.messages().into_iter().flat_map(|m| m.to).collect();
    let total = recipients.len();
    recipients.sort();
    recipients.dedup();
    let log = std::fs::read_to_string(data_dir.path().join("toguna.log")).unwrap_or_default();
    assert_eq!(
        (total, recipients.len()),
        (guests, guests),
        "each invitee exactly once; other process said: {log}"
    );
    let unsent = outbox_message::Entity::find()
        .filter(outbox_message::Column::Status.ne("sent"))
        .all(&app.db)
        .await
        .unwrap();
    assert!(unsent.is_empty(), "every message is recorded as sent: {unsent:?}");
}
