//! The admin's audit log page: who changed what, filtered by user, entity, id, action and dates.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;

use crate::AppState;
use crate::domain::audit::query::{self, AuditEntry, AuditQuery};
use crate::domain::paging::{PageQuery, Paged};
use crate::error::AppResult;
use crate::web::auth_extract::{Admin, Require};
use crate::web::errors::render;
use crate::web::page::Page;

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/audit", get(list_entries))
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    page: Page,
    entries: Paged<AuditEntry>,
    filter: AuditQuery,
    /// The filter as a query string ending in `&`, for the pager's links.
    query: String,
}

impl AuditPage {
    fn value(field: &Option<String>) -> &str {
        field.as_deref().unwrap_or_default()
    }

    /// `field: old → new` lines, compact enough for a table cell.
    fn changes_of(entry: &AuditEntry) -> Vec<(String, String)> {
        let Some(map) = entry.changes.as_object() else {
            return Vec::new();
        };
        map.iter()
            .map(|(field, pair)| {
                let show = |v: Option<&serde_json::Value>| match v {
                    None | Some(serde_json::Value::Null) => "∅".to_string(),
                    Some(serde_json::Value::String(s)) => s.chars().take(120).collect(),
                    Some(other) => other.to_string().chars().take(120).collect(),
                };
                let text = match pair.as_array().map(Vec::as_slice) {
                    Some([serde_json::Value::Null, new]) => show(Some(new)),
                    Some([old, new]) => format!("{} → {}", show(Some(old)), show(Some(new))),
                    _ => show(Some(pair)),
                };
                (field.clone(), text)
            })
            .collect()
    }

    fn count_text(&self) -> String {
        match self.entries.total {
            1 => self.page.t("audit.entries_one").to_string(),
            n => self.page.tf("audit.entries_other", &[("n", &n)]),
        }
    }

    fn who_of(&self, entry: &AuditEntry) -> String {
        match entry.who_kind.as_str() {
            "user" => entry
                .user_name
                .clone()
                .unwrap_or_else(|| format!("#{}", entry.user_id.unwrap_or_default())),
            "invitee" => self
                .page
                .tf("audit.invitee", &[("id", &entry.invitation_id.unwrap_or_default())]),
            _ => format!(
                "{} ({})",
                self.page.t(&format!("audit.kind_{}", entry.who_kind)),
                entry.gateway
            ),
        }
    }
}

async fn list_entries(
    State(state): State<AppState>,
    _admin: Require<Admin>,
    page: Page,
    Query(paging): Query<PageQuery>,
    Query(filter): Query<AuditQuery>,
) -> AppResult<Response> {
    let entries = query::list(&state.db, &filter, paging).await?;
    let mut query = serde_urlencoded::to_string(&filter).unwrap_or_default();
    if !query.is_empty() {
        query.push('&');
    }
    Ok(render(&AuditPage {
        page,
        entries,
        filter,
        query,
    }))
}
