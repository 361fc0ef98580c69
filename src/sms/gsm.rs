//! GSM-7 text for SMS: which characters fit, the plain replacements for French letters that do
//! not, and how many segments a text takes (160/153 in GSM-7, 70/67 in UCS-2).

use unicode_normalization::UnicodeNormalization;

/// The GSM 03.38 default alphabet (one septet each).
const BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The extension table: each takes two septets (escape + character).
const EXTENDED: &str = "^{}\\[~]|€\u{c}";

/// How a text travels: Kannel's `coding` 0 (GSM-7) or 2 (UCS-2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Coding {
    Gsm7,
    Ucs2,
}

impl Coding {
    /// The value of Kannel's `coding` parameter.
    pub fn kannel(self) -> u8 {
        match self {
            Coding::Gsm7 => 0,
            Coding::Ucs2 => 2,
        }
    }
}

fn septets(c: char) -> Option<usize> {
    if BASIC.contains(c) {
        Some(1)
    } else if EXTENDED.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// The plain spelling of a character GSM-7 lacks; French letters first, as the issue lists them.
fn replacement(c: char) -> Option<&'static str> {
    Some(match c {
        'ç' => "c",
        'ê' | 'ë' | 'È' | 'Ê' | 'Ë' => {
            if c.is_uppercase() {
                "E"
            } else {
                "e"
            }
        }
        'ô' | 'Ô' => {
            if c.is_uppercase() {
                "O"
            } else {
                "o"
            }
        }
        'â' | 'á' | 'À' | 'Â' | 'Á' => {
            if c.is_uppercase() {
                "A"
            } else {
                "a"
            }
        }
        'î' | 'ï' | 'í' | 'Î' | 'Ï' => {
            if c.is_uppercase() {
                "I"
            } else {
                "i"
            }
        }
        'û' | 'ú' | 'Û' | 'Ù' => {
            if c.is_uppercase() {
                "U"
            } else {
                "u"
            }
        }
        'œ' => "oe",
        'Œ' => "OE",
        'æ' => "ae",
        '‘' | '’' | '‚' | '′' => "'",
        '“' | '”' | '„' | '«' | '»' | '″' => "\"",
        '–' | '—' | '‑' | '−' => "-",
        '…' => "...",
        '\u{a0}' | '\u{202f}' | '\u{2009}' | '\t' => " ",
        _ => return None,
    })
}

/// The text in GSM-7 characters only: French letters outside it become their plain letters,
/// anything else loses its accents or, failing that, becomes `?`.
pub fn to_gsm(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if septets(c).is_some() {
            out.push(c);
        } else if let Some(plain) = replacement(c) {
            out.push_str(plain);
        } else {
            let base: String = c
                .nfd()
                .filter(|b| !unicode_normalization::char::is_combining_mark(*b))
                .collect();
            if !base.is_empty() && base.chars().all(|b| septets(b).is_some()) {
                out.push_str(&base);
            } else {
                out.push('?');
            }
        }
    }
    out
}

/// The text as it will be sent, and its coding.
pub fn prepare(text: &str, unicode: bool) -> (String, Coding) {
    if unicode && !fits_gsm(text) {
        (text.to_string(), Coding::Ucs2)
    } else {
        (to_gsm(text), Coding::Gsm7)
    }
}

pub fn fits_gsm(text: &str) -> bool {
    text.chars().all(|c| septets(c).is_some())
}

/// How many SMS segments the text takes in its coding.
pub fn segments(text: &str, coding: Coding) -> usize {
    let (units, single, part) = match coding {
        Coding::Gsm7 => (text.chars().map(|c| septets(c).unwrap_or(1)).sum(), 160, 153),
        Coding::Ucs2 => (text.encode_utf16().count(), 70, 67),
    };
    if units <= single { 1 } else { units.div_ceil(part) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_letters_outside_gsm_become_plain_and_those_inside_stay() {
        assert_eq!(
            to_gsm("Réunion à Ségou : « ça commence », fête où l’on goûte"),
            "Réunion à Ségou : \" ca commence \", fete où l'on goute"
        );
        assert_eq!(to_gsm("Çà Éric œuvre"), "Çà Éric oeuvre");
        assert!(fits_gsm(&to_gsm("naïve Noël ô 漢")));
    }

    #[test]
    fn segments_count_160_153_and_70_67() {
        assert_eq!(segments(&"a".repeat(160), Coding::Gsm7), 1);
        assert_eq!(segments(&"a".repeat(161), Coding::Gsm7), 2);
        assert_eq!(segments(&"a".repeat(306), Coding::Gsm7), 2);
        assert_eq!(segments(&"a".repeat(307), Coding::Gsm7), 3);
        assert_eq!(segments(&"€".repeat(80), Coding::Gsm7), 1);
        assert_eq!(segments(&"€".repeat(81), Coding::Gsm7), 2);
        assert_eq!(segments(&"ç".repeat(70), Coding::Ucs2), 1);
        assert_eq!(segments(&"ç".repeat(71), Coding::Ucs2), 2);
        assert_eq!(segments(&"ç".repeat(134), Coding::Ucs2), 2);
    }

    #[test]
    fn unicode_is_used_only_when_chosen_and_needed() {
        assert_eq!(prepare("fête", true).1, Coding::Ucs2);
        assert_eq!(prepare("fête", false), ("fete".to_string(), Coding::Gsm7));
        assert_eq!(prepare("été", true).1, Coding::Gsm7);
    }
}
