//! The one benchmark: the release server on a fresh database, the actor fixture and a 2,000-guest
//! event loaded through the API, the invitations sent (to a local SMTP sink), then every page
//! under `wrk -c64` as a ratio to `/healthz`, with bytes and the server's peak memory per phase.
//!
//! `cargo build --release && cargo run --release --example bench [-- --database postgres://… --scale --smoke]`
//! (see README, "Benchmarks"; BENCHMARKS.md holds runs). It builds nothing itself: it runs
//! `target/release/toguna`, or the binary given with `--server`.

mod checkin_feed;
mod server;
mod sink;
mod wrk;

use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::{Value, json};

use server::Server;

struct Options {
    binary: String,
    database: Option<String>,
    scale: bool,
    smoke: bool,
    seconds: u32,
    connections: u32,
    /// Guests of the event (`--guests N`, 2,000 by default); past the fixture's 2,501 reachable
    /// actors the fixture is repeated.
    guests: usize,
    /// `--no-load`: import, queueing and delivery only, without the wrk rows.
    no_load: bool,
}

/// What one run measured.
struct Run {
    label: String,
    rows: Vec<(String, Option<wrk::Load>, usize, usize)>,
    phases: Vec<(String, f64, f64)>,
    notes: Vec<String>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut o = Options {
        binary: "target/release/toguna".into(),
        database: None,
        scale: false,
        smoke: false,
        seconds: 8,
        connections: 64,
        guests: 2000,
        no_load: false,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--database" => o.database = args.next().filter(|u| u.starts_with("postgres")),
            "--server" => o.binary = args.next().context("--server needs a path")?,
            "--scale" => o.scale = true,
            "--smoke" => o.smoke = true,
            "--seconds" => o.seconds = args.next().context("--seconds needs a number")?.parse()?,
            "--guests" => o.guests = args.next().context("--guests needs a number")?.parse()?,
            "--no-load" => o.no_load = true,
            other => {
                anyhow::bail!(
                    "unknown option {other}: --database URL, --server PATH, --scale, --smoke, --seconds N, --guests N, --no-load"
                )
            }
        }
    }
    if o.smoke {
        o.seconds = 1;
        o.connections = 8;
    }
    anyhow::ensure!(
        std::path::Path::new(&o.binary).exists(),
        "{} is missing: run `cargo build --release` first (the benchmark builds nothing)",
        o.binary
    );
    let fixture = std::fs::read_to_string("fixtures/actors-5000.csv")
        .or_else(|_| std::fs::read_to_string("../shared/fixtures/actors-5000.csv"))
        .context("fixtures/actors-5000.csv")?;
    let db_name = if o.database.is_some() { "PostgreSQL" } else { "SQLite" };
    println!(
        "# Toguna benchmark — {db_name}, wrk -t2 -c{} -d{}s\n",
        o.connections, o.seconds
    );
    let runs = if o.smoke {
        vec![scenario(&o, "smoke: 300 actors, 100 guests", &first_rows(&fixture, 300), 100).await?]
    } else if o.scale {
        let small = scenario(&o, "500 actors, 200 guests", &first_rows(&fixture, 500), 200).await?;
        let big = scenario(&o, "50,000 actors, 20,000 guests", &scaled(&fixture, 10), 20_000).await?;
        vec![small, big]
    } else if o.guests != 2000 {
        // The fixture holds 2,501 actors reachable by email; repeat it for larger events.
        let times = o.guests.div_ceil(2500).max(1);
        let label = format!("{} actors, {} guests", 5000 * times, o.guests);
        vec![scenario(&o, &label, &scaled(&fixture, times), o.guests).await?]
    } else {
        vec![scenario(&o, "5,000 actors, 2,000 guests", &fixture, 2000).await?]
    };
    for run in &runs {
        print_run(run);
    }
    if let [small, big] = runs.as_slice() {
        println!("\n## Cost in list size: req/s at 50,000/20,000 as a share of 500/200\n");
        println!("| row | small req/s | large req/s | large / small |\n|---|---:|---:|---:|");
        for ((name, a, ..), (_, b, ..)) in small.rows.iter().zip(&big.rows) {
            if let (Some(a), Some(b)) = (a, b) {
                println!(
                    "| {name} | {:.0} | {:.0} | {:.0} % |",
                    a.rps,
                    b.rps,
                    100.0 * b.rps / a.rps.max(0.001)
                );
            }
        }
    }
    Ok(())
}

