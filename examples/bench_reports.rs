//! Benchmark of the report versions: a report of 40 sections and 500 outcomes over 5 workshops,
//! two published versions with edits and decisions between them.
//!
//! `cargo run --release --example bench_reports` (SQLite in a temporary folder), or with
//! `DATABASE_URL=postgres://…/postgres` to measure PostgreSQL (a scratch database is made and dropped).
//! Prints medians of 5 runs: the diff data of version 2 against 1, the whole version page over HTTP
//! as an editor's browser gets it, the Markdown export with its annex, and the traceability page.

#[path = "support/scratch.rs"]
mod scratch;
use scratch::Scratch;

use std::time::{Duration, Instant};

use chrono::Utc;
use entity::{event, outcome, outcome_decision, report_section, venue};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use toguna::domain::reports::{self, NewReport};
use toguna::domain::sections::NewSection;
use toguna::domain::versions::{self, diff, export};

const RUNS: usize = 5;
const SECTIONS: usize = 40;
const OUTCOMES: usize = 500;
const EVENTS: usize = 5;
const PASSWORD: &str = "un mot de passe de banc d'essai";

fn median(mut samples: Vec<Duration>) -> f64 {
    samples.sort();
    samples[samples.len() / 2].as_secs_f64() * 1000.0
}

