//! The start page.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use crate::AppState;
use crate::domain::users;
use crate::error::AppResult;
use crate::web::auth_extract::MaybeUser;
use crate::web::errors::render;
use crate::web::page::Page;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(show_home))
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: Page,
}

/// New installs go to setup, visitors to sign-in, members to their start page.
async fn show_home(State(state): State<AppState>, MaybeUser(current): MaybeUser, page: Page) -> AppResult<Response> {
    if current.is_none() {
        let target = if users::needs_setup(&state.db).await? {
            "/setup"
        } else {
            "/login"
        };
        return Ok(Redirect::to(target).into_response());
    }
    Ok(render(&HomePage { page }))
}
