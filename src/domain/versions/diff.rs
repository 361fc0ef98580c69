//! Word-level comparison of two states of a report, with the accepted outcomes behind each change.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::{outcome, outcome_decision};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use similar::{ChangeTag, TextDiff};

use super::{FrozenSection, origins};
use crate::domain::sections;
use crate::domain::vocab::{ActorCategory, OutcomeKind, OutcomeStatus, SectionKind};
use crate::error::AppResult;

/// One side of a comparison: a published version (0 is the empty report before the first) or the draft.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Version(i32),
    Draft,
}

/// A run of words kept, inserted or deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Equal,
    Insert,
    Delete,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Segment {
    pub op: Op,
    pub text: String,
}

impl Segment {
    /// `equal`, `insert` or `delete`, for templates.
    pub fn tag(&self) -> &'static str {
        match self.op {
            Op::Equal => "equal",
            Op::Insert => "insert",
            Op::Delete => "delete",
        }
    }
}

/// The word diff of two texts, consecutive words of the same kind joined into one segment and
/// words replaced one for one shown as one deleted run, then one inserted run.
pub fn words(old: &str, new: &str) -> Vec<Segment> {
    let diff = TextDiff::configure()
        .timeout(Duration::from_secs(1))
        .diff_unicode_words(old, new);
    let tokens: Vec<(Op, &str)> = diff
        .iter_all_changes()
        .map(|change| {
            let op = match change.tag() {
                ChangeTag::Equal => Op::Equal,
                ChangeTag::Insert => Op::Insert,
                ChangeTag::Delete => Op::Delete,
            };
            (op, change.value())
        })
        .collect();
    super::runs::joined(&tokens)
}

/// Whether a diff changes anything.
pub fn changes_anything(segments: &[Segment]) -> bool {
    segments.iter().any(|s| s.op != Op::Equal)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

impl ChangeKind {
    pub fn slug(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            ChangeKind::Added => "reports.change_added",
            ChangeKind::Removed => "reports.change_removed",
            ChangeKind::Changed => "reports.change_changed",
        }
    }
}

/// An accepted outcome that a change took on board, with where it came from.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct OutcomeBehind {
    pub id: i32,
    pub event_id: i32,
    pub event_title: String,
    /// The region of the event's venue ("" without a venue).
    pub region: String,
    pub date: DateTime<Utc>,
    pub kind: OutcomeKind,
    pub summary: String,
    pub voiced_by: Vec<ActorCategory>,
    pub rationale: String,
    /// The version that took it on board; `null` while only in the draft.
    pub report_version: Option<i32>,
    /// The words the decision itself changed in the section, when it edited the text.
    pub edit: Option<Vec<Segment>>,
}

/// One section that differs between the two sides.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SectionChange {
    pub section_id: i32,
    pub change: ChangeKind,
    /// Position on the newer side (the older one for a removed section).
    pub position: i32,
    /// The heading on the newer side (the older one for a removed section).
    pub heading: String,
    pub kind: SectionKind,
    pub heading_diff: Vec<Segment>,
    pub body_diff: Vec<Segment>,
    pub outcomes: Vec<OutcomeBehind>,
}

/// What changed from `from` to `to` (`to` is `null` for the current draft).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Comparison {
    pub report_id: i32,
    pub from: i32,
    pub to: Option<i32>,
    pub changes: Vec<SectionChange>,
    /// How many sections are the same on both sides.
    pub unchanged: usize,
}

/// The sections of one side, in reading order.
pub async fn sections_of<C: ConnectionTrait>(db: &C, report_id: i32, side: Side) -> AppResult<Vec<FrozenSection>> {
    Ok(match side {
        Side::Version(0) => Vec::new(),
        Side::Version(n) => super::get(db, report_id, n).await?.sections,
        Side::Draft => sections::list(db, report_id)
            .await?
            .into_iter()
            .map(FrozenSection::from)
            .collect(),
    })
}

/// Compares two sides of a report (404 when a version does not exist).
pub async fn compare<C: ConnectionTrait>(db: &C, report_id: i32, from: i32, to: Side) -> AppResult<Comparison> {
    crate::domain::reports::get(db, report_id).await?;
    let old = sections_of(db, report_id, Side::Version(from)).await?;
    let new = sections_of(db, report_id, to).await?;
    let (mut changes, unchanged) = section_changes(&old, &new);
    let ids: Vec<i32> = changes.iter().map(|c| c.section_id).collect();
    let mut behind = outcomes_behind(db, &ids, from, to).await?;
    for change in &mut changes {
        change.outcomes = behind.remove(&change.section_id).unwrap_or_default();
    }
    Ok(Comparison {
        report_id,
        from,
        to: match to {
            Side::Version(n) => Some(n),
            Side::Draft => None,
        },
        changes,
        unchanged,
    })
}

/// Pairs sections by their live id: added, removed, or changed in heading, body or kind.
fn section_changes(old: &[FrozenSection], new: &[FrozenSection]) -> (Vec<SectionChange>, usize) {
    let before: HashMap<i32, &FrozenSection> = old.iter().map(|s| (s.section_id, s)).collect();
    let mut changes = Vec::new();
    let mut unchanged = 0;
    for section in new {
        let change = match before.get(&section.section_id) {
            None => ChangeKind::Added,
            Some(prior)
                if prior.heading == section.heading && prior.body == section.body && prior.kind == section.kind =>
            {
                unchanged += 1;
                continue;
            }
            Some(_) => ChangeKind::Changed,
        };
        let prior = before.get(&section.section_id);
        changes.push(change_of(
            change,
            section,
            prior.map_or("", |p| &p.heading),
            prior.map_or("", |p| &p.body),
        ));
    }
    for section in old {
        if !new.iter().any(|s| s.section_id == section.section_id) {
            let mut removed = change_of(ChangeKind::Removed, section, "", "");
            removed.heading_diff = words(&section.heading, "");
            removed.body_diff = words(&section.body, "");
            changes.push(removed);
        }
    }
    (changes, unchanged)
}

