//! Builds the audit log's `Who` (the signed-in caller and the client's IP) for pages and the API.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::request::Parts;

use crate::AppState;
use crate::domain::audit::Who;
use crate::error::AppError;
use crate::web::auth_extract::MaybeUser;

/// The peer address as the server accepted it (no proxy header is trusted, as for login throttling).
pub fn client_ip(parts: &Parts) -> String {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| peer.ip().to_string())
        .unwrap_or_default()
}

/// The caller as a user when signed in (session or bearer token), else a visitor known only by IP.
impl<S> FromRequestParts<S> for Who
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ip = client_ip(parts);
        let MaybeUser(current) = MaybeUser::from_request_parts(parts, state).await?;
        Ok(match current {
            Some(current) => Who::user(current.user.id, ip),
            None => Who { ip, ..Who::default() },
        })
    }
}
