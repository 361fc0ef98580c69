//! The JSON API under `/api/v1`, its OpenAPI document and the health check.

mod actors;
mod attendance;
mod attendance_stats;
mod audit;
mod debates;
mod errors_doc;
mod events;
mod extract;
mod jobs;
mod json;
mod rejections;
mod reports;
mod review;
mod venues;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

pub use extract::{Path, Query, RawBody};
pub use json::ApiJson;

use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "Toguna API", description = "Dialogue events of participatory peace research."),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    components(schemas(ErrorEnvelope, ErrorDetail))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// `{"error": {"code", "message", "fields"}}`, the shape of every API error.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ErrorEnvelope {
    error: ErrorDetail,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ErrorDetail {
    /// A stable machine-readable code, e.g. `validation_failed`.
    code: String,
    message: String,
    /// Field name → what is wrong with it; absent when no field is to blame.
    fields: Option<std::collections::BTreeMap<String, String>>,
    /// A file's errors by line (CSV import), absent otherwise.
    lines: Option<Vec<crate::error::RowError>>,
}

/// The API routes and the OpenAPI document built from the same annotations.
pub fn router() -> Router<AppState> {
    let (router, mut openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(venues::router())
        .merge(actors::router())
        .merge(events::router())
        .merge(jobs::router())
        .merge(attendance::router())
        .merge(attendance_stats::router())
        .merge(debates::router())
        .merge(reports::router())
        .merge(review::router())
        .merge(audit::router())
        .routes(utoipa_axum::routes!(health))
        .split_for_parts();
    // After the merge: the routers bring the operations this walks over.
    errors_doc::CommonErrors.modify(&mut openapi);
    let openapi = std::sync::Arc::new(openapi);
    let router = router.route(
        "/api/openapi.json",
        get(move || {
            let openapi = openapi.clone();
            async move { Json(openapi.as_ref().clone()) }
        }),
    );
    #[cfg(debug_assertions)]
    let router = router
        .route("/api/debug/panic", get(debug_panic))
        .route("/debug/panic", get(debug_panic));
    router.layer(axum::middleware::from_fn(rejections::json_errors))
}

/// A handler that panics, so tests can see what the catch-panic layer answers.
/// Debug builds only: a release build has no such route.
#[cfg(debug_assertions)]
async fn debug_panic() -> StatusCode {
    panic!("debug route: a deliberate panic")
}

/// The body of `/healthz`.
#[derive(serde::Serialize, utoipa::ToSchema)]
struct Health {
    /// `ok`; `degraded` when the outbox worker of this process is stalled; `unavailable`
    /// when the database does not answer.
    status: &'static str,
    worker: Option<crate::mail::health::WorkerReport>,
}

/// Health check: the database answers and the outbox worker makes progress.
///
/// 200 `ok` while healthy; 503 `degraded` when messages have been due for longer than
/// `TOGUNA_WORKER_STALL_SECONDS` and this process's worker has finished no cycle for as long;
/// 503 `unavailable` when the database does not answer. A process without a worker
/// (`TOGUNA_WORKER=off`) says `elsewhere` and stays 200. Counts are at most a second old.
#[utoipa::path(get, path = "/healthz", tag = "health", security(()),
    responses((status = 200, body = Health), (status = 503, body = Health)))]
async fn health(State(state): State<AppState>) -> impl IntoResponse {
    use crate::mail::health::{WorkerState, report};
    match report(&state.db, &state.worker_health, &state.settings.outbox).await {
        Ok(worker) => {
            let (code, status) = match worker.state {
                WorkerState::Stalled => (StatusCode::SERVICE_UNAVAILABLE, "degraded"),
                WorkerState::Running | WorkerState::Elsewhere => (StatusCode::OK, "ok"),
            };
            (
                code,
                Json(Health {
                    status,
                    worker: Some(worker),
                }),
            )
        }
        Err(err) => {
            tracing::error!(error = %err, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Health {
                    status: "unavailable",
                    worker: None,
                }),
            )
        }
    }
}
