//! Outcomes of a debate (DESIGN §3): what the room said about which report section, who voiced
//! it and how far the room agreed; read-only once the event is completed, except for admins.

use chrono::{DateTime, Utc};
use entity::{outcome, report_section};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};

use crate::domain::audit::{self, Changes, Who};
use crate::domain::events::{self, Event};
use crate::domain::paging::{PageQuery, Paged};
use crate::domain::text;
use crate::domain::users::User;
use crate::domain::vocab::{ActorCategory, Agreement, EventStatus, OutcomeKind, OutcomeStatus};
use crate::error::{AppError, AppResult, FieldErrors};

/// An outcome as shown and as returned by the API.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Outcome {
    pub id: i32,
    pub event_id: i32,
    pub section_id: Option<i32>,
    pub kind: OutcomeKind,
    pub summary: String,
    pub proposed_text: String,
    pub voiced_by: Vec<ActorCategory>,
    pub agreement: Agreement,
    pub status: OutcomeStatus,
    pub author_id: Option<i32>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<outcome::Model> for Outcome {
    fn from(m: outcome::Model) -> Self {
        Outcome {
            id: m.id,
            event_id: m.event_id,
            section_id: m.section_id,
            kind: OutcomeKind::parse(&m.kind).unwrap_or(OutcomeKind::Testimony),
            voiced_by: m.voiced_by.split(',').filter_map(ActorCategory::parse).collect(),
            agreement: Agreement::parse(&m.agreement).unwrap_or(Agreement::Divided),
            status: OutcomeStatus::parse(&m.status).unwrap_or(OutcomeStatus::Open),
            summary: m.summary,
            proposed_text: m.proposed_text,
            author_id: m.author_id,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// An outcome's fields as sent: slugs are checked here so a bad one is named like any other field.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct OutcomeInput {
    /// A section of the event's report, or none.
    #[serde(default)]
    pub section_id: Option<i32>,
    /// `endorsement`, `objection`, `amendment`, `new_recommendation`, `question`, `testimony`.
    #[schema(value_type = crate::domain::vocab::OutcomeKind)]
    pub kind: String,
    #[schema(min_length = 1, pattern = r"\S")]
    pub summary: String,
    #[serde(default)]
    pub proposed_text: String,
    /// Actor category slugs; at least one.
    #[serde(default)]
    #[schema(required = true, min_items = 1, value_type = Vec<crate::domain::vocab::ActorCategory>)]
    pub voiced_by: Vec<String>,
    /// `consensus`, `majority`, `divided`, `minority`.
    #[schema(value_type = crate::domain::vocab::Agreement)]
    pub agreement: String,
}

/// An edit names the version it started from; a newer stored one gets 409.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
pub struct OutcomeUpdate {
    #[serde(flatten)]
    pub outcome: OutcomeInput,
    pub version: i32,
}

struct ValidOutcome {
    section_id: Option<i32>,
    kind: OutcomeKind,
    summary: String,
    proposed_text: String,
    voiced_by: Vec<ActorCategory>,
    agreement: Agreement,
}

impl OutcomeInput {
    async fn validate(&self, db: &DatabaseConnection, event: &Event) -> AppResult<ValidOutcome> {
        let mut errors = FieldErrors::new();
        let kind = super::choice(&self.kind, OutcomeKind::parse, "kind", &mut errors);
        let agreement = super::choice(&self.agreement, Agreement::parse, "agreement", &mut errors);
        let mut voiced_by = Vec::new();
        for slug in &self.voiced_by {
            match ActorCategory::parse(slug) {
                Some(c) if !voiced_by.contains(&c) => voiced_by.push(c),
                Some(_) => {}
                None => errors.add("voiced_by", "validation.choice"),
            }
        }
        if voiced_by.is_empty() {
            errors.add("voiced_by", "debates.voiced_by_required");
        }
        if let Some(id) = self.section_id {
            check_section(db, event, id, &mut errors).await?;
        }
        let valid = ValidOutcome {
            section_id: self.section_id,
            summary: text::required(&self.summary, "summary", 2_000, &mut errors),
            proposed_text: text::optional(&self.proposed_text, "proposed_text", 20_000, &mut errors),
            kind: kind.unwrap_or(OutcomeKind::Testimony),
            agreement: agreement.unwrap_or(Agreement::Divided),
            voiced_by,
        };
        errors.into_result(valid)
    }
}

/// The section must belong to the report the event disseminates.
async fn check_section(db: &DatabaseConnection, event: &Event, id: i32, errors: &mut FieldErrors) -> AppResult<()> {
    let Some(report_id) = event.report_id else {
        errors.add("section_id", "debates.event_has_no_report");
        return Ok(());
    };
    let section = report_section::Entity::find_by_id(id).one(db).await?;
    if section.is_none_or(|s| s.report_id != report_id) {
        errors.add("section_id", "debates.section_not_in_report");
    }
    Ok(())
}

impl ValidOutcome {
    fn apply(self, mut model: outcome::ActiveModel) -> outcome::ActiveModel {
        let voiced_by: Vec<&str> = self.voiced_by.iter().map(|c| c.slug()).collect();
        model.section_id = Set(self.section_id);
        model.kind = Set(self.kind.slug().into());
        model.summary = Set(self.summary);
        model.proposed_text = Set(self.proposed_text);
        model.voiced_by = Set(voiced_by.join(","));
        model.agreement = Set(self.agreement.slug().into());
        model.updated_at = Set(Utc::now());
        model
    }
}

/// Whether `by` may no longer write the outcomes of this event: once it is completed, the record
/// stands; only admins correct it. `None` is the system itself (demo loader, imports).
pub fn is_locked(event: &Event, by: Option<&User>) -> bool {
    event.status == EventStatus::Completed && by.is_some_and(|u| !u.role.is_admin())
}

/// A 409 rather than a 403: the role may record outcomes, the event's state is what refuses,
/// so a client can tell "ask someone else" (403) from "this record is closed" (409).
fn ensure_open(event: &Event, by: Option<&User>) -> AppResult<()> {
    if is_locked(event, by) {
        return Err(AppError::Conflict("debates.outcomes_locked".into()));
    }
    Ok(())
}

/// Records an outcome of an event; `author` is `None` when the system records it.
pub async fn create(
    db: &DatabaseConnection,
    event_id: i32,
    author: Option<&User>,
    input: &OutcomeInput,
    who: &Who,
) -> AppResult<Outcome> {
    let event = events::get(db, event_id).await?;
    ensure_open(&event, author)?;
    let valid = input.validate(db, &event).await?;
    let now = Utc::now();
    let model = outcome::ActiveModel {
        event_id: Set(event_id),
        status: Set(OutcomeStatus::Open.slug().into()),
        rationale: Set(String::new()),
        author_id: Set(author.map(|u| u.id)),
        version: Set(1),
        created_at: Set(now),
        ..Default::default()
    };
    let txn = crate::db::begin_write(db).await?;
    let outcome = Outcome::from(valid.apply(model).insert(&txn).await?);
    audit::record(&txn, who, "outcome", outcome.id, "create", Changes::created(&outcome)).await?;
    txn.commit().await?;
    Ok(outcome)
}

pub async fn get<C: sea_orm::ConnectionTrait>(db: &C, event_id: i32, id: i32) -> AppResult<Outcome> {
    outcome::Entity::find_by_id(id)
        .filter(outcome::Column::EventId.eq(event_id))
        .one(db)
        .await?
        .map(Outcome::from)
        .ok_or(AppError::NotFound)
}

/// Replaces an outcome's fields if nobody saved a newer version meanwhile (409 otherwise).
pub async fn update(
    db: &DatabaseConnection,
    event_id: i32,
    id: i32,
    by: &User,
    update: &OutcomeUpdate,
    who: &Who,
) -> AppResult<Outcome> {
    let event = events::get(db, event_id).await?;
    let existing = get(db, event_id, id).await?;
    ensure_open(&event, Some(by))?;
    // What the editors decided on must stay what they read; reopening the decision unlocks it.
    if matches!(existing.status, OutcomeStatus::Accepted | OutcomeStatus::Rejected) && !by.role.is_admin() {
        return Err(AppError::Conflict("debates.outcome_decided".into()));
    }
    let valid = update.outcome.validate(db, &event).await?;
    let mut model = valid.apply(Default::default());
    // Saturating: a made-up i32::MAX matches no stored version, so it is refused as stale.
    model.version = Set(update.version.saturating_add(1));
    let txn = crate::db::begin_write(db).await?;
    // Version test and write in one statement: of two concurrent saves, one wins, one gets 409.
    let result = outcome::Entity::update_many()
        .set(model)
        .filter(outcome::Column::Id.eq(id))
        .filter(outcome::Column::Version.eq(update.version))
        .exec(&txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::Conflict("debates.outcome_stale".into()));
    }
    let updated = get(&txn, event_id, id).await?;
    audit::record(&txn, who, "outcome", id, "update", Changes::diff(&existing, &updated)).await?;
    txn.commit().await?;
    Ok(updated)
}

/// An event's outcomes in the order they were recorded.
pub async fn list(db: &DatabaseConnection, event_id: i32, paging: PageQuery) -> AppResult<Paged<Outcome>> {
    events::get(db, event_id).await?;
    super::fetch_page(db, recorded(event_id), paging).await
}

fn recorded(event_id: i32) -> sea_orm::Select<outcome::Entity> {
    outcome::Entity::find()
        .filter(outcome::Column::EventId.eq(event_id))
        .order_by_asc(outcome::Column::Id)
}

/// The section an overview group is about.
#[derive(Clone, Debug, Serialize)]
pub struct SectionRef {
    pub id: i32,
    pub position: i32,
    pub heading: String,
}

/// The outcomes about one section (or about none), oldest first.
#[derive(Clone, Debug, Serialize)]
pub struct SectionGroup {
    pub section: Option<SectionRef>,
    pub outcomes: Vec<Outcome>,
}

#[derive(Clone, Debug, Serialize)]
pub struct KindCount {
    pub kind: OutcomeKind,
    pub count: usize,
}

/// An event's outcomes by report section (in the report's order) and counted by kind.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Overview {
    pub total: usize,
    pub by_section: Vec<SectionGroup>,
    /// Only the kinds that occur, in the vocabulary's order.
    pub by_kind: Vec<KindCount>,
}

