//! Who invitees call about an event: each account's phone number and each event's named organizer.

use entity::{event, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::domain::actors::normalize_phone;
use crate::domain::users::Role;
use crate::error::{AppError, AppResult, FieldErrors};

/// The person a letter names, with the number to call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contact {
    pub user_id: i32,
    pub name: String,
    /// E.164; `None` when the organizer has not given one yet.
    pub phone: Option<String>,
}

impl From<user::Model> for Contact {
    fn from(m: user::Model) -> Self {
        Contact {
            user_id: m.id,
            name: m.name,
            phone: m.phone,
        }
    }
}

/// Sets (or, when blank, clears) an account's phone number; refused on `phone` when it is not one.
pub async fn set_phone(
    db: &DatabaseConnection,
    user_id: i32,
    raw: &str,
    who: &crate::domain::audit::Who,
) -> AppResult<Option<String>> {
    let phone = if raw.trim().is_empty() {
        None
    } else {
        let Some(phone) = normalize_phone(raw) else {
            let mut errors = FieldErrors::new();
            errors.add("phone", "validation.phone");
            return Err(AppError::Validation(errors));
        };
        Some(phone)
    };
    let txn = crate::db::begin_write(db).await?;
    let found = user::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    // Only that it changed: the number itself is contact data the log need not hold.
    let changes = crate::domain::audit::Changes::new().note("phone", if phone.is_some() { "set" } else { "cleared" });
    let mut model: user::ActiveModel = found.into();
    model.phone = Set(phone.clone());
    model.update(&txn).await?;
    crate::domain::audit::record(&txn, who, "user", user_id, "phone", changes).await?;
    txn.commit().await?;
    Ok(phone)
}

/// An account's own contact details.
pub async fn contact(db: &impl ConnectionTrait, user_id: i32) -> AppResult<Option<Contact>> {
    Ok(user::Entity::find_by_id(user_id).one(db).await?.map(Contact::from))
}

/// Names `user_id` as the event's organizer; only an active account that may organize.
pub async fn assign(db: &impl ConnectionTrait, event_id: i32, user_id: i32) -> AppResult<()> {
    let allowed = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .is_some_and(|u| u.active && Role::parse(&u.role).is_some_and(|r| r.can_organize()));
    if !allowed {
        let mut errors = FieldErrors::new();
        errors.add("organizer_id", "validation.choice");
        return Err(AppError::Validation(errors));
    }
    let done = event::Entity::update_many()
        .col_expr(event::Column::OrganizerId, Expr::value(user_id))
        .filter(event::Column::Id.eq(event_id))
        .exec(db)
        .await?;
    if done.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// An organizer names another (or themselves) as the person the event's letters tell invitees to call.
pub async fn choose(
    db: &DatabaseConnection,
    event_id: i32,
    user_id: i32,
    who: &crate::domain::audit::Who,
) -> AppResult<()> {
    let txn = crate::db::begin_write(db).await?;
    let before = event::Entity::find_by_id(event_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?
        .organizer_id;
    assign(&txn, event_id, user_id).await?;
    let changes = crate::domain::audit::Changes::new().set("organizer_id", before, user_id);
    crate::domain::audit::record(&txn, who, "event", event_id, "organizer", changes).await?;
    txn.commit().await?;
    Ok(())
}

/// The event's organizer, or `fallback` (the person printing) when none is named or the account is gone.
pub async fn for_event(db: &impl ConnectionTrait, event_id: i32, fallback: i32) -> AppResult<Option<Contact>> {
    let named = event::Entity::find_by_id(event_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?
        .organizer_id;
    if let Some(id) = named
        && let Some(found) = contact(db, id).await?
    {
        return Ok(Some(found));
    }
    contact(db, fallback).await
}

/// The accounts that may be named as an event's organizer, by name.
pub async fn candidates(db: &impl ConnectionTrait) -> AppResult<Vec<Contact>> {
    Ok(user::Entity::find()
        .filter(user::Column::Active.eq(true))
        .order_by_asc(user::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .filter(|u| Role::parse(&u.role).is_some_and(|r| r.can_organize()))
        .map(Contact::from)
        .collect())
}
