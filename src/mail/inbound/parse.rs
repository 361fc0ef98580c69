//! Takes a raw message apart (mail-parser for MIME, icalendar for the calendar) into the plain
//! data the domain judges. Nothing here trusts the subject line.

use chrono::{DateTime, NaiveDateTime, Utc};
use icalendar::parser::{Component, Property};
use mail_parser::{MessageParser, MimeHeaders};
use sha2::{Digest, Sha256};

use crate::domain::inbound_mail::{CalendarReply, InboundMessage, ReplyAttendee, tags};

/// Headers that may hold the address the message was delivered to, tag included.
const RECIPIENT_HEADERS: [&str; 4] = ["Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To"];

/// Reads one message; `None` when the bytes are not a message at all.
pub fn parse(raw: &[u8]) -> Option<InboundMessage> {
    let message = MessageParser::default().parse(raw)?;
    let body_start = (message.root_part().raw_body_offset() as usize).min(raw.len());
    let mut parsed = InboundMessage {
        message_id: message.message_id().map(|id| format!("<{id}>")).unwrap_or_default(),
        content_hash: hex::encode(Sha256::digest(&raw[body_start..])),
        sender: message
            .from()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap_or_default()
            .to_string(),
        subject: message.subject().unwrap_or_default().to_string(),
        auto_reply: is_auto_reply(&message),
        bounce: super::dsn::read(&message),
        text: message
            .body_text(0)
            .map(|t| t.chars().take(4000).collect())
            .unwrap_or_default(),
        ..Default::default()
    };
    for list in [message.to(), message.cc()].into_iter().flatten() {
        parsed
            .recipients
            .extend(list.iter().filter_map(|a| a.address()).map(str::to_string));
    }
    for name in RECIPIENT_HEADERS {
        for value in message.header_values(name) {
            if let Some(text) = value.as_text() {
                parsed.recipients.push(text.trim().trim_matches(['<', '>']).to_string());
            }
        }
    }
    for part in &message.parts {
        if !is_calendar(part) {
            continue;
        }
        let method_param = part
            .content_type()
            .and_then(|ct| ct.attribute("method"))
            .unwrap_or_default()
            .to_ascii_uppercase();
        let text = String::from_utf8_lossy(part.contents());
        match read_reply(&text, &method_param) {
            Ok(Some(reply)) => {
                parsed.calendar = Some(reply);
                parsed.unreadable = None;
                break;
            }
            Ok(None) => {}
            // Another part (the inline copy or the attachment) may still be readable.
            Err(problem) => parsed.unreadable = Some(problem),
        }
    }
    Some(parsed)
}

fn is_auto_reply(message: &mail_parser::Message<'_>) -> bool {
    let header = |name: &str| message.header_raw(name).map(|v| v.trim().to_ascii_lowercase());
    header("Auto-Submitted").is_some_and(|v| v != "no")
        || header("X-Autoreply").is_some()
        || header("X-Autorespond").is_some()
        || header("Precedence").is_some_and(|v| matches!(v.as_str(), "auto_reply" | "bulk" | "junk"))
}

/// `text/calendar`, `application/ics` or any part named `*.ics`.
fn is_calendar(part: &mail_parser::MessagePart<'_>) -> bool {
    let by_type = part.content_type().is_some_and(|ct| {
        let subtype = ct.subtype().unwrap_or_default();
        (ct.ctype().eq_ignore_ascii_case("text") && subtype.eq_ignore_ascii_case("calendar"))
            || (ct.ctype().eq_ignore_ascii_case("application") && subtype.eq_ignore_ascii_case("ics"))
    });
    let by_name = part
        .attachment_name()
        .is_some_and(|name| name.to_ascii_lowercase().ends_with(".ics"));
    by_type || by_name
}

/// The VEVENT of a calendar part; `Ok(None)` when it holds no event.
fn read_reply(text: &str, method_param: &str) -> Result<Option<CalendarReply>, String> {
    let unfolded = icalendar::parser::unfold(text);
    let calendar = icalendar::parser::read_calendar(&unfolded).map_err(|e| e.lines().take(3).collect::<String>())?;
    let Some(vevent) = calendar
        .components
        .iter()
        .find(|c| c.name.as_str().eq_ignore_ascii_case("VEVENT"))
    else {
        return Ok(None);
    };
    // The METHOD inside the calendar is what the app meant; Outlook's MIME header may differ.
    let method = find(&calendar.properties, "METHOD")
        .map(|p| p.val.as_str().trim().to_ascii_uppercase())
        .unwrap_or_else(|| method_param.to_string());
    let value = |name: &str| prop(vevent, name).map(|p| p.val.as_str().trim().to_string());
    Ok(Some(CalendarReply {
        method,
        uid: value("UID").unwrap_or_default(),
        sequence: value("SEQUENCE").and_then(|s| s.parse().ok()),
        dtstamp: value("DTSTAMP").and_then(|s| utc_time(&s)),
        organizer: value("ORGANIZER").map(|o| tags::strip_mailto(&o).to_string()),
        attendees: vevent
            .properties
            .iter()
            .filter(|p| p.name.as_str().eq_ignore_ascii_case("ATTENDEE"))
            .map(attendee)
            .collect(),
        comment: value("COMMENT").unwrap_or_default(),
    }))
}

fn find<'a>(props: &'a [Property<'a>], name: &str) -> Option<&'a Property<'a>> {
    props.iter().find(|p| p.name.as_str().eq_ignore_ascii_case(name))
}

fn prop<'a>(component: &'a Component<'a>, name: &str) -> Option<&'a Property<'a>> {
    find(&component.properties, name)
}

fn attendee(property: &Property<'_>) -> ReplyAttendee {
    let param = |key: &str| {
        property
            .params
            .iter()
            .find(|p| p.key.as_str().eq_ignore_ascii_case(key))
            .map(|p| {
                p.val
                    .as_ref()
                    .map(|v| v.as_str().trim().to_string())
                    .unwrap_or_default()
            })
    };
    ReplyAttendee {
        address: tags::strip_mailto(property.val.as_str()).to_string(),
        partstat: param("PARTSTAT").unwrap_or_default().to_ascii_uppercase(),
        delegated: param("DELEGATED-TO").is_some(),
        comment: param("X-RESPONSE-COMMENT").unwrap_or_default(),
    }
}

/// `20261201T101500Z`; a floating or zoned time is read as UTC, close enough to order answers.
fn utc_time(text: &str) -> Option<DateTime<Utc>> {
    let bare = text.trim_end_matches(['Z', 'z']);
    NaiveDateTime::parse_from_str(bare, "%Y%m%dT%H%M%S")
        .ok()
        .map(|t| t.and_utc())
}
