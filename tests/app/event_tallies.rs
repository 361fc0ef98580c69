//! The event's counters kept by triggers stay equal to a recount of the rows through every write path.

use std::collections::BTreeMap;

use entity::{actor, event_tally, invitation, outbox_message};
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, JoinType, PaginatorTrait, QueryFilter, QuerySelect, RelationTrait};
use serde_json::{Value, json};

use crate::helpers::{Browser, TestApp, spawn_app};
use crate::mailbox::wait_for_files;

type Counts = BTreeMap<(String, String), u64>;

/// The old grouped counts, straight from the rows: what every counter must equal.
async fn recount(app: &TestApp, event_id: i32) -> Counts {
    let mut out = Counts::new();
    for (dim, column) in [
        ("response", invitation::Column::Response),
        ("delivery", invitation::Column::Delivery),
        ("channel", invitation::Column::Channel),
        ("gender", invitation::Column::Gender),
        ("age_group", invitation::Column::AgeGroup),
        ("category", invitation::Column::Category),
    ] {
        let rows: Vec<(String, i64)> = invitation::Entity::find()
            .select_only()
            .column(column)
            .column_as(invitation::Column::Id.count(), "n")
            .filter(invitation::Column::EventId.eq(event_id))
            .group_by(column)
            .into_tuple()
            .all(&app.db)
            .await
            .unwrap();
        out.extend(rows.into_iter().map(|(v, n)| ((dim.to_string(), v), n as u64)));
    }
    let emailable = invitation::Entity::find()
        .join(JoinType::InnerJoin, invitation::Relation::Actor.def())
        .filter(invitation::Column::EventId.eq(event_id))
        .filter(actor::Column::Email.is_not_null())
        .filter(actor::Column::ConsentContact.eq(true))
        .filter(actor::Column::EmailFailedAt.is_null())
        .count(&app.db)
        .await
        .unwrap();
    if emailable > 0 {
        out.insert(("emailable".into(), "yes".into()), emailable);
    }
    let statuses: Vec<(String, i64)> = outbox_message::Entity::find()
        .select_only()
        .column(outbox_message::Column::Status)
        .column_as(outbox_message::Column::Id.count(), "n")
        .filter(outbox_message::Column::EventId.eq(event_id))
        .group_by(outbox_message::Column::Status)
        .into_tuple()
        .all(&app.db)
        .await
        .unwrap();
    // A message being sent still waits: the counters file `sending` under `pending`.
    for (status, n) in statuses {
        let counted = if status == "sending" {
            "pending".to_string()
        } else {
            status
        };
        *out.entry(("outbox".to_string(), counted)).or_default() += n as u64;
    }
    out
}

async fn stored_tallies(app: &TestApp, event_id: i32) -> Counts {
    event_tally::Entity::find()
        .filter(event_tally::Column::EventId.eq(event_id))
        .filter(event_tally::Column::N.ne(0))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|t| ((t.dim, t.value), t.n as u64))
        .collect()
}

