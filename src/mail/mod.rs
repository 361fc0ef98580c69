//! Outgoing mail: composing messages, the transports (SMTP, files, memory) and the outbox worker.

pub mod compose;
mod group_record;
pub mod health;
pub mod inbound;
pub mod outbox;
pub mod preview;
pub mod qr;
pub mod rate;
pub mod smtp;
pub mod supervisor;
pub mod worker;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use lettre::address::Envelope;

use crate::config::Settings;

/// Why a message could not be sent, and whether trying again may help.
#[derive(Clone, Debug)]
pub struct SendError {
    pub permanent: bool,
    pub text: String,
}

impl SendError {
    pub fn transient(err: impl std::fmt::Display) -> Self {
        SendError {
            permanent: false,
            text: err.to_string(),
        }
    }

    /// 5xx answers are permanent; refused connections, timeouts and 4xx are worth a retry.
    pub fn from_smtp(err: lettre::transport::smtp::Error) -> Self {
        SendError {
            permanent: err.is_permanent(),
            text: err.to_string(),
        }
    }
}

/// A message as captured by the memory transport.
#[derive(Clone, Debug)]
pub struct CapturedMail {
    pub to: Vec<String>,
    pub data: Vec<u8>,
}

/// Where mail goes: a real SMTP server, `.eml` files (a fresh install), or memory.
#[derive(Clone)]
pub enum Mailer {
    Smtp(smtp::SmtpConfig),
    Files(PathBuf),
    Memory(Arc<Mutex<Vec<CapturedMail>>>),
}

impl Mailer {
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        Ok(match &settings.smtp_url {
            Some(url) => Mailer::Smtp(smtp::SmtpConfig::parse(url)?),
            None => Mailer::Files(settings.data_dir.join("outbox")),
        })
    }

    /// One sender's connection; SMTP connections are reused for many messages.
    pub async fn open(&self) -> Result<Connection, SendError> {
        Ok(match self {
            Mailer::Smtp(config) => Connection::Smtp(Box::new(config.connect().await?)),
            Mailer::Files(dir) => {
                tokio::fs::create_dir_all(dir).await.map_err(SendError::transient)?;
                Connection::Files(dir.clone())
            }
            Mailer::Memory(store) => Connection::Memory(store.clone()),
        })
    }
}

pub enum Connection {
    /// Boxed: an SMTP connection is large, and a worker holds a few of them for a long time.
    Smtp(Box<smtp::SmtpConnection>),
    Files(PathBuf),
    Memory(Arc<Mutex<Vec<CapturedMail>>>),
}

impl Connection {
    pub async fn send(&mut self, envelope: &Envelope, message: &[u8], name: &str) -> Result<(), SendError> {
        match self {
            Connection::Smtp(connection) => connection.send(envelope, message).await,
            Connection::Files(dir) => {
                // Written under a temporary name and renamed, so a half-written file is never read.
                let final_path = dir.join(format!("{name}.eml"));
                let temporary = dir.join(format!(".{name}.eml.tmp"));
                tokio::fs::write(&temporary, message)
                    .await
                    .map_err(SendError::transient)?;
                tokio::fs::rename(&temporary, &final_path)
                    .await
                    .map_err(SendError::transient)
            }
            Connection::Memory(store) => {
                let to = envelope.to().iter().map(ToString::to_string).collect();
                if let Ok(mut store) = store.lock() {
                    store.push(CapturedMail {
                        to,
                        data: message.to_vec(),
                    });
                }
                Ok(())
            }
        }
    }

    /// A broken SMTP connection is replaced rather than reused.
    pub fn is_usable(&self) -> bool {
        match self {
            Connection::Smtp(connection) => !connection.is_broken(),
            _ => true,
        }
    }

    pub async fn close(self) {
        if let Connection::Smtp(connection) = self {
            (*connection).close().await;
        }
    }
}

/// What composing a message needs from the configuration and the acting user.
#[derive(Clone, Debug)]
pub struct MailContext {
    pub secret: Vec<u8>,
    pub base_url: String,
    pub from: lettre::message::Mailbox,
    /// Answers by plain reply go to the organizer who sent the invitations.
    pub reply_to: Option<lettre::message::Mailbox>,
    /// Days before an event when reminders go out (an invitation sent later needs none).
    pub reminder_days: i64,
    /// ORGANIZER carries a per-invitation tag (`local+tag@domain`) that proves calendar replies.
    pub plus_addressing: bool,
}

impl MailContext {
    pub fn new(settings: &Settings, reply_to: Option<(&str, &str)>) -> anyhow::Result<Self> {
        let reply_to = reply_to.and_then(|(name, email)| {
            email
                .parse()
                .ok()
                .map(|e| lettre::message::Mailbox::new(Some(name.to_string()), e))
        });
        Ok(MailContext {
            secret: settings.secret.clone(),
            base_url: settings.base_url.clone(),
            from: settings.from_mailbox()?,
            reply_to,
            reminder_days: settings.outbox.reminder_days,
            plus_addressing: settings.inbound.plus_addressing,
        })
    }
}
