//! The invitee's answer page: opening the link shows, only the form's POST records.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use axum_extra::extract::CookieJar;
use serde::Deserialize;

use crate::AppState;
use crate::domain::rsvp::{self, Invitation};
use crate::error::{AppError, AppResult};
use crate::mail::compose::when_text;
use crate::web::errors::render;
use crate::web::page::{Page, flash_redirect};

pub fn router() -> Router<AppState> {
    Router::new().route("/rsvp/{token}", get(show_answer).post(record_answer))
}

#[derive(Template)]
#[template(path = "rsvp/show.html")]
struct AnswerPage {
    page: Page,
    token: String,
    invitation: Invitation,
    /// The choice the invitee clicked in the email, preselected but not recorded.
    proposed: String,
    when: String,
    place: String,
    /// "The date changed: old → new", when the event moved after it was first announced.
    moved: Vec<String>,
    /// Asks again for an answer given to the earlier date; empty otherwise.
    reconfirm_notice: String,
}

/// The invitee reads the page in their own language, whatever the browser says.
fn page_for(mut page: Page, invitation: &Invitation) -> Page {
    if page.user.is_none() {
        page.lang = invitation.actor.language;
    }
    page
}

fn answer_page(page: Page, token: String, invitation: Invitation, proposed: String) -> Response {
    let page = page_for(page, &invitation);
    let when = when_text(&invitation.event, page.lang);
    let place = crate::domain::events::calendar_entry::location(invitation.venue.as_ref());
    let moved = crate::web::rsvp_moved::notices(&invitation, &place, page.lang);
    let reconfirm_notice = crate::web::rsvp_moved::reconfirm_notice(&invitation, page.lang);
    let mut response = render(&AnswerPage {
        page,
        token,
        invitation,
        proposed,
        when,
        place,
        moved,
        reconfirm_notice,
    });
    // The link is personal: keep it out of shared caches and referrers.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
        .headers_mut()
        .insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AnswerQuery {
    answer: String,
}

async fn show_answer(
    State(state): State<AppState>,
    page: Page,
    Path(token): Path<String>,
    Query(query): Query<AnswerQuery>,
) -> AppResult<Response> {
    let invitation = rsvp::find(&state.db, &token).await?;
    let proposed = if query.answer.is_empty() {
        invitation.response.slug().to_string()
    } else {
        query.answer
    };
    Ok(answer_page(page, token, invitation, proposed))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AnswerForm {
    response: String,
    comment: String,
}

async fn record_answer(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    page: Page,
    jar: CookieJar,
    Path(token): Path<String>,
    Form(form): Form<AnswerForm>,
) -> AppResult<Response> {
    match rsvp::answer(&state.db, &token, &form.response, &form.comment, "web", &who).await {
        Ok(_) => Ok(flash_redirect(jar, "success", "rsvp.thanks", &format!("/rsvp/{token}"))),
        Err(AppError::Conflict(_)) => {
            let invitation = rsvp::find(&state.db, &token).await?;
            let proposed = invitation.response.slug().to_string();
            let mut response = answer_page(page, token, invitation, proposed);
            *response.status_mut() = StatusCode::CONFLICT;
            Ok(response)
        }
        Err(AppError::Validation(_)) => {
            let invitation = rsvp::find(&state.db, &token).await?;
            let proposed = invitation.response.slug().to_string();
            let mut response = answer_page(page, token, invitation, proposed);
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(other) => Err(other),
    }
}
