//! Check-in pages: the guest list at the door, marks sent by its script, walk-ins, the headcount grid and QR codes.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde::Deserialize;

use crate::AppState;
use crate::domain::attendance::record::{self, Headcount, HeadcountCell, Mark, WalkIn};
use crate::domain::attendance::roster::{self, RosterCounts, RosterEntry};
use crate::domain::attendance::{self, Attendance};
use crate::domain::events::{self, Event};
use crate::domain::invitations;
use crate::domain::vocab::{ActorCategory, AgeGroup, Gender};
use crate::error::{AppError, AppResult};
use crate::web::auth_extract::{Organizer, Require};
use crate::web::errors::render;
use crate::web::forms::FormErrors;
use crate::web::page::{Page, flash_redirect};

/// Remembers which event this phone is checking in, so a QR code of another event is caught.
const CHECKIN_EVENT_COOKIE: &str = "toguna_checkin_event";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/events/{id}/checkin", get(show_checkin))
        .route("/events/{id}/checkin/marks", post(post_mark))
        .route("/events/{id}/checkin/guests", get(super::checkin_feed::guest_data))
        .route("/events/checkin-sw.js", get(service_worker))
        .route("/events/{id}/checkin/guests/{invitation}", post(toggle_guest))
        .route("/events/{id}/checkin/walk-in", post(add_walk_in))
        .route("/events/{id}/checkin/walk-ins/{attendance}/undo", post(undo_walk_in))
        .route(
            "/events/{id}/checkin/headcount",
            get(show_headcount).post(post_headcount),
        )
        .route("/events/{id}/checkin/code", post(enter_code))
        .route("/checkin/{code}", get(show_code).post(confirm_code))
}

/// Rows the server renders per page; with the script, the search shows as many.
const PAGE_SIZE: u64 = 50;

#[derive(Template)]
#[template(path = "checkin/show.html")]
struct CheckinPage {
    page: Page,
    event: Event,
    region: String,
    query: String,
    roster: Vec<RosterEntry>,
    page_no: u64,
    page_size: u64,
    has_next: bool,
    counts: RosterCounts,
    walk_ins: Vec<Attendance>,
    errors: FormErrors,
    walk_in_open: bool,
    walk_in_added: bool,
}

impl CheckinPage {
    fn people_label(&self) -> &'static str {
        self.page.t(&plural_key(
            self.page.lang,
            self.counts.present,
            "checkin.present_people",
        ))
    }

    fn shown_label(&self) -> String {
        let shown = self.roster.len() as i64;
        let key = if self.has_next {
            "checkin.more_matches".to_string()
        } else {
            plural_key(self.page.lang, shown, "checkin.shown")
        };
        self.page.tf(&key, &[("n", &shown)])
    }

    fn page_label(&self) -> String {
        self.page.tf("checkin.page_n", &[("n", &self.page_no)])
    }

    fn page_link(&self, page_no: u64) -> String {
        let base = back_to_list(self.event.id, &self.query);
        let sep = if base.contains('?') { '&' } else { '?' };
        format!("{base}{sep}page={page_no}")
    }
}

