//! Reading back a message the file transport wrote: its text, its HTML and its attachments, for the admin.

use mail_parser::{MessageParser, MimeHeaders, PartType};

/// What the admin sees of one stored message.
#[derive(Clone, Debug, Default)]
pub struct MessageView {
    pub subject: String,
    pub from: String,
    pub to: String,
    pub text: String,
    /// The HTML alternative, shown only inside a sandboxed frame.
    pub html: Option<String>,
    pub attachments: Vec<AttachmentView>,
}

#[derive(Clone, Debug)]
pub struct AttachmentView {
    pub name: String,
    pub content_type: String,
    pub size: usize,
    /// The content of a text attachment (an invitation's calendar entry), to read in place.
    pub text: Option<String>,
}

/// Parses a stored `.eml`; `None` when it is not a message at all.
pub fn read(raw: &[u8]) -> Option<MessageView> {
    let message = MessageParser::default().parse(raw)?;
    let address = |a: Option<&mail_parser::Address>| {
        a.and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap_or_default()
            .to_string()
    };
    let mut view = MessageView {
        subject: message.subject().unwrap_or_default().to_string(),
        from: address(message.from()),
        to: address(message.to()),
        text: message.body_text(0).map(|t| t.into_owned()).unwrap_or_default(),
        // mail-parser offers a text body as HTML when there is none: keep only a real HTML part.
        html: message
            .html_part(0)
            .filter(|p| matches!(p.body, PartType::Html(_)))
            .and_then(|_| message.body_html(0))
            .map(|h| h.into_owned()),
        attachments: Vec::new(),
    };
    let bodies: Vec<u32> = message.text_body.iter().chain(&message.html_body).copied().collect();
    for (index, part) in message.parts.iter().enumerate() {
        if matches!(part.body, PartType::Multipart(_) | PartType::Message(_)) {
            continue;
        }
        let content_type = part
            .content_type()
            .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or_default()))
            .unwrap_or_else(|| "text/plain".into());
        let is_body = bodies.contains(&(index as u32)) && part.attachment_name().is_none();
        if is_body && (content_type == "text/plain" || content_type == "text/html") {
            continue;
        }
        let text = match &part.body {
            PartType::Text(t) => Some(t.to_string()),
            _ => None,
        };
        view.attachments.push(AttachmentView {
            name: part.attachment_name().unwrap_or_default().to_string(),
            content_type,
            size: part.contents().len(),
            text,
        });
    }
    Some(view)
}
