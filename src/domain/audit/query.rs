//! Reading the audit log: filters by user, entity, id, action and dates, one page at a time.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use entity::{audit_entry, user};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};

use crate::domain::paging::{PageQuery, Paged};
use crate::error::{AppResult, FieldErrors};

/// One entry as shown to admins and returned by the API.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: i32,
    pub at: DateTime<Utc>,
    /// `user`, `invitee`, `gateway` or `system`.
    pub who_kind: String,
    pub user_id: Option<i32>,
    /// The account's name when the entry's author is a user who still exists.
    pub user_name: Option<String>,
    pub invitation_id: Option<i32>,
    /// `mail`, `sms`, or a job name.
    pub gateway: String,
    pub entity: String,
    pub entity_id: String,
    pub action: String,
    /// `{field: [old, new]}`.
    #[schema(value_type = Object)]
    pub changes: serde_json::Value,
    pub ip: String,
}

impl From<audit_entry::Model> for AuditEntry {
    fn from(m: audit_entry::Model) -> Self {
        AuditEntry {
            id: m.id,
            at: m.at,
            who_kind: m.who_kind,
            user_id: m.user_id,
            user_name: None,
            invitation_id: m.invitation_id,
            gateway: m.gateway,
            entity: m.entity,
            entity_id: m.entity_id,
            action: m.action,
            changes: serde_json::from_str(&m.changes).unwrap_or_default(),
            ip: m.ip,
        }
    }
}

/// `?user=&entity=&id=&action=&from=&to=` as typed by an admin or an API client.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// A user's id or email address.
    pub user: Option<String>,
    /// `actor`, `event`, `venue`, `invitation`…
    pub entity: Option<String>,
    /// The entity's id; with `entity`.
    pub id: Option<String>,
    /// `create`, `update`, `delete`, `status`…
    pub action: Option<String>,
    /// First day (`YYYY-MM-DD`, UTC) or instant (RFC 3339).
    pub from: Option<String>,
    /// Last day, included (`YYYY-MM-DD`), or instant (RFC 3339).
    pub to: Option<String>,
}

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn instant(value: &str, end_of_day: bool) -> Option<DateTime<Utc>> {
    if let Ok(at) = DateTime::parse_from_rfc3339(value) {
        return Some(at.with_timezone(&Utc));
    }
    let day = NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()?;
    let at = if end_of_day {
        day.succ_opt()?.and_time(NaiveTime::MIN)
    } else {
        day.and_time(NaiveTime::MIN)
    };
    Some(at.and_utc())
}

/// One page of entries, newest first; a filter that cannot be read is a 422 naming it.
pub async fn list(db: &DatabaseConnection, query: &AuditQuery, paging: PageQuery) -> AppResult<Paged<AuditEntry>> {
    let mut errors = FieldErrors::new();
    let mut select = audit_entry::Entity::find();
    if let Some(who) = given(&query.user) {
        let id = match who.parse::<i32>() {
            Ok(id) => Some(id),
            Err(_) => user::Entity::find()
                .filter(user::Column::Email.eq(who.to_lowercase()))
                .one(db)
                .await?
                .map(|u| u.id),
        };
        match id {
            Some(id) => select = select.filter(audit_entry::Column::UserId.eq(id)),
            None => errors.add("user", "audit.unknown_user"),
        }
    }
    if let Some(entity) = given(&query.entity) {
        select = select.filter(audit_entry::Column::Entity.eq(entity));
    }
    if let Some(id) = given(&query.id) {
        select = select.filter(audit_entry::Column::EntityId.eq(id));
    }
    if let Some(action) = given(&query.action) {
        select = select.filter(audit_entry::Column::Action.eq(action));
    }
    // `>= from` and `< end of to`: a day given as `to` is included whole.
    for (field, value, end) in [("from", &query.from, false), ("to", &query.to, true)] {
        if let Some(text) = given(value) {
            match (instant(text, end), end) {
                (Some(at), false) => select = select.filter(audit_entry::Column::At.gte(at)),
                (Some(at), true) => select = select.filter(audit_entry::Column::At.lt(at)),
                (None, _) => errors.add(field, "audit.bad_date"),
            }
        }
    }
    errors.into_result(())?;
    let select = select
        .order_by_desc(audit_entry::Column::At)
        .order_by_desc(audit_entry::Column::Id);
    let mut page: Paged<AuditEntry> = crate::domain::paging::fetch_page(db, select, paging).await?;
    let ids: Vec<i32> = page.items.iter().filter_map(|e| e.user_id).collect();
    let names: std::collections::HashMap<i32, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    for entry in &mut page.items {
        entry.user_name = entry.user_id.and_then(|id| names.get(&id).cloned());
    }
    Ok(page)
}
