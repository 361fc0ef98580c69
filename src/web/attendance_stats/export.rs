//! The published figures as CSV (one tidy line per number) and as an XLSX workbook laid out for people.

use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format as CellFormat, Workbook, Worksheet, XlsxError};

use super::view::SummaryView;
use crate::domain::attendance::stats::{EventRow, Figure};
use crate::domain::csv_out::{CsvDialect, SafeCsv};
use crate::domain::text;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated, or `;` for French-locale spreadsheets (`?format=excel`).
    Csv(CsvDialect),
    Xlsx,
}

/// What a download holds: a heading, the summary and, across events, the table of events.
pub struct Export<'a> {
    pub lang: Lang,
    pub title: String,
    pub subtitle: String,
    pub view: &'a SummaryView,
    pub events: Option<&'a [EventRow]>,
    /// The file name before its extension; reduced to plain ASCII.
    pub name: String,
}

impl Export<'_> {
    pub fn response(&self, format: Format) -> AppResult<Response> {
        let (content_type, extension, body) = match format {
            Format::Csv(dialect) => ("text/csv; charset=utf-8", "csv", self.csv(dialect)),
            Format::Xlsx => (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx",
                self.xlsx().map_err(|e| AppError::Internal(e.into()))?,
            ),
        };
        let disposition = format!("attachment; filename=\"{}.{extension}\"", file_name(&self.name));
        Ok((
            [
                (CONTENT_TYPE, content_type.to_string()),
                (CONTENT_DISPOSITION, disposition),
            ],
            body,
        )
            .into_response())
    }

    fn share_value(&self) -> String {
        let s = &self.view.summary;
        match (s.women_share_percent, s.women()) {
            (Some(p), _) => p.to_string(),
            (None, women) if women.is_hidden() => women.to_string(),
            (None, _) => String::new(),
        }
    }

    fn csv(&self, dialect: CsvDialect) -> Vec<u8> {
        let mut out = SafeCsv::with_dialect(dialect);
        let mut line = |section: &str, key: &str, label: &str, measure: &str, value: String| {
            out.row([section, key, label, measure, &value]);
        };
        line("section", "key", "label", "measure", "value".into());
        let total = self.lang.t("stats.total");
        for table in self.view.tables() {
            for row in &table.rows {
                for (measure, figure) in table.measures.iter().zip(&row.figures) {
                    line(table.section, &row.key, &row.label, measure, figure.to_string());
                }
            }
            for (measure, figure) in table.measures.iter().zip(table.total.iter().flatten()) {
                line(table.section, "total", total, measure, figure.to_string());
            }
        }
        let s = &self.view.summary;
        line(
            "women_share",
            "share",
            self.lang.t("stats.women_share"),
            "percent",
            self.share_value(),
        );
        let target = s.women_target_percent.map(|t| t.to_string()).unwrap_or_default();
        line("women_share", "target", self.lang.t("stats.target"), "percent", target);
        for e in self.events.unwrap_or_default() {
            let id = e.event_id.to_string();
            line(
                "events",
                &id,
                &e.title,
                "date",
                e.starts_at.format("%Y-%m-%d").to_string(),
            );
            line("events", &id, &e.title, "region", e.region.clone());
            for (measure, figure) in [
                ("invited", e.invited),
                ("present", e.present),
                ("walk_ins", e.walk_ins),
                ("women", e.women),
            ] {
                line("events", &id, &e.title, measure, figure.to_string());
            }
            let share = e.women_share_percent.map(|p| p.to_string()).unwrap_or_default();
            line("events", &id, &e.title, "women_share_percent", share);
        }
        out.into_bytes()
    }

    fn xlsx(&self) -> Result<Vec<u8>, XlsxError> {
        let mut workbook = Workbook::new();
        let bold = CellFormat::new().set_bold();
        let sheet = workbook.add_worksheet();
        sheet.set_name(self.lang.t("stats.sheet_summary"))?;
        sheet.set_column_width(0, 36)?;
        sheet.set_column_width(1, 12)?;
        sheet.set_column_width(2, 12)?;
        sheet.write_string_with_format(0, 0, &self.title, &bold)?;
        sheet.write_string(1, 0, &self.subtitle)?;
        sheet.write_string(2, 0, self.lang.t("stats.published_note"))?;
        let mut r = 4;
        for table in self.view.tables() {
            sheet.write_string_with_format(r, 0, table.title, &bold)?;
            r += 1;
            sheet.write_string_with_format(r, 0, table.key_heading, &bold)?;
            for (c, heading) in table.headings.iter().enumerate() {
                sheet.write_string_with_format(r, c as u16 + 1, *heading, &bold)?;
            }
            r += 1;
            for row in &table.rows {
                sheet.write_string(r, 0, &row.label)?;
                write_figures(sheet, r, 1, &row.figures)?;
                r += 1;
            }
            if let Some(total) = &table.total {
                sheet.write_string_with_format(r, 0, self.lang.t("stats.total"), &bold)?;
                write_figures(sheet, r, 1, total)?;
                r += 1;
            }
            r += 1;
        }
        let s = &self.view.summary;
        sheet.write_string_with_format(r, 0, self.lang.t("stats.women_share"), &bold)?;
        match s.women_share_percent {
            Some(p) => sheet.write_number(r, 1, p)?,
            None => sheet.write_string(r, 1, self.share_value())?,
        };
        if let Some(t) = s.women_target_percent {
            sheet.write_string(r + 1, 0, self.lang.t("stats.target"))?;
            sheet.write_number(r + 1, 1, t)?;
        }
        if let Some(events) = self.events {
            self.events_sheet(workbook.add_worksheet(), events, &bold)?;
        }
        workbook.save_to_buffer()
    }

    fn events_sheet(&self, sheet: &mut Worksheet, events: &[EventRow], bold: &CellFormat) -> Result<(), XlsxError> {
        sheet.set_name(self.lang.t("stats.sheet_events"))?;
        sheet.set_column_width(0, 40)?;
        sheet.set_column_width(2, 24)?;
        let headings = [
            "stats.event",
            "stats.date",
            "field.venue",
            "field.region",
            "stats.invited",
            "stats.present",
            "stats.walk_ins",
            "stats.women",
            "stats.women_share",
            "stats.target",
        ];
        for (c, key) in headings.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, self.lang.t(key), bold)?;
        }
        for (i, e) in events.iter().enumerate() {
            let r = i as u32 + 1;
            sheet.write_string(r, 0, &e.title)?;
            sheet.write_string(r, 1, e.starts_at.format("%Y-%m-%d").to_string())?;
            sheet.write_string(r, 2, &e.venue)?;
            sheet.write_string(r, 3, &e.region)?;
            write_figures(sheet, r, 4, &[e.invited, e.present, e.walk_ins, e.women])?;
            if let Some(p) = e.women_share_percent {
                sheet.write_number(r, 8, p)?;
            }
            if let Some(t) = e.women_target_percent {
                sheet.write_number(r, 9, t)?;
            }
        }
        Ok(())
    }
}

/// Exact figures as numbers, hidden ones as their marks.
fn write_figures(sheet: &mut Worksheet, row: u32, first: u16, figures: &[Figure]) -> Result<(), XlsxError> {
    for (i, figure) in figures.iter().enumerate() {
        let col = first + i as u16;
        match figure.exact() {
            Some(n) => sheet.write_number(row, col, n as f64)?,
            None => sheet.write_string(row, col, figure.to_string())?,
        };
    }
    Ok(())
}

/// Letters, digits and dashes only, so the name survives every browser and file system.
pub fn file_name(raw: &str) -> String {
    let folded = text::fold(raw);
    let mut name = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c);
        } else if !name.ends_with('-') && !name.is_empty() {
            name.push('-');
        }
    }
    let name = name.trim_end_matches('-');
    let name: String = name.chars().take(80).collect();
    if name.is_empty() { "attendance".into() } else { name }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_plain_ascii() {
        assert_eq!(
            file_name("presence 2026-12-10 Restitution à Kayes : femmes, jeunes; et FDS"),
            "presence-2026-12-10-restitution-a-kayes-femmes-jeunes-et-fds"
        );
        assert_eq!(file_name("« »"), "attendance");
    }
}
