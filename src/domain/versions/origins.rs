//! Where outcomes came from: each event's title, date, place and region, read in two queries.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{event, venue};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::error::AppResult;

#[derive(Clone, Debug, Default)]
pub struct Origin {
    pub title: String,
    pub starts_at: DateTime<Utc>,
    /// The IANA zone the event was entered in, for showing its local date.
    pub timezone: String,
    pub venue: String,
    pub region: String,
}

impl Origin {
    /// The event's local date, `dd/mm/yyyy`.
    pub fn local_date(&self) -> String {
        let tz: chrono_tz::Tz = self.timezone.parse().unwrap_or(chrono_tz::Africa::Bamako);
        self.starts_at.with_timezone(&tz).format("%d/%m/%Y").to_string()
    }
}

/// The origin of each of these events, by event id.
pub async fn of_events<C: ConnectionTrait>(
    db: &C,
    event_ids: impl IntoIterator<Item = i32>,
) -> AppResult<HashMap<i32, Origin>> {
    let mut ids: Vec<i32> = event_ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let events = event::Entity::find()
        .filter(event::Column::Id.is_in(ids))
        .all(db)
        .await?;
    Ok(with_places(db, events)
        .await?
        .into_iter()
        .map(|(event, origin)| (event.id, origin))
        .collect())
}

/// Events with their origin, in the order given.
pub async fn with_places<C: ConnectionTrait>(
    db: &C,
    events: Vec<event::Model>,
) -> AppResult<Vec<(event::Model, Origin)>> {
    let venue_ids: Vec<i32> = events.iter().filter_map(|e| e.venue_id).collect();
    let venues: HashMap<i32, venue::Model> = if venue_ids.is_empty() {
        HashMap::new()
    } else {
        venue::Entity::find()
            .filter(venue::Column::Id.is_in(venue_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|v| (v.id, v))
            .collect()
    };
    Ok(events
        .into_iter()
        .map(|e| {
            let place = e.venue_id.and_then(|id| venues.get(&id));
            let origin = Origin {
                title: e.title.clone(),
                starts_at: e.starts_at,
                timezone: e.timezone.clone(),
                venue: place.map(|v| v.name.clone()).unwrap_or_default(),
                region: place.map(|v| v.region.clone()).unwrap_or_default(),
            };
            (e, origin)
        })
        .collect())
}
