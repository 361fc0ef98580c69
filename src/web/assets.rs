//! The stylesheet and scripts, compiled into the binary so an install is one file.

use axum::Router;
use axum::extract::Path;
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

async fn asset(Path(file): Path<String>) -> Response {
    let (content_type, body) = if file == "app.css" {
        ("text/css; charset=utf-8", STYLESHEET)
    } else if let Some((_, body)) = STYLESHEETS.iter().find(|(name, _)| *name == file) {
        ("text/css; charset=utf-8", *body)
    } else if let Some((_, body)) = SCRIPTS.iter().find(|(name, _)| *name == file) {
        ("text/javascript; charset=utf-8", *body)
    } else {
        return StatusCode::NOT_FOUND.into_response();
    };
    (
        [(CONTENT_TYPE, content_type), (CACHE_CONTROL, "public, max-age=3600")],
        body,
    )
        .into_response()
}
