//! `GET /api/v1/audit`: the audit log for admins, filtered and paged like every list.

use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::api::{ErrorEnvelope, Query};
use crate::domain::audit::query::{self, AuditEntry, AuditQuery};
use crate::domain::paging::{PageQuery, Paged};
use crate::error::AppResult;
use crate::web::auth_extract::{Admin, Require};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_audit))
}

/// Audit entries, newest first (admins only). `from`/`to` take a day (`to` included) or an
/// RFC 3339 instant; `user` an account's id or email. `changes` is `{field: [old, new]}`.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery, PageQuery),
    responses((status = 200, body = Paged<AuditEntry>), (status = 422, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope)))]
async fn list_audit(
    State(state): State<AppState>,
    _admin: Require<Admin>,
    paging: PageQuery,
    Query(filter): Query<AuditQuery>,
) -> AppResult<Json<Paged<AuditEntry>>> {
    Ok(Json(query::list(&state.db, &filter, paging).await?))
}
