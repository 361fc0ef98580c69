//! Small-cell suppression of published attendance figures: no count of one to four people is shown,
//! and no hidden count can be worked out from its breakdown's total.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize, Serializer};
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::openapi::{Object, RefOr};

use super::stats::{Across, EventRow, Summary};
use crate::domain::users::Role;
use crate::domain::vocab::Gender;

/// Counts from 1 to `THRESHOLD - 1` people are never published.
pub const THRESHOLD: u64 = 5;
pub const SMALL_MARK: &str = "<5";
pub const WITHHELD_MARK: &str = "x";

/// A count as it may be shown: exact, below five, or withheld so that a small one stays hidden.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Figure {
    Exact(u64),
    /// One to four people, shown as "<5".
    Small,
    /// Five or more, hidden with a small cell of the same breakdown, shown as "x".
    /// Marked apart from "<5" because calling it "<5" would be false.
    Withheld,
}

impl Figure {
    pub fn exact(self) -> Option<u64> {
        match self {
            Figure::Exact(n) => Some(n),
            Figure::Small | Figure::Withheld => None,
        }
    }

    pub fn is_hidden(self) -> bool {
        self.exact().is_none()
    }
}

impl Default for Figure {
    fn default() -> Self {
        Figure::Exact(0)
    }
}

impl fmt::Display for Figure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Figure::Exact(n) => write!(f, "{n}"),
            Figure::Small => f.write_str(SMALL_MARK),
            Figure::Withheld => f.write_str(WITHHELD_MARK),
        }
    }
}

/// A number when exact, the string "<5" or "x" when hidden.
impl Serialize for Figure {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Figure::Exact(n) => serializer.serialize_u64(*n),
            Figure::Small => serializer.serialize_str(SMALL_MARK),
            Figure::Withheld => serializer.serialize_str(WITHHELD_MARK),
        }
    }
}

impl utoipa::PartialSchema for Figure {
    fn schema() -> RefOr<Schema> {
        OneOfBuilder::new()
            .item(ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0)))
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some([SMALL_MARK, WITHHELD_MARK])),
            )
            .description(Some(
                "A head count; in published figures \"<5\" for 1 to 4 people and \"x\" for a count \
                 withheld so that a small one cannot be worked out from the total.",
            ))
            .into()
    }
}

impl utoipa::ToSchema for Figure {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Figure")
    }
}

/// A breakdown's cells in display order (vocabulary order, or regions by name); a JSON object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Breakdown(pub Vec<(String, Figure)>);

impl Breakdown {
    pub fn get(&self, key: &str) -> Figure {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, f)| *f)
            .unwrap_or_default()
    }

    /// The exact counts, hidden cells read as zero (for exact breakdowns only).
    pub fn counts(&self) -> Vec<u64> {
        self.0.iter().map(|(_, f)| f.exact().unwrap_or(0)).collect()
    }

    /// The same cells with small ones hidden, and as many more as keeps them hidden.
    pub fn published(&self) -> Breakdown {
        let figures = breakdown(&self.counts());
        Breakdown(self.0.iter().map(|(k, _)| k.clone()).zip(figures).collect())
    }
}

impl Serialize for Breakdown {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

impl utoipa::PartialSchema for Breakdown {
    fn schema() -> RefOr<Schema> {
        let object: Object = ObjectBuilder::new()
            .schema_type(Type::Object)
            .additional_properties(Some(<Figure as utoipa::PartialSchema>::schema()))
            .description(Some("Slug (or region name) → head count, every slug listed."))
            .build();
        RefOr::T(Schema::Object(object))
    }
}

impl utoipa::ToSchema for Breakdown {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push(("Figure".into(), <Figure as utoipa::PartialSchema>::schema()));
    }
}

/// A total on its own: exact unless it is one to four people.
pub fn total(n: u64) -> Figure {
    if (1..THRESHOLD).contains(&n) {
        Figure::Small
    } else {
        Figure::Exact(n)
    }
}

