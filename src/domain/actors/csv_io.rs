//! The actor CSV format: reading a spreadsheet export line by line, importing it, writing one back.

use std::collections::HashMap;

use chrono::Utc;
use entity::{actor, actor_import};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set};
use serde::Serialize;

use crate::domain::actors::search::ActorFilter;
use crate::domain::actors::{ActorInput, ValidActor};
use crate::error::{AppError, AppResult, FieldErrors};

/// The columns, in the order of `../shared/fixtures/actors.csv`.
pub const COLUMNS: [&str; 12] = [
    "full_name",
    "honorific",
    "organization",
    "category",
    "gender",
    "age_group",
    "region",
    "town",
    "language",
    "email",
    "phone",
    "consent_contact",
];

pub use crate::error::RowError;

/// A data line of the file, what it says, and what is wrong with it.
#[derive(Clone, Debug)]
pub struct ParsedRow {
    pub line: u64,
    pub cells: Vec<String>,
    pub actor: Option<ValidActor>,
    pub errors: FieldErrors,
    /// Same email or phone as an actor already in the directory: skipped on import.
    pub existing: bool,
}

#[derive(Clone, Debug, Default)]
pub struct ParsedFile {
    pub rows: Vec<ParsedRow>,
    /// Problems with the file as a whole (header, encoding), reported on line 1.
    pub file_errors: Vec<RowError>,
}

impl ParsedFile {
    pub fn error_count(&self) -> usize {
        self.file_errors.len() + self.rows.iter().filter(|r| !r.errors.is_empty()).count()
    }

    pub fn is_valid(&self) -> bool {
        self.error_count() == 0
    }

    /// Every error as (line, field, message key), for the API and the preview.
    pub fn row_errors(&self) -> Vec<RowError> {
        let mut all = self.file_errors.clone();
        for row in &self.rows {
            for (field, key) in &row.errors.0 {
                all.push(RowError {
                    line: row.line,
                    field: field.clone(),
                    message: key.clone(),
                });
            }
        }
        all
    }
}

/// Reads a CSV export: UTF-8 with or without BOM, `,` or `;` separators, CRLF or LF.
pub fn parse(content: &str) -> ParsedFile {
    let content = content.strip_prefix('\u{feff}').unwrap_or(content);
    let first_line = content.lines().next().unwrap_or_default();
    let separator = if first_line.matches(';').count() > first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(content.as_bytes());
    let mut file = ParsedFile::default();
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(_) => {
            file.file_errors.push(file_error("import.unreadable"));
            return file;
        }
    };
    let index: HashMap<&str, usize> = COLUMNS
        .iter()
        .filter_map(|name| header.iter().position(|h| h == name).map(|i| (*name, i)))
        .collect();
    for required in ["full_name", "category"] {
        if !index.contains_key(required) {
            file.file_errors.push(RowError {
                line: 1,
                field: required.into(),
                message: "import.missing_column".into(),
            });
        }
    }
    if !file.file_errors.is_empty() {
        return file;
    }
    let mut emails_seen: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(err) => {
                let line = line_of(content, err.position());
                file.file_errors.push(RowError {
                    line,
                    field: "line".into(),
                    message: "import.unreadable".into(),
                });
                continue;
            }
        };
        let line = line_of(content, record.position());
        if record.iter().all(str::is_empty) {
            continue;
        }
        let cell = |name: &str| {
            index
                .get(name)
                .and_then(|i| record.get(*i))
                .map(unneutralize)
                .unwrap_or_default()
        };
        let input = ActorInput {
            full_name: cell("full_name"),
            honorific: cell("honorific"),
            organization: cell("organization"),
            category: cell("category"),
            gender: cell("gender"),
            age_group: cell("age_group"),
            region: cell("region"),
            town: cell("town"),
            language: cell("language"),
            email: Some(cell("email")),
            phone: Some(cell("phone")),
            consent_contact: false,
            notes: String::new(),
        };
        let mut errors = FieldErrors::new();
        let consent = parse_consent(&cell("consent_contact"), &mut errors);
        let mut actor = ActorInput {
            consent_contact: consent,
            ..input
        }
        .normalize(&mut errors);
        actor.consent_contact = consent;
        if let Some(email) = &actor.email {
            if emails_seen.contains_key(email) {
                errors.add("email", "import.email_repeated");
            } else {
                emails_seen.insert(email.clone(), line);
            }
        }
        let ok = errors.is_empty();
        file.rows.push(ParsedRow {
            line,
            cells: record.iter().map(str::to_string).collect(),
            actor: ok.then_some(actor),
            errors,
            existing: false,
        });
    }
    if file.rows.is_empty() {
        file.file_errors.push(file_error("import.empty"));
    }
    file
}

