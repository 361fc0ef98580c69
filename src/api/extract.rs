//! Path, query and body extractors whose rejections are API errors that name the field.

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::domain::paging::PageQuery;
use crate::error::{AppError, FieldErrors};

/// Like axum's `Path`, but an unreadable segment is a 422 naming the parameter (`id`, `inv`…).
pub struct Path<T>(pub T);

impl<S, T> FromRequestParts<S> for Path<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(PathRejection::FailedToDeserializePathParams(err)) if err.status().is_client_error() => {
                let names: Vec<String> = match RawPathParams::from_request_parts(parts, state).await {
                    Ok(params) => params.iter().map(|(name, _)| name.to_string()).collect(),
                    Err(_) => Vec::new(),
                };
                let message = err.body_text();
                let message = message.strip_prefix("Invalid URL: ").unwrap_or(&message);
                let field = match err.into_kind() {
                    axum::extract::path::ErrorKind::ParseErrorAtKey { key, .. }
                    | axum::extract::path::ErrorKind::InvalidUtf8InPathParam { key }
                    | axum::extract::path::ErrorKind::DeserializeError { key, .. } => Some(key),
                    axum::extract::path::ErrorKind::ParseErrorAtIndex { index, .. } => names.get(index).cloned(),
                    axum::extract::path::ErrorKind::ParseError { .. } => names.first().cloned(),
                    _ => None,
                };
                let mut errors = FieldErrors::new();
                errors.add(field.as_deref().unwrap_or("path"), message);
                Err(AppError::Validation(errors))
            }
            // A route whose parameters do not fit its handler is our bug, not the client's.
            Err(other) => Err(AppError::Internal(anyhow::anyhow!(
                "path parameters: {}",
                other.body_text()
            ))),
        }
    }
}

/// Like axum's `Query`, but an unreadable value is a 422 naming the field.
pub struct Query<T>(pub T);

impl<S, T> FromRequestParts<S> for Query<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let deserializer = serde_urlencoded::Deserializer::new(url::form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer)
            .map(Query)
            .map_err(|err| {
                let path = err.path().to_string();
                let field = if path == "." { "query".to_string() } else { path };
                let mut errors = FieldErrors::new();
                errors.add(&field, &err.into_inner().to_string());
                AppError::Validation(errors)
            })
    }
}

/// `?page=&per_page=` read strictly: out of range is a 422 on that field (pages clamp instead).
impl<S> FromRequestParts<S> for PageQuery
where
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Query(paging) = Query::<PageQuery>::from_request_parts(parts, state).await?;
        paging.check()
    }
}

/// The raw request body (CSV uploads); over the body limit it is a 413.
pub struct RawBody(pub Bytes);

impl<S> FromRequest<S> for RawBody
where
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        Bytes::from_request(request, state)
            .await
            .map(RawBody)
            .map_err(|e| AppError::unreadable_body(e.status(), e.body_text()))
    }
}
