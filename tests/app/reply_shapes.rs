//! Replies as calendar apps really write them, built around an invitation Toguna sent: the
//! MIME shapes, encodings and iCalendar quirks of Thunderbird, Outlook/Exchange, Gmail and Apple.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::mailbox::Delivered;

/// What a guest's calendar knows of the invitation, read from the message it received.
pub struct Received {
    pub uid: String,
    pub sequence: String,
    /// The ORGANIZER address without `mailto:`: where calendar apps send their REPLY.
    pub organizer: String,
    pub attendee: String,
    pub summary: String,
}

impl Received {
    pub fn from(mail: &Delivered) -> Received {
        let value = |name: &str| {
            let line = mail.event_property(name).into_iter().next().unwrap_or_default();
            line.rsplit_once(':').map(|(_, v)| v.to_string()).unwrap_or_default()
        };
        Received {
            uid: mail.event_property("UID")[0].trim_start_matches("UID:").to_string(),
            // A bare number: no `mailto:` to strip.
            sequence: mail.event_property("SEQUENCE").into_iter().next().unwrap_or_default(),
            organizer: value("ORGANIZER"),
            attendee: mail.to.clone(),
            summary: mail.event_property("SUMMARY")[0]
                .trim_start_matches("SUMMARY:")
                .to_string(),
        }
    }
}

/// The variable parts of a reply.
pub struct Answer<'a> {
    pub method: &'a str,
    pub partstat: &'a str,
    /// The ATTENDEE address the reply names (usually the guest's own).
    pub attendee: &'a str,
    pub dtstamp: &'a str,
    pub uid: &'a str,
    /// Extra ATTENDEE parameters, e.g. `;DELEGATED-TO="mailto:…"`.
    pub extra: &'a str,
}

impl<'a> Answer<'a> {
    pub fn reply(received: &'a Received, partstat: &'a str) -> Answer<'a> {
        Answer {
            method: "REPLY",
            partstat,
            attendee: &received.attendee,
            dtstamp: "20300101T100000Z",
            uid: &received.uid,
            extra: "",
        }
    }
}

fn id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

fn ics(prodid: &str, answer: &Answer<'_>, r: &Received, body: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nPRODID:{prodid}\r\nVERSION:2.0\r\nMETHOD:{}\r\nBEGIN:VEVENT\r\nDTSTAMP:{}\r\nUID:{}\r\n\
         SEQUENCE:{}\r\nSUMMARY:{}\r\nDTSTART:20300610T090000Z\r\nDTEND:20300610T170000Z\r\n{body}END:VEVENT\r\nEND:VCALENDAR\r\n",
        answer.method, answer.dtstamp, answer.uid, r.sequence, r.summary
    )
}

fn b64(text: &str) -> String {
    let encoded = STANDARD.encode(text.as_bytes());
    let lines: Vec<&str> = encoded
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).unwrap_or(""))
        .collect();
    lines.join("\r\n")
}

/// Thunderbird: 8bit parts, multipart/alternative plus an `application/ics` attachment, a
/// localized (encoded-word) subject, ORGANIZER repeated.
pub fn thunderbird(r: &Received, a: &Answer<'_>) -> Vec<u8> {
    let body = format!(
        "ORGANIZER;CN=Toguna:mailto:{}\r\nATTENDEE;CN=Awa Coulibaly;PARTSTAT={}{}:mailto:{}\r\n",
        r.organizer, a.partstat, a.extra, a.attendee
    );
    let calendar = ics("-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN", a, r, &body);
    let subject = format!("=?UTF-8?B?{}?=", STANDARD.encode(format!("Accepté : {}", r.summary)));
    format!(
        "From: Awa Coulibaly <{from}>\r\nTo: Toguna <{to}>\r\nSubject: {subject}\r\nMessage-ID: <{id}@example.org>\r\n\
         Date: Tue, 1 Jan 2030 10:00:00 +0000\r\nMIME-Version: 1.0\r\nUser-Agent: Mozilla Thunderbird\r\n\
         Content-Type: multipart/mixed; boundary=\"------------mixed\"\r\n\r\n\
         --------------mixed\r\nContent-Type: multipart/alternative; boundary=\"------------alt\"\r\n\r\n\
         --------------alt\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
         Awa Coulibaly a accepté votre invitation à l'événement : {summary}\r\n\
         --------------alt\r\nContent-Type: text/calendar; charset=UTF-8; method={method}\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
         {calendar}--------------alt--\r\n\r\n\
         --------------mixed\r\nContent-Type: application/ics; name=\"invite.ics\"\r\nContent-Disposition: attachment; filename=\"invite.ics\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{attachment}\r\n--------------mixed--\r\n",
        from = a.attendee,
        to = r.organizer,
        id = id(),
        summary = r.summary,
        method = a.method,
        attachment = b64(&calendar),
    )
    .into_bytes()
}

