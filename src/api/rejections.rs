//! The last net under `/api`: an error answer that is not yet the JSON error shape becomes it.
//!
//! The extractors of `api::extract` already answer in that shape; this catches what is produced
//! outside them: axum's 405 for a method a route lacks, and any plain-text rejection left over.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::http::header::{ALLOW, CONTENT_TYPE};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::{AppError, RenderedError};

/// Plain-text rejections are one short sentence; more is not worth reading.
const TEXT_LIMIT: usize = 4096;

pub async fn json_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_error = status.is_client_error() || status.is_server_error();
    // Handlers' own JSON answers (a 409 carrying both texts of a stale edit) are already right.
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"));
    if !is_error || is_json || response.extensions().get::<RenderedError>().is_some() {
        return response;
    }
    let allow = response.headers().get(ALLOW).cloned();
    let error = match status {
        StatusCode::METHOD_NOT_ALLOWED => AppError::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
        StatusCode::NOT_FOUND => AppError::NotFound,
        StatusCode::UNAUTHORIZED => AppError::Unauthorized,
        StatusCode::FORBIDDEN => AppError::Forbidden,
        s if s.is_server_error() => AppError::Internal(anyhow::anyhow!("{s} answered without an error body")),
        _ => {
            let text = axum::body::to_bytes(response.into_body(), TEXT_LIMIT)
                .await
                .map(|b| String::from_utf8_lossy(&b).trim().to_string())
                .unwrap_or_default();
            AppError::BadRequest(text)
        }
    };
    let mut rendered = error.into_response();
    // The shape changes, the status does not (a 415 stays a 415).
    *rendered.status_mut() = status;
    if let Some(allow) = allow {
        rendered.headers_mut().insert(ALLOW, allow);
    }
    rendered
}
