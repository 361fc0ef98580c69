//! Server-side browser sessions: the cookie carries a secret, the database its hash.

use chrono::{Duration, Utc};
use entity::{session, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use crate::domain::secrets;
use crate::domain::users::User;
use crate::error::AppResult;

/// How long a session lives without use.
const LIFETIME: Duration = Duration::days(30);
/// Writing `last_seen_at` on every request would make every page a write.
const TOUCH_AFTER: Duration = Duration::hours(1);

/// Opens a session and returns the secret for the cookie.
pub async fn create(db: &DatabaseConnection, user_id: i32) -> AppResult<String> {
    let secret = secrets::random_token();
    let now = Utc::now();
    session::ActiveModel {
        id: Set(secrets::hash_token(&secret)),
        user_id: Set(user_id),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + LIFETIME),
    }
    .insert(db)
    .await?;
    Ok(secret)
}

/// The active user behind a cookie secret, extending the session when it is used.
pub async fn user_for(db: &DatabaseConnection, secret: &str) -> AppResult<Option<User>> {
    let now = Utc::now();
    let found = session::Entity::find_by_id(secrets::hash_token(secret))
        .find_also_related(user::Entity)
        .one(db)
        .await?;
    let Some((session, Some(user))) = found else {
        return Ok(None);
    };
    if session.expires_at < now || !user.active {
        return Ok(None);
    }
    if now - session.last_seen_at > TOUCH_AFTER {
        let mut model: session::ActiveModel = session.into();
        model.last_seen_at = Set(now);
        model.expires_at = Set(now + LIFETIME);
        model.update(db).await?;
    }
    Ok(Some(user.into()))
}

pub async fn delete(db: &DatabaseConnection, secret: &str) -> AppResult<()> {
    session::Entity::delete_by_id(secrets::hash_token(secret))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn delete_all_for_user<C: sea_orm::ConnectionTrait>(db: &C, user_id: i32) -> AppResult<()> {
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Signs a user out everywhere except the browser they are using.
pub async fn delete_others<C: sea_orm::ConnectionTrait>(db: &C, user_id: i32, keep_secret: &str) -> AppResult<()> {
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::Id.ne(secrets::hash_token(keep_secret)))
        .exec(db)
        .await?;
    Ok(())
}
