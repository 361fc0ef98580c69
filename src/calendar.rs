//! iCalendar documents (RFC 5545 / iTIP RFC 5546): data in, text out, no I/O.
//!
//! `ics` writes the VCALENDAR/VEVENT structure with CRLF endings; what it
//! leaves undone or gets wrong is done here:
//! - TEXT escaping is opt-in and passes control characters: [`escape_text`].
//! - Parameter values are written verbatim (no quoting) and in alphabetical
//!   order: `cal_address` renders ORGANIZER/ATTENDEE heads itself.
//! - Continuation lines are 76 octets (75 plus the leading space): the output
//!   is unfolded and refolded by [`fold_lines`].

use chrono::{DateTime, Utc};
use ics::components::Property;
use ics::properties::{Description, DtEnd, DtStart, Location, Sequence, Status as StatusProp, Summary, Transp, URL};
use ics::{Event, ICalendar};

const PRODID: &str = "-//Toguna//Toguna 0.1//FR";
/// RFC 5545 §3.1: lines SHOULD NOT exceed 75 octets, excluding the CRLF.
const MAX_LINE_OCTETS: usize = 75;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Publish,
    Request,
    Cancel,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Confirmed,
    Tentative,
    Cancelled,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartStat {
    NeedsAction,
    Accepted,
    Tentative,
    Declined,
}

#[derive(Clone, Debug)]
pub struct Person {
    pub email: String,
    pub name: String,
}

#[derive(Clone, Debug)]
pub struct Attendee {
    pub person: Person,
    pub partstat: PartStat,
    pub rsvp: bool,
}

#[derive(Clone, Debug)]
pub struct CalendarEvent {
    pub uid: String,
    pub sequence: u32,
    pub summary: String,
    /// May be empty: then DESCRIPTION is omitted.
    pub description: String,
    /// May be empty: then LOCATION is omitted.
    pub location: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub status: Status,
    pub url: Option<String>,
    pub organizer: Option<Person>,
    pub attendee: Option<Attendee>,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Method::Publish => "PUBLISH",
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }
}

impl PartStat {
    fn as_str(self) -> &'static str {
        match self {
            PartStat::NeedsAction => "NEEDS-ACTION",
            PartStat::Accepted => "ACCEPTED",
            PartStat::Tentative => "TENTATIVE",
            PartStat::Declined => "DECLINED",
        }
    }
}

/// One VCALENDAR with one VEVENT per event (a feed has many; an invitation has one).
/// `dtstamp` is the time the document is produced (the caller passes Utc::now()).
///
/// - CANCEL forces `STATUS:CANCELLED` whatever the event's status.
/// - PUBLISH never carries ATTENDEE (RFC 5546 §3.2.1 allows none).
/// - REQUEST and CANCEL need an ORGANIZER for iTIP; without one the document
///   is still valid RFC 5545, but calendars may show it as a plain event.
pub fn document(method: Method, events: &[CalendarEvent], dtstamp: DateTime<Utc>) -> String {
    let mut calendar = ICalendar::new("2.0", PRODID);
    calendar.push(ics::properties::Method::new(method.as_str()));
    let stamp = utc(dtstamp);
    for event in events {
        calendar.add_event(vevent(method, event, &stamp));
    }
    // Unfolding the crate's output is lossless: every value went through
    // `escape_text` or `strip_controls`, so no value holds a raw CR or LF.
    fold_lines(&calendar.to_string().replace("\r\n ", ""))
}

fn vevent(method: Method, event: &CalendarEvent, dtstamp: &str) -> Event<'static> {
    let mut vevent = Event::new(escape_text(&event.uid), dtstamp.to_owned());
    vevent.push(Sequence::new(event.sequence.to_string()));
    vevent.push(DtStart::new(utc(event.starts_at)));
    vevent.push(DtEnd::new(utc(event.ends_at)));
    vevent.push(Summary::new(escape_text(&event.summary)));
    if !event.description.is_empty() {
        vevent.push(Description::new(escape_text(&event.description)));
    }
    if !event.location.is_empty() {
        vevent.push(Location::new(escape_text(&event.location)));
    }
    if let Some(url) = &event.url {
        vevent.push(URL::new(strip_controls(url)));
    }
    vevent.push(status(method, event.status));
    vevent.push(Transp::opaque());
    if let Some(organizer) = &event.organizer {
        vevent.push(cal_address("ORGANIZER", organizer, &[]));
    }
    if method != Method::Publish
        && let Some(attendee) = &event.attendee
    {
        let rsvp = if attendee.rsvp { "TRUE" } else { "FALSE" };
        let params = [
            ("ROLE", "REQ-PARTICIPANT"),
            ("PARTSTAT", attendee.partstat.as_str()),
            ("RSVP", rsvp),
        ];
        vevent.push(cal_address("ATTENDEE", &attendee.person, &params));
    }
    vevent
}

