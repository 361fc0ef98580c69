//! SMS pages and callbacks: the gateway's inbound and delivery-report callbacks (by secret), the
//! `/r/{code}` short answer link, and the organizer's SMS page of an event.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use axum_extra::extract::CookieJar;
use serde::Deserialize;

use crate::AppState;
use crate::domain::events::{self, Event};
use crate::domain::sms::inbound::{self, Received, ToLookAt};
use crate::domain::sms::{self, EventSms, SmsPreview};
use crate::domain::{secrets, short_code, venues};
use crate::error::{AppError, AppResult};
use crate::web::auth_extract::{Organizer, Require};
use crate::web::errors::render;
use crate::web::page::{Page, flash_redirect};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sms/kannel/inbound", get(kannel_inbound))
        .route("/sms/kannel/dlr", get(kannel_report))
        .route("/r/{code}", get(short_link))
        .route("/events/{id}/sms", get(show))
        .route("/events/{id}/sms/settings", post(save_settings))
        .route("/events/{id}/guests/{invitation}/channel", post(change_channel))
}

/// The gateway proves itself with `TOGUNA_SMS_SECRET`; anything else is refused before any change.
fn secret_ok(state: &AppState, given: &str) -> bool {
    let expected = state.settings.sms.secret.as_bytes();
    !expected.is_empty() && secrets::same_bytes(expected, given.as_bytes())
}

