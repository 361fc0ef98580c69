//! Reports, title and language only until sections and versions arrive.

use chrono::Utc;
use entity::report;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::Serialize;

use crate::error::AppResult;

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
