//! Small parsing helpers shared by the domain's input types.

use crate::error::FieldErrors;

/// Whether a field may hold several lines (and tabs), like a note or a description.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Lines {
    One,
    Many,
}

/// Trims; records `validation.required` when empty and `validation.too_long` past `max` chars.
/// Line breaks and tabs are allowed; other control characters are not.
pub fn required(value: &str, field: &str, max: usize, errors: &mut FieldErrors) -> String {
    checked(value, field, max, true, Lines::Many, errors)
}

/// Trims; empty is fine, too long is not. Line breaks and tabs are allowed, other control characters not.
pub fn optional(value: &str, field: &str, max: usize, errors: &mut FieldErrors) -> String {
    checked(value, field, max, false, Lines::Many, errors)
}

/// [`required`] for a one-line field (a name, a title, a town): no control character at all.
pub fn required_line(value: &str, field: &str, max: usize, errors: &mut FieldErrors) -> String {
    checked(value, field, max, true, Lines::One, errors)
}

/// [`optional`] for a one-line field: no control character at all.
pub fn optional_line(value: &str, field: &str, max: usize, errors: &mut FieldErrors) -> String {
    checked(value, field, max, false, Lines::One, errors)
}

/// The one check of free text. NUL and the other C0/C1 controls are refused everywhere:
/// PostgreSQL cannot store NUL, and the rest hide text from the people who read it.
fn checked(value: &str, field: &str, max: usize, required: bool, lines: Lines, errors: &mut FieldErrors) -> String {
    let value = value.trim();
    let allowed = |c: char| lines == Lines::Many && matches!(c, '\n' | '\r' | '\t');
    if value.chars().any(|c| c.is_control() && !allowed(c)) {
        errors.add(field, "validation.control_characters");
    } else if required && value.is_empty() {
        errors.add(field, "validation.required");
    } else if value.chars().count() > max {
        errors.add(field, "validation.too_long");
    }
    value.to_string()
}

/// Lower-cased and checked address, or an error on `field`.
pub fn email(value: &str, field: &str, errors: &mut FieldErrors) -> String {
    let value = value.trim().to_lowercase();
    if value.is_empty() {
        errors.add(field, "validation.required");
    } else if !email_address::EmailAddress::is_valid(&value) || value.len() > 254 {
        errors.add(field, "validation.email");
    }
    value
}

/// Lower case without accents, for accent-insensitive search ("Keïta" → "keita").
pub fn fold(value: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    value
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            '’' | '‘' | 'ʼ' => '\'',
            'œ' => 'o',
            'æ' => 'a',
            other => other,
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A `LIKE` pattern that matches `needle` anywhere, with the wildcards in it taken literally.
pub fn like_contains(needle: &str) -> String {
    let escaped = needle.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// A slug of one vocabulary, or `validation.required` / `validation.choice` on `field`.
pub fn choice<T>(raw: &str, parse: fn(&str) -> Option<T>, field: &str, errors: &mut FieldErrors) -> Option<T> {
    let value = parse(raw);
    if value.is_none() {
        let key = if raw.trim().is_empty() {
            "validation.required"
        } else {
            "validation.choice"
        };
        errors.add(field, key);
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_refused_and_line_breaks_only_where_text_has_lines() {
        let mut errors = FieldErrors::new();
        for (field, raw) in [
            ("nul", "Centre\u{0}Djoliba"),
            ("escape", "a\u{1b}[31m"),
            ("c1", "a\u{85}b"),
            ("del", "a\u{7f}"),
        ] {
            optional(raw, field, 100, &mut errors);
        }
        required_line("Salle\tA", "tab", 100, &mut errors);
        optional_line("deux\nlignes", "newline", 100, &mut errors);
        assert_eq!(
            optional("ligne 1\r\n\tligne 2", "notes", 100, &mut errors),
            "ligne 1\r\n\tligne 2"
        );
        assert_eq!(required_line(" Ségou ", "region", 100, &mut errors), "Ségou");
        let refused: Vec<&str> = errors.0.keys().map(String::as_str).collect();
        assert_eq!(refused, ["c1", "del", "escape", "newline", "nul", "tab"]);
        assert!(errors.0.values().all(|k| k == "validation.control_characters"));
    }

    #[test]
    fn folding_ignores_accents_case_and_spacing() {
        assert_eq!(fold("  Aïssata   KEÏTA "), "aissata keita");
        assert_eq!(fold("Ségou, l’Œuvre"), "segou, l'ouvre");
    }
}