/// `<key>_one` or `<key>_other` by the language's rule: French counts 0 and 1 as singular.
fn plural_key(lang: crate::i18n::Lang, n: i64, key: &str) -> String {
    let one = match lang.code() {
        "fr" => n == 0 || n == 1,
        _ => n == 1,
    };
    format!("{key}_{}", if one { "one" } else { "other" })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SearchQuery {
    q: String,
    /// Kept as text: a mistyped page number in a link shows the first page rather than an error.
    page: String,
}

impl SearchQuery {
    fn page_no(&self) -> u64 {
        self.page
            .trim()
            .parse::<u64>()
            .unwrap_or(1)
            .clamp(1, crate::domain::paging::MAX_PAGE)
    }
}

/// The page costs the same whatever the list's size: counts, one page of rows, recent walk-ins.
async fn checkin_page(
    state: &AppState,
    page: Page,
    id: i32,
    search: SearchQuery,
    errors: FormErrors,
) -> AppResult<Response> {
    let (event, venue) = attendance::open_event_at_venue(&state.db, id).await?;
    let region = venue.map(|v| v.region).unwrap_or_default();
    let page_no = search.page_no();
    let counts = roster::counts(&state.db, id).await?;
    let mut rows = roster::page(&state.db, id, &search.q, (page_no - 1) * PAGE_SIZE, PAGE_SIZE).await?;
    let has_next = rows.len() as u64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    let walk_ins = attendance::walk_ins(&state.db, id, 20).await?;
    let walk_in_added = page.flash.as_ref().is_some_and(|f| f.key == "checkin.walk_in_added");
    Ok(render(&CheckinPage {
        walk_in_open: walk_in_added || !errors.is_empty(),
        walk_in_added,
        page,
        event,
        region,
        query: search.q,
        roster: rows,
        page_no,
        page_size: PAGE_SIZE,
        has_next,
        counts,
        walk_ins,
        errors,
    }))
}

/// The check-in service worker. Served from `/events/` so its scope may cover each
/// `/events/{id}/checkin` (a worker's scope cannot be above its own folder); its own CSP
/// lets it fetch only from this site.
async fn service_worker() -> Response {
    use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, "no-cache"),
            (
                CONTENT_SECURITY_POLICY,
                "default-src 'self'; script-src 'self'; connect-src 'self'; worker-src 'self'",
            ),
        ],
        include_str!("../../static/js/checkin-sw.js"),
    )
        .into_response()
}

