//! Editing a report's sections: add, edit with a stale-save check, move, delete.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use axum_extra::extract::CookieJar;
use serde::Deserialize;

use super::{ShowForms, refused, show_page};
use crate::AppState;
use crate::domain::reports::{self, Report};
use crate::domain::sections::{self, Direction, NewSection, Saved, Section, SectionUpdate};
use crate::domain::vocab::SectionKind;
use crate::error::AppResult;
use crate::web::auth_extract::{Editor, Require};
use crate::web::errors::render;
use crate::web::forms::FormErrors;
use crate::web::page::{Page, flash_redirect};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reports/{id}/sections", get(back_to_report).post(create_section))
        .route(
            "/reports/{id}/sections/{section}/edit",
            get(edit_section).post(save_section),
        )
        .route("/reports/{id}/sections/{section}/move", post(move_section))
        .route("/reports/{id}/sections/{section}/delete", post(delete_section))
}

/// The section form as typed; `version` is the one the text started from.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct SectionForm {
    pub heading: String,
    pub body: String,
    pub kind: String,
    pub version: String,
}

impl SectionForm {
    fn of(s: &Section) -> Self {
        SectionForm {
            heading: s.heading.clone(),
            body: s.body.clone(),
            kind: s.kind.slug().into(),
            version: s.version.to_string(),
        }
    }

    fn input(&self) -> NewSection {
        NewSection {
            heading: self.heading.clone(),
            body: self.body.clone(),
            kind: self.kind.clone(),
        }
    }

    /// A missing or garbled version counts as 0, which is always stale: nothing is overwritten.
    fn update(&self) -> SectionUpdate {
        SectionUpdate {
            section: self.input(),
            version: self.version.trim().parse().unwrap_or(0),
        }
    }
}

/// Where a sign-in interrupted by a form lands afterwards.
async fn back_to_report(Path(id): Path<i32>) -> Redirect {
    Redirect::to(&format!("/reports/{id}"))
}

async fn create_section(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Editor>,
    page: Page,
    jar: CookieJar,
    Path(id): Path<i32>,
    Form(form): Form<SectionForm>,
) -> AppResult<Response> {
    match sections::create(&state.db, id, &form.input(), &who).await {
        Ok(s) => Ok(at_section(jar, "reports.section_added", id, s.id)),
        Err(err) => {
            let forms = ShowForms {
                section_errors: refused(err, page.lang)?,
                section: form,
                ..Default::default()
            };
            show_page(&state, page, id, forms).await
        }
    }
}

fn at_section(jar: CookieJar, key: &str, report_id: i32, section_id: i32) -> Response {
    flash_redirect(jar, "success", key, &format!("/reports/{report_id}#s-{section_id}"))
}

#[derive(Template)]
#[template(path = "reports/section_form.html")]
struct EditPage {
    page: Page,
    report: Report,
    section: Section,
    form: SectionForm,
    errors: FormErrors,
    kinds: &'static [SectionKind],
    /// The stored section when a save was refused as stale: shown beside the editor's text.
    stale: Option<Section>,
}

async fn edit_page(
    state: &AppState,
    page: Page,
    section: Section,
    form: SectionForm,
    errors: FormErrors,
    stale: Option<Section>,
) -> AppResult<Response> {
    let status = match (&stale, errors.is_empty()) {
        (Some(_), _) => StatusCode::CONFLICT,
        (None, false) => StatusCode::UNPROCESSABLE_ENTITY,
        (None, true) => StatusCode::OK,
    };
    let mut response = render(&EditPage {
        report: reports::get(&state.db, section.report_id).await?,
        page,
        section,
        form,
        errors,
        kinds: SectionKind::ALL,
        stale,
    });
    *response.status_mut() = status;
    Ok(response)
}

async fn edit_section(
    State(state): State<AppState>,
    _user: Require<Editor>,
    page: Page,
    Path((id, section_id)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let section = sections::get_in(&state.db, id, section_id).await?;
    let form = SectionForm::of(&section);
    edit_page(&state, page, section, form, FormErrors::default(), None).await
}

/// A stale save keeps the editor's text in the form, now based on the stored version, with the
/// stored text beside it: saving again after reading both is a deliberate choice (409).
async fn save_section(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Editor>,
    page: Page,
    jar: CookieJar,
    Path((id, section_id)): Path<(i32, i32)>,
    Form(form): Form<SectionForm>,
) -> AppResult<Response> {
    match sections::update(&state.db, id, section_id, &form.update(), &who).await {
        Ok(Saved::Done(s)) => Ok(at_section(jar, "reports.section_saved", id, s.id)),
        Ok(Saved::Stale(stale)) => {
            let form = SectionForm {
                version: stale.current.version.to_string(),
                ..form
            };
            let current = stale.current;
            edit_page(
                &state,
                page,
                current.clone(),
                form,
                FormErrors::default(),
                Some(current),
            )
            .await
        }
        Err(err) => {
            let errors = refused(err, page.lang)?;
            let section = sections::get_in(&state.db, id, section_id).await?;
            edit_page(&state, page, section, form, errors, None).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MoveForm {
    direction: String,
}

async fn move_section(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Editor>,
    jar: CookieJar,
    Path((id, section_id)): Path<(i32, i32)>,
    Form(form): Form<MoveForm>,
) -> AppResult<Response> {
    let direction = if form.direction == "up" {
        Direction::Up
    } else {
        Direction::Down
    };
    sections::shift(&state.db, id, section_id, direction, &who).await?;
    Ok(at_section(jar, "reports.section_moved", id, section_id))
}

/// Refused with a 409 page when an outcome refers to the section.
async fn delete_section(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Editor>,
    page: Page,
    jar: CookieJar,
    Path((id, section_id)): Path<(i32, i32)>,
    Form(confirmed): Form<crate::web::confirm::Confirmed>,
) -> AppResult<Response> {
    if !confirmed.given() {
        return crate::web::confirm::delete_section(&state, page, id, section_id, true).await;
    }
    sections::delete(&state.db, id, section_id, &who).await?;
    Ok(flash_redirect(
        jar,
        "success",
        "reports.section_deleted",
        &format!("/reports/{id}"),
    ))
}
