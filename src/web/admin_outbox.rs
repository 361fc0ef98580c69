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
use crate::mail::preview::{self, MessageView};
use crate::web::auth_extract::{Admin, Require};
use crate::web::errors::render;
use crate::web::page::Page;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/outbox", get(list_messages))
        .route("/admin/outbox/{file}", get(show_file))
        .route("/admin/outbox/{file}/raw", get(show_raw))
}

#[derive(Template)]
#[template(path = "admin/outbox.html")]
struct OutboxPage {
    page: Page,
    messages: Paged<LogEntry>,
    files: bool,
}

impl OutboxPage {
    fn kind_label(&self, slug: &str) -> String {
        slug_label(&self.page, "usability2.mail_kind", slug)
    }

    fn status_label(&self, slug: &str) -> String {
        slug_label(&self.page, "delivery", slug)
    }
}

/// The catalog's word for a stored slug; a slug the catalog does not know yet shows as it is.
fn slug_label(page: &Page, section: &str, slug: &str) -> String {
    page.lang
        .lookup(&format!("{section}.{slug}"))
        .map_or_else(|| slug.to_string(), str::to_string)
}

#[derive(Template)]
#[template(path = "admin/outbox_message.html")]
struct MessagePage {
    page: Page,
    file: String,
    message: MessageView,
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

/// A message written by the file transport: its text, its HTML in a sandboxed frame, its attachments.
async fn show_file(
    State(state): State<AppState>,
    _admin: Require<Admin>,
    page: Page,
    Path(file): Path<String>,
) -> AppResult<Response> {
    let raw = stored_message(&state, &file).await?;
    let message = preview::read(raw.as_bytes()).ok_or(AppError::NotFound)?;
    Ok(render(&MessagePage { page, file, message }))
}

/// The same message as it was written, MIME and all.
async fn show_raw(
    State(state): State<AppState>,
    _admin: Require<Admin>,
    Path(file): Path<String>,
) -> AppResult<Response> {
    let content = stored_message(&state, &file).await?;
    Ok(([(CONTENT_TYPE, "text/plain; charset=utf-8")], content).into_response())
}

async fn stored_message(state: &AppState, file: &str) -> AppResult<String> {
    let Mailer::Files(dir) = &state.mailer else {
        return Err(AppError::NotFound);
    };
    // Names come from our own Message-IDs; anything else (a path) is refused.
    if !file.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(AppError::NotFound);
    }
    tokio::fs::read_to_string(dir.join(format!("{file}.eml")))
        .await
        .map_err(|_| AppError::NotFound)
}
