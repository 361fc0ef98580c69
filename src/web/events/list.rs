//! The events list and its venue names, with answer and delivery counts per event shown.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;

use crate::AppState;
use crate::domain::events::Event;
use crate::domain::events::listing::{self, EventFilter};
use crate::domain::paging::{PageQuery, Paged};
use crate::domain::reports::{self, Report};
use crate::domain::venues::{self, Venue};
use crate::domain::vocab::EventKind;
use crate::error::AppResult;
use crate::web::auth_extract::{AnyRole, Require};
use crate::web::errors::render;
use crate::web::page::Page;

/// Venue names by id, for lists (one query, not one per row).
async fn venue_names(state: &AppState) -> AppResult<std::collections::HashMap<i32, Venue>> {
    Ok(venues::all(&state.db).await?.into_iter().map(|v| (v.id, v)).collect())
}

#[derive(Template)]
#[template(path = "events/list.html")]
struct ListPage {
    page: Page,
    filter: EventFilter,
    events: Paged<Event>,
    venues: std::collections::HashMap<i32, Venue>,
    reports: Vec<Report>,
    kinds: &'static [EventKind],
    regions: Vec<String>,
    /// Answers and deliveries per event shown.
    counts: std::collections::HashMap<i32, crate::domain::guest_list::EventCounts>,
}

impl ListPage {
    fn counts_of(&self, event: &Event) -> crate::domain::guest_list::EventCounts {
        self.counts.get(&event.id).cloned().unwrap_or_default()
    }

    fn venue_of(&self, event: &Event) -> String {
        event
            .venue_id
            .and_then(|id| self.venues.get(&id))
            .map(|v| format!("{} ({})", v.name, v.region))
            .unwrap_or_default()
    }

    fn report_selected(&self, id: &i32) -> bool {
        self.filter.report_id == Some(*id)
    }

    fn pager_query(&self) -> String {
        crate::web::forms::pager_prefix(self.filter.query_string())
    }
}

pub(super) async fn list_events(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    page: Page,
    Query(filter): Query<EventFilter>,
    Query(paging): Query<PageQuery>,
) -> AppResult<Response> {
    let events = listing::list(&state.db, &filter, paging).await?;
    let venues = venue_names(&state).await?;
    let mut regions: Vec<String> = venues
        .values()
        .map(|v| v.region.clone())
        .filter(|r| !r.is_empty())
        .collect();
    regions.sort();
    regions.dedup();
    let reports = reports::list(&state.db).await?;
    let ids: Vec<i32> = events.items.iter().map(|e| e.id).collect();
    let counts = crate::domain::guest_list::counts_for_events(&state.db, &ids).await?;
    Ok(render(&ListPage {
        page,
        filter,
        events,
        venues,
        reports,
        kinds: EventKind::ALL,
        regions,
        counts,
    }))
}
