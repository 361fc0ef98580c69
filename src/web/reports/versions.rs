//! Versions of a report: publishing, what changed and why, comparisons, Markdown and print exports.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use axum_extra::extract::CookieJar;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{ShowForms, refused, show_page};
use crate::AppState;
use crate::domain::debates::markdown;
use crate::domain::reports::{self, Report};
use crate::domain::versions::diff::{self, Comparison, Side};
use crate::domain::versions::export::{self, Document};
use crate::domain::versions::{self, FrozenSection, VersionInfo};
use crate::error::AppResult;
use crate::web::auth_extract::{AnyRole, Editor, Require};
use crate::web::errors::render;
use crate::web::page::{Page, flash_redirect};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reports/{id}/versions", get(back_to_report).post(publish_version))
        .route(
            "/reports/{id}/versions/confirm",
            get(crate::web::confirm::confirm_publish_version),
        )
        .route("/reports/{id}/versions/{n}", get(show_version))
        .route("/reports/{id}/versions/{n}/export.md", get(export_markdown))
        .route("/reports/{id}/versions/{n}/print", get(print_version))
        .route("/reports/{id}/compare", get(compare_versions))
}

async fn back_to_report(Path(id): Path<i32>) -> Redirect {
    Redirect::to(&format!("/reports/{id}"))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PublishForm {
    label: String,
    confirm: String,
}

async fn publish_version(
    State(state): State<AppState>,
    who: crate::domain::audit::Who,
    user: Require<Editor>,
    page: Page,
    jar: CookieJar,
    Path(id): Path<i32>,
    Form(form): Form<PublishForm>,
) -> AppResult<Response> {
    // An empty label is reported on the report page; anything else asks before freezing.
    if !crate::web::confirm::is_given(&form.confirm) && !form.label.trim().is_empty() {
        return crate::web::confirm::publish_version(&state, page, id, &form.label, true).await;
    }
    match versions::publish(&state.db, id, &form.label, Some(user.user.id), &who).await {
        Ok(v) => Ok(flash_redirect(
            jar,
            "success",
            "reports.published",
            &format!("/reports/{id}/versions/{}", v.info.number),
        )),
        Err(err) => {
            let forms = ShowForms {
                label_errors: refused(err, page.lang)?,
                label: form.label,
                ..Default::default()
            };
            show_page(&state, page, id, forms).await
        }
    }
}

/// A comparison page: a version against the one before it, or any two sides.
#[derive(Template)]
#[template(path = "reports/version.html")]
struct VersionPage {
    page: Page,
    report: Report,
    versions: Vec<VersionInfo>,
    /// The version this page is about (none on a free comparison).
    version: Option<VersionInfo>,
    comparison: Comparison,
}

impl VersionPage {
    fn day(&self, at: &DateTime<Utc>) -> String {
        at.format("%d/%m/%Y").to_string()
    }

    fn older_label(&self) -> String {
        self.side_label(Some(self.comparison.from))
    }

    fn newer_label(&self) -> String {
        self.side_label(self.comparison.to)
    }

    fn side_label(&self, side: Option<i32>) -> String {
        match side {
            Some(0) => self.page.t("reports.empty_report").to_string(),
            Some(n) => self.page.tf("reports.version_n", &[("number", &n)]),
            None => self.page.t("reports.draft").to_string(),
        }
    }

    fn counts(&self) -> String {
        let changed = self
            .page
            .tn("usability2.sections_changed", self.comparison.changes.len());
        let unchanged = self.page.tn("usability2.sections_unchanged", self.comparison.unchanged);
        self.page.tf(
            "reports.change_count",
            &[("changed", &changed), ("unchanged", &unchanged)],
        )
    }

    fn is_to(&self, n: &i32) -> bool {
        self.comparison.to == Some(*n)
    }
}

async fn show_version(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    page: Page,
    Path((id, n)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let version = versions::get(&state.db, id, n).await?;
    let comparison = diff::compare(&state.db, id, n - 1, Side::Version(n)).await?;
    version_page(&state, page, id, Some(version.info), comparison).await
}

async fn version_page(
    state: &AppState,
    page: Page,
    id: i32,
    version: Option<VersionInfo>,
    comparison: Comparison,
) -> AppResult<Response> {
    Ok(render(&VersionPage {
        report: reports::get(&state.db, id).await?,
        versions: versions::list(&state.db, id).await?,
        page,
        version,
        comparison,
    }))
}

/// `?a=1&b=2`; `b` empty or `draft` is the current draft, `a` empty the latest version.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CompareQuery {
    a: String,
    b: String,
}

async fn compare_versions(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    page: Page,
    Path(id): Path<i32>,
    Query(query): Query<CompareQuery>,
) -> AppResult<Response> {
    let from = match query.a.trim().parse::<i32>() {
        Ok(n) => n,
        Err(_) => versions::last_number(&state.db, id).await?,
    };
    let to = match query.b.trim().parse::<i32>() {
        Ok(n) => Side::Version(n),
        Err(_) => Side::Draft,
    };
    let comparison = diff::compare(&state.db, id, from, to).await?;
    version_page(&state, page, id, None, comparison).await
}

async fn export_markdown(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    Path((id, n)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let doc = export::document(&state.db, id, n).await?;
    let disposition = format!("inline; filename=\"report-{id}-v{n}.md\"");
    Ok((
        [
            (CONTENT_TYPE, "text/markdown; charset=utf-8".to_string()),
            (CONTENT_DISPOSITION, disposition),
        ],
        export::markdown(&doc),
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "reports/print.html")]
struct PrintPage {
    doc: Document,
}

impl PrintPage {
    fn markdown(&self, source: &str) -> String {
        markdown::to_html(source)
    }

    fn anchor(&self, section: &FrozenSection) -> String {
        Document::anchor(section)
    }
}

/// A standalone A4 document: its own language, no navigation, page numbers in the margins.
async fn print_version(
    State(state): State<AppState>,
    _user: Require<AnyRole>,
    Path((id, n)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let doc = export::document(&state.db, id, n).await?;
    Ok(render(&PrintPage { doc }))
}
