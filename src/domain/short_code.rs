//! The short answer code printed on letters and texted by SMS: the 128-bit answer token in Crockford base32.
//!
//! The code is the same secret as the `/rsvp/{token}` link, only spelled in an alphabet without
//! look-alikes (no I, L, O, U), so it keeps the full 128 bits and needs no rate limit or storage:
//! `/r/{code}` decodes it back to the token. Readers type it from paper or a phone screen, so
//! decoding forgives dashes, spaces, case, and the look-alikes Crockford maps (O→0, I/L→1).

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// 128 bits need 26 base32 characters (130 bits, the last 2 always zero).
pub const CODE_LEN: usize = 26;
/// Characters per printed group.
const GROUP: usize = 4;

/// The code of a token (the base64url answer token), in groups: `K7M2-9QXD-…`.
pub fn from_token(token: &str) -> Option<String> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(token).ok()?;
    (bytes.len() == 16).then(|| group(&encode(&bytes)))
}

/// The answer token a typed code stands for, or `None` when it cannot be one.
pub fn to_token(typed: &str) -> Option<String> {
    use base64::Engine;
    let bytes = decode(typed)?;
    Some(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// The code without dashes, upper case, look-alikes mapped: what two spellings share.
pub fn normalize(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '.' | '_'))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect()
}

/// The first printed group: short enough to type in a reply, and, among the few open invitations
/// of one phone number, enough to tell them apart.
pub fn prefix(code: &str) -> String {
    normalize(code).chars().take(GROUP).collect()
}

fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(CODE_LEN);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

fn decode(typed: &str) -> Option<Vec<u8>> {
    let clean = normalize(typed);
    if clean.len() != CODE_LEN {
        return None;
    }
    let mut out = Vec::with_capacity(16);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in clean.bytes() {
        let value = ALPHABET.iter().position(|&a| a == c)? as u32;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    // The 2 padding bits must be zero, so each token has exactly one code.
    (out.len() == 16 && buffer & ((1 << bits) - 1) == 0).then_some(out)
}

fn group(code: &str) -> String {
    code.as_bytes()
        .chunks(GROUP)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_round_trips_with_or_without_dashes_in_any_case() {
        let token = "AAECAwQFBgcICQoLDA0ODw";
        let code = from_token(token).unwrap();
        assert_eq!(code.len(), CODE_LEN + 6);
        assert!(code.chars().all(|c| c == '-' || ALPHABET.contains(&(c as u8))));
        assert_eq!(to_token(&code).as_deref(), Some(token));
        assert_eq!(to_token(&code.replace('-', "").to_lowercase()).as_deref(), Some(token));
        assert_eq!(to_token("short"), None);
        assert!(!code.contains(['I', 'L', 'O', 'U']));
    }

    #[test]
    fn look_alikes_read_as_their_digits() {
        assert_eq!(normalize("ol-Ii"), "0111");
        assert_eq!(prefix("k7m2-9qxd"), "K7M2");
    }
}