/// The spreadsheet line number of a record, counted from its byte offset (CRLF-proof).
fn line_of(content: &str, position: Option<&csv::Position>) -> u64 {
    let bytes = content.as_bytes();
    let mut offset = position.map(|p| p.byte() as usize).unwrap_or(0).min(bytes.len());
    // After a CR the reader places the next record on the LF that completes the line ending.
    while offset < bytes.len() && matches!(bytes[offset], b'\r' | b'\n') {
        offset += 1;
    }
    1 + bytes[..offset].iter().filter(|b| **b == b'\n').count() as u64
}

fn file_error(key: &str) -> RowError {
    RowError {
        line: 1,
        field: "file".into(),
        message: key.into(),
    }
}

/// Spreadsheet-safe exports prefix risky cells with `'`; reading them back removes it.
fn unneutralize(cell: &str) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest.to_string(),
        _ => cell.to_string(),
    }
}

fn parse_consent(raw: &str, errors: &mut FieldErrors) -> bool {
    match raw.trim().to_lowercase().as_str() {
        "yes" | "oui" | "y" | "o" | "true" | "vrai" | "1" | "x" => true,
        "no" | "non" | "n" | "false" | "faux" | "0" | "" => false,
        _ => {
            errors.add("consent_contact", "validation.yes_no");
            false
        }
    }
}

/// Marks rows whose email or phone is already in the directory (two queries for the whole file).
pub async fn mark_existing(db: &DatabaseConnection, file: &mut ParsedFile) -> AppResult<()> {
    let emails: Vec<String> = file
        .rows
        .iter()
        .filter_map(|r| r.actor.as_ref()?.email.clone())
        .collect();
    let phones: Vec<String> = file
        .rows
        .iter()
        .filter_map(|r| r.actor.as_ref()?.phone.clone())
        .collect();
    let mut known_emails: Vec<Option<String>> = Vec::new();
    for chunk in emails.chunks(500) {
        known_emails.extend(
            actor::Entity::find()
                .select_only()
                .column(actor::Column::Email)
                .filter(actor::Column::Email.is_in(chunk.to_vec()))
                .into_tuple::<Option<String>>()
                .all(db)
                .await?,
        );
    }
    let mut known_phones: Vec<Option<String>> = Vec::new();
    for chunk in phones.chunks(500) {
        known_phones.extend(
            actor::Entity::find()
                .select_only()
                .column(actor::Column::Phone)
                .filter(actor::Column::Phone.is_in(chunk.to_vec()))
                .into_tuple::<Option<String>>()
                .all(db)
                .await?,
        );
    }
    for row in &mut file.rows {
        if let Some(actor) = &row.actor {
            row.existing = (actor.email.is_some() && known_emails.contains(&actor.email))
                || (actor.phone.is_some() && known_phones.contains(&actor.phone));
        }
    }
    Ok(())
}

/// What an import did.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ImportSummary {
    pub imported: usize,
    pub skipped_existing: usize,
    pub rejected: usize,
}

/// Stores the valid new rows in one transaction; with `all_or_nothing`, any error stores nothing.
pub async fn import(db: &DatabaseConnection, content: &str, all_or_nothing: bool) -> AppResult<ImportSummary> {
    let mut file = parse(content);
    if all_or_nothing && !file.is_valid() {
        return Err(AppError::InvalidRows(file.row_errors()));
    }
    if !file.file_errors.is_empty() {
        return Err(AppError::InvalidRows(file.row_errors()));
    }
    mark_existing(db, &mut file).await?;
    let rejected = file.rows.iter().filter(|r| r.actor.is_none()).count();
    let skipped_existing = file.rows.iter().filter(|r| r.existing).count();
    let new_rows: Vec<actor::ActiveModel> = file
        .rows
        .into_iter()
        .filter(|r| !r.existing)
        .filter_map(|r| r.actor)
        .map(|a| a.into_active_model(<actor::ActiveModel as Default>::default()))
        .collect();
    let imported = new_rows.len();
    let txn = crate::db::begin_write(db).await?;
    // Batches keep each statement under SQLite's and PostgreSQL's bound-parameter limits.
    let mut rows = new_rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<actor::ActiveModel> = rows.by_ref().take(200).collect();
        actor::Entity::insert_many(batch).exec_without_returning(&txn).await?;
    }
    txn.commit().await?;
    Ok(ImportSummary {
        imported,
        skipped_existing,
        rejected,
    })
}

