//! Kannel's smsbox HTTP interface: `/cgi-bin/sendsms` with the coding, charset and a `dlr-url`.

use futures_util::future::BoxFuture;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use crate::sms::{Gateway, OutgoingSms, SendError};

/// `kannel://user:password@host:13013[?from=SENDER&smsc=ID]`.
#[derive(Clone, PartialEq, Eq)]
pub struct KannelUrl {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: String,
    /// The sender shown to guests; without it, smsbox's `global-sender` applies.
    pub from: Option<String>,
    /// Route through one SMSC group of `kannel.conf`.
    pub smsc: Option<String>,
}

impl std::fmt::Debug for KannelUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password: settings are logged at start.
        write!(f, "kannel://{}@{}:{}", self.user, self.host, self.port)
    }
}

impl KannelUrl {
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let url = url::Url::parse(text).map_err(|e| anyhow::anyhow!("TOGUNA_SMS_URL is not a URL: {e}"))?;
        anyhow::ensure!(url.scheme() == "kannel", "TOGUNA_SMS_URL must start with kannel://");
        let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
        let mut parsed = KannelUrl {
            host: url
                .host_str()
                .ok_or_else(|| anyhow::anyhow!("TOGUNA_SMS_URL names no host"))?
                .to_string(),
            port: url.port().unwrap_or(13013),
            user: decode(url.username()),
            password: decode(url.password().unwrap_or_default()),
            from: None,
            smsc: None,
        };
        anyhow::ensure!(!parsed.user.is_empty(), "TOGUNA_SMS_URL names no sendsms user");
        for (key, value) in url.query_pairs() {
            match key.as_ref() {
                "from" => parsed.from = Some(value.into_owned()),
                "smsc" => parsed.smsc = Some(value.into_owned()),
                other => anyhow::bail!("TOGUNA_SMS_URL: unknown parameter {other}"),
            }
        }
        Ok(parsed)
    }
}

pub struct Kannel {
    url: KannelUrl,
    /// The delivery-report callback, with `{id}` to fill; Kannel fills `%d` and `%A`.
    dlr_url: String,
    client: reqwest::Client,
}

impl Kannel {
    /// `timeout` must stay below the outbox lease, or a slow gateway would let a second lane
    /// claim the same text while the first still waits for Kannel's answer.
    pub fn new(url: KannelUrl, base_url: &str, secret: &str, timeout: std::time::Duration) -> Self {
        let secret = utf8_percent_encode(secret, NON_ALPHANUMERIC);
        let client = reqwest::Client::builder().timeout(timeout).build().unwrap_or_default();
        Kannel {
            url,
            dlr_url: format!("{base_url}/sms/kannel/dlr?secret={secret}&id={{id}}&status=%d&reason=%A"),
            client,
        }
    }

    fn request_url(&self, sms: &OutgoingSms<'_>) -> String {
        let enc = |s: &str| utf8_percent_encode(s, NON_ALPHANUMERIC).to_string();
        let dlr_url = self.dlr_url.replace("{id}", &sms.id.to_string());
        let mut url = format!(
            "http://{}:{}/cgi-bin/sendsms?username={}&password={}&to={}&text={}&coding={}&charset=UTF-8&dlr-mask=31&dlr-url={}",
            self.url.host,
            self.url.port,
            enc(&self.url.user),
            enc(&self.url.password),
            enc(sms.to),
            enc(sms.text),
            sms.coding.kannel(),
            enc(&dlr_url),
        );
        if let Some(from) = &self.url.from {
            url.push_str(&format!("&from={}", enc(from)));
        }
        if let Some(smsc) = &self.url.smsc {
            url.push_str(&format!("&smsc={}", enc(smsc)));
        }
        url
    }
}

