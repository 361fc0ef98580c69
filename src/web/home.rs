//! The start page: upcoming events with their answers and deliveries, what needs doing, first steps.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use crate::AppState;
use crate::domain::dashboard::{self, Dashboard, Todo};
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
    board: Dashboard,
}

impl HomePage {
    fn when(&self, event: &crate::domain::events::Event) -> String {
        crate::mail::compose::when_text(event, self.page.lang)
    }

    fn todo_text(&self, todo: &Todo) -> String {
        self.page.lang.tn(todo.key, todo.count, &[("event", &todo.event_title)])
    }
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
    let board = dashboard::load(&state.db).await?;
    Ok(render(&HomePage { page, board }))
}
