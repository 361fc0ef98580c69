//! The actor CSV format: reading a spreadsheet export line by line, importing it, writing one back.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use entity::{actor, actor_import};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set};
use serde::Serialize;

use crate::domain::actors::csv_read::{LineCounter, reader_for};
use crate::domain::actors::search::ActorFilter;
use crate::domain::actors::{ActorInput, ValidActor};
use crate::domain::audit::{self, Changes, Who};
use crate::domain::csv_out::{CsvDialect, SafeCsv, unneutralize};
use crate::domain::regions::Regions;
use crate::domain::text::fold;
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
    /// The directory's actor this line is already (same email, phone, or name in the same town):
    /// skipped or updated on import, never added a second time.
    pub existing: Option<i32>,
}

#[derive(Clone, Debug, Default)]
pub struct ParsedFile {
    pub rows: Vec<ParsedRow>,
    /// Problems with the file as a whole (header, encoding), reported on line 1.
    pub file_errors: Vec<RowError>,
    /// The file's own header line (lower case), the columns its rows' cells follow.
    pub header: Vec<String>,
}

impl ParsedFile {
    pub fn error_count(&self) -> usize {
        self.file_errors.len() + self.rows.iter().filter(|r| !r.errors.is_empty()).count()
    }

    pub fn is_valid(&self) -> bool {
        self.error_count() == 0
    }

    /// Refused whole for holding more lines than one import takes.
    pub fn too_large(&self) -> bool {
        self.file_errors.iter().any(|e| e.message == TOO_MANY_ROWS)
    }

    /// The error of a too-large file, on the `file` field, for the API.
    pub fn too_large_error() -> AppError {
        let mut errors = FieldErrors::new();
        errors.add("file", TOO_MANY_ROWS);
        AppError::Validation(errors)
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

/// What an import may accept: the deployment's regions and a bound on the file's size.
#[derive(Clone, Debug)]
pub struct ImportRules {
    pub regions: Regions,
    /// Data lines allowed in one file; past it the file is refused whole.
    pub max_rows: usize,
}

impl Default for ImportRules {
    fn default() -> Self {
        ImportRules {
            regions: Regions::default(),
            max_rows: DEFAULT_MAX_ROWS,
        }
    }
}

impl From<&crate::config::Settings> for ImportRules {
    fn from(settings: &crate::config::Settings) -> Self {
        ImportRules {
            regions: settings.regions.clone(),
            max_rows: settings.import_max_rows,
        }
    }
}

/// Rows per import unless `TOGUNA_IMPORT_MAX_ROWS` says otherwise: a national directory fits, a runaway file does not.
pub const DEFAULT_MAX_ROWS: usize = 20_000;

/// The file error of a file with more data lines than an import takes.
pub const TOO_MANY_ROWS: &str = "import.too_many_rows";

pub use crate::domain::actors::csv_read::exceeds_row_limit;

/// [`parse`] on a blocking thread: a large file is seconds of CPU that must not stall the server.
pub async fn parse_off_executor(content: String, rules: ImportRules) -> AppResult<ParsedFile> {
    tokio::task::spawn_blocking(move || parse(&content, &rules))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("the CSV parser stopped: {e}")))
}

/// Reads a CSV export: UTF-8 with or without BOM, `,` or `;` separators, CRLF or LF.
pub fn parse(content: &str, rules: &ImportRules) -> ParsedFile {
    let mut file = ParsedFile::default();
    if exceeds_row_limit(content, rules.max_rows) {
        file.file_errors.push(file_error(TOO_MANY_ROWS));
        return file;
    }
    let (content, mut reader) = reader_for(content);
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
    file.header = header.clone();
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
    let mut lines = LineCounter::new(content);
    let mut emails_seen: HashSet<String> = HashSet::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(err) => {
                let line = lines.line_of(err.position());
                file.file_errors.push(RowError {
                    line,
                    field: "line".into(),
                    message: "import.unreadable".into(),
                });
                continue;
            }
        };
        let line = lines.line_of(record.position());
        if record.iter().all(str::is_empty) {
            continue;
        }
        let cell = |name: &str| {
            index
                .get(name)
                .and_then(|i| record.get(*i))
                .map(|c| unneutralize(c).to_string())
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
        .normalize(&rules.regions, &mut errors);
        actor.consent_contact = consent;
        if let Some(email) = &actor.email
            && !emails_seen.insert(email.clone())
        {
            errors.add("email", "import.email_repeated");
        }
        let ok = errors.is_empty();
        file.rows.push(ParsedRow {
            line,
            cells: record.iter().map(str::to_string).collect(),
            actor: ok.then_some(actor),
            errors,
            existing: None,
        });
    }
    if file.rows.is_empty() {
        file.file_errors.push(file_error("import.empty"));
    }
    file
}

