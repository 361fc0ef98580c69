//! `toguna backup` and `toguna restore`: a running SQLite database and the secret in one zip file.
//!
//! The copy is made with `VACUUM INTO`, a read transaction of its own: it sees one committed state
//! of the database however many writes go on meanwhile, and needs no pause of the service. The
//! secret travels with it because it signs every answer link, check-in code and CSRF token: a
//! database restored without it would send links that do not match the ones invitees hold.
//! A zip file, because it is one file to carry off-site that every system opens, and the
//! database inside compresses well (the `zip` crate is already built for the XLSX exports).

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};
use serde::{Deserialize, Serialize};

const DATABASE_ENTRY: &str = "toguna.db";
const SECRET_ENTRY: &str = "secret";
const MANIFEST_ENTRY: &str = "backup.json";
const FORMAT: u32 = 1;

/// What a backup holds besides the files: when it was made and the rows of every table.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub app_version: String,
    /// Table name → rows, counted in the copy itself (so they match what a restore finds).
    pub tables: BTreeMap<String, u64>,
}

/// Copies the database `db` is connected to and `secret` into the zip file `file`.
pub async fn backup(db: &DatabaseConnection, secret: &[u8], file: &Path) -> anyhow::Result<Manifest> {
    if db.get_database_backend() != DatabaseBackend::Sqlite {
        bail!(
            "toguna backup copies SQLite databases; for PostgreSQL use pg_dump (see the README, \
             \"Backups\"), and keep the secret (the data folder's `secret` file or TOGUNA_SECRET) with it"
        );
    }
    let copy = sibling(file, ".db.partial");
    remove_if_present(&copy)?;
    let target = copy.to_str().context("the backup path is not valid UTF-8")?.to_string();
    let vacuum = db
        .execute_raw(Statement::from_sql_and_values(
            DatabaseBackend::Sqlite,
            "VACUUM INTO $1",
            [target.into()],
        ))
        .await
        .with_context(|| format!("cannot copy the database to {}", copy.display()));
    if let Err(err) = vacuum {
        remove_if_present(&copy)?;
        return Err(err);
    }
    let result = async {
        let manifest = Manifest {
            format: FORMAT,
            created_at: chrono::Utc::now(),
            app_version: env!("CARGO_PKG_VERSION").into(),
            tables: count_rows(&copy).await?,
        };
        let (copy, file, secret, written) = (copy.clone(), file.to_path_buf(), secret.to_vec(), manifest.clone());
        tokio::task::spawn_blocking(move || write_archive(&copy, &secret, &written, &file)).await??;
        anyhow::Ok(manifest)
    }
    .await;
    remove_if_present(&copy)?;
    result
}

/// Brings a backup back into `data_dir`: its database as `toguna.db`, and its secret. Refuses a
/// folder that holds anything unless `force`; the service must not run on that folder meanwhile.
pub async fn restore(file: &Path, data_dir: &Path, force: bool) -> anyhow::Result<Manifest> {
    if !force && folder_has_entries(data_dir)? {
        bail!(
            "{} is not empty; restore into an empty folder, or add --force to replace its database and secret",
            data_dir.display()
        );
    }
    std::fs::create_dir_all(data_dir).with_context(|| format!("cannot create {}", data_dir.display()))?;
    let database = data_dir.join(DATABASE_ENTRY);
    let incoming = sibling(&database, ".restoring");
    let (archive, into) = (file.to_path_buf(), incoming.clone());
    let (manifest, secret) = tokio::task::spawn_blocking(move || read_archive(&archive, &into)).await??;
    let found = count_rows(&incoming).await?;
    if found != manifest.tables {
        remove_if_present(&incoming)?;
        bail!(
            "the database in {} does not hold the rows its manifest lists",
            file.display()
        );
    }
    // A write-ahead log left by the replaced database would be replayed into the restored one.
    for suffix in ["-wal", "-shm"] {
        remove_if_present(&sibling(&database, suffix))?;
    }
    std::fs::rename(&incoming, &database).with_context(|| format!("cannot write {}", database.display()))?;
    let secret = String::from_utf8(secret).context("the secret in the backup is not text")?;
    crate::config::write_private(&data_dir.join(SECRET_ENTRY), &secret)
        .with_context(|| format!("cannot write the secret into {}", data_dir.display()))?;
    Ok(manifest)
}

