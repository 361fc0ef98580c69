//! Language choice (user setting, cookie, `Accept-Language`, French) and message lookup.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

/// The languages Toguna speaks; French is the working language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// The catalog key of the language's own name.
    pub fn label_key(self) -> String {
        format!("language.{}", self.code())
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The best supported language of an `Accept-Language` header, if any.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        // Ordered by quality; "fr-ML" counts as French.
        accept_language::parse(header)
            .iter()
            .find_map(|tag| Lang::parse(tag.split(['-', '_']).next().unwrap_or_default()))
    }

    /// Looks a message up; a missing key shows itself so it is noticed, never panics.
    pub fn t(self, key: &str) -> &'static str {
        catalog(self)
            .get(key)
            .map(String::as_str)
            .unwrap_or_else(|| leak_missing(key))
    }

    /// The message for `key`, or `None` when the catalog has no such key.
    pub fn lookup(self, key: &str) -> Option<&'static str> {
        catalog(self).get(key).map(String::as_str)
    }

    /// Looks a message up and fills its `{name}` placeholders.
    pub fn tf(self, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        let mut text = self.t(key).to_string();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), &value.to_string());
        }
        text
    }

    /// A message about a number of things: `key.one` or `key.other` by the language's plural
    /// rule, with `{count}` and the other placeholders filled ("1 personne présente", "4 affichés").
    pub fn tn(self, key: &str, count: usize, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        let form = format!("{key}.{}", self.plural_form(count));
        let mut all: Vec<(&str, &dyn std::fmt::Display)> = vec![("count", &count)];
        all.extend_from_slice(args);
        self.tf(&form, &all)
    }

    /// The CLDR cardinal category: French puts 0 with 1, English does not.
    pub fn plural_form(self, count: usize) -> &'static str {
        match (self, count) {
            (Lang::Fr, 0 | 1) | (Lang::En, 1) => "one",
            _ => "other",
        }
    }
}

type Catalog = BTreeMap<String, String>;

/// The catalog files of one language: the core file, then one file per feature area.
macro_rules! catalog_files {
    ($lang:literal) => {
        [
            ("", include_str!(concat!("../locales/", $lang, ".toml"))),
            ("checkin", include_str!(concat!("../locales/", $lang, "/checkin.toml"))),
            ("stats", include_str!(concat!("../locales/", $lang, "/stats.toml"))),
            ("debates", include_str!(concat!("../locales/", $lang, "/debates.toml"))),
            ("reports", include_str!(concat!("../locales/", $lang, "/reports.toml"))),
            ("review", include_str!(concat!("../locales/", $lang, "/review.toml"))),
            ("api", include_str!(concat!("../locales/", $lang, "/api.toml"))),
            ("input", include_str!(concat!("../locales/", $lang, "/input.toml"))),
            (
                "security",
                include_str!(concat!("../locales/", $lang, "/security.toml")),
            ),
            ("inbound", include_str!(concat!("../locales/", $lang, "/inbound.toml"))),
            ("privacy", include_str!(concat!("../locales/", $lang, "/privacy.toml"))),
            ("audit", include_str!(concat!("../locales/", $lang, "/audit.toml"))),
            ("sms", include_str!(concat!("../locales/", $lang, "/sms.toml"))),
            (
                "usability2",
                include_str!(concat!("../locales/", $lang, "/usability2.toml")),
            ),
            (
                "usability",
                include_str!(concat!("../locales/", $lang, "/usability.toml")),
            ),
            ("jobs", include_str!(concat!("../locales/", $lang, "/jobs.toml"))),
            (
                "guest_page",
                include_str!(concat!("../locales/", $lang, "/guest_page.toml")),
            ),
        ]
    };
}

static FR: LazyLock<Catalog> = LazyLock::new(|| parse_catalogs(&catalog_files!("fr")));
static EN: LazyLock<Catalog> = LazyLock::new(|| parse_catalogs(&catalog_files!("en")));

/// The flattened catalog of one language: `section.key` → text.
pub fn catalog(lang: Lang) -> &'static Catalog {
    match lang {
        Lang::Fr => &FR,
        Lang::En => &EN,
    }
}