fn print_run(run: &Run) {
    println!("\n## {}\n", run.label);
    println!(
        "| row | req/s | % of /healthz | p50 ms | p99 ms | errors | bytes | gzip |\n|---|---:|---:|---:|---:|---:|---:|---:|"
    );
    let health = run
        .rows
        .first()
        .and_then(|r| r.1.as_ref())
        .map(|l| l.rps)
        .unwrap_or(1.0);
    for (name, load, raw, gz) in &run.rows {
        match load {
            Some(l) => println!(
                "| {name} | {:.0} | {:.1} % | {:.2} | {:.2} | {} | {raw} | {gz} |",
                l.rps,
                100.0 * l.rps / health,
                l.p50_ms,
                l.p99_ms,
                l.errors
            ),
            None => println!("| {name} | — | — | — | — | — | {raw} | {gz} |"),
        }
    }
    println!("\n| phase | seconds | server peak RSS (MiB) |\n|---|---:|---:|");
    for (phase, secs, mib) in &run.phases {
        println!("| {phase} | {secs:.2} | {mib:.1} |");
    }
    for note in &run.notes {
        println!("- {note}");
    }
}

fn first_rows(csv: &str, n: usize) -> String {
    csv.lines().take(n + 1).collect::<Vec<_>>().join("\n") + "\n"
}

/// The fixture `times` over, each copy with its own names and addresses.
fn scaled(csv: &str, times: usize) -> String {
    let mut lines = csv.lines();
    let header = lines.next().unwrap_or_default();
    let rows: Vec<&str> = lines.collect();
    let mut out = String::from(header);
    out.push('\n');
    for k in 0..times {
        for row in &rows {
            // Only the first field (the name) and the address change: `Name 3`, `local.3@domain`.
            let row = match row.split_once(',') {
                Some((name, rest)) => format!("{name} {k},{rest}"),
                None => row.to_string(),
            };
            let row = match row.find('@') {
                Some(at) if k > 0 => format!("{}.{k}{}", &row[..at], &row[at..]),
                _ => row,
            };
            // The phone too (its last pair moves by `k`): the import merges rows sharing a phone, which
            // left 7,890 of the 20,000 guests the scaled run asks for.
            let moved = match row.rsplitn(3, ',').collect::<Vec<_>>()[..] {
                [consent, phone, rest] if k > 0 && phone.len() > 2 => {
                    let (head, pair) = phone.split_at(phone.len() - 2);
                    let pair = (pair.parse::<usize>().unwrap_or(0) + k) % 100;
                    Some(format!("{rest},{head}{pair:02},{consent}"))
                }
                _ => None,
            };
            let row = moved.unwrap_or(row);
            out.push_str(&row);
            out.push('\n');
        }
    }
    out
}

