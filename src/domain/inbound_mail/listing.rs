//! The inbound messages as lists: by state (to look at, applied, ignored, failed to parse), a
//! search over sender, subject and what the message said, one page at a time.

use chrono::{DateTime, Utc};
use entity::inbound_message;
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};

use crate::domain::paging::{self, PageQuery, Paged};
use crate::domain::text;
use crate::error::AppResult;

/// The states a person filters by, each a set of stored outcomes.
pub const STATES: [&str; 5] = ["to_look_at", "applied", "ignored", "unreadable", "all"];

fn outcomes(state: &str) -> &'static [&'static str] {
    match state {
        "applied" => &["applied"],
        // Older than the stored answer, automatic replies, delays: read, and rightly not applied.
        "ignored" => &["ignored", "stale"],
        "unreadable" => &["unreadable"],
        "all" => &[],
        // What needs a person: not proven, or not readable.
        _ => &["review", "unreadable"],
    }
}

/// `?state=&q=` of the list pages; an unknown state reads as the default, "to look at".
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct InboundFilter {
    pub state: String,
    pub q: String,
}

impl InboundFilter {
    pub fn state(&self) -> &'static str {
        STATES.into_iter().find(|s| *s == self.state).unwrap_or("to_look_at")
    }

    /// `state=…&q=…&`, for the pager's links.
    pub fn query_prefix(&self) -> String {
        let q: String = url::form_urlencoded::byte_serialize(self.q.trim().as_bytes()).collect();
        format!("state={}&q={q}&", self.state())
    }
}

/// A message as listed: what it was, what became of it and why.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ToLookAt {
    pub id: i32,
    pub received_at: DateTime<Utc>,
    pub sender: String,
    pub subject: String,
    /// `applied`, `stale`, `review`, `ignored`, `unreadable`.
    pub outcome: String,
    /// A message key saying why it was not applied.
    pub reason: String,
    /// What the message said (answer and address), when it was read.
    pub detail: String,
    pub event_id: Option<i32>,
}

impl From<inbound_message::Model> for ToLookAt {
    fn from(m: inbound_message::Model) -> Self {
        ToLookAt {
            id: m.id,
            received_at: m.received_at,
            sender: m.sender,
            subject: m.subject,
            outcome: m.outcome,
            reason: m.reason,
            detail: m.detail,
            event_id: m.event_id,
        }
    }
}

/// One page of the messages of one event (or all), newest first.
pub async fn list(
    db: &DatabaseConnection,
    event_id: Option<i32>,
    filter: &InboundFilter,
    paging: PageQuery,
) -> AppResult<Paged<ToLookAt>> {
    let mut query = inbound_message::Entity::find().order_by_desc(inbound_message::Column::Id);
    let wanted = outcomes(filter.state());
    if !wanted.is_empty() {
        query = query.filter(inbound_message::Column::Outcome.is_in(wanted.iter().copied()));
    }
    if let Some(event_id) = event_id {
        query = query.filter(inbound_message::Column::EventId.eq(event_id));
    }
    let q = filter.q.trim().to_lowercase();
    if !q.is_empty() {
        // lower() on both sides: PostgreSQL's LIKE is case-sensitive, SQLite's is not.
        let pattern = || LikeExpr::new(text::like_contains(&q)).escape('\\');
        let mut any = Condition::any();
        for column in [
            inbound_message::Column::Sender,
            inbound_message::Column::Subject,
            inbound_message::Column::Detail,
        ] {
            any = any.add(Expr::expr(Func::lower(Expr::col(column))).like(pattern()));
        }
        query = query.filter(any);
    }
    paging::fetch_page(db, query, paging).await
}

/// How many the event page shows before linking to the event's full list.
pub const EVENT_PAGE_SHOWN: u64 = 20;

/// The newest messages of an event that wait for a person, for the event page.
pub async fn to_look_at(db: &DatabaseConnection, event_id: i32) -> AppResult<Paged<ToLookAt>> {
    let first = PageQuery {
        page: Some(1),
        per_page: Some(EVENT_PAGE_SHOWN),
    };
    list(db, Some(event_id), &InboundFilter::default(), first).await
}
