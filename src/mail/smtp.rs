//! SMTP connections for the outbox: one long-lived connection per sender, with TCP_NODELAY.
//!
//! lettre's pooled transport leaves Nagle's algorithm on, which stalls every message about
//! 40 ms on Linux; opening the socket ourselves lets us turn it off.

use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use tokio::net::TcpStream;

use crate::mail::SendError;

const TIMEOUT: Duration = Duration::from_secs(30);

/// Where and how to reach the SMTP server, read from `TOGUNA_SMTP_URL`.
#[derive(Clone, Debug)]
pub struct SmtpConfig {
    host: String,
    port: u16,
    implicit_tls: bool,
    credentials: Option<Credentials>,
}

impl SmtpConfig {
    /// `smtp://user:pass@host:587` (STARTTLS when the server offers it) or `smtps://host:465`.
    pub fn parse(raw: &str) -> anyhow::Result<Self> {
        let url = url::Url::parse(raw)?;
        let implicit_tls = match url.scheme() {
            "smtp" => false,
            "smtps" => true,
            other => anyhow::bail!("TOGUNA_SMTP_URL: unknown scheme {other}, use smtp:// or smtps://"),
        };
        let host = url
            .host_str()
            .ok_or_else(|| anyhow::anyhow!("TOGUNA_SMTP_URL has no host"))?
            .to_string();
        let credentials = (!url.username().is_empty()).then(|| {
            let decode = |s: &str| percent_decode(s);
            Credentials::new(decode(url.username()), decode(url.password().unwrap_or_default()))
        });
        let default_port = if implicit_tls {
            465
        } else if credentials.is_some() {
            587
        } else {
            25
        };
        Ok(SmtpConfig {
            port: url.port().unwrap_or(default_port),
            host,
            implicit_tls,
            credentials,
        })
    }

    /// Opens and greets a connection, upgrading to TLS and authenticating as configured.
    /// Opens a connection; a server that accepts but never greets (or stalls in STARTTLS or AUTH)
    /// gives up after the timeout instead of holding the worker's lane forever.
    pub async fn connect(&self) -> Result<SmtpConnection, SendError> {
        tokio::time::timeout(TIMEOUT * 2, self.handshake())
            .await
            .map_err(|_| SendError::transient("the SMTP server did not greet in time"))?
    }

    async fn handshake(&self) -> Result<SmtpConnection, SendError> {
        let hello = ClientId::default();
        let mut connection = if self.implicit_tls {
            // Implicit TLS must wrap the socket before the greeting; lettre opens that one itself.
            let tls = TlsParameters::new(self.host.clone()).map_err(SendError::transient)?;
            AsyncSmtpConnection::connect_tokio1((self.host.as_str(), self.port), Some(TIMEOUT), &hello, Some(tls), None)
                .await
                .map_err(SendError::from_smtp)?
        } else {
            let stream = tokio::time::timeout(TIMEOUT, TcpStream::connect((self.host.as_str(), self.port)))
                .await
                .map_err(|_| SendError::transient("connection timed out"))?
                .map_err(SendError::transient)?;
            stream.set_nodelay(true).map_err(SendError::transient)?;
            let mut connection = AsyncSmtpConnection::connect_with_transport(Box::new(stream), &hello)
                .await
                .map_err(SendError::from_smtp)?;
            if connection.can_starttls() {
                let tls = TlsParameters::new(self.host.clone()).map_err(SendError::transient)?;
                connection.starttls(tls, &hello).await.map_err(SendError::from_smtp)?;
            }
            connection
        };
        if let Some(credentials) = &self.credentials {
            connection
                .auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                .await
                .map_err(SendError::from_smtp)?;
        }
        Ok(SmtpConnection { inner: connection })
    }
}

fn percent_decode(value: &str) -> String {
    url::form_urlencoded::parse(format!("x={value}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

pub struct SmtpConnection {
    inner: AsyncSmtpConnection,
}

impl SmtpConnection {
    pub async fn send(&mut self, envelope: &Envelope, message: &[u8]) -> Result<(), SendError> {
        tokio::time::timeout(TIMEOUT * 2, self.inner.send(envelope, message))
            .await
            .map_err(|_| SendError::transient("the SMTP server did not answer in time"))?
            .map(|_| ())
            .map_err(SendError::from_smtp)
    }

    pub fn is_broken(&self) -> bool {
        self.inner.has_broken()
    }

    pub async fn close(mut self) {
        let _ = self.inner.quit().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_give_host_port_tls_and_credentials() {
        let plain = SmtpConfig::parse("smtp://127.0.0.1:2525").unwrap();
        assert_eq!(
            (
                plain.host.as_str(),
                plain.port,
                plain.implicit_tls,
                plain.credentials.is_some()
            ),
            ("127.0.0.1", 2525, false, false)
        );
        let submission = SmtpConfig::parse("smtp://awa%40example.org:p%C3%A2ss@mail.example.org").unwrap();
        assert_eq!(submission.port, 587);
        assert!(submission.credentials.is_some());
        assert_eq!(SmtpConfig::parse("smtps://mail.example.org").unwrap().port, 465);
        assert!(SmtpConfig::parse("http://mail.example.org").is_err());
    }
}
