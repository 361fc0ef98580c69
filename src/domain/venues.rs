//! Venues: validation and storage.

use chrono::Utc;
use entity::venue;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};

use crate::domain::audit::{self, Changes, Who};
use crate::domain::paging::{PageQuery, Paged};
use crate::domain::regions::Regions;
use crate::domain::text;
use crate::error::{AppError, AppResult, FieldErrors};

/// A venue as shown and as returned by the API.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Venue {
    pub id: i32,
    pub name: String,
    pub region: String,
    pub town: String,
    pub address: String,
    pub capacity: Option<i32>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub access_notes: String,
    pub created_at: chrono::DateTime<Utc>,
    pub updated_at: chrono::DateTime<Utc>,
}

impl From<venue::Model> for Venue {
    fn from(m: venue::Model) -> Self {
        Venue {
            id: m.id,
            name: m.name,
            region: m.region,
            town: m.town,
            address: m.address,
            capacity: m.capacity,
            latitude: m.latitude,
            longitude: m.longitude,
            access_notes: m.access_notes,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// What a venue is made of, already typed; `validate` says whether it makes sense.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct VenueInput {
    #[schema(required = true, min_length = 1, pattern = r"\S")]
    pub name: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub town: String,
    #[serde(default)]
    pub address: String,
    #[schema(minimum = 1, maximum = 1_000_000)]
    pub capacity: Option<i64>,
    /// Given together with `longitude`.
    #[schema(minimum = -90, maximum = 90)]
    pub latitude: Option<f64>,
    #[schema(minimum = -180, maximum = 180)]
    pub longitude: Option<f64>,
    #[serde(default)]
    pub access_notes: String,
}

struct ValidVenue {
    name: String,
    region: String,
    town: String,
    address: String,
    capacity: Option<i32>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    access_notes: String,
}

impl VenueInput {
    fn normalize(&self, regions: &Regions, errors: &mut FieldErrors) -> ValidVenue {
        let capacity = match self.capacity {
            Some(c) if c <= 0 || c > 1_000_000 => {
                errors.add("capacity", "validation.positive_number");
                None
            }
            Some(c) => Some(c as i32),
            None => None,
        };
        let latitude = self.latitude.filter(|lat| {
            let ok = lat.is_finite() && (-90.0..=90.0).contains(lat);
            if !ok {
                errors.add("latitude", "validation.latitude");
            }
            ok
        });
        let longitude = self.longitude.filter(|lon| {
            let ok = lon.is_finite() && (-180.0..=180.0).contains(lon);
            if !ok {
                errors.add("longitude", "validation.longitude");
            }
            ok
        });
        if self.latitude.is_some() != self.longitude.is_some() {
            let missing = if self.latitude.is_none() {
                "latitude"
            } else {
                "longitude"
            };
            errors.add(missing, "validation.coordinates_pair");
        }
        ValidVenue {
            name: text::required_line(&self.name, "name", 200, errors),
            region: regions.check(&self.region, "region", errors),
            town: text::optional_line(&self.town, "town", 100, errors),
            address: text::optional(&self.address, "address", 500, errors),
            access_notes: text::optional(&self.access_notes, "access_notes", 2000, errors),
            capacity,
            latitude,
            longitude,
        }
    }

    fn validate(&self, regions: &Regions, mut errors: FieldErrors) -> AppResult<ValidVenue> {
        let valid = self.normalize(regions, &mut errors);
        errors.into_result(valid)
    }
}

pub async fn list(db: &DatabaseConnection, paging: PageQuery) -> AppResult<Paged<Venue>> {
    let query = venue::Entity::find()
        .order_by_asc(venue::Column::Region)
        .order_by_asc(venue::Column::Name)
        .order_by_asc(venue::Column::Id);
    crate::domain::paging::fetch_page(db, query, paging).await
}

pub async fn get<C: sea_orm::ConnectionTrait>(db: &C, id: i32) -> AppResult<Venue> {
    venue::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(Venue::from)
        .ok_or(AppError::NotFound)
}

/// Creates a venue; `prior` carries errors found while parsing the raw input.
pub async fn create(
    db: &DatabaseConnection,
    regions: &Regions,
    input: &VenueInput,
    prior: FieldErrors,
    who: &Who,
) -> AppResult<Venue> {
    let v = input.validate(regions, prior)?;
    let now = Utc::now();
    let txn = crate::db::begin_write(db).await?;
    let model = venue::ActiveModel {
        name: Set(v.name),
        region: Set(v.region),
        town: Set(v.town),
        address: Set(v.address),
        capacity: Set(v.capacity),
        latitude: Set(v.latitude),
        longitude: Set(v.longitude),
        access_notes: Set(v.access_notes),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let venue = Venue::from(model);
    audit::record(&txn, who, "venue", venue.id, "create", Changes::created(&venue)).await?;
    txn.commit().await?;
    Ok(venue)
}

pub async fn update(
    db: &DatabaseConnection,
    regions: &Regions,
    id: i32,
    input: &VenueInput,
    prior: FieldErrors,
    who: &Who,
) -> AppResult<Venue> {
    let txn = crate::db::begin_write(db).await?;
    let existing = venue::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let before = Venue::from(existing.clone());
    let v = input.validate(regions, prior)?;
    let mut model: venue::ActiveModel = existing.into();
    model.name = Set(v.name);
    model.region = Set(v.region);
    model.town = Set(v.town);
    model.address = Set(v.address);
    model.capacity = Set(v.capacity);
    model.latitude = Set(v.latitude);
    model.longitude = Set(v.longitude);
    model.access_notes = Set(v.access_notes);
    model.updated_at = Set(Utc::now());
    let venue = Venue::from(model.update(&txn).await?);
    audit::record(&txn, who, "venue", id, "update", Changes::diff(&before, &venue)).await?;
    txn.commit().await?;
    Ok(venue)
}

/// Deletes a venue that no event uses.
pub async fn delete(db: &DatabaseConnection, id: i32, who: &Who) -> AppResult<()> {
    let txn = crate::db::begin_write(db).await?;
    let used = entity::event::Entity::find()
        .filter(entity::event::Column::VenueId.eq(id))
        .count(&txn)
        .await?;
    if used > 0 {
        return Err(AppError::Conflict("venues.in_use".into()));
    }
    let before = get(&txn, id).await?;
    venue::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(&txn, who, "venue", id, "delete", Changes::deleted(&before)).await?;
    txn.commit().await?;
    Ok(())
}

/// Every venue, for select boxes and lookups (venues number in the tens, not thousands).
pub async fn all(db: &DatabaseConnection) -> AppResult<Vec<Venue>> {
    Ok(venue::Entity::find()
        .order_by_asc(venue::Column::Region)
        .order_by_asc(venue::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(Venue::from)
        .collect())
}