async fn scenario(o: &Options, label: &str, csv: &str, guests: usize) -> anyhow::Result<Run> {
    // The sink holds its greeting until the queue is complete: delivery is then measured alone.
    let (smtp_port, received) = sink::start(400, true).await?;
    let tag = if guests > 5000 { "big" } else { "small" };
    let server = Server::start(&o.binary, o.database.as_deref(), smtp_port, tag).await?;
    let base = server.base.clone();
    server.cli(
        &[
            "user",
            "add",
            "--email",
            "awa@example.org",
            "--name",
            "Awa Coulibaly",
            "--role",
            "organizer",
        ],
        "un mot de passe sûr pour le banc\n",
    )?;
    let token = server
        .cli(&["token", "add", "--email", "awa@example.org"], "")?
        .trim()
        .to_string();
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let browser = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let login = browser.get(format!("{base}/login")).send().await?.text().await?;
    let csrf = meta_csrf(&login).context("the sign-in page has a CSRF token")?;
    let signed_in = browser
        .post(format!("{base}/login"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("email", "awa@example.org"),
            ("password", "un mot de passe sûr pour le banc"),
        ])
        .send()
        .await?;
    anyhow::ensure!(signed_in.status().is_redirection(), "sign-in: {}", signed_in.status());
    let cookie = reqwest::cookie::CookieStore::cookies(jar.as_ref(), &base.parse()?)
        .and_then(|v| v.to_str().ok().map(str::to_string))
        .unwrap_or_default();
    let api = Api {
        client: reqwest::Client::new(),
        base: base.clone(),
        token: token.clone(),
    };
    let mut run = Run {
        label: label.to_string(),
        rows: Vec::new(),
        phases: Vec::new(),
        notes: Vec::new(),
    };
    server.phase_peak();

    // Import, in files of 10,000 rows as an organizer would split a large directory.
    let started = Instant::now();
    let mut lines = csv.lines();
    let header = lines.next().unwrap_or_default().to_string();
    let rows: Vec<&str> = lines.collect();
    for part in rows.chunks(10_000) {
        let body = format!("{header}\n{}\n", part.join("\n"));
        let r = api
            .client
            .post(format!("{base}/api/v1/actors/import"))
            .bearer_auth(&token)
            .header("content-type", "text/csv; charset=utf-8")
            .body(body)
            .send()
            .await?;
        anyhow::ensure!(r.status().is_success(), "import: {} {}", r.status(), r.text().await?);
    }
    run.phases
        .push(("import".into(), started.elapsed().as_secs_f64(), server.phase_peak()));

    // The event and its guests: the first `guests` actors reachable by email.
    let mut ids = Vec::new();
    let mut page = 1;
    while ids.len() < guests {
        let list = api
            .get(&format!("/api/v1/actors?has_email=yes&per_page=200&page={page}"))
            .await?;
        let items = list["items"].as_array().cloned().unwrap_or_default();
        if items.is_empty() {
            break;
        }
        ids.extend(
            items
                .iter()
                .filter(|a| a["consent_contact"] == true)
                .filter_map(|a| a["id"].as_i64()),
        );
        page += 1;
    }
    ids.truncate(guests);
    let event = api
        .post(
            "/api/v1/events",
            json!({"kind": "dissemination_workshop", "title": "Lancement national du rapport",
        "starts_at": "2030-03-10T09:00", "ends_at": "2030-03-10T17:00"}),
        )
        .await?;
    let event_id = event["id"].as_i64().context("event id")?;
    api.post(&format!("/api/v1/events/{event_id}/schedule"), json!({}))
        .await?;
    for part in ids.chunks(5000) {
        api.post(
            &format!("/api/v1/events/{event_id}/invitations"),
            json!({"actor_ids": part}),
        )
        .await?;
    }

    // Queueing: the request, then the job to its end.
    let started = Instant::now();
    let r = api
        .client
        .post(format!("{base}/api/v1/events/{event_id}/invitations/send"))
        .bearer_auth(&token)
        .send()
        .await?;
    let answered = started.elapsed();
    let location = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let job: Value = r.json().await?;
    let mut status = job["status"].as_str().unwrap_or_default().to_string();
    while status == "running" {
        tokio::time::sleep(Duration::from_millis(20)).await;
        status = api.get(&location).await?["status"]
            .as_str()
            .unwrap_or_default()
            .to_string();
    }
    let queued_in = started.elapsed();
    run.phases
        .push(("queueing".into(), queued_in.as_secs_f64(), server.phase_peak()));
    let n = job["queued"].as_u64().unwrap_or(0);
    run.notes.push(format!(
        "send request answered in {:.0} ms; {n} invitations queued in {:.2} s ({:.0}/s), job {status}",
        answered.as_secs_f64() * 1000.0,
        queued_in.as_secs_f64(),
        n as f64 / queued_in.as_secs_f64()
    ));

    delivery_phase(&mut run, &server, &received, smtp_port, n, started).await?;
    let messages = received.messages.lock().unwrap().clone();
    let answers: Vec<String> = messages.iter().filter_map(|m| rsvp_path(m.as_slice())).collect();

    // Load.
    if o.no_load {
        run.phases.push(("whole run (VmHWM)".into(), 0.0, server.hwm()));
        server.stop()?;
        return Ok(run);
    }
    let auth = vec![("Authorization".to_string(), format!("Bearer {token}"))];
    let session = vec![("Cookie".to_string(), cookie)];
    // A guest's browser sends neither a cookie nor a token: the answer page must not pay for either.
    let guest: Headers = Vec::new();
    let data_path = format!("/events/{event_id}/checkin/guests");
    let (etag, first_view) = checkin_feed::first_download(&base, &data_path, &session).await?;
    run.notes.push(first_view);
    let revalidating = checkin_feed::revalidating(&session, &etag);
    let rows: Vec<(&str, Vec<String>, &Headers)> = vec![
        ("/healthz", vec!["/healthz".into()], &auth),
        ("answer page GET /rsvp/{token}", answers.clone(), &guest),
        ("event page (organizer)", vec![format!("/events/{event_id}")], &session),
        ("actor list page", vec!["/actors".into()], &session),
        (
            "guest list API, 100",
            vec![format!("/api/v1/events/{event_id}/invitations?per_page=100")],
            &auth,
        ),
        (
            "attendance summary API",
            vec![format!("/api/v1/events/{event_id}/attendance/summary")],
            &auth,
        ),
        // What a desk loads on each view after the first: the page, then its kept guest data
        // revalidated (wrk alternates them; the page ignores the If-None-Match).
        (
            "check-in page + guest data",
            vec![format!("/events/{event_id}/checkin"), data_path.clone()],
            &revalidating,
        ),
        // The first view's full download, 64 at once: the server's memory must stay bounded.
        ("check-in guest data, full download", vec![data_path.clone()], &session),
        ("event .ics", vec![format!("/events/{event_id}/invite.ics")], &session),
        (
            "check-in marks API, 100",
            vec![format!("/api/v1/events/{event_id}/attendance?per_page=100")],
            &auth,
        ),
    ];
    let started = Instant::now();
    for (name, paths, headers) in rows {
        if paths.is_empty() {
            run.rows.push((format!("{name} (no answer link found)"), None, 0, 0));
            continue;
        }
        // "page + data" rows count the bytes of every path; rotating answer links count one.
        let (raw, gz) = page_sizes(&base, &paths, headers, name.contains(" + ")).await?;
        let load = wrk::run(&base, &paths, headers, o.connections, o.seconds)?;
        run.rows.push((name.to_string(), Some(load), raw, gz));
    }
    run.phases
        .push(("load".into(), started.elapsed().as_secs_f64(), server.phase_peak()));
    run.phases.push(("whole run (VmHWM)".into(), 0.0, server.hwm()));
    server.stop()?;
    Ok(run)
}

