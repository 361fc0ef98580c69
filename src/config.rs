//! Settings read once from the environment (and `.env` when present).

use std::path::{Path, PathBuf};

use anyhow::Context;
use rand::RngCore;

/// Everything the service needs to know about where it runs.
#[derive(Clone, Debug)]
pub struct Settings {
    pub database_url: String,
    pub bind: String,
    pub base_url: String,
    pub secret: Vec<u8>,
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub data_dir: PathBuf,
    pub outbox: crate::mail::outbox::OutboxSettings,
    /// Whether this process runs the outbox worker (`TOGUNA_WORKER=off` for web-only processes).
    pub run_worker: bool,
    /// The regions venues, actors and walk-ins may name (`TOGUNA_REGIONS`, Mali's by default).
    pub regions: crate::domain::regions::Regions,
    /// The most data lines one CSV import may hold (`TOGUNA_IMPORT_MAX_ROWS`).
    pub import_max_rows: usize,
    /// Timeouts for slow clients and the cap on connections.
    pub server: crate::server::ServerSettings,
    /// Growing waits after failed sign-ins.
    pub login: crate::domain::login::Throttle,
    /// The inbound mailbox (calendar replies): `TOGUNA_IMAP_URL`, `TOGUNA_IMAP_POLL_SECONDS`,
    /// `TOGUNA_REPLY_PLUS_ADDRESSING`.
    pub inbound: crate::mail::inbound::InboundSettings,
    /// How long delivered mail, login attempts and sessions are kept (`TOGUNA_RETENTION_DAYS`).
    pub retention: crate::domain::retention::RetentionSettings,
    /// `TOGUNA_SMS_URL`, `TOGUNA_SMS_SECRET`, `TOGUNA_SMS_QUIET`.
    pub sms: crate::sms::SmsSettings,
    /// How long "Send invitations" waits for its background job before answering with the
    /// job's progress (`TOGUNA_SEND_WAIT_MS`, 100 ms): small lists answer finished.
    pub send_wait: std::time::Duration,
}

impl Settings {
    /// Reads the environment; creates `./data/` and a persistent secret when needed.
    pub fn from_env() -> anyhow::Result<Self> {
        let data_dir = data_dir_from_env();
        std::fs::create_dir_all(&data_dir)
            .with_context(|| format!("cannot create the data folder {}", data_dir.display()))?;
        let bind = var("TOGUNA_BIND").unwrap_or_else(|| "127.0.0.1:3000".into());
        let database_url = var("DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", data_dir.join("toguna.db").display()));
        let base_url = var("TOGUNA_BASE_URL")
            .unwrap_or_else(|| format!("http://{bind}"))
            .trim_end_matches('/')
            .to_string();
        let secret = match var("TOGUNA_SECRET") {
            Some(s) if s.len() >= 32 => s.into_bytes(),
            Some(_) => anyhow::bail!("TOGUNA_SECRET must be at least 32 characters long"),
            None => load_or_create_secret(&data_dir)?,
        };
        Ok(Self {
            database_url,
            bind,
            base_url,
            secret,
            smtp_url: var("TOGUNA_SMTP_URL"),
            mail_from: var("TOGUNA_MAIL_FROM").unwrap_or_else(|| "Toguna <toguna@localhost>".into()),
            data_dir,
            outbox: outbox_from_env()?,
            run_worker: var("TOGUNA_WORKER").is_none_or(|v| v != "off"),
            regions: match var("TOGUNA_REGIONS") {
                Some(list) => crate::domain::regions::Regions::parse(&list)
                    .context("TOGUNA_REGIONS must list regions separated by `;`")?,
                None => crate::domain::regions::Regions::default(),
            },
            import_max_rows: match var("TOGUNA_IMPORT_MAX_ROWS") {
                Some(n) => n.parse().context("TOGUNA_IMPORT_MAX_ROWS must be a whole number")?,
                None => crate::domain::actors::csv_io::DEFAULT_MAX_ROWS,
            },
            server: server_from_env()?,
            login: login_from_env()?,
            inbound: inbound_from_env()?,
            retention: retention_from_env()?,
            sms: crate::sms::SmsSettings::from_env(
                var("TOGUNA_SMS_URL"),
                var("TOGUNA_SMS_SECRET"),
                var("TOGUNA_SMS_QUIET"),
            )?,
            send_wait: match var("TOGUNA_SEND_WAIT_MS") {
                Some(n) => {
                    std::time::Duration::from_millis(n.parse().context("TOGUNA_SEND_WAIT_MS must be a whole number")?)
                }
                None => std::time::Duration::from_millis(100),
            },
        })
    }

    /// The sender mailbox of outgoing mail.
    pub fn from_mailbox(&self) -> anyhow::Result<lettre::message::Mailbox> {
        self.mail_from
            .parse()
            .with_context(|| format!("TOGUNA_MAIL_FROM is not an address: {}", self.mail_from))
    }

    /// Cookies get the `Secure` flag only when the public address is HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

/// `TOGUNA_DATA_DIR`, by default `data` (read alone by `toguna restore`, which must not create a secret).
pub fn data_dir_from_env() -> PathBuf {
    PathBuf::from(var("TOGUNA_DATA_DIR").unwrap_or_else(|| "data".into()))
}

/// Whether `DATABASE_URL` points at PostgreSQL.
pub fn database_is_postgres() -> bool {
    var("DATABASE_URL").is_some_and(|url| url.starts_with("postgres"))
}

