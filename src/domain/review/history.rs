//! A section's history: its text in every published version, and every outcome that touched it
//! with each decision taken on it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{outcome_decision, report_version, section_version, user};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::{ReviewItem, load};
use crate::domain::sections::Section;
use crate::error::{AppError, AppResult};

/// The section as one published version froze it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PublishedText {
    pub number: i32,
    pub label: String,
    pub published_at: DateTime<Utc>,
    pub heading: String,
    pub body: String,
}

/// One entry of an outcome's decision history.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct DecisionEntry {
    /// `accepted`, `rejected`, `deferred` or `reopened`.
    pub decision: String,
    pub rationale: String,
    pub decided_by: Option<i32>,
    /// The editor's name; empty when the system decided.
    pub decided_by_name: String,
    pub decided_at: DateTime<Utc>,
    /// When accepting edited the section: its text before and after.
    pub section_body_before: Option<String>,
    pub section_body_after: Option<String>,
}

/// An outcome about the section, where it came from, and every decision on it (oldest first).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TracedOutcome {
    #[serde(flatten)]
    pub item: ReviewItem,
    pub decisions: Vec<DecisionEntry>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SectionHistory {
    /// The live section, as it reads now.
    pub section: Section,
    /// Oldest version first.
    pub versions: Vec<PublishedText>,
    pub outcomes: Vec<TracedOutcome>,
}

/// 404 unless the section belongs to the report.
pub async fn section_history(db: &DatabaseConnection, report_id: i32, section_id: i32) -> AppResult<SectionHistory> {
    let all = load(db, report_id).await?;
    let section = all
        .sections
        .into_iter()
        .find(|s| s.id == section_id)
        .ok_or(AppError::NotFound)?;
    let published: HashMap<i32, report_version::Model> = report_version::Entity::find()
        .filter(report_version::Column::ReportId.eq(report_id))
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    let mut versions: Vec<PublishedText> = section_version::Entity::find()
        .filter(section_version::Column::SectionId.eq(section_id))
        .filter(section_version::Column::VersionId.is_in(published.keys().copied()))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|s| {
            let v = published.get(&s.version_id)?;
            Some(PublishedText {
                number: v.number,
                label: v.label.clone(),
                published_at: v.published_at,
                heading: s.heading,
                body: s.body,
            })
        })
        .collect();
    versions.sort_by_key(|v| v.number);
    let items: Vec<ReviewItem> = all
        .items
        .into_iter()
        .filter(|i| i.section_id() == Some(section_id))
        .collect();
    let mut decisions = decisions_of(db, items.iter().map(|i| i.id()).collect()).await?;
    let outcomes = items
        .into_iter()
        .map(|item| TracedOutcome {
            decisions: decisions.remove(&item.id()).unwrap_or_default(),
            item,
        })
        .collect();
    Ok(SectionHistory {
        section,
        versions,
        outcomes,
    })
}

/// The decision history of these outcomes, by outcome, oldest first, with the editors' names.
async fn decisions_of(db: &DatabaseConnection, ids: Vec<i32>) -> AppResult<HashMap<i32, Vec<DecisionEntry>>> {
    let rows = outcome_decision::Entity::find()
        .filter(outcome_decision::Column::OutcomeId.is_in(ids))
        .order_by_asc(outcome_decision::Column::DecidedAt)
        .order_by_asc(outcome_decision::Column::Id)
        .all(db)
        .await?;
    let names: HashMap<i32, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(rows.iter().filter_map(|r| r.decided_by)))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let mut by_outcome: HashMap<i32, Vec<DecisionEntry>> = HashMap::new();
    for r in rows {
        by_outcome.entry(r.outcome_id).or_default().push(DecisionEntry {
            decided_by_name: r.decided_by.and_then(|id| names.get(&id).cloned()).unwrap_or_default(),
            decision: r.decision,
            rationale: r.rationale,
            decided_by: r.decided_by,
            decided_at: r.decided_at,
            section_body_before: r.section_body_before,
            section_body_after: r.section_body_after,
        });
    }
    Ok(by_outcome)
}