fn status(method: Method, status: Status) -> StatusProp<'static> {
    match (method, status) {
        (Method::Cancel, _) | (_, Status::Cancelled) => StatusProp::cancelled(),
        (_, Status::Confirmed) => StatusProp::confirmed(),
        (_, Status::Tentative) => StatusProp::tentative(),
    }
}

/// `NAME;CN="…";K=V…:mailto:…`. `ics` sorts parameters alphabetically and
/// never quotes them, so the head is rendered here, in the customary
/// CN;ROLE;PARTSTAT;RSVP order, and handed to `ics` as the property name,
/// which it writes verbatim.
fn cal_address(name: &str, person: &Person, params: &[(&str, &str)]) -> Property<'static> {
    let mut head = name.to_owned();
    if let Some(cn) = quoted_name(&person.name) {
        head.push_str(";CN=");
        head.push_str(&cn);
    }
    for (key, value) in params {
        head.extend([";", key, "=", value]);
    }
    let address = strip_controls(person.email.trim());
    Property::new(head, format!("mailto:{address}"))
}

/// A display name as a quoted parameter value, or None when nothing is left.
///
/// RFC 5545 quoted-strings cannot hold `"` or control characters: `"` is
/// dropped and controls become spaces. Always quoting is valid and covers
/// `,` `;` `:`. A `^` is left as is (RFC 6868 encoding is not applied).
fn quoted_name(name: &str) -> Option<String> {
    let clean: String = name
        .chars()
        .filter(|c| *c != '"')
        .map(|c| if c.is_ascii_control() { ' ' } else { c })
        .collect();
    let clean = clean.trim();
    (!clean.is_empty()).then(|| format!("\"{clean}\""))
}

/// Escapes a TEXT value (RFC 5545 §3.3.11): `\` `;` `,` and newlines.
///
/// `ics::escape_text` handles those (CRLF and lone CR become `\n`); the other
/// control characters, which TEXT does not allow, are dropped (TAB is kept).
pub fn escape_text(text: &str) -> String {
    strip_controls(&ics::escape_text(text))
}

/// Removes the ASCII controls RFC 5545 forbids in values (all but TAB).
fn strip_controls(value: &str) -> String {
    value.chars().filter(|c| *c == '\t' || !c.is_ascii_control()).collect()
}

/// Folds each content line of `text` (LF or CRLF separated) to at most 75
/// octets per physical line, the continuation's leading space included,
/// never inside a UTF-8 character. Every line, the last too, ends in CRLF.
pub fn fold_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 24);
    for line in text.lines() {
        fold_line(line, &mut out);
    }
    out
}

fn fold_line(line: &str, out: &mut String) {
    let mut rest = line;
    let mut limit = MAX_LINE_OCTETS;
    loop {
        // A limit of 74+ octets always holds a whole character (at most 4 octets).
        let cut = rest.floor_char_boundary(limit);
        out.push_str(&rest[..cut]);
        out.push_str("\r\n");
        rest = &rest[cut..];
        if rest.is_empty() {
            return;
        }
        out.push(' ');
        limit = MAX_LINE_OCTETS - 1;
    }
}

