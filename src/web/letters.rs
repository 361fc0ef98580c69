//! Printed invitations for guests without email, and what organizers record by hand.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use axum_extra::extract::CookieJar;
use qrcode::QrCode;
use qrcode::render::svg;
use serde::Deserialize;

use crate::AppState;
use crate::domain::events::{self, Event, calendar_entry};
use crate::domain::invitations::{self, Letter};
use crate::domain::organizers::{self, Contact};
use crate::domain::{rsvp, venues};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::mail::compose::when_text;
use crate::web::auth_extract::{Organizer, Require};
use crate::web::errors::render;
use crate::web::page::{Page, flash_redirect, with_flash};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/events/{id}/letters", get(print_letters))
        .route("/events/{id}/organizer", post(choose_organizer))
        .route("/events/{id}/guests/{invitation}/handover", post(record_handover))
        .route("/events/{id}/guests/{invitation}/answer", post(record_answer))
}

/// One printed page, in the invitee's language.
struct PrintedLetter {
    letter: Letter,
    lang: Lang,
    when: String,
    qr_svg: String,
    checkin_qr_svg: String,
}

impl PrintedLetter {
    fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }

    /// The short answer link without its scheme, its code in groups without look-alikes.
    fn short_url(&self) -> String {
        crate::web::sms::printed_link(&self.letter.rsvp_url)
    }
}

#[derive(Template)]
#[template(path = "events/letters.html")]
struct LettersPage {
    page: Page,
    event: Event,
    place: String,
    letters: Vec<PrintedLetter>,
    /// Who each letter tells invitees to call.
    organizer: Option<Contact>,
    /// The accounts that can be named instead (screen only, not printed).
    candidates: Vec<Contact>,
    ids: String,
}

impl LettersPage {
    fn count_text(&self) -> String {
        self.page.tn("usability2.letters_count", self.letters.len())
    }

    fn is_organizer(&self, candidate: &Contact) -> bool {
        self.organizer.as_ref().is_some_and(|o| o.user_id == candidate.user_id)
    }
}

impl PrintedLetter {
    /// "To answer by phone, call Awa Keïta on +223 76 …": in the invitee's language.
    fn call_text(&self, organizer: &Contact) -> String {
        match &organizer.phone {
            Some(phone) => self
                .lang
                .tf("usability2.letter_call", &[("name", &organizer.name), ("phone", phone)]),
            None => self
                .lang
                .tf("usability2.letter_call_no_phone", &[("name", &organizer.name)]),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LettersQuery {
    /// Comma-separated invitation ids; empty means every guest who cannot be emailed.
    ids: String,
}

async fn print_letters(
    State(state): State<AppState>,
    user: Require<Organizer>,
    page: Page,
    Path(id): Path<i32>,
    Query(query): Query<LettersQuery>,
) -> AppResult<Response> {
    let event = events::get(&state.db, id).await?;
    let venue = match event.venue_id {
        Some(v) => Some(venues::get(&state.db, v).await?),
        None => None,
    };
    let chosen: Vec<i32> = query.ids.split(',').filter_map(|s| s.trim().parse().ok()).collect();
    let ctx = state.mail_context(Some(&user.user))?;
    let letters = invitations::letters(&state.db, &ctx, id, &chosen).await?;
    let letters = letters
        .into_iter()
        .map(|letter| {
            let lang = letter.actor.language;
            PrintedLetter {
                when: when_text(&event, lang),
                lang,
                qr_svg: qr_svg(&letter.rsvp_url),
                checkin_qr_svg: qr_svg(&letter.checkin_url),
                letter,
            }
        })
        .collect();
    let place = calendar_entry::location(venue.as_ref());
    let organizer = organizers::for_event(&state.db, id, user.user.id).await?;
    let candidates = organizers::candidates(&state.db).await?;
    Ok(render(&LettersPage {
        page,
        event,
        place,
        letters,
        organizer,
        candidates,
        ids: query.ids,
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct OrganizerForm {
    organizer_id: i32,
    /// The letters being looked at, to come back to them.
    ids: String,
}

/// Names another organizer on the event's letters.
async fn choose_organizer(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Organizer>,
    jar: CookieJar,
    Path(id): Path<i32>,
    Form(form): Form<OrganizerForm>,
) -> AppResult<Response> {
    events::get(&state.db, id).await?;
    organizers::choose(&state.db, id, form.organizer_id, &who).await?;
    let ids: String = form.ids.chars().filter(|c| c.is_ascii_digit() || *c == ',').collect();
    let back = if ids.is_empty() {
        format!("/events/{id}/letters")
    } else {
        format!("/events/{id}/letters?ids={ids}")
    };
    Ok(flash_redirect(jar, "success", "usability2.organizer_saved", &back))
}

fn qr_svg(data: &str) -> String {
    QrCode::new(data.as_bytes())
        .map(|code| code.render::<svg::Color>().min_dimensions(140, 140).build())
        .unwrap_or_default()
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct HandoverForm {
    channel: String,
    /// `YYYY-MM-DD`; today when empty.
    date: String,
}

async fn record_handover(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Organizer>,
    jar: CookieJar,
    Path((id, invitation)): Path<(i32, i32)>,
    Form(form): Form<HandoverForm>,
) -> AppResult<Response> {
    let date = if form.date.trim().is_empty() {
        chrono::Utc::now().date_naive()
    } else {
        chrono::NaiveDate::parse_from_str(form.date.trim(), "%Y-%m-%d")
            .ok()
            .filter(|d| crate::domain::events::plausible_year(*d))
            .ok_or_else(|| AppError::BadRequest("date".into()))?
    };
    invitations::record_handover(&state.db, id, invitation, &form.channel, date, &who).await?;
    Ok(flash_redirect(
        jar,
        "success",
        "letters.recorded",
        &format!("/events/{id}#guests"),
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct OnBehalfForm {
    response: String,
    /// How the answer came: `phone`, `in_person`, `letter`.
    via: String,
    comment: String,
}

/// An organizer records an answer given by phone or in person.
async fn record_answer(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Organizer>,
    jar: CookieJar,
    Path((id, invitation)): Path<(i32, i32)>,
    Form(form): Form<OnBehalfForm>,
) -> AppResult<Response> {
    let via = match form.via.as_str() {
        "phone" | "in_person" | "letter" => form.via.as_str(),
        _ => "phone",
    };
    let belongs = entity::invitation::Entity::find_by_id(invitation)
        .one(&state.db)
        .await?
        .is_some_and(|inv| inv.event_id == id);
    if !belongs {
        return Err(AppError::NotFound);
    }
    let jar = match rsvp::record(&state.db, invitation, &form.response, &form.comment, via, &who).await {
        Ok(()) => with_flash(jar, "success", "rsvp.recorded"),
        Err(AppError::Validation(_)) => with_flash(jar, "error", "validation.choice"),
        Err(other) => return Err(other),
    };
    Ok((jar, Redirect::to(&format!("/events/{id}#guests"))).into_response())
}

use sea_orm::EntityTrait;