/// Request headers of one row (the cookie or the bearer token).
type Headers = Vec<(String, String)>;

struct Api {
    client: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    async fn get(&self, path: &str) -> anyhow::Result<Value> {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await?;
        anyhow::ensure!(r.status().is_success(), "GET {path}: {}", r.status());
        Ok(r.json().await?)
    }

    async fn post(&self, path: &str, body: Value) -> anyhow::Result<Value> {
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await?;
        anyhow::ensure!(
            r.status().is_success(),
            "POST {path}: {} {}",
            r.status(),
            r.text().await?
        );
        Ok(r.json().await?)
    }
}

/// The bytes of one row: its first path, or with `whole` every path (a page and its data).
async fn page_sizes(
    base: &str,
    paths: &[String],
    headers: &[(String, String)],
    whole: bool,
) -> anyhow::Result<(usize, usize)> {
    let mut total = (0, 0);
    for path in paths.iter().take(if whole { paths.len() } else { 1 }) {
        let (raw, gz) = sizes(base, path, headers).await?;
        total = (total.0 + raw, total.1 + gz);
    }
    Ok(total)
}

/// The body size of one answer, plain and gzipped (reqwest here does not decompress).
async fn sizes(base: &str, path: &str, headers: &[(String, String)]) -> anyhow::Result<(usize, usize)> {
    let client = reqwest::Client::new();
    let mut out = [0usize; 2];
    for (i, encoding) in ["identity", "gzip"].iter().enumerate() {
        let mut request = client.get(format!("{base}{path}")).header("accept-encoding", *encoding);
        for (k, v) in headers {
            request = request.header(k, v);
        }
        let r = request.send().await?;
        // A revalidated copy (304) counts its empty body: that is what the desk receives.
        anyhow::ensure!(
            r.status().is_success() || r.status() == reqwest::StatusCode::NOT_MODIFIED,
            "GET {path}: {}",
            r.status()
        );
        out[i] = r.bytes().await?.len();
    }
    Ok((out[0], out[1]))
}

