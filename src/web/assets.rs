//! The stylesheet and scripts, compiled into the binary so an install is one file.

use axum::Router;
use axum::extract::{Path, RawQuery};
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/static/{file}", get(asset))
}

/// One stylesheet for every page (one request on a slow link), assembled from a file per feature area.
const STYLESHEET: &str = concat!(
    include_str!("../../static/app.css"),
    include_str!("../../static/css/checkin.css"),
    include_str!("../../static/css/stats.css"),
    include_str!("../../static/css/debates.css"),
    include_str!("../../static/css/reports.css"),
    include_str!("../../static/css/review.css"),
);

/// Scripts are small and only loaded by the pages that need them.
const SCRIPTS: &[(&str, &str)] = &[
    ("checkin.js", include_str!("../../static/js/checkin.js")),
    ("notes.js", include_str!("../../static/js/notes.js")),
    ("import.js", include_str!("../../static/js/import.js")),
    ("headcount.js", include_str!("../../static/js/headcount.js")),
    ("progress.js", include_str!("../../static/js/progress.js")),
    ("print.js", include_str!("../../static/js/print.js")),
];

/// Stylesheets of pages that do not use the site layout (printed letters).
const STYLESHEETS: &[(&str, &str)] = &[("letters.css", include_str!("../../static/css/letters.css"))];

/// The asset's URL with a fingerprint of its content: a new build changes the URL, so browsers
/// may keep each version for a year (`immutable`) and still never run a stale script.
pub fn url(file: &str) -> String {
    match body_of(file) {
        Some((_, body)) => format!("/static/{file}?v={}", fingerprint(body)),
        None => format!("/static/{file}"),
    }
}

/// FNV-1a of the content, in hex: enough to tell builds apart, computed once per asset.
fn fingerprint(body: &'static str) -> &'static str {
    use std::collections::HashMap;
    use std::sync::{LazyLock, Mutex};
    static PRINTS: LazyLock<Mutex<HashMap<usize, &'static str>>> = LazyLock::new(Default::default);
    let mut prints = PRINTS.lock().unwrap_or_else(|e| e.into_inner());
    prints.entry(body.as_ptr() as usize).or_insert_with(|| {
        let hash = body.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        Box::leak(format!("{hash:016x}").into_boxed_str())
    })
}

fn body_of(file: &str) -> Option<(&'static str, &'static str)> {
    if file == "app.css" {
        Some(("text/css; charset=utf-8", STYLESHEET))
    } else if let Some((_, body)) = STYLESHEETS.iter().find(|(name, _)| *name == file) {
        Some(("text/css; charset=utf-8", *body))
    } else {
        SCRIPTS
            .iter()
            .find(|(name, _)| *name == file)
            .map(|(_, body)| ("text/javascript; charset=utf-8", *body))
    }
}

async fn asset(Path(file): Path<String>, RawQuery(query): RawQuery) -> Response {
    let Some((content_type, body)) = body_of(&file) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    // Only the URL of this very content may be kept for good; an old or bare URL is rechecked hourly.
    let current = query.as_deref().and_then(|q| q.strip_prefix("v=")) == Some(fingerprint(body));
    let cache = if current {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=3600"
    };
    ([(CONTENT_TYPE, content_type), (CACHE_CONTROL, cache)], body).into_response()
}