fn parse_catalogs(files: &[(&str, &str)]) -> Catalog {
    // The catalogs are compiled in and checked by unit tests, so a broken one is a build defect.
    let mut flat = Catalog::new();
    for (name, source) in files {
        let table: toml::Table =
            toml::from_str(source).unwrap_or_else(|e| panic!("message catalog {name:?} is valid TOML: {e}"));
        let before = flat.len();
        let mut part = Catalog::new();
        flatten("", &table, &mut part);
        let expected = before + part.len();
        flat.extend(part);
        assert_eq!(
            flat.len(),
            expected,
            "catalog file {name:?} redefines a key of another file"
        );
    }
    flat
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut Catalog) {
    for (key, value) in table {
        let full = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::Table(inner) => flatten(&full, inner, out),
            toml::Value::String(text) => {
                out.insert(full, text.clone());
            }
            other => {
                out.insert(full, other.to_string());
            }
        }
    }
}

/// A missing key shows as itself. Each one is leaked (and logged) once, not on every request
/// that shows it, so a key missing from a busy page cannot grow the server's memory.
fn leak_missing(key: &str) -> &'static str {
    static SHOWN: std::sync::Mutex<BTreeSet<&'static str>> = std::sync::Mutex::new(BTreeSet::new());
    let mut shown = SHOWN.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(known) = shown.get(key) {
        return known;
    }
    tracing::warn!(key, "missing message");
    let leaked: &'static str = Box::leak(key.to_string().into_boxed_str());
    shown.insert(leaked);
    leaked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_key_shows_itself_and_is_kept_once() {
        let first = Lang::Fr.t("no.such.key");
        let again = Lang::En.t("no.such.key");
        assert_eq!(first, "no.such.key");
        assert!(std::ptr::eq(first, again), "the second lookup reuses the first copy");
    }

    #[test]
    fn every_key_exists_in_both_languages() {
        let fr: Vec<_> = catalog(Lang::Fr).keys().collect();
        let en: Vec<_> = catalog(Lang::En).keys().collect();
        let only_fr: Vec<_> = fr.iter().filter(|k| !en.contains(k)).collect();
        let only_en: Vec<_> = en.iter().filter(|k| !fr.contains(k)).collect();
        assert!(only_fr.is_empty(), "keys missing in en.toml: {only_fr:?}");
        assert!(only_en.is_empty(), "keys missing in fr.toml: {only_en:?}");
    }

    #[test]
    fn placeholders_match_between_languages() {
        let placeholders = |text: &str| {
            let mut names: Vec<String> = text
                .split('{')
                .skip(1)
                .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
                .collect();
            names.sort();
            names
        };
        for (key, fr) in catalog(Lang::Fr) {
            let en = &catalog(Lang::En)[key];
            assert_eq!(placeholders(fr), placeholders(en), "placeholders differ for {key}");
        }
    }

    #[test]
    fn accept_language_picks_the_preferred_supported_language() {
        assert_eq!(Lang::from_accept_language("en-GB,en;q=0.9,fr;q=0.8"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("fr-ML,fr;q=0.9,en;q=0.5"), Some(Lang::Fr));
        assert_eq!(Lang::from_accept_language("de-DE"), None);
    }

    #[test]
    fn counted_messages_have_both_forms_and_no_parenthesised_plural() {
        for lang in Lang::ALL {
            for (key, text) in catalog(lang) {
                if let Some(stem) = key.strip_suffix(".one") {
                    assert!(
                        catalog(lang).contains_key(&format!("{stem}.other")),
                        "{key} lacks .other"
                    );
                }
                assert!(!text.contains("(s)") && !text.contains("(e)"), "{key}: {text}");
            }
        }
        assert_eq!(Lang::Fr.tn("usability2.people_present", 1, &[]), "1 personne présente");
        assert_eq!(Lang::Fr.tn("usability2.people_present", 0, &[]), "0 personne présente");
        assert_eq!(Lang::En.tn("usability2.people_present", 0, &[]), "0 people present");
        assert_eq!(Lang::En.tn("usability2.people_present", 3, &[]), "3 people present");
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(
            Lang::En.tf("admin.user_added", &[("email", &"a@b.ml")]),
            "Account a@b.ml created."
        );
    }
}