/// The published cells of a breakdown whose total is published.
///
/// Cells of one to four people are hidden. A reader who knows the total also knows what the hidden
/// cells add up to, that each "<5" is 1–4 and each "x" at least 5 and at most the smallest cell still
/// shown; while those bounds pin a hidden cell to one value (always so when a single cell is hidden),
/// the smallest non-zero cell still shown is withheld too. Zeros stay shown.
pub fn breakdown(counts: &[u64]) -> Vec<Figure> {
    let mut figures: Vec<Figure> = counts.iter().map(|&n| total(n)).collect();
    let sum: u64 = counts.iter().sum();
    if sum < THRESHOLD {
        // The total is itself "<5", so the reader has no sum to subtract from.
        return figures;
    }
    while any_pinned(counts, &figures) {
        let next = counts
            .iter()
            .enumerate()
            .filter(|&(i, &n)| n > 0 && !figures[i].is_hidden())
            .min_by_key(|&(_, &n)| n);
        match next {
            Some((i, _)) => figures[i] = Figure::Withheld,
            // Every non-zero cell is hidden already; the total must stay exact (see the report notes).
            None => break,
        }
    }
    figures
}

/// Whether a reader could work out one hidden cell from the total and the cells shown.
fn any_pinned(counts: &[u64], figures: &[Figure]) -> bool {
    let ceiling = counts
        .iter()
        .zip(figures)
        .filter(|&(&n, f)| n > 0 && !f.is_hidden())
        .map(|(&n, _)| n)
        .min()
        .unwrap_or(u64::MAX / 4);
    let bounds: Vec<(u64, u64, u64)> = counts
        .iter()
        .zip(figures)
        .filter_map(|(&n, f)| match f {
            Figure::Exact(_) => None,
            Figure::Small => Some((n, 1, THRESHOLD - 1)),
            Figure::Withheld => Some((n, THRESHOLD, ceiling)),
        })
        .collect();
    if bounds.is_empty() {
        return false;
    }
    let hidden_sum: u64 = bounds.iter().map(|b| b.0).sum();
    let all_low: u64 = bounds.iter().map(|b| b.1).sum();
    let all_high: u64 = bounds.iter().map(|b| b.2).sum();
    bounds.iter().any(|&(_, low, high)| {
        let others_low = all_low - low;
        let others_high = all_high - high;
        let least = low.max(hidden_sum.saturating_sub(others_high));
        let most = high.min(hidden_sum - others_low);
        least >= most
    })
}

/// `?published=true`: an organizer asking for the figures as everyone else sees them.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct DisclosureQuery {
    /// `true` for the published figures, small counts hidden; roles other than admin and organizer
    /// always get those.
    pub published: String,
}

impl DisclosureQuery {
    /// Organizers see exact figures unless they ask for the published ones; everyone else sees those.
    pub fn published_for(&self, role: Role) -> bool {
        matches!(self.published.trim(), "true" | "1" | "yes" | "on") || !role.can_organize()
    }
}

impl Summary {
    /// The figures others may see: small cells hidden, and those that would give them away.
    pub fn published(&self) -> Summary {
        if self.published {
            return self.clone();
        }
        let exact = |f: Figure| f.exact().unwrap_or(0);
        let origin = breakdown(&[exact(self.invited_present), exact(self.walk_ins)]);
        let by_gender = self.by_gender.published();
        let women_share_percent = by_gender
            .get(Gender::Female.slug())
            .exact()
            .and(self.women_share_percent);
        Summary {
            published: true,
            invited: total(exact(self.invited)),
            present: total(exact(self.present)),
            invited_present: origin[0],
            walk_ins: origin[1],
            by_gender,
            by_age_group: self.by_age_group.published(),
            by_category: self.by_category.published(),
            by_region: self.by_region.published(),
            invited_by_gender: self.invited_by_gender.published(),
            invited_by_category: self.invited_by_category.published(),
            women_share_percent,
            women_target_percent: self.women_target_percent,
        }
    }

    /// Exact figures, or the published ones.
    pub fn disclosed(self, published: bool) -> Summary {
        if published { self.published() } else { self }
    }
}

impl Across {
    /// Published figures; each column of the event table is a breakdown of the overall total.
    pub fn published(&self) -> Across {
        let column = |pick: fn(&EventRow) -> Figure| {
            let counts: Vec<u64> = self.events.iter().map(|r| pick(r).exact().unwrap_or(0)).collect();
            breakdown(&counts)
        };
        let invited = column(|r| r.invited);
        let present = column(|r| r.present);
        let walk_ins = column(|r| r.walk_ins);
        let women = column(|r| r.women);
        let events = self
            .events
            .iter()
            .enumerate()
            .map(|(i, row)| EventRow {
                invited: invited[i],
                present: present[i],
                walk_ins: walk_ins[i],
                women: women[i],
                // A share next to one exact figure would give the other away.
                women_share_percent: (!present[i].is_hidden() && !women[i].is_hidden())
                    .then_some(row.women_share_percent)
                    .flatten(),
                ..row.clone()
            })
            .collect();
        Across {
            summary: self.summary.published(),
            events,
        }
    }

