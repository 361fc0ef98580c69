//! A real Kannel for the SMS stories: `bearerbox` and `smsbox` with a generated `kannel.conf` on
//! free loopback ports, and `fakesmsc` playing the operator: it receives what Kannel sends (and
//! prints it) and, as a second SMSC, injects the guests' replies. Without Kannel the stories are
//! skipped with a note, except under CI (`CI` set), where a missing Kannel is a failure.
//! Every process is killed when the harness is dropped.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tempfile::TempDir;

pub const SECRET: &str = "kannel-callback-secret-0123456789";
/// The number guests text to, and the sender of Toguna's texts.
pub const SHORT_NUMBER: &str = "36180";
const FAKESMSC: &str = "/usr/lib/kannel/test/fakesmsc";

/// One text as the operator (fakesmsc) received it.
#[derive(Clone, Debug)]
pub struct Received {
    pub to: String,
    pub text: String,
    /// Parts of a long text carry a UDH; each part is one segment.
    pub udh: bool,
}

pub struct Kannel {
    admin_port: u16,
    smsbox_port: u16,
    operator_port: u16,
    inject_port: u16,
    pub sendsms_port: u16,
    dir: TempDir,
    bearerbox: Option<Child>,
    smsbox: Option<Child>,
    operator: Option<Child>,
    received: Arc<Mutex<Vec<Received>>>,
}

/// `n` free ports, all different and none in `taken` (the listeners are held until all are chosen).
fn distinct_free_ports(n: usize, taken: &[u16]) -> Vec<u16> {
    let mut held = Vec::new();
    let mut ports = Vec::new();
    while ports.len() < n {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = listener.local_addr().expect("local address").port();
        if !taken.contains(&port) && !ports.contains(&port) {
            ports.push(port);
        }
        held.push(listener);
    }
    ports
}