fn write_archive(copy: &Path, secret: &[u8], manifest: &Manifest, file: &Path) -> anyhow::Result<()> {
    use zip::write::SimpleFileOptions;
    let partial = sibling(file, ".partial");
    let out = create_private(&partial).with_context(|| format!("cannot create {}", partial.display()))?;
    let mut zip = zip::ZipWriter::new(out);
    let deflated = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true)
        .unix_permissions(0o600);
    zip.start_file(MANIFEST_ENTRY, deflated)?;
    zip.write_all(&serde_json::to_vec_pretty(manifest)?)?;
    zip.start_file(SECRET_ENTRY, deflated)?;
    zip.write_all(secret)?;
    zip.start_file(DATABASE_ENTRY, deflated)?;
    std::io::copy(&mut std::fs::File::open(copy)?, &mut zip)?;
    zip.finish()?.sync_all()?;
    // Renamed only once complete, so a backup file is never half-written.
    std::fs::rename(&partial, file).with_context(|| format!("cannot write {}", file.display()))?;
    Ok(())
}

fn read_archive(file: &Path, database: &Path) -> anyhow::Result<(Manifest, Vec<u8>)> {
    let opened = std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let mut zip = zip::ZipArchive::new(opened).with_context(|| format!("{} is not a Toguna backup", file.display()))?;
    let manifest: Manifest = {
        let entry = zip.by_name(MANIFEST_ENTRY).context("the backup has no manifest")?;
        serde_json::from_reader(entry).context("the backup's manifest is unreadable")?
    };
    if manifest.format != FORMAT {
        bail!("backup format {} is not known to this version", manifest.format);
    }
    let mut secret = Vec::new();
    zip.by_name(SECRET_ENTRY)
        .context("the backup has no secret")?
        .read_to_end(&mut secret)?;
    let mut entry = zip.by_name(DATABASE_ENTRY).context("the backup has no database")?;
    let mut out = std::fs::File::create(database).with_context(|| format!("cannot write {}", database.display()))?;
    std::io::copy(&mut entry, &mut out)?;
    out.sync_all()?;
    Ok((manifest, secret))
}

/// Rows of every table of the SQLite file at `path`, opened in place (a private copy).
async fn count_rows(path: &Path) -> anyhow::Result<BTreeMap<String, u64>> {
    let url = format!("sqlite://{}?mode=rw", path.display());
    let db = sea_orm::Database::connect(&url)
        .await
        .with_context(|| format!("cannot open the copy {}", path.display()))?;
    let tables = db
        .query_all_raw(Statement::from_string(
            DatabaseBackend::Sqlite,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        ))
        .await?;
    let mut counts = BTreeMap::new();
    for row in tables {
        let name: String = row.try_get("", "name")?;
        let sql = format!("SELECT COUNT(*) AS n FROM \"{}\"", name.replace('"', "\"\""));
        let n: i64 = match db
            .query_one_raw(Statement::from_string(DatabaseBackend::Sqlite, sql))
            .await?
        {
            Some(row) => row.try_get("", "n")?,
            None => 0,
        };
        counts.insert(name, n.max(0) as u64);
    }
    db.close().await?;
    Ok(counts)
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn remove_if_present(path: &Path) -> anyhow::Result<()> {
    match std::fs::remove_file(path) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
            Err(err).with_context(|| format!("cannot remove {}", path.display()))
        }
        _ => Ok(()),
    }
}

fn folder_has_entries(dir: &Path) -> anyhow::Result<bool> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_some()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(err) => Err(err).with_context(|| format!("cannot read {}", dir.display())),
    }
}

/// The backup holds the secret: only its owner may read it.
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}