    pub fn disclosed(self, published: bool) -> Across {
        if published { self.published() } else { self }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Figure::{Exact, Small, Withheld};

    #[test]
    fn counts_of_one_to_four_are_small_and_zero_stays_zero() {
        assert_eq!(total(0), Exact(0));
        for n in 1..=4 {
            assert_eq!(total(n), Small);
        }
        assert_eq!(total(5), Exact(5));
        assert_eq!(total(1000), Exact(1000));
        assert_eq!(breakdown(&[0, 7, 9]), [Exact(0), Exact(7), Exact(9)]);
    }

    #[test]
    fn a_single_hidden_cell_takes_the_next_smallest_with_it() {
        assert_eq!(breakdown(&[3, 10, 20]), [Small, Withheld, Exact(20)]);
        assert_eq!(breakdown(&[20, 0, 3, 12]), [Exact(20), Exact(0), Small, Withheld]);
        assert_eq!(breakdown(&[2, 7]), [Small, Withheld]);
    }

    #[test]
    fn two_small_cells_that_could_be_worked_out_take_another_with_them() {
        // Two hidden ones summing to 5 could be (1,4), (2,3)…: safe as they are.
        assert_eq!(breakdown(&[3, 2, 20]), [Small, Small, Exact(20)]);
        // Summing to 2 they can only be 1 and 1; summing to 8 only 4 and 4.
        assert_eq!(breakdown(&[1, 1, 20]), [Small, Small, Withheld]);
        assert_eq!(breakdown(&[4, 4, 20]), [Small, Small, Withheld]);
        // "<5" and "x" summing to 6 can only be 1 and 5.
        assert_eq!(breakdown(&[1, 5, 30]), [Small, Withheld, Withheld]);
        // "x" is at most the smallest cell shown: 4 + 5 with 5 still shown pins both.
        assert_eq!(breakdown(&[4, 5, 5]), [Small, Withheld, Withheld]);
    }

    #[test]
    fn a_total_below_five_hides_every_cell_and_needs_nothing_more() {
        assert_eq!(breakdown(&[3, 0, 0]), [Small, Exact(0), Exact(0)]);
        assert_eq!(breakdown(&[1, 2, 0]), [Small, Small, Exact(0)]);
    }

    /// Every value a hidden cell could take, given what the reader sees.
    fn possible_values(counts: &[u64], figures: &[Figure]) -> Vec<std::collections::BTreeSet<u64>> {
        let total: u64 = counts.iter().sum();
        let ceiling = counts
            .iter()
            .zip(figures)
            .filter(|(n, f)| **n > 0 && !f.is_hidden())
            .map(|(n, _)| *n)
            .min()
            .unwrap_or(total);
        let ranges: Vec<Vec<u64>> = figures
            .iter()
            .map(|f| match f {
                Exact(n) => vec![*n],
                Small => (1..=4).collect(),
                Withheld => (5..=ceiling.min(total)).collect(),
            })
            .collect();
        let mut seen = vec![std::collections::BTreeSet::new(); counts.len()];
        let mut pick = vec![0usize; counts.len()];
        loop {
            let values: Vec<u64> = pick.iter().zip(&ranges).map(|(&i, r)| r[i]).collect();
            if values.iter().sum::<u64>() == total {
                for (set, v) in seen.iter_mut().zip(&values) {
                    set.insert(*v);
                }
            }
            let mut digit = 0;
            loop {
                if digit == pick.len() {
                    return seen;
                }
                pick[digit] += 1;
                if pick[digit] < ranges[digit].len() {
                    break;
                }
                pick[digit] = 0;
                digit += 1;
            }
        }
    }

    #[test]
    fn no_hidden_cell_can_be_worked_out_while_a_cell_is_left_to_withhold() {
        for a in 0..12u64 {
            for b in 0..12 {
                for c in 0..12 {
                    let counts = [a, b, c, 6];
                    let figures = breakdown(&counts);
                    if counts.iter().sum::<u64>() < THRESHOLD {
                        continue;
                    }
                    let options = possible_values(&counts, &figures);
                    for (i, f) in figures.iter().enumerate() {
                        if f.is_hidden() {
                            assert!(
                                options[i].len() > 1,
                                "{counts:?} → {figures:?}: cell {i} is {:?}",
                                options[i]
                            );
                        }
                    }
                }
            }
        }
    }

    fn exact(pairs: &[(&str, u64)]) -> Breakdown {
        Breakdown(pairs.iter().map(|(k, n)| (k.to_string(), Exact(*n))).collect())
    }

    /// 30 invited guests and 3 walk-ins: 31 women and 2 men.
    fn summary() -> Summary {
        let genders = exact(&[("female", 31), ("male", 2), ("unspecified", 0)]);
        Summary {
            published: false,
            invited: Exact(40),
            present: Exact(33),
            invited_present: Exact(30),
            walk_ins: Exact(3),
            by_gender: genders.clone(),
            by_age_group: exact(&[("adult", 33)]),
            by_category: exact(&[("civil_society", 33)]),
            by_region: exact(&[("Kayes", 33)]),
            invited_by_gender: exact(&[("female", 40)]),
            invited_by_category: exact(&[("civil_society", 40)]),
            women_share_percent: Some(93.9),
            women_target_percent: Some(30),
        }
    }

    #[test]
    fn a_published_summary_hides_walk_ins_with_the_invited_and_keeps_totals() {
        let published = summary().published();
        assert!(published.published);
        assert_eq!((published.invited_present, published.walk_ins), (Withheld, Small));
        assert_eq!((published.present, published.invited), (Exact(33), Exact(40)));
        assert_eq!(published.by_gender.get("male"), Small);
        assert_eq!(published.by_gender.get("female"), Withheld);
        assert_eq!(
            published.women_share_percent, None,
            "the share would give the women away"
        );
        assert_eq!(published.published(), published, "publishing twice changes nothing");
        assert_eq!(summary().disclosed(false), summary());
    }

    #[test]
    fn a_published_event_table_hides_small_cells_column_by_column() {
        let row = |id: i32, present: u64, women: u64| EventRow {
            event_id: id,
            title: format!("Atelier {id}"),
            starts_at: chrono::Utc::now(),
            status: crate::domain::vocab::EventStatus::Completed,
            venue: String::new(),
            region: String::new(),
            invited: Exact(0),
            present: Exact(present),
            walk_ins: Exact(present),
            women: Exact(women),
            women_share_percent: Some((women * 100 / present) as f64),
            women_target_percent: None,
        };
        let across = Across {
            summary: summary(),
            events: vec![row(1, 40, 20), row(2, 3, 1), row(3, 12, 6)],
        };
        let published = across.published();
        let present: Vec<Figure> = published.events.iter().map(|e| e.present).collect();
        assert_eq!(present, [Exact(40), Small, Withheld]);
        let women: Vec<Figure> = published.events.iter().map(|e| e.women).collect();
        assert_eq!(women, [Exact(20), Small, Withheld]);
        let shares: Vec<Option<f64>> = published.events.iter().map(|e| e.women_share_percent).collect();
        assert_eq!(shares, [Some(50.0), None, None]);
    }

    #[test]
    fn only_organizers_may_see_exact_figures() {
        let asked = |published: &str| DisclosureQuery {
            published: published.into(),
        };
        assert!(!asked("").published_for(Role::Organizer));
        assert!(!asked("").published_for(Role::Admin));
        assert!(asked("true").published_for(Role::Organizer));
        for role in [Role::Rapporteur, Role::Editor, Role::Viewer] {
            assert!(asked("false").published_for(role), "{role:?}");
        }
    }

    #[test]
    fn breakdowns_serialize_as_objects_in_their_own_order() {
        let b = Breakdown(vec![
            ("female".into(), Exact(12)),
            ("male".into(), Small),
            ("unspecified".into(), Withheld),
        ]);
        assert_eq!(
            serde_json::to_string(&b).unwrap(),
            r#"{"female":12,"male":"<5","unspecified":"x"}"#
        );
        assert_eq!(b.get("male"), Small);
        assert_eq!(b.get("nobody"), Exact(0));
    }
}