fn file_error(key: &str) -> RowError {
    RowError {
        line: 1,
        field: "file".into(),
        message: key.into(),
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

/// Marks rows already in the directory by the duplicate finder's rules (see [`super::duplicates`]):
/// same email, same phone, or same folded name in the same folded town. Three chunked queries for
/// the whole file, then hash lookups, so the cost grows with the file, not with file × directory.
pub async fn mark_existing(db: &DatabaseConnection, file: &mut ParsedFile) -> AppResult<()> {
    let valid = || file.rows.iter().filter_map(|r| r.actor.as_ref());
    let emails: Vec<String> = valid().filter_map(|a| a.email.clone()).collect();
    let phones: Vec<String> = valid().filter_map(|a| a.phone.clone()).collect();
    let names: Vec<String> = valid().map(|a| fold(&a.full_name)).collect();
    let mut known = KnownActors::default();
    for (column, values) in [
        (actor::Column::Email, emails),
        (actor::Column::Phone, phones),
        (actor::Column::NameKey, names),
    ] {
        let mut values = values;
        values.sort_unstable();
        values.dedup();
        for chunk in values.chunks(500) {
            let found: Vec<IdentityRow> = actor::Entity::find()
                .select_only()
                .columns([
                    actor::Column::Id,
                    actor::Column::Email,
                    actor::Column::Phone,
                    actor::Column::NameKey,
                    actor::Column::Town,
                ])
                .filter(column.is_in(chunk.to_vec()))
                .into_tuple()
                .all(db)
                .await?;
            known.extend(found);
        }
    }
    for row in &mut file.rows {
        if let Some(actor) = &row.actor {
            row.existing = known.find(actor);
        }
    }
    Ok(())
}

/// Id, email, phone, name key and town of an actor of the directory.
type IdentityRow = (i32, Option<String>, Option<String>, String, String);

/// The directory's actors a file might repeat, by each identifying key; the lowest id wins.
#[derive(Default)]
struct KnownActors {
    by_email: HashMap<String, i32>,
    by_phone: HashMap<String, i32>,
    by_name_town: HashMap<(String, String), i32>,
}

impl KnownActors {
    fn extend(&mut self, rows: Vec<IdentityRow>) {
        let keep_lowest = |slot: &mut i32, id: i32| *slot = (*slot).min(id);
        for (id, email, phone, name_key, town) in rows {
            if let Some(e) = email {
                keep_lowest(self.by_email.entry(e).or_insert(id), id);
            }
            if let Some(p) = phone {
                keep_lowest(self.by_phone.entry(p).or_insert(id), id);
            }
            keep_lowest(self.by_name_town.entry((name_key, fold(&town))).or_insert(id), id);
        }
    }

    fn find(&self, actor: &ValidActor) -> Option<i32> {
        let by = |map: &HashMap<String, i32>, key: &Option<String>| key.as_ref().and_then(|k| map.get(k).copied());
        by(&self.by_email, &actor.email)
            .or_else(|| by(&self.by_phone, &actor.phone))
            .or_else(|| {
                self.by_name_town
                    .get(&(fold(&actor.full_name), fold(&actor.town)))
                    .copied()
            })
    }
}

/// What to do with a line that is already in the directory.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OnExisting {
    /// Leave the directory's actor as it is (the safe default).
    #[default]
    Skip,
    /// Overwrite the actor's fields with the line's, keeping its notes and any email or phone the line lacks.
    Update,
}

/// What an import did.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ImportSummary {
    pub imported: usize,
    pub skipped_existing: usize,
    /// Lines already in the directory whose actor was updated from the file (only when asked).
    pub updated: usize,
    pub rejected: usize,
}

