//! A real IMAP server for the inbound-mail stories: Dovecot in the foreground (`dovecot -F`)
//! with its own configuration, passwd-file user and Maildir under a temporary folder, on a free
//! loopback port. Without Dovecot the stories are skipped with a note, except under CI (`CI` set),
//! where a missing Dovecot is a failure.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use futures_util::TryStreamExt;
use tempfile::TempDir;
use tokio::net::TcpStream;

pub const USER: &str = "toguna";
pub const PASSWORD: &str = "boîte-de-réponses";

pub struct Dovecot {
    pub port: u16,
    /// The `imaps` port, when started with TLS.
    pub tls_port: Option<u16>,
    /// The private CA that signed the server's certificate, when started with TLS.
    pub ca_file: Option<PathBuf>,
    child: Child,
    dir: TempDir,
}

fn binary() -> PathBuf {
    std::env::var_os("DOVECOT").map_or_else(|| PathBuf::from("/usr/sbin/dovecot"), PathBuf::from)
}

impl Dovecot {
    /// Starts a private Dovecot, or returns `None` (skip) when it is not installed outside CI.
    pub async fn start() -> Option<Dovecot> {
        Self::start_with(false).await
    }

    /// Also listens for `imaps` with a certificate signed by a private CA made with openssl
    /// (skipped with a note when openssl is missing).
    pub async fn start_with_tls() -> Option<Dovecot> {
        Self::start_with(true).await
    }

