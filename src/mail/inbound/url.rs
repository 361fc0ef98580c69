//! `TOGUNA_IMAP_URL`: where the inbound mailbox is and how to reach it safely.

use anyhow::{Context, bail};

/// How the connection is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
    /// `imaps://`: TLS from the first byte (port 993).
    Tls,
    /// `imap://` to another host: STARTTLS is required before logging in.
    StartTls,
    /// `imap://` to a loopback address only: nothing leaves the machine, so no TLS.
    Plain,
}

#[derive(Clone)]
pub struct ImapUrl {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: String,
    pub mailbox: String,
    pub security: Security,
    /// `TOGUNA_IMAP_CA_FILE`: PEM certificates trusted besides the system's, for a mail server
    /// with a private or self-signed CA.
    pub ca_file: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for ImapUrl {
    /// Never prints the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ImapUrl({})", self.label())
    }
}

impl ImapUrl {
    /// `imaps://user:password@host:993/INBOX` or `imap://…`; user and password percent-encoded.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let url = url::Url::parse(text).context("TOGUNA_IMAP_URL is not a URL")?;
        let host = url.host_str().context("TOGUNA_IMAP_URL has no host")?.to_string();
        let loopback = match url.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            // `imap:` is not a special scheme to the URL standard: its IPv4 hosts come back as text.
            Some(url::Host::Domain(name)) => {
                name.eq_ignore_ascii_case("localhost")
                    || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
            }
            None => false,
        };
        let (security, default_port) = match url.scheme() {
            "imaps" => (Security::Tls, 993),
            "imap" if loopback => (Security::Plain, 143),
            "imap" => (Security::StartTls, 143),
            other => bail!("TOGUNA_IMAP_URL must start with imaps:// or imap://, not {other}://"),
        };
        let decode =
            |s: &str| percent_decode(s).with_context(|| "TOGUNA_IMAP_URL: user or password is badly percent-encoded");
        let user = decode(url.username())?;
        let password = decode(url.password().unwrap_or_default())?;
        if user.is_empty() {
            bail!("TOGUNA_IMAP_URL needs a user: imaps://user:password@host/INBOX");
        }
        let mailbox = decode(url.path().trim_start_matches('/'))?;
        Ok(ImapUrl {
            host,
            port: url.port().unwrap_or(default_port),
            user,
            password,
            mailbox: if mailbox.is_empty() { "INBOX".into() } else { mailbox },
            security,
            ca_file: None,
        })
    }

    /// `user@host:port/INBOX`: names the mailbox in the database and logs, without the password.
    pub fn label(&self) -> String {
        format!("{}@{}:{}/{}", self.user, self.host, self.port, self.mailbox)
    }
}

fn percent_decode(text: &str) -> anyhow::Result<String> {
    Ok(percent_encoding::percent_decode_str(text).decode_utf8()?.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_imap_is_only_for_loopback_and_passwords_are_decoded() {
        let url = ImapUrl::parse("imap://toguna:p%40ss%3Aw@127.0.0.1:1143/INBOX").expect("parses");
        assert_eq!(
            (url.security, url.port, url.password.as_str()),
            (Security::Plain, 1143, "p@ss:w")
        );
        let remote = ImapUrl::parse("imap://toguna:x@mail.example.org/Replies").expect("parses");
        assert_eq!((remote.security, remote.port), (Security::StartTls, 143));
        assert_eq!(remote.mailbox, "Replies");
        let tls = ImapUrl::parse("imaps://toguna:x@mail.example.org").expect("parses");
        assert_eq!(
            (tls.security, tls.port, tls.mailbox.as_str()),
            (Security::Tls, 993, "INBOX")
        );
        assert!(!format!("{tls:?}").contains(":x@"));
        assert!(ImapUrl::parse("pop3://a:b@host").is_err());
    }
}
