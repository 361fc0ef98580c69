//! Sending invitations as a background job: `POST …/invitations/send` answers 202 with the job,
//! `GET …/jobs/{job}` follows its progress.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::api::{ErrorEnvelope, Path};
use crate::domain::jobs::{self, Job};
use crate::error::AppResult;
use crate::web::auth_extract::{AnyRole, Organizer, Require};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(send_invitations))
        .routes(routes!(get_job))
}

/// Queue an invitation (iMIP REQUEST) for every guest with an email address and consent who has
/// not had one. Queueing runs as a background job: the answer comes at once (202) with the job,
/// whose `status` is `running` until every invitation is queued (`done` counts them), then
/// `done`; follow it at the `Location` given. A second call while a send runs returns the same
/// job and queues nothing twice. Delivery then goes on in the background (see `delivery` on each
/// invitation).
#[utoipa::path(post, path = "/api/v1/events/{id}/invitations/send", tag = "invitations", params(("id" = i32, Path)),
    responses((status = 202, body = Job, headers(("Location" = String, description = "The job resource"))),
        (status = 409, body = ErrorEnvelope)))]
async fn send_invitations(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    user: Require<Organizer>,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let job = crate::jobs::start_send(&state, id, &user.user, &who).await?;
    let location = format!("/api/v1/events/{id}/jobs/{}", job.id);
    Ok((StatusCode::ACCEPTED, [(header::LOCATION, location)], Json(job)).into_response())
}

/// One background job of the event, with its progress.
#[utoipa::path(get, path = "/api/v1/events/{id}/jobs/{job}", tag = "invitations",
    params(("id" = i32, Path), ("job" = i32, Path)),
    responses((status = 200, body = Job), (status = 404, body = ErrorEnvelope)))]
async fn get_job(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    Path((id, job)): Path<(i32, i32)>,
) -> AppResult<Json<Job>> {
    Ok(Json(jobs::get(&state.db, id, job).await?))
}
