//! Benchmark of the event day: checking in 1,000 invited people over HTTP, as the door's phones do.
//!
//! `cargo run --release --example bench_checkin [guests]` (SQLite in a temporary folder), or with
//! `DATABASE_URL=postgres://…/postgres` for PostgreSQL (a scratch database is made and dropped). Prints the time per mark (median,
//! 95th percentile), the same with two phones at once, and the check-in page for the whole list.

#[path = "support/scratch.rs"]
mod scratch;
use scratch::Scratch;

use std::time::{Duration, Instant};

use toguna::config::Settings;
use toguna::domain::actors::csv_io;
use toguna::domain::events::{self, EventInput};
use toguna::domain::guests::{self, AddGuests};
use toguna::domain::users::{self, NewUser};
use toguna::domain::vocab::EventStatus;
use toguna::domain::{api_tokens, attendance};
use toguna::error::FieldErrors;
use toguna::mail::MailContext;
use toguna::mail::outbox::OutboxSettings;

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() - 1) as f64 * p).round() as usize]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let count: usize = std::env::args().nth(1).map(|a| a.parse()).transpose()?.unwrap_or(1000);
    let scratch = Scratch::new("checkin").await?;
    let settings = Settings {
        database_url: scratch.url.clone(),
        bind: "127.0.0.1:0".into(),
        base_url: "http://127.0.0.1:3000".into(),
        secret: b"benchmark-secret-benchmark-secret-0123".to_vec(),
        smtp_url: None,
        mail_from: "Toguna <toguna@example.org>".into(),
        data_dir: scratch.dir.path().to_path_buf(),
        outbox: OutboxSettings::default(),
        run_worker: false,
        regions: Default::default(),
        import_max_rows: toguna::domain::actors::csv_io::DEFAULT_MAX_ROWS,
        server: toguna::server::ServerSettings::default(),
        login: toguna::domain::login::Throttle::default(),
        inbound: Default::default(),
    };
    let state = toguna::prepare(settings.clone()).await?;
    let db = state.db.clone();

    let csv = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/actors-5000.csv"))?;
    let lines: Vec<&str> = csv.lines().take(2 * count + 1).collect();
    csv_io::import(
        &db,
        &Default::default(),
        &(lines.join("\n") + "\n"),
        true,
        csv_io::OnExisting::Skip,
    )
    .await?;
    let organizer = users::create(
        &db,
        NewUser {
            email: "accueil@example.org".into(),
            name: "Accueil".into(),
            role: "organizer".into(),
            password: "correct horse battery staple".into(),
        },
    )
    .await?;
    let token = api_tokens::create(&db, organizer.id, "bench").await?;
    let ctx = MailContext::new(&settings, None)?;
    let mut event_ids = Vec::new();
    for half in 0..2 {
        let event = events::create(
            &db,
            &EventInput {
                kind: "dissemination_workshop".into(),
                title: format!("Restitution {half}"),
                starts_at: "2030-01-10T09:00".into(),
                ends_at: "2030-01-10T17:00".into(),
                ..Default::default()
            },
            FieldErrors::new(),
        )
        .await?;
        events::change_status(&db, &ctx, event.id, EventStatus::Scheduled).await?;
        event_ids.push(event.id);
    }
    // The first event invites the first `count` actors, the second the next `count`.
    let ids: Vec<i32> = entity_ids(&db).await?;
    for (n, event_id) in event_ids.iter().enumerate() {
        let chunk = ids[n * count..(n + 1) * count].to_vec();
        guests::add(
            &db,
            *event_id,
            &AddGuests {
                actor_ids: chunk,
                filter: None,
            },
        )
        .await?;
    }

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(toguna::serve(state, listener, std::future::pending()));
    let client = reqwest::Client::new();

    // One phone, one mark after another, as at a single door.
    let first = invitation_ids(&db, event_ids[0]).await?;
    let mut samples = Vec::with_capacity(first.len());
    let started = Instant::now();
    for id in &first {
        let t = Instant::now();
        let response = client
            .post(format!("{base}/api/v1/events/{}/attendance", event_ids[0]))
            .bearer_auth(&token)
            .json(&serde_json::json!({"invitation_id": id, "client_id": uuid::Uuid::new_v4().to_string()}))
            .send()
            .await?;
        anyhow::ensure!(response.status().as_u16() == 201, "mark refused: {}", response.status());
        samples.push(t.elapsed());
    }
    let total = started.elapsed();
    println!(
        "one phone: {} marks in {:.2} s; per mark median {:.2} ms, p95 {:.2} ms",
        first.len(),
        total.as_secs_f64(),
        percentile(&mut samples, 0.5).as_secs_f64() * 1e3,
        percentile(&mut samples, 0.95).as_secs_f64() * 1e3,
    );

    // Two doors at once, on the second event.
    let second = invitation_ids(&db, event_ids[1]).await?;
    let started = Instant::now();
    let mut doors = Vec::new();
    for half in second.chunks(second.len().div_ceil(2)) {
        let (client, base, token, event_id, half) =
            (client.clone(), base.clone(), token.clone(), event_ids[1], half.to_vec());
        doors.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            for id in half {
                let t = Instant::now();
                let response = client
                    .post(format!("{base}/api/v1/events/{event_id}/attendance"))
                    .bearer_auth(&token)
                    .json(&serde_json::json!({"invitation_id": id, "client_id": uuid::Uuid::new_v4().to_string()}))
                    .send()
                    .await
                    .expect("mark sent");
                assert_eq!(response.status().as_u16(), 201);
                samples.push(t.elapsed());
            }
            samples
        }));
    }
    let mut samples = Vec::new();
    for door in doors {
        samples.extend(door.await?);
    }
    let total = started.elapsed();
    println!(
        "two phones: {} marks in {:.2} s ({:.0} marks per second); per mark median {:.2} ms, p95 {:.2} ms",
        samples.len(),
        total.as_secs_f64(),
        samples.len() as f64 / total.as_secs_f64(),
        percentile(&mut samples, 0.5).as_secs_f64() * 1e3,
        percentile(&mut samples, 0.95).as_secs_f64() * 1e3,
    );
    for event_id in &event_ids {
        anyhow::ensure!(attendance::present_count(&db, *event_id).await? == count as i64);
    }

    // The door's page for the whole list (what a phone downloads once, then searches offline).
    let t = Instant::now();
    let roster = attendance::roster::roster(&db, event_ids[0]).await?;
    println!(
        "guest list of {} read in {:.2} ms",
        roster.len(),
        t.elapsed().as_secs_f64() * 1e3
    );
    db.close().await.ok();
    scratch.remove().await
}

async fn entity_ids(db: &sea_orm::DatabaseConnection) -> anyhow::Result<Vec<i32>> {
    use sea_orm::{EntityTrait, QueryOrder, QuerySelect};
    Ok(entity::actor::Entity::find()
        .select_only()
        .column(entity::actor::Column::Id)
        .order_by_asc(entity::actor::Column::Id)
        .into_tuple()
        .all(db)
        .await?)
}

async fn invitation_ids(db: &sea_orm::DatabaseConnection, event_id: i32) -> anyhow::Result<Vec<i32>> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
    Ok(entity::invitation::Entity::find()
        .select_only()
        .column(entity::invitation::Column::Id)
        .filter(entity::invitation::Column::EventId.eq(event_id))
        .order_by_asc(entity::invitation::Column::Id)
        .into_tuple()
        .all(db)
        .await?)
}
