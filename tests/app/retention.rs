//! Retention: old delivered mail, old login attempts and expired sessions go; the event's counts stay.

use chrono::{Duration, Utc};
use entity::{login_attempt, outbox_message, session};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::helpers::{spawn_app_with, texts};
use toguna::domain::retention::{self, Pruned, RetentionSettings};

#[tokio::test]
async fn retention_removes_exactly_the_rows_past_their_age_and_the_event_counts_stay() {
    let app = spawn_app_with(|s| s.run_worker = false).await;
    let token = app.api_token_for("organizer").await;
    let event = app.workshop_with_guests(&token, 4).await;
    assert_eq!(app.send_invitations(&token, event).await, 4);
    let now = Utc::now();
    // Two delivered 200 days ago, one 100 days ago (kept at 180), one still pending (never pruned).
    let rows = outbox_message::Entity::find()
        .filter(outbox_message::Column::EventId.eq(event as i32))
        .order_by_asc(outbox_message::Column::Id)
        .all(&app.db)
        .await
        .unwrap();
    for (row, age) in rows.iter().zip([Some(200), Some(200), Some(100), None]) {
        let mut model: outbox_message::ActiveModel = row.clone().into();
        if let Some(days) = age {
            model.status = Set("sent".into());
            model.sent_at = Set(Some(now - Duration::days(days)));
            model.body = Set(String::new());
        }
        model.update(&app.db).await.unwrap();
    }
    for (email, days) in [("old@example.org", 31), ("recent@example.org", 29)] {
        login_attempt::ActiveModel {
            email: Set(email.into()),
            ip: Set("127.0.0.1".into()),
            succeeded: Set(false),
            created_at: Set(now - Duration::days(days)),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
    }
    let user = app.create_user("s@example.org", "viewer").await;
    for (id, expires) in [
        ("expired", now - Duration::minutes(1)),
        ("live", now + Duration::days(1)),
    ] {
        session::ActiveModel {
            id: Set(id.into()),
            user_id: Set(user.id),
            created_at: Set(now - Duration::days(2)),
            last_seen_at: Set(now - Duration::days(1)),
            expires_at: Set(expires),
        }
        .insert(&app.db)
        .await
        .unwrap();
    }
    let (browser, _) = app.browser_as("organizer").await;
    let page = format!("/events/{event}");
    let before_page = texts(&browser.get(&page).await.text().await.unwrap(), "td.delivery");
    assert_eq!(before_page.len(), 4, "one delivery cell per guest");
    let before_counts = retention::delivered(&app.db, event as i32).await.unwrap();
    assert_eq!(before_counts.get("invitation"), Some(&3));

    let settings = RetentionSettings::default();
    let pruned = retention::prune(&app.db, &settings, now).await.unwrap();
    assert_eq!(
        pruned,
        Pruned {
            outbox_messages: 2,
            login_attempts: 1,
            sessions: 1,
        }
    );
    let left: Vec<Option<i64>> = outbox_message::Entity::find()
        .filter(outbox_message::Column::EventId.eq(event as i32))
        .order_by_asc(outbox_message::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .iter()
        .map(|m| m.sent_at.map(|at| (now - at).num_days()))
        .collect();
    assert_eq!(left, [Some(100), None], "the recent and the pending message stay");
    let attempts: Vec<String> = login_attempt::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.email)
        .collect();
    assert!(attempts.contains(&"recent@example.org".to_string()) && !attempts.contains(&"old@example.org".to_string()));
    assert!(
        session::Entity::find_by_id("expired")
            .one(&app.db)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        session::Entity::find_by_id("live")
            .one(&app.db)
            .await
            .unwrap()
            .is_some()
    );

    // The event's figures do not move: the page and the delivered counts are the same.
    assert_eq!(
        retention::delivered(&app.db, event as i32).await.unwrap(),
        before_counts
    );
    assert_eq!(
        texts(&browser.get(&page).await.text().await.unwrap(), "td.delivery"),
        before_page
    );
    // A second run finds nothing more, and the counts still hold.
    let again = retention::prune(&app.db, &settings, now).await.unwrap();
    assert_eq!((again.outbox_messages, again.login_attempts), (0, 0));
    assert_eq!(
        retention::delivered(&app.db, event as i32).await.unwrap(),
        before_counts
    );
    // The run itself is in the audit log, counts only.
    let entries = entity::audit_entry::Entity::find()
        .filter(entity::audit_entry::Column::Entity.eq("retention"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].who_kind, "system");
    assert!(
        entries[0].changes.contains(r#""outbox_messages":[null,2]"#),
        "{}",
        entries[0].changes
    );
}