impl Gateway for Kannel {
    fn send<'a>(&'a self, sms: OutgoingSms<'a>) -> BoxFuture<'a, Result<(), SendError>> {
        Box::pin(async move {
            let response = self
                .client
                .get(self.request_url(&sms))
                .send()
                .await
                .map_err(|e| SendError::transient(format!("gateway unreachable: {e}")))?;
            let status = response.status();
            let body = response.text().await.unwrap_or_default();
            let body = body.trim();
            // "0: Accepted for delivery" and "3: Queued for later delivery" both mean Kannel has it.
            if status.is_success() && (body.starts_with("0:") || body.starts_with("3:") || body.is_empty()) {
                return Ok(());
            }
            let text = format!("{} {body}", status.as_u16());
            // A wrong password or a full queue is mended by a person or by time; a message Kannel
            // refuses for what it says (400) will be refused again.
            let permanent = status.is_client_error() && !matches!(status.as_u16(), 403 | 408 | 429);
            Err(SendError { permanent, text })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_gives_credentials_and_options() {
        let url = KannelUrl::parse("kannel://toguna:p%40ss@127.0.0.1:14013?from=TOGUNA").unwrap();
        assert_eq!(
            (url.user.as_str(), url.password.as_str(), url.port),
            ("toguna", "p@ss", 14013)
        );
        assert_eq!(url.from.as_deref(), Some("TOGUNA"));
        assert!(!format!("{url:?}").contains("p@ss"));
        assert!(KannelUrl::parse("http://x:1").is_err());
    }

    #[test]
    fn the_request_sets_coding_charset_and_a_dlr_url_with_status() {
        let kannel = Kannel::new(
            KannelUrl::parse("kannel://u:p@h:1").unwrap(),
            "http://app",
            "s3cret",
            std::time::Duration::from_secs(1),
        );
        let url = kannel.request_url(&OutgoingSms {
            id: 42,
            to: "+22370000001",
            text: "été",
            coding: crate::sms::gsm::Coding::Gsm7,
        });
        assert!(url.contains("coding=0&charset=UTF-8&dlr-mask=31"), "{url}");
        assert!(url.contains("to=%2B22370000001"));
        assert!(
            url.contains("dlr%2Durl=")
                || url.contains(
                    "dlr-url=http%3A%2F%2Fapp%2Fsms%2Fkannel%2Fdlr%3Fsecret%3Ds3cret%26id%3D42%26status%3D%25d"
                ),
            "{url}"
        );
    }

    /// A one-shot HTTP server answering `status` and `body`, standing in for smsbox.
    async fn answering(status: &'static str, body: &'static str) -> u16 {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            if let Ok((mut socket, _)) = listener.accept().await {
                let mut buffer = [0u8; 4096];
                let _ = socket.read(&mut buffer).await;
                let reply = format!(
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(reply.as_bytes()).await;
            }
        });
        port
    }

    async fn send_to(port: u16) -> Result<(), SendError> {
        let url = KannelUrl::parse(&format!("kannel://u:p@127.0.0.1:{port}")).unwrap();
        let kannel = Kannel::new(url, "http://app", "s", std::time::Duration::from_secs(5));
        kannel
            .send(OutgoingSms {
                id: 1,
                to: "+22370000001",
                text: "x",
                coding: crate::sms::gsm::Coding::Gsm7,
            })
            .await
    }

    #[tokio::test]
    async fn queued_for_later_is_accepted_and_503_or_no_gateway_is_retried() {
        assert!(
            send_to(answering("202 Accepted", "0: Accepted for delivery").await)
                .await
                .is_ok()
        );
        assert!(
            send_to(answering("202 Accepted", "3: Queued for later delivery").await)
                .await
                .is_ok()
        );
        let busy = send_to(answering("503 Service Unavailable", "busy").await)
            .await
            .unwrap_err();
        assert!(!busy.permanent, "{}", busy.text);
        let refused = send_to(answering("400 Bad Request", "Sender missing and no global set, rejected").await)
            .await
            .unwrap_err();
        assert!(refused.permanent, "{}", refused.text);
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let down = send_to(closed).await.unwrap_err();
        assert!(!down.permanent && down.text.contains("unreachable"), "{}", down.text);
    }
}
