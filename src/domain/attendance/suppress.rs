//! Small-cell suppression of one event's published attendance figures: no count of one to four
//! people is shown, and no hidden count can be worked out from the figures shown beside it, the
//! links between the invited and present groups included (see `link`).

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize, Serializer};
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::openapi::{Object, RefOr};

use super::stats::Summary;
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
    /// One to four people, shown as "<5"; zero to four in a group of fewer than five people, whose
    /// zeros are hidden too (and, across events, a figure of fewer than five, see `campaign`).
    Small,
    /// Five or more, hidden with a small cell of the same breakdown, shown as "x".
    /// Marked apart from "<5" because calling it "<5" would be false. Across events, "x" marks a
    /// sum of figures hidden on the events' own pages, of any size (see `campaign`).
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

    pub fn is_small(self) -> bool {
        self == Figure::Small
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
                "A head count; in published figures \"<5\" for 1 to 4 people (0 to 4 in a group of \
                 fewer than five, whose zeros are hidden too) and \"x\" for a count withheld so that a \
                 small one cannot be worked out; across events, \"x\" is a sum that includes a count \
                 hidden on an event's page.",
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

/// One breakdown of the people a total counts.
#[derive(Clone, Debug)]
pub struct Part<'a> {
    pub counts: &'a [u64],
}

impl<'a> Part<'a> {
    pub fn open(counts: &'a [u64]) -> Self {
        Part { counts }
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
/// **The rule (proved by the property tests in `tests` and `campaign::property`).** A reader knows
/// every shown count, that "<5" is 1–4 (0–4 when the total is "<5"), that "x" is at least 5 and at
/// most the smallest non-zero count still shown in its breakdown (the cells withheld are always the smallest, so "x" never exceeds them), and that
/// every breakdown adds up to the same total — shown, "<5", or "x" (then only what the breakdowns
/// imply is known). For every hidden figure, the values consistent with all of that must number at
/// least two. The check is by intervals: for a total `T` in its feasible range, each breakdown is an
/// equation `Σ cells = T` over boxes, whose feasible values for one cell form an interval; since any
/// one-way breakdowns of the same total can be realized together, the union over feasible `T` is
/// exactly what the reader can deduce.
///
/// **The method.** A group of one to four people is not broken down: its total and every cell,
/// zeros included, show "<5" (each cell is then 0–4 and any of them may be 0 or 1). Otherwise hide
/// the cells of one to four people; while some hidden figure is pinned, withhold the smallest
/// non-zero cell still shown of its breakdown; when none is left, withhold the total; when the
/// total is withheld and still pinned by a breakdown shown in full, withhold that breakdown's
/// smallest non-zero cell. Zeros stay shown.
pub fn protect(total: u64, parts: &[Part<'_>]) -> Published {
    let mut cells: Vec<Vec<Figure>> = parts
        .iter()
        .map(|p| p.counts.iter().map(|&n| self::total(n)).collect())
        .collect();
    let mut shown_total = self::total(total);
    let mut dropped = vec![false; parts.len()];
    if total < THRESHOLD {
        // Hiding the zeros too is what keeps four people one per cell from showing four "<5"
        // that add up to at most 4, each then 1. The rule depends on the total's mark only, so
        // the pattern of marks says nothing more.
        if total > 0 {
            cells = parts.iter().map(|p| vec![Figure::Small; p.counts.len()]).collect();
        }
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
        } else if let Some(b) = (0..parts.len()).find(|&b| !dropped[b]) {
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

/// The smallest non-zero cell of breakdown `b` still shown.
fn smallest_shown(parts: &[Part<'_>], cells: &[Vec<Figure>], b: usize) -> Option<usize> {
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

    /// Per breakdown still published, each hidden cell's (least, most) given the others and the
    /// total: an outer bound of what the reader can deduce.
    fn intervals(&self) -> Vec<Vec<(u64, u64)>> {
        let (t_low, t_high) = self.total;
        self.parts
            .iter()
            .map(|(shown, hidden)| {
                let all_low: u64 = hidden.iter().map(|h| h.0).sum();
                let all_high: u64 = hidden.iter().map(|h| h.1).fold(0, u64::saturating_add);
                hidden
                    .iter()
                    .map(|&(low, high)| {
                        let others_low = all_low - low;
                        let others_high = all_high.saturating_sub(high);
                        let least = low.max(t_low.saturating_sub(shown.saturating_add(others_high)));
                        let most = high.min(t_high.saturating_sub(shown + others_low));
                        (least, most)
                    })
                    .collect()
            })
            .collect()
    }

    fn first_pinned(&self, total_hidden: bool) -> Option<Pinned> {
        let (t_low, t_high) = self.total;
        for (b, cells) in self.intervals().iter().enumerate() {
            if cells.iter().any(|&(least, most)| least >= most) {
                return Some(Pinned::Cell(self.index[b]));
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
    /// The figures others may see on the event's own page: small cells hidden, and those that would
    /// give them away. Regions are listed only for the names people gave, so each listed one is at
    /// least one person: they are not listed at all for a group of fewer than five (four names
    /// would show one person each) nor when the breakdown is withheld whole. The present group and
    /// the invited group are each protected alone; the split between invited guests who came and
    /// walk-ins is then published only when the links between the groups cannot bind (`link`),
    /// otherwise both show "x".
    pub fn published(&self) -> Summary {
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
        let parts: Vec<Part<'_>> = present_sets.iter().map(|c| Part::open(c)).collect();
        let mut present = protect(exact(self.present), &parts);
        let invited_sets = [self.invited_by_gender.counts(), self.invited_by_category.counts()];
        let parts: Vec<Part<'_>> = invited_sets.iter().map(|c| Part::open(c)).collect();
        let invited = protect(exact(self.invited), &parts);
        let shared = [
            (&self.by_gender, 1, &self.invited_by_gender, 0),
            (&self.by_category, 3, &self.invited_by_category, 1),
        ];
        if !link::is_slack(&present, &present_sets, &invited, &invited_sets, &shared) {
            present.dropped[0] = true;
            present.cells[0] = vec![Figure::Withheld; 2];
        }
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
        let by_region = if present.total == Figure::Small || present.dropped[4] {
            Breakdown::default()
        } else {
            named(&self.by_region, &present.cells[4])
        };
        Summary {
            published: true,
            invited: invited.total,
            present: present.total,
            invited_present: present.cells[0][0],
            walk_ins: present.cells[0][1],
            by_gender,
            by_age_group: named(&self.by_age_group, &present.cells[2]),
            by_category: named(&self.by_category, &present.cells[3]),
            by_region,
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

mod link;
#[cfg(test)]
mod tests;