async fn show_checkin(
    State(state): State<AppState>,
    _user: Require<Organizer>,
    page: Page,
    jar: CookieJar,
    Path(id): Path<i32>,
    Query(search): Query<SearchQuery>,
) -> AppResult<Response> {
    let response = checkin_page(&state, page, id, search, FormErrors::default()).await?;
    let cookie = Cookie::build((CHECKIN_EVENT_COOKIE, id.to_string()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .build();
    Ok((jar.add(cookie), response).into_response())
}

/// The page's script sends each mark here (session and CSRF header, like a form); JSON in and out.
async fn post_mark(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Organizer>,
    Path(id): Path<i32>,
    crate::api::ApiJson(mark): crate::api::ApiJson<Mark>,
) -> AppResult<(StatusCode, Json<record::MarkResult>)> {
    let result = state.record_mark(id, &who, &mark).await?;
    let status = if result.repeated() {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(result)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct GuestForm {
    undo: String,
    q: String,
    page: String,
}

/// Without script: one form per guest, present or undo.
async fn toggle_guest(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Organizer>,
    jar: CookieJar,
    Path((id, invitation)): Path<(i32, i32)>,
    Form(form): Form<GuestForm>,
) -> AppResult<Response> {
    let undo = !form.undo.is_empty();
    let mark = Mark {
        invitation_id: Some(invitation),
        undo,
        ..Default::default()
    };
    let result = state.record_mark(id, &who, &mark).await?;
    let key = match (undo, result.already_present) {
        (true, _) => "checkin.undone",
        (false, true) => "checkin.already_present",
        (false, false) => "checkin.marked",
    };
    let mut back = back_to_list(id, &form.q);
    if let Ok(page_no @ 2..) = form.page.trim().parse::<u64>() {
        back.push(if back.contains('?') { '&' } else { '?' });
        back.push_str(&format!("page={page_no}"));
    }
    Ok(flash_redirect(jar, "success", key, &back))
}

fn back_to_list(id: i32, query: &str) -> String {
    if query.is_empty() {
        format!("/events/{id}/checkin")
    } else {
        let q: String = url::form_urlencoded::byte_serialize(query.as_bytes()).collect();
        format!("/events/{id}/checkin?q={q}")
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WalkInForm {
    full_name: String,
    organization: String,
    gender: String,
    age_group: String,
    category: String,
    region: String,
}

async fn add_walk_in(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Organizer>,
    page: Page,
    jar: CookieJar,
    Path(id): Path<i32>,
    Form(form): Form<WalkInForm>,
) -> AppResult<Response> {
    let mark = Mark {
        walk_in: Some(WalkIn {
            full_name: Some(form.full_name),
            organization: Some(form.organization),
            gender: form.gender,
            age_group: form.age_group,
            category: form.category,
            region: Some(form.region),
        }),
        ..Default::default()
    };
    match state.record_mark(id, &who, &mark).await {
        Ok(_) => Ok(flash_redirect(
            jar,
            "success",
            "checkin.walk_in_added",
            &format!("/events/{id}/checkin"),
        )),
        Err(AppError::Validation(errors)) => {
            let errors = FormErrors::from_fields(&errors, page.lang);
            let mut response = checkin_page(&state, page, id, SearchQuery::default(), errors).await?;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(other) => Err(other),
    }
}

async fn undo_walk_in(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Organizer>,
    jar: CookieJar,
    Path((id, attendance_id)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let mark = Mark {
        attendance_id: Some(attendance_id),
        undo: true,
        ..Default::default()
    };
    state.record_mark(id, &who, &mark).await?;
    Ok(flash_redirect(
        jar,
        "success",
        "checkin.undone",
        &format!("/events/{id}/checkin"),
    ))
}

#[derive(Template)]
#[template(path = "checkin/headcount.html")]
struct HeadcountPage {
    page: Page,
    event: Event,
    region: String,
    errors: FormErrors,
    /// The grid's columns: gender × age group.
    columns: Vec<(Gender, AgeGroup)>,
}

/// Columns of the grid: women and men by age group, then people whose gender or age was not noted.
fn grid_columns() -> Vec<(Gender, AgeGroup)> {
    let mut columns = Vec::new();
    for gender in [Gender::Female, Gender::Male] {
        for age in [AgeGroup::Youth, AgeGroup::Adult, AgeGroup::Elder] {
            columns.push((gender, age));
        }
    }
    columns.push((Gender::Unspecified, AgeGroup::Unspecified));
    columns
}

async fn headcount_page(state: &AppState, page: Page, id: i32, errors: FormErrors) -> AppResult<Response> {
    let (event, venue) = attendance::open_event_at_venue(&state.db, id).await?;
    let region = venue.map(|v| v.region).unwrap_or_default();
    Ok(render(&HeadcountPage {
        page,
        event,
        region,
        errors,
        columns: grid_columns(),
    }))
}

async fn show_headcount(
    State(state): State<AppState>,
    _user: Require<Organizer>,
    page: Page,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    headcount_page(&state, page, id, FormErrors::default()).await
}

/// The grid arrives as `region`, `client_id` and `c.<category>.<gender>.<age_group>` counts.
async fn post_headcount(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Organizer>,
    page: Page,
    jar: CookieJar,
    Path(id): Path<i32>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let mut headcount = Headcount::default();
    let mut client_id = None;
    let mut bad_numbers = crate::error::FieldErrors::new();
    for (name, value) in fields {
        if name == "region" {
            headcount.region = Some(value);
        } else if name == "client_id" {
            client_id = Some(value).filter(|v| !v.trim().is_empty());
        } else if let Some(cell) = name.strip_prefix("c.") {
            let parts: Vec<&str> = cell.split('.').collect();
            let value = value.trim();
            if parts.len() != 3 || value.is_empty() {
                continue;
            }
            match value.parse::<i64>() {
                Ok(count) => headcount.cells.push(HeadcountCell {
                    category: parts[0].into(),
                    gender: parts[1].into(),
                    age_group: parts[2].into(),
                    count,
                }),
                Err(_) => bad_numbers.add(&name, "validation.whole_number"),
            }
        }
    }
    let outcome = match bad_numbers.into_result(()) {
        Ok(()) => {
            let mark = Mark {
                client_id,
                headcount: Some(headcount),
                ..Default::default()
            };
            state.record_mark(id, &who, &mark).await
        }
        Err(error) => Err(error),
    };
    match outcome {
        Ok(_) => Ok(flash_redirect(
            jar,
            "success",
            "checkin.headcount_added",
            &format!("/events/{id}/checkin"),
        )),
        Err(AppError::Validation(errors)) => {
            let errors = FormErrors::from_fields(&errors, page.lang);
            let mut response = headcount_page(&state, page, id, errors).await?;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(other) => Err(other),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CodeForm {
    code: String,
}

/// A code typed or scanned on the event's own page: checked against this event at once.
async fn enter_code(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Organizer>,
    jar: CookieJar,
    Path(id): Path<i32>,
    Form(form): Form<CodeForm>,
) -> AppResult<Response> {
    // A scanned QR gives the whole URL; keep the code at its end.
    let code = form.code.trim().rsplit('/').next().unwrap_or_default().to_string();
    let mark = Mark {
        checkin_code: Some(code),
        ..Default::default()
    };
    match state.record_mark(id, &who, &mark).await {
        Ok(result) if result.already_present => Ok(flash_redirect(
            jar,
            "info",
            "checkin.already_present",
            &format!("/events/{id}/checkin"),
        )),
        Ok(_) => Ok(flash_redirect(
            jar,
            "success",
            "checkin.marked",
            &format!("/events/{id}/checkin"),
        )),
        Err(AppError::Validation(errors)) => {
            let key = errors
                .0
                .values()
                .next()
                .cloned()
                .unwrap_or_else(|| "checkin.bad_code".into());
            Ok(flash_redirect(jar, "error", &key, &format!("/events/{id}/checkin")))
        }
        Err(other) => Err(other),
    }
}

#[derive(Template)]
#[template(path = "checkin/code.html")]
struct CodePage {
    page: Page,
    code: String,
    guest: RosterEntry,
    event: Event,
    /// The event this phone is checking in, when it is another one than the guest's.
    other_event: Option<Event>,
}

impl CodePage {
    fn other_event_message(&self, other: &Event) -> String {
        self.page.tf(
            "checkin.code_other_event",
            &[("event", &self.event.title), ("current", &other.title)],
        )
    }
}

/// What an organizer's phone opens when it scans a guest's QR code.
async fn show_code(
    State(state): State<AppState>,
    _user: Require<Organizer>,
    page: Page,
    jar: CookieJar,
    Path(code): Path<String>,
) -> AppResult<Response> {
    let (guest, event) = guest_of(&state, &code).await?;
    let checking = jar
        .get(CHECKIN_EVENT_COOKIE)
        .and_then(|c| c.value().parse::<i32>().ok());
    let other_event = match checking {
        Some(current) if current != event.id => Some(events::get(&state.db, current).await?),
        _ => None,
    };
    let mut response = render(&CodePage {
        page,
        code,
        guest,
        event,
        other_event: other_event.clone(),
    });
    if other_event.is_some() {
        *response.status_mut() = StatusCode::CONFLICT;
    }
    Ok(response)
}

async fn guest_of(state: &AppState, code: &str) -> AppResult<(RosterEntry, Event)> {
    let invitation_id = invitations::parse_checkin_code(&state.settings.secret, code).ok_or(AppError::NotFound)?;
    let (event_id, guest) = roster::guest(&state.db, invitation_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((guest, events::get(&state.db, event_id).await?))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ConfirmForm {
    event_id: i32,
}

/// Confirms a scanned guest for the event the confirmation page showed.
async fn confirm_code(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Organizer>,
    jar: CookieJar,
    Path(code): Path<String>,
    Form(form): Form<ConfirmForm>,
) -> AppResult<Response> {
    let mark = Mark {
        checkin_code: Some(code),
        ..Default::default()
    };
    let result = state.record_mark(form.event_id, &who, &mark).await?;
    let key = if result.already_present {
        "checkin.already_present"
    } else {
        "checkin.marked"
    };
    Ok(flash_redirect(
        jar,
        "success",
        key,
        &format!("/events/{}/checkin", form.event_id),
    ))
}
