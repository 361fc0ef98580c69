//! Importing actors from CSV: upload, a preview of every line and error, then confirmation.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use axum_extra::extract::CookieJar;
use serde::Deserialize;

use crate::AppState;
use crate::domain::actors::csv_io::{self, COLUMNS, ImportRules, OnExisting, ParsedFile};
use crate::domain::csv_out::DialectQuery;
use crate::error::{AppError, AppResult};
use crate::web::auth_extract::{Organizer, Require};
use crate::web::errors::render;
use crate::web::page::{Page, flash_redirect};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/actors/import", get(show_upload).post(upload_file))
        .route("/actors/import/{id}", get(show_preview).post(confirm_import))
        .route("/actors/import/{id}/rejected.csv", get(download_rejected))
}

#[derive(Template)]
#[template(path = "actors/import.html")]
struct UploadPage {
    page: Page,
    columns: [&'static str; 12],
    failure: Option<&'static str>,
    max_rows: usize,
}

impl UploadPage {
    fn limit_text(&self) -> String {
        self.page.tf("import.limit", &[("max", &self.max_rows)])
    }
}

async fn show_upload(State(state): State<AppState>, _user: Require<Organizer>, page: Page) -> Response {
    render(&UploadPage {
        page,
        columns: COLUMNS,
        failure: None,
        max_rows: state.settings.import_max_rows,
    })
}

/// The upload form sends its CSRF token in the query string: multipart bodies are not read early.
async fn upload_file(
    State(state): State<AppState>,
    current: Require<Organizer>,
    page: Page,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::unreadable_body(e.status(), e.body_text()))?
    {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("actors.csv").to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| AppError::unreadable_body(e.status(), e.body_text()))?;
            file = Some((name, bytes.to_vec()));
        }
    }
    let max_rows = state.settings.import_max_rows;
    let (name, content) = match file.map(|(name, bytes)| (name, String::from_utf8(bytes))) {
        None => (String::new(), Err("import.no_file")),
        Some((_, Ok(content))) if content.is_empty() => (String::new(), Err("import.no_file")),
        Some((name, Ok(content))) => (name, Ok(content)),
        Some((name, Err(_))) => (name, Err("import.not_utf8")),
    };
    // Counting lines is cheap but not free on a 10 MB file: off the executor too.
    let content = match content {
        Ok(content) => tokio::task::spawn_blocking(move || {
            if csv_io::exceeds_row_limit(&content, max_rows) {
                Err(csv_io::TOO_MANY_ROWS)
            } else {
                Ok(content)
            }
        })
        .await
        .map_err(|e| AppError::Internal(e.into()))?,
        Err(key) => Err(key),
    };
    let content = match content {
        Ok(content) => content,
        Err(key) => {
            let mut response = render(&UploadPage {
                page,
                columns: COLUMNS,
                failure: Some(key),
                max_rows,
            });
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(response);
        }
    };
    let id = csv_io::stage(&state.db, current.user.id, &name, content).await?;
    Ok(Redirect::to(&format!("/actors/import/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "actors/preview.html")]
struct PreviewPage {
    page: Page,
    import_id: i32,
    filename: String,
    file: ParsedFile,
    new_rows: usize,
    existing_rows: usize,
}

/// Good lines shown in the preview; every line with an error is shown whatever the file's size.
const PREVIEW_GOOD_ROWS: usize = 1_000;

impl PreviewPage {
    /// The lines of the preview table: all lines with errors, and the first good ones.
    fn shown_rows(&self) -> Vec<&csv_io::ParsedRow> {
        let mut good = 0;
        self.file
            .rows
            .iter()
            .filter(|r| {
                if r.errors.is_empty() {
                    good += 1;
                    good <= PREVIEW_GOOD_ROWS
                } else {
                    true
                }
            })
            .collect()
    }

    /// A counted message of the catalog, singular or plural, with its `{count}` filled in.
    fn count_text(&self, key: &str, count: usize) -> String {
        self.page.tn(key, count)
    }

    fn hidden_rows(&self) -> usize {
        self.file.rows.len() - self.shown_rows().len()
    }

    /// The row's error messages, translated, for the preview table.
    fn row_messages(&self, row: &csv_io::ParsedRow) -> Vec<String> {
        row.errors
            .0
            .iter()
            .map(|(field, key)| format!("{} : {}", field, self.page.t(key)))
            .collect()
    }
}

async fn show_preview(
    State(state): State<AppState>,
    current: Require<Organizer>,
    page: Page,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let staged = csv_io::staged(&state.db, current.user.id, id).await?;
    let rules = ImportRules::from(state.settings.as_ref());
    let mut file = csv_io::parse_off_executor(staged.content, rules).await?;
    csv_io::mark_existing(&state.db, &mut file).await?;
    let existing_rows = file.rows.iter().filter(|r| r.existing.is_some()).count();
    let new_rows = file
        .rows
        .iter()
        .filter(|r| r.actor.is_some() && r.existing.is_none())
        .count();
    Ok(render(&PreviewPage {
        page,
        import_id: id,
        filename: staged.filename,
        file,
        new_rows,
        existing_rows,
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ConfirmForm {
    /// `all` (default: refuse if any line is wrong) or `valid_only`.
    mode: String,
    /// `update` overwrites the actors already in the directory; anything else skips them.
    existing: String,
}

async fn confirm_import(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    current: Require<Organizer>,
    page: Page,
    jar: CookieJar,
    Path(id): Path<i32>,
    Form(form): Form<ConfirmForm>,
) -> AppResult<Response> {
    let staged = csv_io::staged(&state.db, current.user.id, id).await?;
    let all_or_nothing = form.mode != "valid_only";
    let rules = ImportRules::from(state.settings.as_ref());
    let on_existing = if form.existing == "update" {
        OnExisting::Update
    } else {
        OnExisting::Skip
    };
    match csv_io::import(&state.db, &rules, &staged.content, all_or_nothing, &who, on_existing).await {
        Ok(summary) => {
            tracing::info!(
                imported = summary.imported,
                skipped = summary.skipped_existing,
                updated = summary.updated,
                rejected = summary.rejected,
                "actors imported"
            );
            // The rejected lines stay downloadable; a clean import needs nothing kept.
            if summary.rejected == 0 {
                csv_io::discard(&state.db, id).await?;
            }
            Ok(render(&DonePage {
                page,
                import_id: id,
                summary,
            }))
        }
        Err(AppError::InvalidRows(_)) => Ok(flash_redirect(
            jar,
            "error",
            "import.has_errors",
            &format!("/actors/import/{id}"),
        )),
        Err(other) => Err(other),
    }
}

#[derive(Template)]
#[template(path = "actors/imported.html")]
struct DonePage {
    page: Page,
    import_id: i32,
    summary: csv_io::ImportSummary,
}

async fn download_rejected(
    State(state): State<AppState>,
    current: Require<Organizer>,
    Path(id): Path<i32>,
    Query(format): Query<DialectQuery>,
) -> AppResult<Response> {
    let staged = csv_io::staged(&state.db, current.user.id, id).await?;
    let file = csv_io::parse_off_executor(staged.content, ImportRules::from(state.settings.as_ref())).await?;
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8"),
            (CONTENT_DISPOSITION, "attachment; filename=\"lignes-rejetees.csv\""),
        ],
        csv_io::rejected_csv(&file, format.dialect()),
    )
        .into_response())
}
