//! Small parsing helpers shared by the domain's input types.

use crate::error::FieldErrors;

/// Trims; records `validation.required` when empty and `validation.too_long` past `max` chars.
pub fn required(value: &str, field: &str, max: usize, errors: &mut FieldErrors) -> String {
    let value = value.trim();
    if value.is_empty() {
        errors.add(field, "validation.required");
    } else if value.chars().count() > max {
        errors.add(field, "validation.too_long");
    }
    value.to_string()
}

/// Trims; empty is fine, too long is not.
pub fn optional(value: &str, field: &str, max: usize, errors: &mut FieldErrors) -> String {
    let value = value.trim();
    if value.chars().count() > max {
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
    fn folding_ignores_accents_case_and_spacing() {
        assert_eq!(fold("  Aïssata   KEÏTA "), "aissata keita");
        assert_eq!(fold("Ségou, l’Œuvre"), "segou, l'ouvre");
    }
}
