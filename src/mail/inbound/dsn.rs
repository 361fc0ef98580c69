//! Delivery status notifications (RFC 3464 `multipart/report; report-type=delivery-status`):
//! the status, the remote server's words and the Message-ID of the message that bounced.

use mail_parser::{Message, MimeHeaders, PartType};

use crate::domain::inbound_mail::Bounce;

/// The bounce a DSN reports, if the message is one and names the original message.
pub fn read(message: &Message<'_>) -> Option<Bounce> {
    let root = message.root_part().content_type()?;
    let is_report = root.ctype().eq_ignore_ascii_case("multipart")
        && root.subtype().is_some_and(|s| s.eq_ignore_ascii_case("report"))
        && root
            .attribute("report-type")
            .is_some_and(|t| t.eq_ignore_ascii_case("delivery-status"));
    if !is_report {
        return None;
    }
    let mut fields = Vec::new();
    let mut original = None;
    for part in &message.parts {
        let Some(ct) = part.content_type() else { continue };
        let subtype = ct.subtype().unwrap_or_default().to_ascii_lowercase();
        match (ct.ctype().to_ascii_lowercase().as_str(), subtype.as_str()) {
            ("message", "delivery-status") | ("message", "global-delivery-status") => {
                fields = status_fields(&String::from_utf8_lossy(part.contents()));
            }
            ("message", "rfc822") | ("text", "rfc822-headers") | ("message", "rfc822-headers") => {
                original = match &part.body {
                    PartType::Message(inner) => inner.message_id().map(|id| format!("<{id}>")),
                    _ => header_message_id(&String::from_utf8_lossy(part.contents())),
                };
            }
            _ => {}
        }
    }
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let status = field("Status");
    let diagnostic = field("Diagnostic-Code");
    // "smtp; 550 5.1.1 …": the type prefix is for machines.
    let diagnostic = diagnostic
        .split_once(';')
        .map_or(diagnostic.as_str(), |(_, words)| words)
        .trim()
        .to_string();
    Some(Bounce {
        original_message_id: original?,
        status,
        diagnostic,
    })
}

/// `Field: value` lines of the status blocks, continuation lines joined (RFC 3464 §2.1).
fn status_fields(text: &str) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = fields.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            fields.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    fields
}

fn header_message_id(headers: &str) -> Option<String> {
    let parsed = mail_parser::MessageParser::default().parse_headers(headers.as_bytes())?;
    parsed.message_id().map(|id| format!("<{id}>"))
}
