//! Signing in with a password; each failure makes the next try wait longer, per address and per IP.

use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::login_attempt;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};

use crate::domain::passwords;
use crate::domain::users::{self, User};
use crate::error::AppResult;

/// Failures are free up to a point, then each one doubles the wait before the next try.
///
/// Nothing locks an account: after the wait the right password works, so an attacker
/// guessing at the admin's address slows the guesses down without shutting the admin out.
#[derive(Clone, Debug)]
pub struct Throttle {
    /// Failures for one address before waits begin.
    pub free_failures: u32,
    /// An IP may try several accounts (a shared office), but not spray them all.
    pub free_failures_per_ip: u32,
    /// The wait after the first failure past the free ones.
    pub first_delay: Duration,
    /// The longest wait, however many failures.
    pub max_delay: Duration,
}

impl Default for Throttle {
    fn default() -> Self {
        Self {
            free_failures: 5,
            free_failures_per_ip: 20,
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
        }
    }
}

impl Throttle {
    /// The wait that `failures` failures impose: none while free, then 1 s, 2 s, 4 s… up to the cap.
    pub fn delay_after(&self, failures: u64, free: u32) -> Duration {
        let Some(past_free) = failures.checked_sub(u64::from(free)) else {
            return Duration::ZERO;
        };
        let doublings = u32::try_from(past_free.min(30)).unwrap_or(30);
        self.first_delay.saturating_mul(1u32 << doublings).min(self.max_delay)
    }
}

/// What a sign-in attempt came to.
#[derive(Debug)]
pub enum SignIn {
    Welcome(User),
    /// Wrong address or password (which of the two is not said).
    Refused,
    /// Too soon after failures: the password was not even checked.
    Wait(Duration),
}

/// Failures older than this are forgotten.
const WINDOW: chrono::Duration = chrono::Duration::hours(1);

/// Checks the password unless a wait is due; every checked attempt is recorded.
pub async fn authenticate(
    db: &DatabaseConnection,
    throttle: &Throttle,
    email: &str,
    password: &str,
    ip: &str,
) -> AppResult<SignIn> {
    let email = email.trim().to_lowercase();
    let now = Utc::now();
    let since = now - WINDOW;
    // Only the owner can succeed, so a success ends the address's series; an IP's does not end.
    let last_success = login_attempt::Entity::find()
        .filter(login_attempt::Column::Email.eq(email.as_str()))
        .filter(login_attempt::Column::Succeeded.eq(true))
        .filter(login_attempt::Column::CreatedAt.gt(since))
        .order_by_desc(login_attempt::Column::CreatedAt)
        .one(db)
        .await?
        .map(|a| a.created_at);
    let address = failures_since(db, login_attempt::Column::Email, &email, last_success.unwrap_or(since)).await?;
    let from_ip = failures_since(db, login_attempt::Column::Ip, ip, since).await?;
    let wait = [
        (address, throttle.free_failures),
        (from_ip, throttle.free_failures_per_ip),
    ]
    .into_iter()
    .filter_map(|((count, last), free)| {
        let until = last? + chrono::Duration::from_std(throttle.delay_after(count, free)).ok()?;
        (until - now).to_std().ok().filter(|d| !d.is_zero())
    })
    .max();
    if let Some(wait) = wait {
        tracing::warn!(
            ip,
            wait_ms = wait.as_millis() as u64,
            "sign-in refused: wait after failures"
        );
        return Ok(SignIn::Wait(wait));
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
    Ok(user.map_or(SignIn::Refused, SignIn::Welcome))
}

/// How many failures match `column = value` since `since`, and when the latest was.
async fn failures_since(
    db: &DatabaseConnection,
    column: login_attempt::Column,
    value: &str,
    since: DateTime<Utc>,
) -> AppResult<(u64, Option<DateTime<Utc>>)> {
    let failures = login_attempt::Entity::find()
        .filter(column.eq(value))
        .filter(login_attempt::Column::Succeeded.eq(false))
        .filter(login_attempt::Column::CreatedAt.gt(since));
    let count = failures.clone().count(db).await?;
    let latest = failures
        .order_by_desc(login_attempt::Column::CreatedAt)
        .one(db)
        .await?
        .map(|a| a.created_at);
    Ok((count, latest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_after_the_free_failures_up_to_the_cap() {
        let throttle = Throttle::default();
        let waits: Vec<u64> = (0..=12).map(|n| throttle.delay_after(n, 5).as_secs()).collect();
        assert_eq!(waits, [0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60]);
        assert_eq!(throttle.delay_after(u64::MAX, 5), Duration::from_secs(60));
    }
}
