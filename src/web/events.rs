//! Event pages: upcoming and past lists, the month calendar, the form, and the event page.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use axum_extra::extract::CookieJar;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use crate::AppState;
use crate::domain::events::listing::{self, EventFilter, Warning};
use crate::domain::events::{self, DEFAULT_TIMEZONE, Event, EventInput, calendar_entry};
use crate::domain::guest_list::GuestFilter;
use crate::domain::guests::{self, Guest, GuestStats};
use crate::domain::invitations;
use crate::domain::paging::{PageQuery, Paged};
use crate::domain::reports::{self, Report};
use crate::domain::venues::{self, Venue};
use crate::domain::vocab::{EventKind, EventStatus};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::i18n::Lang;
use crate::web::auth_extract::{AnyRole, Organizer, Require};
use crate::web::confirm::{self, Confirmed};
use crate::web::errors::render;
use crate::web::forms::{FormErrors, parse_optional_int};
use crate::web::page::{Page, flash_redirect, with_flash};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/events", get(list_events).post(create_event))
        .route("/events/new", get(new_event))
        .route("/events/calendar", get(show_calendar))
        .route("/events/{id}", get(show_event).post(update_event))
        .route("/events/{id}/edit", get(edit_event))
        .route("/events/{id}/status", post(change_status))
        .route("/events/{id}/invite.ics", get(download_ics))
        .route("/events/{id}/guests", post(add_guests))
        .route("/events/{id}/guests/{invitation}/delete", post(remove_guest))
        .route("/events/{id}/guests/{invitation}/resend", post(resend_invitation))
        .route("/events/{id}/invitations/send", post(send_invitations))
        .route("/events/{id}/progress.json", get(sending_progress))
}

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

/// Venue names by id, for lists (one query, not one per row).
async fn venue_names(state: &AppState) -> AppResult<std::collections::HashMap<i32, Venue>> {
    Ok(venues::all(&state.db).await?.into_iter().map(|v| (v.id, v)).collect())
}

#[derive(Template)]
#[template(path = "events/list.html")]
struct ListPage {
    page: Page,
    filter: EventFilter,
    events: Paged<Event>,
    venues: std::collections::HashMap<i32, Venue>,
    reports: Vec<Report>,
    kinds: &'static [EventKind],
    regions: Vec<String>,
    /// Answers and deliveries per event shown.
    counts: std::collections::HashMap<i32, crate::domain::guest_list::EventCounts>,
}

impl ListPage {
    fn counts_of(&self, event: &Event) -> crate::domain::guest_list::EventCounts {
        self.counts.get(&event.id).cloned().unwrap_or_default()
    }

    fn venue_of(&self, event: &Event) -> String {
        event
            .venue_id
            .and_then(|id| self.venues.get(&id))
            .map(|v| format!("{} ({})", v.name, v.region))
            .unwrap_or_default()
    }

    fn report_selected(&self, id: &i32) -> bool {
        self.filter.report_id == Some(*id)
    }

    fn pager_query(&self) -> String {
        crate::web::forms::pager_prefix(self.filter.query_string())
    }
}

async fn list_events(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    page: Page,
    Query(filter): Query<EventFilter>,
    Query(paging): Query<PageQuery>,
) -> AppResult<Response> {
    let events = listing::list(&state.db, &filter, paging).await?;
    let venues = venue_names(&state).await?;
    let mut regions: Vec<String> = venues
        .values()
        .map(|v| v.region.clone())
        .filter(|r| !r.is_empty())
        .collect();
    regions.sort();
    regions.dedup();
    let reports = reports::list(&state.db).await?;
    let ids: Vec<i32> = events.items.iter().map(|e| e.id).collect();
    let counts = crate::domain::guest_list::counts_for_events(&state.db, &ids).await?;
    Ok(render(&ListPage {
        page,
        filter,
        events,
        venues,
        reports,
        kinds: EventKind::ALL,
        regions,
        counts,
    }))
}

/// A day of the month and the events on it.
type DayCell = (u32, Vec<Event>);

#[derive(Template)]
#[template(path = "events/calendar.html")]
struct CalendarPage {
    page: Page,
    month: NaiveDate,
    previous: String,
    next: String,
    weeks: Vec<Vec<Option<DayCell>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MonthQuery {
    month: Option<String>,
}

impl CalendarPage {
    fn month_name(&self) -> &'static str {
        self.page.t(&format!("month.{}", self.month.format("%m")))
    }
}

