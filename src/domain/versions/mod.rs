//! Published report versions: freezing, comparing word by word, exporting.

pub mod annex;
pub mod diff;
pub mod export;
pub mod frozen;
pub mod origins;
pub mod runs;

use chrono::{DateTime, Utc};
use entity::{event, outcome, report_version, section_version};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::{Deserialize, Serialize};

use crate::domain::sections;
use crate::domain::text;
use crate::domain::vocab::{OutcomeStatus, SectionKind};
use crate::error::{AppError, AppResult, FieldErrors};

/// A published version without its sections, for lists.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct VersionInfo {
    /// The row id, for what is stored with the version (not part of the API).
    #[serde(skip)]
    pub id: i32,
    pub report_id: i32,
    pub number: i32,
    pub label: String,
    pub published_by: Option<i32>,
    pub published_at: DateTime<Utc>,
}

impl VersionInfo {
    /// "Version 2 — Rapport final"; a label that already says "Version…" stands alone, so
    /// "Version 2 — Version 2 validée" cannot happen. `word` is the catalog's "Version".
    pub fn title(&self, word: &str) -> String {
        let label = self.label.trim();
        let folded = crate::domain::text::fold(label);
        if label.is_empty() {
            format!("{word} {}", self.number)
        } else if folded.starts_with(&crate::domain::text::fold(word)) || folded.starts_with("version") {
            label.to_string()
        } else {
            format!("{word} {} — {label}", self.number)
        }
    }
}

impl From<report_version::Model> for VersionInfo {
    fn from(m: report_version::Model) -> Self {
        VersionInfo {
            id: m.id,
            report_id: m.report_id,
            number: m.number,
            label: m.label,
            published_by: m.published_by,
            published_at: m.published_at,
        }
    }
}

/// A section as it stood in a published version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FrozenSection {
    /// The live section it was frozen from.
    pub section_id: i32,
    pub position: i32,
    pub heading: String,
    pub body: String,
    pub kind: SectionKind,
}

impl From<section_version::Model> for FrozenSection {
    fn from(m: section_version::Model) -> Self {
        FrozenSection {
            section_id: m.section_id,
            position: m.position,
            heading: m.heading,
            body: m.body,
            kind: SectionKind::parse(&m.kind).unwrap_or(SectionKind::Context),
        }
    }
}

impl From<sections::Section> for FrozenSection {
    fn from(s: sections::Section) -> Self {
        FrozenSection {
            section_id: s.id,
            position: s.position,
            heading: s.heading,
            body: s.body,
            kind: s.kind,
        }
    }
}

/// A published version with every section as frozen, in reading order.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Version {
    #[serde(flatten)]
    pub info: VersionInfo,
    pub sections: Vec<FrozenSection>,
}

/// `{"label": "Rapport final"}`.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewVersion {
    #[schema(required = true, min_length = 1, pattern = r"\S")]
    pub label: String,
}

