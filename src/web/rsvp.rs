//! The invitee's answer page: opening the link shows, only the form's POST records.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use axum_extra::extract::CookieJar;
use serde::Deserialize;

use crate::AppState;
use crate::domain::rsvp::{self, Invitation};
use crate::domain::vocab::Response as Answer;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::mail::compose::when_text;
use crate::web::errors::render;
use crate::web::page::{LANG_COOKIE, Page};

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
    /// The email's answer button: the page asks to confirm that one choice (GET never records).
    confirming: Option<&'static str>,
    /// "Your answer is recorded: …", right after the POST.
    recorded: Option<String>,
    when: String,
    place: String,
    /// "The date changed: old → new", when the event moved after it was first announced.
    moved: Vec<String>,
    /// Asks again for an answer given to the earlier date; empty otherwise.
    reconfirm_notice: String,
}

/// How the page was asked for: the choice clicked in the email, or the return after recording.
#[derive(Clone, Copy, Debug, Default)]
struct Shown {
    clicked: bool,
    recorded: bool,
}

/// The invitee reads the page in their own language, unless they picked one with the switch:
/// the language cookie is only ever set by that choice, so it wins over the invitee's record.
fn page_for(mut page: Page, invitation: &Invitation, jar: &CookieJar) -> Page {
    if page.user.is_none() && jar.get(LANG_COOKIE).and_then(|c| Lang::parse(c.value())).is_none() {
        page.lang = invitation.actor.language;
    }
    page
}

/// The three answers an invitee may give, as the form and the email's buttons spell them.
fn known_answer(slug: &str) -> Option<&'static str> {
    ["accepted", "tentative", "declined"].into_iter().find(|a| *a == slug)
}

fn answer_page(
    page: Page,
    jar: &CookieJar,
    token: String,
    invitation: Invitation,
    proposed: String,
    shown: Shown,
) -> Response {
    let page = page_for(page, &invitation, jar);
    let when = when_text(&invitation.event, page.lang);
    let place = crate::domain::events::calendar_entry::location(invitation.venue.as_ref());
    let moved = crate::web::rsvp_moved::notices(&invitation, &place, page.lang);
    let reconfirm_notice = crate::web::rsvp_moved::reconfirm_notice(&invitation, page.lang);
    let confirming = if shown.clicked { known_answer(&proposed) } else { None };
    let recorded = (shown.recorded && invitation.response != Answer::None).then(|| {
        // The invitee's own words from the form ("Yes, I will attend"), not the organizers' label.
        let answer = match invitation.response {
            Answer::Accepted => page.t("rsvp.accept"),
            Answer::Tentative => page.t("rsvp.maybe"),
            _ => page.t("rsvp.decline"),
        };
        page.tf("answer_page.recorded", &[("answer", &answer)])
    });
    let mut response = render(&AnswerPage {
        page,
        token,
        invitation,
        proposed,
        confirming,
        recorded,
        when,
        place,
        moved,
        reconfirm_notice,
    });
    // The link is personal: keep it out of shared caches and other sites' referrers. Not
    // `no-referrer`: with it Chromium posts the form with `Origin: null`, which the CSRF check
    // rightly refuses, so no invitee could answer in a real browser.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
        .headers_mut()
        .insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    response
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AnswerQuery {
    answer: String,
    recorded: String,
}

async fn show_answer(
    State(state): State<AppState>,
    mut page: Page,
    jar: CookieJar,
    Path(token): Path<String>,
    Query(query): Query<AnswerQuery>,
) -> AppResult<Response> {
    let invitation = rsvp::find(&state.db, &token).await?;
    // Switching language comes back to the same choice, so the email's button still shows.
    if let Some(answer) = known_answer(&query.answer) {
        page.path = format!("{}?answer={answer}", page.path);
    }
    let shown = Shown {
        clicked: !query.answer.is_empty(),
        recorded: !query.recorded.is_empty(),
    };
    let proposed = if query.answer.is_empty() {
        invitation.response.slug().to_string()
    } else {
        query.answer
    };
    Ok(answer_page(page, &jar, token, invitation, proposed, shown))
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
        Ok(_) => Ok(Redirect::to(&format!("/rsvp/{token}?recorded=1")).into_response()),
        Err(AppError::Conflict(_)) => {
            let invitation = rsvp::find(&state.db, &token).await?;
            let proposed = invitation.response.slug().to_string();
            let mut response = answer_page(page, &jar, token, invitation, proposed, Shown::default());
            *response.status_mut() = StatusCode::CONFLICT;
            Ok(response)
        }
        Err(AppError::Validation(_)) => {
            let invitation = rsvp::find(&state.db, &token).await?;
            let proposed = invitation.response.slug().to_string();
            let mut response = answer_page(page, &jar, token, invitation, proposed, Shown::default());
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(other) => Err(other),
    }
}
