//! Confirmation pages: every action that mails people or cannot be undone asks first, without JavaScript.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use crate::AppState;
use crate::domain::{actors, consequences, debates, events, sections, venues};
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::web::auth_extract::{Editor, Organizer, Recorder, Require};
use crate::web::errors::render;
use crate::web::page::Page;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/events/{id}/status/confirm", get(confirm_cancel_event))
        .route("/events/{id}/invitations/send/confirm", get(confirm_send_invitations))
        .route(
            "/events/{id}/guests/{invitation}/delete/confirm",
            get(confirm_remove_guest),
        )
        .route("/events/{id}/notes/{note}/delete/confirm", get(confirm_delete_note))
        .route("/actors/{id}/delete/confirm", get(confirm_delete_actor))
        .route("/venues/{id}/delete/confirm", get(confirm_delete_venue))
        .route(
            "/reports/{id}/sections/{section}/delete/confirm",
            get(confirm_delete_section),
        )
}

/// The field every acting form must carry; its absence means nobody confirmed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Confirmed {
    pub confirm: String,
}

impl Confirmed {
    pub fn given(&self) -> bool {
        is_given(&self.confirm)
    }
}

pub fn is_given(value: &str) -> bool {
    value == "yes"
}

/// What the page asks: a question, its consequences, and the form that acts.
#[derive(Clone, Debug, Default)]
pub struct Confirmation {
    pub title: String,
    pub consequences: Vec<String>,
    /// Where "Confirm" posts, and the hidden fields it carries besides the token.
    pub action: String,
    pub fields: Vec<(String, String)>,
    pub button: String,
    /// Where "go back" leads, having done nothing.
    pub back: String,
}

#[derive(Template)]
#[template(path = "confirm/show.html")]
struct ConfirmPage {
    page: Page,
    c: Confirmation,
    /// The action was posted without confirmation and refused.
    refused: bool,
}