fn change_of(change: ChangeKind, section: &FrozenSection, old_heading: &str, old_body: &str) -> SectionChange {
    SectionChange {
        section_id: section.section_id,
        change,
        position: section.position,
        heading: section.heading.clone(),
        kind: section.kind,
        heading_diff: words(old_heading, &section.heading),
        body_diff: words(old_body, &section.body),
        outcomes: Vec::new(),
    }
}

/// Accepted outcomes about these sections taken on board after `from` and up to `to`
/// (for the draft: every later one, and those accepted but not yet published).
async fn outcomes_behind<C: ConnectionTrait>(
    db: &C,
    section_ids: &[i32],
    from: i32,
    to: Side,
) -> AppResult<HashMap<i32, Vec<OutcomeBehind>>> {
    if section_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut select = outcome::Entity::find()
        .filter(outcome::Column::SectionId.is_in(section_ids.iter().copied()))
        .filter(outcome::Column::Status.eq(OutcomeStatus::Accepted.slug()));
    select = match to {
        Side::Version(n) => select
            .filter(outcome::Column::ReportVersion.gt(from))
            .filter(outcome::Column::ReportVersion.lte(n)),
        Side::Draft => select.filter(
            sea_orm::Condition::any()
                .add(outcome::Column::ReportVersion.gt(from))
                .add(outcome::Column::ReportVersion.is_null()),
        ),
    };
    let outcomes = select.order_by_asc(outcome::Column::Id).all(db).await?;
    let places = origins::of_events(db, outcomes.iter().map(|o| o.event_id)).await?;
    let edits = edits(db, outcomes.iter().map(|o| o.id).collect()).await?;
    let mut by_section: HashMap<i32, Vec<OutcomeBehind>> = HashMap::new();
    for o in outcomes {
        let place = places.get(&o.event_id).cloned().unwrap_or_default();
        let Some(section_id) = o.section_id else { continue };
        by_section.entry(section_id).or_default().push(OutcomeBehind {
            id: o.id,
            event_id: o.event_id,
            event_title: place.title,
            region: place.region,
            date: place.starts_at,
            kind: OutcomeKind::parse(&o.kind).unwrap_or(OutcomeKind::Testimony),
            summary: o.summary,
            voiced_by: o.voiced_by.split(',').filter_map(ActorCategory::parse).collect(),
            rationale: o.rationale,
            report_version: o.report_version,
            edit: edits.get(&o.id).cloned(),
        });
    }
    Ok(by_section)
}

/// The word diff of the latest accepting decision that edited the section text, per outcome.
async fn edits<C: ConnectionTrait>(db: &C, outcome_ids: Vec<i32>) -> AppResult<HashMap<i32, Vec<Segment>>> {
    if outcome_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let decisions = outcome_decision::Entity::find()
        .filter(outcome_decision::Column::OutcomeId.is_in(outcome_ids))
        .filter(outcome_decision::Column::Decision.eq(OutcomeStatus::Accepted.slug()))
        .filter(outcome_decision::Column::SectionBodyAfter.is_not_null())
        .order_by_asc(outcome_decision::Column::Id)
        .all(db)
        .await?;
    let mut out = HashMap::new();
    for d in decisions {
        let before = d.section_body_before.unwrap_or_default();
        let after = d.section_body_after.unwrap_or_default();
        // Later rows overwrite earlier ones: the decision that stands is the last.
        out.insert(d.outcome_id, words(&before, &after));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frozen(id: i32, heading: &str, body: &str) -> FrozenSection {
        FrozenSection {
            section_id: id,
            position: id,
            heading: heading.into(),
            body: body.into(),
            kind: SectionKind::Finding,
        }
    }

    #[test]
    fn a_word_diff_keeps_accents_and_joins_runs() {
        let d = words(
            "Les femmes en uniforme rassurent.",
            "Les femmes gendarmes en uniforme rassurent beaucoup.",
        );
        let inserted: Vec<&str> = d.iter().filter(|s| s.op == Op::Insert).map(|s| s.text.trim()).collect();
        assert_eq!(inserted, ["gendarmes", "beaucoup"]);
        assert!(!d.iter().any(|s| s.op == Op::Delete));
        let rebuilt: String = d
            .iter()
            .filter(|s| s.op != Op::Delete)
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(rebuilt, "Les femmes gendarmes en uniforme rassurent beaucoup.");
        assert!(!changes_anything(&words("été", "été")));
    }

    #[test]
    fn sections_are_added_removed_changed_or_left_alone() {
        let old = [
            frozen(1, "Contexte", "A b c"),
            frozen(2, "Constat", "d e"),
            frozen(3, "Fin", "x"),
        ];
        let new = [
            frozen(1, "Contexte", "A b c"),
            frozen(2, "Constat", "d f"),
            frozen(4, "Nouveau", "y"),
        ];
        let (changes, unchanged) = section_changes(&old, &new);
        assert_eq!(unchanged, 1);
        let kinds: Vec<(i32, ChangeKind)> = changes.iter().map(|c| (c.section_id, c.change)).collect();
        assert_eq!(
            kinds,
            [
                (2, ChangeKind::Changed),
                (4, ChangeKind::Added),
                (3, ChangeKind::Removed)
            ]
        );
        assert!(!changes_anything(&changes[0].heading_diff));
        assert!(changes[2].body_diff.iter().all(|s| s.op == Op::Delete));
    }
}
