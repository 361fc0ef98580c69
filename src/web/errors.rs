//! Turns errors into pages: 401 becomes a sign-in redirect, others an error page.

use askama::Template;
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_TYPE, SET_COOKIE};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;

use crate::AppState;
use crate::domain::sessions;
use crate::error::{AppError, RenderedError};
use crate::web::auth_extract::session_cookie_name;
use crate::web::csrf::CsrfToken;
use crate::web::page::{FLASH_COOKIE, Page, lang_from_headers};

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    page: Page,
    status: u16,
    message: String,
}

/// Middleware around the HTML routes.
pub async fn render_html_errors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if is_api(request.uri().path()) || wants_json(request.headers()) {
        return next.run(request).await;
    }
    let lang = lang_from_headers(request.headers());
    let path = request.uri().path().to_string();
    let query = request.uri().query().map(str::to_string);
    let cookies = CookieJar::from_headers(request.headers());
    let had_flash = cookies.get(FLASH_COOKIE).is_some();
    let session = cookies
        .get(session_cookie_name(&state.settings))
        .map(|c| c.value().to_string());
    let mut response = next.run(request).await;
    let csrf = response.extensions().get::<CsrfToken>().map(|t| t.0.clone());

    if let Some(error) = response.extensions().get::<RenderedError>().cloned() {
        response = if error.status == StatusCode::UNAUTHORIZED {
            let next = match query {
                Some(q) => format!("{path}?{q}"),
                None => path.clone(),
            };
            let target = format!(
                "/login?next={}",
                url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
            );
            Redirect::to(&target).into_response()
        } else {
            let message = match &error.detail {
                Some(detail) => format!("{} ({detail})", lang.t(&error.message_key)),
                None => lang.t(&error.message_key).to_string(),
            };
            // A signed-in user keeps the navigation on a 403 or 404, so the way on is one click.
            let user = match &session {
                Some(secret) => sessions::user_for(&state.db, secret).await.ok().flatten(),
                None => None,
            };
            let page = Page {
                lang,
                user,
                csrf: csrf.unwrap_or_default(),
                flash: None,
                path,
                regions: Default::default(),
            };
            let body = ErrorPage {
                page,
                status: error.status.as_u16(),
                message,
            };
            let mut rendered = render(&body).into_response();
            *rendered.status_mut() = error.status;
            carry_cookies(&response, &mut rendered);
            rendered
        };
    }
    // A flash is shown once: clear it on any page that is not itself a redirect.
    if had_flash && !response.status().is_redirection() && !sets_cookie(&response, FLASH_COOKIE) {
        let clear = format!("{FLASH_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
        if let Ok(value) = HeaderValue::from_str(&clear) {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    response
}

fn carry_cookies(from: &Response, to: &mut Response) {
    for value in from.headers().get_all(SET_COOKIE) {
        to.headers_mut().append(SET_COOKIE, value.clone());
    }
}

fn sets_cookie(response: &Response, name: &str) -> bool {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .any(|v| v.to_str().is_ok_and(|s| s.starts_with(&format!("{name}="))))
}

/// Renders a template, or a plain 500 if the template itself fails.
pub fn render<T: Template>(template: &T) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(CONTENT_TYPE, "text/plain; charset=utf-8")],
                "Internal error / Erreur interne",
            )
                .into_response()
        }
    }
}

/// A page's own script asking for JSON (check-in marks, autosave) gets JSON errors, not a page.
fn wants_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.starts_with("application/json"))
}

/// API clients get JSON errors and no cookies.
pub fn is_api(path: &str) -> bool {
    path.starts_with("/api/") || path == "/healthz"
}

/// Routes that match nothing.
pub async fn not_found() -> AppError {
    AppError::NotFound
}
