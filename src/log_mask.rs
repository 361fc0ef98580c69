//! What may go into a log line: never a full email address, phone number, token or note text.
//!
//! Logs leave the server (support, backups) and outlive erasure, so personal data is masked on the
//! way in: `a…@example.org`, `+223…56`, a token's first four characters, a note's length only.

/// `zeinabou@example.org` → `z…@example.org`.
pub fn email(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => format!("{}…@{domain}", local.chars().next().unwrap_or('?')),
        None => "…".into(),
    }
}

/// `+22376123456` → `+223…56`.
pub fn phone(number: &str) -> String {
    let digits: Vec<char> = number.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.len() < 6 {
        return "…".into();
    }
    let head: String = digits[..3].iter().collect();
    let tail: String = digits[digits.len() - 2..].iter().collect();
    format!("+{head}…{tail}")
}

/// A token or secret: its first four characters, enough to tell two apart in a log.
pub fn token(secret: &str) -> String {
    format!("{}…", secret.chars().take(4).collect::<String>())
}

/// Free text (a note, a message): only how long it was.
pub fn note(text: &str) -> String {
    format!("[{} characters]", text.chars().count())
}

/// A request path with its secrets masked: the segment after `/rsvp/`, `/checkin/`, `/calendar/`,
/// and any segment long enough to be a token.
pub fn path(raw: &str) -> String {
    let mut previous = "";
    let masked: Vec<String> = raw
        .split('/')
        .map(|segment| {
            let secret = matches!(previous, "rsvp" | "checkin" | "calendar") || segment.len() >= 24;
            previous = segment;
            if secret && !segment.is_empty() {
                token(segment)
            } else {
                segment.to_string()
            }
        })
        .collect();
    masked.join("/")
}

/// Free text that may quote addresses or numbers (an SMTP refusal, a database error): each email
/// address and each run of eight or more digits masked.
pub fn text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for (i, word) in raw.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let digits = word.chars().filter(char::is_ascii_digit).count();
        if word.contains('@') {
            let trimmed = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '@' && c != '.');
            out.push_str(&word.replace(trimmed, &email(trimmed)));
        } else if digits >= 8 {
            out.push_str(&phone(word));
        } else {
            out.push_str(word);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_numbers_tokens_and_notes_are_masked() {
        assert_eq!(email("zeinabou@example.org"), "z…@example.org");
        assert_eq!(phone("+223 76 12 34 56"), "+223…56");
        assert_eq!(path("/rsvp/abcdefghijklmnop"), "/rsvp/abcd…");
        assert_eq!(path("/calendar/s3cr3t.ics"), "/calendar/s3cr…");
        assert_eq!(path("/events/12/checkin"), "/events/12/checkin");
        assert_eq!(note("Awa a parlé"), "[11 characters]");
        let said = text("550 5.1.1 <zeinabou@example.org>: unknown, call +22376123456");
        assert!(!said.contains("zeinabou@") && !said.contains("76123456"), "{said}");
        assert!(said.contains("@example.org") && said.contains("unknown"), "{said}");
    }
}
