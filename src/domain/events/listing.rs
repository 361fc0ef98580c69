//! Finding events: upcoming and past lists with filters, a month's events, and scheduling warnings.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entity::{event, venue};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};

use crate::domain::events::Event;
use crate::domain::paging::{PageQuery, Paged};
use crate::domain::vocab::EventStatus;
use crate::domain::{guests, venues};
use crate::error::AppResult;

#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct EventFilter {
    /// An event kind slug.
    pub kind: String,
    /// The venue's region.
    pub region: String,
    pub report_id: Option<i32>,
    /// `upcoming` (default) or `past`.
    pub when: String,
}

impl EventFilter {
    pub fn past(&self) -> bool {
        self.when == "past"
    }

    fn condition(&self, venue_ids: Option<Vec<i32>>) -> Condition {
        let now = Utc::now();
        let mut cond = Condition::all();
        cond = if self.past() {
            cond.add(event::Column::EndsAt.lt(now))
        } else {
            cond.add(event::Column::EndsAt.gte(now))
        };
        if !self.kind.is_empty() {
            cond = cond.add(event::Column::Kind.eq(self.kind.as_str()));
        }
        if let Some(report) = self.report_id {
            cond = cond.add(event::Column::ReportId.eq(report));
        }
        if let Some(ids) = venue_ids {
            cond = cond.add(event::Column::VenueId.is_in(ids));
        }
        cond
    }

    pub fn query_string(&self) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in [("kind", &self.kind), ("region", &self.region), ("when", &self.when)] {
            if !value.is_empty() {
                out.append_pair(key, value);
            }
        }
        if let Some(report) = self.report_id {
            out.append_pair("report_id", &report.to_string());
        }
        out.finish()
    }
}

/// Upcoming events soonest first, past events latest first.
pub async fn list(db: &DatabaseConnection, filter: &EventFilter, paging: PageQuery) -> AppResult<Paged<Event>> {
    let venue_ids = if filter.region.is_empty() {
        None
    } else {
        Some(
            venue::Entity::find()
                .select_only()
                .column(venue::Column::Id)
                .filter(venue::Column::Region.eq(filter.region.as_str()))
                .into_tuple()
                .all(db)
                .await?,
        )
    };
    let mut query = event::Entity::find().filter(filter.condition(venue_ids));
    query = if filter.past() {
        query.order_by_desc(event::Column::StartsAt)
    } else {
        query.order_by_asc(event::Column::StartsAt)
    };
    let paginator = query.order_by_asc(event::Column::Id).paginate(db, paging.per_page());
    let total = paginator.num_items().await?;
    let items = paginator.fetch_page(paging.page() - 1).await?;
    Ok(Paged {
        items: items.into_iter().map(Event::from).collect(),
        total,
        page: paging.page(),
        per_page: paging.per_page(),
    })
}

/// Every event overlapping a calendar month (in UTC, which is Mali's time).
pub async fn in_month(db: &DatabaseConnection, first_day: NaiveDate) -> AppResult<Vec<Event>> {
    let start = first_day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let next = first_day
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(first_day);
    let end = next.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    Ok(event::Entity::find()
        .filter(event::Column::StartsAt.lt(end))
        .filter(event::Column::EndsAt.gt(start))
        .order_by_asc(event::Column::StartsAt)
        .all(db)
        .await?
        .into_iter()
        .map(Event::from)
        .collect())
}

/// The first day of the month named `YYYY-MM`, or of the current month.
pub fn month_start(raw: Option<&str>) -> NaiveDate {
    raw.and_then(|m| NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok())
        .unwrap_or_else(|| {
            let today = Utc::now().date_naive();
            today.with_day(1).unwrap_or(today)
        })
}

/// Things an organizer should know but that do not forbid saving.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Warning {
    /// `over_capacity` or `venue_overlap`.
    pub code: String,
    pub message: String,
}

pub async fn warnings(db: &DatabaseConnection, event: &Event, lang: crate::i18n::Lang) -> AppResult<Vec<Warning>> {
    let mut found = Vec::new();
    let Some(venue_id) = event.venue_id else {
        return Ok(found);
    };
    let venue = venues::get(db, venue_id).await?;
    let guests = guests::count_for_event(db, event.id).await?;
    if let Some(capacity) = venue.capacity
        && guests > capacity as u64
    {
        found.push(Warning {
            code: "over_capacity".into(),
            message: lang.tf(
                "events.warn_capacity",
                &[("guests", &guests), ("capacity", &capacity), ("venue", &venue.name)],
            ),
        });
    }
    let clashes = overlapping(db, venue_id, event.id, event.starts_at, event.ends_at).await?;
    for other in clashes {
        found.push(Warning {
            code: "venue_overlap".into(),
            message: lang.tf(
                "events.warn_overlap",
                &[("venue", &venue.name), ("title", &other.title)],
            ),
        });
    }
    Ok(found)
}

async fn overlapping(
    db: &DatabaseConnection,
    venue_id: i32,
    except: i32,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
) -> AppResult<Vec<event::Model>> {
    Ok(event::Entity::find()
        .filter(event::Column::VenueId.eq(venue_id))
        .filter(event::Column::Id.ne(except))
        .filter(event::Column::Status.ne(EventStatus::Cancelled.slug()))
        .filter(event::Column::StartsAt.lt(ends_at))
        .filter(event::Column::EndsAt.gt(starts_at))
        .all(db)
        .await?)
}

/// Events whose guest list can still change, soonest first (for "add to event" menus).
pub async fn open_for_guests(db: &DatabaseConnection) -> AppResult<Vec<Event>> {
    Ok(event::Entity::find()
        .filter(event::Column::Status.is_in([EventStatus::Draft.slug(), EventStatus::Scheduled.slug()]))
        .filter(event::Column::EndsAt.gte(Utc::now()))
        .order_by_asc(event::Column::StartsAt)
        .limit(100)
        .all(db)
        .await?
        .into_iter()
        .map(Event::from)
        .collect())
}
