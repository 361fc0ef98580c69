//! Benchmark of the attendance statistics: one event of 1,000 people, and ten such events together.
//!
//! `cargo run --release --example bench_attendance` (SQLite in a temporary folder), or with
//! `DATABASE_URL=postgres://…/postgres` to measure PostgreSQL (a scratch database is made and dropped).
//! Rows are written straight into the tables: what is measured is the reading. Prints medians of 20 runs.

#[path = "support/scratch.rs"]
mod scratch;
use scratch::Scratch;

use std::time::{Duration, Instant};

use chrono::Utc;
use entity::{actor, attendance, event, invitation, venue};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set, TransactionTrait};
use toguna::domain::attendance::campaign;
use toguna::domain::attendance::stats::{self, StatsFilter};
use toguna::domain::vocab::{ActorCategory, AgeGroup, Gender};

const RUNS: usize = 20;
const EVENTS: usize = 10;
const INVITED: usize = 800;
const PEOPLE: usize = 1000;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The disaggregation of the i-th person: every vocabulary value turns up, in uneven numbers.
fn person(i: usize) -> (&'static str, &'static str, &'static str, &'static str) {
    let category = ActorCategory::ALL[(i * 7) % ActorCategory::ALL.len()].slug();
    let gender = Gender::ALL[(i % 5).min(2)].slug();
    let age = AgeGroup::ALL[(i / 3) % AgeGroup::ALL.len()].slug();
    let region = ["Kayes", "Koulikoro", "Sikasso", "Ségou", "Bamako", ""][i % 6];
    (category, gender, age, region)
}

async fn seed_event<C: ConnectionTrait>(db: &C, venue_id: i32, n: usize) -> anyhow::Result<i32> {
    let now = Utc::now();
    let event = event::ActiveModel {
        kind: Set("dissemination_workshop".into()),
        title: Set(format!("Restitution {n}")),
        description: Set(String::new()),
        venue_id: Set(Some(venue_id)),
        starts_at: Set(now),
        ends_at: Set(now),
        timezone: Set("Africa/Bamako".into()),
        language: Set("fr".into()),
        women_target_percent: Set(Some(30)),
        status: Set("completed".into()),
        uid: Set(format!("bench-{n}-{}", uuid::Uuid::new_v4())),
        sequence: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let mut actors = Vec::with_capacity(INVITED);
    for i in 0..INVITED {
        let (category, gender, age, region) = person(i);
        actors.push(actor::ActiveModel {
            full_name: Set(format!("Personne {n}-{i}")),
            honorific: Set(String::new()),
            organization: Set(String::new()),
            category: Set(category.into()),
            gender: Set(gender.into()),
            age_group: Set(age.into()),
            region: Set(region.into()),
            town: Set(String::new()),
            language: Set("fr".into()),
            consent_contact: Set(false),
            notes: Set(String::new()),
            search_text: Set(String::new()),
            name_key: Set(format!("personne {n}-{i}")),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
    }
    let mut actor_ids = Vec::with_capacity(INVITED);
    for model in actors {
        actor_ids.push(model.insert(db).await?.id);
    }
    let mut rows = Vec::with_capacity(PEOPLE);
    for (i, actor_id) in actor_ids.iter().enumerate() {
        let inv = invitation::ActiveModel {
            event_id: Set(event.id),
            actor_id: Set(*actor_id),
            channel: Set("letter".into()),
            response: Set("accepted".into()),
            response_comment: Set(String::new()),
            delivery: Set("not_applicable".into()),
            created_at: Set(now),
            responded_via: Set(String::new()),
            ..Default::default()
        }
        .insert(db)
        .await?;
        rows.push((Some(inv.id), i));
    }
    rows.extend((INVITED..PEOPLE).map(|i| (None, i)));
    let models: Vec<attendance::ActiveModel> = rows
        .into_iter()
        .map(|(invitation_id, i)| {
            let (category, gender, age, region) = person(i);
            attendance::ActiveModel {
                event_id: Set(event.id),
                invitation_id: Set(invitation_id),
                full_name: Set(String::new()),
                organization: Set(String::new()),
                gender: Set(gender.into()),
                age_group: Set(age.into()),
                category: Set(category.into()),
                region: Set(region.into()),
                people: Set(1),
                method: Set(if invitation_id.is_some() { "list" } else { "walk_in" }.into()),
                recorded_at: Set(now),
                ..Default::default()
            }
        })
        .collect();
    for chunk in models.chunks(200) {
        attendance::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(event.id)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let scratch = Scratch::new("attendance").await?;
    let db = toguna::db::connect(&scratch.url).await?;
    toguna::db::migrate(&db).await?;
    let now = Utc::now();
    let venue = venue::ActiveModel {
        name: Set("Centre Djoliba".into()),
        region: Set("Kayes".into()),
        town: Set("Kayes".into()),
        address: Set(String::new()),
        access_notes: Set(String::new()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&db)
    .await?;
    // One transaction for the seeding: SQLite would otherwise sync each of the 17,000 rows.
    let txn = db.begin().await?;
    let mut events = Vec::new();
    for n in 0..EVENTS {
        events.push(seed_event(&txn, venue.id, n).await?);
    }
    txn.commit().await?;

    let mut one = Vec::new();
    let mut published = Vec::new();
    let mut all = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let summary = stats::summary(&db, events[0]).await?;
        one.push(started.elapsed());
        assert_eq!(summary.present.exact(), Some(PEOPLE as u64));
        let started = Instant::now();
        let _ = summary.published();
        published.push(started.elapsed());
        let started = Instant::now();
        let across = campaign::across_disclosed(&db, &StatsFilter::default(), true).await?;
        all.push(started.elapsed());
        assert_eq!(across.events.len(), EVENTS);
    }
    println!(
        "summary of one event of {PEOPLE} people ({INVITED} invited): median {:.2} ms over {RUNS} runs",
        millis(median(one))
    );
    println!(
        "suppression of its published figures: median {:.3} ms",
        millis(median(published))
    );
    println!(
        "across {EVENTS} events ({} people), with the table of events, published: median {:.2} ms",
        EVENTS * PEOPLE,
        millis(median(all))
    );
    db.close().await?;
    scratch.remove().await
}
