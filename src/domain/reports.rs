//! Reports: title, language and their ordered sections; created in one step or imported from JSON.

use chrono::Utc;
use entity::report;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};

use crate::domain::paging::{PageQuery, Paged};
use crate::domain::sections::{self, NewSection, Section};
use crate::domain::text;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::i18n::Lang;

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Report {
    pub id: i32,
    pub title: String,
    pub language: String,
}

impl From<report::Model> for Report {
    fn from(m: report::Model) -> Self {
        Report {
            id: m.id,
            title: m.title,
            language: m.language,
        }
    }
}

pub async fn list(db: &DatabaseConnection) -> AppResult<Vec<Report>> {
    Ok(report::Entity::find()
        .order_by_asc(report::Column::Title)
        .all(db)
        .await?
        .into_iter()
        .map(Report::from)
        .collect())
}

/// The report with this title, created if it does not exist yet.
pub async fn find_or_create(db: &DatabaseConnection, title: &str, language: &str) -> AppResult<Report> {
    if let Some(existing) = report::Entity::find()
        .filter(report::Column::Title.eq(title))
        .one(db)
        .await?
    {
        return Ok(existing.into());
    }
    let now = Utc::now();
    let model = report::ActiveModel {
        title: Set(title.to_string()),
        language: Set(language.to_string()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(model.into())
}

/// A report with its sections in reading order.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ReportDetail {
    #[serde(flatten)]
    pub report: Report,
    pub sections: Vec<Section>,
}

/// A new report, optionally with its first sections (kept in the order given); also the shape of
/// an imported JSON file. Missing fields read as empty so that the validation names them.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewReport {
    #[schema(required = true, min_length = 1, pattern = r"\S")]
    pub title: String,
    /// `fr` or `en`; French when empty.
    pub language: String,
    pub sections: Vec<NewSection>,
}

/// Reports by title, a page at a time.
pub async fn page(db: &DatabaseConnection, paging: PageQuery) -> AppResult<Paged<Report>> {
    let select = report::Entity::find()
        .order_by_asc(report::Column::Title)
        .order_by_asc(report::Column::Id);
    crate::domain::debates::fetch_page(db, select, paging).await
}

pub async fn get<C: ConnectionTrait>(db: &C, id: i32) -> AppResult<Report> {
    report::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(Report::from)
        .ok_or(AppError::NotFound)
}

pub async fn detail(db: &DatabaseConnection, id: i32) -> AppResult<ReportDetail> {
    let report = get(db, id).await?;
    let sections = sections::list(db, id).await?;
    Ok(ReportDetail { report, sections })
}

/// Creates a report and its sections together: one bad section stores nothing.
pub async fn create(
    db: &DatabaseConnection,
    input: &NewReport,
    who: &crate::domain::audit::Who,
) -> AppResult<ReportDetail> {
    let mut errors = FieldErrors::new();
    let title = text::required(&input.title, "title", 300, &mut errors);
    let language = if input.language.trim().is_empty() {
        Lang::Fr
    } else {
        Lang::parse(&input.language).unwrap_or_else(|| {
            errors.add("language", "validation.choice");
            Lang::Fr
        })
    };
    let valid: Vec<_> = input
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| s.validate(&format!("sections[{i}]."), &mut errors))
        .collect();
    errors.into_result(())?;
    let txn = crate::db::begin_write(db).await?;
    let now = Utc::now();
    let model = report::ActiveModel {
        title: Set(title),
        language: Set(language.code().to_string()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut sections = Vec::with_capacity(valid.len());
    for section in valid {
        sections.push(sections::append(&txn, model.id, section).await?);
    }
    let changes = crate::domain::audit::Changes::new()
        .set("title", serde_json::Value::Null, &model.title)
        .set("language", serde_json::Value::Null, &model.language)
        .note("sections", sections.len());
    crate::domain::audit::record(&txn, who, "report", model.id, "create", changes).await?;
    txn.commit().await?;
    Ok(ReportDetail {
        report: model.into(),
        sections,
    })
}

/// Reads an uploaded JSON file shaped like a new report; a value of the wrong type is named by its
/// path (`sections[2].heading`), a file that is no JSON at all on `file`.
pub fn parse_import(bytes: &[u8]) -> AppResult<NewReport> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        let mut errors = FieldErrors::new();
        if inner.is_syntax() || inner.is_eof() || path == "." {
            errors.add("file", "reports.import_unreadable");
        } else {
            errors.add(&path, "reports.import_wrong_type");
        }
        AppError::Validation(errors)
    })
}