/// A paragraph of about 1,500 characters, different for each section.
fn body(i: usize) -> String {
    (0..12)
        .map(|p| {
            format!(
                "Paragraphe {p} de la section {i} : les personnes consultées à Kayes, Sikasso et Ségou décrivent \
                 la présence des femmes dans les forces de défense et de sécurité comme un facteur de confiance."
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

async fn seed_events<C: ConnectionTrait>(db: &C, report_id: i32) -> anyhow::Result<Vec<i32>> {
    let now = Utc::now();
    let mut ids = Vec::new();
    for (n, region) in ["Kayes", "Koulikoro", "Sikasso", "Ségou", "Mopti"]
        .iter()
        .enumerate()
        .take(EVENTS)
    {
        let place = venue::ActiveModel {
            name: Set(format!("Salle de {region}")),
            region: Set(region.to_string()),
            town: Set(region.to_string()),
            address: Set(String::new()),
            access_notes: Set(String::new()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        let e = event::ActiveModel {
            kind: Set("dissemination_workshop".into()),
            title: Set(format!("Restitution à {region}")),
            description: Set(String::new()),
            report_id: Set(Some(report_id)),
            venue_id: Set(Some(place.id)),
            starts_at: Set(now),
            ends_at: Set(now),
            timezone: Set("Africa/Bamako".into()),
            language: Set("fr".into()),
            status: Set("completed".into()),
            uid: Set(format!("bench-{n}-{}", uuid::Uuid::new_v4())),
            sequence: Set(0),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        ids.push(e.id);
    }
    Ok(ids)
}

/// 500 outcomes spread over the sections and events; every fifth gets accepted with a text edit
/// (the decision row keeps the words it changed), every seventh rejected, the rest stay open.
async fn seed_outcomes<C: ConnectionTrait>(db: &C, events: &[i32], sections: &[i32]) -> anyhow::Result<()> {
    let now = Utc::now();
    for i in 0..OUTCOMES {
        let section_id = sections[i % sections.len()];
        let status = if i % 5 == 0 {
            "accepted"
        } else if i % 7 == 0 {
            "rejected"
        } else {
            "open"
        };
        let o = outcome::ActiveModel {
            event_id: Set(events[i % events.len()]),
            section_id: Set(Some(section_id)),
            kind: Set("amendment".into()),
            summary: Set(format!("Point {i} soulevé par la salle")),
            proposed_text: Set(format!("Texte proposé {i}.")),
            voiced_by: Set("women_organization,youth_organization".into()),
            agreement: Set("consensus".into()),
            status: Set(status.into()),
            rationale: Set(format!("Justification {i}")),
            decided_at: Set((status != "open").then_some(now)),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        if status == "accepted" {
            let before = body(section_id as usize);
            outcome_decision::ActiveModel {
                outcome_id: Set(o.id),
                decision: Set("accepted".into()),
                rationale: Set(format!("Justification {i}")),
                section_id: Set(Some(section_id)),
                section_body_after: Set(Some(format!("{before} Ajout demandé par l'atelier ({i})."))),
                section_body_before: Set(Some(before)),
                decided_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

/// A browser signed in as an editor, through the login form like a person.
async fn editor_browser(state: &toguna::AppState, base: &str) -> anyhow::Result<reqwest::Client> {
    toguna::domain::users::create(
        &state.db,
        toguna::domain::users::NewUser {
            email: "bench@example.org".into(),
            name: "Banc d'essai".into(),
            role: "editor".into(),
            password: PASSWORD.into(),
        },
        &toguna::domain::audit::Who::system("bench"),
    )
    .await?;
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let login = client.get(format!("{base}/login")).send().await?.text().await?;
    let token = login
        .split("name=\"csrf-token\" content=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_string();
    let form = [
        ("csrf_token", token.as_str()),
        ("email", "bench@example.org"),
        ("password", PASSWORD),
    ];
    let signed_in = client.post(format!("{base}/login")).form(&form).send().await?;
    anyhow::ensure!(
        signed_in.status().is_redirection(),
        "sign-in failed: {}",
        signed_in.status()
    );
    Ok(client)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let scratch = Scratch::new("reports").await?;
    let settings = toguna::config::Settings {
        database_url: scratch.url.clone(),
        bind: "127.0.0.1:0".into(),
        base_url: String::new(),
        secret: b"bench-reports-secret-bench-reports-secret".to_vec(),
        smtp_url: None,
        mail_from: "Toguna <toguna@example.org>".into(),
        data_dir: scratch.dir.path().to_path_buf(),
        outbox: Default::default(),
        run_worker: false,
        regions: Default::default(),
        import_max_rows: toguna::domain::actors::csv_io::DEFAULT_MAX_ROWS,
        server: toguna::server::ServerSettings::default(),
        login: toguna::domain::login::Throttle::default(),
        inbound: Default::default(),
        retention: Default::default(),
        sms: Default::default(),
        send_wait: std::time::Duration::from_millis(100),
    };
    let state = toguna::prepare(settings).await?;
    let db = state.db.clone();

    let input = NewReport {
        title: "Rapport de banc d'essai".into(),
        language: "fr".into(),
        sections: (0..SECTIONS)
            .map(|i| NewSection {
                heading: format!("Section {i}"),
                body: body(i),
                kind: "finding".into(),
            })
            .collect(),
    };
    let report = reports::create(&db, &input, &toguna::domain::audit::Who::system("bench")).await?;
    let report_id = report.report.id;
    let section_ids: Vec<i32> = report.sections.iter().map(|s| s.id).collect();
    let events = seed_events(&db, report_id).await?;
    versions::publish(
        &db,
        report_id,
        "Résultats préliminaires",
        None,
        &toguna::domain::audit::Who::system("bench"),
    )
    .await?;
    seed_outcomes(&db, &events, &section_ids).await?;
    // Between the versions, half the sections gain a sentence and lose a few words.
    for (i, id) in section_ids.iter().enumerate().filter(|(i, _)| i % 2 == 0) {
        let edited = body(i).replacen("comme un facteur", "comme un facteur essentiel", 3) + " Ajout de l'atelier.";
        report_section::Entity::update_many()
            .col_expr(report_section::Column::Body, Expr::value(edited))
            .filter(report_section::Column::Id.eq(*id))
            .exec(&db)
            .await?;
    }
    versions::publish(
        &db,
        report_id,
        "Rapport final",
        None,
        &toguna::domain::audit::Who::system("bench"),
    )
    .await?;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let browser = editor_browser(&state, &base);
    let server = tokio::spawn(toguna::serve(state.clone(), listener, async {
        let _ = stopped.await;
    }));
    let client = browser.await?;

    let (mut data, mut page, mut md) = (Vec::new(), Vec::new(), Vec::new());
    let (mut trace_data, mut trace_page) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let started = Instant::now();
        let comparison = diff::compare(&db, report_id, 1, diff::Side::Version(2)).await?;
        data.push(started.elapsed());
        assert_eq!(comparison.changes.len(), SECTIONS / 2);

        let started = Instant::now();
        let response = client
            .get(format!("{base}/reports/{report_id}/versions/2"))
            .send()
            .await?;
        let status = response.status();
        let html = response.text().await?;
        page.push(started.elapsed());
        anyhow::ensure!(status.is_success(), "version page: {status}");
        anyhow::ensure!(html.contains("<ins>"), "the page shows the word diff");

        let started = Instant::now();
        let doc = export::document(&db, report_id, 2).await?;
        let text = export::markdown(&doc);
        md.push(started.elapsed());
        assert!(text.contains("Restitution à Kayes"));

        let started = Instant::now();
        let trace = toguna::domain::review::traceability::traceability(&db, report_id).await?;
        trace_data.push(started.elapsed());
        drop(trace);
        let started = Instant::now();
        let response = client
            .get(format!("{base}/reports/{report_id}/traceability"))
            .send()
            .await?;
        let status = response.status();
        let html = response.text().await?;
        trace_page.push(started.elapsed());
        anyhow::ensure!(
            status.is_success() && html.contains("<svg"),
            "traceability page: {status}"
        );
    }
    let accepted = OUTCOMES.div_ceil(5);
    println!(
        "report of {SECTIONS} sections, {OUTCOMES} outcomes over {EVENTS} workshops ({accepted} accepted with an edit), {} sections changed between versions 1 and 2",
        SECTIONS / 2
    );
    println!(
        "diff data (version 2 against 1, with outcomes behind each change): median {:.2} ms over {RUNS} runs",
        median(data)
    );
    println!(
        "version page over HTTP (diff + HTML): median {:.2} ms over {RUNS} runs",
        median(page)
    );
    println!(
        "Markdown export with the workshops annex: median {:.2} ms over {RUNS} runs",
        median(md)
    );
    println!(
        "traceability data (matrix and uptake): median {:.2} ms; traceability page over HTTP: median {:.2} ms over {RUNS} runs",
        median(trace_data),
        median(trace_page)
    );

    let _ = stop.send(());
    server.await??;
    db.close().await.ok();
    scratch.remove().await
}
