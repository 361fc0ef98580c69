//! The review of outcomes by editors: the inbox, decisions and traceability.

pub mod decisions;
pub mod history;
pub mod inbox;
pub mod traceability;
pub mod undo;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{event, outcome, venue};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::domain::debates::outcomes::Outcome;
use crate::domain::sections::{self, Section};
use crate::error::{AppError, AppResult};

/// An outcome with the editors' decision on it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ReviewedOutcome {
    #[serde(flatten)]
    pub outcome: Outcome,
    pub rationale: String,
    pub decided_by: Option<i32>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The published version that made the decision final, if any.
    pub report_version: Option<i32>,
}

impl From<outcome::Model> for ReviewedOutcome {
    fn from(m: outcome::Model) -> Self {
        ReviewedOutcome {
            rationale: m.rationale.clone(),
            decided_by: m.decided_by,
            decided_at: m.decided_at,
            report_version: m.report_version,
            outcome: Outcome::from(m),
        }
    }
}

/// Where an outcome came from: the event, its date and its venue's region.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct EventRef {
    pub id: i32,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    /// The venue's region; empty when the event has no venue.
    pub region: String,
}

/// An outcome as the review shows it: the decision and where it came from.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ReviewItem {
    #[serde(flatten)]
    pub outcome: ReviewedOutcome,
    pub event: EventRef,
}

impl ReviewItem {
    pub fn id(&self) -> i32 {
        self.outcome.outcome.id
    }

    pub fn section_id(&self) -> Option<i32> {
        self.outcome.outcome.section_id
    }

    /// Decided for good: a published version took it on board.
    pub fn is_final(&self) -> bool {
        self.outcome.report_version.is_some()
    }
}

/// Everything the review reads about one report: its sections, its events and all their outcomes.
pub struct ReportOutcomes {
    pub sections: Vec<Section>,
    pub events: Vec<EventRef>,
    /// In reading order: by section position (outcomes on no section last), event date, then record order.
    pub items: Vec<ReviewItem>,
}

/// Loads a report's sections, events (by date) and outcomes in four queries (404 without the report).
pub async fn load<C: ConnectionTrait>(db: &C, report_id: i32) -> AppResult<ReportOutcomes> {
    entity::report::Entity::find_by_id(report_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let sections = sections::list(db, report_id).await?;
    let events = event::Entity::find()
        .filter(event::Column::ReportId.eq(report_id))
        .order_by_asc(event::Column::StartsAt)
        .order_by_asc(event::Column::Id)
        .all(db)
        .await?;
    let venue_ids: Vec<i32> = events.iter().filter_map(|e| e.venue_id).collect();
    let regions: HashMap<i32, String> = venue::Entity::find()
        .filter(venue::Column::Id.is_in(venue_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.id, v.region))
        .collect();
    let events: Vec<EventRef> = events
        .into_iter()
        .map(|e| EventRef {
            region: e.venue_id.and_then(|v| regions.get(&v).cloned()).unwrap_or_default(),
            id: e.id,
            title: e.title,
            starts_at: e.starts_at,
        })
        .collect();
    let event_order: HashMap<i32, usize> = events.iter().enumerate().map(|(n, e)| (e.id, n)).collect();
    let section_order: HashMap<i32, usize> = sections.iter().enumerate().map(|(n, s)| (s.id, n)).collect();
    let mut items: Vec<ReviewItem> = outcome::Entity::find()
        .filter(outcome::Column::EventId.is_in(events.iter().map(|e| e.id)))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|m| {
            let event = events[*event_order.get(&m.event_id)?].clone();
            Some(ReviewItem {
                outcome: m.into(),
                event,
            })
        })
        .collect();
    items.sort_by_key(|i| {
        (
            i.section_id()
                .and_then(|s| section_order.get(&s).copied())
                .unwrap_or(usize::MAX),
            event_order.get(&i.event.id).copied(),
            i.id(),
        )
    });
    Ok(ReportOutcomes {
        sections,
        events,
        items,
    })
}