/// Freezes every section as version N+1 and makes the decisions taken since final, in one write
/// transaction: the unique (report, number) index turns a concurrent publication into a 409.
pub async fn publish(
    db: &DatabaseConnection,
    report_id: i32,
    label: &str,
    by: Option<i32>,
    who: &crate::domain::audit::Who,
) -> AppResult<Version> {
    let mut errors = FieldErrors::new();
    let label = text::required(label, "label", 200, &mut errors);
    errors.into_result(())?;
    let txn = crate::db::begin_write(db).await?;
    crate::domain::reports::get(&txn, report_id).await?;
    let number = last_number(&txn, report_id).await? + 1;
    let version = report_version::ActiveModel {
        report_id: Set(report_id),
        number: Set(number),
        label: Set(label),
        published_by: Set(by),
        published_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|err| match err.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => AppError::Conflict("versions.race".into()),
        _ => AppError::Database(err),
    })?;
    let frozen: Vec<FrozenSection> = sections::list(&txn, report_id)
        .await?
        .into_iter()
        .map(FrozenSection::from)
        .collect();
    if !frozen.is_empty() {
        let rows = frozen.iter().map(|s| section_version::ActiveModel {
            version_id: Set(version.id),
            section_id: Set(s.section_id),
            position: Set(s.position),
            heading: Set(s.heading.clone()),
            body: Set(s.body.clone()),
            kind: Set(s.kind.slug().into()),
            ..Default::default()
        });
        section_version::Entity::insert_many(rows).exec(&txn).await?;
    }
    stamp_decisions(&txn, report_id, number).await?;
    // The annex of this version will show these figures forever, whatever is checked in later.
    let workshops = annex::workshop_events(&txn, report_id, version.published_at).await?;
    let ids: Vec<i32> = workshops.iter().map(|e| e.id).collect();
    frozen::freeze(&txn, version.id, &ids).await?;
    let changes = crate::domain::audit::Changes::new()
        .note("number", number)
        .note("label", &version.label)
        .note("sections", frozen.len());
    crate::domain::audit::record(&txn, who, "report", report_id, "publish", changes).await?;
    txn.commit().await?;
    Ok(Version {
        info: version.into(),
        sections: frozen,
    })
}

/// Accepted and rejected outcomes not yet taken into a version now belong to this one.
async fn stamp_decisions<C: ConnectionTrait>(db: &C, report_id: i32, number: i32) -> AppResult<()> {
    let events = report_events(db, report_id).await?;
    outcome::Entity::update_many()
        .col_expr(outcome::Column::ReportVersion, Expr::value(number))
        .filter(outcome::Column::EventId.is_in(events))
        .filter(outcome::Column::Status.is_in([OutcomeStatus::Accepted.slug(), OutcomeStatus::Rejected.slug()]))
        .filter(outcome::Column::ReportVersion.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// The ids of the events that disseminate or launch a report.
pub(crate) async fn report_events<C: ConnectionTrait>(db: &C, report_id: i32) -> AppResult<Vec<i32>> {
    Ok(event::Entity::find()
        .select_only()
        .column(event::Column::Id)
        .filter(event::Column::ReportId.eq(report_id))
        .into_tuple()
        .all(db)
        .await?)
}

/// The number of the latest published version, 0 before the first.
pub async fn last_number<C: ConnectionTrait>(db: &C, report_id: i32) -> AppResult<i32> {
    Ok(report_version::Entity::find()
        .select_only()
        .column_as(report_version::Column::Number.max(), "last")
        .filter(report_version::Column::ReportId.eq(report_id))
        .into_tuple::<Option<i32>>()
        .one(db)
        .await?
        .flatten()
        .unwrap_or(0))
}

/// The versions of a report, latest first (404 when the report does not exist).
pub async fn list<C: ConnectionTrait>(db: &C, report_id: i32) -> AppResult<Vec<VersionInfo>> {
    crate::domain::reports::get(db, report_id).await?;
    Ok(report_version::Entity::find()
        .filter(report_version::Column::ReportId.eq(report_id))
        .order_by_desc(report_version::Column::Number)
        .all(db)
        .await?
        .into_iter()
        .map(VersionInfo::from)
        .collect())
}

/// Version `number` of a report with its frozen sections.
pub async fn get<C: ConnectionTrait>(db: &C, report_id: i32, number: i32) -> AppResult<Version> {
    let version = report_version::Entity::find()
        .filter(report_version::Column::ReportId.eq(report_id))
        .filter(report_version::Column::Number.eq(number))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let sections = section_version::Entity::find()
        .filter(section_version::Column::VersionId.eq(version.id))
        .order_by_asc(section_version::Column::Position)
        .order_by_asc(section_version::Column::SectionId)
        .all(db)
        .await?
        .into_iter()
        .map(FrozenSection::from)
        .collect();
    Ok(Version {
        info: version.into(),
        sections,
    })
}