fn outbox_from_env() -> anyhow::Result<crate::mail::outbox::OutboxSettings> {
    let mut outbox = crate::mail::outbox::OutboxSettings::default();
    if let Some(n) = var("TOGUNA_MAIL_CONCURRENCY") {
        outbox.concurrency = n.parse().context("TOGUNA_MAIL_CONCURRENCY must be a whole number")?;
    }
    if let Some(n) = var("TOGUNA_MAIL_RETRY_SECONDS") {
        outbox.retry_base =
            std::time::Duration::from_secs_f64(n.parse().context("TOGUNA_MAIL_RETRY_SECONDS must be a number")?);
    }
    if let Some(n) = var("TOGUNA_REMINDER_DAYS") {
        outbox.reminder_days = n.parse().context("TOGUNA_REMINDER_DAYS must be a whole number")?;
    }
    if let Some(n) = var("TOGUNA_MAIL_LEASE_SECONDS") {
        outbox.lease =
            std::time::Duration::from_secs_f64(n.parse().context("TOGUNA_MAIL_LEASE_SECONDS must be a number")?);
    }
    if let Some(rate) = var("TOGUNA_MAIL_RATE") {
        outbox.rate = Some(
            crate::mail::rate::Rate::parse(&rate)
                .with_context(|| format!("TOGUNA_MAIL_RATE must read like 300/h (per s, m, h or d), not {rate:?}"))?,
        );
    }
    if let Some(n) = var("TOGUNA_MAIL_THROTTLE_SECONDS") {
        outbox.throttle_backoff =
            std::time::Duration::from_secs_f64(n.parse().context("TOGUNA_MAIL_THROTTLE_SECONDS must be a number")?);
    }
    if let Some(n) = var("TOGUNA_WORKER_STALL_SECONDS") {
        outbox.stall_after =
            std::time::Duration::from_secs_f64(n.parse().context("TOGUNA_WORKER_STALL_SECONDS must be a number")?);
    }
    Ok(outbox)
}

fn server_from_env() -> anyhow::Result<crate::server::ServerSettings> {
    let mut server = crate::server::ServerSettings::default();
    if let Some(s) = seconds("TOGUNA_HEADER_TIMEOUT_SECONDS")? {
        server.header_timeout = s;
    }
    if let Some(s) = seconds("TOGUNA_BODY_TIMEOUT_SECONDS")? {
        server.body_timeout = s;
    }
    if let Some(n) = var("TOGUNA_MAX_CONNECTIONS") {
        server.max_connections = n.parse().context("TOGUNA_MAX_CONNECTIONS must be a whole number")?;
    }
    Ok(server)
}

fn login_from_env() -> anyhow::Result<crate::domain::login::Throttle> {
    let mut login = crate::domain::login::Throttle::default();
    if let Some(n) = var("TOGUNA_LOGIN_FREE_FAILURES") {
        login.free_failures = n.parse().context("TOGUNA_LOGIN_FREE_FAILURES must be a whole number")?;
    }
    if let Some(s) = seconds("TOGUNA_LOGIN_MAX_WAIT_SECONDS")? {
        login.max_delay = s;
    }
    Ok(login)
}

fn retention_from_env() -> anyhow::Result<crate::domain::retention::RetentionSettings> {
    let mut retention = crate::domain::retention::RetentionSettings::default();
    if let Some(n) = var("TOGUNA_RETENTION_DAYS") {
        retention.outbox_days = n
            .parse()
            .ok()
            .filter(|d| *d >= 1)
            .context("TOGUNA_RETENTION_DAYS must be a whole number of days, at least 1")?;
    }
    Ok(retention)
}

/// A positive number of seconds, fractions allowed.
fn seconds(name: &str) -> anyhow::Result<Option<std::time::Duration>> {
    let Some(raw) = var(name) else {
        return Ok(None);
    };
    let value: f64 = raw
        .parse()
        .with_context(|| format!("{name} must be a number of seconds"))?;
    anyhow::ensure!(
        value.is_finite() && value > 0.0,
        "{name} must be a positive number of seconds"
    );
    Ok(Some(std::time::Duration::from_secs_f64(value)))
}

fn inbound_from_env() -> anyhow::Result<crate::mail::inbound::InboundSettings> {
    let mut inbound = crate::mail::inbound::InboundSettings::default();
    if let Some(url) = var("TOGUNA_IMAP_URL") {
        let mut url = crate::mail::inbound::ImapUrl::parse(&url)?;
        url.ca_file = var("TOGUNA_IMAP_CA_FILE").map(std::path::PathBuf::from);
        inbound.url = Some(url);
    }
    if let Some(n) = var("TOGUNA_IMAP_POLL_SECONDS") {
        let seconds: f64 = n.parse().context("TOGUNA_IMAP_POLL_SECONDS must be a number")?;
        anyhow::ensure!(seconds > 0.0, "TOGUNA_IMAP_POLL_SECONDS must be more than 0");
        inbound.poll = std::time::Duration::from_secs_f64(seconds);
    }
    if let Some(v) = var("TOGUNA_REPLY_PLUS_ADDRESSING") {
        inbound.plus_addressing = !matches!(v.to_ascii_lowercase().as_str(), "off" | "false" | "0" | "no");
    }
    Ok(inbound)
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The secret signs CSRF tokens; keeping it on disk keeps forms valid across restarts.
fn load_or_create_secret(data_dir: &Path) -> anyhow::Result<Vec<u8>> {
    let path = data_dir.join("secret");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim();
        if existing.len() >= 32 {
            return Ok(existing.as_bytes().to_vec());
        }
    }
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret = hex::encode(bytes);
    write_private(&path, &secret).with_context(|| format!("cannot write the secret to {}", path.display()))?;
    Ok(secret.into_bytes())
}

#[cfg(unix)]
pub(crate) fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(content.as_bytes())
}

#[cfg(not(unix))]
pub(crate) fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    std::fs::write(path, content)
}
