//! `/api/v1/reports/{id}/outcomes`, `/api/v1/outcomes/{id}/decision` and traceability in JSON.

use crate::api::{Path, Query};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::api::{ApiJson, ErrorEnvelope};
use crate::domain::paging::{PageQuery, Paged};
use crate::domain::review::decisions::{self, Decided, DecisionInput, StaleSection};
use crate::domain::review::history::{self, SectionHistory};
use crate::domain::review::inbox::{self, InboxFilter};
use crate::domain::review::traceability::{self, Traceability};
use crate::domain::review::undo::{self, UndoOffer};
use crate::domain::review::{ReviewItem, ReviewedOutcome};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::web::auth_extract::{AnyRole, Editor, Require};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_report_outcomes))
        .routes(routes!(decide_outcome))
        .routes(routes!(get_undo_offer))
        .routes(routes!(get_traceability))
        .routes(routes!(get_section_history))
}

/// The review inbox: a report's outcomes across all its events, in reading order (section, event
/// date). Without `status`, those awaiting a decision (open and deferred).
#[utoipa::path(get, path = "/api/v1/reports/{id}/outcomes", tag = "review",
    params(("id" = i32, Path), InboxFilter, PageQuery),
    responses((status = 200, body = Paged<ReviewItem>), (status = 422, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope)))]
async fn list_report_outcomes(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    Path(id): Path<i32>,
    Query(filter): Query<InboxFilter>,
    paging: PageQuery,
) -> AppResult<Json<Paged<ReviewItem>>> {
    Ok(Json(inbox::list(&state.db, id, &filter, paging).await?))
}

/// A refused decision: the error, plus what the client needs to resolve it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DecisionConflict {
    error: ConflictDetail,
    /// With a stale section edit: the stored section and the refused text.
    #[serde(skip_serializing_if = "Option::is_none")]
    section: Option<StaleSection>,
    /// With an outcome a published version took on board: that version's number.
    #[serde(skip_serializing_if = "Option::is_none")]
    report_version: Option<i32>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct ConflictDetail {
    code: &'static str,
    message: String,
}

/// Accept (optionally with the section's new text over `section_version`), reject, defer, or reopen
/// (`"open"`) an outcome, with a rationale (admin, editor). 409 when the section moved on (both
/// texts returned, nothing saved) or when a published version made the decision final.
#[utoipa::path(post, path = "/api/v1/outcomes/{id}/decision", tag = "review", params(("id" = i32, Path)),
    request_body = DecisionInput,
    responses((status = 200, body = ReviewedOutcome), (status = 409, body = DecisionConflict),
        (status = 422, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
async fn decide_outcome(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    user: Require<Editor>,
    Path(id): Path<i32>,
    ApiJson(input): ApiJson<DecisionInput>,
) -> AppResult<Response> {
    let decided = decisions::decide(&state.db, None, &[id], Some(&user.user), &input, &who).await?;
    Ok(match decided {
        Decided::Done(outcomes) => Json(outcomes.into_iter().next()).into_response(),
        Decided::Stale(stale) => conflict(Lang::En.t("review.section_stale").into(), Some(*stale), None),
        Decided::Final { version, .. } => conflict(
            Lang::En.tf("review.decided_in_version", &[("version", &version)]),
            None,
            Some(version),
        ),
    })
}

/// What reopening this accepted outcome could restore: the section text its acceptance replaced,
/// the text now, and the word diff between them (404 when the acceptance edited no section).
#[utoipa::path(get, path = "/api/v1/outcomes/{id}/undo", tag = "review", params(("id" = i32, Path)),
    responses((status = 200, body = UndoOffer), (status = 404, body = ErrorEnvelope)))]
async fn get_undo_offer(
    State(state): State<AppState>,
    _user: Require<Editor>,
    Path(id): Path<i32>,
) -> AppResult<Json<UndoOffer>> {
    Ok(Json(undo::offer(&state.db, id).await?.ok_or(AppError::NotFound)?))
}

fn conflict(message: String, section: Option<StaleSection>, report_version: Option<i32>) -> Response {
    let body = DecisionConflict {
        error: ConflictDetail {
            code: "conflict",
            message,
        },
        section,
        report_version,
    };
    (StatusCode::CONFLICT, Json(body)).into_response()
}

/// Sections × events (outcomes, accepted) and the uptake by actor category and by region:
/// `share` = accepted / (accepted + rejected), open and deferred outcomes counted apart.
#[utoipa::path(get, path = "/api/v1/reports/{id}/traceability", tag = "review", params(("id" = i32, Path)),
    responses((status = 200, body = Traceability), (status = 404, body = ErrorEnvelope)))]
async fn get_traceability(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    Path(id): Path<i32>,
) -> AppResult<Json<Traceability>> {
    Ok(Json(traceability::traceability(&state.db, id).await?))
}

/// A section's text in every published version and every outcome about it with its decisions.
#[utoipa::path(get, path = "/api/v1/reports/{id}/sections/{section}/history", tag = "review",
    params(("id" = i32, Path), ("section" = i32, Path)),
    responses((status = 200, body = SectionHistory), (status = 404, body = ErrorEnvelope)))]
async fn get_section_history(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    Path((id, section)): Path<(i32, i32)>,
) -> AppResult<Json<SectionHistory>> {
    Ok(Json(history::section_history(&state.db, id, section).await?))
}