/// RFC 5545 DATE-TIME in UTC ("form #2"): `19980119T070000Z`.
fn utc(time: DateTime<Utc>) -> String {
    time.format("%Y%m%dT%H%M%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const TITLE: &str = "Restitution régionale à Ségou : « Les femmes et les FDS », débat élargi… ";
    const MAILTO: &str = "mailto:awa@example.ml";

    fn at(hour: u32) -> DateTime<Utc> {
        let time = Utc.with_ymd_and_hms(2025, 3, 14, hour, 30, 0);
        time.single().expect("valid date")
    }

    fn person(name: &str) -> Person {
        let (email, name) = ("awa@example.ml".into(), name.into());
        Person { email, name }
    }

    fn event(summary: &str, attendee_name: &str) -> CalendarEvent {
        CalendarEvent {
            uid: "evt-42@toguna.ml".into(),
            sequence: 3,
            summary: summary.into(),
            description: "Ordre du jour :\n1. accueil; 2. débat, 3. clôture \\ fin".into(),
            location: "Salle de l’Hôtel de ville, Ségou; 1er étage".into(),
            starts_at: at(9),
            ends_at: at(12),
            status: Status::Confirmed,
            url: Some("https://toguna.ml/e/42".into()),
            organizer: Some(person("Traoré, Moussa")),
            attendee: Some(Attendee {
                person: person(attendee_name),
                partstat: PartStat::NeedsAction,
                rsvp: true,
            }),
        }
    }

    fn request(summary: &str, name: &str) -> String {
        document(Method::Request, &[event(summary, name)], at(8))
    }

    /// Logical lines: the document with RFC 5545 folds removed.
    fn logical(doc: &str) -> Vec<String> {
        let unfolded = doc.replace("\r\n ", "");
        unfolded.lines().map(str::to_owned).collect()
    }

    /// The first logical line starting with `prefix` (panics if there is none).
    fn line(doc: &str, prefix: &str) -> String {
        let mut lines = logical(doc).into_iter();
        lines.find(|l| l.starts_with(prefix)).expect(prefix)
    }

    /// How many logical lines are `name` or hold property `name`.
    fn count(doc: &str, name: &str) -> usize {
        let is = |l: &&String| match l.strip_prefix(name) {
            Some(rest) => rest.is_empty() || rest.starts_with([':', ';']),
            None => false,
        };
        logical(doc).iter().filter(is).count()
    }

    #[test]
    fn crlf_everywhere_and_lines_fit_in_75_octets() {
        let title = TITLE.repeat(5);
        let doc = request(&title, "Coulibaly, Awa");
        assert!(doc.ends_with("\r\n"));
        assert_eq!(doc.matches('\n').count(), doc.matches("\r\n").count());
        for raw in doc.as_bytes().split_inclusive(|b| *b == b'\n') {
            assert!(raw.len() <= MAX_LINE_OCTETS + 2, "{}", raw.len());
            assert!(std::str::from_utf8(raw).is_ok(), "a fold split a character");
        }
        let summary = format!("SUMMARY:{}", escape_text(&title));
        assert_eq!(line(&doc, "SUMMARY"), summary);
    }

    #[test]
    fn folding_backs_off_before_a_multibyte_character() {
        // "SUMMARY:" + 66 octets puts "é" across octets 75 and 76.
        let text = format!("SUMMARY:{}é{}", "a".repeat(66), "è".repeat(80));
        let folded = fold_lines(&text);
        let lines: Vec<&str> = folded.split_terminator("\r\n").collect();
        assert_eq!(lines[0].len(), 74);
        for next in &lines[1..] {
            assert!(next.starts_with(' ') && next.len() <= 75, "{next}");
        }
        assert_eq!(folded.replace("\r\n ", ""), format!("{text}\r\n"));
    }

    #[test]
    fn text_values_are_escaped() {
        let escaped = escape_text("a\\b;c,d\ne\r\nf\u{7}:");
        assert_eq!(escaped, r"a\\b\;c\,d\ne\nf:");
        let doc = request("Bilan; suite, \\ fin", "Awa");
        assert_eq!(line(&doc, "SUMMARY"), r"SUMMARY:Bilan\; suite\, \\ fin");
        let location = r"LOCATION:Salle de l’Hôtel de ville\, Ségou\; 1er étage";
        assert_eq!(line(&doc, "LOCATION"), location);
        let description = r"DESCRIPTION:Ordre du jour :\n1. accueil\; 2. débat\, 3. clôture \\ fin";
        assert_eq!(line(&doc, "DESCRIPTION"), description);
    }

    #[test]
    fn common_names_are_quoted_and_cleaned() {
        let attendee = |name: &str| line(&request("Réunion", name), "ATTENDEE");
        let params = ";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:";
        let cn = |name: &str, cn: &str| {
            assert_eq!(attendee(name), format!("ATTENDEE;CN={cn}{params}{MAILTO}"));
        };
        cn("Coulibaly, Awa", r#""Coulibaly, Awa""#);
        cn("Awa \"la grande\" K", r#""Awa la grande K""#);
        cn("Diarra; Moussa", r#""Diarra; Moussa""#);
        cn("Dr: Traoré", r#""Dr: Traoré""#);
        assert_eq!(attendee(" \"\" "), format!("ATTENDEE{params}{MAILTO}"));
    }

    #[test]
    fn request_has_one_of_each_required_property() {
        let doc = request("Réunion", "Coulibaly, Awa");
        let head = format!("BEGIN:VCALENDAR|VERSION:2.0|PRODID:{PRODID}|METHOD:REQUEST");
        assert_eq!(logical(&doc)[..4].join("|"), head);
        for name in "UID DTSTAMP DTSTART DTEND SUMMARY ORGANIZER SEQUENCE STATUS".split(' ') {
            assert_eq!(count(&doc, name), 1, "{name}");
        }
        assert_eq!(count(&doc, "BEGIN:VEVENT"), 1);
        let organizer = format!(r#"ORGANIZER;CN="Traoré, Moussa":{MAILTO}"#);
        assert_eq!(line(&doc, "ORGANIZER"), organizer);
        let attendee = r#"ATTENDEE;CN="Coulibaly, Awa";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:"#;
        assert_eq!(line(&doc, "ATTENDEE"), format!("{attendee}{MAILTO}"));
        assert_eq!(line(&doc, "STATUS"), "STATUS:CONFIRMED");
        assert_eq!(line(&doc, "SEQUENCE"), "SEQUENCE:3");
        assert_eq!(line(&doc, "DTSTAMP"), "DTSTAMP:20250314T083000Z");
        assert_eq!(line(&doc, "DTSTART"), "DTSTART:20250314T093000Z");
        assert_eq!(line(&doc, "DTEND"), "DTEND:20250314T123000Z");
    }

    #[test]
    fn cancel_keeps_uid_and_forces_cancelled() {
        let event = event("Réunion", "Awa");
        let cancel = document(Method::Cancel, std::slice::from_ref(&event), at(10));
        assert_eq!(line(&cancel, "METHOD"), "METHOD:CANCEL");
        assert_eq!(line(&cancel, "STATUS"), "STATUS:CANCELLED");
        assert_eq!(line(&cancel, "UID"), format!("UID:{}", event.uid));
        assert_eq!(line(&cancel, "DTSTAMP"), "DTSTAMP:20250314T103000Z");
    }

    #[test]
    fn publish_feed_and_optional_properties() {
        let mut bare = event("Sans détails", "Awa");
        (bare.url, bare.organizer) = (None, None);
        bare.description.clear();
        bare.location.clear();
        let events = [event("Réunion", "Awa"), bare.clone()];
        let doc = document(Method::Publish, &events, at(8));
        assert_eq!(line(&doc, "METHOD"), "METHOD:PUBLISH");
        assert_eq!(count(&doc, "BEGIN:VEVENT"), 2);
        assert_eq!(count(&doc, "BEGIN:VCALENDAR"), 1);
        assert_eq!(count(&doc, "ATTENDEE"), 0);
        for name in ["DESCRIPTION", "LOCATION", "URL", "ORGANIZER"] {
            assert_eq!(count(&doc, name), 1, "{name}");
        }
        // Without ORGANIZER a REQUEST is not iTIP, but still parses.
        let orphan = document(Method::Request, &[bare], at(8));
        assert!(icalendar::parser::read_calendar(&orphan).is_ok());
        assert_eq!(count(&orphan, "ORGANIZER"), 0);
    }

    /// Independent parser: `icalendar` unescapes TEXT as RFC 5545 §3.3.11 says
    /// (`\\` `\;` `\,` `\n`), and strips the quotes of quoted parameter values.
    #[test]
    fn round_trip_through_icalendar_parser() {
        let name = "N’Diaye, Aïssata; dite l'aînée";
        let mut source = event(&TITLE.repeat(3), name);
        source.summary.push_str("l’été, l'hiver; \\ fin");
        let doc = document(Method::Request, std::slice::from_ref(&source), at(8));
        let unfolded = icalendar::parser::unfold(&doc);
        let calendar = icalendar::parser::read_calendar(&unfolded).expect("parses");
        let vevent = calendar.components.iter().find(|c| c.name == "VEVENT");
        let vevent = vevent.expect("VEVENT");
        let value = |prop: &str| vevent.find_prop(prop).expect(prop).val.as_str().to_owned();
        assert_eq!(value("SUMMARY"), source.summary);
        assert_eq!(value("LOCATION"), source.location);
        assert_eq!(value("DESCRIPTION"), source.description);
        let attendee = vevent.find_prop("ATTENDEE").expect("ATTENDEE");
        let cn = attendee.params.iter().find(|p| p.key == "CN");
        let cn = cn.and_then(|p| p.val.as_ref()).map(|v| v.as_str());
        assert_eq!(cn, Some(name));
        assert_eq!(attendee.val.as_str(), MAILTO);
    }
}