/// Keeps an uploaded file until the user confirms its preview.
pub async fn stage(db: &DatabaseConnection, user_id: i32, filename: &str, content: String) -> AppResult<i32> {
    let model = actor_import::ActiveModel {
        user_id: Set(user_id),
        filename: Set(filename.chars().take(200).collect()),
        content: Set(content),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(model.id)
}

/// A staged file of this user.
pub async fn staged(db: &DatabaseConnection, user_id: i32, id: i32) -> AppResult<actor_import::Model> {
    actor_import::Entity::find_by_id(id)
        .filter(actor_import::Column::UserId.eq(user_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn discard(db: &DatabaseConnection, id: i32) -> AppResult<()> {
    actor_import::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// The rejected lines of a file, as a CSV the user can fix and upload again.
pub fn rejected_csv(content: &str) -> String {
    let file = parse(content);
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(COLUMNS);
    for row in file.rows.iter().filter(|r| !r.errors.is_empty()) {
        let _ = writer.write_record(&row.cells);
    }
    finish(writer)
}

/// The directory (one filter's worth) as CSV in the import format, safe to open in a spreadsheet.
pub async fn export(db: &DatabaseConnection, filter: &ActorFilter) -> AppResult<String> {
    let actors = filter.select().all(db).await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(COLUMNS);
    for a in actors {
        let consent = if a.consent_contact { "yes" } else { "no" };
        let record = [
            &a.full_name,
            &a.honorific,
            &a.organization,
            &a.category,
            &a.gender,
            &a.age_group,
            &a.region,
            &a.town,
            &a.language,
            a.email.as_deref().unwrap_or_default(),
            a.phone.as_deref().unwrap_or_default(),
            consent,
        ];
        let _ = writer.write_record(record.iter().map(|c| neutralize(c)));
    }
    Ok(finish(writer))
}

fn finish(writer: csv::Writer<Vec<u8>>) -> String {
    let bytes = writer.into_inner().unwrap_or_default();
    // A BOM makes spreadsheet programs read the accents as UTF-8.
    format!("\u{feff}{}", String::from_utf8_lossy(&bytes))
}

/// A cell that a spreadsheet would run as a formula gets a leading `'` (OWASP CSV injection).
pub fn neutralize(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semicolons_bom_and_lf_are_read_like_commas() {
        let file = parse(
            "\u{feff}full_name;category;gender;town;email\nAwa Keïta;women_organization;female;Kayes;awa@example.org\n",
        );
        assert!(file.is_valid(), "{:?}", file.row_errors());
        let actor = file.rows[0].actor.as_ref().unwrap();
        assert_eq!((actor.full_name.as_str(), actor.town.as_str()), ("Awa Keïta", "Kayes"));
        assert_eq!(file.rows[0].line, 2);
    }

    #[test]
    fn each_error_names_its_line_and_field() {
        let csv = "full_name,category,gender,email,town\r\nA,researcher,male,a@example.org,Gao\r\nB,chef,male,pas-une-adresse,Gao\r\nC,media,x,c@example.org,Gao\r\n";
        let errors = parse(csv).row_errors();
        let found: Vec<(u64, &str)> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert_eq!(found, [(3, "category"), (3, "email"), (4, "gender")]);
    }

    #[test]
    fn a_missing_column_is_reported_on_the_header() {
        let errors = parse("name,email\nAwa,awa@example.org\n").row_errors();
        assert_eq!(errors[0].line, 1);
        assert_eq!(errors[0].field, "full_name");
    }

    #[test]
    fn formulas_are_neutralized_and_read_back() {
        assert_eq!(neutralize("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralize("+22376123456"), "'+22376123456");
        assert_eq!(neutralize("Awa"), "Awa");
        assert_eq!(unneutralize("'+22376123456"), "+22376123456");
        assert_eq!(unneutralize("'Awa"), "'Awa");
    }
}
