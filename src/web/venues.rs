//! Venue pages: list, show, create, edit, delete.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use axum_extra::extract::CookieJar;
use serde::Deserialize;

use crate::AppState;
use crate::domain::paging::{PageQuery, Paged};
use crate::domain::venues::{self, Venue, VenueInput};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::web::auth_extract::{AnyRole, Organizer, Require};
use crate::web::errors::render;
use crate::web::forms::{FormErrors, parse_optional_decimal, parse_optional_int};
use crate::web::page::{Page, flash_redirect};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/venues", get(list_venues).post(create_venue))
        .route("/venues/new", get(new_venue))
        .route("/venues/{id}", get(show_venue).post(update_venue))
        .route("/venues/{id}/edit", get(edit_venue))
        .route("/venues/{id}/delete", post(delete_venue))
}

#[derive(Template)]
#[template(path = "venues/list.html")]
struct ListPage {
    page: Page,
    venues: Paged<Venue>,
}

async fn list_venues(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    page: Page,
    Query(paging): Query<PageQuery>,
) -> AppResult<Response> {
    let venues = venues::list(&state.db, paging).await?;
    Ok(render(&ListPage { page, venues }))
}

#[derive(Template)]
#[template(path = "venues/show.html")]
struct ShowPage {
    page: Page,
    venue: Venue,
}

async fn show_venue(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    page: Page,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let venue = venues::get(&state.db, id).await?;
    Ok(render(&ShowPage { page, venue }))
}

/// The form as typed: strings, so that what the user typed comes back on error.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct VenueForm {
    name: String,
    region: String,
    town: String,
    address: String,
    capacity: String,
    latitude: String,
    longitude: String,
    access_notes: String,
}

impl VenueForm {
    fn from_venue(v: &Venue) -> Self {
        VenueForm {
            name: v.name.clone(),
            region: v.region.clone(),
            town: v.town.clone(),
            address: v.address.clone(),
            capacity: v.capacity.map(|c| c.to_string()).unwrap_or_default(),
            latitude: v.latitude.map(|c| c.to_string()).unwrap_or_default(),
            longitude: v.longitude.map(|c| c.to_string()).unwrap_or_default(),
            access_notes: v.access_notes.clone(),
        }
    }

    /// Typed input plus the errors of fields that are not numbers at all.
    fn parse(&self) -> (VenueInput, FieldErrors) {
        let mut errors = FieldErrors::new();
        let input = VenueInput {
            name: self.name.clone(),
            region: self.region.clone(),
            town: self.town.clone(),
            address: self.address.clone(),
            capacity: parse_optional_int(&self.capacity, "capacity", &mut errors),
            latitude: parse_optional_decimal(&self.latitude, "latitude", &mut errors),
            longitude: parse_optional_decimal(&self.longitude, "longitude", &mut errors),
            access_notes: self.access_notes.clone(),
        };
        (input, errors)
    }
}

#[derive(Template)]
#[template(path = "venues/form.html")]
struct FormPage {
    page: Page,
    venue_id: Option<i32>,
    form: VenueForm,
    errors: FormErrors,
    regions: Vec<String>,
}

fn form_page(page: Page, venue_id: Option<i32>, form: VenueForm, errors: Option<&FieldErrors>) -> Response {
    let status = if errors.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let errors = errors
        .map(|e| FormErrors::from_fields(e, page.lang))
        .unwrap_or_default();
    let regions = page.region_names();
    let mut response = render(&FormPage {
        page,
        venue_id,
        form,
        errors,
        regions,
    });
    *response.status_mut() = status;
    response
}

async fn new_venue(_user: Require<Organizer>, page: Page) -> Response {
    form_page(page, None, VenueForm::default(), None)
}

async fn create_venue(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Organizer>,
    page: Page,
    jar: CookieJar,
    Form(form): Form<VenueForm>,
) -> AppResult<Response> {
    let (input, parse_errors) = form.parse();
    match venues::create(&state.db, &state.settings.regions, &input, parse_errors, &who).await {
        Ok(venue) => Ok(flash_redirect(
            jar,
            "success",
            "venues.created",
            &format!("/venues/{}", venue.id),
        )),
        Err(AppError::Validation(errors)) => Ok(form_page(page, None, form, Some(&errors))),
        Err(other) => Err(other),
    }
}

async fn edit_venue(
    State(state): State<AppState>,
    _user: Require<Organizer>,
    page: Page,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let venue = venues::get(&state.db, id).await?;
    Ok(form_page(page, Some(id), VenueForm::from_venue(&venue), None))
}

async fn update_venue(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Organizer>,
    page: Page,
    jar: CookieJar,
    Path(id): Path<i32>,
    Form(form): Form<VenueForm>,
) -> AppResult<Response> {
    let (input, parse_errors) = form.parse();
    match venues::update(&state.db, &state.settings.regions, id, &input, parse_errors, &who).await {
        Ok(_) => Ok(flash_redirect(
            jar,
            "success",
            "venues.updated",
            &format!("/venues/{id}"),
        )),
        Err(AppError::Validation(errors)) => Ok(form_page(page, Some(id), form, Some(&errors))),
        Err(other) => Err(other),
    }
}

async fn delete_venue(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Organizer>,
    page: Page,
    jar: CookieJar,
    Path(id): Path<i32>,
    Form(confirmed): Form<crate::web::confirm::Confirmed>,
) -> AppResult<Response> {
    if !confirmed.given() {
        return crate::web::confirm::delete_venue(&state, page, id, true).await;
    }
    venues::delete(&state.db, id, &who).await?;
    Ok(flash_redirect(jar, "success", "venues.deleted", "/venues"))
}
