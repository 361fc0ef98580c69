//! Who was at an event: check-in marks, walk-ins, headcounts and paper sheets.

pub mod campaign;
pub mod feed;
pub mod paper;
pub mod record;
pub mod roster;
pub mod stats;
pub mod suppress;

use chrono::{DateTime, Utc};
use entity::attendance;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::domain::events::{self, Event};
use crate::domain::paging::{PageQuery, Paged};
use crate::domain::venues::{self, Venue};
use crate::domain::vocab::{ActorCategory, AgeGroup, CheckinMethod, EventStatus, Gender};
use crate::error::{AppError, AppResult};

/// One presence as stored: a guest, a walk-in, or a headcount cell standing for several people.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Attendance {
    pub id: i32,
    pub event_id: i32,
    pub invitation_id: Option<i32>,
    pub full_name: String,
    pub organization: String,
    pub gender: Gender,
    pub age_group: AgeGroup,
    pub category: ActorCategory,
    pub region: String,
    pub people: i32,
    pub method: CheckinMethod,
    pub recorded_at: DateTime<Utc>,
}

impl From<attendance::Model> for Attendance {
    fn from(m: attendance::Model) -> Self {
        Attendance {
            id: m.id,
            event_id: m.event_id,
            invitation_id: m.invitation_id,
            full_name: m.full_name,
            organization: m.organization,
            gender: Gender::parse(&m.gender).unwrap_or(Gender::Unspecified),
            age_group: AgeGroup::parse(&m.age_group).unwrap_or(AgeGroup::Unspecified),
            category: ActorCategory::parse(&m.category).unwrap_or(ActorCategory::Other),
            region: m.region,
            people: m.people,
            method: CheckinMethod::parse(&m.method).unwrap_or(CheckinMethod::List),
            recorded_at: m.recorded_at,
        }
    }
}

/// The event, if people may be checked in to it: scheduled, or completed (paper sheets typed in afterwards).
pub async fn open_event(db: &DatabaseConnection, event_id: i32) -> AppResult<Event> {
    let event = events::get(db, event_id).await?;
    if !matches!(event.status, EventStatus::Scheduled | EventStatus::Completed) {
        return Err(AppError::Conflict("checkin.not_open".into()));
    }
    Ok(event)
}

/// An event open for check-in with its venue: the door pages show the place and default to its region.
pub async fn open_event_at_venue(db: &DatabaseConnection, event_id: i32) -> AppResult<(Event, Option<Venue>)> {
    let event = open_event(db, event_id).await?;
    let venue = match event.venue_id {
        Some(v) => Some(venues::get(db, v).await?),
        None => None,
    };
    Ok((event, venue))
}

/// Everyone recorded at an event, latest first.
pub async fn list(db: &DatabaseConnection, event_id: i32, paging: PageQuery) -> AppResult<Paged<Attendance>> {
    events::get(db, event_id).await?;
    let query = attendance::Entity::find()
        .filter(attendance::Column::EventId.eq(event_id))
        .order_by_desc(attendance::Column::RecordedAt)
        .order_by_desc(attendance::Column::Id);
    crate::domain::paging::fetch_page(db, query, paging).await
}

/// The number of people present (headcount cells count for their size).
pub async fn present_count<C: ConnectionTrait>(db: &C, event_id: i32) -> AppResult<i64> {
    use sea_orm::QuerySelect;
    let total: Option<Option<i64>> = attendance::Entity::find()
        .select_only()
        .column_as(attendance::Column::People.sum(), "total")
        .filter(attendance::Column::EventId.eq(event_id))
        .into_tuple()
        .one(db)
        .await?;
    Ok(total.flatten().unwrap_or(0))
}

/// Invitation id → attendance id, for the guests of an event who are marked present.
pub async fn present_guests(db: &DatabaseConnection, event_id: i32) -> AppResult<std::collections::HashMap<i32, i32>> {
    use sea_orm::QuerySelect;
    let rows: Vec<(Option<i32>, i32)> = attendance::Entity::find()
        .select_only()
        .column(attendance::Column::InvitationId)
        .column(attendance::Column::Id)
        .filter(attendance::Column::EventId.eq(event_id))
        .filter(attendance::Column::InvitationId.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(inv, id)| inv.map(|inv| (inv, id)))
        .collect())
}

/// The walk-ins and headcount cells of an event, latest first, for the check-in page's undo list.
pub async fn walk_ins(db: &DatabaseConnection, event_id: i32, limit: u64) -> AppResult<Vec<Attendance>> {
    use sea_orm::QuerySelect;
    Ok(attendance::Entity::find()
        .filter(attendance::Column::EventId.eq(event_id))
        .filter(attendance::Column::InvitationId.is_null())
        .order_by_desc(attendance::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(Attendance::from)
        .collect())
}
