//! What a page costs does not grow with the list behind it: the answer page, the attendance summary,
//! the event page, its live counts, the guest list API and the directory run the same number of SQL
//! statements for a small and a large list (the check-in desk's are in `checkin_door.rs`).

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
    assert_eq!(
        small_answer, 1,
        "one statement reads the invitation, its actor, event and venue"
    );
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

#[tokio::test]
async fn the_event_page_its_live_counts_the_guest_api_and_the_directory_cost_the_same_for_5_or_150_guests() {
    // Without the outbox worker, whose polling would be counted too.
    let app = crate::helpers::spawn_app_with(|s| s.run_worker = false).await;
    let token = app.api_token_for("organizer").await;
    let (browser, _) = app.browser_as("organizer").await;
    let small = app.workshop_with_guests(&token, 5).await;
    browser.get("/actors").await; // warm the session
    let (directory, small_directory) = app.queries_during(browser.get("/actors")).await;
    assert_eq!(directory.status(), StatusCode::OK);
    let large = app.workshop_with_guests(&token, 150).await;
    let (directory, large_directory) = app.queries_during(browser.get("/actors")).await;
    assert_eq!(directory.status(), StatusCode::OK);
    assert_eq!(
        small_directory, large_directory,
        "directory statements at 5 and 150 actors"
    );

    let mut counts = Vec::new();
    for id in [small, large] {
        let (page, page_n) = app.queries_during(browser.get(&format!("/events/{id}"))).await;
        assert_eq!(page.status(), StatusCode::OK);
        let (live, live_n) = app
            .queries_during(browser.get(&format!("/events/{id}/progress.json")))
            .await;
        assert_eq!(live.status(), StatusCode::OK);
        let api = app.api(
            reqwest::Method::GET,
            &format!("/api/v1/events/{id}/invitations?per_page=100"),
            Some(&token),
        );
        let (listed, api_n) = app.queries_during(api.send()).await;
        assert_eq!(listed.unwrap().status(), StatusCode::OK);
        counts.push((page_n, live_n, api_n));
    }
    assert_eq!(
        counts[0], counts[1],
        "(event page, live counts, guest API) at 5 and 150 guests"
    );
    assert!(counts[0].1 <= 5, "the live counts stay a few statements: {counts:?}");
}
