//! Actor directory pages: search and filters, the actor form, duplicates and merging, CSV export.

use std::collections::BTreeSet;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use axum_extra::extract::CookieJar;
use serde::Deserialize;

use crate::AppState;
use crate::domain::actors::search::{self, ActorFilter, FacetCounts};
use crate::domain::actors::{self, Actor, ActorInput, csv_io, duplicates};
use crate::domain::csv_out::DialectQuery;
use crate::domain::events::{Event, listing};
use crate::domain::guests::{self, AddGuests};
use crate::domain::paging::{PageQuery, Paged};
use crate::domain::vocab::{ActorCategory, AgeGroup, Gender};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::i18n::Lang;
use crate::web::auth_extract::{AnyRole, Organizer, Require};
use crate::web::errors::render;
use crate::web::forms::FormErrors;
use crate::web::page::{Page, flash_redirect};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/actors", get(list_actors).post(create_actor))
        .route("/actors/new", get(new_actor))
        .route("/actors/export.csv", get(export_actors))
        .route("/actors/duplicates", get(list_duplicates))
        .route("/actors/invite", post(invite_actors))
        .route("/actors/{id}", get(show_actor).post(update_actor))
        .route("/actors/{id}/edit", get(edit_actor))
        .route("/actors/{id}/delete", post(delete_actor))
        .route("/actors/{id}/merge", post(merge_actor))
}

#[derive(Template)]
#[template(path = "actors/list.html")]
struct ListPage {
    page: Page,
    filter: ActorFilter,
    actors: Paged<Actor>,
    facets: FacetCounts,
    flagged: BTreeSet<i32>,
    open_events: Vec<Event>,
    categories: &'static [ActorCategory],
    genders: &'static [Gender],
    age_groups: &'static [AgeGroup],
}

impl ListPage {
    fn count(map: &std::collections::BTreeMap<String, u64>, key: &str) -> u64 {
        map.get(key).copied().unwrap_or(0)
    }

    /// The filter as a query-string prefix for pager links ("q=keita&" or "").
    fn pager_query(&self) -> String {
        crate::web::forms::pager_prefix(self.filter.query_string())
    }
}

/// Statements constant in the page size: unfiltered, the counters, the page and the duplicate check;
/// filtered, five grouped facet counts instead of the counters (plus the events offered for invitations).
async fn list_actors(
    State(state): State<AppState>,
    user: Require<AnyRole>,
    page: Page,
    Query(filter): Query<ActorFilter>,
    Query(paging): Query<PageQuery>,
) -> AppResult<Response> {
    let (mut actors, facets) = search::page_with_facets(&state.db, &filter, paging).await?;
    // Duplicates are found on the full entries (same email, same phone), then contacts are hidden.
    let flagged = duplicates::flag(&state.db, &actors.items).await?;
    let role = user.user.role;
    actors.items = actors.items.into_iter().map(|a| a.seen_by(role)).collect();
    let open_events = if page.can_organize() {
        listing::open_for_guests(&state.db).await?
    } else {
        Vec::new()
    };
    Ok(render(&ListPage {
        page,
        filter,
        actors,
        facets,
        flagged,
        open_events,
        categories: ActorCategory::ALL,
        genders: Gender::ALL,
        age_groups: AgeGroup::ALL,
    }))
}

#[derive(Template)]
#[template(path = "actors/show.html")]
struct ShowPage {
    page: Page,
    actor: Actor,
}

async fn show_actor(
    State(state): State<AppState>,
    user: Require<AnyRole>,
    page: Page,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let actor = actors::get(&state.db, id).await?.seen_by(user.user.role);
    Ok(render(&ShowPage { page, actor }))
}

/// The form as typed; check boxes arrive only when ticked.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct ActorForm {
    full_name: String,
    honorific: String,
    organization: String,
    category: String,
    gender: String,
    age_group: String,
    region: String,
    town: String,
    language: String,
    email: String,
    phone: String,
    consent_contact: Option<String>,
    notes: String,
}

impl ActorForm {
    fn from_actor(a: &Actor) -> Self {
        ActorForm {
            full_name: a.full_name.clone(),
            honorific: a.honorific.clone(),
            organization: a.organization.clone(),
            category: a.category.slug().into(),
            gender: a.gender.slug().into(),
            age_group: a.age_group.slug().into(),
            region: a.region.clone(),
            town: a.town.clone(),
            language: a.language.code().into(),
            email: a.email.clone().unwrap_or_default(),
            phone: a.phone.clone().unwrap_or_default(),
            consent_contact: a.consent_contact.then(|| "on".into()),
            notes: a.notes.clone(),
        }
    }

    fn input(&self) -> ActorInput {
        ActorInput {
            full_name: self.full_name.clone(),
            honorific: self.honorific.clone(),
            organization: self.organization.clone(),
            category: self.category.clone(),
            gender: self.gender.clone(),
            age_group: self.age_group.clone(),
            region: self.region.clone(),
            town: self.town.clone(),
            language: self.language.clone(),
            email: Some(self.email.clone()),
            phone: Some(self.phone.clone()),
            consent_contact: self.consent_contact.is_some(),
            notes: self.notes.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "actors/form.html")]
struct FormPage {
    page: Page,
    actor_id: Option<i32>,
    form: ActorForm,
    errors: FormErrors,
    categories: &'static [ActorCategory],
    genders: &'static [Gender],
    age_groups: &'static [AgeGroup],
    languages: [Lang; 2],
    regions: Vec<String>,
}

fn form_page(page: Page, actor_id: Option<i32>, form: ActorForm, errors: Option<&FieldErrors>) -> Response {
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
        actor_id,
        form,
        errors,
        categories: ActorCategory::ALL,
        genders: Gender::ALL,
        age_groups: AgeGroup::ALL,
        languages: Lang::ALL,
        regions,
    });
    *response.status_mut() = status;
    response
}

