//! The release server under test: a fresh database and data folder, its CLI for the organizer
//! account, and its memory (VmRSS sampled, VmHWM at the end) per phase.

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub struct Server {
    pub base: String,
    child: Child,
    env: Vec<(String, String)>,
    binary: String,
    /// Highest VmRSS seen since the phase began, in KiB.
    peak: Arc<AtomicU64>,
    pub pg: Option<(String, String)>,
    _dir: tempfile::TempDir,
}

impl Server {
    /// Starts `binary` on a free port against a fresh SQLite file or a new database on `pg_admin`.
    pub async fn start(binary: &str, pg_admin: Option<&str>, smtp_port: u16, tag: &str) -> anyhow::Result<Server> {
        let dir = tempfile::tempdir()?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let (url, pg) = match pg_admin {
            Some(admin) => {
                let name = format!("toguna_bench_{tag}_{}", std::process::id());
                psql(admin, &format!("DROP DATABASE IF EXISTS \"{name}\""))?;
                psql(admin, &format!("CREATE DATABASE \"{name}\""))?;
                let (base, _) = admin.rsplit_once('/').unwrap_or((admin, ""));
                (format!("{base}/{name}"), Some((admin.to_string(), name)))
            }
            None => (
                format!("sqlite://{}?mode=rwc", dir.path().join("bench.db").display()),
                None,
            ),
        };
        let base = format!("http://127.0.0.1:{port}");
        let env: Vec<(String, String)> = [
            ("DATABASE_URL", url),
            ("TOGUNA_BIND", format!("127.0.0.1:{port}")),
            ("TOGUNA_BASE_URL", base.clone()),
            ("TOGUNA_DATA_DIR", dir.path().display().to_string()),
            ("TOGUNA_SECRET", "benchmark-secret-benchmark-secret-0123".into()),
            ("TOGUNA_SMTP_URL", format!("smtp://127.0.0.1:{smtp_port}")),
            ("TOGUNA_MAIL_FROM", "Toguna <toguna@example.org>".into()),
            ("TOGUNA_IMPORT_MAX_ROWS", "100000".into()),
            // wrk opens 64 connections at once; the server's own cap must not be the limit measured.
            ("RUST_LOG", "warn".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let child = Command::new(binary)
            .arg("serve")
            .envs(env.iter().cloned())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()?;
        let peak = Arc::new(AtomicU64::new(0));
        let pid = child.id();
        let sampler = peak.clone();
        std::thread::spawn(move || {
            while let Some(kib) = status_kib(pid, "VmRSS:") {
                sampler.fetch_max(kib, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        let server = Server {
            base,
            child,
            env,
            binary: binary.to_string(),
            peak,
            pg,
            _dir: dir,
        };
        let client = reqwest::Client::new();
        for _ in 0..300 {
            if client.get(format!("{}/healthz", server.base)).send().await.is_ok() {
                return Ok(server);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        anyhow::bail!("the server did not answer /healthz")
    }

    /// Runs `toguna <args>` against the same database, with `stdin`; returns its standard output.
    pub fn cli(&self, args: &[&str], stdin: &str) -> anyhow::Result<String> {
        let mut child = Command::new(&self.binary)
            .args(args)
            .envs(self.env.iter().cloned())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        child.stdin.take().unwrap().write_all(stdin.as_bytes())?;
        let out = child.wait_with_output()?;
        anyhow::ensure!(out.status.success(), "toguna {args:?} failed");
        Ok(String::from_utf8_lossy(&out.stdout).to_string())
    }

    /// The phase's peak VmRSS in MiB, and starts the next phase.
    pub fn phase_peak(&self) -> f64 {
        let kib = self.peak.swap(0, Ordering::Relaxed);
        let now = status_kib(self.child.id(), "VmRSS:").unwrap_or(0);
        self.peak.fetch_max(now, Ordering::Relaxed);
        kib as f64 / 1024.0
    }

    /// The process's high-water mark (VmHWM) in MiB.
    pub fn hwm(&self) -> f64 {
        status_kib(self.child.id(), "VmHWM:").unwrap_or(0) as f64 / 1024.0
    }

    pub fn stop(mut self) -> anyhow::Result<()> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some((admin, name)) = self.pg.take() {
            psql(&admin, &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))?;
        }
        Ok(())
    }
}

fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn psql(admin: &str, sql: &str) -> anyhow::Result<()> {
    let out = Command::new("psql").args([admin, "-qAtc", sql]).output()?;
    anyhow::ensure!(out.status.success(), "psql: {}", String::from_utf8_lossy(&out.stderr));
    Ok(())
}
