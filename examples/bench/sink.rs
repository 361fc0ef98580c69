//! A tiny SMTP sink for the benchmark: accepts every message, keeps its bytes, answers at once.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

#[derive(Default)]
pub struct Received {
    pub messages: Mutex<Vec<Vec<u8>>>,
    /// Keep the bytes of the first messages only (answer links for the load phase).
    pub keep: usize,
    pub count: std::sync::atomic::AtomicUsize,
    /// When the first and the latest message arrived: the delivery span.
    pub span: Mutex<Option<(std::time::Instant, std::time::Instant)>>,
    /// While shut, sessions wait before their greeting (up to 50 s, under the client's timeout):
    /// the outbox fills first, so delivery of an already-queued outbox is measured apart.
    pub gate_shut: std::sync::atomic::AtomicBool,
}

impl Received {
    /// Seconds from the first to the latest message, and forgets them (for the next measure).
    pub fn take_span(&self) -> f64 {
        let span = self.span.lock().unwrap().take();
        span.map(|(a, b)| (b - a).as_secs_f64()).unwrap_or(0.0)
    }

    /// Lets the waiting sessions greet; returns when the gate opened.
    pub fn open_gate(&self) -> std::time::Instant {
        self.gate_shut.store(false, std::sync::atomic::Ordering::SeqCst);
        std::time::Instant::now()
    }
}

/// Starts the sink on a free port; returns its port and what it received.
/// With `shut`, the sessions wait for `open_gate` before they greet.
pub async fn start(keep: usize, shut: bool) -> anyhow::Result<(u16, Arc<Received>)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    let received = Arc::new(Received {
        keep,
        gate_shut: shut.into(),
        ..Default::default()
    });
    let shared = received.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let received = shared.clone();
            tokio::spawn(async move {
                let _ = session(stream, &received).await;
            });
        }
    });
    Ok((port, received))
}

async fn session(stream: tokio::net::TcpStream, received: &Received) -> anyhow::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    let arrived = std::time::Instant::now();
    while received.gate_shut.load(std::sync::atomic::Ordering::SeqCst) && arrived.elapsed().as_secs() < 50 {
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    write.write_all(b"220 sink ESMTP\r\n").await?;
    let mut line = Vec::new();
    loop {
        line.clear();
        if lines.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        // lettre writes a message and its final "." apart; without an immediate ACK, Nagle on its
        // side and delayed ACK on ours add 40 ms per message (the test suite's server does the same).
        if lines.buffer().is_empty() {
            write.as_ref().set_quickack(true)?;
        }
        let upper = String::from_utf8_lossy(&line).to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            write
                .write_all(b"250-sink\r\n250-PIPELINING\r\n250 8BITMIME\r\n")
                .await?;
        } else if upper.starts_with("DATA") {
            write.write_all(b"354 go on\r\n").await?;
            let mut body = Vec::new();
            loop {
                line.clear();
                if lines.read_until(b'\n', &mut line).await? == 0 {
                    return Ok(());
                }
                if lines.buffer().is_empty() {
                    write.as_ref().set_quickack(true)?;
                }
                if line == b".\r\n" || line == b".\n" {
                    break;
                }
                body.extend_from_slice(&line);
            }
            let now = std::time::Instant::now();
            {
                let mut span = received.span.lock().unwrap();
                *span = Some((span.map(|(a, _)| a).unwrap_or(now), now));
            }
            let n = received.count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            if n < received.keep {
                received.messages.lock().unwrap().push(body);
            }
            write.write_all(b"250 queued\r\n").await?;
        } else if upper.starts_with("QUIT") {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            write.write_all(b"250 ok\r\n").await?;
        }
    }
}
