//! Slow clients are cut off and connections are capped, while `/healthz` keeps answering.

use std::time::Duration;

use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::spawn_app_with;

/// Waits until the server closes the socket; the outer bound only keeps a broken build from hanging.
async fn closed_by_server(mut socket: TcpStream) -> bool {
    let mut buffer = [0u8; 1024];
    let wait = async {
        loop {
            match socket.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(20), wait).await.is_ok()
}

#[tokio::test]
async fn clients_dribbling_their_headers_are_cut_off_while_healthz_keeps_answering() {
    let app = spawn_app_with(|s| s.server.header_timeout = Duration::from_secs(1)).await;
    let address = app.address.trim_start_matches("http://").to_string();

    // Half send a request line and then one header byte at a time; half send nothing at all.
    let mut slow = Vec::new();
    for n in 0..60 {
        let mut socket = TcpStream::connect(&address).await.unwrap();
        if n % 2 == 0 {
            socket.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        }
        slow.push(socket);
    }
    let dribble = tokio::spawn(async move {
        let mut open = slow;
        for _ in 0..5 {
            tokio::time::sleep(Duration::from_millis(300)).await;
            for socket in open.iter_mut() {
                let _ = socket.write_all(b"X").await;
            }
        }
        open
    });

    let healthz = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(healthz.status(), StatusCode::OK, "the server answers others meanwhile");

    let slow = dribble.await.unwrap();
    let closed = futures_util::future::join_all(slow.into_iter().map(closed_by_server)).await;
    assert!(
        closed.iter().all(|c| *c),
        "{} of 60 slow sockets still open",
        closed.iter().filter(|c| !**c).count()
    );
    assert_eq!(
        reqwest::get(app.url("/healthz")).await.unwrap().status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_connection_over_the_cap_waits_until_one_closes() {
    let app = spawn_app_with(|s| {
        s.server.max_connections = 2;
        s.server.header_timeout = Duration::from_secs(60);
    })
    .await;
    let address = app.address.trim_start_matches("http://").to_string();
    let first = TcpStream::connect(&address).await.unwrap();
    let second = TcpStream::connect(&address).await.unwrap();

    let waiting = tokio::spawn(reqwest::get(app.url("/healthz")));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        !waiting.is_finished(),
        "a third connection is not served while two are held"
    );

    drop(first);
    let answered = waiting.await.unwrap().unwrap();
    assert_eq!(answered.status(), StatusCode::OK, "served as soon as a slot frees");
    drop(second);
}

#[tokio::test]
async fn a_body_that_stops_arriving_is_cut_off() {
    let app = spawn_app_with(|s| s.server.body_timeout = Duration::from_secs(1)).await;
    let address = app.address.trim_start_matches("http://").to_string();
    let token = app.api_token_for("organizer").await;
    let mut socket = TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /api/v1/venues HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"name\":"
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    // The client promised 1,000 bytes and goes quiet after eight.
    assert!(closed_by_server(socket).await, "the silent upload is still open");
    assert_eq!(
        reqwest::get(app.url("/healthz")).await.unwrap().status(),
        StatusCode::OK
    );
}
