//! CSRF protection for every state-changing form: a token bound to the session, and an `Origin` check.
//!
//! Signed in, forms carry HMAC(secret, session cookie); before sign-in, HMAC(secret, a random
//! visitor cookie) that is replaced at sign-in and sign-out. So a token works only with the
//! session it was issued for: one planted with an attacker's own cookie, or kept from before
//! a sign-out, is refused. A cross-site page can neither read the cookies nor compute the token,
//! and the browser's `Origin` and `Sec-Fetch-Site` headers turn cross-site posts away first.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, HOST, ORIGIN, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};

use crate::AppState;
use crate::config::Settings;
use crate::domain::secrets;
use crate::error::{AppError, RenderedError};
use crate::web::auth_extract::session_cookie_name;

pub const CSRF_FIELD: &str = "csrf_token";
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Forms are small; larger bodies (file uploads) send the token in the header or query.
const FORM_LIMIT: usize = 2 * 1024 * 1024;

/// The token that forms of this request must carry, for the templates.
#[derive(Clone, Debug)]
pub struct CsrfToken(pub String);

/// `__Host-` under HTTPS: the browser then refuses the cookie from a sibling domain or over HTTP.
pub fn csrf_cookie_name(settings: &Settings) -> &'static str {
    if settings.secure_cookies() {
        "__Host-toguna_csrf"
    } else {
        "toguna_csrf"
    }
}

/// A new visitor cookie, set when none exists and at every sign-in and sign-out.
pub fn fresh_visitor_cookie(settings: &Settings) -> Cookie<'static> {
    Cookie::build((csrf_cookie_name(settings), secrets::random_token()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(settings.secure_cookies())
        .build()
}

/// What the token is bound to: the session when there is one, else the visitor cookie.
fn binding(jar: &CookieJar, settings: &Settings) -> Option<String> {
    if let Some(session) = jar.get(session_cookie_name(settings)) {
        return Some(format!("session:{}", session.value()));
    }
    jar.get(csrf_cookie_name(settings))
        .map(|c| c.value())
        .filter(|v| v.len() >= 32)
        .map(|v| format!("visitor:{v}"))
}

fn token_for(secret: &[u8], binding: &str) -> String {
    hex::encode(secrets::sign(secret, binding.as_bytes()))
}

fn tokens_match(secret: &[u8], binding: &str, submitted: &str) -> bool {
    let expected = secrets::sign(secret, binding.as_bytes());
    hex::decode(submitted).is_ok_and(|bytes| secrets::same_bytes(&expected, &bytes))
}

pub async fn protect(State(state): State<AppState>, jar: CookieJar, request: Request, next: Next) -> Response {
    // The API authenticates with bearer tokens, which a cross-site form cannot send.
    if crate::web::errors::is_api(request.uri().path()) {
        return next.run(request).await;
    }
    let settings = state.settings.as_ref();
    let secret = settings.secret.as_slice();
    let existing = binding(&jar, settings);

    let mut request = request;
    if !is_safe(request.method()) {
        if comes_from_another_site(request.headers(), settings) {
            tracing::info!("form refused: posted from another site");
            return AppError::Csrf.into_response();
        }
        let Some(bound_to) = &existing else {
            tracing::info!("form refused: no CSRF cookie");
            return AppError::Csrf.into_response();
        };
        // A page's script whose session ended (signed out in another tab) is told so with a 401,
        // which it turns into "sign in again"; the request is refused all the same.
        let signed_out_script =
            request.headers().contains_key(CSRF_HEADER) && jar.get(session_cookie_name(settings)).is_none();
        request = match verify(secret, bound_to, request).await {
            Ok(request) => request,
            Err(AppError::Csrf) if signed_out_script => {
                // Without its page marker the 401 stays JSON, not a sign-in redirect the script cannot read.
                let mut response = AppError::Unauthorized.into_response();
                response.extensions_mut().remove::<RenderedError>();
                return response;
            }
            Err(refusal) => {
                tracing::info!(reason = %refusal, "form refused");
                return refusal.into_response();
            }
        };
    }
    let new_visitor = existing.is_none().then(|| fresh_visitor_cookie(settings));
    let bound_to = match (&existing, &new_visitor) {
        (Some(bound_to), _) => bound_to.clone(),
        (None, Some(cookie)) => format!("visitor:{}", cookie.value()),
        (None, None) => String::new(),
    };
    let token = CsrfToken(token_for(secret, &bound_to));
    request.extensions_mut().insert(token.clone());

    let mut response = next.run(request).await;
    // The error pages are rendered outside this layer and need the token for their forms.
    response.extensions_mut().insert(token);
    let handler_set_one = response.headers().get_all(SET_COOKIE).iter().any(|v| {
        v.to_str()
            .is_ok_and(|s| s.starts_with(&format!("{}=", csrf_cookie_name(settings))))
    });
    if let Some(cookie) = new_visitor.filter(|_| !handler_set_one)
        && let Ok(value) = HeaderValue::from_str(&cookie.to_string())
    {
        response.headers_mut().append(SET_COOKIE, value);
    }
    response
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Browsers say where a request comes from; clients that say nothing still need the token.
fn comes_from_another_site(headers: &HeaderMap, settings: &Settings) -> bool {
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if matches!(fetch_site, Some("cross-site" | "same-site")) {
        return true;
    }
    let Some(origin) = headers.get(ORIGIN) else {
        return false;
    };
    let Ok(origin) = origin.to_str() else {
        return true;
    };
    let ours = url::Url::parse(&settings.base_url)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_default();
    // The host the browser addressed also counts, so a deployment reached by another name keeps working.
    let addressed = headers.get(HOST).and_then(|v| v.to_str().ok()).is_some_and(|host| {
        origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"))
            .is_some_and(|rest| rest.eq_ignore_ascii_case(host))
    });
    !(origin == ours || addressed)
}

/// Looks for the token in the header, the query, then a url-encoded body (put back afterwards).
async fn verify(secret: &[u8], bound_to: &str, request: Request) -> Result<Request, AppError> {
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
        return if tokens_match(secret, bound_to, &token) {
            Ok(request)
        } else {
            Err(AppError::Csrf)
        };
    }
    let is_form = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(AppError::Csrf);
    }
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > FORM_LIMIT) {
        return Err(AppError::PayloadTooLarge);
    }
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, FORM_LIMIT).await.map_err(|err| {
        if err.into_inner().is::<http_body_util::LengthLimitError>() {
            AppError::PayloadTooLarge
        } else {
            AppError::BadRequest("body".into())
        }
    })?;
    let submitted = url::form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == CSRF_FIELD)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    if tokens_match(secret, bound_to, &submitted) {
        Ok(Request::from_parts(parts, Body::from(bytes)))
    } else {
        Err(AppError::Csrf)
    }
}