/// Outlook / Exchange: no ORGANIZER in the reply, an "Accepted:" subject, `MAILTO:` in capitals,
/// quoted-printable, and a MIME `method` that differs from the METHOD in the body.
pub fn outlook(r: &Received, a: &Answer<'_>) -> Vec<u8> {
    let body = format!(
        "ATTENDEE;PARTSTAT={}{};CN=\"Coulibaly, Awa\":MAILTO:{}\r\nCOMMENT:Je serai là.\r\n",
        a.partstat,
        a.extra,
        a.attendee.to_uppercase()
    );
    let calendar = ics("Microsoft Exchange Server 2010", a, r, &body);
    let quoted = calendar
        .replace('=', "=3D")
        .replace("é", "=C3=A9")
        .replace("à", "=C3=A0");
    format!(
        "From: \"Coulibaly, Awa\" <{from}>\r\nTo: Toguna <{to}>\r\nSubject: Accepted: {summary}\r\n\
         Thread-Topic: {summary}\r\nMessage-ID: <{id}@EXCH01.example.org>\r\nDate: Tue, 1 Jan 2030 10:00:00 +0000\r\n\
         MIME-Version: 1.0\r\nX-MS-Has-Attach:\r\nContent-Type: multipart/alternative; boundary=\"_000_EXCH_\"\r\n\r\n\
         --_000_EXCH_\r\nContent-Type: text/plain; charset=\"us-ascii\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\r\n\
         --_000_EXCH_\r\nContent-Type: text/calendar; charset=\"utf-8\"; method=REQUEST\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
         {quoted}\r\n--_000_EXCH_--\r\n",
        from = a.attendee,
        to = r.organizer,
        summary = r.summary,
        id = id(),
    )
    .into_bytes()
}

/// Gmail: only an `application/ics` part, without a method parameter, base64; the guest's
/// comment in `X-RESPONSE-COMMENT` on ATTENDEE.
pub fn gmail(r: &Received, a: &Answer<'_>, comment: &str) -> Vec<u8> {
    let body = format!(
        "ORGANIZER;CN=Toguna:mailto:{}\r\nATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT={};CN=awa.coulibaly@example.org;X-RESPONSE-COMMENT=\"{comment}\";X-NUM-GUESTS=0{}:mailto:{}\r\n",
        r.organizer, a.partstat, a.extra, a.attendee
    );
    let calendar = ics("-//Google Inc//Google Calendar 70.9054//EN", a, r, &body);
    format!(
        "From: awa.coulibaly@example.org\r\nTo: {to}\r\nSubject: Invitation acceptée\r\nMessage-ID: <{id}@google.com>\r\n\
         Date: Tue, 1 Jan 2030 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"000gmail\"\r\n\r\n\
         --000gmail\r\nContent-Type: text/plain; charset=\"UTF-8\"\r\n\r\nawa.coulibaly@example.org a répondu.\r\n\
         --000gmail\r\nContent-Type: application/ics; name=\"invite.ics\"\r\nContent-Disposition: attachment; filename=\"invite.ics\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{attachment}\r\n--000gmail--\r\n",
        to = r.organizer,
        id = id(),
        attachment = b64(&calendar),
    )
    .into_bytes()
}

/// Apple Calendar: sent from another account (iCloud), so `From` is not the ATTENDEE; one
/// base64 `text/calendar` part.
pub fn apple(r: &Received, a: &Answer<'_>) -> Vec<u8> {
    let body = format!(
        "ORGANIZER;CN=\"Toguna\":mailto:{}\r\nATTENDEE;CN=\"Awa Coulibaly\";CUTYPE=INDIVIDUAL;EMAIL=\"{}\";PARTSTAT={}{}:mailto:{}\r\n",
        r.organizer, a.attendee, a.partstat, a.extra, a.attendee
    );
    let calendar = ics("-//Apple Inc.//macOS 14.0//EN", a, r, &body);
    format!(
        "From: Awa Coulibaly <awa.c@icloud.com>\r\nTo: {to}\r\nSubject: Invitation: {summary}\r\nMessage-Id: <{id}@icloud.com>\r\n\
         Date: Tue, 1 Jan 2030 10:00:00 +0000\r\nMime-Version: 1.0 (Mac OS X Mail 16.0)\r\n\
         Content-Type: text/calendar; method={method}; charset=utf-8; name=reply.ics\r\nContent-Transfer-Encoding: base64\r\n\r\n{calendar}\r\n",
        to = r.organizer,
        summary = r.summary,
        id = id(),
        method = a.method,
        calendar = b64(&calendar),
    )
    .into_bytes()
}
