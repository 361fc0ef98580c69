//! Helpers for HTML forms: field errors for templates and lenient number parsing.

use std::collections::BTreeMap;

use crate::error::FieldErrors;
use crate::i18n::Lang;

/// The translated field errors a form template shows next to each input.
#[derive(Clone, Debug, Default)]
pub struct FormErrors(BTreeMap<String, String>);

impl FormErrors {
    pub fn from_fields(errors: &FieldErrors, lang: Lang) -> Self {
        FormErrors(errors.translated(lang))
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    pub fn error(&self, field: &str) -> &str {
        self.0.get(field).map(String::as_str).unwrap_or_default()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Field and message, for forms whose fields are too many to show an error beside each.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.0.iter()
    }
}

/// An optional whole number typed in a form; an error is added on `field` when it is not one.
pub fn parse_optional_int(raw: &str, field: &str, errors: &mut FieldErrors) -> Option<i64> {
    let raw = raw.trim().replace([' ', '\u{a0}', '\u{202f}'], "");
    if raw.is_empty() {
        return None;
    }
    raw.parse().map(Some).unwrap_or_else(|_| {
        errors.add(field, "validation.whole_number");
        None
    })
}

/// An optional decimal number; French input writes the decimal separator as a comma.
pub fn parse_optional_decimal(raw: &str, field: &str, errors: &mut FieldErrors) -> Option<f64> {
    let raw = raw.trim().replace(',', ".");
    if raw.is_empty() {
        return None;
    }
    match raw.parse::<f64>() {
        Ok(v) if v.is_finite() => Some(v),
        _ => {
            errors.add(field, "validation.number");
            None
        }
    }
}

/// A filter's query string as the prefix of pager links: "q=keita&", or "" without filters.
pub fn pager_prefix(filter: String) -> String {
    if filter.is_empty() {
        filter
    } else {
        format!("{filter}&")
    }
}

/// Only a path of this site is followed after sign-in, never another host; anything else goes home.
///
/// Browsers drop tabs and line ends from URLs and read a backslash as `/`, so `/\t/evil.example`
/// is `//evil.example` to them: such characters are refused outright, then what is left must
/// resolve, against a placeholder origin, to a path on that same origin. The answer is the
/// URL crate's serialization, percent-encoded, so it is always a valid `Location` header.
pub fn safe_next(next: &str) -> String {
    const HOME: &str = "/";
    let suspicious = |c: char| c.is_control() || c.is_whitespace() || c == '\\';
    if !next.starts_with('/') || next.starts_with("//") || next.chars().any(suspicious) {
        return HOME.into();
    }
    let Ok(base) = url::Url::parse("http://toguna.invalid/") else {
        return HOME.into();
    };
    match base.join(next) {
        Ok(joined) if joined.origin() == base.origin() && joined.username().is_empty() => {
            let mut local = joined.path().to_string();
            if let Some(query) = joined.query() {
                local.push('?');
                local.push_str(query);
            }
            if let Some(fragment) = joined.fragment() {
                local.push('#');
                local.push_str(fragment);
            }
            local
        }
        _ => HOME.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_the_way_french_users_type_them() {
        let mut errors = FieldErrors::new();
        assert_eq!(parse_optional_int(" 1 200 ", "capacity", &mut errors), Some(1200));
        assert_eq!(parse_optional_decimal("12,65", "latitude", &mut errors), Some(12.65));
        assert_eq!(parse_optional_int("", "capacity", &mut errors), None);
        assert!(errors.is_empty());
        assert_eq!(parse_optional_int("beaucoup", "capacity", &mut errors), None);
        assert_eq!(errors.get("capacity"), Some("validation.whole_number"));
    }

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next("/venues?page=2"), "/venues?page=2");
        assert_eq!(safe_next("/événements"), "/%C3%A9v%C3%A9nements");
        for hostile in [
            "//evil.example",
            "https://evil.example",
            "/\t/evil.example",
            "/\\evil.example",
            "/\\/evil.example",
            "/\r\n/evil.example",
            "/\nSet-Cookie: x=1",
            "\t//evil.example",
            "/\u{3000}/evil.example",
            "javascript:alert(1)",
            "",
        ] {
            assert_eq!(safe_next(hostile), "/", "{hostile:?}");
        }
    }
}
