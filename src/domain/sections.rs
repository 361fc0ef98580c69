//! The ordered sections of a report.

use chrono::{DateTime, Utc};
use entity::outcome;
use entity::{report, report_section};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};

use crate::domain::audit::{self, Changes, Who};
use crate::domain::paging::{PageQuery, Paged};
use crate::domain::text;
use crate::domain::vocab::SectionKind;
use crate::error::{AppError, AppResult, FieldErrors};

/// A section as shown and as returned by the API; `version` grows on every save.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Section {
    pub id: i32,
    pub report_id: i32,
    pub position: i32,
    pub heading: String,
    pub body: String,
    pub kind: SectionKind,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<report_section::Model> for Section {
    fn from(m: report_section::Model) -> Self {
        Section {
            id: m.id,
            report_id: m.report_id,
            position: m.position,
            kind: SectionKind::parse(&m.kind).unwrap_or(SectionKind::Context),
            heading: m.heading,
            body: m.body,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A new section: heading, Markdown body and kind (`context`, `finding`, `recommendation`).
/// Missing fields read as empty so that the validation names them (`sections[2].heading`).
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewSection {
    #[schema(required = true, min_length = 1, pattern = r"\S")]
    pub heading: String,
    pub body: String,
    #[schema(required = true, value_type = crate::domain::vocab::SectionKind)]
    pub kind: String,
}

/// A section that passed validation, ready to be appended.
pub(crate) struct ValidSection {
    heading: String,
    body: String,
    kind: SectionKind,
}

impl NewSection {
    /// Checks the fields; errors are named `{prefix}heading`, e.g. `sections[2].heading`.
    pub(crate) fn validate(&self, prefix: &str, errors: &mut FieldErrors) -> ValidSection {
        let kind = crate::domain::debates::choice(&self.kind, SectionKind::parse, &format!("{prefix}kind"), errors);
        ValidSection {
            heading: text::required(&self.heading, &format!("{prefix}heading"), 300, errors),
            body: text::optional(&self.body, &format!("{prefix}body"), 200_000, errors),
            kind: kind.unwrap_or(SectionKind::Context),
        }
    }
}

/// The sections of a report, in reading order.
pub async fn list<C: ConnectionTrait>(db: &C, report_id: i32) -> AppResult<Vec<Section>> {
    Ok(ordered(report_id)
        .all(db)
        .await?
        .into_iter()
        .map(Section::from)
        .collect())
}

/// The sections of a report a page at a time (404 when the report does not exist).
pub async fn page(db: &DatabaseConnection, report_id: i32, paging: PageQuery) -> AppResult<Paged<Section>> {
    ensure_report(db, report_id).await?;
    crate::domain::debates::fetch_page(db, ordered(report_id), paging).await
}

async fn ensure_report<C: ConnectionTrait>(db: &C, report_id: i32) -> AppResult<()> {
    match report::Entity::find_by_id(report_id).one(db).await? {
        Some(_) => Ok(()),
        None => Err(AppError::NotFound),
    }
}

fn ordered(report_id: i32) -> sea_orm::Select<report_section::Entity> {
    report_section::Entity::find()
        .filter(report_section::Column::ReportId.eq(report_id))
        .order_by_asc(report_section::Column::Position)
        .order_by_asc(report_section::Column::Id)
}

pub async fn get<C: ConnectionTrait>(db: &C, id: i32) -> AppResult<Section> {
    report_section::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(Section::from)
        .ok_or(AppError::NotFound)
}

/// Appends a section at the end of a report (404 when the report does not exist).
pub async fn create(db: &DatabaseConnection, report_id: i32, input: &NewSection, who: &Who) -> AppResult<Section> {
    let mut errors = FieldErrors::new();
    let valid = input.validate("", &mut errors);
    errors.into_result(())?;
    // The position is read and used under the write lock, so two appends never share one.
    let txn = crate::db::begin_write(db).await?;
    ensure_report(&txn, report_id).await?;
    let section = append(&txn, report_id, valid).await?;
    audit::record(&txn, who, "section", section.id, "create", Changes::created(&section)).await?;
    txn.commit().await?;
    Ok(section)
}

/// Inserts a validated section after the report's last one.
pub(crate) async fn append<C: ConnectionTrait>(db: &C, report_id: i32, valid: ValidSection) -> AppResult<Section> {
    let last: Option<i32> = report_section::Entity::find()
        .select_only()
        .column_as(report_section::Column::Position.max(), "last")
        .filter(report_section::Column::ReportId.eq(report_id))
        .into_tuple::<Option<i32>>()
        .one(db)
        .await?
        .flatten();
    let now = Utc::now();
    let model = report_section::ActiveModel {
        report_id: Set(report_id),
        position: Set(last.map_or(1, |p| p + 1)),
        heading: Set(valid.heading),
        body: Set(valid.body),
        kind: Set(valid.kind.slug().into()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(model.into())
}

/// Replaces a section's body if it is still at `expected_version`, inside the caller's transaction;
/// 409 (`sections.stale`) when someone saved in between, so no edit is ever silently overwritten.
/// The check and the write are one conditional UPDATE, so two concurrent saves cannot both pass.
pub async fn save_body<C: ConnectionTrait>(
    db: &C,
    section_id: i32,
    expected_version: i32,
    body: &str,
) -> AppResult<Section> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    let updated = report_section::Entity::update_many()
        .col_expr(report_section::Column::Body, Expr::value(body.to_string()))
        .col_expr(
            report_section::Column::Version,
            Expr::col(report_section::Column::Version).add(1),
        )
        .col_expr(report_section::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(report_section::Column::Id.eq(section_id))
        .filter(report_section::Column::Version.eq(expected_version))
        .exec(db)
        .await?;
    if updated.rows_affected == 0 {
        // Missing (404) or moved on (409).
        get(db, section_id).await?;
        return Err(AppError::Conflict("sections.stale".into()));
    }
    get(db, section_id).await
}

/// A full edit of a section; `version` is the one the editor started from.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
pub struct SectionUpdate {
    #[serde(flatten)]
    pub section: NewSection,
    pub version: i32,
}

/// The outcome of a save: written, or refused because someone saved in between.
pub enum Saved {
    Done(Section),
    Stale(Box<StaleEdit>),
}

/// Both texts of a refused save, so the editor can merge them by hand and nothing is lost.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct StaleEdit {
    /// The section as stored now.
    pub current: Section,
    /// What the refused save carried.
    pub yours: NewSection,
    /// The version the refused save started from.
    pub your_version: i32,
}

/// A section of this report (404 for a section of another one).
pub async fn get_in<C: ConnectionTrait>(db: &C, report_id: i32, id: i32) -> AppResult<Section> {
    let section = get(db, id).await?;
    if section.report_id != report_id {
        return Err(AppError::NotFound);
    }
    Ok(section)
}

/// Replaces heading, body and kind if the section is still at the version the editor started from.
pub async fn update(
    db: &DatabaseConnection,
    report_id: i32,
    id: i32,
    update: &SectionUpdate,
    who: &Who,
) -> AppResult<Saved> {
    let txn = crate::db::begin_write(db).await?;
    let before = get_in(&txn, report_id, id).await?;
    let mut errors = FieldErrors::new();
    let valid = update.section.validate("", &mut errors);
    errors.into_result(())?;
    let model = report_section::ActiveModel {
        heading: Set(valid.heading),
        body: Set(valid.body),
        kind: Set(valid.kind.slug().into()),
        // Saturating: a made-up i32::MAX matches no stored version, so it is refused as stale.
        version: Set(update.version.saturating_add(1)),
        updated_at: Set(Utc::now()),
        ..Default::default()
    };
    // Version test and write in one statement: of two concurrent saves, one wins, one gets 409.
    let result = report_section::Entity::update_many()
        .set(model)
        .filter(report_section::Column::Id.eq(id))
        .filter(report_section::Column::Version.eq(update.version))
        .exec(&txn)
        .await?;
    let current = get(&txn, id).await?;
    if result.rows_affected > 0 {
        audit::record(&txn, who, "section", id, "update", Changes::diff(&before, &current)).await?;
    }
    txn.commit().await?;
    if result.rows_affected == 0 {
        return Ok(Saved::Stale(Box::new(StaleEdit {
            current,
            yours: update.section.clone(),
            your_version: update.version,
        })));
    }
    Ok(Saved::Done(current))
}

/// Which way a section moves in the reading order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

/// Swaps a section with its neighbour; at either end nothing changes.
pub async fn shift(db: &DatabaseConnection, report_id: i32, id: i32, direction: Direction, who: &Who) -> AppResult<()> {
    let txn = crate::db::begin_write(db).await?;
    let sections = list(&txn, report_id).await?;
    let Some(at) = sections.iter().position(|s| s.id == id) else {
        return Err(AppError::NotFound);
    };
    let other = match direction {
        Direction::Up => at.checked_sub(1),
        Direction::Down => Some(at + 1).filter(|&i| i < sections.len()),
    };
    if let Some(other) = other {
        // Positions may have gaps or ties (deletions, old rows): renumber the whole order once.
        let mut order: Vec<i32> = sections.iter().map(|s| s.id).collect();
        order.swap(at, other);
        for (index, section_id) in order.into_iter().enumerate() {
            let position = i32::try_from(index).unwrap_or(i32::MAX - 1) + 1;
            report_section::Entity::update_many()
                .col_expr(
                    report_section::Column::Position,
                    sea_orm::sea_query::Expr::value(position),
                )
                .filter(report_section::Column::Id.eq(section_id))
                .exec(&txn)
                .await?;
        }
        let after = if direction == Direction::Up { at - 1 } else { at + 1 };
        let changes = Changes::new().set("position", at + 1, after + 1);
        audit::record(&txn, who, "section", id, "move", changes).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Removes a section no outcome refers to; 409 (`sections.has_outcomes`) otherwise, since the
/// debates that aimed at it must stay traceable. Published versions keep their frozen copy.
pub async fn delete(db: &DatabaseConnection, report_id: i32, id: i32, who: &Who) -> AppResult<()> {
    let txn = crate::db::begin_write(db).await?;
    let before = get_in(&txn, report_id, id).await?;
    let referenced = outcome::Entity::find()
        .filter(outcome::Column::SectionId.eq(id))
        .count(&txn)
        .await?;
    if referenced > 0 {
        return Err(AppError::Conflict("sections.has_outcomes".into()));
    }
    report_section::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(&txn, who, "section", id, "delete", Changes::deleted(&before)).await?;
    txn.commit().await?;
    Ok(())
}
