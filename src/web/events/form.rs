//! Creating and editing an event, and changing its status.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use serde::Deserialize;

use crate::AppState;
use crate::domain::events::{self, DEFAULT_TIMEZONE, Event, EventInput};
use crate::domain::reports::{self, Report};
use crate::domain::venues::{self, Venue};
use crate::domain::vocab::{EventKind, EventStatus};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::i18n::Lang;
use crate::web::auth_extract::{Organizer, Require};
use crate::web::confirm::{self};
use crate::web::errors::render;
use crate::web::forms::{FormErrors, parse_optional_int};
use crate::web::page::{Page, flash_redirect, with_flash};

/// Zones offered in the form; any IANA name may still be typed.
const ZONES: [&str; 9] = [
    "Africa/Bamako",
    "Africa/Dakar",
    "Africa/Abidjan",
    "Africa/Niamey",
    "Africa/Ouagadougou",
    "Africa/Nouakchott",
    "Europe/Paris",
    "America/New_York",
    "UTC",
];

/// The form as typed: local date-times in the chosen zone.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct EventForm {
    kind: String,
    title: String,
    description: String,
    report_id: String,
    venue_id: String,
    starts_at: String,
    ends_at: String,
    timezone: String,
    language: String,
    capacity: String,
    women_target_percent: String,
}

impl EventForm {
    fn from_event(e: &Event) -> Self {
        EventForm {
            kind: e.kind.slug().into(),
            title: e.title.clone(),
            description: e.description.clone(),
            report_id: e.report_id.map(|r| r.to_string()).unwrap_or_default(),
            venue_id: e.venue_id.map(|v| v.to_string()).unwrap_or_default(),
            starts_at: e.local_start().format("%Y-%m-%dT%H:%M").to_string(),
            ends_at: e.local_end().format("%Y-%m-%dT%H:%M").to_string(),
            timezone: e.timezone.clone(),
            language: e.language.code().into(),
            capacity: e.capacity.map(|c| c.to_string()).unwrap_or_default(),
            women_target_percent: e.women_target_percent.map(|c| c.to_string()).unwrap_or_default(),
        }
    }

    fn parse(&self) -> (EventInput, FieldErrors) {
        let mut errors = FieldErrors::new();
        let id =
            |raw: &str, field: &str, errors: &mut FieldErrors| parse_optional_int(raw, field, errors).map(|v| v as i32);
        let input = EventInput {
            kind: self.kind.clone(),
            title: self.title.clone(),
            description: self.description.clone(),
            report_id: id(&self.report_id, "report_id", &mut errors),
            venue_id: id(&self.venue_id, "venue_id", &mut errors),
            starts_at: self.starts_at.clone(),
            ends_at: self.ends_at.clone(),
            timezone: self.timezone.clone(),
            language: self.language.clone(),
            capacity: parse_optional_int(&self.capacity, "capacity", &mut errors),
            women_target_percent: parse_optional_int(&self.women_target_percent, "women_target_percent", &mut errors),
        };
        (input, errors)
    }
}

#[derive(Template)]
#[template(path = "events/form.html")]
struct FormPage {
    page: Page,
    event_id: Option<i32>,
    form: EventForm,
    errors: FormErrors,
    kinds: &'static [EventKind],
    venues: Vec<Venue>,
    reports: Vec<Report>,
    zones: [&'static str; 9],
    languages: [Lang; 2],
}

async fn form_page(
    state: &AppState,
    page: Page,
    event_id: Option<i32>,
    form: EventForm,
    errors: Option<&FieldErrors>,
) -> AppResult<Response> {
    let status = if errors.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let errors = errors
        .map(|e| FormErrors::from_fields(e, page.lang))
        .unwrap_or_default();
    let venues = venues::all(&state.db).await?;
    let reports = reports::list(&state.db).await?;
    let mut response = render(&FormPage {
        page,
        event_id,
        form,
        errors,
        kinds: EventKind::ALL,
        venues,
        reports,
        zones: ZONES,
        languages: Lang::ALL,
    });
    *response.status_mut() = status;
    Ok(response)
}

pub(super) async fn new_event(
    State(state): State<AppState>,
    _user: Require<Organizer>,
    page: Page,
) -> AppResult<Response> {
    let form = EventForm {
        kind: EventKind::DisseminationWorkshop.slug().into(),
        timezone: DEFAULT_TIMEZONE.into(),
        language: page.lang.code().into(),
        ..Default::default()
    };
    form_page(&state, page, None, form, None).await
}

pub(super) async fn create_event(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    user: Require<Organizer>,
    page: Page,
    jar: CookieJar,
    Form(form): Form<EventForm>,
) -> AppResult<Response> {
    let (input, parse_errors) = form.parse();
    match events::create(&state.db, &input, parse_errors, &who).await {
        Ok(event) => {
            // Its creator is who the printed letters name until another organizer is chosen.
            crate::domain::organizers::assign(&state.db, event.id, user.user.id).await?;
            Ok(flash_redirect(
                jar,
                "success",
                "events.created",
                &format!("/events/{}", event.id),
            ))
        }
        Err(AppError::Validation(errors)) => form_page(&state, page, None, form, Some(&errors)).await,
        Err(other) => Err(other),
    }
}

pub(super) async fn edit_event(
    State(state): State<AppState>,
    _user: Require<Organizer>,
    page: Page,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let event = events::get(&state.db, id).await?;
    form_page(&state, page, Some(id), EventForm::from_event(&event), None).await
}

pub(super) async fn update_event(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    user: Require<Organizer>,
    page: Page,
    jar: CookieJar,
    Path(id): Path<i32>,
    Form(form): Form<EventForm>,
) -> AppResult<Response> {
    let (input, parse_errors) = form.parse();
    let ctx = state.mail_context(Some(&user.user))?;
    match events::update(&state.db, &ctx, id, &input, parse_errors, &who).await {
        Ok(_) => {
            state.wake_outbox();
            Ok(flash_redirect(
                jar,
                "success",
                "events.updated",
                &format!("/events/{id}"),
            ))
        }
        Err(AppError::Validation(errors)) => form_page(&state, page, Some(id), form, Some(&errors)).await,
        Err(other) => Err(other),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct StatusForm {
    status: String,
    confirm: String,
}

pub(super) async fn change_status(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    user: Require<Organizer>,
    page: Page,
    jar: CookieJar,
    Path(id): Path<i32>,
    Form(form): Form<StatusForm>,
) -> AppResult<Response> {
    let to = EventStatus::parse(&form.status).ok_or_else(|| AppError::BadRequest("status".into()))?;
    // Cancelling mails every guest who had the calendar entry: never on one click.
    if to == EventStatus::Cancelled && !confirm::is_given(&form.confirm) {
        return confirm::cancel_event(&state, page, id, true).await;
    }
    let ctx = state.mail_context(Some(&user.user))?;
    let changed = events::change_status(&state.db, &ctx, id, to, &who).await;
    state.wake_outbox();
    let jar = match changed {
        Ok(_) => with_flash(jar, "success", "events.status_changed"),
        Err(AppError::Conflict(key)) => with_flash(jar, "error", &key),
        Err(other) => return Err(other),
    };
    Ok((jar, Redirect::to(&format!("/events/{id}"))).into_response())
}
