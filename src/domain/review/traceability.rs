//! Traceability of a report: sections × events (outcomes and how many accepted), and the uptake
//! of outcomes by actor category and by region.

use sea_orm::DatabaseConnection;
use serde::Serialize;

use super::{EventRef, ReviewItem, load};
use crate::domain::debates::outcomes::SectionRef;
use crate::domain::text::fold;
use crate::domain::vocab::{ActorCategory, OutcomeStatus};
use crate::error::AppResult;

/// How many outcomes and how many of them accepted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Cell {
    pub outcomes: u64,
    pub accepted: u64,
}

impl Cell {
    fn add(&mut self, item: &ReviewItem) {
        self.outcomes += 1;
        if item.outcome.outcome.status == OutcomeStatus::Accepted {
            self.accepted += 1;
        }
    }
}

/// One section (or none) across the events, in the events' order, and its total.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct MatrixRow {
    /// `None` for outcomes about no section.
    #[schema(value_type = Option<Object>)]
    pub section: Option<SectionRef>,
    pub cells: Vec<Cell>,
    pub total: Cell,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Matrix {
    /// The report's events by date: the columns.
    pub events: Vec<EventRef>,
    pub rows: Vec<MatrixRow>,
    /// Per event, all sections together.
    pub totals: Vec<Cell>,
}

/// Where one group's outcomes stand. `share` = accepted / (accepted + rejected): the share of
/// decided outcomes the report took on; open and deferred ones are counted but left out of it.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct UptakeRow {
    /// An actor category slug, or a region as written on the venue (empty: no venue).
    pub group: String,
    pub outcomes: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub deferred: u64,
    pub open: u64,
    /// Between 0 and 1; `null` while none of the group's outcomes is accepted or rejected.
    pub share: Option<f64>,
}

impl UptakeRow {
    fn new(group: String) -> Self {
        UptakeRow {
            group,
            outcomes: 0,
            accepted: 0,
            rejected: 0,
            deferred: 0,
            open: 0,
            share: None,
        }
    }

    fn add(&mut self, status: OutcomeStatus) {
        self.outcomes += 1;
        match status {
            OutcomeStatus::Accepted => self.accepted += 1,
            OutcomeStatus::Rejected => self.rejected += 1,
            OutcomeStatus::Deferred => self.deferred += 1,
            OutcomeStatus::Open => self.open += 1,
        }
        let decided = self.accepted + self.rejected;
        self.share = (decided > 0).then(|| self.accepted as f64 / decided as f64);
    }

    /// The share as a whole percentage, for tables and bars.
    pub fn percent(&self) -> Option<u64> {
        self.share.map(|s| (s * 100.0).round() as u64)
    }
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Uptake {
    /// Every category that voiced an outcome, in the vocabulary's order; an outcome voiced by
    /// several categories counts once for each.
    pub by_category: Vec<UptakeRow>,
    /// By the region of the event's venue, alphabetically (accents ignored when grouping).
    pub by_region: Vec<UptakeRow>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Traceability {
    pub matrix: Matrix,
    pub uptake: Uptake,
}

/// The matrix and the uptake of a report, from its stored outcomes and their decisions.
pub async fn traceability(db: &DatabaseConnection, report_id: i32) -> AppResult<Traceability> {
    let all = load(db, report_id).await?;
    let mut rows: Vec<MatrixRow> = all
        .sections
        .iter()
        .map(|s| MatrixRow {
            section: Some(SectionRef {
                id: s.id,
                position: s.position,
                heading: s.heading.clone(),
            }),
            cells: vec![Cell::default(); all.events.len()],
            total: Cell::default(),
        })
        .collect();
    let mut unplaced = MatrixRow {
        section: None,
        cells: vec![Cell::default(); all.events.len()],
        total: Cell::default(),
    };
    let mut totals = vec![Cell::default(); all.events.len()];
    for item in &all.items {
        let Some(column) = all.events.iter().position(|e| e.id == item.event.id) else {
            continue;
        };
        let row = match item.section_id() {
            Some(id) => rows.iter_mut().find(|r| r.section.as_ref().is_some_and(|s| s.id == id)),
            None => Some(&mut unplaced),
        };
        if let Some(row) = row {
            row.cells[column].add(item);
            row.total.add(item);
        }
        totals[column].add(item);
    }
    if unplaced.total.outcomes > 0 {
        rows.push(unplaced);
    }
    Ok(Traceability {
        matrix: Matrix {
            events: all.events,
            rows,
            totals,
        },
        uptake: uptake(&all.items),
    })
}

fn uptake(items: &[ReviewItem]) -> Uptake {
    let mut by_category: Vec<UptakeRow> = ActorCategory::ALL
        .iter()
        .map(|c| UptakeRow::new(c.slug().into()))
        .collect();
    let mut by_region: Vec<(String, UptakeRow)> = Vec::new();
    for item in items {
        let o = &item.outcome.outcome;
        for category in &o.voiced_by {
            if let Some(row) = by_category.iter_mut().find(|r| r.group == category.slug()) {
                row.add(o.status);
            }
        }
        let key = fold(&item.event.region);
        let at = match by_region.iter().position(|(k, _)| *k == key) {
            Some(at) => at,
            None => {
                by_region.push((key, UptakeRow::new(item.event.region.trim().to_string())));
                by_region.len() - 1
            }
        };
        by_region[at].1.add(o.status);
    }
    by_category.retain(|r| r.outcomes > 0);
    by_region.sort_by(|a, b| a.0.cmp(&b.0));
    Uptake {
        by_category,
        by_region: by_region.into_iter().map(|(_, row)| row).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_share_counts_only_accepted_and_rejected_outcomes() {
        let mut row = UptakeRow::new("women_organization".into());
        row.add(OutcomeStatus::Open);
        row.add(OutcomeStatus::Deferred);
        assert_eq!((row.share, row.percent()), (None, None), "nothing decided yet");
        for status in [
            OutcomeStatus::Accepted,
            OutcomeStatus::Accepted,
            OutcomeStatus::Rejected,
        ] {
            row.add(status);
        }
        assert_eq!(row.share, Some(2.0 / 3.0));
        assert_eq!(row.percent(), Some(67));
        assert_eq!((row.outcomes, row.open, row.deferred), (5, 1, 1));
    }
}
