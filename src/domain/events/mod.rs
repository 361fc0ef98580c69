//! Events: what, where, when (entered in a time zone, stored in UTC), and their life cycle.

pub mod calendar_entry;
pub mod listing;
pub mod moves;
mod time_input;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use entity::{event, report, venue};
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, Set};
use serde::{Deserialize, Serialize};

use crate::domain::audit::{self, Changes, Who};
use crate::domain::vocab::{EventKind, EventStatus};
use crate::domain::{invitations, text};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::i18n::Lang;
use crate::mail::MailContext;
use crate::mail::compose::MailKind;

pub use time_input::{parse_instant, plausible_year};

pub const DEFAULT_TIMEZONE: &str = "Africa/Bamako";

/// An event as shown and as returned by the API.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Event {
    pub id: i32,
    pub kind: EventKind,
    pub title: String,
    pub description: String,
    pub report_id: Option<i32>,
    pub venue_id: Option<i32>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub timezone: String,
    pub language: Lang,
    pub capacity: Option<i32>,
    pub women_target_percent: Option<i32>,
    pub status: EventStatus,
    pub uid: String,
    pub sequence: i32,
    /// The SEQUENCE of the last update that moved the event in time or town (0: never moved);
    /// answers given to an earlier one wait to be reconfirmed.
    pub moved_sequence: i32,
    /// The start before that move.
    pub moved_from_starts_at: Option<DateTime<Utc>>,
    /// The place before that move, as calendars showed it.
    pub moved_from_place: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<event::Model> for Event {
    fn from(m: event::Model) -> Self {
        Event {
            id: m.id,
            kind: EventKind::parse(&m.kind).unwrap_or(EventKind::Other),
            status: EventStatus::parse(&m.status).unwrap_or(EventStatus::Draft),
            language: Lang::parse(&m.language).unwrap_or_default(),
            title: m.title,
            description: m.description,
            report_id: m.report_id,
            venue_id: m.venue_id,
            starts_at: m.starts_at,
            ends_at: m.ends_at,
            timezone: m.timezone,
            capacity: m.capacity,
            women_target_percent: m.women_target_percent,
            uid: m.uid,
            sequence: m.sequence,
            moved_sequence: m.moved_sequence,
            moved_from_starts_at: m.moved_from_starts_at,
            moved_from_place: m.moved_from_place,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

impl Event {
    pub fn tz(&self) -> Tz {
        self.timezone.parse().unwrap_or(chrono_tz::Africa::Bamako)
    }

    /// Start in the event's own zone, as the organizer entered it.
    pub fn local_start(&self) -> DateTime<Tz> {
        self.starts_at.with_timezone(&self.tz())
    }

    pub fn local_end(&self) -> DateTime<Tz> {
        self.ends_at.with_timezone(&self.tz())
    }

    pub fn is_upcoming(&self) -> bool {
        self.ends_at >= Utc::now()
    }
}

/// An event's fields as sent by the API or built from the form; times are RFC 3339 instants,
/// or local date-times (`2026-12-10T09:00`) read in `timezone`.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct EventInput {
    #[schema(required = true, value_type = crate::domain::vocab::EventKind)]
    pub kind: String,
    #[schema(required = true, min_length = 1, pattern = r"\S")]
    pub title: String,
    pub description: String,
    pub report_id: Option<i32>,
    pub venue_id: Option<i32>,
    #[schema(required = true, min_length = 1)]
    pub starts_at: String,
    #[schema(required = true, min_length = 1)]
    pub ends_at: String,
    /// IANA zone the times were entered in; `Africa/Bamako` when empty.
    pub timezone: String,
    pub language: String,
    #[schema(minimum = 1, maximum = 1_000_000)]
    pub capacity: Option<i64>,
    #[schema(minimum = 0, maximum = 100)]
    pub women_target_percent: Option<i64>,
}

struct ValidEvent {
    kind: EventKind,
    title: String,
    description: String,
    report_id: Option<i32>,
    venue_id: Option<i32>,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    timezone: String,
    language: Lang,
    capacity: Option<i32>,
    women_target_percent: Option<i32>,
}

impl EventInput {
    async fn validate(&self, db: &DatabaseConnection, mut errors: FieldErrors) -> AppResult<ValidEvent> {
        let kind = EventKind::parse(&self.kind);
        if kind.is_none() {
            errors.add(
                "kind",
                if self.kind.trim().is_empty() {
                    "validation.required"
                } else {
                    "validation.choice"
                },
            );
        }
        let title = text::required_line(&self.title, "title", 200, &mut errors);
        let description = text::optional(&self.description, "description", 10_000, &mut errors);
        let zone_name = if self.timezone.trim().is_empty() {
            DEFAULT_TIMEZONE
        } else {
            self.timezone.trim()
        };
        let tz: Option<Tz> = zone_name.parse().ok();
        if tz.is_none() {
            errors.add("timezone", "validation.timezone");
        }
        let tz = tz.unwrap_or(chrono_tz::Africa::Bamako);
        let starts_at = parse_instant(&self.starts_at, tz, "starts_at", &mut errors);
        let ends_at = parse_instant(&self.ends_at, tz, "ends_at", &mut errors);
        if let (Some(s), Some(e)) = (starts_at, ends_at)
            && e <= s
        {
            errors.add("ends_at", "validation.end_before_start");
        }
        let language = if self.language.trim().is_empty() {
            Lang::Fr
        } else {
            Lang::parse(&self.language).unwrap_or_else(|| {
                errors.add("language", "validation.choice");
                Lang::Fr
            })
        };
        let capacity = positive(self.capacity, "capacity", 1_000_000, &mut errors);
        let women_target_percent = match self.women_target_percent {
            Some(p) if !(0..=100).contains(&p) => {
                errors.add("women_target_percent", "validation.percent");
                None
            }
            other => other.map(|p| p as i32),
        };
        if let Some(id) = self.venue_id
            && venue::Entity::find_by_id(id).one(db).await?.is_none()
        {
            errors.add("venue_id", "validation.unknown_venue");
        }
        if let Some(id) = self.report_id
            && report::Entity::find_by_id(id).one(db).await?.is_none()
        {
            errors.add("report_id", "validation.unknown_report");
        }
        errors.into_result(())?;
        Ok(ValidEvent {
            kind: kind.unwrap_or(EventKind::Other),
            title,
            description,
            report_id: self.report_id,
            venue_id: self.venue_id,
            starts_at: starts_at.unwrap_or_default(),
            ends_at: ends_at.unwrap_or_default(),
            timezone: tz.name().to_string(),
            language,
            capacity,
            women_target_percent,
        })
    }
}

fn positive(value: Option<i64>, field: &str, max: i64, errors: &mut FieldErrors) -> Option<i32> {
    match value {
        Some(v) if v <= 0 || v > max => {
            errors.add(field, "validation.positive_number");
            None
        }
        other => other.map(|v| v as i32),
    }
}

impl ValidEvent {
    fn apply(self, mut model: event::ActiveModel) -> event::ActiveModel {
        model.kind = Set(self.kind.slug().into());
        model.title = Set(self.title);
        model.description = Set(self.description);
        model.report_id = Set(self.report_id);
        model.venue_id = Set(self.venue_id);
        model.starts_at = Set(self.starts_at);
        model.ends_at = Set(self.ends_at);
        model.timezone = Set(self.timezone);
        model.language = Set(self.language.code().into());
        model.capacity = Set(self.capacity);
        model.women_target_percent = Set(self.women_target_percent);
        model.updated_at = Set(Utc::now());
        model
    }
}

/// Creates a draft event with its calendar UID; `prior` carries errors found while parsing a form.
pub async fn create(db: &DatabaseConnection, input: &EventInput, prior: FieldErrors, who: &Who) -> AppResult<Event> {
    let valid = input.validate(db, prior).await?;
    let now = Utc::now();
    let model = event::ActiveModel {
        status: Set(EventStatus::Draft.slug().into()),
        uid: Set(format!("{}@toguna", uuid::Uuid::new_v4())),
        sequence: Set(0),
        created_at: Set(now),
        ..Default::default()
    };
    let txn = crate::db::begin_write(db).await?;
    let event = Event::from(valid.apply(model).insert(&txn).await?);
    audit::record(&txn, who, "event", event.id, "create", Changes::created(&event)).await?;
    txn.commit().await?;
    Ok(event)
}

pub async fn get(db: &DatabaseConnection, id: i32) -> AppResult<Event> {
    event::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(Event::from)
        .ok_or(AppError::NotFound)
}

/// Replaces the editable fields; cancelled and completed events are kept as they were.
/// Moving a scheduled event in time or place sends an update to everyone already invited.
pub async fn update(
    db: &DatabaseConnection,
    ctx: &MailContext,
    id: i32,
    input: &EventInput,
    prior: FieldErrors,
    who: &Who,
) -> AppResult<Event> {
    let existing = event::Entity::find_by_id(id).one(db).await?.ok_or(AppError::NotFound)?;
    if matches!(
        EventStatus::parse(&existing.status),
        Some(EventStatus::Cancelled | EventStatus::Completed)
    ) {
        return Err(AppError::Conflict("events.closed".into()));
    }
    let valid = input.validate(db, prior).await?;
    let significant = valid.starts_at != existing.starts_at
        || valid.ends_at != existing.ends_at
        || valid.venue_id != existing.venue_id;
    let scheduled = existing.status == EventStatus::Scheduled.slug();
    let before = existing.clone();
    let audit_before = Event::from(existing.clone());
    let (starts_at, ends_at, venue_id) = (valid.starts_at, valid.ends_at, valid.venue_id);
    let txn = crate::db::begin_write(db).await?;
    valid.apply(existing.into()).update(&txn).await?;
    if scheduled && significant {
        let old_venue = moves::venue_of(&txn, before.venue_id).await?;
        let new_venue = moves::venue_of(&txn, venue_id).await?;
        if moves::asks_again(&before, starts_at, ends_at, old_venue.as_ref(), new_venue.as_ref()) {
            // The update below raises the SEQUENCE by one: that is the one answers must reach.
            let old_place = calendar_entry::location(old_venue.as_ref());
            moves::record(&txn, &before, before.sequence + 1, old_place).await?;
        }
        invitations::notify_sent_guests(&txn, ctx, id, MailKind::Update).await?;
    }
    let updated = event::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let updated = Event::from(updated);
    audit::record(&txn, who, "event", id, "update", Changes::diff(&audit_before, &updated)).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Merges a partial update (API `PATCH`) over the stored event.
pub async fn patch(
    db: &DatabaseConnection,
    ctx: &MailContext,
    id: i32,
    patch: &EventPatch,
    who: &Who,
) -> AppResult<Event> {
    let current = get(db, id).await?;
    let input = EventInput {
        kind: patch.kind.clone().unwrap_or_else(|| current.kind.slug().into()),
        title: patch.title.clone().unwrap_or(current.title),
        description: patch.description.clone().unwrap_or(current.description),
        report_id: patch.report_id.unwrap_or(current.report_id),
        venue_id: patch.venue_id.unwrap_or(current.venue_id),
        starts_at: patch
            .starts_at
            .clone()
            .unwrap_or_else(|| current.starts_at.to_rfc3339()),
        ends_at: patch.ends_at.clone().unwrap_or_else(|| current.ends_at.to_rfc3339()),
        timezone: patch.timezone.clone().unwrap_or(current.timezone),
        language: patch.language.clone().unwrap_or_else(|| current.language.code().into()),
        capacity: patch.capacity.unwrap_or(current.capacity.map(i64::from)),
        women_target_percent: patch
            .women_target_percent
            .unwrap_or(current.women_target_percent.map(i64::from)),
    };
    update(db, ctx, id, &input, FieldErrors::new(), who).await
}

/// `PATCH` body: absent fields stay; `null` clears an optional field.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct EventPatch {
    pub kind: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    #[serde(deserialize_with = "double_option")]
    #[schema(value_type = Option<i32>)]
    pub report_id: Option<Option<i32>>,
    #[serde(deserialize_with = "double_option")]
    #[schema(value_type = Option<i32>)]
    pub venue_id: Option<Option<i32>>,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    pub timezone: Option<String>,
    pub language: Option<String>,
    #[serde(deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub capacity: Option<Option<i64>>,
    #[serde(deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub women_target_percent: Option<Option<i64>>,
}

fn double_option<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// The allowed moves of the life cycle; cancelling sends a CANCEL to everyone already invited.
pub async fn change_status(
    db: &DatabaseConnection,
    ctx: &MailContext,
    id: i32,
    to: EventStatus,
    who: &Who,
) -> AppResult<Event> {
    let existing = event::Entity::find_by_id(id).one(db).await?.ok_or(AppError::NotFound)?;
    let from = EventStatus::parse(&existing.status).unwrap_or(EventStatus::Draft);
    let allowed = matches!(
        (from, to),
        (EventStatus::Draft, EventStatus::Scheduled)
            | (EventStatus::Scheduled, EventStatus::Completed)
            | (EventStatus::Draft | EventStatus::Scheduled, EventStatus::Cancelled)
    );
    if !allowed {
        return Err(AppError::Conflict("events.bad_transition".into()));
    }
    let txn = crate::db::begin_write(db).await?;
    let mut model: event::ActiveModel = existing.into();
    model.status = Set(to.slug().into());
    model.updated_at = Set(Utc::now());
    model.update(&txn).await?;
    if to == EventStatus::Cancelled {
        invitations::notify_sent_guests(&txn, ctx, id, MailKind::Cancellation).await?;
    }
    let changed = event::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let changes = Changes::new().set("status", from.slug(), to.slug());
    audit::record(&txn, who, "event", id, "status", changes).await?;
    txn.commit().await?;
    Ok(changed.into())
}
