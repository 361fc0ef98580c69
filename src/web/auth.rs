//! First-run setup, sign-in, sign-out and the language switch.

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde::Deserialize;

use crate::AppState;
use crate::domain::login::{self, SignIn};
use crate::domain::sessions;
use crate::domain::users::{self, NewUser, Role, User};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::i18n::Lang;
use crate::web::auth_extract::{MaybeUser, session_cookie_name};
use crate::web::csrf::fresh_visitor_cookie;
use crate::web::errors::render;
use crate::web::forms::{FormErrors, safe_next};
use crate::web::page::{LANG_COOKIE, Page, flash_redirect};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/setup", get(show_setup).post(complete_setup))
        .route("/login", get(show_login).post(log_in))
        .route("/logout", post(log_out))
        .route("/language", post(switch_language))
}

#[derive(Template)]
#[template(path = "auth/setup.html")]
struct SetupPage {
    page: Page,
    form: SetupForm,
    errors: FormErrors,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct SetupForm {
    email: String,
    name: String,
    password: String,
    password_confirm: String,
}

async fn show_setup(State(state): State<AppState>, page: Page) -> AppResult<Response> {
    if !users::needs_setup(&state.db).await? {
        return Ok(Redirect::to("/login").into_response());
    }
    Ok(render(&SetupPage {
        page,
        form: SetupForm::default(),
        errors: FormErrors::default(),
    }))
}

async fn complete_setup(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    page: Page,
    jar: CookieJar,
    Form(form): Form<SetupForm>,
) -> AppResult<Response> {
    let input = NewUser {
        email: form.email.clone(),
        name: form.name.clone(),
        role: Role::Admin.slug().into(),
        password: form.password.clone(),
    };
    // Every field's problem at once: a mismatch must not hide a bad email or a short password.
    let mut errors = users::problems(&input);
    if form.password != form.password_confirm {
        errors.add("password_confirm", "validation.password_mismatch");
    }
    if !errors.is_empty() {
        return Ok(setup_with_errors(page, form, &errors));
    }
    match users::create_first_admin(&state.db, input, &who).await {
        Ok(user) => {
            let jar = start_session(&state, jar, &user).await?;
            Ok(flash_redirect(jar, "success", "setup.done", "/"))
        }
        Err(AppError::Validation(errors)) => Ok(setup_with_errors(page, form, &errors)),
        Err(other) => Err(other),
    }
}

fn setup_with_errors(page: Page, mut form: SetupForm, errors: &FieldErrors) -> Response {
    form.password.clear();
    form.password_confirm.clear();
    let errors = FormErrors::from_fields(errors, page.lang);
    let mut response = render(&SetupPage { page, form, errors });
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    response
}

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    page: Page,
    email: String,
    next: String,
    failure: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct NextQuery {
    next: String,
}

async fn show_login(
    State(state): State<AppState>,
    page: Page,
    MaybeUser(current): MaybeUser,
    Query(query): Query<NextQuery>,
) -> AppResult<Response> {
    if users::needs_setup(&state.db).await? {
        return Ok(Redirect::to("/setup").into_response());
    }
    if current.is_some() {
        return Ok(Redirect::to(&safe_next(&query.next)).into_response());
    }
    Ok(render(&LoginPage {
        page,
        email: String::new(),
        next: query.next,
        failure: None,
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LoginForm {
    email: String,
    password: String,
    next: String,
}

async fn log_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    page: Page,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let ip = peer.ip().to_string();
    let outcome = login::authenticate(&state.db, &state.settings.login, &form.email, &form.password, &ip).await?;
    let (status, failure, wait) = match outcome {
        SignIn::Welcome(user) => {
            let jar = start_session(&state, jar, &user).await?;
            return Ok((jar, Redirect::to(&safe_next(&form.next))).into_response());
        }
        SignIn::Refused => (StatusCode::UNAUTHORIZED, page.t("login.failed").to_string(), None),
        SignIn::Wait(wait) => {
            // Whole seconds, rounded up, so a client that waits as told is not refused again.
            let seconds = wait.as_millis().div_ceil(1000).max(1);
            let text = page.lang.tf("login.wait", &[("seconds", &seconds)]);
            (StatusCode::TOO_MANY_REQUESTS, text, Some(seconds))
        }
    };
    let mut response = render(&LoginPage {
        page,
        email: form.email,
        next: form.next,
        failure: Some(failure),
    });
    *response.status_mut() = status;
    if let Some(seconds) = wait
        && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
    {
        response.headers_mut().insert(RETRY_AFTER, value);
    }
    Ok(response)
}

/// Opens a new session and sets its cookie, with the user's language when they chose one.
///
/// A session the browser already had is ended, so a session id planted before sign-in (or
/// another account's) never becomes the signed-in one; the visitor CSRF cookie is replaced too.
async fn start_session(state: &AppState, jar: CookieJar, user: &User) -> AppResult<CookieJar> {
    let name = session_cookie_name(&state.settings);
    if let Some(previous) = jar.get(name) {
        sessions::delete(&state.db, previous.value()).await?;
    }
    let secret = sessions::create(&state.db, user.id).await?;
    let session = Cookie::build((name, secret))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.settings.secure_cookies())
        .max_age(time::Duration::days(30))
        .build();
    let jar = jar.add(session).add(fresh_visitor_cookie(&state.settings));
    Ok(match user.language {
        Some(lang) => jar.add(lang_cookie(lang)),
        None => jar,
    })
}

pub fn lang_cookie(lang: Lang) -> Cookie<'static> {
    Cookie::build((LANG_COOKIE, lang.code()))
        .path("/")
        .same_site(SameSite::Lax)
        .max_age(time::Duration::days(365))
        .build()
}

async fn log_out(State(state): State<AppState>, jar: CookieJar) -> AppResult<Response> {
    let name = session_cookie_name(&state.settings);
    if let Some(cookie) = jar.get(name) {
        sessions::delete(&state.db, cookie.value()).await?;
    }
    // A `__Host-` cookie is only removed by a Set-Cookie with the same Secure flag.
    let removal = Cookie::build(name).path("/").secure(state.settings.secure_cookies());
    let jar = jar.remove(removal).add(fresh_visitor_cookie(&state.settings));
    Ok(flash_redirect(jar, "info", "login.signed_out", "/login"))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LanguageForm {
    lang: String,
    next: String,
}

/// Remembers the choice in a cookie, and on the account when signed in.
async fn switch_language(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    MaybeUser(current): MaybeUser,
    jar: CookieJar,
    Form(form): Form<LanguageForm>,
) -> AppResult<Response> {
    let Some(lang) = Lang::parse(&form.lang) else {
        return Err(AppError::BadRequest("lang".into()));
    };
    if let Some(current) = current {
        users::set_language(&state.db, current.user.id, lang, &who).await?;
    }
    Ok((jar.add(lang_cookie(lang)), Redirect::to(&safe_next(&form.next))).into_response())
}