fn dim(counts: &Counts, dim: &str) -> Value {
    counts
        .iter()
        .filter(|((d, _), _)| d == dim)
        .map(|((_, v), n)| (v.clone(), json!(n)))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

fn sum(counts: &Counts, dim: &str) -> u64 {
    counts.iter().filter(|((d, _), _)| d == dim).map(|(_, n)| n).sum()
}

struct Story {
    app: TestApp,
    token: String,
    browser: Browser,
    event_id: i64,
}

impl Story {
    /// After `step`: the stored counters, the API's figures, the live counts and the list's total all
    /// equal a recount of the rows.
    async fn check(&self, step: &str) -> Counts {
        let id = self.event_id;
        let rows = self.settled().await;
        assert_eq!(stored_tallies(&self.app, id as i32).await, rows, "{step}: counters");
        let detail = self
            .app
            .api_ok(Method::GET, &format!("/api/v1/events/{id}"), &self.token, json!({}))
            .await;
        let total = sum(&rows, "response");
        let emailable = rows.get(&("emailable".into(), "yes".into())).copied().unwrap_or(0);
        let guests = &detail["guests"];
        assert_eq!(guests["total"], total, "{step}: {guests}");
        assert_eq!(guests["not_emailable"], total - emailable, "{step}: {guests}");
        for key in ["gender", "age_group", "category"] {
            assert_eq!(guests[format!("by_{key}")], dim(&rows, key), "{step}: {key}");
        }
        let list = self
            .app
            .api_ok(
                Method::GET,
                &format!("/api/v1/events/{id}/invitations"),
                &self.token,
                json!({}),
            )
            .await;
        assert_eq!(list["total"], total, "{step}: list total");
        let live: Value = self
            .browser
            .get(&format!("/events/{id}/progress.json"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(live["answers"], dim(&rows, "response"), "{step}: live answers");
        let outbox = |s: &str| rows.get(&("outbox".into(), s.into())).copied().unwrap_or(0);
        assert_eq!(live["total"], sum(&rows, "outbox"), "{step}: {live}");
        assert_eq!(live["sent"], outbox("sent"), "{step}: {live}");
        assert_eq!(live["failed"], outbox("failed"), "{step}: {live}");
        rows
    }

    /// The rows once the outbox worker is done with what the step queued (a cancellation, say), so
    /// the recount and the pages read the same state.
    async fn settled(&self) -> Counts {
        let mut rows = recount(&self.app, self.event_id as i32).await;
        for _ in 0..50 {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            let again = recount(&self.app, self.event_id as i32).await;
            let pending = again
                .keys()
                .any(|(dim, status)| dim == "outbox" && status != "sent" && status != "failed");
            if again == rows && !pending {
                break;
            }
            rows = again;
        }
        rows
    }

    async fn call(&self, method: Method, path: &str, body: Value) -> Value {
        self.app.api_ok(method, path, &self.token, body).await
    }
}

async fn story(guests: usize) -> Story {
    let app = spawn_app().await;
    let token = app.api_token_for("admin").await;
    let event_id = app.workshop_with_guests(&token, guests).await;
    let (browser, _) = app.browser_as("organizer").await;
    Story {
        app,
        token,
        browser,
        event_id,
    }
}

#[tokio::test]
async fn every_write_path_keeps_the_event_counters_equal_to_a_recount() {
    let s = story(6).await;
    let id = s.event_id;
    let rows = s.check("guests added by filter").await;
    assert_eq!(sum(&rows, "response"), 6);

    // Two guests without an address, added by hand: letters, not emailable.
    let mut letters = Vec::new();
    for name in ["Oumar Sidibé", "Fanta Keïta"] {
        let actor = s
            .call(
                Method::POST,
                "/api/v1/actors",
                json!({"full_name": name, "category": "youth_organization", "gender": "male", "age_group": "youth", "town": "Kayes"}),
            )
            .await;
        letters.push(actor["id"].as_i64().unwrap());
    }
    let path = format!("/api/v1/events/{id}/invitations");
    s.call(Method::POST, &path, json!({"actor_ids": letters})).await;
    s.check("guests added by hand").await;

    assert_eq!(s.app.send_invitations(&s.token, id).await, 6);
    let mails = wait_for_files(&s.app.outbox_dir(), 6).await;
    let rows = s.check("invitations sent").await;
    assert_eq!(rows.get(&("delivery".into(), "sent".into())), Some(&6));

    // Answers through the answer page, one changed afterwards.
    let invitee = s.app.new_browser();
    for (mail, answer) in mails.iter().zip(["accepted", "accepted", "declined", "tentative"]) {
        let link = mail.rsvp_path();
        let recorded = invitee
            .submit(&link, &link, &[("response", answer), ("comment", "")])
            .await;
        assert_eq!(recorded.status(), StatusCode::SEE_OTHER);
    }
    let link = mails[0].rsvp_path();
    invitee
        .submit(&link, &link, &[("response", "declined"), ("comment", "")])
        .await;
    let rows = s.check("answers").await;
    assert_eq!(rows.get(&("response".into(), "declined".into())), Some(&2));

    // An actor edit removes an address: one guest fewer may be emailed, on every event of hers.
    let guests = s.call(Method::GET, &format!("{path}?per_page=100"), json!({})).await;
    let items = guests["items"].as_array().unwrap().clone();
    let emailed: Vec<&Value> = items.iter().filter(|g| g["emailable"] == true).collect();
    let actor_path = format!("/api/v1/actors/{}", emailed[0]["actor_id"]);
    let mut edited = s.call(Method::GET, &actor_path, json!({})).await;
    edited["email"] = "".into();
    edited["organization"] = "Mairie de Kayes".into();
    s.call(Method::PUT, &actor_path, edited).await;
    let before = sum(&rows, "emailable");
    let rows = s.check("an address removed").await;
    assert_eq!(sum(&rows, "emailable"), before - 1);

    // A guest removed from the list.
    let removed = s
        .app
        .api(Method::DELETE, &format!("{path}/{}", emailed[1]["id"]), Some(&s.token))
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    let rows = s.check("a guest removed").await;
    assert_eq!(sum(&rows, "response"), 7);

    // An actor erased: the counts of the event stay, the address goes.
    let erase = format!("/api/v1/actors/{}/erase", emailed[2]["actor_id"]);
    s.call(Method::POST, &erase, json!({})).await;
    let rows = s.check("an actor erased").await;
    assert_eq!(sum(&rows, "response"), 7);

    // The figures refreshed from the directory after an actor's category changed.
    let refreshed = items.iter().find(|g| g["actor_id"] == letters[0]).unwrap();
    let actor_path = format!("/api/v1/actors/{}", refreshed["actor_id"]);
    let mut edited = s.call(Method::GET, &actor_path, json!({})).await;
    edited["category"] = "media".into();
    s.call(Method::PUT, &actor_path, edited).await;
    s.check("directory edited, figures frozen").await;
    let refresh = format!("{path}/{}/refresh", refreshed["id"]);
    s.call(Method::POST, &refresh, json!({})).await;
    let rows = s.check("figures refreshed").await;
    assert_eq!(rows.get(&("category".into(), "media".into())), Some(&1));

    // The events list shows the same counts.
    let html = s.browser.get("/events").await.text().await.unwrap();
    assert!(html.contains("Restitution à Kayes"), "the event is listed");
}

/// PostgreSQL only (SQLite has one writer): forty answers at once on one event all succeed, none
/// deadlocks on the counter rows, and the counters are exact afterwards.
#[tokio::test]
async fn forty_answers_at_once_neither_deadlock_nor_miscount() {
    if std::env::var("TEST_DATABASE_URL").is_err() {
        return;
    }
    let s = story(40).await;
    let id = s.event_id;
    assert_eq!(s.app.send_invitations(&s.token, id).await, 40);
    let mails = wait_for_files(&s.app.outbox_dir(), 40).await;
    let answers = ["accepted", "declined", "tentative"];
    let tasks: Vec<_> = mails
        .iter()
        .enumerate()
        .map(|(i, mail)| {
            let browser = s.app.new_browser();
            let link = mail.rsvp_path();
            let answer = answers[i % answers.len()];
            tokio::spawn(async move {
                browser
                    .submit(&link, &link, &[("response", answer), ("comment", "")])
                    .await
                    .status()
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), StatusCode::SEE_OTHER);
    }
    let rows = s.check("forty answers").await;
    assert_eq!(rows.get(&("response".into(), "accepted".into())), Some(&14));
    assert_eq!(rows.get(&("response".into(), "none".into())), None);
}
