//! Invitation, update, cancellation and reminder messages as iMIP emails (RFC 6047).
//!
//! multipart/mixed
//! ├── multipart/alternative: text/plain, text/html, text/calendar; method=…
//! └── invite.ics (application/ics), byte-identical to the calendar part

use askama::Template;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use lettre::Message;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};

use crate::calendar::{self, Attendee, Method, PartStat, Person};
use crate::domain::actors::Actor;
use crate::domain::events::{Event, calendar_entry};
use crate::domain::venues::Venue;
use crate::domain::vocab::Response;
use crate::i18n::Lang;

/// Why the invitee hears from us.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailKind {
    Invitation,
    Update,
    Cancellation,
    Reminder,
}

impl MailKind {
    pub fn slug(self) -> &'static str {
        match self {
            MailKind::Invitation => "invitation",
            MailKind::Update => "update",
            MailKind::Cancellation => "cancellation",
            MailKind::Reminder => "reminder",
        }
    }

    fn method(self) -> Method {
        match self {
            MailKind::Cancellation => Method::Cancel,
            _ => Method::Request,
        }
    }
}

/// Everything one message is made of.
pub struct MailInput<'a> {
    pub kind: MailKind,
    pub event: &'a Event,
    pub venue: Option<&'a Venue>,
    pub actor: &'a Actor,
    pub recipient: &'a str,
    pub response: Response,
    /// The answer given to an earlier date or place of a moved event, which the guest is asked to
    /// give again; `None` when the stored answer holds.
    pub reconfirm: Option<Response>,
    pub rsvp_url: &'a str,
    /// What the QR code holds: the guest's check-in link, scanned at the entrance.
    pub checkin_url: &'a str,
    pub from: &'a Mailbox,
    pub reply_to: Option<&'a Mailbox>,
    /// The invitation's reply tag, put in ORGANIZER (and in Reply-To when that is the service).
    pub reply_tag: Option<&'a str>,
    pub now: DateTime<Utc>,
}

/// A composed message, ready for the outbox.
pub struct ComposedMail {
    pub message_id: String,
    pub subject: String,
    pub bytes: Vec<u8>,
}

#[derive(Template)]
#[template(path = "mail/invitation.txt")]
struct TextBody<'a> {
    m: &'a MailView<'a>,
}

#[derive(Template)]
#[template(path = "mail/invitation.html")]
struct HtmlBody<'a> {
    m: &'a MailView<'a>,
}

/// What the mail templates show, already in the invitee's language and the event's zone.
pub struct MailView<'a> {
    lang: Lang,
    kind: MailKind,
    pub greeting: String,
    pub title: &'a str,
    pub when: String,
    pub place: String,
    pub description: &'a str,
    pub rsvp_url: &'a str,
    pub organizer: String,
    /// "Your earlier answer (…) was for the earlier date: please answer again", or empty.
    pub reconfirm: String,
}

impl MailView<'_> {
    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }

    pub fn lead(&self) -> &'static str {
        self.lang.t(&format!("mail.lead_{}", self.kind.slug()))
    }

    /// The answer page with one choice preselected; opening it still changes nothing.
    pub fn answer_url(&self, answer: &str) -> String {
        format!("{}?answer={answer}", self.rsvp_url)
    }

    pub fn cancelled(&self) -> bool {
        self.kind == MailKind::Cancellation
    }
}

/// "mardi 10 décembre 2026, 09:00–17:00 (Africa/Bamako)".
pub fn when_text(event: &Event, lang: Lang) -> String {
    let tz: Tz = event.tz();
    let start = event.starts_at.with_timezone(&tz);
    let end = event.ends_at.with_timezone(&tz);
    let weekday = lang.t(&format!(
        "weekday_long.{}",
        start.format("%a").to_string().to_lowercase()
    ));
    let month = lang.t(&format!("month_lower.{}", start.format("%m")));
    let same_day = start.date_naive() == end.date_naive();
    let end_text = if same_day {
        end.format("%H:%M").to_string()
    } else {
        end.format("%d/%m/%Y %H:%M").to_string()
    };
    format!(
        "{weekday} {} {month} {}, {}–{end_text} ({})",
        start.format("%-d"),
        start.format("%Y"),
        start.format("%H:%M"),
        event.timezone
    )
}

