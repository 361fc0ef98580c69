//! What a page costs does not grow with the list behind it: the answer page and the attendance
//! summary run the same number of SQL statements for a 3-guest and a 300-guest event.

use reqwest::StatusCode;

use crate::helpers::{TestApp, spawn_app_with};
use crate::mailbox::wait_for_files;

/// The app with its worker (it writes the answer links to the file outbox) polling rarely.
async fn quiet_app() -> TestApp {
    spawn_app_with(|s| s.outbox.poll = std::time::Duration::from_secs(5)).await
}

/// The fewest statements of three runs: a worker poll landing inside one run only adds.
async fn statements<F, Fut>(app: &TestApp, request: F) -> usize
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = reqwest::Response>,
{
    let mut fewest = usize::MAX;
    for _ in 0..3 {
        let (response, n) = app.queries_during(request()).await;
        assert_eq!(response.status(), StatusCode::OK);
        fewest = fewest.min(n);
    }
    fewest
}

#[tokio::test]
async fn the_answer_page_and_the_attendance_summary_cost_the_same_for_3_or_300_guests() {
    let app = quiet_app().await;
    let token = app.api_token_for("organizer").await;
    let small = app.workshop_with_guests(&token, 3).await;
    app.send_invitations(&token, small).await;
    let mails = wait_for_files(&app.outbox_dir(), 3).await;
    let small_link = mails[0].rsvp_path();
    let large = app.workshop_with_guests(&token, 300).await;
    app.send_invitations(&token, large).await;
    let mails = wait_for_files(&app.outbox_dir(), 303).await;
    let large_link = mails
        .iter()
        .map(|m| m.rsvp_path())
        .find(|link| *link != small_link && mails.iter().filter(|m| m.rsvp_path() == *link).count() == 1)
        .unwrap();
    // Let the worker go idle so its polls do not land in the counts.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;

    let answer = app.new_browser();
    let small_answer = statements(&app, || answer.get(&small_link)).await;
    let large_answer = statements(&app, || answer.get(&large_link)).await;
    assert!(small_answer <= 4, "{small_answer} statements for the answer page");
    assert_eq!(small_answer, large_answer, "answer page statements");

    let summary = |id: i64| {
        let request = app.api(
            reqwest::Method::GET,
            &format!("/api/v1/events/{id}/attendance/summary"),
            Some(&token),
        );
        async move { request.send().await.unwrap() }
    };
    let small_summary = statements(&app, || summary(small)).await;
    let large_summary = statements(&app, || summary(large)).await;
    assert_eq!(small_summary, large_summary, "attendance summary statements");
    assert!(small_summary <= 12, "{small_summary} statements for the summary");
}
