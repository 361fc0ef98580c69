//! Signing in with a password, with a limit on failed attempts per address and per IP.

use chrono::{Duration, Utc};
use entity::login_attempt;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, Set};

use crate::domain::passwords;
use crate::domain::users::{self, User};
use crate::error::{AppError, AppResult, FieldErrors};

/// Ten failures for one address within the window, then refusals until it passes.
pub const MAX_FAILURES_PER_EMAIL: u64 = 10;
/// An IP may try several accounts (a shared office), but not spray them all.
pub const MAX_FAILURES_PER_IP: u64 = 50;
const WINDOW: Duration = Duration::minutes(15);

/// Checks the password; wrong ones count towards the limit, right ones do not reset it.
pub async fn authenticate(db: &DatabaseConnection, email: &str, password: &str, ip: &str) -> AppResult<User> {
    let email = email.trim().to_lowercase();
    let since = Utc::now() - WINDOW;
    let recent_failures = |column: login_attempt::Column, value: String| {
        login_attempt::Entity::find()
            .filter(column.eq(value))
            .filter(login_attempt::Column::Succeeded.eq(false))
            .filter(login_attempt::Column::CreatedAt.gt(since))
            .count(db)
    };
    if recent_failures(login_attempt::Column::Email, email.clone()).await? >= MAX_FAILURES_PER_EMAIL
        || recent_failures(login_attempt::Column::Ip, ip.to_string()).await? >= MAX_FAILURES_PER_IP
    {
        tracing::warn!(ip, "sign-in refused: too many failures");
        return Err(AppError::RateLimited);
    }
    let account = users::find_by_email(db, &email).await?;
    let stored_hash = account
        .as_ref()
        .map(|a| a.password_hash.as_str())
        .unwrap_or(passwords::DUMMY_HASH);
    let ok = passwords::verify(password, stored_hash).await;
    let user = account.filter(|a| ok && a.active).map(User::from);
    login_attempt::ActiveModel {
        email: Set(email),
        ip: Set(ip.to_string()),
        succeeded: Set(user.is_some()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    user.ok_or_else(|| {
        let mut errors = FieldErrors::new();
        errors.add("password", "login.failed");
        AppError::Validation(errors)
    })
}
