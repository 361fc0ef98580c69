//! The mail server's pace: `TOGUNA_MAIL_RATE` spaces deliveries across all lanes, and a 421/451
//! "slow down" pauses the whole worker without charging the messages a retry.

use std::time::{Duration, Instant};

use entity::outbox_message;
use sea_orm::EntityTrait;

use crate::helpers::{TestApp, spawn_app_with};
use crate::smtp::SmtpServer;

async fn app_sending_to(server: &SmtpServer, configure: impl FnOnce(&mut toguna::config::Settings)) -> TestApp {
    let url = server.url();
    spawn_app_with(move |s| {
        s.smtp_url = Some(url);
        configure(s);
    })
    .await
}

#[tokio::test]
async fn a_mail_rate_spaces_the_deliveries_of_every_lane() {
    let server = SmtpServer::start().await;
    let app = app_sending_to(&server, |s| {
        s.outbox.rate = toguna::mail::rate::Rate::parse("5/s");
    })
    .await;
    let token = app.api_token_for("organizer").await;
    let event_id = app.workshop_with_guests(&token, 6).await;
    let started = Instant::now();
    app.send_invitations(&token, event_id).await;
    server.wait_for(6, Duration::from_secs(20)).await;
    let spread = started.elapsed();
    // Six messages at 5 per second, four lanes: five gaps of 200 ms at least, whatever the lanes.
    assert!(spread >= Duration::from_millis(950), "six messages within {spread:?}");
    assert!(spread < Duration::from_secs(10), "{spread:?}");
}

#[tokio::test]
async fn slow_down_answers_pause_the_worker_and_burn_no_retries() {
    let server = SmtpServer::start().await;
    let app = app_sending_to(&server, |s| {
        s.outbox.throttle_backoff = Duration::from_millis(400);
        s.outbox.max_backoff = Duration::from_secs(2);
        s.outbox.concurrency = 1;
    })
    .await;
    let token = app.api_token_for("organizer").await;
    let event_id = app.workshop_with_guests(&token, 3).await;
    // Three 451s in a row: with per-message retries each would have been charged to a message.
    server.throttle_next(3);
    let started = Instant::now();
    app.send_invitations(&token, event_id).await;
    let mails = server.wait_for(3, Duration::from_secs(20)).await;
    let took = started.elapsed();
    assert_eq!(mails.len(), 3);
    // The pauses doubled: 400 ms, 800 ms, 1.6 s before the server was asked again.
    assert!(took >= Duration::from_millis(2600), "{took:?}");
    // Every message went out on its first counted attempt, its error cleared once sent.
    let mut rows = Vec::new();
    for _ in 0..50 {
        rows = outbox_message::Entity::find().all(&app.db).await.unwrap();
        if rows.iter().all(|m| m.status == "sent") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        rows.iter()
            .all(|m| m.status == "sent" && m.attempts == 1 && m.last_error.is_empty()),
        "{rows:?}"
    );
}
