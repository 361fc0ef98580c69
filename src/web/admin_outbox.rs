//! The admin's view of outgoing mail: the delivery log, and the messages a fresh install wrote to disk.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;
use crate::domain::paging::{PageQuery, Paged};
use crate::error::{AppError, AppResult};
use crate::mail::Mailer;
use crate::mail::outbox::{self, LogEntry};
use crate::web::auth_extract::{Admin, Require};
use crate::web::errors::render;
use crate::web::page::Page;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/outbox", get(list_messages))
        .route("/admin/outbox/{file}", get(show_file))
}

#[derive(Template)]
#[template(path = "admin/outbox.html")]
struct OutboxPage {
    page: Page,
    messages: Paged<LogEntry>,
    files: bool,
}

async fn list_messages(
    State(state): State<AppState>,
    _admin: Require<Admin>,
    page: Page,
    Query(paging): Query<PageQuery>,
) -> AppResult<Response> {
    let messages = outbox::recent(&state.db, paging).await?;
    let files = matches!(state.mailer, Mailer::Files(_));
    Ok(render(&OutboxPage { page, messages, files }))
}

/// A message written by the file transport, as plain text.
async fn show_file(
    State(state): State<AppState>,
    _admin: Require<Admin>,
    Path(file): Path<String>,
) -> AppResult<Response> {
    let Mailer::Files(dir) = &state.mailer else {
        return Err(AppError::NotFound);
    };
    // Names come from our own Message-IDs; anything else (a path) is refused.
    if !file.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(AppError::NotFound);
    }
    let content = tokio::fs::read_to_string(dir.join(format!("{file}.eml")))
        .await
        .map_err(|_| AppError::NotFound)?;
    Ok(([(CONTENT_TYPE, "text/plain; charset=utf-8")], content).into_response())
}