/// The answer link in a delivered message's text part.
fn rsvp_path(message: &[u8]) -> Option<String> {
    let parsed = mail_parser::MessageParser::default().parse(message)?;
    let text = parsed.body_text(0)?.to_string();
    let at = text.find("/rsvp/")?;
    let token: String = text[at + 6..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    (token.len() >= 16).then(|| format!("/rsvp/{token}"))
}

fn meta_csrf(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf-token\"")?;
    let rest = &html[at..];
    let start = rest.find("content=\"")? + 9;
    let end = rest[start..].find('"')?;
    Some(rest[start..start + end].to_string())
}

/// Sends `count` messages (the captured ones, in turn) with lettre over `lanes` connections.
async fn bare_loop(port: u16, messages: &[Vec<u8>], count: usize, lanes: usize) -> anyhow::Result<Duration> {
    use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
    let started = Instant::now();
    let mut tasks = Vec::new();
    for lane in 0..lanes {
        let messages = messages.to_vec();
        tasks.push(tokio::spawn(async move {
            let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
                .port(port)
                .pool_config(lettre::transport::smtp::PoolConfig::new().max_size(1))
                .build();
            let envelope = lettre::address::Envelope::new(
                Some("toguna@example.org".parse().unwrap()),
                vec!["guest@example.org".parse().unwrap()],
            )
            .unwrap();
            let mut i = lane;
            while i < count {
                transport.send_raw(&envelope, &messages[i % messages.len()]).await?;
                i += lanes;
            }
            Ok::<_, lettre::transport::smtp::Error>(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    Ok(started.elapsed())
}

/// Delivery of the already-queued outbox (the sink's gate opens now), then the bare lettre loop
/// sending the same messages over the same number of connections; notes both and their ratio.
async fn delivery_phase(
    run: &mut Run,
    server: &Server,
    received: &sink::Received,
    smtp_port: u16,
    n: u64,
    clicked: Instant,
) -> anyhow::Result<()> {
    let opened = received.open_gate();
    let deadline = opened + Duration::from_secs(600);
    while (received.count.load(std::sync::atomic::Ordering::SeqCst) as u64) < n && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let last = received
        .span
        .lock()
        .unwrap()
        .take()
        .map(|(_, last)| last)
        .unwrap_or(opened);
    let delivered_in = last.saturating_duration_since(opened).as_secs_f64().max(1e-3);
    let end_to_end = last.saturating_duration_since(clicked).as_secs_f64();
    run.phases.push((
        "delivery (queued outbox)".into(),
        opened.elapsed().as_secs_f64(),
        server.phase_peak(),
    ));
    let lanes = 4;
    let messages = received.messages.lock().unwrap().clone();
    if n > 0 && !messages.is_empty() {
        bare_loop(smtp_port, &messages, n as usize, lanes).await?;
        let bare = received.take_span().max(1e-3);
        run.notes.push(format!(
            "delivery of the queued outbox: {n} messages in {delivered_in:.2} s ({:.0}/s) by the worker over {lanes} connections \
             (gate opened to last message at the sink); the bare lettre loop, same messages, same sink, {lanes} connections: \
             {bare:.2} s ({:.0}/s); the worker does {:.0} % of the bare loop",
            n as f64 / delivered_in,
            n as f64 / bare,
            100.0 * bare / delivered_in
        ));
        run.notes.push(format!(
            "end to end (send click to the last message at the sink, queueing then delivery): {end_to_end:.2} s"
        ));
    }
    Ok(())
}
