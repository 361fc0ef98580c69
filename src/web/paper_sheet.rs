//! The printed sign-in sheet (guests pre-filled, blank rows for walk-ins) and the form to type it back in.

use std::collections::{BTreeMap, HashSet};

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use axum_extra::extract::CookieJar;
use serde::Deserialize;

use crate::AppState;
use crate::domain::attendance;
use crate::domain::attendance::paper::{self, PaperSheet};
use crate::domain::attendance::record::WalkIn;
use crate::domain::attendance::roster::{self, RosterEntry};
use crate::domain::events::Event;
use crate::domain::venues::Venue;
use crate::domain::vocab::{ActorCategory, AgeGroup, Gender};
use crate::error::{AppError, AppResult};
use crate::web::auth_extract::{Organizer, Require};
use crate::web::errors::render;
use crate::web::forms::FormErrors;
use crate::web::page::{Page, flash_redirect};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/events/{id}/checkin/sheet", get(show_sheet))
        .route("/events/{id}/checkin/paper", get(show_paper).post(post_paper))
}

const DEFAULT_BLANK_ROWS: usize = 15;
const MAX_BLANK_ROWS: usize = 300;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RowsQuery {
    blank: Option<usize>,
}

impl RowsQuery {
    fn blank_rows(&self) -> usize {
        self.blank.unwrap_or(DEFAULT_BLANK_ROWS).min(MAX_BLANK_ROWS)
    }
}

/// Category codes on paper: a number per category, explained in the sheet's legend.
fn category_code(category: ActorCategory) -> usize {
    ActorCategory::ALL.iter().position(|c| *c == category).unwrap_or(0) + 1
}

#[derive(Template)]
#[template(path = "checkin/sheet.html")]
struct SheetPage {
    page: Page,
    event: Event,
    venue: Option<Venue>,
    guests: Vec<RosterEntry>,
    blank: Vec<usize>,
}

impl SheetPage {
    fn code(&self, category: &ActorCategory) -> usize {
        category_code(*category)
    }
    /// "F" / "H" on a French sheet, "F" / "M" on an English one.
    fn gender_mark(&self, gender: &Gender) -> &'static str {
        match gender {
            Gender::Female => self.page.t("paper.female_short"),
            Gender::Male => self.page.t("paper.male_short"),
            Gender::Unspecified => "",
        }
    }
    fn age_mark(&self, age: &AgeGroup) -> &'static str {
        match age {
            AgeGroup::Youth => self.page.t("paper.youth_short"),
            AgeGroup::Adult => self.page.t("paper.adult_short"),
            AgeGroup::Elder => self.page.t("paper.elder_short"),
            AgeGroup::Unspecified => "",
        }
    }
}

async fn show_sheet(
    State(state): State<AppState>,
    _user: Require<Organizer>,
    page: Page,
    Path(id): Path<i32>,
    Query(rows): Query<RowsQuery>,
) -> AppResult<Response> {
    let (event, venue) = attendance::open_event_at_venue(&state.db, id).await?;
    let guests = roster::roster(&state.db, id).await?;
    let first_blank = guests.len() + 1;
    let blank = (first_blank..first_blank + rows.blank_rows()).collect();
    Ok(render(&SheetPage {
        page,
        event,
        venue,
        guests,
        blank,
    }))
}

#[derive(Template)]
#[template(path = "checkin/paper.html")]
struct PaperPage {
    page: Page,
    event: Event,
    region: String,
    guests: Vec<RosterEntry>,
    /// Sheet line numbers of the blank rows.
    blank: Vec<usize>,
    signed: HashSet<i32>,
    typed: BTreeMap<usize, WalkIn>,
    errors: FormErrors,
}

impl PaperPage {
    fn value(&self, row: &usize, field: &str) -> String {
        let Some(w) = self.typed.get(row) else {
            return if field == "region" {
                self.region.clone()
            } else {
                String::new()
            };
        };
        match field {
            "full_name" => w.full_name.clone().unwrap_or_default(),
            "organization" => w.organization.clone().unwrap_or_default(),
            "gender" => w.gender.clone(),
            "age_group" => w.age_group.clone(),
            "category" => w.category.clone(),
            "region" => w.region.clone().unwrap_or_default(),
            _ => String::new(),
        }
    }
    fn error(&self, row: &usize, field: &str) -> &str {
        self.errors.error(&format!("rows.{row}.{field}"))
    }
    fn is_signed(&self, invitation_id: &i32) -> bool {
        self.signed.contains(invitation_id)
    }
    fn code(&self, category: &ActorCategory) -> usize {
        category_code(*category)
    }
}

async fn paper_page(
    state: &AppState,
    page: Page,
    id: i32,
    blank_rows: usize,
    sheet: PaperSheet,
    errors: FormErrors,
) -> AppResult<Response> {
    let (event, venue) = attendance::open_event_at_venue(&state.db, id).await?;
    let guests = roster::roster(&state.db, id).await?;
    let first_blank = guests.len() + 1;
    let typed: BTreeMap<usize, WalkIn> = sheet.rows.into_iter().collect();
    let last_typed = typed.keys().next_back().copied().unwrap_or(0);
    let last = (first_blank + blank_rows).max(last_typed + 1);
    Ok(render(&PaperPage {
        page,
        event,
        region: venue.map(|v| v.region).unwrap_or_default(),
        guests,
        blank: (first_blank..last).collect(),
        signed: sheet.signed.into_iter().collect(),
        typed,
        errors,
    }))
}

async fn show_paper(
    State(state): State<AppState>,
    _user: Require<Organizer>,
    page: Page,
    Path(id): Path<i32>,
    Query(rows): Query<RowsQuery>,
) -> AppResult<Response> {
    paper_page(
        &state,
        page,
        id,
        rows.blank_rows(),
        PaperSheet::default(),
        FormErrors::default(),
    )
    .await
}

/// The form arrives as repeated `signed=<invitation id>` and `r.<line>.<field>` for written rows.
fn parse_sheet(fields: Vec<(String, String)>) -> PaperSheet {
    let mut sheet = PaperSheet::default();
    let mut rows: BTreeMap<usize, WalkIn> = BTreeMap::new();
    for (name, value) in fields {
        if name == "signed" {
            if let Ok(id) = value.trim().parse() {
                sheet.signed.push(id);
            }
            continue;
        }
        let Some((line, field)) = name.strip_prefix("r.").and_then(|rest| rest.split_once('.')) else {
            continue;
        };
        let Ok(line) = line.parse::<usize>() else { continue };
        let row = rows.entry(line).or_default();
        match field {
            "full_name" => row.full_name = Some(value),
            "organization" => row.organization = Some(value),
            "gender" => row.gender = value,
            "age_group" => row.age_group = value,
            "category" => row.category = value,
            "region" => row.region = Some(value),
            _ => {}
        }
    }
    sheet.rows = rows.into_iter().collect();
    sheet
}

async fn post_paper(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    user: Require<Organizer>,
    page: Page,
    jar: CookieJar,
    Path(id): Path<i32>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let sheet = parse_sheet(fields);
    match paper::apply(&state.db, &state.settings.regions, id, Some(user.user.id), &sheet, &who).await {
        Ok(_) => Ok(flash_redirect(
            jar,
            "success",
            "paper.saved",
            &format!("/events/{id}/checkin"),
        )),
        Err(AppError::Validation(errors)) => {
            let errors = FormErrors::from_fields(&errors, page.lang);
            let rows = sheet.rows.len();
            let mut response = paper_page(&state, page, id, rows, sheet, errors).await?;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(other) => Err(other),
    }
}
