//! The lists of inbound messages: paged like every list, filtered by state, searchable, on the
//! admin page and for one event.

use entity::inbound_message;
use sea_orm::{ActiveModelTrait, Set};

use crate::helpers::{attrs, texts};
use crate::inbound::{Story, story};
use crate::reply_shapes::{self, Answer};

/// `many` unproven replies for the story's event, as the reader would have recorded them.
async fn recorded_for_review(s: &Story, many: usize) {
    for i in 0..many {
        inbound_message::ActiveModel {
            dedup_key: Set(format!("<bulk{i}@example.org> hash{i}")),
            message_id: Set(format!("<bulk{i}@example.org>")),
            sender: Set(format!("someone{i}@example.net")),
            subject: Set(format!("Accepted: workshop {i}")),
            kind: Set("calendar_reply".into()),
            outcome: Set("review".into()),
            reason: Set("inbound.reason.unproven".into()),
            detail: Set(format!("ACCEPTED someone{i}@example.net")),
            event_id: Set(Some(s.campaign.event_id as i32)),
            invitation_id: Set(None),
            received_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(&s.app.db)
        .await
        .expect("a recorded message");
    }
}

fn rows(page: &str) -> Vec<String> {
    texts(page, "tr.to-look-at td.outcome")
}

#[tokio::test]
async fn the_inbound_lists_page_filter_by_state_and_search() {
    let Some(s) = story().await else { return };
    let mut counter = Answer::reply(&s.awa, "TENTATIVE");
    counter.method = "COUNTER";
    s.dovecot.deliver(&reply_shapes::thunderbird(&s.awa, &counter)).await;
    let away = format!(
        "From: Awa Coulibaly <awa.coulibaly@example.org>\r\nTo: {}\r\nSubject: Absente du bureau\r\n\
         Auto-Submitted: auto-replied\r\nMessage-ID: <{}@example.org>\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nJe suis absente.\r\n",
        s.awa.organizer,
        uuid::Uuid::new_v4().simple()
    );
    s.dovecot.deliver(away.as_bytes()).await;
    s.dovecot
        .deliver(&reply_shapes::outlook(
            &s.aissata,
            &Answer::reply(&s.aissata, "ACCEPTED"),
        ))
        .await;
    s.dovecot.wait_done(3).await;
    recorded_for_review(&s, 55).await;

    let (admin, _) = s.app.browser_as("admin").await;
    let get = |path: String| {
        let admin = &admin;
        async move { admin.get_in(&path, "en").await.text().await.expect("page") }
    };
    // To look at (the default): 56 rows, 50 on the first page, the rest on the second.
    let first = get("/admin/inbound".into()).await;
    assert_eq!(rows(&first).len(), 50);
    assert!(rows(&first).iter().all(|r| r == "to look at"), "{:?}", rows(&first));
    let next = attrs(&first, "nav.pager a[rel=next]", "href");
    assert_eq!(next, ["?state=to_look_at&q=&page=2&per_page=50"]);
    let second = get(format!("/admin/inbound{}", next[0])).await;
    assert_eq!(rows(&second).len(), 6);
    assert!(
        texts(&second, "td.reason")
            .iter()
            .any(|r| r.contains("proposes another time"))
    );

    assert_eq!(rows(&get("/admin/inbound?state=applied".into()).await), ["applied"]);
    let ignored = get("/admin/inbound?state=ignored".into()).await;
    assert_eq!(rows(&ignored), ["ignored"]);
    assert!(texts(&ignored, "td.reason")[0].contains("out of office"));
    assert!(rows(&get("/admin/inbound?state=unreadable".into()).await).is_empty());
    // Search: sender, subject or what it said, whatever the case.
    let found = get("/admin/inbound?state=all&q=ABSENTE".into()).await;
    assert_eq!(texts(&found, "tr.to-look-at td:nth-child(3)"), ["Absente du bureau"]);
    let found = get("/admin/inbound?q=someone7%40".into()).await;
    assert_eq!(rows(&found).len(), 1);
    let nothing = get("/admin/inbound?state=all&q=100%25".into()).await;
    assert!(rows(&nothing).is_empty(), "a % is searched for, not a wildcard");

    // The event page shows the newest twenty and links to the event's own list.
    let event_page = s.event_page().await;
    assert_eq!(texts(&event_page, "#to-look-at tr.to-look-at").len(), 20);
    let all = attrs(&event_page, "#all-to-look-at", "href");
    assert_eq!(all, [format!("/events/{}/inbound", s.campaign.event_id)]);
    let (organizer, _) = s.app.browser_as("organizer").await;
    let event_list = organizer.get_in(&all[0], "en").await.text().await.expect("event list");
    assert_eq!(rows(&event_list).len(), 50);
    assert_eq!(texts(&event_list, "nav.pager span")[0], "Page 1 / 2 · 56");
}
