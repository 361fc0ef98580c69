//! Lists of inbound messages: all of them for the admin, one event's for its organizers; each
//! paged, filtered by state (to look at, applied, ignored, failed to parse) and searchable.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;

use crate::AppState;
use crate::domain::events;
use crate::domain::inbound_mail::listing::{self, InboundFilter, ToLookAt};
use crate::domain::paging::{PageQuery, Paged};
use crate::error::AppResult;
use crate::web::auth_extract::{Admin, AnyRole, Require};
use crate::web::errors::render;
use crate::web::page::Page;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/inbound", get(list_inbound))
        .route("/events/{id}/inbound", get(list_event_inbound))
}

#[derive(Template)]
#[template(path = "admin/inbound.html")]
struct InboundPage {
    page: Page,
    heading: String,
    messages: Paged<ToLookAt>,
    filter: InboundFilter,
    state: &'static str,
    states: [&'static str; 5],
    pager_query: String,
    configured: bool,
    show_event: bool,
}

fn inbound_page(
    page: Page,
    heading: String,
    messages: Paged<ToLookAt>,
    filter: InboundFilter,
    configured: bool,
    show_event: bool,
) -> Response {
    render(&InboundPage {
        page,
        heading,
        messages,
        state: filter.state(),
        pager_query: filter.query_prefix(),
        filter,
        states: listing::STATES,
        configured,
        show_event,
    })
}

async fn list_inbound(
    State(state): State<AppState>,
    _admin: Require<Admin>,
    page: Page,
    Query(filter): Query<InboundFilter>,
    Query(paging): Query<PageQuery>,
) -> AppResult<Response> {
    let messages = listing::list(&state.db, None, &filter, paging).await?;
    let heading = page.t("inbound.admin_title").to_string();
    let configured = state.settings.inbound.url.is_some();
    Ok(inbound_page(page, heading, messages, filter, configured, true))
}

async fn list_event_inbound(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    page: Page,
    Path(id): Path<i32>,
    Query(filter): Query<InboundFilter>,
    Query(paging): Query<PageQuery>,
) -> AppResult<Response> {
    let event = events::get(&state.db, id).await?;
    let messages = listing::list(&state.db, Some(id), &filter, paging).await?;
    let heading = format!("{} — {}", page.t("inbound.title"), event.title);
    let configured = state.settings.inbound.url.is_some();
    Ok(inbound_page(page, heading, messages, filter, configured, false))
}
