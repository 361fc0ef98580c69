//! The one error type of the application, rendered as JSON here and as a page by `web::errors`.

use std::collections::BTreeMap;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sea_orm::{DbErr, SqlErr};
use serde::Serialize;

use crate::i18n::Lang;

/// Field name → message key (from the catalogs), in a stable order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FieldErrors(pub BTreeMap<String, String>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &str, message_key: &str) {
        self.0
            .entry(field.to_string())
            .or_insert_with(|| message_key.to_string());
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    /// `Ok(value)` when nothing was added, the errors otherwise.
    pub fn into_result<T>(self, value: T) -> Result<T, AppError> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(AppError::Validation(self))
        }
    }

    /// The messages in one language, for JSON bodies and form pages.
    /// A value that is no catalog key (a JSON parser's own words) is shown as it is.
    pub fn translated(&self, lang: Lang) -> BTreeMap<String, String> {
        self.0
            .iter()
            .map(|(field, key)| {
                let text = lang.lookup(key).map(str::to_string).unwrap_or_else(|| key.clone());
                (field.clone(), text)
            })
            .collect()
    }
}

/// One problem on one line of an uploaded file; `message` is a catalog key until rendered.
#[derive(Clone, Debug, Serialize, PartialEq, utoipa::ToSchema)]
pub struct RowError {
    pub line: u64,
    pub field: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("invalid input: {0:?}")]
    Validation(FieldErrors),
    #[error("invalid rows: {} errors", .0.len())]
    InvalidRows(Vec<RowError>),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("not signed in")]
    Unauthorized,
    #[error("role not allowed")]
    Forbidden,
    #[error("invalid or missing CSRF token")]
    Csrf,
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("too many attempts")]
    RateLimited,
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("database error: {0}")]
    Database(#[from] DbErr),
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Validation(_) | AppError::InvalidRows(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Database(_) => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::Validation(_) | AppError::InvalidRows(_) => "validation_failed",
            AppError::BadRequest(_) => "bad_request",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::Csrf => "csrf_failed",
            AppError::NotFound => "not_found",
            AppError::Conflict(_) => "conflict",
            AppError::RateLimited => "rate_limited",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::Database(_) => "internal",
            AppError::Internal(_) => "internal",
        }
    }

    /// The catalog key of the user-facing message.
    pub fn message_key(&self) -> &str {
        match self {
            AppError::Validation(_) => "error.validation",
            AppError::InvalidRows(_) => "import.invalid",
            AppError::BadRequest(_) => "error.bad_request",
            AppError::Unauthorized => "error.unauthorized",
            AppError::Forbidden => "error.forbidden",
            AppError::Csrf => "error.csrf",
            AppError::NotFound => "error.not_found",
            AppError::Conflict(key) => key,
            AppError::RateLimited => "error.rate_limited",
            AppError::PayloadTooLarge => "error.payload_too_large",
            AppError::MethodNotAllowed => "api.method_not_allowed",
            AppError::Database(_) | AppError::Internal(_) => "error.internal",
        }
    }

    /// A body that could not be read: 413 when it went over the size limit, 400 otherwise.
    pub fn unreadable_body(status: StatusCode, text: String) -> AppError {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge
        } else {
            AppError::BadRequest(text)
        }
    }

    /// Turns a unique-constraint violation into a 422 on `field`; other errors pass through.
    pub fn unique_violation_on(err: DbErr, field: &str, message_key: &str) -> AppError {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                let mut errors = FieldErrors::new();
                errors.add(field, message_key);
                AppError::Validation(errors)
            }
            _ => AppError::Database(err),
        }
    }
}

/// What the HTML layer needs to render the error as a page in the reader's language.
#[derive(Clone, Debug)]
pub struct RenderedError {
    pub status: StatusCode,
    pub message_key: String,
    pub detail: Option<String>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    code: &'a str,
    message: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    fields: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    lines: Vec<RowError>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            // A database error may quote the row's values.
            tracing::error!(error = %crate::log_mask::text(&format!("{self:?}")), "request failed");
        }
        let fields = match &self {
            AppError::Validation(errors) => errors.translated(Lang::En),
            _ => BTreeMap::new(),
        };
        let detail = match &self {
            AppError::BadRequest(text) => Some(text.clone()),
            _ => None,
        };
        let mut message = Lang::En.t(self.message_key()).to_string();
        if let Some(text) = &detail {
            message = format!("{message}: {text}");
        }
        let lines = match &self {
            AppError::InvalidRows(rows) => rows
                .iter()
                .map(|r| RowError {
                    message: Lang::En.lookup(&r.message).unwrap_or(&r.message).to_string(),
                    ..r.clone()
                })
                .collect(),
            _ => Vec::new(),
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code(),
                message,
                fields,
                lines,
            },
        };
        let mut response = (status, Json(body)).into_response();
        response.extensions_mut().insert(RenderedError {
            status,
            message_key: self.message_key().to_string(),
            detail,
        });
        response
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// What the catch-panic layer answers: a 500 like any internal error, logged once by its rendering.
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into());
    AppError::Internal(anyhow::anyhow!("request handler panicked: {message}")).into_response()
}
