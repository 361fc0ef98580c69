//! The admin's list of inbound messages that wait for a person.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;

use crate::AppState;
use crate::domain::inbound_mail::{self, ToLookAt};
use crate::error::AppResult;
use crate::web::auth_extract::{Admin, Require};
use crate::web::errors::render;
use crate::web::page::Page;

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/inbound", get(list_inbound))
}

#[derive(Template)]
#[template(path = "admin/inbound.html")]
struct InboundPage {
    page: Page,
    messages: Vec<ToLookAt>,
    configured: bool,
    show_event: bool,
}

async fn list_inbound(State(state): State<AppState>, _admin: Require<Admin>, page: Page) -> AppResult<Response> {
    let messages = inbound_mail::to_look_at(&state.db, None).await?;
    let configured = state.settings.inbound.url.is_some();
    Ok(render(&InboundPage {
        page,
        messages,
        configured,
        show_event: true,
    }))
}