async fn show_calendar(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    page: Page,
    Query(q): Query<MonthQuery>,
) -> AppResult<Response> {
    let month = listing::month_start(q.month.as_deref());
    let events = listing::in_month(&state.db, month).await?;
    let weeks = month_grid(month, &events);
    let previous = month
        .checked_sub_months(chrono::Months::new(1))
        .unwrap_or(month)
        .format("%Y-%m")
        .to_string();
    let next = month
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(month)
        .format("%Y-%m")
        .to_string();
    Ok(render(&CalendarPage {
        page,
        month,
        previous,
        next,
        weeks,
    }))
}

/// Weeks from Monday; each day holds the events happening on it in their own zone.
fn month_grid(first: NaiveDate, events: &[Event]) -> Vec<Vec<Option<DayCell>>> {
    let lead = first.weekday().num_days_from_monday() as usize;
    let days_in_month = first
        .checked_add_months(chrono::Months::new(1))
        .map(|n| (n - first).num_days())
        .unwrap_or(30) as u32;
    let mut cells: Vec<Option<DayCell>> = vec![None; lead];
    for day in 1..=days_in_month {
        let date = first.with_day(day).unwrap_or(first);
        let todays = events
            .iter()
            .filter(|e| e.local_start().date_naive() <= date && e.local_end().date_naive() >= date)
            .cloned()
            .collect();
        cells.push(Some((day, todays)));
    }
    while !cells.len().is_multiple_of(7) {
        cells.push(None);
    }
    cells.chunks(7).map(<[_]>::to_vec).collect()
}

#[derive(Template)]
#[template(path = "events/show.html")]
struct ShowPage {
    page: Page,
    event: Event,
    venue: Option<Venue>,
    report: Option<Report>,
    stats: GuestStats,
    guests: Paged<Guest>,
    warnings: Vec<Warning>,
    progress: crate::mail::outbox::Progress,
    /// The latest send job, for the progress box while it runs (or when it failed).
    job: Option<crate::domain::jobs::Job>,
    /// The server's last error per invitation whose message failed.
    failures: std::collections::HashMap<i32, String>,
    answers: std::collections::BTreeMap<String, u64>,
    categories: &'static [crate::domain::vocab::ActorCategory],
    genders: &'static [crate::domain::vocab::Gender],
    age_groups: &'static [crate::domain::vocab::AgeGroup],
    regions: Vec<String>,
    outcomes: crate::domain::debates::outcomes::Overview,
    /// Inbound replies about this event that were not applied.
    messages: crate::domain::paging::Paged<crate::domain::inbound_mail::ToLookAt>,
    show_event: bool,
    /// The guest list's search and filters, kept in the form, the pager and the export links.
    filter: GuestFilter,
}

impl ShowPage {
    fn count(map: &std::collections::BTreeMap<String, u64>, key: &str) -> u64 {
        map.get(key).copied().unwrap_or(0)
    }

    /// The share as shown to people: "31,5 %" in French, "31.5 %" in English.
    fn percent(&self, value: f64) -> String {
        let text = format!("{value:.1}");
        match self.page.lang {
            Lang::Fr => format!("{} %", text.replace('.', ",")),
            Lang::En => format!("{text} %"),
        }
    }

    fn women_share(&self) -> String {
        self.stats
            .women_share_percent
            .map(|v| self.percent(v))
            .unwrap_or_else(|| "—".into())
    }

    fn below_target(&self) -> bool {
        match (self.stats.women_share_percent, self.event.women_target_percent) {
            (Some(share), Some(target)) => share < target as f64,
            _ => false,
        }
    }

    fn bar_width(&self) -> u32 {
        self.stats
            .women_share_percent
            .map(|v| v.round().clamp(0.0, 100.0) as u32)
            .unwrap_or(0)
    }

    fn can_send(&self) -> bool {
        self.page.can_organize() && self.event.status == EventStatus::Scheduled
    }

    fn failure_of(&self, invitation_id: &i32) -> &str {
        self.failures.get(invitation_id).map(String::as_str).unwrap_or_default()
    }

    fn pager_query(&self) -> String {
        crate::web::forms::pager_prefix(self.filter.query_string())
    }

    fn shown_text(&self) -> String {
        let n = self.guests.items.len() as u64;
        let text = crate::web::confirm::plural(self.page.lang, "guest_list.shown", n);
        text.replace("{total}", &self.guests.total.to_string())
    }

    /// A row action's label naming its guest, for screen readers.
    fn named(&self, key: &str, guest: &Guest) -> String {
        self.page.tf(key, &[("name", &self.name_of(guest))])
    }

    fn name_of(&self, guest: &Guest) -> String {
        guest.actor.as_ref().map(|a| a.full_name.clone()).unwrap_or_default()
    }

