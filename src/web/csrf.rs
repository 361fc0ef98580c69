//! CSRF protection for every state-changing form: a signed double-submit token.
//!
//! Each browser gets a random `toguna_csrf` cookie; forms carry HMAC(secret, cookie).
//! A cross-site page can neither read the cookie nor compute the token.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_TYPE, SET_COOKIE};
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};

use crate::AppState;
use crate::domain::secrets;
use crate::error::AppError;

pub const CSRF_COOKIE: &str = "toguna_csrf";
pub const CSRF_FIELD: &str = "csrf_token";
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Forms are small; larger bodies (file uploads) send the token in the header or query.
const FORM_LIMIT: usize = 2 * 1024 * 1024;

/// The token that forms of this request must carry, for the templates.
#[derive(Clone, Debug)]
pub struct CsrfToken(pub String);

pub fn token_for(secret: &[u8], cookie_value: &str) -> String {
    hex::encode(secrets::sign(secret, cookie_value.as_bytes()))
}

fn tokens_match(secret: &[u8], cookie_value: &str, submitted: &str) -> bool {
    let expected = secrets::sign(secret, cookie_value.as_bytes());
    hex::decode(submitted).is_ok_and(|bytes| secrets::same_bytes(&expected, &bytes))
}

pub async fn protect(State(state): State<AppState>, jar: CookieJar, request: Request, next: Next) -> Response {
    // The API authenticates with bearer tokens, which a cross-site form cannot send.
    if crate::web::errors::is_api(request.uri().path()) {
        return next.run(request).await;
    }
    let existing = jar
        .get(CSRF_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| v.len() >= 32);
    let cookie_value = existing.clone().unwrap_or_else(secrets::random_token);
    let secret = state.settings.secret.as_slice();

    let mut request = request;
    if !is_safe(request.method()) {
        let (verified, rebuilt) = match &existing {
            Some(value) => verify(secret, value, request).await,
            None => (false, None),
        };
        match (verified, rebuilt) {
            (true, Some(r)) => request = r,
            _ => {
                tracing::info!("form refused: CSRF token missing or wrong");
                return AppError::Csrf.into_response();
            }
        }
    }
    let token = CsrfToken(token_for(secret, &cookie_value));
    request.extensions_mut().insert(token.clone());

    let mut response = next.run(request).await;
    // The error pages are rendered outside this layer and need the token for their forms.
    response.extensions_mut().insert(token);
    if existing.is_none() {
        let cookie = Cookie::build((CSRF_COOKIE, cookie_value))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(state.settings.secure_cookies())
            .build();
        if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    response
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Looks for the token in the header, the query, then a url-encoded body (put back afterwards).
async fn verify(secret: &[u8], cookie_value: &str, request: Request) -> (bool, Option<Request>) {
    let from_header = request
        .headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let from_query = request.uri().query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == CSRF_FIELD)
            .map(|(_, v)| v.into_owned())
    });
    if let Some(token) = from_header.or(from_query) {
        return (tokens_match(secret, cookie_value, &token), Some(request));
    }
    let is_form = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return (false, Some(request));
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, FORM_LIMIT).await else {
        return (false, None);
    };
    let submitted = url::form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == CSRF_FIELD)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let ok = tokens_match(secret, cookie_value, &submitted);
    (ok, Some(Request::from_parts(parts, Body::from(bytes))))
}
