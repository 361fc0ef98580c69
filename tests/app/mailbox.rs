//! Reading delivered invitations the way a mail client would: MIME tree, headers, calendar.

use mail_parser::{MessageParser, MimeHeaders};

/// One delivered message, parsed by an independent MIME parser.
pub struct Delivered {
    pub raw: Vec<u8>,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub calendar: String,
    pub calendar_content_type: String,
    pub attachment: Vec<u8>,
    pub parts: Vec<String>,
}

impl Delivered {
    pub fn parse(raw: &[u8]) -> Delivered {
        let message = MessageParser::default().parse(raw).expect("a MIME message");
        let to = message
            .to()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap_or_default()
            .to_string();
        let mut parts = Vec::new();
        let mut calendar = String::new();
        let mut calendar_content_type = String::new();
        let mut attachment = Vec::new();
        for part in message.parts.iter() {
            let ct = part
                .content_type()
                .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or_default()))
                .unwrap_or_default();
            parts.push(ct.clone());
            if ct == "text/calendar" {
                calendar = String::from_utf8(part.contents().to_vec()).expect("UTF-8 calendar");
                let c = part.content_type().expect("content type");
                calendar_content_type = format!(
                    "text/calendar; method={}; charset={}",
                    c.attribute("method").unwrap_or_default(),
                    c.attribute("charset").unwrap_or_default()
                );
                assert!(
                    part.content_disposition().is_none(),
                    "the inline calendar part is no attachment"
                );
            }
            if ct == "application/ics" {
                attachment = part.contents().to_vec();
            }
        }
        Delivered {
            raw: raw.to_vec(),
            to,
            subject: message.subject().unwrap_or_default().to_string(),
            text: message.body_text(0).map(|t| t.to_string()).unwrap_or_default(),
            calendar,
            calendar_content_type,
            attachment,
            parts,
        }
    }

    /// The answer link written in the text part.
    pub fn rsvp_path(&self) -> String {
        let start = self.text.find("/rsvp/").expect("an answer link");
        let link = self.text[start..].split_whitespace().next().unwrap_or_default();
        link.split('?').next().unwrap_or_default().to_string()
    }

    /// A property of the single VEVENT, as an independent iCalendar parser reads it.
    pub fn event_property(&self, name: &str) -> Vec<String> {
        let unfolded = icalendar::parser::unfold(&self.calendar);
        let calendar = icalendar::parser::read_calendar(&unfolded).expect("a calendar");
        let vevent = calendar
            .components
            .iter()
            .find(|c| c.name == "VEVENT")
            .expect("a VEVENT");
        vevent
            .properties
            .iter()
            .filter(|p| p.name == name)
            .map(|p| p.val.to_string())
            .collect()
    }

    pub fn attendee_cn(&self) -> String {
        let unfolded = icalendar::parser::unfold(&self.calendar);
        let calendar = icalendar::parser::read_calendar(&unfolded).expect("a calendar");
        let vevent = calendar
            .components
            .iter()
            .find(|c| c.name == "VEVENT")
            .expect("a VEVENT");
        let attendee = vevent
            .properties
            .iter()
            .find(|p| p.name == "ATTENDEE")
            .expect("an ATTENDEE");
        attendee
            .params
            .iter()
            .find(|p| p.key == "CN")
            .and_then(|p| p.val.as_ref())
            .map(|v| v.to_string())
            .unwrap_or_default()
    }
}

/// Every `.eml` file the file transport wrote, oldest first.
pub fn files_in(dir: &std::path::Path) -> Vec<Vec<u8>> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                .collect()
        })
        .unwrap_or_default();
    entries.sort_by_key(|e| e.metadata().and_then(|m| m.modified()).ok());
    entries
        .into_iter()
        .filter_map(|e| std::fs::read(e.path()).ok())
        .collect()
}

/// Waits until the file transport holds at least `n` messages.
pub async fn wait_for_files(dir: &std::path::Path, n: usize) -> Vec<Delivered> {
    // Generous: CI machines are small and run two tests at once.
    for _ in 0..600 {
        let files = files_in(dir);
        if files.len() >= n {
            return files.iter().map(|f| Delivered::parse(f)).collect();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!(
        "expected {n} messages in {}, found {}",
        dir.display(),
        files_in(dir).len()
    );
}
