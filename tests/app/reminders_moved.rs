//! Reminders after a move: a refusal of the earlier date is "to reconfirm" and is reminded (see
//! `invitations::reminders_go_to_…`); a refusal of the date as it now stands is final and is not.

use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::helpers::spawn_app_with;
use crate::invitations::{campaign, send};
use crate::mailbox::{files_in, wait_for_files};

fn in_days(d: i64, hour: u32) -> String {
    (chrono::Utc::now() + chrono::Duration::days(d))
        .format(&format!("%Y-%m-%dT{hour:02}:00:00+00:00"))
        .to_string()
}

#[tokio::test]
async fn a_guest_who_declined_the_new_date_gets_no_reminder() {
    let app = spawn_app_with(|s| s.outbox.reminder_days = 7).await;
    let c = campaign(&app, &in_days(10, 9)).await;
    let patch = |body: serde_json::Value| {
        app.api(Method::PATCH, &format!("/api/v1/events/{}", c.event_id), Some(&c.token))
            .json(&body)
            .send()
    };
    assert_eq!(
        patch(json!({"ends_at": in_days(10, 17)})).await.unwrap().status(),
        StatusCode::OK
    );
    send(&app, &c).await;
    wait_for_files(&app.outbox_dir(), 2).await;
    // Moved, still outside the reminder window: both are asked again by an update.
    let moved = patch(json!({"starts_at": in_days(9, 9), "ends_at": in_days(9, 17)}))
        .await
        .unwrap();
    assert_eq!(moved.status(), StatusCode::OK);
    let mails = wait_for_files(&app.outbox_dir(), 4).await;
    let aissata = mails
        .iter()
        .find(|m| m.to == "aissata.ndiaye@example.org" && m.event_property("SEQUENCE") == ["1"])
        .expect("Aïssata's update")
        .rsvp_path();
    // She declines the new date: a final answer, not one to reconfirm.
    let declined = app
        .new_browser()
        .submit(&aissata, &aissata, &[("response", "declined")])
        .await;
    assert_eq!(declined.status(), StatusCode::SEE_OTHER);
    let listed = app
        .api_ok(
            Method::GET,
            &format!("/api/v1/events/{}/invitations?response=declined", c.event_id),
            &c.token,
            json!(null),
        )
        .await;
    assert_eq!(listed["items"][0]["answer_to_reconfirm"], false, "{listed}");

    // Time brings the event inside the window (no new move): Awa is reminded, Aïssata is not.
    entity::event::Entity::update_many()
        .col_expr(
            entity::event::Column::StartsAt,
            sea_orm::sea_query::Expr::value(chrono::Utc::now() + chrono::Duration::days(3)),
        )
        .filter(entity::event::Column::Id.eq(c.event_id as i32))
        .exec(&app.db)
        .await
        .unwrap();
    let mails = wait_for_files(&app.outbox_dir(), 5).await;
    let reminders: Vec<&str> = mails
        .iter()
        .filter(|m| m.subject.starts_with("Rappel") || m.subject.starts_with("Reminder"))
        .map(|m| m.to.as_str())
        .collect();
    assert_eq!(reminders, ["awa.coulibaly@example.org"]);
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert_eq!(files_in(&app.outbox_dir()).len(), 5, "nothing more");
}
