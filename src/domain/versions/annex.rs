//! The annex of an exported version: how each workshop of the report shaped it, as of its publication.

use std::collections::HashMap;

use entity::{event, outcome, outcome_decision};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::origins::{self, Origin};
use super::{FrozenSection, VersionInfo};
use crate::domain::attendance::stats::{self, Summary};
use crate::domain::vocab::{EventKind, EventStatus, OutcomeKind, OutcomeStatus};
use crate::error::AppResult;

/// What became of an outcome, as the version knew it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Taken on board by that version.
    Accepted(i32),
    /// Rejected, with the editors' rationale.
    Rejected(String),
    Deferred,
    Open,
}

#[derive(Clone, Debug)]
pub struct OutcomeFate {
    pub kind: OutcomeKind,
    pub summary: String,
    /// The heading of the section it aimed at, as in this version.
    pub section: Option<String>,
    pub fate: Fate,
}

#[derive(Clone, Debug)]
pub struct Workshop {
    pub event_id: i32,
    pub kind: EventKind,
    pub origin: Origin,
    /// Published figures only: a public document never shows a count of one to four people.
    pub participation: Summary,
    pub outcomes: Vec<OutcomeFate>,
}

/// The report's dissemination and validation workshops known when the version was published,
/// with their outcomes recorded by then and the decisions that stood at that moment.
pub async fn workshops<C: ConnectionTrait>(
    db: &C,
    version: &VersionInfo,
    sections: &[FrozenSection],
) -> AppResult<Vec<Workshop>> {
    let mut participation = super::frozen::frozen(db, version.id).await?;
    // The workshops the version knew, even if one was cancelled since; older versions look them up.
    let events = if participation.is_empty() {
        workshop_events(db, version.report_id, version.published_at).await?
    } else {
        event::Entity::find()
            .filter(event::Column::Id.is_in(participation.keys().copied()))
            .order_by_asc(event::Column::StartsAt)
            .order_by_asc(event::Column::Id)
            .all(db)
            .await?
    };
    let ids: Vec<i32> = events.iter().map(|e| e.id).collect();
    let outcomes = outcome::Entity::find()
        .filter(outcome::Column::EventId.is_in(ids.clone()))
        .filter(outcome::Column::CreatedAt.lte(version.published_at))
        .order_by_asc(outcome::Column::Id)
        .all(db)
        .await?;
    let standing = standing_decisions(db, &outcomes, version).await?;
    let headings: HashMap<i32, &str> = sections.iter().map(|s| (s.section_id, s.heading.as_str())).collect();
    let mut by_event: HashMap<i32, Vec<OutcomeFate>> = HashMap::new();
    for o in &outcomes {
        by_event.entry(o.event_id).or_default().push(OutcomeFate {
            kind: OutcomeKind::parse(&o.kind).unwrap_or(OutcomeKind::Testimony),
            summary: o.summary.clone(),
            section: o.section_id.and_then(|id| headings.get(&id)).map(|h| h.to_string()),
            fate: fate(o, version, standing.get(&o.id).map(String::as_str)),
        });
    }
    let mut out = Vec::with_capacity(events.len());
    for (event, live) in origins::with_places(db, events).await? {
        // Versions published before figures (then places) were frozen read them live.
        let (participation, origin) = match participation.remove(&event.id) {
            Some(frozen) => (frozen.participation, frozen.origin.unwrap_or(live)),
            None => (stats::summary(db, event.id).await?.published(), live),
        };
        out.push(Workshop {
            event_id: event.id,
            kind: EventKind::parse(&event.kind).unwrap_or(EventKind::DisseminationWorkshop),
            participation,
            outcomes: by_event.remove(&event.id).unwrap_or_default(),
            origin,
        });
    }
    Ok(out)
}

/// The report's dissemination and validation workshops that existed at `until`.
pub async fn workshop_events<C: ConnectionTrait>(
    db: &C,
    report_id: i32,
    until: chrono::DateTime<chrono::Utc>,
) -> AppResult<Vec<event::Model>> {
    Ok(event::Entity::find()
        .filter(event::Column::ReportId.eq(report_id))
        .filter(event::Column::Kind.is_in([
            EventKind::DisseminationWorkshop.slug(),
            EventKind::ValidationWorkshop.slug(),
        ]))
        .filter(event::Column::Status.is_in([EventStatus::Scheduled.slug(), EventStatus::Completed.slug()]))
        .filter(event::Column::CreatedAt.lte(until))
        .order_by_asc(event::Column::StartsAt)
        .order_by_asc(event::Column::Id)
        .all(db)
        .await?)
}

/// The last decision recorded on each outcome before the version was published.
async fn standing_decisions<C: ConnectionTrait>(
    db: &C,
    outcomes: &[outcome::Model],
    version: &VersionInfo,
) -> AppResult<HashMap<i32, String>> {
    if outcomes.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(outcome_decision::Entity::find()
        .filter(outcome_decision::Column::OutcomeId.is_in(outcomes.iter().map(|o| o.id)))
        .filter(outcome_decision::Column::DecidedAt.lte(version.published_at))
        .order_by_asc(outcome_decision::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.outcome_id, d.decision))
        .collect())
}

/// Stamped decisions are final; anything decided later, or reversed, was still open for this version.
fn fate(o: &outcome::Model, version: &VersionInfo, standing: Option<&str>) -> Fate {
    match o.report_version {
        Some(n) if n <= version.number => {
            if o.status == OutcomeStatus::Rejected.slug() {
                return Fate::Rejected(o.rationale.clone());
            }
            return Fate::Accepted(n);
        }
        _ => {}
    }
    let deferred = OutcomeStatus::Deferred.slug();
    let deferred_then = match standing {
        Some(decision) => decision == deferred,
        // Without a decision log, the outcome's own status and time tell.
        None => o.status == deferred && o.decided_at.is_some_and(|at| at <= version.published_at),
    };
    if deferred_then { Fate::Deferred } else { Fate::Open }
}
