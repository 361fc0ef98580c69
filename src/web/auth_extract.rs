//! Who is calling: the session cookie for pages, a bearer token for the API, and role checks.

use std::marker::PhantomData;

use axum::extract::{FromRef, FromRequestParts, OriginalUri};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum_extra::extract::CookieJar;

use crate::AppState;
use crate::domain::users::{Role, User};
use crate::domain::{api_tokens, sessions};
use crate::error::AppError;

/// `__Host-` under HTTPS: Secure, Path=/ and no Domain, so no sibling site can plant or overwrite it.
pub fn session_cookie_name(settings: &crate::config::Settings) -> &'static str {
    if settings.secure_cookies() {
        "__Host-toguna_session"
    } else {
        "toguna_session"
    }
}

/// The signed-in caller, and the session secret when they came with a cookie.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub user: User,
    pub session_secret: Option<String>,
}

/// Cached in the request so the page context and the handler share one lookup.
#[derive(Clone)]
struct Resolved(Option<CurrentUser>);

/// The caller if signed in; `None` for visitors. Never rejects.
pub struct MaybeUser(pub Option<CurrentUser>);

impl<S> FromRequestParts<S> for MaybeUser
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(Resolved(found)) = parts.extensions.get::<Resolved>() {
            return Ok(MaybeUser(found.clone()));
        }
        let state = AppState::from_ref(state);
        let found = resolve(parts, &state).await?;
        parts.extensions.insert(Resolved(found.clone()));
        Ok(MaybeUser(found))
    }
}

async fn resolve(parts: &Parts, state: &AppState) -> Result<Option<CurrentUser>, AppError> {
    if let Some(header) = parts.headers.get(AUTHORIZATION) {
        let token = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .unwrap_or_default();
        let user = api_tokens::user_for(&state.db, token).await?;
        return Ok(user.map(|user| CurrentUser {
            user,
            session_secret: None,
        }));
    }
    // The API takes bearer tokens only, which keeps cookie-borne CSRF away from it.
    if request_path(parts).starts_with("/api/") {
        return Ok(None);
    }
    let jar = CookieJar::from_headers(&parts.headers);
    let Some(secret) = jar
        .get(session_cookie_name(&state.settings))
        .map(|c| c.value().to_string())
    else {
        return Ok(None);
    };
    let user = sessions::user_for(&state.db, &secret).await?;
    Ok(user.map(|user| CurrentUser {
        user,
        session_secret: Some(secret),
    }))
}

/// The path as the client sent it, also inside nested routers.
pub fn request_path(parts: &Parts) -> String {
    parts
        .extensions
        .get::<OriginalUri>()
        .map(|uri| uri.path().to_string())
        .unwrap_or_else(|| parts.uri.path().to_string())
}

impl<S> FromRequestParts<S> for CurrentUser
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        MaybeUser::from_request_parts(parts, state)
            .await?
            .0
            .ok_or(AppError::Unauthorized)
    }
}

/// Which roles may use a route.
pub trait Policy: Send + Sync + 'static {
    fn allows(role: Role) -> bool;
}

/// Any signed-in account.
pub struct AnyRole;
impl Policy for AnyRole {
    fn allows(_: Role) -> bool {
        true
    }
}

/// Admins and organizers: venues, events, actors, invitations, check-in.
pub struct Organizer;
impl Policy for Organizer {
    fn allows(role: Role) -> bool {
        role.can_organize()
    }
}

/// Admins, organizers and rapporteurs: debate notes and outcomes.
pub struct Recorder;
impl Policy for Recorder {
    fn allows(role: Role) -> bool {
        role.can_record_debates()
    }
}

/// Admins and editors: outcome decisions, report sections and versions.
pub struct Editor;
impl Policy for Editor {
    fn allows(role: Role) -> bool {
        role.can_edit_reports()
    }
}

/// Admins only: accounts and settings.
pub struct Admin;
impl Policy for Admin {
    fn allows(role: Role) -> bool {
        role.is_admin()
    }
}

/// A signed-in caller whose role the policy `P` allows; 401 or 403 otherwise.
pub struct Require<P: Policy>(pub CurrentUser, PhantomData<P>);

impl<P: Policy> std::ops::Deref for Require<P> {
    type Target = CurrentUser;
    fn deref(&self) -> &CurrentUser {
        &self.0
    }
}

impl<S, P> FromRequestParts<S> for Require<P>
where
    S: Send + Sync,
    AppState: FromRef<S>,
    P: Policy,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let current = CurrentUser::from_request_parts(parts, state).await?;
        if !P::allows(current.user.role) {
            return Err(AppError::Forbidden);
        }
        Ok(Require(current, PhantomData))
    }
}
