//! The organizer's guest actions: adding, removing, sending and resending invitations.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;

use crate::AppState;
use crate::domain::guests::{self};
use crate::domain::invitations;
use crate::error::{AppError, AppResult};
use crate::web::auth_extract::{Organizer, Require};
use crate::web::confirm::{self, Confirmed};
use crate::web::page::{Page, flash_redirect, with_flash};

pub(super) async fn add_guests(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Organizer>,
    jar: CookieJar,
    Path(id): Path<i32>,
    Form(filter): Form<crate::domain::actors::search::ActorFilter>,
) -> AppResult<Response> {
    let request = guests::AddGuests {
        actor_ids: Vec::new(),
        filter: Some(filter),
    };
    let jar = match guests::add(&state.db, id, &request, &who).await {
        Ok(summary) if summary.added == 0 => with_flash(jar, "info", "guests.nobody_added"),
        Ok(_) => with_flash(jar, "success", "guests.added"),
        Err(AppError::Conflict(key)) => with_flash(jar, "error", &key),
        Err(other) => return Err(other),
    };
    Ok((jar, Redirect::to(&format!("/events/{id}#guests"))).into_response())
}

pub(super) async fn remove_guest(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    user: Require<Organizer>,
    page: Page,
    jar: CookieJar,
    Path((id, invitation)): Path<(i32, i32)>,
    Form(confirmed): Form<Confirmed>,
) -> AppResult<Response> {
    if !confirmed.given() {
        return confirm::remove_guest(&state, page, id, invitation, true).await;
    }
    let ctx = state.mail_context(Some(&user.user))?;
    invitations::remove_guest(&state.db, &ctx, id, invitation, &who).await?;
    state.wake_outbox();
    Ok(flash_redirect(
        jar,
        "success",
        "guests.removed",
        &format!("/events/{id}#guests"),
    ))
}

pub(super) async fn send_invitations(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    user: Require<Organizer>,
    page: Page,
    jar: CookieJar,
    Path(id): Path<i32>,
    Form(confirmed): Form<Confirmed>,
) -> AppResult<Response> {
    if !confirmed.given() {
        return confirm::send_invitations(&state, page, id, true).await;
    }
    let jar = match crate::jobs::start_send(&state, id, &user.user, &who).await {
        Ok(job) if job.queued == 0 => with_flash(jar, "info", "invitations.nothing_to_send"),
        Ok(job) if job.running() => with_flash(jar, "success", "jobs.started"),
        Ok(_) => with_flash(jar, "success", "invitations.queued"),
        Err(AppError::Conflict(key)) => with_flash(jar, "error", &key),
        Err(other) => return Err(other),
    };
    state.wake_outbox();
    Ok((jar, Redirect::to(&format!("/events/{id}#sending"))).into_response())
}

pub(super) async fn resend_invitation(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    user: Require<Organizer>,
    jar: CookieJar,
    Path((id, invitation)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let ctx = state.mail_context(Some(&user.user))?;
    let jar = match invitations::resend(&state.db, &ctx, id, invitation, &who).await {
        Ok(()) => with_flash(jar, "success", "invitations.requeued"),
        Err(AppError::Conflict(key)) => with_flash(jar, "error", &key),
        Err(other) => return Err(other),
    };
    state.wake_outbox();
    Ok((jar, Redirect::to(&format!("/events/{id}#guests"))).into_response())
}
