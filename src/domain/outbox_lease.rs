//! Leasing due rows of an outbox table to one worker: the claim the mail and SMS workers share.

use std::time::Duration;

use chrono::Utc;
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, QueryResult, Statement};

use crate::error::AppResult;

/// Leases up to `limit` due rows of `table` (pending and due, or abandoned by a dead worker once
/// their lease ran out): marks them `sending` until now + `lease`, counts the attempt, and
/// returns the `returning` columns. On PostgreSQL, `SKIP LOCKED` lets several processes claim
/// side by side without taking the same rows.
pub(crate) async fn claim_due(
    db: &DatabaseConnection,
    table: &'static str,
    returning: &'static str,
    limit: usize,
    lease: Duration,
) -> AppResult<Vec<QueryResult>> {
    let now = Utc::now();
    let until = now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::minutes(2));
    let backend = db.get_database_backend();
    let lock = if backend == DatabaseBackend::Postgres {
        "FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    let sql = format!(
        "UPDATE {table} SET status = 'sending', locked_until = $1, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM {table} \
           WHERE (status = 'pending' AND next_attempt_at <= $2) OR (status = 'sending' AND locked_until < $2) \
           ORDER BY id LIMIT $3 {lock}) \
         RETURNING {returning}"
    );
    Ok(db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [until.into(), now.into(), (limit as i64).into()],
        ))
        .await?)
}
