//! What the start page shows: upcoming events with their answers and deliveries, what needs doing, first steps.

use std::collections::HashMap;

use chrono::Utc;
use entity::{actor, event, invitation, user, venue};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::domain::events::Event;
use crate::error::AppResult;

/// How many upcoming events the start page lists.
const UPCOMING: u64 = 6;

/// One upcoming event and where its guest list stands.
#[derive(Clone, Debug, Default)]
pub struct EventCounts {
    pub invited: usize,
    pub accepted: usize,
    pub tentative: usize,
    pub declined: usize,
    pub unanswered: usize,
    /// Invitations sent (or queued) by email.
    pub delivered: usize,
    /// Email invitations not sent yet.
    pub to_send: usize,
    pub failed: usize,
}

#[derive(Clone, Debug)]
pub struct Upcoming {
    pub event: Event,
    pub counts: EventCounts,
}

/// Something an organizer should do next, as a message key and the page where it is done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Todo {
    pub key: &'static str,
    pub count: usize,
    pub event_title: String,
    pub href: String,
}

/// The first steps of a fresh install, each done or not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub key: &'static str,
    pub href: &'static str,
    pub done: bool,
}

#[derive(Clone, Debug)]
pub struct Dashboard {
    pub upcoming: Vec<Upcoming>,
    pub todos: Vec<Todo>,
    /// Empty once every first step is done.
    pub first_steps: Vec<Step>,
}

pub async fn load(db: &DatabaseConnection) -> AppResult<Dashboard> {
    let events: Vec<Event> = event::Entity::find()
        .filter(event::Column::EndsAt.gte(Utc::now()))
        .filter(event::Column::Status.ne("cancelled"))
        .order_by_asc(event::Column::StartsAt)
        .limit(UPCOMING)
        .all(db)
        .await?
        .into_iter()
        .map(Event::from)
        .collect();
    let ids: Vec<i32> = events.iter().map(|e| e.id).collect();
    // One grouped query for every listed event's answers and deliveries.
    let groups: Vec<(i32, String, String, i64)> = invitation::Entity::find()
        .select_only()
        .column(invitation::Column::EventId)
        .column(invitation::Column::Response)
        .column(invitation::Column::Delivery)
        .column_as(Expr::col(invitation::Column::Id).count(), "n")
        .filter(invitation::Column::EventId.is_in(ids))
        .group_by(invitation::Column::EventId)
        .group_by(invitation::Column::Response)
        .group_by(invitation::Column::Delivery)
        .into_tuple()
        .all(db)
        .await?;
    let mut counts: HashMap<i32, EventCounts> = HashMap::new();
    for (event_id, response, delivery, n) in groups {
        let n = usize::try_from(n).unwrap_or_default();
        let c = counts.entry(event_id).or_default();
        c.invited += n;
        match response.as_str() {
            "accepted" => c.accepted += n,
            "tentative" => c.tentative += n,
            "declined" => c.declined += n,
            _ => c.unanswered += n,
        }
        match delivery.as_str() {
            "sent" | "queued" => c.delivered += n,
            "pending" => c.to_send += n,
            "failed" => c.failed += n,
            _ => {}
        }
    }
    let upcoming: Vec<Upcoming> = events
        .into_iter()
        .map(|event| Upcoming {
            counts: counts.remove(&event.id).unwrap_or_default(),
            event,
        })
        .collect();
    let todos = todos(&upcoming);
    let first_steps = first_steps(db).await?;
    Ok(Dashboard {
        upcoming,
        todos,
        first_steps,
    })
}

fn todos(upcoming: &[Upcoming]) -> Vec<Todo> {
    let mut todos = Vec::new();
    for u in upcoming {
        let href = format!("/events/{}", u.event.id);
        let mut add = |key, count| {
            todos.push(Todo {
                key,
                count,
                event_title: u.event.title.clone(),
                href: href.clone(),
            })
        };
        if u.event.status.slug() == "draft" {
            add("usability2.todo_schedule", 1);
        } else if u.counts.invited == 0 {
            add("usability2.todo_guests", 1);
        }
        if u.event.status.slug() == "scheduled" && u.counts.to_send > 0 {
            add("usability2.todo_send", u.counts.to_send);
        }
        if u.counts.failed > 0 {
            add("usability2.todo_failed", u.counts.failed);
        }
    }
    todos
}

async fn first_steps(db: &DatabaseConnection) -> AppResult<Vec<Step>> {
    let users = user::Entity::find().count(db).await?;
    let venues = venue::Entity::find().count(db).await?;
    let actors = actor::Entity::find().count(db).await?;
    let events = event::Entity::find().count(db).await?;
    let invited = invitation::Entity::find().count(db).await?;
    let steps = vec![
        Step {
            key: "usability2.step_users",
            href: "/admin/users",
            done: users > 1,
        },
        Step {
            key: "usability2.step_venue",
            href: "/venues/new",
            done: venues > 0,
        },
        Step {
            key: "usability2.step_actors",
            href: "/actors/import",
            done: actors > 0,
        },
        Step {
            key: "usability2.step_event",
            href: "/events/new",
            done: events > 0,
        },
        Step {
            key: "usability2.step_guests",
            href: "/events",
            done: invited > 0,
        },
    ];
    Ok(if steps.iter().all(|s| s.done) {
        Vec::new()
    } else {
        steps
    })
}