async fn new_actor(_user: Require<Organizer>, page: Page) -> Response {
    let form = ActorForm {
        consent_contact: Some("on".into()),
        ..Default::default()
    };
    form_page(page, None, form, None)
}

async fn create_actor(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Organizer>,
    page: Page,
    jar: CookieJar,
    Form(form): Form<ActorForm>,
) -> AppResult<Response> {
    match actors::create(&state.db, &state.settings.regions, &form.input(), &who).await {
        Ok(actor) => Ok(flash_redirect(
            jar,
            "success",
            "actors.created",
            &format!("/actors/{}", actor.id),
        )),
        Err(AppError::Validation(errors)) => Ok(form_page(page, None, form, Some(&errors))),
        Err(other) => Err(other),
    }
}

async fn edit_actor(
    State(state): State<AppState>,
    _user: Require<Organizer>,
    page: Page,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let actor = actors::get(&state.db, id).await?;
    Ok(form_page(page, Some(id), ActorForm::from_actor(&actor), None))
}

async fn update_actor(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Organizer>,
    page: Page,
    jar: CookieJar,
    Path(id): Path<i32>,
    Form(form): Form<ActorForm>,
) -> AppResult<Response> {
    match actors::update(&state.db, &state.settings.regions, id, &form.input(), &who).await {
        Ok(_) => Ok(flash_redirect(
            jar,
            "success",
            "actors.updated",
            &format!("/actors/{id}"),
        )),
        Err(AppError::Validation(errors)) => Ok(form_page(page, Some(id), form, Some(&errors))),
        Err(other) => Err(other),
    }
}

async fn delete_actor(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Organizer>,
    page: Page,
    jar: CookieJar,
    Path(id): Path<i32>,
    Form(confirmed): Form<crate::web::confirm::Confirmed>,
) -> AppResult<Response> {
    if !confirmed.given() {
        return crate::web::confirm::delete_actor(&state, page, id, true).await;
    }
    match actors::delete(&state.db, id, &who).await {
        Ok(()) => Ok(flash_redirect(jar, "success", "actors.deleted", "/actors")),
        Err(AppError::Conflict(key)) => Ok(flash_redirect(jar, "error", &key, &format!("/actors/{id}"))),
        Err(other) => Err(other),
    }
}

#[derive(Template)]
#[template(path = "actors/duplicates.html")]
struct DuplicatesPage {
    page: Page,
    groups: Vec<Vec<Actor>>,
}

async fn list_duplicates(State(state): State<AppState>, user: Require<AnyRole>, page: Page) -> AppResult<Response> {
    let role = user.user.role;
    let groups = duplicates::groups(&state.db)
        .await?
        .into_iter()
        .map(|group| group.into_iter().map(|a| a.seen_by(role)).collect())
        .collect();
    Ok(render(&DuplicatesPage { page, groups }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MergeForm {
    other_id: i32,
}

async fn merge_actor(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Organizer>,
    jar: CookieJar,
    Path(id): Path<i32>,
    Form(form): Form<MergeForm>,
) -> AppResult<Response> {
    duplicates::merge(&state.db, id, form.other_id, &who).await?;
    Ok(flash_redirect(
        jar,
        "success",
        "actors.merged",
        &format!("/actors/{id}"),
    ))
}

async fn export_actors(
    State(state): State<AppState>,
    user: Require<AnyRole>,
    Query(filter): Query<ActorFilter>,
    Query(format): Query<DialectQuery>,
) -> AppResult<Response> {
    let dialect = format.dialect();
    let csv = csv_io::export(&state.db, &filter, user.user.role.can_organize(), dialect).await?;
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8"),
            (CONTENT_DISPOSITION, "attachment; filename=\"acteurs.csv\""),
        ],
        csv,
    )
        .into_response())
}

/// The selection or the whole filter, added to an event's guest list. Flat, because
/// `serde(flatten)` cannot read numbers from form strings.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct InviteForm {
    event_id: i32,
    /// `selection` or `filter`.
    mode: String,
    actor_ids: Vec<i32>,
    q: String,
    category: String,
    region: String,
    gender: String,
    age_group: String,
    has_email: String,
}

impl InviteForm {
    fn filter(&self) -> ActorFilter {
        ActorFilter {
            q: self.q.clone(),
            category: self.category.clone(),
            region: self.region.clone(),
            gender: self.gender.clone(),
            age_group: self.age_group.clone(),
            has_email: self.has_email.clone(),
        }
    }
}

/// Repeated `actor_ids` check boxes need the multi-value form extractor.
async fn invite_actors(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Organizer>,
    jar: CookieJar,
    axum_extra::extract::Form(form): axum_extra::extract::Form<InviteForm>,
) -> AppResult<Response> {
    let request = if form.mode == "filter" {
        AddGuests {
            actor_ids: Vec::new(),
            filter: Some(form.filter()),
        }
    } else {
        AddGuests {
            actor_ids: form.actor_ids.clone(),
            filter: None,
        }
    };
    let event_id = form.event_id;
    match guests::add(&state.db, event_id, &request, &who).await {
        Ok(_) => Ok(flash_redirect(
            jar,
            "success",
            "guests.added",
            &format!("/events/{event_id}#guests"),
        )),
        Err(AppError::Validation(errors)) => {
            let key = errors.0.values().next().cloned().unwrap_or_default();
            let back = format!("/actors?{}", form.filter().query_string());
            Ok(flash_redirect(jar, "error", &key, &back))
        }
        Err(other) => Err(other),
    }
}