    fn export_query(&self) -> String {
        let query = self.filter.query_string();
        if query.is_empty() { query } else { format!("?{query}") }
    }

    fn can_change_guests(&self) -> bool {
        self.page.can_organize() && matches!(self.event.status, EventStatus::Draft | EventStatus::Scheduled)
    }
}

async fn show_event(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    page: Page,
    Path(id): Path<i32>,
    Query(filter): Query<GuestFilter>,
    Query(paging): Query<PageQuery>,
) -> AppResult<Response> {
    let event = events::get(&state.db, id).await?;
    let venue = match event.venue_id {
        Some(v) => Some(venues::get(&state.db, v).await?),
        None => None,
    };
    let report = match event.report_id {
        Some(r) => reports::list(&state.db).await?.into_iter().find(|x| x.id == r),
        None => None,
    };
    let stats = guests::stats(&state.db, id).await?;
    let guests = guests::list(
        &state.db,
        id,
        &filter,
        PageQuery {
            per_page: Some(paging.per_page.unwrap_or(100)),
            ..paging
        },
    )
    .await?;
    let warnings = listing::warnings(&state.db, &event, page.lang).await?;
    let progress = crate::mail::outbox::progress(&state.db, id).await?;
    let job = crate::domain::jobs::latest_send(&state.db, id).await?;
    let failures = invitations::failures(&state.db, id).await?;
    let answers = guests::answers(&state.db, id).await?;
    let regions = page.region_names();
    Ok(render(&ShowPage {
        page,
        event,
        venue,
        report,
        stats,
        guests,
        warnings,
        progress,
        job,
        failures,
        answers,
        categories: crate::domain::vocab::ActorCategory::ALL,
        genders: crate::domain::vocab::Gender::ALL,
        age_groups: crate::domain::vocab::AgeGroup::ALL,
        regions,
        outcomes: crate::domain::debates::outcomes::overview(&state.db, id).await?,
        messages: crate::domain::inbound_mail::to_look_at(&state.db, id).await?,
        show_event: false,
        filter,
    }))
}

/// The form as typed: local date-times in the chosen zone.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct EventForm {
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

async fn new_event(State(state): State<AppState>, _user: Require<Organizer>, page: Page) -> AppResult<Response> {
    let form = EventForm {
        kind: EventKind::DisseminationWorkshop.slug().into(),
        timezone: DEFAULT_TIMEZONE.into(),
        language: page.lang.code().into(),
        ..Default::default()
    };
    form_page(&state, page, None, form, None).await
}

async fn create_event(
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

async fn edit_event(
    State(state): State<AppState>,
    _user: Require<Organizer>,
    page: Page,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let event = events::get(&state.db, id).await?;
    form_page(&state, page, Some(id), EventForm::from_event(&event), None).await
}

async fn update_event(
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
struct StatusForm {
    status: String,
    confirm: String,
}

async fn change_status(
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

async fn download_ics(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let event = events::get(&state.db, id).await?;
    let venue = match event.venue_id {
        Some(v) => Some(venues::get(&state.db, v).await?),
        None => None,
    };
    let organizer = calendar_entry::parse_mailbox(&state.settings.mail_from);
    let url = Some(format!("{}/events/{id}", state.settings.base_url));
    let body = calendar_entry::publish(&event, venue.as_ref(), organizer, url);
    Ok((
        [
            (CONTENT_TYPE, "text/calendar; method=PUBLISH; charset=UTF-8"),
            (CONTENT_DISPOSITION, "attachment; filename=\"invite.ics\""),
        ],
        body,
    )
        .into_response())
}

async fn add_guests(
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

async fn remove_guest(
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

async fn send_invitations(
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

async fn resend_invitation(
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

/// Counts for the live lines of the event page: sending progress and answers.
#[derive(serde::Serialize)]
struct LiveCounts {
    #[serde(flatten)]
    progress: crate::mail::outbox::Progress,
    answers: std::collections::BTreeMap<String, u64>,
    /// The latest send job: the progress box counts its queued invitations while it runs.
    job: Option<crate::domain::jobs::Job>,
}

async fn sending_progress(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    Path(id): Path<i32>,
) -> AppResult<axum::Json<LiveCounts>> {
    let progress = crate::mail::outbox::progress(&state.db, id).await?;
    let answers = guests::answers(&state.db, id).await?;
    let job = crate::domain::jobs::latest_send(&state.db, id).await?;
    Ok(axum::Json(LiveCounts { progress, answers, job }))
}