pub fn compose(input: &MailInput<'_>) -> anyhow::Result<ComposedMail> {
    let lang = input.actor.language;
    let view = MailView {
        lang,
        kind: input.kind,
        greeting: format!("{} {}", lang.t("mail.dear"), input.actor.full_name),
        title: &input.event.title,
        when: when_text(input.event, lang),
        place: calendar_entry::location(input.venue),
        description: &input.event.description,
        rsvp_url: input.rsvp_url,
        organizer: input
            .reply_to
            .map(|m| m.to_string())
            .unwrap_or_else(|| input.from.to_string()),
        reconfirm: input.reconfirm.map_or_else(String::new, |earlier| {
            let answer = lang.t(&earlier.label_key());
            lang.tf("inbound.moved.to_reconfirm", &[("answer", &answer)])
        }),
    };
    let subject = format!(
        "{} : {} — {}",
        lang.t(&format!("mail.subject_{}", input.kind.slug())),
        input.event.title,
        view.when
    );
    let text = TextBody { m: &view }.render()?;
    let html = HtmlBody { m: &view }.render()?;

    let service_address = input.from.email.to_string();
    let tagged = input
        .reply_tag
        .map(|tag| crate::domain::inbound_mail::tags::tagged_address(&service_address, tag));
    let organizer = Person {
        email: tagged.clone().unwrap_or(service_address),
        name: input.from.name.clone().unwrap_or_default(),
    };
    let mut entry = calendar_entry::entry(
        input.event,
        input.venue,
        Some(organizer),
        Some(input.rsvp_url.to_string()),
    );
    entry.attendee = Some(Attendee {
        person: Person {
            email: input.recipient.to_string(),
            name: input.actor.full_name.clone(),
        },
        partstat: partstat(input.response),
        rsvp: input.kind != MailKind::Cancellation,
    });
    let method = input.kind.method();
    let ics = calendar::document(method, &[entry], input.now);
    let method_name = if method == Method::Cancel { "CANCEL" } else { "REQUEST" };

    let message_id = format!("<{}@toguna>", uuid::Uuid::new_v4());
    let alternative = MultiPart::alternative()
        .singlepart(SinglePart::plain(text))
        .singlepart(SinglePart::html(html))
        .singlepart(
            SinglePart::builder()
                .header(CalendarContentType(method_name))
                .body(ics.clone()),
        );
    let attachment = Attachment::new("invite.ics".to_string()).body(ics, ContentType::parse("application/ics")?);
    let mut mixed = MultiPart::mixed().multipart(alternative).singlepart(attachment);
    if input.kind != MailKind::Cancellation
        && let Some(image) = crate::mail::qr::png(input.checkin_url)
    {
        mixed =
            mixed.singlepart(Attachment::new("qr-code.png".to_string()).body(image, ContentType::parse("image/png")?));
    }
    let mut builder = Message::builder()
        .from(input.from.clone())
        .to(Mailbox::new(
            Some(input.actor.full_name.clone()),
            input.recipient.parse()?,
        ))
        .subject(subject.clone())
        .message_id(Some(message_id.clone()))
        .date(input.now.into());
    // Replies reach the organizer who acted; messages the worker sends alone go back to the service.
    let service_reply = match &tagged {
        Some(address) => Mailbox::new(input.from.name.clone(), address.parse()?),
        None => input.from.clone(),
    };
    builder = builder.reply_to(input.reply_to.cloned().unwrap_or(service_reply));
    let message = builder
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Content-Language"),
            lang.code().to_string(),
        ))
        .multipart(mixed)?;
    Ok(ComposedMail {
        message_id,
        subject,
        bytes: message.formatted(),
    })
}

/// `text/calendar; method=…; charset=UTF-8`, written as CALENDAR-MAIL spells it: lettre's typed
/// content type goes through the `mime` crate, which lower-cases the charset.
#[derive(Clone)]
struct CalendarContentType(&'static str);

impl lettre::message::header::Header for CalendarContentType {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Content-Type")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Err(format!("not parsed: {s}").into())
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("text/calendar; method={}; charset=UTF-8", self.0))
    }
}

fn partstat(response: Response) -> PartStat {
    match response {
        Response::Accepted => PartStat::Accepted,
        Response::Tentative => PartStat::Tentative,
        Response::Declined => PartStat::Declined,
        Response::None => PartStat::NeedsAction,
    }
}
