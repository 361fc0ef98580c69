//! The admin's account page: add users, change roles, deactivate accounts.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use axum_extra::extract::CookieJar;
use serde::Deserialize;

use crate::AppState;
use crate::domain::users::{self, NewUser, Role, User};
use crate::error::{AppError, AppResult};
use crate::web::auth_extract::{Admin, Require};
use crate::web::errors::render;
use crate::web::forms::FormErrors;
use crate::web::page::{Page, flash_redirect};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(list_users).post(add_user))
        .route("/admin/users/{id}", post(update_user))
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    page: Page,
    users: Vec<User>,
    roles: [Role; 5],
    form: NewUserForm,
    errors: FormErrors,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
struct NewUserForm {
    email: String,
    name: String,
    role: String,
    password: String,
}

impl Default for NewUserForm {
    fn default() -> Self {
        NewUserForm {
            email: String::new(),
            name: String::new(),
            role: Role::Viewer.slug().into(),
            password: String::new(),
        }
    }
}

async fn list_users(State(state): State<AppState>, _admin: Require<Admin>, page: Page) -> AppResult<Response> {
    let users = users::list(&state.db).await?;
    Ok(render(&UsersPage {
        page,
        users,
        roles: Role::ALL,
        form: NewUserForm::default(),
        errors: FormErrors::default(),
    }))
}

async fn add_user(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _admin: Require<Admin>,
    page: Page,
    jar: CookieJar,
    Form(form): Form<NewUserForm>,
) -> AppResult<Response> {
    let input = NewUser {
        email: form.email.clone(),
        name: form.name.clone(),
        role: form.role.clone(),
        password: form.password.clone(),
    };
    match users::create(&state.db, input, &who).await {
        Ok(_) => Ok(flash_redirect(jar, "success", "admin.user_created", "/admin/users")),
        Err(AppError::Validation(errors)) => {
            let users = users::list(&state.db).await?;
            let errors = FormErrors::from_fields(&errors, page.lang);
            let form = NewUserForm {
                password: String::new(),
                ..form
            };
            let mut response = render(&UsersPage {
                page,
                users,
                roles: Role::ALL,
                form,
                errors,
            });
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(other) => Err(other),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AccessForm {
    role: String,
    active: Option<String>,
}

async fn update_user(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    admin: Require<Admin>,
    jar: CookieJar,
    Path(id): Path<i32>,
    Form(form): Form<AccessForm>,
) -> AppResult<Response> {
    let active = form.active.is_some();
    match users::update_access(&state.db, &admin.user, id, &form.role, active, &who).await {
        Ok(_) => Ok(flash_redirect(jar, "success", "admin.user_updated", "/admin/users")),
        Err(AppError::Validation(errors)) => {
            let key = errors
                .0
                .values()
                .next()
                .cloned()
                .unwrap_or_else(|| "error.validation".into());
            Ok(flash_redirect(jar, "error", &key, "/admin/users"))
        }
        Err(other) => Err(other),
    }
}
