//! The guest list as a file: CSV (through `SafeCsv`) or XLSX, with answers, comments and delivery state.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rust_xlsxwriter::{Format as CellFormat, Workbook, XlsxError};

use crate::AppState;
use crate::domain::csv_out::{DialectQuery, SafeCsv};
use crate::domain::events;
use crate::domain::guest_list::{self, GuestFilter};
use crate::domain::guests::Guest;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::web::attendance_stats::export::file_name;
use crate::web::auth_extract::{Organizer, Require};
use crate::web::page::Page;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/events/{id}/guests.csv", get(export_csv))
        .route("/events/{id}/guests.xlsx", get(export_xlsx))
}

/// The columns, as catalog keys of their headings.
const HEADINGS: [&str; 13] = [
    "guest_export.full_name",
    "guest_export.organization",
    "guest_export.category",
    "guest_export.gender",
    "guest_export.age_group",
    "guest_export.region",
    "guest_export.town",
    "guest_export.channel",
    "guest_export.delivery",
    "guest_export.response",
    "guest_export.responded_via",
    "guest_export.responded_at",
    "guest_export.comment",
];

/// One guest as the cells of a line, labels in the reader's language.
fn cells(lang: Lang, g: &Guest) -> [String; 13] {
    let t = |key: String| lang.t(&key).to_string();
    let (name, organization, category, gender, age, region, town) = match &g.actor {
        Some(a) => (
            a.full_name.clone(),
            a.organization.clone(),
            t(a.category.label_key()),
            t(a.gender.label_key()),
            t(a.age_group.label_key()),
            a.region.clone(),
            a.town.clone(),
        ),
        None => Default::default(),
    };
    let via = if g.responded_via.is_empty() {
        String::new()
    } else {
        t(format!("via.{}", g.responded_via))
    };
    [
        name,
        organization,
        category,
        gender,
        age,
        region,
        town,
        t(g.channel.label_key()),
        t(g.delivery.label_key()),
        t(g.response.label_key()),
        via,
        g.responded_at.map(|at| at.to_rfc3339()).unwrap_or_default(),
        g.response_comment.clone(),
    ]
}

async fn rows(state: &AppState, id: i32, filter: &GuestFilter) -> AppResult<(String, Vec<Guest>)> {
    let event = events::get(&state.db, id).await?;
    let guests = guest_list::all(&state.db, id, filter).await?;
    let name = format!("invites {} {}", event.local_start().format("%Y-%m-%d"), event.title);
    Ok((file_name(&name), guests))
}

fn download(content_type: &str, name: &str, extension: &str, body: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{name}.{extension}\"");
    (
        [
            (CONTENT_TYPE, content_type.to_string()),
            (CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

async fn export_csv(
    State(state): State<AppState>,
    _user: Require<Organizer>,
    page: Page,
    Path(id): Path<i32>,
    Query(filter): Query<GuestFilter>,
    Query(format): Query<DialectQuery>,
) -> AppResult<Response> {
    let (name, guests) = rows(&state, id, &filter).await?;
    let mut out = SafeCsv::with_dialect(format.dialect());
    out.row(HEADINGS.map(|k| page.t(k)));
    for g in &guests {
        out.row(cells(page.lang, g));
    }
    Ok(download("text/csv; charset=utf-8", &name, "csv", out.into_bytes()))
}

fn workbook(lang: Lang, guests: &[Guest]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = CellFormat::new().set_bold();
    let sheet = workbook.add_worksheet();
    sheet.set_name(lang.t("guest_export.sheet"))?;
    for (c, key) in HEADINGS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, lang.t(key), &bold)?;
        sheet.set_column_width(c as u16, if c == 12 { 48 } else { 18 })?;
    }
    for (r, g) in guests.iter().enumerate() {
        for (c, cell) in cells(lang, g).iter().enumerate() {
            // Written as strings: a spreadsheet never runs a guest's text as a formula.
            sheet.write_string(r as u32 + 1, c as u16, cell)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    workbook.save_to_buffer()
}

async fn export_xlsx(
    State(state): State<AppState>,
    _user: Require<Organizer>,
    page: Page,
    Path(id): Path<i32>,
    Query(filter): Query<GuestFilter>,
) -> AppResult<Response> {
    let (name, guests) = rows(&state, id, &filter).await?;
    let body = workbook(page.lang, &guests).map_err(|e| AppError::Internal(e.into()))?;
    Ok(download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &name,
        "xlsx",
        body,
    ))
}
