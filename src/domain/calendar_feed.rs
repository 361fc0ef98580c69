//! Each user's private calendar feed of scheduled events, behind a revocable secret URL.

use entity::{event, user};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::calendar::{self, Method};
use crate::domain::audit::{self, Changes, Who};
use crate::domain::events::{Event, calendar_entry};
use crate::domain::secrets;
use crate::domain::venues;
use crate::domain::vocab::EventStatus;
use crate::error::{AppError, AppResult};

/// Makes a new feed secret (replacing any earlier one) and returns it; only its hash is kept.
pub async fn renew(db: &DatabaseConnection, user_id: i32, who: &Who) -> AppResult<String> {
    let secret = secrets::random_token();
    set_hash(db, user_id, Some(secrets::hash_token(&secret)), who).await?;
    Ok(secret)
}

pub async fn revoke(db: &DatabaseConnection, user_id: i32, who: &Who) -> AppResult<()> {
    set_hash(db, user_id, None, who).await
}

async fn set_hash(db: &DatabaseConnection, user_id: i32, hash: Option<String>, who: &Who) -> AppResult<()> {
    let txn = crate::db::begin_write(db).await?;
    // Whether a feed link exists, never its secret or hash.
    let changes = Changes::new().note("calendar_feed", if hash.is_some() { "renewed" } else { "revoked" });
    user::Entity::update_many()
        .col_expr(user::Column::CalendarTokenHash, Expr::value(hash))
        .filter(user::Column::Id.eq(user_id))
        .exec(&txn)
        .await?;
    audit::record(&txn, who, "user", user_id, "calendar_feed", changes).await?;
    txn.commit().await?;
    Ok(())
}

pub async fn has_feed(db: &DatabaseConnection, user_id: i32) -> AppResult<bool> {
    Ok(user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .is_some_and(|u| u.calendar_token_hash.is_some()))
}

/// The feed a secret opens: every scheduled event, for an active account's secret.
pub async fn feed(db: &DatabaseConnection, secret: &str, base_url: &str) -> AppResult<String> {
    let owner = user::Entity::find()
        .filter(user::Column::CalendarTokenHash.eq(secrets::hash_token(secret)))
        .filter(user::Column::Active.eq(true))
        .one(db)
        .await?;
    if owner.is_none() {
        return Err(AppError::NotFound);
    }
    let events: Vec<Event> = event::Entity::find()
        .filter(event::Column::Status.eq(EventStatus::Scheduled.slug()))
        .order_by_asc(event::Column::StartsAt)
        .all(db)
        .await?
        .into_iter()
        .map(Event::from)
        .collect();
    let venues: std::collections::HashMap<i32, venues::Venue> =
        venues::all(db).await?.into_iter().map(|v| (v.id, v)).collect();
    let entries: Vec<_> = events
        .iter()
        .map(|e| {
            let venue = e.venue_id.and_then(|id| venues.get(&id));
            calendar_entry::entry(e, venue, None, Some(format!("{base_url}/events/{}", e.id)))
        })
        .collect();
    Ok(calendar::document(Method::Publish, &entries, chrono::Utc::now()))
}
