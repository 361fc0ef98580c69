//! Benchmark of invitation delivery: time to queue N invitations, then messages per second
//! through the outbox worker to an SMTP server.
//!
//! Start a sink first, e.g. Postfix's `smtp-sink -c 127.0.0.1:2525 1000`, then
//! `cargo run --release --example bench_delivery -- smtp://127.0.0.1:2525 5000 4`
//! (URL, number of invitations, concurrency). SQLite in a temporary folder.

use std::time::Instant;

use toguna::config::Settings;
use toguna::domain::actors::csv_io;
use toguna::domain::events::{self, EventInput};
use toguna::domain::guests::{self, AddGuests};
use toguna::domain::invitations;
use toguna::domain::vocab::EventStatus;
use toguna::error::FieldErrors;
use toguna::mail::outbox::{OutboxSettings, Worker};
use toguna::mail::{MailContext, Mailer};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let url = args.next().unwrap_or_else(|| "smtp://127.0.0.1:2525".into());
    let count: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(5000);
    let concurrency: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(4);

    let dir = tempfile::tempdir()?;
    let settings = Settings {
        database_url: format!("sqlite://{}?mode=rwc", dir.path().join("bench.db").display()),
        bind: "127.0.0.1:0".into(),
        base_url: "http://127.0.0.1:3000".into(),
        secret: b"benchmark-secret-benchmark-secret-0123".to_vec(),
        smtp_url: Some(url.clone()),
        mail_from: "Toguna <toguna@example.org>".into(),
        data_dir: dir.path().to_path_buf(),
        outbox: OutboxSettings {
            concurrency,
            ..OutboxSettings::default()
        },
        run_worker: false,
        regions: Default::default(),
        import_max_rows: toguna::domain::actors::csv_io::DEFAULT_MAX_ROWS,
        server: toguna::server::ServerSettings::default(),
        login: toguna::domain::login::Throttle::default(),
        inbound: Default::default(),
    };
    let state = toguna::prepare(settings.clone()).await?;
    let db = &state.db;

    let mut csv = String::from("full_name,category,gender,town,email,consent_contact\n");
    for i in 0..count {
        csv.push_str(&format!(
            "Invitée Numéro {i},civil_society,female,Kayes,guest{i}@example.org,yes\n"
        ));
    }
    csv_io::import(db, &Default::default(), &csv, true, csv_io::OnExisting::Skip).await?;
    let input = EventInput {
        kind: "dissemination_workshop".into(),
        title: "Restitution à Kayes".into(),
        starts_at: "2030-01-10T09:00".into(),
        ends_at: "2030-01-10T17:00".into(),
        ..Default::default()
    };
    let ctx = MailContext::new(&settings, Some(("Awa Coulibaly", "awa@example.org")))?;
    let event = events::create(db, &input, FieldErrors::new()).await?;
    events::change_status(db, &ctx, event.id, EventStatus::Scheduled).await?;
    let filter = toguna::domain::actors::search::ActorFilter::default();
    guests::add(
        db,
        event.id,
        &AddGuests {
            actor_ids: Vec::new(),
            filter: Some(filter),
        },
    )
    .await?;

    let started = Instant::now();
    let summary = invitations::send_invitations(db, &ctx, event.id).await?;
    let queue_time = started.elapsed();
    println!(
        "queued {} invitations in {:.2} s ({:.0} per second)",
        summary.queued,
        queue_time.as_secs_f64(),
        summary.queued as f64 / queue_time.as_secs_f64()
    );

    let mut worker = Worker::new(
        db.clone(),
        Mailer::from_settings(&settings)?,
        settings.outbox.clone(),
        None,
    );
    let started = Instant::now();
    let mut sent = 0;
    loop {
        let report = worker.deliver_next_batch().await?;
        sent += report.sent;
        if report.total() == 0 {
            break;
        }
        if report.retrying + report.failed > 0 {
            eprintln!("{} retrying, {} failed in a batch", report.retrying, report.failed);
        }
    }
    let delivery = started.elapsed();
    println!(
        "delivered {sent} messages to {url} in {:.2} s with {concurrency} connections: {:.0} messages per second",
        delivery.as_secs_f64(),
        sent as f64 / delivery.as_secs_f64()
    );
    Ok(())
}
