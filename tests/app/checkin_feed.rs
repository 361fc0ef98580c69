//! The check-in desk's guest data on later views: a 304 while nothing changed, at a cost that does not
//! grow with the list, and the whole list again (streamed in pages) once another desk marked someone.

use reqwest::StatusCode;
use reqwest::header::ETAG;
use serde_json::{Value, json};

use crate::checkin_door::{door_with_guests, guests_by_name};
use crate::helpers::{TestApp, spawn_app_with};

/// The desk's first download: its validator and its data.
async fn download(app: &TestApp, path: &str) -> (String, Value) {
    let response = app.get(path).await;
    assert_eq!(response.status(), StatusCode::OK);
    let etag = response.headers()[ETAG].to_str().unwrap().to_string();
    (etag, response.json().await.unwrap())
}

/// A revalidation with the kept copy's tag: the status, the new tag and the body, and the statements it ran.
async fn revalidate(app: &TestApp, path: &str, etag: &str) -> ((StatusCode, String, String), usize) {
    app.queries_during(async {
        let response = app.get_if_none_match(path, etag).await;
        let status = response.status();
        let tag = response.headers()[ETAG].to_str().unwrap().to_string();
        (status, tag, response.text().await.unwrap())
    })
    .await
}

/// Another desk (an API client with its own token) marks a guest in, or out with `undo`.
async fn other_desk_marks(app: &TestApp, token: &str, event: i64, invitation: i32, undo: bool) {
    let response = app
        .api(
            reqwest::Method::POST,
            &format!("/api/v1/events/{event}/attendance"),
            Some(token),
        )
        .json(&json!({"invitation_id": invitation, "undo": undo}))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
}

/// The present flag of every guest, by invitation id, in the data's order.
fn flags(data: &Value) -> Vec<(i64, i64)> {
    data["guests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g[0].as_i64().unwrap(), g[5].as_i64().unwrap()))
        .collect()
}

#[tokio::test]
async fn a_desk_revalidates_its_copy_and_downloads_again_only_when_another_desk_marked_someone() {
    // Without the outbox worker, whose polling would be counted among the statements.
    let app = spawn_app_with(|s| s.run_worker = false).await;
    let token = app.api_token_for("organizer").await;
    let small = door_with_guests(&app, &token, 5).await;
    // More than one page of rows (1,000 a statement), so the download is written in several parts.
    let big = door_with_guests(&app, &token, 1_200).await;
    app.login_as("organizer").await;
    let data_path = format!("/events/{big}/checkin/guests");

    // The first view downloads everything, in the check-in page's order, nobody in yet.
    let (etag, first) = download(&app, &data_path).await;
    let everyone = guests_by_name(&app, big).await;
    assert_eq!(everyone.len(), 1_200);
    let ids: Vec<i64> = flags(&first).iter().map(|(id, _)| *id).collect();
    let expected: Vec<i64> = everyone.iter().map(|(id, _)| i64::from(*id)).collect();
    assert_eq!(ids, expected, "every guest once, by name, across the pages");
    assert_eq!(first["guests"][1_100][1].as_str().unwrap(), everyone[1_100].1);
    assert!(flags(&first).iter().all(|(_, present)| *present == 0));

    // A later view while nothing changed: 304, no body, the same tag.
    let ((status, same_tag, body), big_cost) = revalidate(&app, &data_path, &etag).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert_eq!(same_tag, etag);
    assert!(body.is_empty());

    // Its cost does not grow with the list: the same statements for 5 guests as for 1,200.
    let (small_tag, _) = download(&app, &format!("/events/{small}/checkin/guests")).await;
    let ((status, _, _), small_cost) = revalidate(&app, &format!("/events/{small}/checkin/guests"), &small_tag).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    println!("revalidation statements: 5 guests {small_cost}, 1,200 guests {big_cost}");
    assert_eq!(small_cost, big_cost);
    assert!(big_cost <= 8, "{big_cost} statements for a revalidation");

    // Another desk marks one guest in: the next view gets the list again, with exactly that change.
    let target = everyone[777].0;
    other_desk_marks(&app, &token, big, target, false).await;
    let ((status, marked_tag, body), _) = revalidate(&app, &data_path, &etag).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(marked_tag, etag);
    let marked: Value = serde_json::from_str(&body).unwrap();
    let changed: Vec<(i64, i64)> = flags(&marked)
        .into_iter()
        .zip(flags(&first))
        .filter(|(now, before)| now != before)
        .map(|(now, _)| now)
        .collect();
    assert_eq!(changed, vec![(i64::from(target), 1)]);
    assert_eq!(marked["cats"], first["cats"]);

    // With the new copy, nothing to download until the next change; an undo is one.
    let ((status, _, _), _) = revalidate(&app, &data_path, &marked_tag).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    other_desk_marks(&app, &token, big, target, true).await;
    let ((status, undone_tag, body), _) = revalidate(&app, &data_path, &marked_tag).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(undone_tag, marked_tag);
    let undone: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(flags(&undone), flags(&first));

    // Marked in again after the undo: the count is back where it was, the tag still moves on.
    other_desk_marks(&app, &token, big, target, false).await;
    let ((status, again_tag, _), _) = revalidate(&app, &data_path, &marked_tag).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the newest mark's id tells it from the first mark"
    );
    assert_ne!(again_tag, marked_tag);
}
