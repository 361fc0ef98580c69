//! The signed-in user's own page: password, language, phone for letters, API tokens.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use axum_extra::extract::CookieJar;
use serde::Deserialize;

use crate::AppState;
use crate::domain::api_tokens::{self, TokenInfo};
use crate::domain::calendar_feed;
use crate::domain::{organizers, users};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::i18n::Lang;
use crate::web::auth_extract::{AnyRole, Require};
use crate::web::errors::render;
use crate::web::forms::FormErrors;
use crate::web::page::{Page, flash_redirect};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/profile", get(show_profile))
        .route("/profile/password", post(change_password))
        .route("/profile/phone", post(change_phone))
        .route("/profile/tokens", post(create_token))
        .route("/profile/tokens/{id}/revoke", post(revoke_token))
        .route("/profile/calendar", post(renew_calendar_feed))
        .route("/profile/calendar/revoke", post(revoke_calendar_feed))
        .route("/calendar/{file}", axum::routing::get(calendar_feed))
}

#[derive(Template)]
#[template(path = "profile/show.html")]
struct ProfilePage {
    page: Page,
    languages: [Lang; 2],
    tokens: Vec<TokenInfo>,
    new_token: Option<String>,
    has_feed: bool,
    new_feed_url: Option<String>,
    /// The number printed on letters, or what was just typed when it was refused.
    phone: String,
    errors: FormErrors,
}

async fn profile_page(
    state: &AppState,
    page: Page,
    new_token: Option<String>,
    errors: &FieldErrors,
) -> AppResult<Response> {
    profile_page_with_feed(state, page, new_token, None, errors, None).await
}

async fn profile_page_with_feed(
    state: &AppState,
    page: Page,
    new_token: Option<String>,
    new_feed_url: Option<String>,
    errors: &FieldErrors,
    typed_phone: Option<String>,
) -> AppResult<Response> {
    let user_id = page.user.as_ref().map(|u| u.id).ok_or(AppError::Unauthorized)?;
    let phone = match typed_phone {
        Some(typed) => typed,
        None => organizers::contact(&state.db, user_id)
            .await?
            .and_then(|c| c.phone)
            .unwrap_or_default(),
    };
    let tokens = api_tokens::list(&state.db, user_id).await?;
    let has_feed = calendar_feed::has_feed(&state.db, user_id).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let errors = FormErrors::from_fields(errors, page.lang);
    let mut response = render(&ProfilePage {
        page,
        languages: Lang::ALL,
        tokens,
        new_token,
        has_feed,
        new_feed_url,
        phone,
        errors,
    });
    *response.status_mut() = status;
    Ok(response)
}

async fn show_profile(State(state): State<AppState>, _user: Require<AnyRole>, page: Page) -> AppResult<Response> {
    profile_page(&state, page, None, &FieldErrors::new()).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PasswordForm {
    current_password: String,
    new_password: String,
    new_password_confirm: String,
}

async fn change_password(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    current: Require<AnyRole>,
    page: Page,
    jar: CookieJar,
    Form(form): Form<PasswordForm>,
) -> AppResult<Response> {
    if form.new_password != form.new_password_confirm {
        let mut errors = FieldErrors::new();
        errors.add("new_password_confirm", "validation.password_mismatch");
        return profile_page(&state, page, None, &errors).await;
    }
    let keep = current.session_secret.clone().unwrap_or_default();
    match users::change_password(
        &state.db,
        current.user.id,
        &form.current_password,
        &form.new_password,
        &keep,
        &who,
    )
    .await
    {
        Ok(()) => Ok(flash_redirect(jar, "success", "profile.password_changed", "/profile")),
        Err(AppError::Validation(errors)) => profile_page(&state, page, None, &errors).await,
        Err(other) => Err(other),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PhoneForm {
    phone: String,
}

/// The number invitees are told to call on the letters of the events this person organizes.
async fn change_phone(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    current: Require<AnyRole>,
    page: Page,
    jar: CookieJar,
    Form(form): Form<PhoneForm>,
) -> AppResult<Response> {
    match organizers::set_phone(&state.db, current.user.id, &form.phone, &who).await {
        Ok(_) => Ok(flash_redirect(jar, "success", "usability2.phone_saved", "/profile")),
        Err(AppError::Validation(errors)) => {
            profile_page_with_feed(&state, page, None, None, &errors, Some(form.phone)).await
        }
        Err(other) => Err(other),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TokenForm {
    name: String,
}

/// Shows the new token once, on the page itself rather than in a redirect.
async fn create_token(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    current: Require<AnyRole>,
    page: Page,
    Form(form): Form<TokenForm>,
) -> AppResult<Response> {
    match api_tokens::create(&state.db, current.user.id, &form.name, &who).await {
        Ok(token) => profile_page(&state, page, Some(token), &FieldErrors::new()).await,
        Err(AppError::Validation(errors)) => profile_page(&state, page, None, &errors).await,
        Err(other) => Err(other),
    }
}

async fn revoke_token(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    current: Require<AnyRole>,
    jar: CookieJar,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    api_tokens::revoke(&state.db, current.user.id, id, &who).await?;
    Ok(flash_redirect(jar, "success", "profile.token_revoked", "/profile"))
}

/// Shows the new feed address once: only its hash is kept.
async fn renew_calendar_feed(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    current: Require<AnyRole>,
    page: Page,
) -> AppResult<Response> {
    let secret = calendar_feed::renew(&state.db, current.user.id, &who).await?;
    let url = format!("{}/calendar/{secret}.ics", state.settings.base_url);
    profile_page_with_feed(&state, page, None, Some(url), &FieldErrors::new(), None).await
}

async fn revoke_calendar_feed(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    current: Require<AnyRole>,
    jar: CookieJar,
) -> AppResult<Response> {
    calendar_feed::revoke(&state.db, current.user.id, &who).await?;
    Ok(flash_redirect(jar, "success", "profile.feed_revoked", "/profile"))
}

/// The feed itself: no session, the secret in the address is the key.
async fn calendar_feed(State(state): State<AppState>, Path(file): Path<String>) -> AppResult<Response> {
    let secret = file.strip_suffix(".ics").ok_or(AppError::NotFound)?;
    let body = calendar_feed::feed(&state.db, secret, &state.settings.base_url).await?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/calendar; charset=UTF-8"),
            (axum::http::header::CACHE_CONTROL, "private, max-age=300"),
        ],
        body,
    )
        .into_response())
}