fn forbidden() -> Response {
    (StatusCode::FORBIDDEN, "forbidden").into_response()
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct InboundQuery {
    secret: String,
    from: String,
    to: String,
    text: String,
    /// Unix seconds, Kannel's `%T`.
    ts: String,
}

/// Kannel's `get-url`. The body stays empty: with `max-messages = 0` Kannel texts nothing back,
/// and the confirmation goes through the outbox like every other text.
async fn kannel_inbound(State(state): State<AppState>, Query(query): Query<InboundQuery>) -> Response {
    if !secret_ok(&state, &query.secret) {
        return forbidden();
    }
    let sent_at = query
        .ts
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
        .unwrap_or_else(chrono::Utc::now);
    let received = Received {
        from: &query.from,
        to: &query.to,
        text: &query.text,
        sent_at,
    };
    match inbound::receive(&state.db, &state.settings.secret, received).await {
        Ok(outcome) => {
            tracing::info!(?outcome, "SMS received");
            (StatusCode::OK, "").into_response()
        }
        // Kannel does not retry a get-url, but a 500 shows in its log.
        Err(err) => err.into_response(),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ReportQuery {
    secret: String,
    id: String,
    status: String,
    reason: String,
}

/// The `dlr-url` Toguna passes with each text.
async fn kannel_report(State(state): State<AppState>, Query(query): Query<ReportQuery>) -> Response {
    if !secret_ok(&state, &query.secret) {
        return forbidden();
    }
    let (Ok(id), Ok(status)) = (query.id.trim().parse::<i32>(), query.status.trim().parse::<i32>()) else {
        return (StatusCode::UNPROCESSABLE_ENTITY, "id and status must be numbers").into_response();
    };
    match sms::reports::apply(&state.db, id, status, &query.reason).await {
        Ok(_) => (StatusCode::OK, "").into_response(),
        Err(err) => err.into_response(),
    }
}

/// The answer link as a letter prints it: `host/r/K7M2-9QXD-…`, shorter to type from paper.
pub fn printed_link(rsvp_url: &str) -> String {
    let bare = rsvp_url.trim_start_matches("https://").trim_start_matches("http://");
    match bare.rsplit_once("/rsvp/") {
        Some((host, token)) => match short_code::from_token(token) {
            Some(code) => format!("{host}/r/{code}"),
            None => bare.to_string(),
        },
        None => bare.to_string(),
    }
}

/// The short answer link: the code is the answer token in another alphabet.
async fn short_link(Path(code): Path<String>) -> AppResult<Redirect> {
    let token = short_code::to_token(&code).ok_or(AppError::NotFound)?;
    Ok(Redirect::to(&format!("/rsvp/{token}")))
}

struct TextedGuest {
    invitation_id: i32,
    name: String,
    phone: String,
    status: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "sms/event.html")]
struct SmsPage {
    page: Page,
    event: Event,
    preview: SmsPreview,
    choice: EventSms,
    configured: bool,
    guests: Vec<TextedGuest>,
    messages: Vec<ToLookAt>,
}

impl SmsPage {
    /// "212 SMS, 212 segments", with the plural forms of each language.
    fn summary(&self) -> String {
        let p = &self.preview;
        let messages = self.page.t(if p.messages == 1 {
            "sms.messages_one"
        } else {
            "sms.messages_other"
        });
        let segments = self.page.t(if p.segments == 1 {
            "sms.segments_one"
        } else {
            "sms.segments_other"
        });
        format!(
            "{}, {}",
            messages.replace("{n}", &p.messages.to_string()),
            segments.replace("{n}", &p.segments.to_string())
        )
    }

    fn cap_hint(&self) -> String {
        self.page.tf(
            "sms.cap_hint",
            &[("used", &self.preview.used), ("cap", &self.preview.segment_cap)],
        )
    }
}

async fn show(
    State(state): State<AppState>,
    user: Require<Organizer>,
    page: Page,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let event = events::get(&state.db, id).await?;
    let venue = match event.venue_id {
        Some(v) => Some(venues::get(&state.db, v).await?),
        None => None,
    };
    let ctx = state.mail_context(Some(&user.user))?;
    let preview = sms::preview(&state.db, &ctx, &event, venue.as_ref()).await?;
    let choice = sms::event_settings(&state.db, id).await?;
    let states = sms::guest_states(&state.db, id).await?;
    let mut guests = Vec::new();
    for (invitation_id, (status, reason)) in states {
        let found = entity::invitation::Entity::find_by_id(invitation_id)
            .find_also_related(entity::actor::Entity)
            .one(&state.db)
            .await?;
        let Some((_, Some(actor))) = found else { continue };
        guests.push(TextedGuest {
            invitation_id,
            name: actor.full_name,
            phone: actor.phone.unwrap_or_default(),
            status,
            reason,
        });
    }
    guests.sort_by(|a, b| a.name.cmp(&b.name));
    let messages = inbound::to_look_at(&state.db, 200).await?;
    Ok(render(&SmsPage {
        page,
        event,
        preview,
        choice,
        configured: state.settings.sms.url.is_some(),
        guests,
        messages,
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SettingsForm {
    /// A checkbox: present when ticked.
    unicode: Option<String>,
    segment_cap: String,
}

async fn save_settings(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Organizer>,
    jar: CookieJar,
    Path(id): Path<i32>,
    Form(form): Form<SettingsForm>,
) -> AppResult<Response> {
    let Ok(segment_cap) = form.segment_cap.trim().parse::<i32>() else {
        let mut errors = crate::error::FieldErrors::new();
        errors.add("segment_cap", "sms.cap_range");
        return Err(AppError::Validation(errors));
    };
    let choice = EventSms {
        unicode: form.unicode.is_some(),
        segment_cap,
    };
    sms::save_event_settings(&state.db, id, choice, &who).await?;
    Ok(flash_redirect(
        jar,
        "success",
        "sms.saved",
        &format!("/events/{id}/sms"),
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ChannelForm {
    channel: String,
}

async fn change_channel(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Organizer>,
    jar: CookieJar,
    Path((id, invitation)): Path<(i32, i32)>,
    Form(form): Form<ChannelForm>,
) -> AppResult<Response> {
    sms::change_channel(&state.db, id, invitation, &form.channel, &who).await?;
    Ok(flash_redirect(
        jar,
        "success",
        "sms.channel_changed",
        &format!("/events/{id}#guests"),
    ))
}

use sea_orm::EntityTrait;
