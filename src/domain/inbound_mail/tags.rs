//! Per-invitation reply tags: `local+tag@domain` in ORGANIZER, so a calendar's reply says which
//! invitation it answers in a way only the server could have written.

use crate::domain::secrets;

/// Bytes of the MAC kept in a tag: 64 bits cannot be guessed by trying addresses.
const MAC_BYTES: usize = 8;

/// `i42-1a2b3c4d5e6f7a8b`: the invitation id and a MAC of it, lower case because mail systems
/// and calendar apps often lower-case addresses.
pub fn reply_tag(secret: &[u8], invitation_id: i32) -> String {
    format!(
        "i{invitation_id}-{}",
        hex::encode(&mac(secret, invitation_id)[..MAC_BYTES])
    )
}

/// The sending address with the invitation's tag: `toguna@example.org` → `toguna+i42-…@example.org`.
pub fn tagged_address(address: &str, tag: &str) -> String {
    match address.rsplit_once('@') {
        Some((local, domain)) => {
            let local = local.split_once('+').map_or(local, |(base, _)| base);
            format!("{local}+{tag}@{domain}")
        }
        None => address.to_string(),
    }
}

/// What the tag of an address says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    /// The address carries no reply tag of ours.
    Absent,
    /// A genuine tag for this invitation.
    Valid(i32),
    /// Looks like a tag, but the MAC is wrong: forged or damaged.
    Forged,
}

/// Reads the tag from an address such as `mailto:Toguna+i42-…@Example.org`.
pub fn read_tag(secret: &[u8], address: &str) -> Tag {
    let address = strip_mailto(address).to_ascii_lowercase();
    let Some((local, _domain)) = address.rsplit_once('@') else {
        return Tag::Absent;
    };
    let Some((_, tag)) = local.split_once('+') else {
        return Tag::Absent;
    };
    let Some((id, mac_hex)) = tag.strip_prefix('i').and_then(|t| t.split_once('-')) else {
        return Tag::Absent;
    };
    let (Ok(id), Ok(given)) = (id.parse::<i32>(), hex::decode(mac_hex)) else {
        return Tag::Forged;
    };
    if secrets::same_bytes(&mac(secret, id)[..MAC_BYTES], &given) {
        Tag::Valid(id)
    } else {
        Tag::Forged
    }
}

/// `MAILTO:a@b` and `mailto:a@b` are the same address (RFC 5545 URIs are case-insensitive in scheme).
pub fn strip_mailto(value: &str) -> &str {
    let value = value.trim();
    match value.get(..7) {
        Some(scheme) if scheme.eq_ignore_ascii_case("mailto:") => &value[7..],
        _ => value,
    }
}

fn mac(secret: &[u8], invitation_id: i32) -> [u8; 32] {
    secrets::sign(secret, format!("reply:{invitation_id}").as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"a secret of at least thirty-two bytes!";

    #[test]
    fn a_tag_survives_mailto_and_upper_case_and_names_its_invitation() {
        let address = tagged_address("toguna@example.org", &reply_tag(SECRET, 42));
        assert!(address.starts_with("toguna+i42-"), "{address}");
        assert_eq!(
            read_tag(SECRET, &format!("MAILTO:{}", address.to_uppercase())),
            Tag::Valid(42)
        );
    }

    #[test]
    fn a_tag_for_another_invitation_or_secret_is_forged() {
        let tag = reply_tag(SECRET, 42);
        let moved = tag.replacen("i42", "i43", 1);
        assert_eq!(read_tag(SECRET, &format!("toguna+{moved}@example.org")), Tag::Forged);
        let other = reply_tag(b"another secret, also thirty-two bytes", 42);
        assert_eq!(read_tag(SECRET, &format!("toguna+{other}@example.org")), Tag::Forged);
        assert_eq!(read_tag(SECRET, "toguna@example.org"), Tag::Absent);
        assert_eq!(read_tag(SECRET, "awa+news@example.org"), Tag::Absent);
    }
}
