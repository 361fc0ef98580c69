//! Bad days: a delivery that panics, a mail server that hangs, many answers at once, several workers.

use std::time::Duration;

use entity::invitation;
use futures_util::future::join_all;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

use crate::helpers::{spawn_app, spawn_app_with};
use crate::invitations::{campaign, send};
use crate::mailbox::wait_for_files;

/// Polls `check` every 50 ms for up to `seconds`, returning its first `Some`.
async fn eventually<T, F, Fut>(seconds: u64, mut check: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    for _ in 0..seconds * 20 {
        if let Some(found) = check().await {
            return Some(found);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    None
}

#[cfg(debug_assertions)]
#[tokio::test]
async fn the_worker_survives_a_delivery_that_panics_and_keeps_delivering_the_others() {
    use entity::outbox_message;
    use reqwest::Method;

    use crate::smtp::SmtpServer;

    let server = SmtpServer::start().await;
    let url = server.url();
    let app = spawn_app_with(move |s| {
        s.smtp_url = Some(url);
        // Awa's message is the first of the batch: before the fix its panic killed the worker.
        s.outbox.panic_for_recipient = Some("awa.coulibaly@example.org".into());
    })
    .await;
    let c = campaign(&app, "2030-06-10T09:00:00+00:00").await;
    send(&app, &c).await;

    let received = server.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(received[0].to, ["aissata.ndiaye@example.org"]);

    // Awa's message stays queued with the panic as its error, and is tried again later.
    let awa = eventually(10, || async {
        outbox_message::Entity::find()
            .filter(outbox_message::Column::Recipient.eq("awa.coulibaly@example.org"))
            .one(&app.db)
            .await
            .unwrap()
            .filter(|m| m.attempts >= 2)
    })
    .await
    .expect("the message that panicked is retried");
    assert!(awa.status == "pending" || awa.status == "sending", "{awa:?}");
    assert!(awa.last_error.contains("panicked"), "{awa:?}");

    // The loop goes on: moving the event sends Aïssata her update.
    let moved = app
        .api(Method::PATCH, &format!("/api/v1/events/{}", c.event_id), Some(&c.token))
        .json(&json!({"starts_at": "2030-06-11T09:00:00+00:00", "ends_at": "2030-06-11T17:00:00+00:00"}))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), StatusCode::OK);
    let received = server.wait_for(2, Duration::from_secs(10)).await;
    assert_eq!(received[1].to, ["aissata.ndiaye@example.org"]);

    let (status, health) = app.health().await;
    assert_eq!(status, StatusCode::OK, "{health}");
    assert_eq!(health["status"], "ok");
    assert_eq!(health["worker"]["state"], "running", "{health}");
    assert!(health["worker"]["panics"].as_u64().unwrap() >= 2, "{health}");
    assert!(health["worker"]["last_cycle_at"].is_string(), "{health}");
}

#[tokio::test]
async fn a_worker_stuck_on_a_silent_mail_server_shows_as_degraded_in_the_health_check() {
    // A mail server that accepts connections and never says a word: every send hangs.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = silent.local_addr().unwrap().port();
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            open.push(socket);
        }
    });
    let app = spawn_app_with(move |s| {
        s.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        s.outbox.stall_after = Duration::from_secs(1);
    })
    .await;
    let (status, health) = app.health().await;
    assert_eq!((status, &health["status"]), (StatusCode::OK, &json!("ok")), "{health}");
    assert_eq!(health["worker"]["messages_due"], 0, "{health}");

    let c = campaign(&app, "2030-06-10T09:00:00+00:00").await;
    send(&app, &c).await;
    let stalled = eventually(15, || async {
        let (status, health) = app.health().await;
        (status == StatusCode::SERVICE_UNAVAILABLE).then_some(health)
    })
    .await
    .expect("/healthz answers 503 once messages wait and the worker finishes no cycle");
    assert_eq!(stalled["status"], "degraded", "{stalled}");
    assert_eq!(stalled["worker"]["state"], "stalled", "{stalled}");
    assert_eq!(stalled["worker"]["runs_here"], true, "{stalled}");
    assert_eq!(stalled["worker"]["messages_overdue"], 2, "{stalled}");
    held.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_and_fifty_six_invitees_answering_at_once_are_all_recorded() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    let event_id = app.workshop_with_guests(&token, 256).await;
    assert_eq!(app.send_invitations(&token, event_id).await, 256);
    let links: Vec<String> = wait_for_files(&app.outbox_dir(), 256)
        .await
        .iter()
        .map(|mail| mail.rsvp_path())
        .collect();

    // Each invitee opens the page (its form carries the CSRF token), then all submit at once.
    let invitees = join_all(links.iter().map(|link| async {
        let invitee = app.new_browser();
        let csrf = invitee.csrf_token(link).await;
        (invitee, csrf)
    }))
    .await;
    let answers = join_all(invitees.iter().zip(&links).map(|((invitee, csrf), link)| async move {
        let response = invitee
            .post_form(
                link,
                &[("csrf_token", csrf), ("response", "accepted"), ("comment", "Présente")],
            )
            .await;
        let status = response.status();
        (status, response.text().await.unwrap_or_default())
    }))
    .await;
    let refused: Vec<_> = answers.iter().filter(|(s, _)| *s != StatusCode::SEE_OTHER).collect();
    assert!(
        refused.is_empty(),
        "{} answers refused, e.g. {:?}",
        refused.len(),
        refused.first()
    );

    let accepted = invitation::Entity::find()
        .filter(invitation::Column::EventId.eq(event_id as i32))
        .filter(invitation::Column::Response.eq("accepted"))
        .filter(invitation::Column::ResponseComment.eq("Présente"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(accepted, 256, "every answer is stored");
}
