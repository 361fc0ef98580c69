//! The regions a deployment works in: a configured list, matched without regard to accents or case.

use std::sync::Arc;

use crate::domain::text;
use crate::error::FieldErrors;

/// Mali's regions (the 2023 division, with the District of Bamako) and the spellings in use.
/// `|` separates the canonical name from other accepted spellings.
pub const MALI: &str = "Bamako|District de Bamako;Kayes;Koulikoro;Sikasso;Ségou;Mopti;Tombouctou|Timbuktu;Gao;Kidal;\
Taoudénit|Taoudenni;Ménaka;Nioro;Kita;Dioïla;Nara;Bougouni;Koutiala;San;Douentza;Bandiagara";

#[derive(Clone, Debug, PartialEq, Eq)]
struct Region {
    name: String,
    /// Folded forms of the name and of its other spellings.
    keys: Vec<String>,
}

/// The list of one deployment; cheap to clone (handed to the import's worker thread).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Regions(Arc<Vec<Region>>);

impl Default for Regions {
    fn default() -> Self {
        Regions::parse(MALI).unwrap_or_else(|| Regions(Arc::new(Vec::new())))
    }
}

impl Regions {
    /// Reads `Name|other spelling;Name;…` (the format of `TOGUNA_REGIONS`); `None` when empty.
    pub fn parse(list: &str) -> Option<Regions> {
        let regions: Vec<Region> = list
            .split([';', '\n'])
            .filter_map(|entry| {
                let mut spellings = entry.split('|').map(str::trim).filter(|s| !s.is_empty());
                let name = spellings.next()?.to_string();
                let mut keys = vec![text::fold(&name)];
                keys.extend(spellings.map(text::fold));
                Some(Region { name, keys })
            })
            .collect();
        (!regions.is_empty()).then(|| Regions(Arc::new(regions)))
    }

    /// The canonical names, in the configured order, for select boxes and suggestions.
    pub fn names(&self) -> Vec<&str> {
        self.0.iter().map(|r| r.name.as_str()).collect()
    }

    /// The canonical spelling of `raw`, accents, case and spacing aside.
    pub fn find(&self, raw: &str) -> Option<&str> {
        let key = text::fold(raw);
        self.0.iter().find(|r| r.keys.contains(&key)).map(|r| r.name.as_str())
    }

    /// An optional region field: "" stays "", a listed region comes back canonical,
    /// anything else is `validation.region` on `field`.
    pub fn check(&self, raw: &str, field: &str, errors: &mut FieldErrors) -> String {
        let raw = raw.trim();
        if raw.is_empty() {
            return String::new();
        }
        match self.find(raw) {
            Some(name) => name.to_string(),
            None => {
                errors.add(field, "validation.region");
                raw.to_string()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malian_spellings_are_matched_and_stored_canonically() {
        let regions = Regions::default();
        assert_eq!(regions.find("SEGOU"), Some("Ségou"));
        assert_eq!(regions.find("  ménaka "), Some("Ménaka"));
        assert_eq!(regions.find("District de Bamako"), Some("Bamako"));
        assert_eq!(regions.find("Timbuktu"), Some("Tombouctou"));
        assert_eq!(regions.find("Atlantis"), None);
        let mut errors = FieldErrors::new();
        assert_eq!(regions.check("", "region", &mut errors), "");
        assert_eq!(regions.check("Atlantis", "region", &mut errors), "Atlantis");
        assert_eq!(errors.get("region"), Some("validation.region"));
    }

    #[test]
    fn another_country_sets_its_own_list() {
        let regions = Regions::parse("Abidjan|District autonome d'Abidjan; Gbêkê ;\n").unwrap();
        assert_eq!(regions.names(), ["Abidjan", "Gbêkê"]);
        assert_eq!(regions.find("gbeke"), Some("Gbêkê"));
        assert_eq!(regions.find("Kayes"), None);
        assert_eq!(Regions::parse(" ; "), None);
    }

    #[test]
    fn every_region_of_the_fixtures_is_in_the_default_list() {
        let regions = Regions::default();
        for file in [
            include_str!("../../fixtures/actors.csv"),
            include_str!("../../fixtures/actors-5000.csv"),
        ] {
            let mut reader = csv::Reader::from_reader(file.trim_start_matches('\u{feff}').as_bytes());
            let column = reader.headers().unwrap().iter().position(|h| h == "region").unwrap();
            for record in reader.records() {
                let region = record.unwrap()[column].to_string();
                assert_eq!(regions.find(&region), Some(region.as_str()));
            }
        }
    }
}
