//! One IMAP session to the inbound mailbox: plain TCP to loopback, TLS, or STARTTLS.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

use anyhow::{Context, bail};
use async_imap::{Client, Session};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use super::url::{ImapUrl, Security};

/// The byte stream under the IMAP session, with or without TLS.
#[derive(Debug)]
pub enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

pub type ImapSession = Session<Stream>;

/// Connects and logs in; STARTTLS is mandatory on `imap://` to anything but loopback.
pub async fn open(url: &ImapUrl) -> anyhow::Result<ImapSession> {
    let tcp = TcpStream::connect((url.host.as_str(), url.port))
        .await
        .with_context(|| format!("cannot connect to {}:{}", url.host, url.port))?;
    let stream = match url.security {
        Security::Plain => greeted(Stream::Plain(tcp)).await?,
        Security::Tls => greeted(Stream::Tls(Box::new(tls(url, tcp).await?))).await?,
        Security::StartTls => {
            let mut client = greeted(Stream::Plain(tcp)).await?;
            client
                .run_command_and_check_ok("STARTTLS", None)
                .await
                .context("the IMAP server refused STARTTLS")?;
            let Stream::Plain(tcp) = client.into_inner() else {
                bail!("STARTTLS on a TLS stream");
            };
            // No greeting after STARTTLS (RFC 3501 §6.2.1).
            Client::new(Stream::Tls(Box::new(tls(url, tcp).await?)))
        }
    };
    stream
        .login(&url.user, &url.password)
        .await
        .map_err(|(err, _)| anyhow::anyhow!("IMAP login refused by {}: {err}", url.host))
}

async fn greeted(stream: Stream) -> anyhow::Result<Client<Stream>> {
    let mut client = Client::new(stream);
    client
        .read_response()
        .await
        .context("no IMAP greeting")?
        .context("the IMAP server closed the connection")?;
    Ok(client)
}

async fn tls(url: &ImapUrl, tcp: TcpStream) -> anyhow::Result<TlsStream<TcpStream>> {
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let verifier = match &url.ca_file {
        None => rustls_platform_verifier::Verifier::new(provider.clone())?,
        Some(path) => {
            use tokio_rustls::rustls::pki_types::{CertificateDer, pem::PemObject};
            let extra = CertificateDer::pem_file_iter(path)
                .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
                .with_context(|| format!("TOGUNA_IMAP_CA_FILE {} holds no readable certificate", path.display()))?;
            rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider.clone())?
        }
    };
    let config = tokio_rustls::rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    let name = tokio_rustls::rustls::pki_types::ServerName::try_from(url.host.clone())?;
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    connector
        .connect(name, tcp)
        .await
        .with_context(|| format!("TLS with {} failed", url.host))
}

impl AsyncRead for Stream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut TaskContext<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut TaskContext<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}