    async fn start_with(tls: bool) -> Option<Dovecot> {
        if !binary().exists() {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must run the inbound-mail stories: apt-get install dovecot-imapd"
            );
            eprintln!(
                "skipped: no Dovecot at {} (apt-get install dovecot-imapd)",
                binary().display()
            );
            return None;
        }
        let dir = tempfile::tempdir().expect("temporary folder");
        let port = free_port();
        let tls_port = tls.then(free_port);
        if tls && !make_certificates(dir.path()) {
            eprintln!("skipped: openssl could not make a test certificate");
            return None;
        }
        let config = write_config(dir.path(), port, tls_port);
        let child = Command::new(binary())
            .args(["-F", "-c"])
            .arg(&config)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start dovecot");
        let ca_file = tls.then(|| dir.path().join("ca.pem"));
        let dovecot = Dovecot {
            port,
            tls_port,
            ca_file,
            child,
            dir,
        };
        dovecot.wait_until_listening().await;
        Some(dovecot)
    }

    /// What the app's `TOGUNA_IMAP_URL` says: plain IMAP, allowed to loopback only.
    pub fn url(&self) -> toguna::mail::inbound::ImapUrl {
        let password: String = url::form_urlencoded::byte_serialize(PASSWORD.as_bytes()).collect();
        toguna::mail::inbound::ImapUrl::parse(&format!("imap://{USER}:{password}@127.0.0.1:{}/INBOX", self.port))
            .expect("a valid IMAP URL")
    }

    /// `imaps://` on the TLS port, trusting the private CA only when `trust_ca`.
    pub fn tls_url(&self, trust_ca: bool) -> toguna::mail::inbound::ImapUrl {
        let password: String = url::form_urlencoded::byte_serialize(PASSWORD.as_bytes()).collect();
        let port = self.tls_port.expect("started with TLS");
        let mut url =
            toguna::mail::inbound::ImapUrl::parse(&format!("imaps://{USER}:{password}@127.0.0.1:{port}/INBOX"))
                .expect("a valid IMAP URL");
        url.ca_file = self.ca_file.clone().filter(|_| trust_ca);
        url
    }

    async fn wait_until_listening(&self) {
        for _ in 0..200 {
            if TcpStream::connect(("127.0.0.1", self.port)).await.is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let log = std::fs::read_to_string(self.dir.path().join("dovecot.log")).unwrap_or_default();
        panic!("dovecot did not start listening on {}: {log}", self.port);
    }

    async fn session(&self) -> async_imap::Session<TcpStream> {
        let tcp = TcpStream::connect(("127.0.0.1", self.port))
            .await
            .expect("connect to dovecot");
        let mut client = async_imap::Client::new(tcp);
        client.read_response().await.expect("greeting").expect("greeting");
        client.login(USER, PASSWORD).await.map_err(|(e, _)| e).expect("login")
    }

    /// Puts a message in the inbox the way a mail server delivers it: IMAP APPEND.
    pub async fn deliver(&self, message: &[u8]) {
        let mut session = self.session().await;
        session.append("INBOX", None, None, message).await.expect("APPEND");
        session.logout().await.ok();
    }

    /// Every message in the inbox with its flags and keywords, in UID order.
    pub async fn flags(&self) -> Vec<(u32, Vec<String>)> {
        let mut session = self.session().await;
        session.examine("INBOX").await.expect("EXAMINE");
        let fetched: Vec<_> = session
            .uid_fetch("1:*", "(UID FLAGS)")
            .await
            .expect("FETCH")
            .try_collect()
            .await
            .expect("FETCH");
        let mut messages: Vec<_> = fetched
            .iter()
            .map(|f| (f.uid.unwrap_or(0), f.flags().map(|f| format!("{f:?}")).collect()))
            .collect();
        messages.sort();
        session.logout().await.ok();
        messages
    }

    /// Waits until `n` messages carry the app's "done" keyword.
    pub async fn wait_done(&self, n: usize) {
        for _ in 0..300 {
            let done = self.flags().await.iter().filter(|(_, f)| is_done(f)).count();
            if done >= n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the app did not handle {n} messages: {:?}", self.flags().await);
    }
}

pub fn is_done(flags: &[String]) -> bool {
    flags.iter().any(|f| f.contains(toguna::mail::inbound::DONE_KEYWORD))
}

impl Drop for Dovecot {
    /// SIGTERM lets the master stop its login and auth processes too.
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

/// Everything under `dir`, so two servers run side by side; the mail user is `dovecot` when run
/// as root, since Dovecot refuses mail access as root.
fn write_config(dir: &Path, port: u16, tls_port: Option<u16>) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let d = dir.display();
    std::fs::write(dir.join("passwd"), format!("{USER}:{{PLAIN}}{PASSWORD}::::::\n")).expect("passwd file");
    std::fs::create_dir_all(dir.join("mail")).expect("mail folder");
    // Dovecot's auth and mail processes run as other users and must reach these files.
    for (path, mode) in [
        (dir.to_path_buf(), 0o755),
        (dir.join("mail"), 0o777),
        (dir.join("passwd"), 0o644),
    ] {
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("permissions");
    }
    let running_as_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let mail_user = if running_as_root {
        "mail_uid = dovecot\nmail_gid = dovecot\n".to_string()
    } else {
        String::new()
    };
    let ssl = if tls_port.is_some() {
        format!("ssl = yes\nssl_cert = <{d}/server.pem\nssl_key = <{d}/server.key\n")
    } else {
        "ssl = no\n".to_string()
    };
    let imaps_port = tls_port.unwrap_or(0);
    let config = format!(
        "protocols = imap
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
{ssl}disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 0
first_valid_gid = 0
{mail_user}mail_location = maildir:{d}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/passwd
}}
userdb {{
  driver = static
  args = home={d}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
  }}
}}
service anvil {{
  chroot =
}}
"
    );
    let path = dir.join("dovecot.conf");
    std::fs::write(&path, config).expect("dovecot.conf");
    path
}

/// A private CA and a server certificate it signs for 127.0.0.1 (a CA certificate cannot serve
/// as the server's own: rustls refuses a CA used as an end entity).
fn make_certificates(dir: &Path) -> bool {
    let run = |args: &[&str]| {
        Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    std::fs::write(dir.join("san.ext"), "subjectAltName = IP:127.0.0.1, DNS:localhost\n").is_ok()
        && run(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=Toguna test CA",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
        ])
        && run(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
        ])
        && run(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "san.ext",
            "-out",
            "server.pem",
        ])
        && {
            use std::os::unix::fs::PermissionsExt;
            // Dovecot's master reads the key as root, but keep it readable for a non-root run too.
            std::fs::set_permissions(dir.join("server.key"), std::fs::Permissions::from_mode(0o644)).is_ok()
        }
}