/// The confirmation page; with `refused`, a 422 that says the action was not done.
pub fn page(page: Page, c: Confirmation, refused: bool) -> Response {
    let mut response = render(&ConfirmPage { page, c, refused });
    if refused {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}

/// The singular or plural form of `key` for `n` (French treats 0 and 1 as singular).
pub fn plural(lang: Lang, key: &str, n: u64) -> String {
    let one = match lang {
        Lang::Fr => n <= 1,
        Lang::En => n == 1,
    };
    let form = if one { "one" } else { "other" };
    lang.tf(&format!("{key}.{form}"), &[("n", &n)])
}

fn irreversible(lang: Lang) -> String {
    lang.t("confirm.irreversible").to_string()
}

pub async fn cancel_event(state: &AppState, page_ctx: Page, id: i32, refused: bool) -> AppResult<Response> {
    let event = events::get(&state.db, id).await?;
    let reach = consequences::cancel_event(&state.db, id).await?;
    let lang = page_ctx.lang;
    let c = Confirmation {
        title: lang.tf("confirm.cancel_event.title", &[("title", &event.title)]),
        consequences: vec![
            plural(lang, "confirm.cancel_event.emails", reach.emails),
            plural(lang, "confirm.cancel_event.letters", reach.letters),
            irreversible(lang),
        ],
        action: format!("/events/{id}/status"),
        fields: vec![("status".into(), "cancelled".into())],
        button: lang.t("confirm.cancel_event.button").into(),
        back: format!("/events/{id}"),
    };
    Ok(page(page_ctx, c, refused))
}

async fn confirm_cancel_event(
    State(state): State<AppState>,
    _user: Require<Organizer>,
    page: Page,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    cancel_event(&state, page, id, false).await
}

pub async fn send_invitations(state: &AppState, page_ctx: Page, id: i32, refused: bool) -> AppResult<Response> {
    let event = events::get(&state.db, id).await?;
    let reach = consequences::send_invitations(&state.db, id).await?;
    let lang = page_ctx.lang;
    let c = Confirmation {
        title: lang.tf("confirm.send.title", &[("title", &event.title)]),
        consequences: vec![
            plural(lang, "confirm.send.emails", reach.emails),
            plural(lang, "confirm.send.letters", reach.letters),
        ],
        action: format!("/events/{id}/invitations/send"),
        fields: Vec::new(),
        button: lang.t("confirm.send.button").into(),
        back: format!("/events/{id}#sending"),
    };
    Ok(page(page_ctx, c, refused))
}

async fn confirm_send_invitations(
    State(state): State<AppState>,
    _user: Require<Organizer>,
    page: Page,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    send_invitations(&state, page, id, false).await
}

pub async fn remove_guest(
    state: &AppState,
    page_ctx: Page,
    id: i32,
    invitation: i32,
    refused: bool,
) -> AppResult<Response> {
    let removal = consequences::remove_guest(&state.db, id, invitation).await?;
    let lang = page_ctx.lang;
    let name: &dyn std::fmt::Display = &removal.full_name;
    let mail = if removal.sends_cancel {
        lang.tf("confirm.remove_guest.sends_cancel", &[("name", name)])
    } else {
        lang.t("confirm.remove_guest.no_mail").to_string()
    };
    let c = Confirmation {
        title: lang.tf("confirm.remove_guest.title", &[("name", name)]),
        consequences: vec![mail],
        action: format!("/events/{id}/guests/{invitation}/delete"),
        fields: Vec::new(),
        button: lang.t("confirm.remove_guest.button").into(),
        back: format!("/events/{id}#guests"),
    };
    Ok(page(page_ctx, c, refused))
}

async fn confirm_remove_guest(
    State(state): State<AppState>,
    _user: Require<Organizer>,
    page: Page,
    Path((id, invitation)): Path<(i32, i32)>,
) -> AppResult<Response> {
    remove_guest(&state, page, id, invitation, false).await
}

/// A deletion that mails nobody: the question names the thing, the page says it is final.
fn deletion(lang: Lang, title_key: &str, name: &str, action: String, back: String) -> Confirmation {
    Confirmation {
        title: lang.tf(title_key, &[("name", &name)]),
        consequences: vec![irreversible(lang)],
        action,
        fields: Vec::new(),
        button: lang.t("confirm.delete_button").into(),
        back,
    }
}

pub async fn delete_actor(state: &AppState, page_ctx: Page, id: i32, refused: bool) -> AppResult<Response> {
    let actor = actors::get(&state.db, id).await?;
    let c = deletion(
        page_ctx.lang,
        "confirm.delete_actor",
        &actor.full_name,
        format!("/actors/{id}/delete"),
        format!("/actors/{id}"),
    );
    Ok(page(page_ctx, c, refused))
}

async fn confirm_delete_actor(
    State(state): State<AppState>,
    _user: Require<Organizer>,
    page: Page,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    delete_actor(&state, page, id, false).await
}

pub async fn delete_venue(state: &AppState, page_ctx: Page, id: i32, refused: bool) -> AppResult<Response> {
    let venue = venues::get(&state.db, id).await?;
    let c = deletion(
        page_ctx.lang,
        "confirm.delete_venue",
        &venue.name,
        format!("/venues/{id}/delete"),
        format!("/venues/{id}"),
    );
    Ok(page(page_ctx, c, refused))
}

async fn confirm_delete_venue(
    State(state): State<AppState>,
    _user: Require<Organizer>,
    page: Page,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    delete_venue(&state, page, id, false).await
}

pub async fn delete_section(
    state: &AppState,
    page_ctx: Page,
    id: i32,
    section: i32,
    refused: bool,
) -> AppResult<Response> {
    let found = sections::get(&state.db, section).await?;
    if found.report_id != id {
        return Err(crate::error::AppError::NotFound);
    }
    let c = deletion(
        page_ctx.lang,
        "confirm.delete_section",
        &found.heading,
        format!("/reports/{id}/sections/{section}/delete"),
        format!("/reports/{id}#section-{section}"),
    );
    Ok(page(page_ctx, c, refused))
}

async fn confirm_delete_section(
    State(state): State<AppState>,
    _user: Require<Editor>,
    page: Page,
    Path((id, section)): Path<(i32, i32)>,
) -> AppResult<Response> {
    delete_section(&state, page, id, section, false).await
}

pub async fn delete_note(state: &AppState, page_ctx: Page, id: i32, note: i32, refused: bool) -> AppResult<Response> {
    let found = debates::notes::get(&state.db, id, note).await?;
    let c = deletion(
        page_ctx.lang,
        "confirm.delete_note",
        &found.topic,
        format!("/events/{id}/notes/{note}/delete"),
        format!("/events/{id}/debate#notes"),
    );
    Ok(page(page_ctx, c, refused))
}

async fn confirm_delete_note(
    State(state): State<AppState>,
    _user: Require<Recorder>,
    page: Page,
    Path((id, note)): Path<(i32, i32)>,
) -> AppResult<Response> {
    delete_note(&state, page, id, note, false).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PublishQuery {
    pub label: String,
}

/// Publishing: the version number and how many sections it freezes.
pub async fn publish_version(
    state: &AppState,
    page_ctx: Page,
    id: i32,
    label: &str,
    refused: bool,
) -> AppResult<Response> {
    let publication = consequences::publish_version(&state.db, id).await?;
    let lang = page_ctx.lang;
    let c = Confirmation {
        title: lang.tf(
            "confirm.publish.title",
            &[("number", &publication.number), ("label", &label.trim())],
        ),
        consequences: vec![
            plural(lang, "confirm.publish.sections", publication.sections),
            lang.t("confirm.publish.frozen").to_string(),
        ],
        action: format!("/reports/{id}/versions"),
        fields: vec![("label".into(), label.to_string())],
        button: lang.t("confirm.publish.button").into(),
        back: format!("/reports/{id}#versions"),
    };
    Ok(page(page_ctx, c, refused))
}

pub async fn confirm_publish_version(
    State(state): State<AppState>,
    _user: Require<Editor>,
    page: Page,
    Path(id): Path<i32>,
    Query(query): Query<PublishQuery>,
) -> AppResult<Response> {
    publish_version(&state, page, id, &query.label, false).await
}