/// Waits (30 s at most) until every port accepts; `false` as soon as the process has exited (a
/// port was taken) or when the time is up.
async fn listening(process: &mut std::process::Child, ports: &[u16]) -> bool {
    let mut tries = 600;
    for port in ports {
        while tokio::net::TcpStream::connect(("127.0.0.1", *port)).await.is_err() {
            tries -= 1;
            if tries == 0 || !matches!(process.try_wait(), Ok(None)) {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    true
}

fn installed() -> bool {
    ["/usr/sbin/bearerbox", "/usr/sbin/smsbox", FAKESMSC]
        .iter()
        .all(|p| PathBuf::from(p).exists())
}

impl Kannel {
    /// Reserves the ports (the app needs the sendsms one before it starts), or `None` (skip).
    pub fn reserve() -> Option<Kannel> {
        if !installed() {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must run the SMS stories: apt-get install kannel kannel-extras"
            );
            eprintln!("skipped: Kannel is not installed (apt-get install kannel kannel-extras)");
            return None;
        }
        let ports = distinct_free_ports(5, &[]);
        Some(Kannel {
            admin_port: ports[0],
            smsbox_port: ports[1],
            operator_port: ports[2],
            inject_port: ports[3],
            sendsms_port: ports[4],
            dir: tempfile::tempdir().expect("temporary folder"),
            bearerbox: None,
            smsbox: None,
            operator: None,
            received: Arc::default(),
        })
    }

    /// What the app's `TOGUNA_SMS_*` settings say.
    pub fn sms_settings(&self) -> toguna::sms::SmsSettings {
        toguna::sms::SmsSettings::from_env(
            Some(format!(
                "kannel://toguna:s%C3%A9same@127.0.0.1:{}?from={SHORT_NUMBER}&smsc=OPERATOR",
                self.sendsms_port
            )),
            Some(SECRET.into()),
            Some("off".into()),
        )
        .expect("valid SMS settings")
    }

    fn config(&self, app: &str) -> PathBuf {
        let dir = self.dir.path().display();
        let conf = format!(
            r#"group = core
admin-port = {admin}
admin-password = admin
smsbox-port = {smsbox}
box-allow-ip = 127.0.0.1
log-file = "{dir}/bearerbox.log"
log-level = 0
dlr-storage = internal

# The operator: Toguna's texts go here only (Toguna names smsc=OPERATOR).
group = smsc
smsc = fake
smsc-id = OPERATOR
allowed-smsc-id = OPERATOR
port = {operator}
connect-allow-ip = 127.0.0.1

# A second fake SMSC through which the stories inject guests' replies.
group = smsc
smsc = fake
smsc-id = INJECT
denied-smsc-id = OPERATOR
port = {inject}
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
sendsms-port = {sendsms}
log-file = "{dir}/smsbox.log"
log-level = 0

group = sendsms-user
username = toguna
password = "sésame"
concatenation = true
max-messages = 10

group = sms-service
keyword = default
catch-all = true
max-messages = 0
get-url = "{app}/sms/kannel/inbound?secret={SECRET}&from=%p&to=%P&text=%a&ts=%T"
"#,
            admin = self.admin_port,
            smsbox = self.smsbox_port,
            operator = self.operator_port,
            inject = self.inject_port,
            sendsms = self.sendsms_port,
        );
        let path = self.dir.path().join("kannel.conf");
        std::fs::write(&path, conf).expect("write kannel.conf");
        path
    }

    /// Starts bearerbox, the operator and smsbox; `app` is the app's address for the callbacks.
    /// Another test may take one of bearerbox's ports between `reserve` and here (the suite runs in
    /// parallel): bearerbox then exits, and it is started again on fresh ports. The sendsms port
    /// stays, since the app already points at it.
    pub async fn start(&mut self, app: &str) {
        for attempt in 1..=3 {
            let conf = self.config(app);
            let mut bearerbox = Command::new("/usr/sbin/bearerbox")
                .arg(&conf)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start bearerbox");
            if listening(&mut bearerbox, &[self.operator_port, self.smsbox_port]).await {
                self.bearerbox = Some(bearerbox);
                break;
            }
            let _ = bearerbox.kill();
            let _ = bearerbox.wait();
            assert!(
                attempt < 3,
                "bearerbox did not listen on its ports after 3 tries (see {}/bearerbox.log)",
                self.dir.path().display()
            );
            let ports: Vec<u16> = distinct_free_ports(4, &[self.sendsms_port]);
            (self.admin_port, self.smsbox_port, self.operator_port, self.inject_port) =
                (ports[0], ports[1], ports[2], ports[3]);
        }
        self.start_operator();
        self.start_smsbox().await;
    }

    fn start_operator(&mut self) {
        // `-m 0`: the operator sends nothing by itself; it prints each text it receives.
        let mut child = Command::new(FAKESMSC)
            .args([
                "-H",
                "127.0.0.1",
                "-r",
                &self.operator_port.to_string(),
                "-i",
                "1",
                "-m",
                "0",
            ])
            .arg("0 0 text nop")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start fakesmsc");
        for stream in [
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let received = self.received.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if let Some(text) = parse_received(&line) {
                        received.lock().expect("lock").push(text);
                    }
                }
            });
        }
        self.operator = Some(child);
    }

    pub async fn start_smsbox(&mut self) {
        let conf = self.dir.path().join("kannel.conf");
        self.smsbox = Some(
            Command::new("/usr/sbin/smsbox")
                .arg(&conf)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start smsbox"),
        );
        wait_listening(self.sendsms_port, "smsbox's sendsms port").await;
    }

    /// The gateway goes down: Toguna's sends are refused until `start_smsbox`.
    pub fn stop_smsbox(&mut self) {
        if let Some(mut child) = self.smsbox.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// The operator's link goes down: Kannel keeps what it accepted, and no report comes.
    pub fn stop_operator(&mut self) {
        if let Some(mut child) = self.operator.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }

    /// Waits until the operator has received `count` parts; returns all received.
    pub async fn wait_received(&self, count: usize, within: Duration) -> Vec<Received> {
        let start = Instant::now();
        loop {
            let got = self.received();
            if got.len() >= count {
                return got;
            }
            if start.elapsed() > within {
                panic!(
                    "the operator received {} of {count} texts: {got:?}\n{}",
                    got.len(),
                    self.logs()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// A guest texts `text` from `from`, through the injecting SMSC; the story waits for its effect.
    pub fn reply(&self, from: &str, text: &str) -> Injection {
        let child = Command::new(FAKESMSC)
            .args([
                "-H",
                "127.0.0.1",
                "-r",
                &self.inject_port.to_string(),
                "-i",
                "0.1",
                "-m",
                "1",
            ])
            .arg(format!("{from} {SHORT_NUMBER} text {text}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start fakesmsc to inject a reply");
        Injection(Some(child))
    }

    pub fn logs(&self) -> String {
        let read = |name: &str| std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default();
        let tail = |text: String| {
            text.lines()
                .rev()
                .take(30)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<Vec<_>>()
                .join("\n")
        };
        format!(
            "--- smsbox.log\n{}\n--- bearerbox.log\n{}",
            tail(read("smsbox.log")),
            tail(read("bearerbox.log"))
        )
    }
}

/// A running injecting fakesmsc; killed on drop, once its text has been taken.
pub struct Injection(Option<Child>);

impl Drop for Injection {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Kannel {
    fn drop(&mut self) {
        for child in [self.operator.take(), self.smsbox.take(), self.bearerbox.take()]
            .into_iter()
            .flatten()
        {
            let mut child = child;
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

async fn wait_listening(port: u16, what: &str) {
    for _ in 0..600 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} did not listen on {port}");
}

/// fakesmsc prints `Got message N: <from to type [udh] text>`.
fn parse_received(line: &str) -> Option<Received> {
    let (_, rest) = line.split_once("Got message ")?;
    let (_, message) = rest.split_once(": <")?;
    let message = message.strip_suffix('>').unwrap_or(message);
    let mut parts = message.splitn(4, ' ');
    let _from = parts.next()?;
    let to = parts.next()?.to_string();
    let kind = parts.next()?;
    let rest = parts.next().unwrap_or_default();
    let (udh, text) = match kind {
        "udh" | "udh-text" => {
            let (_, text) = rest.split_once(' ').unwrap_or(("", rest));
            let text = text
                .strip_prefix("data ")
                .or_else(|| text.strip_prefix("text "))
                .unwrap_or(text);
            (
                true,
                percent_encoding::percent_decode_str(text)
                    .decode_utf8_lossy()
                    .into_owned(),
            )
        }
        _ => (false, rest.to_string()),
    };
    Some(Received { to, text, udh })
}
