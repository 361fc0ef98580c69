//! Report pages: sections and their editor, versions, comparisons and exports.

mod sections;
mod versions;

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use axum_extra::extract::CookieJar;
use serde::Deserialize;

use crate::AppState;
use crate::domain::debates::markdown;
use crate::domain::reports::{self, NewReport, Report, ReportDetail};
use crate::domain::sections::Section;
use crate::domain::versions::{self as report_versions, VersionInfo};
use crate::domain::vocab::SectionKind;
use crate::error::{AppError, AppResult};
use crate::web::auth_extract::{AnyRole, Editor, Require};
use crate::web::errors::render;
use crate::web::forms::FormErrors;
use crate::web::page::{Page, flash_redirect};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reports", get(list_reports).post(create_report))
        .route("/reports/import", get(back_to_list).post(import_report))
        .route("/reports/{id}", get(show_report))
        .merge(sections::router())
        .merge(versions::router())
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct ReportForm {
    title: String,
    language: String,
}

#[derive(Template)]
#[template(path = "reports/list.html")]
struct ListPage {
    page: Page,
    reports: Vec<Report>,
    form: ReportForm,
    errors: FormErrors,
    /// Errors of a refused JSON import, field by field (`sections[2].heading`).
    import_errors: FormErrors,
}

async fn list_page(
    state: &AppState,
    page: Page,
    form: ReportForm,
    errors: FormErrors,
    import_errors: FormErrors,
) -> AppResult<Response> {
    let refused = !errors.is_empty() || !import_errors.is_empty();
    let mut response = render(&ListPage {
        reports: reports::list(&state.db).await?,
        page,
        form,
        errors,
        import_errors,
    });
    if refused {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

async fn list_reports(State(state): State<AppState>, _user: Require<AnyRole>, page: Page) -> AppResult<Response> {
    list_page(
        &state,
        page,
        ReportForm::default(),
        FormErrors::default(),
        FormErrors::default(),
    )
    .await
}

/// Where a sign-in interrupted by the upload lands afterwards.
async fn back_to_list() -> Redirect {
    Redirect::to("/reports")
}

async fn create_report(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Editor>,
    page: Page,
    jar: CookieJar,
    Form(form): Form<ReportForm>,
) -> AppResult<Response> {
    let input = NewReport {
        title: form.title.clone(),
        language: form.language.clone(),
        sections: Vec::new(),
    };
    match reports::create(&state.db, &input, &who).await {
        Ok(created) => Ok(created_redirect(jar, "reports.created", &created)),
        Err(AppError::Validation(errors)) => {
            let errors = FormErrors::from_fields(&errors, page.lang);
            list_page(&state, page, form, errors, FormErrors::default()).await
        }
        Err(other) => Err(other),
    }
}

fn created_redirect(jar: CookieJar, key: &str, created: &ReportDetail) -> Response {
    flash_redirect(jar, "success", key, &format!("/reports/{}", created.report.id))
}

/// The upload form sends its CSRF token in the query string: multipart bodies are not read early.
async fn import_report(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    _user: Require<Editor>,
    page: Page,
    jar: CookieJar,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let mut bytes = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(e.body_text()))?
    {
        if field.name() == Some("file") {
            bytes = field
                .bytes()
                .await
                .map_err(|e| AppError::BadRequest(e.body_text()))?
                .to_vec();
        }
    }
    let result = match reports::parse_import(&bytes) {
        Ok(input) => reports::create(&state.db, &input, &who).await,
        Err(err) => Err(err),
    };
    match result {
        Ok(created) => Ok(created_redirect(jar, "reports.imported", &created)),
        Err(AppError::Validation(errors)) => {
            let errors = FormErrors::from_fields(&errors, page.lang);
            list_page(&state, page, ReportForm::default(), FormErrors::default(), errors).await
        }
        Err(other) => Err(other),
    }
}

/// The add-section and publish forms as typed, and what was wrong with them.
#[derive(Default)]
struct ShowForms {
    section: sections::SectionForm,
    section_errors: FormErrors,
    label: String,
    label_errors: FormErrors,
}

#[derive(Template)]
#[template(path = "reports/show.html")]
struct ShowPage {
    page: Page,
    report: Report,
    sections: Vec<Section>,
    versions: Vec<VersionInfo>,
    kinds: &'static [SectionKind],
    forms: ShowForms,
}

impl ShowPage {
    fn markdown(&self, source: &str) -> String {
        markdown::to_html(source)
    }

    fn published(&self, v: &VersionInfo) -> String {
        v.published_at.format("%d/%m/%Y").to_string()
    }

    fn last_version(&self) -> i32 {
        self.versions.first().map_or(0, |v| v.number)
    }
}

async fn show_report(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    page: Page,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    show_page(&state, page, id, ShowForms::default()).await
}

/// The report page; a form refused on it comes back with its errors and a 422.
async fn show_page(state: &AppState, page: Page, id: i32, forms: ShowForms) -> AppResult<Response> {
    let detail = reports::detail(&state.db, id).await?;
    let refused = !forms.section_errors.is_empty() || !forms.label_errors.is_empty();
    let mut response = render(&ShowPage {
        versions: report_versions::list(&state.db, id).await?,
        page,
        report: detail.report,
        sections: detail.sections,
        kinds: SectionKind::ALL,
        forms,
    });
    if refused {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// Field errors of a refused form on the report page, or the error itself.
fn refused(err: AppError, lang: crate::i18n::Lang) -> AppResult<FormErrors> {
    match err {
        AppError::Validation(errors) => Ok(FormErrors::from_fields(&errors, lang)),
        other => Err(other),
    }
}
