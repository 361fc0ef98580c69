//! An actor's personal data on request: the access file and erasure, behind a confirmation page.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum_extra::extract::CookieJar;

use crate::AppState;
use crate::domain::actors::{self, Actor, erase, export};
use crate::error::{AppError, AppResult};
use crate::web::auth_extract::{Admin, Require};
use crate::web::errors::render;
use crate::web::page::{Page, flash_redirect};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/actors/{id}/export.json", get(download))
        .route("/actors/{id}/erase", get(confirm).post(erase_actor))
}

async fn download(State(state): State<AppState>, _user: Require<Admin>, Path(id): Path<i32>) -> AppResult<Response> {
    let file = export::export(&state.db, id).await?;
    let body = serde_json::to_vec_pretty(&file).map_err(anyhow::Error::from)?;
    Ok((
        [
            (CONTENT_TYPE, "application/json".to_string()),
            (CONTENT_DISPOSITION, format!("attachment; filename=\"actor-{id}.json\"")),
        ],
        body,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "actors/erase.html")]
struct ConfirmPage {
    page: Page,
    actor: Actor,
}

/// Asks first: a plain form, so it works without JavaScript.
async fn confirm(
    State(state): State<AppState>,
    _user: Require<Admin>,
    page: Page,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let actor = actors::get(&state.db, id).await?;
    Ok(render(&ConfirmPage { page, actor }))
}

async fn erase_actor(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    user: Require<Admin>,
    jar: CookieJar,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let back = format!("/actors/{id}");
    match erase::erase_with_files(&state.db, &state.mailer, id, Some(user.user.id), &who).await {
        Ok(_) => Ok(flash_redirect(jar, "success", "privacy.erased", &back)),
        Err(AppError::Conflict(key)) => Ok(flash_redirect(jar, "error", &key, &back)),
        Err(other) => Err(other),
    }
}
