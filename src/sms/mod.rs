//! SMS delivery: the gateway interface (Kannel's smsbox first), its settings, GSM-7 text and the
//! outbox worker. Messages are composed and queued by `domain::sms`; this module only sends.

pub mod gsm;
pub mod kannel;
pub mod quiet;
pub mod worker;

use std::sync::Arc;

use futures_util::future::BoxFuture;

pub use crate::mail::SendError;

/// Everything about SMS read from the environment.
#[derive(Clone, Debug, Default)]
pub struct SmsSettings {
    /// `TOGUNA_SMS_URL`; without it no SMS goes out (queued ones wait).
    pub url: Option<kannel::KannelUrl>,
    /// `TOGUNA_SMS_SECRET`: what the gateway's callbacks must carry.
    pub secret: String,
    /// `TOGUNA_SMS_QUIET`, in each event's time zone.
    pub quiet: quiet::QuietHours,
}

impl SmsSettings {
    pub fn from_env(url: Option<String>, secret: Option<String>, quiet: Option<String>) -> anyhow::Result<Self> {
        let url = url.map(|u| kannel::KannelUrl::parse(&u)).transpose()?;
        let secret = secret.unwrap_or_default();
        anyhow::ensure!(
            url.is_none() || secret.len() >= 16,
            "TOGUNA_SMS_SECRET must be at least 16 characters when TOGUNA_SMS_URL is set"
        );
        let quiet = match quiet {
            Some(text) => quiet::QuietHours::parse(&text)?,
            None => quiet::QuietHours::default(),
        };
        Ok(SmsSettings { url, secret, quiet })
    }

    /// The gateway to send through, when one is configured.
    pub fn gateway(&self, base_url: &str, lease: std::time::Duration) -> Option<Arc<dyn Gateway>> {
        let url = self.url.clone()?;
        let timeout = (lease / 2).min(std::time::Duration::from_secs(15));
        Some(Arc::new(kannel::Kannel::new(url, base_url, &self.secret, timeout)))
    }
}

/// One text to hand to the gateway.
pub struct OutgoingSms<'a> {
    /// The outbox row: delivery reports name it.
    pub id: i32,
    pub to: &'a str,
    pub text: &'a str,
    pub coding: gsm::Coding,
}

/// A provider that takes texts for delivery. Kannel is the first; an operator's REST API would be
/// another. `Ok` means the gateway accepted the text (or queued it for later): the operator's
/// delivery report tells the rest.
pub trait Gateway: Send + Sync {
    fn send<'a>(&'a self, sms: OutgoingSms<'a>) -> BoxFuture<'a, Result<(), SendError>>;
}
