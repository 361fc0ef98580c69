//! Bearer tokens for the JSON API: shown once, stored as a hash, revocable.

use chrono::Utc;
use entity::{api_token, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::domain::audit::{self, Changes, Who};
use crate::domain::secrets;
use crate::domain::users::User;
use crate::error::{AppError, AppResult, FieldErrors};

/// A prefix makes a leaked token recognizable by secret scanners.
const PREFIX: &str = "tgn_";

/// A token as listed on the profile page.
#[derive(Clone, Debug)]
pub struct TokenInfo {
    pub id: i32,
    pub name: String,
    pub created_at: chrono::DateTime<Utc>,
    pub last_used_at: Option<chrono::DateTime<Utc>>,
    pub revoked: bool,
}

/// Creates a token and returns its clear text, which is never stored.
pub async fn create(db: &DatabaseConnection, user_id: i32, name: &str, who: &Who) -> AppResult<String> {
    let mut errors = FieldErrors::new();
    let name = crate::domain::text::required(name, "name", 80, &mut errors);
    errors.into_result(())?;
    let token = format!("{PREFIX}{}", secrets::random_token());
    let txn = crate::db::begin_write(db).await?;
    let created = api_token::ActiveModel {
        user_id: Set(user_id),
        name: Set(name),
        token_hash: Set(secrets::hash_token(&token)),
        created_at: Set(Utc::now()),
        last_used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let changes = Changes::new().note("user_id", user_id).note("name", &created.name);
    audit::record(&txn, who, "api_token", created.id, "create", changes).await?;
    txn.commit().await?;
    Ok(token)
}

pub async fn list(db: &DatabaseConnection, user_id: i32) -> AppResult<Vec<TokenInfo>> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .order_by_desc(api_token::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|t| TokenInfo {
            id: t.id,
            name: t.name,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            revoked: t.revoked_at.is_some(),
        })
        .collect())
}

/// Revokes one of the user's own tokens.
pub async fn revoke(db: &DatabaseConnection, user_id: i32, token_id: i32, who: &Who) -> AppResult<()> {
    let token = api_token::Entity::find_by_id(token_id)
        .filter(api_token::Column::UserId.eq(user_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if token.revoked_at.is_none() {
        let txn = crate::db::begin_write(db).await?;
        let changes = Changes::new().set("revoked", false, true).note("name", &token.name);
        let mut model: api_token::ActiveModel = token.into();
        model.revoked_at = Set(Some(Utc::now()));
        model.update(&txn).await?;
        audit::record(&txn, who, "api_token", token_id, "revoke", changes).await?;
        txn.commit().await?;
    }
    Ok(())
}

/// The active user a bearer token speaks for, if it is valid and not revoked.
pub async fn user_for(db: &DatabaseConnection, token: &str) -> AppResult<Option<User>> {
    if !token.starts_with(PREFIX) {
        return Ok(None);
    }
    let found = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(secrets::hash_token(token)))
        .find_also_related(user::Entity)
        .one(db)
        .await?;
    let Some((token, Some(user))) = found else {
        return Ok(None);
    };
    if token.revoked_at.is_some() || !user.active {
        return Ok(None);
    }
    let now = Utc::now();
    // Hourly precision is enough to tell a forgotten token from a used one.
    if token.last_used_at.is_none_or(|t| now - t > chrono::Duration::hours(1)) {
        let mut model: api_token::ActiveModel = token.into();
        model.last_used_at = Set(Some(now));
        model.update(db).await?;
    }
    Ok(Some(user.into()))
}
