//! A real SMTP server embedded in the tests: mailin's SMTP state machine behind a tokio listener.

use std::collections::HashSet;
use std::io;
use std::net::Ipv4Addr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mailin::{Action, Handler, Response, SessionBuilder, response};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::{oneshot, watch};
use tokio::task::{JoinHandle, JoinSet};

#[derive(Clone, Debug)]
pub struct ReceivedMail {
    /// Envelope sender (MAIL FROM).
    pub from: String,
    /// Envelope recipients that were accepted (RCPT TO).
    pub to: Vec<String>,
    /// The message as received after DATA: CRLF line ends, dot-unstuffed.
    pub data: Vec<u8>,
}

/// What every connection of every run of the server shares.
struct Mailbox {
    received: watch::Sender<Vec<ReceivedMail>>,
    rejected: Mutex<HashSet<String>>,
    /// How many more RCPT TO get `451 4.7.1` ("slow down"), as a rate-limiting provider answers.
    throttled: Mutex<usize>,
}

/// A listening run of the server, between `start`/`restart` and `stop`.
struct Running {
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

pub struct SmtpServer {
    port: u16,
    mailbox: Arc<Mailbox>,
    running: Option<Running>,
}

impl SmtpServer {
    /// Starts on 127.0.0.1 on a free port.
    pub async fn start() -> SmtpServer {
        let listener = bind(0);
        let port = listener.local_addr().expect("SMTP listener address").port();
        let mailbox = Arc::new(Mailbox {
            received: watch::Sender::new(Vec::new()),
            rejected: Mutex::default(),
            throttled: Mutex::default(),
        });
        let mut server = SmtpServer {
            port,
            mailbox,
            running: None,
        };
        server.listen(listener);
        server
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `smtp://127.0.0.1:PORT` — what the app's TOGUNA_SMTP_URL will be set to.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        self.mailbox.received.borrow().clone()
    }

    /// Waits until at least `n` messages arrived, or panics after `timeout`.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<ReceivedMail> {
        let mut received = self.mailbox.received.subscribe();
        let arrived = tokio::time::timeout(timeout, received.wait_for(|mails| mails.len() >= n));
        if let Ok(mails) = arrived.await {
            return mails.expect("the server outlives its subscribers").clone();
        }
        panic!(
            "expected {n} messages within {timeout:?}, but {} arrived",
            self.messages().len()
        );
    }

    /// From now on, RCPT TO this address is answered with `550 5.1.1 mailbox unavailable`.
    pub fn reject_recipient(&self, address: &str) {
        let mut rejected = self.mailbox.rejected.lock().unwrap();
        rejected.insert(address.to_ascii_lowercase());
    }

    /// The next `n` RCPT TO are answered `451 4.7.1 rate limited, slow down`.
    pub fn throttle_next(&self, n: usize) {
        *self.mailbox.throttled.lock().unwrap() = n;
    }

    /// Closes the listening socket and every open connection, as a mail server going down does.
    pub async fn stop(&mut self) {
        if let Some(running) = self.running.take() {
            running.stop.send(()).ok();
            running.task.await.expect("the SMTP server task");
        }
    }

    /// Listens again on the same port; messages received before stay in `messages()`.
    pub async fn restart(&mut self) {
        self.stop().await;
        let listener = bind(self.port);
        self.listen(listener);
    }

    fn listen(&mut self, listener: TcpListener) {
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(serve(listener, Arc::clone(&self.mailbox), stopped));
        self.running = Some(Running { stop, task });
    }
}

fn bind(port: u16) -> TcpListener {
    let listen = || {
        let socket = TcpSocket::new_v4()?;
        // Listening again on the same port must not wait for the last run's TIME_WAIT sockets.
        socket.set_reuseaddr(true)?;
        socket.bind((Ipv4Addr::LOCALHOST, port).into())?;
        // lettre opens one connection per concurrent send; on a current-thread runtime they all
        // connect before the server gets to accept, and past the default backlog of 128 the
        // extra ones stall without ever getting a greeting.
        socket.listen(1024)
    };
    listen().unwrap_or_else(|err| panic!("bind the test SMTP server on port {port}: {err}"))
}

/// Accepts connections until told to stop (or until the `SmtpServer` is dropped),
/// then closes the listener and all connections before returning.
async fn serve(listener: TcpListener, mailbox: Arc<Mailbox>, mut stopped: oneshot::Receiver<()>) {
    // No STARTTLS and no AUTH: mailin then advertises neither, so lettre talks plain SMTP.
    let sessions = SessionBuilder::new("toguna-tests");
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            Ok((stream, peer)) = listener.accept() => {
                let recorder = Recorder::new(Arc::clone(&mailbox));
                let session = sessions.build(peer.ip(), recorder);
                connections.spawn(converse(stream, session));
            }
            // Reaps finished connections so the set does not grow over hundreds of them.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    connections.shutdown().await;
}

/// Feeds the client's lines to mailin and writes back its replies; mailin does all the SMTP.
async fn converse(mut stream: TcpStream, mut session: mailin::Session<Recorder>) -> io::Result<()> {
    let (reader, mut writer) = stream.split();
    let mut reader = BufReader::new(reader);
    writer.write_all(&session.greeting().buffer()?).await?;
    let mut line = Vec::with_capacity(1024);
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let reply = session.process(&line);
        match reply.action {
            Action::NoReply => {
                // lettre writes a message and its closing "." separately, so Nagle holds the "."
                // until we ACK the message, and Linux delays that ACK by 40 ms: ACK at once.
                #[cfg(target_os = "linux")]
                if reader.buffer().is_empty() {
                    writer.as_ref().set_quickack(true)?;
                }
            }
            Action::Reply | Action::UpgradeTls => writer.write_all(&reply.buffer()?).await?,
            Action::Close => return writer.write_all(&reply.buffer()?).await,
        }
    }
}

/// mailin's per-connection handler: collects each message and files it in the mailbox.
struct Recorder {
    mailbox: Arc<Mailbox>,
    current: Option<ReceivedMail>,
}

impl Recorder {
    fn new(mailbox: Arc<Mailbox>) -> Self {
        Recorder { mailbox, current: None }
    }
}

impl Handler for Recorder {
    fn rcpt(&mut self, to: &str) -> Response {
        {
            let mut throttled = self.mailbox.throttled.lock().unwrap();
            if *throttled > 0 {
                *throttled -= 1;
                return Response::custom(451, "4.7.1 rate limited, slow down".into());
            }
        }
        let rejected = self.mailbox.rejected.lock().unwrap();
        if rejected.contains(&to.to_ascii_lowercase()) {
            Response::custom(550, "5.1.1 mailbox unavailable".into())
        } else {
            response::OK
        }
    }

    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current = Some(ReceivedMail {
            from: from.to_owned(),
            to: to.to_vec(),
            data: Vec::new(),
        });
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> io::Result<()> {
        if let Some(mail) = &mut self.current {
            mail.data.extend_from_slice(buf);
        }
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        if let Some(mail) = self.current.take() {
            self.mailbox.received.send_modify(|mails| mails.push(mail));
        }
        response::OK
    }
}