pub async fn overview(db: &DatabaseConnection, event_id: i32) -> AppResult<Overview> {
    let outcomes: Vec<Outcome> = recorded(event_id)
        .all(db)
        .await?
        .into_iter()
        .map(Outcome::from)
        .collect();
    let section_ids: Vec<i32> = outcomes.iter().filter_map(|o| o.section_id).collect();
    // Most event pages have no outcome placed in a section: no statement for an empty `IN ()`.
    let placed = if section_ids.is_empty() {
        Vec::new()
    } else {
        report_section::Entity::find()
            .filter(report_section::Column::Id.is_in(section_ids))
            .order_by_asc(report_section::Column::Position)
            .order_by_asc(report_section::Column::Id)
            .all(db)
            .await?
    };
    let sections: Vec<SectionRef> = placed
        .into_iter()
        .map(|s| SectionRef {
            id: s.id,
            position: s.position,
            heading: s.heading,
        })
        .collect();
    let mut by_section: Vec<SectionGroup> = sections
        .into_iter()
        .map(|section| SectionGroup {
            outcomes: outcomes
                .iter()
                .filter(|o| o.section_id == Some(section.id))
                .cloned()
                .collect(),
            section: Some(section),
        })
        .collect();
    let unplaced: Vec<Outcome> = outcomes.iter().filter(|o| o.section_id.is_none()).cloned().collect();
    if !unplaced.is_empty() {
        by_section.push(SectionGroup {
            section: None,
            outcomes: unplaced,
        });
    }
    let by_kind = OutcomeKind::ALL
        .iter()
        .map(|&kind| KindCount {
            kind,
            count: outcomes.iter().filter(|o| o.kind == kind).count(),
        })
        .filter(|k| k.count > 0)
        .collect();
    Ok(Overview {
        total: outcomes.len(),
        by_section,
        by_kind,
    })
}
