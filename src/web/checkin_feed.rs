//! The check-in desk's guest data: a 304 while nothing changed, otherwise the whole list streamed in pages.

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::{StreamExt, stream};

use crate::AppState;
use crate::domain::attendance::{self, feed};
use crate::domain::vocab::ActorCategory;
use crate::error::AppResult;
use crate::web::auth_extract::{Organizer, Require};
use crate::web::page::Page;

/// Everything the page's script needs to search offline:
/// `{"at": ms, "cats": [labels], "guests": [[id, name, honorific, organization, category, present], …]}`,
/// where `at` is when the server read the list (marks sent after it are not in it yet).
/// The validator is read first, so a mark made while the pages stream makes the next visit download again.
pub async fn guest_data(
    State(state): State<AppState>,
    _user: Require<Organizer>,
    page: Page,
    headers: HeaderMap,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    attendance::open_event(&state.db, id).await?;
    let version = feed::version(&state.db, id).await?;
    // The labels are in the page's language: a desk that switches language downloads again.
    let etag = format!("W/\"{}.{}\"", version.tag(), page.lang.code());
    // The page's script and its service worker keep their own copy and revalidate it each visit.
    let mut response = if matches(&headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let at = chrono::Utc::now().timestamp_millis();
        let cats: Vec<&str> = ActorCategory::ALL
            .iter()
            .map(|c| page.t(c.label_key().as_str()))
            .collect();
        // A list of strings always serializes.
        let cats = serde_json::to_string(&cats).unwrap_or_else(|_| "[]".into());
        let head = format!("{{\"at\":{at},\"cats\":{cats},\"guests\":[");
        let rows = feed::pages(state.db.clone(), id).enumerate().map(|(n, page)| {
            page.map(|guests| json_rows(n > 0, &guests)).map_err(|e| {
                // The headers are sent: the client sees a cut body and keeps its copy; say why here.
                tracing::error!(error = %e, "check-in guest data cut short");
                std::io::Error::other(e)
            })
        });
        let body = stream::once(async { Ok(Bytes::from(head)) })
            .chain(rows)
            .chain(stream::once(async { Ok(Bytes::from_static(b"]}")) }));
        let mut response = Body::from_stream(body).into_response();
        response
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        response
    };
    let headers = response.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(ETAG, value);
    }
    Ok(response)
}

/// One page of rows as JSON array items, after a comma unless it is the first page.
fn json_rows(after_others: bool, guests: &[feed::CompactGuest]) -> Bytes {
    let mut out = Vec::with_capacity(guests.len() * 64);
    for (i, guest) in guests.iter().enumerate() {
        if after_others || i > 0 {
            out.push(b',');
        }
        // A tuple struct of numbers and strings always serializes.
        if serde_json::to_writer(&mut out, guest).is_err() {
            out.extend_from_slice(b"null");
        }
    }
    Bytes::from(out)
}

/// `If-None-Match` names this tag (weak comparison, as for a GET), or `*`.
fn matches(headers: &HeaderMap, etag: &str) -> bool {
    let ours = etag.trim_start_matches("W/");
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == ours)
}