/// Stores the valid new rows in one transaction; with `all_or_nothing`, any error stores nothing.
/// Lines already in the directory are skipped or, with [`OnExisting::Update`], update their actor.
pub async fn import(
    db: &DatabaseConnection,
    rules: &ImportRules,
    content: &str,
    all_or_nothing: bool,
    who: &Who,
    on_existing: OnExisting,
) -> AppResult<ImportSummary> {
    let mut file = parse_off_executor(content.to_string(), rules.clone()).await?;
    if file.too_large() {
        return Err(ParsedFile::too_large_error());
    }
    if all_or_nothing && !file.is_valid() {
        return Err(AppError::InvalidRows(file.row_errors()));
    }
    if !file.file_errors.is_empty() {
        return Err(AppError::InvalidRows(file.row_errors()));
    }
    mark_existing(db, &mut file).await?;
    let rejected = file.rows.iter().filter(|r| r.actor.is_none()).count();
    let mut new_rows: Vec<actor::ActiveModel> = Vec::new();
    // Two lines of the file may point at the same actor: the first one updates it.
    let mut updates: HashMap<i32, ValidActor> = HashMap::new();
    let mut skipped_existing = 0;
    for row in file.rows {
        match (row.actor, row.existing, on_existing) {
            (None, _, _) => {}
            (Some(a), None, _) => new_rows.push(a.into_active_model(<actor::ActiveModel as Default>::default())),
            (Some(a), Some(id), OnExisting::Update) if !updates.contains_key(&id) => {
                updates.insert(id, a);
            }
            (Some(_), Some(_), _) => skipped_existing += 1,
        }
    }
    let imported = new_rows.len();
    let updated = updates.len();
    let txn = crate::db::begin_write(db).await?;
    // Batches keep each statement under SQLite's and PostgreSQL's bound-parameter limits.
    let mut rows = new_rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<actor::ActiveModel> = rows.by_ref().take(200).collect();
        actor::Entity::insert_many(batch).exec_without_returning(&txn).await?;
    }
    // One entry per import with its counts: a 5,000-line file is one change, not 5,000.
    let changes = Changes::new()
        .note("imported", imported)
        .note("skipped_existing", skipped_existing)
        .note("rejected", rejected);
    audit::record(&txn, who, "actor_import", "-", "import", changes).await?;
    let ids: Vec<i32> = updates.keys().copied().collect();
    for chunk in ids.chunks(500) {
        for current in actor::Entity::find()
            .filter(actor::Column::Id.is_in(chunk.to_vec()))
            .all(&txn)
            .await?
        {
            let Some(mut line) = updates.remove(&current.id) else {
                continue;
            };
            line.notes = current.notes.clone();
            line.email = line.email.or(current.email.clone());
            line.phone = line.phone.or(current.phone.clone());
            line.into_active_model(current.into()).update(&txn).await?;
        }
        crate::domain::guest_list::follow_names(&txn, chunk).await?;
    }
    txn.commit().await?;
    Ok(ImportSummary {
        imported,
        skipped_existing,
        updated,
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

/// The rejected lines of a file, under the file's own header, as a CSV the user can fix and upload again.
pub fn rejected_csv(file: &ParsedFile, dialect: CsvDialect) -> String {
    let mut out = SafeCsv::with_dialect(dialect);
    out.row(&file.header);
    for row in file.rows.iter().filter(|r| !r.errors.is_empty()) {
        out.row(&row.cells);
    }
    out.into_string()
}

/// The directory (one filter's worth) as CSV in the import format, safe to open in a spreadsheet.
/// `with_contacts: false` leaves the email and phone columns empty: the file for roles that do not
/// organize events and have no reason to reach anyone. The import reads both dialects back.
pub async fn export(
    db: &DatabaseConnection,
    filter: &ActorFilter,
    with_contacts: bool,
    dialect: CsvDialect,
) -> AppResult<String> {
    let actors = filter.select().all(db).await?;
    let mut out = SafeCsv::with_dialect(dialect);
    out.row(COLUMNS);
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
            a.email.as_deref().filter(|_| with_contacts).unwrap_or_default(),
            a.phone.as_deref().filter(|_| with_contacts).unwrap_or_default(),
            consent,
        ];
        out.row(record);
    }
    Ok(out.into_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semicolons_bom_and_lf_are_read_like_commas() {
        let file = parse(
            "\u{feff}full_name;category;gender;town;email\nAwa Keïta;women_organization;female;Kayes;awa@example.org\n",
            &ImportRules::default(),
        );
        assert!(file.is_valid(), "{:?}", file.row_errors());
        let actor = file.rows[0].actor.as_ref().unwrap();
        assert_eq!((actor.full_name.as_str(), actor.town.as_str()), ("Awa Keïta", "Kayes"));
        assert_eq!(file.rows[0].line, 2);
    }

    #[test]
    fn each_error_names_its_line_and_field() {
        let csv = "full_name,category,gender,email,town\r\nA,researcher,male,a@example.org,Gao\r\nB,chef,male,pas-une-adresse,Gao\r\nC,media,x,c@example.org,Gao\r\n";
        let errors = parse(csv, &ImportRules::default()).row_errors();
        let found: Vec<(u64, &str)> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert_eq!(found, [(3, "category"), (3, "email"), (4, "gender")]);
    }

    #[test]
    fn a_missing_column_is_reported_on_the_header() {
        let errors = parse("name,email\nAwa,awa@example.org\n", &ImportRules::default()).row_errors();
        assert_eq!(errors[0].line, 1);
        assert_eq!(errors[0].field, "full_name");
    }

    #[test]
    fn lines_are_counted_across_quoted_line_breaks_and_crlf() {
        let csv = "full_name,category,town\r\n\"Awa\r\nKeïta\",researcher,Gao\r\nB,chef,Gao\r\n\r\nC,chef,Gao\n";
        let errors = parse(csv, &ImportRules::default()).row_errors();
        let found: Vec<(u64, &str)> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
        // A line break inside a name is refused too, on the line where the record starts.
        assert_eq!(found, [(2, "full_name"), (4, "category"), (6, "category")]);
    }

    #[test]
    fn a_file_over_the_row_limit_is_refused_whole() {
        let rules = ImportRules {
            max_rows: 2,
            ..Default::default()
        };
        let two = "full_name,category,town\nA,media,Gao\n\nB,media,Gao\n";
        assert!(parse(two, &rules).is_valid());
        let file = parse(&format!("{two}C,media,Gao\n"), &rules);
        assert!(file.too_large());
        assert!(file.rows.is_empty());
    }
}
