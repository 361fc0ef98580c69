//! Benchmark of SMS delivery through a real Kannel: N invitations to phone-only guests, sent by
//! the SMS outbox worker to Kannel's smsbox, carried by bearerbox to `fakesmsc` (the operator),
//! with the delivery reports coming back to Toguna. Prints the rate to the operator and to
//! "delivered", and the segment count of each message in French and English.
//!
//! Needs Debian's `kannel` and `kannel-extras`:
//! `cargo run --release --example bench_sms -- 1000 4` (number of invitations, concurrency).
//! Everything listens on free loopback ports; the Kannel processes are killed at the end.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use toguna::config::Settings;
use toguna::domain::actors::csv_io;
use toguna::domain::events::{self, EventInput};
use toguna::domain::guests::{self, AddGuests};
use toguna::domain::invitations;
use toguna::domain::sms::{AnswerLink, compose};
use toguna::domain::vocab::EventStatus;
use toguna::error::FieldErrors;
use toguna::i18n::Lang;
use toguna::mail::MailContext;
use toguna::mail::compose::MailKind;
use toguna::mail::outbox::OutboxSettings;
use toguna::sms::gsm;

const SECRET: &str = "bench-sms-callback-secret-0123456789";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

struct Processes(Vec<Child>);

impl Drop for Processes {
    fn drop(&mut self) {
        for child in self.0.iter_mut().rev() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

async fn wait_listening(port: u16) -> anyhow::Result<()> {
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    anyhow::bail!("nothing listens on {port}")
}

fn segment_table() {
    let event = toguna::domain::events::Event {
        id: 1,
        kind: toguna::domain::vocab::EventKind::DisseminationWorkshop,
        title: "Restitution à Kayes".into(),
        description: String::new(),
        report_id: None,
        venue_id: None,
        starts_at: chrono::DateTime::parse_from_rfc3339("2030-01-10T09:00:00Z")
            .unwrap()
            .to_utc(),
        ends_at: chrono::DateTime::parse_from_rfc3339("2030-01-10T17:00:00Z")
            .unwrap()
            .to_utc(),
        timezone: "Africa/Bamako".into(),
        language: Lang::Fr,
        capacity: None,
        women_target_percent: None,
        status: EventStatus::Scheduled,
        uid: String::new(),
        sequence: 0,
        moved_sequence: 0,
        moved_from_starts_at: None,
        moved_from_place: String::new(),
        created_at: chrono::Utc::now(),
        updated_at: chrono::Utc::now(),
    };
    let venue = toguna::domain::venues::Venue {
        id: 1,
        name: "Salle de la mairie".into(),
        region: "Kayes".into(),
        town: "Kayes".into(),
        address: String::new(),
        capacity: None,
        latitude: None,
        longitude: None,
        access_notes: String::new(),
        created_at: chrono::Utc::now(),
        updated_at: chrono::Utc::now(),
    };
    let link = AnswerLink {
        url: format!("https://toguna.example.org/r/{}", "K7M29QXDABCDEFGHJKMNPQRSTV"),
        prefix: "K7M2".into(),
    };
    println!(
        "segments per message (title \"{}\", venue \"{}\", link {}):",
        event.title, venue.name, link.url
    );
    for lang in Lang::ALL {
        for kind in [
            MailKind::Invitation,
            MailKind::Update,
            MailKind::Cancellation,
            MailKind::Reminder,
        ] {
            let text = compose(kind, lang, &event, Some(&venue), &link);
            let (gsm_text, coding) = gsm::prepare(&text, false);
            let (_, ucs) = gsm::prepare(&text, true);
            println!(
                "  {} {:<13} {:>3} chars, {} segment(s) in GSM-7, {} in Unicode",
                lang.code(),
                kind.slug(),
                gsm_text.chars().count(),
                gsm::segments(&gsm_text, coding),
                gsm::segments(&text, ucs)
            );
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(1000);
    let concurrency: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(4);
    segment_table();

    let dir = tempfile::tempdir()?;
    let (admin, boxes, operator, sendsms) = (free_port(), free_port(), free_port(), free_port());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let app = format!("http://{}", listener.local_addr()?);
    let conf = dir.path().join("kannel.conf");
    std::fs::write(
        &conf,
        format!(
            "group = core\nadmin-port = {admin}\nadmin-password = admin\nsmsbox-port = {boxes}\nbox-allow-ip = 127.0.0.1\n\
             log-file = \"{d}/bearerbox.log\"\nlog-level = 2\ndlr-storage = internal\n\n\
             group = smsc\nsmsc = fake\nsmsc-id = OPERATOR\nport = {operator}\nconnect-allow-ip = 127.0.0.1\n\n\
             group = smsbox\nbearerbox-host = 127.0.0.1\nsendsms-port = {sendsms}\nlog-file = \"{d}/smsbox.log\"\nlog-level = 2\n\n\
             group = sendsms-user\nusername = toguna\npassword = bench\nconcatenation = true\nmax-messages = 10\n\n\
             group = sms-service\nkeyword = default\ncatch-all = true\nmax-messages = 0\n\
             get-url = \"{app}/sms/kannel/inbound?secret={SECRET}&from=%p&to=%P&text=%a&ts=%T\"\n",
            d = dir.path().display()
        ),
    )?;
    let mut processes = Processes(Vec::new());
    processes.0.push(
        Command::new("/usr/sbin/bearerbox")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?,
    );
    wait_listening(operator).await?;
    wait_listening(boxes).await?;
    let mut fake = Command::new("/usr/lib/kannel/test/fakesmsc")
        .args([
            "-H",
            "127.0.0.1",
            "-r",
            &operator.to_string(),
            "-i",
            "1",
            "-m",
            "0",
            "0 0 text nop",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let received = Arc::new(AtomicUsize::new(0));
    for stream in [
        fake.stdout.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        fake.stderr.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
    ]
    .into_iter()
    .flatten()
    {
        let received = received.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if line.contains("Got message ") {
                    received.fetch_add(1, Ordering::SeqCst);
                }
            }
        });
    }
    processes.0.push(fake);
    processes.0.push(
        Command::new("/usr/sbin/smsbox")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?,
    );
    wait_listening(sendsms).await?;

    let settings = Settings {
        database_url: format!("sqlite://{}?mode=rwc", dir.path().join("bench.db").display()),
        bind: "127.0.0.1:0".into(),
        base_url: app.clone(),
        secret: b"benchmark-secret-benchmark-secret-0123".to_vec(),
        smtp_url: None,
        mail_from: "Toguna <toguna@example.org>".into(),
        data_dir: dir.path().to_path_buf(),
        outbox: OutboxSettings {
            concurrency,
            poll: Duration::from_millis(100),
            ..OutboxSettings::default()
        },
        run_worker: true,
        regions: Default::default(),
        import_max_rows: count + 10,
        server: toguna::server::ServerSettings::default(),
        login: toguna::domain::login::Throttle::default(),
        inbound: Default::default(),
        sms: toguna::sms::SmsSettings::from_env(
            Some(format!("kannel://toguna:bench@127.0.0.1:{sendsms}?from=36180")),
            Some(SECRET.into()),
            Some("off".into()),
        )?,
        retention: Default::default(),
        send_wait: Duration::from_secs(60),
    };
    let state = toguna::prepare(settings.clone()).await?;
    let db = state.db.clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(toguna::serve(state, listener, async {
        let _ = stopped.await;
    }));

    let mut csv = String::from("full_name,category,gender,town,phone,consent_contact,language\n");
    for i in 0..count {
        let language = if i % 2 == 0 { "fr" } else { "en" };
        csv.push_str(&format!(
            "Invité {i},civil_society,male,Kayes,+2237{i:07},yes,{language}\n"
        ));
    }
    let who = toguna::domain::audit::Who::system("bench");
    csv_io::import(&db, &Default::default(), &csv, true, &who, csv_io::OnExisting::Skip).await?;
    let input = EventInput {
        kind: "dissemination_workshop".into(),
        title: "Restitution à Kayes".into(),
        starts_at: "2030-01-10T09:00".into(),
        ends_at: "2030-01-10T17:00".into(),
        ..Default::default()
    };
    let ctx = MailContext::new(&settings, Some(("Awa Coulibaly", "awa@example.org")))?;
    let event = events::create(&db, &input, FieldErrors::new(), &who).await?;
    events::change_status(&db, &ctx, event.id, EventStatus::Scheduled, &who).await?;
    toguna::domain::sms::save_event_settings(
        &db,
        event.id,
        toguna::domain::sms::EventSms {
            unicode: false,
            segment_cap: 1_000_000,
        },
        &who,
    )
    .await?;
    guests::add(
        &db,
        event.id,
        &AddGuests {
            actor_ids: Vec::new(),
            filter: Some(Default::default()),
        },
        &who,
    )
    .await?;

    let started = Instant::now();
    let summary = invitations::send_invitations(&db, &ctx, event.id, &who).await?;
    println!(
        "queued {} SMS in {:.2} s",
        summary.queued,
        started.elapsed().as_secs_f64()
    );
    let segments: i64 = entity::sms_message::Entity::find()
        .all(&db)
        .await?
        .iter()
        .map(|m| i64::from(m.segments))
        .sum();
    let deadline = Duration::from_secs(600);
    while (received.load(Ordering::SeqCst) as i64) < segments && started.elapsed() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let to_operator = started.elapsed();
    println!(
        "{} segments of {} SMS reached fakesmsc in {:.2} s with {concurrency} lanes: {:.0} SMS per second",
        received.load(Ordering::SeqCst),
        summary.queued,
        to_operator.as_secs_f64(),
        summary.queued as f64 / to_operator.as_secs_f64()
    );
    loop {
        let delivered = entity::invitation::Entity::find()
            .filter(entity::invitation::Column::Delivery.eq("delivered"))
            .count(&db)
            .await?;
        if delivered as u64 >= summary.queued || started.elapsed() > deadline {
            let all = started.elapsed();
            println!(
                "{delivered} shown delivered (report back from Kannel) in {:.2} s: {:.0} per second",
                all.as_secs_f64(),
                delivered as f64 / all.as_secs_f64()
            );
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = stop.send(());
    let _ = server.await;
    drop(processes);
    Ok(())
}
