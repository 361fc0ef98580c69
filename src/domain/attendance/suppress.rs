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

/// The published cells of a single breakdown whose total is published (see [`protect`]).
pub fn breakdown(counts: &[u64]) -> Vec<Figure> {
    let total: u64 = counts.iter().sum();
    protect(total, &[Part::open(counts)]).cells.remove(0)
}

/// One breakdown of the people a total counts. `locked` cells are published elsewhere as they
/// stand (an event's head count on its own page), so withholding them here would hide nothing.
#[derive(Clone, Debug)]
pub struct Part<'a> {
    pub counts: &'a [u64],
    pub locked: bool,
    /// Cells that must be hidden whatever the rule says (withheld on another page).
    pub forced: Vec<usize>,
}

impl<'a> Part<'a> {
    pub fn open(counts: &'a [u64]) -> Self {
        Part {
            counts,
            locked: false,
            forced: Vec::new(),
        }
    }
}

/// What a set of breakdowns of the same people publishes: the total and each breakdown's cells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Published {
    pub total: Figure,
    pub cells: Vec<Vec<Figure>>,
    /// Breakdowns not published at all: their "x" cells say nothing about the count.
    pub dropped: Vec<bool>,
}

/// No value of a hidden figure may be worked out from what is published beside it.
///
/// **The rule (proved by the property test below).** A reader knows every shown count, that "<5"
/// is 1–4, that "x" is at least 5 and at most the smallest non-zero count still shown in its
/// breakdown (the cells withheld are always the smallest, so "x" never exceeds them), and that
/// every breakdown adds up to the same total — shown, "<5", or "x" (then only what the breakdowns
/// imply is known). For every hidden figure, the values consistent with all of that must number at
/// least two. The check is by intervals: for a total `T` in its feasible range, each breakdown is an
/// equation `Σ cells = T` over boxes, whose feasible values for one cell form an interval; since any
/// one-way breakdowns of the same total can be realized together, the union over feasible `T` is
/// exactly what the reader can deduce.
///
/// **The method.** Hide the cells of one to four people; while some hidden figure is pinned, withhold
/// the smallest non-zero cell still shown of its breakdown; when none is left, withhold the total;
/// when the total is withheld and still pinned by a breakdown shown in full, withhold that
/// breakdown's smallest non-zero cell. Zeros stay shown.
pub fn protect(total: u64, parts: &[Part<'_>]) -> Published {
    let mut cells: Vec<Vec<Figure>> = parts
        .iter()
        .map(|p| {
            p.counts
                .iter()
                .enumerate()
                .map(|(i, &n)| {
                    if p.forced.contains(&i) && n >= THRESHOLD {
                        Figure::Withheld
                    } else {
                        self::total(n)
                    }
                })
                .collect()
        })
        .collect();
    let mut shown_total = self::total(total);
    let mut dropped = vec![false; parts.len()];
    if total < THRESHOLD {
        // Every cell is then 0 or "<5", and the total "<5" too: nothing pins a cell to one value,
        // except four or more people one per cell (four "<5" adding up to at most 4 are each 1).
        // That case is not covered: it would need a mark for "0 to 4" on zeros; see the README.
        return Published {
            total: shown_total,
            cells,
            dropped,
        };
    }
    // Each round hides one more figure, so this ends.
    loop {
        let view = Reader::new(shown_total, parts, &cells, &dropped);
        let Some(pinned) = view.first_pinned(shown_total.is_hidden()) else {
            break;
        };
        let target = match pinned {
            Pinned::Cell(b) => b,
            Pinned::Total(b) => b,
        };
        if let Some(i) = smallest_shown(parts, &cells, target) {
            cells[target][i] = Figure::Withheld;
        } else if shown_total.exact().is_some() {
            shown_total = Figure::Withheld;
        } else if let Some((b, i)) = (0..parts.len())
            .filter_map(|b| smallest_shown(parts, &cells, b).map(|i| (b, i)))
            .min_by_key(|&(b, i)| parts[b].counts[i])
        {
            cells[b][i] = Figure::Withheld;
        } else if let Some(b) = (0..parts.len()).find(|&b| !dropped[b] && !parts[b].locked) {
            // Every cell is hidden and their marks alone still give a figure away: the breakdown
            // is not published at all (every cell "x", standing then for any count).
            dropped[b] = true;
            cells[b] = vec![Figure::Withheld; cells[b].len()];
        } else {
            break;
        }
    }
    Published {
        total: shown_total,
        cells,
        dropped,
    }
}

/// The smallest non-zero cell of breakdown `b` still shown, unless the breakdown is locked.
fn smallest_shown(parts: &[Part<'_>], cells: &[Vec<Figure>], b: usize) -> Option<usize> {
    if parts[b].locked {
        return None;
    }
    parts[b]
        .counts
        .iter()
        .enumerate()
        .filter(|&(i, &n)| n > 0 && !cells[b][i].is_hidden())
        .min_by_key(|&(_, &n)| n)
        .map(|(i, _)| i)
}

enum Pinned {
    /// A hidden cell of this breakdown has one possible value.
    Cell(usize),
    /// The hidden total has one possible value, given this breakdown.
    Total(usize),
}

const UNBOUNDED: u64 = u64::MAX / 8;

/// What a reader can deduce: bounds of each figure, from the marks alone.
struct Reader {
    /// Per breakdown still published: the shown sum, and each hidden cell's (low, high) from its mark.
    parts: Vec<(u64, Vec<(u64, u64)>)>,
    /// Their indices among all breakdowns.
    index: Vec<usize>,
    total: (u64, u64),
}

impl Reader {
    fn new(total: Figure, parts: &[Part<'_>], cells: &[Vec<Figure>], dropped: &[bool]) -> Reader {
        let parts: Vec<(u64, Vec<(u64, u64)>)> = parts
            .iter()
            .zip(cells)
            .zip(dropped)
            .filter(|(_, gone)| !**gone)
            .map(|((p, figures), _)| {
                let ceiling = p
                    .counts
                    .iter()
                    .zip(figures)
                    .filter(|&(&n, f)| n > 0 && !f.is_hidden())
                    .map(|(&n, _)| n)
                    .min()
                    .unwrap_or(UNBOUNDED);
                let shown: u64 = figures.iter().filter_map(|f| f.exact()).sum();
                let hidden = figures
                    .iter()
                    .filter_map(|f| match f {
                        Figure::Exact(_) => None,
                        Figure::Small => Some((1, THRESHOLD - 1)),
                        Figure::Withheld => Some((THRESHOLD, ceiling.max(THRESHOLD))),
                    })
                    .collect();
                (shown, hidden)
            })
            .collect();
        let mut range = bounds(total);
        for (shown, hidden) in &parts {
            let low = shown + hidden.iter().map(|h| h.0).sum::<u64>();
            let high = shown.saturating_add(hidden.iter().map(|h| h.1).fold(0, u64::saturating_add));
            range = (range.0.max(low), range.1.min(high));
        }
        let index = (0..dropped.len()).filter(|&b| !dropped[b]).collect();
        Reader {
            parts,
            index,
            total: range,
        }
    }

    fn first_pinned(&self, total_hidden: bool) -> Option<Pinned> {
        let (t_low, t_high) = self.total;
        for (b, (shown, hidden)) in self.parts.iter().enumerate() {
            let all_low: u64 = hidden.iter().map(|h| h.0).sum();
            let all_high: u64 = hidden.iter().map(|h| h.1).fold(0, u64::saturating_add);
            for &(low, high) in hidden {
                let others_low = all_low - low;
                let others_high = all_high.saturating_sub(high);
                let least = low.max(t_low.saturating_sub(shown.saturating_add(others_high)));
                let most = high.min(t_high.saturating_sub(shown + others_low));
                if least >= most {
                    return Some(Pinned::Cell(self.index[b]));
                }
            }
        }
        if total_hidden && t_low >= t_high {
            // Which breakdown fixes it: the one whose own sum range is narrowest.
            let b = (0..self.parts.len()).min_by_key(|&b| {
                let (shown, hidden) = &self.parts[b];
                let low = shown + hidden.iter().map(|h| h.0).sum::<u64>();
                let high = shown.saturating_add(hidden.iter().map(|h| h.1).fold(0, u64::saturating_add));
                high - low
            })?;
            return Some(Pinned::Total(self.index[b]));
        }
        None
    }
}

/// What a mark alone says about a total.
fn bounds(total: Figure) -> (u64, u64) {
    match total {
        Figure::Exact(n) => (n, n),
        Figure::Small => (1, THRESHOLD - 1),
        Figure::Withheld => (THRESHOLD, UNBOUNDED),
    }
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
        self.published_with(&[], &[], &[])
    }

    /// Published, with the present people's breakdowns also checked against `present_columns` and
    /// the guests' against `invited_columns` (an event table's locked columns), and these cells of
    /// the present group forced hidden: (part, cell) with part 0 = origin, 1 = gender.
    fn published_with(&self, present_columns: &[u64], invited_columns: &[u64], forced: &[(usize, usize)]) -> Summary {
        if self.published {
            return self.clone();
        }
        let exact = |f: Figure| f.exact().unwrap_or(0);
        let origin_counts = [exact(self.invited_present), exact(self.walk_ins)];
        let present_sets = [
            origin_counts.to_vec(),
            self.by_gender.counts(),
            self.by_age_group.counts(),
            self.by_category.counts(),
            self.by_region.counts(),
        ];
        let mut parts: Vec<Part<'_>> = present_sets.iter().map(|c| Part::open(c)).collect();
        for &(part, cell) in forced {
            parts[part].forced.push(cell);
        }
        if !present_columns.is_empty() {
            parts.push(Part {
                counts: present_columns,
                locked: true,
                forced: Vec::new(),
            });
        }
        let present = protect(exact(self.present), &parts);
        let invited_sets = [self.invited_by_gender.counts(), self.invited_by_category.counts()];
        let mut parts: Vec<Part<'_>> = invited_sets.iter().map(|c| Part::open(c)).collect();
        if !invited_columns.is_empty() {
            parts.push(Part {
                counts: invited_columns,
                locked: true,
                forced: Vec::new(),
            });
        }
        let invited = protect(exact(self.invited), &parts);
        let named = |b: &Breakdown, figures: &[Figure]| {
            Breakdown(
                b.0.iter()
                    .map(|(k, _)| k.clone())
                    .zip(figures.iter().copied())
                    .collect(),
            )
        };
        let by_gender = named(&self.by_gender, &present.cells[1]);
        let women_share_percent = by_gender
            .get(Gender::Female.slug())
            .exact()
            .and(present.total.exact())
            .and(self.women_share_percent);
        Summary {
            published: true,
            invited: invited.total,
            present: present.total,
            invited_present: present.cells[0][0],
            walk_ins: present.cells[0][1],
            by_gender,
            by_age_group: named(&self.by_age_group, &present.cells[2]),
            by_category: named(&self.by_category, &present.cells[3]),
            by_region: named(&self.by_region, &present.cells[4]),
            invited_by_gender: named(&self.invited_by_gender, &invited.cells[0]),
            invited_by_category: named(&self.invited_by_category, &invited.cells[1]),
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
    /// Published figures. Each event's column cells are shown as on the event's own page (exact, or
    /// "<5"), so they are locked: the overall figures are protected against them instead.
    pub fn published(&self) -> Across {
        let column = |pick: fn(&EventRow) -> Figure| -> Vec<u64> {
            self.events.iter().map(|r| pick(r).exact().unwrap_or(0)).collect()
        };
        let present = column(|r| r.present);
        let invited = column(|r| r.invited);
        // The walk-ins and women columns add up to one cell of the overall figures: when that
        // cell would give a small event count away, the cell is withheld.
        let exact = |f: Figure| f.exact().unwrap_or(0);
        let mut forced = Vec::new();
        let pairs = [
            ((0, 1), column(|r| r.walk_ins), exact(self.summary.walk_ins)),
            ((1, 0), column(|r| r.women), exact(self.summary.women())),
        ];
        for (cell, counts, sum) in &pairs {
            let alone = protect(
                *sum,
                &[Part {
                    counts,
                    locked: true,
                    forced: Vec::new(),
                }],
            );
            if alone.total.is_hidden() && *sum >= THRESHOLD {
                forced.push(*cell);
            }
        }
        let summary = self.summary.published_with(&present, &invited, &forced);
        let events = self
            .events
            .iter()
            .map(|row| {
                let present = total(exact(row.present));
                // As against the others present: 20 women of 23 would give 3 others away.
                let women = breakdown(&[exact(row.women), exact(row.present).saturating_sub(exact(row.women))])[0];
                EventRow {
                    invited: total(exact(row.invited)),
                    present,
                    walk_ins: total(exact(row.walk_ins)),
                    women,
                    // A share next to one exact figure would give the other away.
                    women_share_percent: (!present.is_hidden() && !women.is_hidden())
                        .then_some(row.women_share_percent)
                        .flatten(),
                    ..row.clone()
                }
            })
            .collect();
        Across { summary, events }
    }

    pub fn disclosed(self, published: bool) -> Across {
        if published { self.published() } else { self }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

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
        // Each event's head count as on its own page; women hidden where the others would be small.
        let present: Vec<Figure> = published.events.iter().map(|e| e.present).collect();
        assert_eq!(present, [Exact(40), Small, Exact(12)]);
        let women: Vec<Figure> = published.events.iter().map(|e| e.women).collect();
        assert_eq!(women, [Exact(20), Small, Exact(6)]);
        let shares: Vec<Option<f64>> = published.events.iter().map(|e| e.women_share_percent).collect();
        assert_eq!(shares, [Some(50.0), None, Some(50.0)]);
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

    #[test]
    fn four_women_and_four_men_hide_the_total_too() {
        let published = protect(8, &[Part::open(&[4, 4, 0]), Part::open(&[0, 8, 0])]);
        assert_eq!(published.cells[0], [Small, Small, Exact(0)]);
        assert_eq!(published.total, Withheld, "8 would give 4 and 4 away");
        assert_eq!(published.cells[1][1], Withheld, "the age breakdown would give 8 away");
    }

    /// What a reader can deduce, worked out independently of `protect`: every total `T` the marks
    /// allow, every breakdown feasible for `T`, and each hidden cell's interval for that `T`.
    fn deducible(total: Figure, parts: &[Vec<u64>], cells: &[Vec<Figure>]) -> (BTreeSet<u64>, Vec<Vec<BTreeSet<u64>>>) {
        let limit: u64 = parts.iter().map(|p| p.iter().sum::<u64>()).max().unwrap_or(0) * 2 + 40;
        let boxes: Vec<Vec<(u64, u64)>> = parts
            .iter()
            .zip(cells)
            .map(|(p, figures)| {
                let ceiling = p
                    .iter()
                    .zip(figures)
                    .filter(|(n, f)| **n > 0 && !f.is_hidden())
                    .map(|(n, _)| *n)
                    .min()
                    .unwrap_or(limit);
                figures
                    .iter()
                    .map(|f| match f {
                        Exact(n) => (*n, *n),
                        Small => (1, 4),
                        Withheld => (5, ceiling.max(5)),
                    })
                    .collect()
            })
            .collect();
        let mut totals = BTreeSet::new();
        let mut values: Vec<Vec<BTreeSet<u64>>> = boxes.iter().map(|b| vec![BTreeSet::new(); b.len()]).collect();
        for t in 0..=limit {
            let allowed = match total {
                Exact(n) => t == n,
                Small => (1..=4).contains(&t),
                Withheld => t >= 5,
            };
            let feasible = boxes.iter().all(|b| {
                let low: u64 = b.iter().map(|x| x.0).sum();
                let high: u64 = b.iter().map(|x| x.1).sum();
                (low..=high).contains(&t)
            });
            if !allowed || !feasible {
                continue;
            }
            totals.insert(t);
            for (b, bx) in boxes.iter().enumerate() {
                let low: u64 = bx.iter().map(|x| x.0).sum();
                let high: u64 = bx.iter().map(|x| x.1).sum();
                for (i, &(l, h)) in bx.iter().enumerate() {
                    let from = l.max((t + h).saturating_sub(high));
                    let to = h.min(t + l - low);
                    values[b][i].extend(from..=to);
                }
            }
        }
        (totals, values)
    }

    /// Splits `total` into `n` cells, small ones often, from a seed.
    fn split(total: u64, n: usize, mut seed: u64) -> Vec<u64> {
        let mut cells = vec![0u64; n];
        let mut left = total;
        for cell in cells.iter_mut().take(n - 1) {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let take = if left == 0 { 0 } else { (seed >> 33) % (left.min(9) + 1) };
            *cell = take;
            left -= take;
        }
        cells[n - 1] = left;
        cells.rotate_left((seed % n as u64) as usize);
        cells
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(12_000))]

        /// The rule of [`protect`], over random sets of breakdowns of the same people: no hidden
        /// figure has a single value the reader could deduce, and none shown is 1 to 4.
        #[test]
        fn no_hidden_figure_is_determined_by_the_shown_ones(
            first in proptest::collection::vec(proptest::prop_oneof![3 => 0u64..5, 2 => 0u64..15, 1 => 0u64..60], 1..6),
            others in proptest::collection::vec((1usize..6, proptest::prelude::any::<u64>()), 0..4),
        ) {
            let total: u64 = first.iter().sum();
            let mut parts = vec![first.clone()];
            parts.extend(others.iter().map(|&(n, seed)| split(total, n, seed)));
            // The one case the rule does not cover (see `protect`): fewer than five people spread
            // one per cell over four cells or more show that each cell is one person.
            proptest::prop_assume!(
                total >= THRESHOLD || parts.iter().all(|p| p.iter().filter(|&&n| n > 0).count() < 4)
            );
            // Open breakdowns only: a locked one (figures shown on another page) may fix the total,
            // and then no hiding on this page can help; see `Across::published`.
            let views: Vec<Part<'_>> = parts.iter().map(|c| Part::open(c)).collect();
            let published = protect(total, &views);
            let kept: Vec<usize> = (0..parts.len()).filter(|&b| !published.dropped[b]).collect();
            let kept_parts: Vec<Vec<u64>> = kept.iter().map(|&b| parts[b].clone()).collect();
            let kept_cells: Vec<Vec<Figure>> = kept.iter().map(|&b| published.cells[b].clone()).collect();
            proptest::prop_assert!(!kept.is_empty() || published.total.is_hidden());
            let (totals, kept_values) = deducible(published.total, &kept_parts, &kept_cells);
            let mut values = vec![Vec::new(); parts.len()];
            for (k, &b) in kept.iter().enumerate() {
                values[b] = kept_values[k].clone();
            }
            proptest::prop_assert!(totals.contains(&total), "{parts:?} {published:?}");
            if published.total.is_hidden() {
                proptest::prop_assert!(totals.len() >= 2, "total pinned: {parts:?} {published:?}");
            }
            for (b, figures) in published.cells.iter().enumerate() {
                if published.dropped[b] {
                    // Not published: every cell "x", nothing deducible from it.
                    proptest::prop_assert!(figures.iter().all(|f| *f == Withheld));
                    continue;
                }
                for (i, f) in figures.iter().enumerate() {
                    let n = parts[b][i];
                    if let Exact(shown) = f {
                        proptest::prop_assert!(*shown == n && !(1..5).contains(&n));
                    } else {
                        proptest::prop_assert!(values[b][i].contains(&n), "{parts:?} {published:?} {b}/{i}");
                        proptest::prop_assert!(
                            values[b][i].len() >= 2,
                            "cell {b}/{i} pinned to {:?}: {parts:?} {published:?}", values[b][i]
                        );
                    }
                }
            }
        }
    }
}
