//! The embedded SMTP server, checked with lettre configured as the app configures it.

use std::collections::HashSet;
use std::time::Duration;

use lettre::message::Body;
use lettre::message::header::{ContentTransferEncoding, Headers, Subject};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::task::JoinSet;

use crate::smtp::SmtpServer;

const WAIT: Duration = Duration::from_secs(5);

fn mailer(server: &SmtpServer) -> AsyncSmtpTransport<Tokio1Executor> {
    AsyncSmtpTransport::<Tokio1Executor>::from_url(&server.url())
        .expect("SMTP URL")
        .build()
}

fn invitation(to: &str) -> Message {
    Message::builder()
        .from("Toguna <toguna@example.org>".parse().unwrap())
        .to(to.parse().expect("recipient"))
        .subject("Invitation")
        .body(String::from("Bonjour"))
        .expect("message")
}

#[tokio::test]
async fn accented_message_arrives_byte_for_byte() {
    let server = SmtpServer::start().await;
    // 8bit keeps the UTF-8 on the wire, and the line starting with a dot is dot-stuffed by lettre.
    let text = "Bonjour Aminata,\r\nVous êtes invitée au dialogue de Ségou.\r\n.Fin du message\r\n";
    let body = Body::new_with_encoding(text.to_owned(), ContentTransferEncoding::EightBit).unwrap();
    let message = Message::builder()
        .from("Toguna <toguna@example.org>".parse().unwrap())
        .to("Aminata Traoré <aminata@example.ml>".parse().unwrap())
        .subject("Invitation à Ségou")
        .body(body)
        .expect("message");
    let sent = message.formatted();

    mailer(&server).send(message).await.expect("send");

    let mail = &server.wait_for(1, WAIT).await[0];
    assert_eq!(mail.from, "toguna@example.org");
    assert_eq!(mail.to, ["aminata@example.ml"]);
    // lettre always ends DATA with CRLF "." CRLF, adding one CRLF after the message.
    assert_eq!(mail.data, [sent.as_slice(), b"\r\n"].concat());
    let raw = String::from_utf8(mail.data.clone()).expect("UTF-8 message");
    let mut subject = Headers::new();
    subject.set(Subject::from("Invitation à Ségou".to_owned()));
    assert!(raw.contains(&subject.to_string()), "{raw}");
    let (_, received_body) = raw.split_once("\r\n\r\n").expect("headers end");
    assert_eq!(received_body, format!("{text}\r\n"));
}

#[tokio::test]
async fn pooled_concurrent_messages_all_arrive() {
    let server = SmtpServer::start().await;
    let mailer = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
        .port(server.port())
        .pool_config(PoolConfig::new().max_size(8))
        .build();

    let mut sends = JoinSet::new();
    for i in 0..50 {
        let mailer = mailer.clone();
        let message = invitation(&format!("guest{i}@example.ml"));
        sends.spawn(async move { mailer.send(message).await });
    }
    while let Some(sent) = sends.join_next().await {
        sent.unwrap().expect("send");
    }

    let recipients: HashSet<String> = server
        .wait_for(50, WAIT)
        .await
        .into_iter()
        .flat_map(|mail| mail.to)
        .collect();
    let expected: HashSet<String> = (0..50).map(|i| format!("guest{i}@example.ml")).collect();
    assert_eq!(recipients, expected);
}

#[tokio::test]
async fn rejected_recipient_gets_a_permanent_550() {
    let server = SmtpServer::start().await;
    server.reject_recipient("absent@example.ml");
    let mailer = mailer(&server);

    let err = mailer
        .send(invitation("absent@example.ml"))
        .await
        .expect_err("a rejected recipient");
    assert!(err.is_permanent(), "{err}");
    assert!(err.to_string().contains("550"), "{err}");
    assert!(err.to_string().contains("mailbox unavailable"), "{err}");

    mailer
        .send(invitation("present@example.ml"))
        .await
        .expect("another recipient");
    let mails = server.wait_for(1, WAIT).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, ["present@example.ml"]);
}

#[tokio::test]
async fn stopped_server_refuses_connections_until_restarted() {
    let mut server = SmtpServer::start().await;
    let port = server.port();
    let mailer = mailer(&server);
    mailer
        .send(invitation("before@example.ml"))
        .await
        .expect("send while up");

    server.stop().await;
    // The pooled connection was closed too, so lettre has to connect again, and is refused.
    let err = mailer
        .send(invitation("down@example.ml"))
        .await
        .expect_err("a stopped server");
    assert!(!err.is_permanent(), "{err}");
    let io_err = std::error::Error::source(&err)
        .and_then(|source| source.downcast_ref::<std::io::Error>())
        .unwrap_or_else(|| panic!("an I/O error behind {err:?}"));
    assert_eq!(io_err.kind(), std::io::ErrorKind::ConnectionRefused);

    server.restart().await;
    assert_eq!(server.port(), port);
    mailer
        .send(invitation("after@example.ml"))
        .await
        .expect("send after restart");
    let recipients: Vec<_> = server
        .wait_for(2, WAIT)
        .await
        .into_iter()
        .flat_map(|mail| mail.to)
        .collect();
    assert_eq!(recipients, ["before@example.ml", "after@example.ml"]);
}
