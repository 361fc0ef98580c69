//! The directory's facet counts and total kept with the rows: `directory_tallies`, maintained by triggers on `actors`.

use sea_orm_migration::sea_orm::DatabaseBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (dim, the value counted, as SQL over a row whose columns are prefixed with `{p}`). `total` has
/// one value, the empty string. Must match `src/domain/actors/tallies.rs` and the filters of
/// `search.rs` (has_email is "email IS NOT NULL").
const DIMS: [(&str, &str); 6] = [
    ("total", "''"),
    ("category", "{p}category"),
    ("region", "{p}region"),
    ("gender", "{p}gender"),
    ("age_group", "{p}age_group"),
    ("has_email", "CASE WHEN {p}email IS NULL THEN 'no' ELSE 'yes' END"),
];

/// The columns whose change moves a count (an update of anything else leaves the tallies alone).
const COUNTED: [&str; 5] = ["category", "region", "gender", "age_group", "email"];

const UPSERT: &str = "ON CONFLICT (dim, value) DO UPDATE SET n = directory_tallies.n + excluded.n";

/// One `SELECT dim, value, d FROM source` per dimension: every row of `source` counted once in
/// each, with the signed delta `sign`.
fn facet_rows(source: &str, alias: &str, sign: i32) -> String {
    DIMS.iter()
        .map(|(dim, expr)| {
            let value = expr.replace("{p}", &format!("{alias}."));
            format!("SELECT '{dim}' AS dim, {value} AS value, {sign} AS d FROM {source} AS {alias}")
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ")
}

/// The deltas summed per (dim, value) and added in one statement, in (dim, value) order so that
/// concurrent writers take the counter rows' locks in the same order (no deadlock). `WHERE TRUE`
/// tells SQLite's parser that `ON CONFLICT` is the upsert, not a join constraint.
fn add_deltas(deltas: &str) -> String {
    format!(
        "INSERT INTO directory_tallies (dim, value, n) \
         SELECT dim, value, SUM(d) FROM ({deltas}) AS deltas WHERE TRUE \
         GROUP BY dim, value HAVING SUM(d) <> 0 ORDER BY dim, value {UPSERT}"
    )
}

/// SQLite row triggers: one upsert of the row's values (`NEW` or `OLD`), `total` included or not.
fn sqlite_upsert(row: &str, sign: i32, with_total: bool) -> String {
    let values = DIMS
        .iter()
        .filter(|(dim, _)| with_total || *dim != "total")
        .map(|(dim, expr)| format!("('{dim}', {}, {sign})", expr.replace("{p}", &format!("{row}."))))
        .collect::<Vec<_>>()
        .join(", ");
    format!("INSERT INTO directory_tallies (dim, value, n) VALUES {values} {UPSERT};")
}

fn sqlite_triggers() -> Vec<String> {
    let changed = COUNTED
        .iter()
        .map(|c| {
            if *c == "email" {
                "(OLD.email IS NULL) <> (NEW.email IS NULL)".to_string()
            } else {
                format!("OLD.{c} IS NOT NEW.{c}")
            }
        })
        .collect::<Vec<_>>()
        .join(" OR ");
    vec![
        format!(
            "CREATE TRIGGER directory_tallies_insert AFTER INSERT ON actors BEGIN {} END",
            sqlite_upsert("NEW", 1, true)
        ),
        format!(
            "CREATE TRIGGER directory_tallies_delete AFTER DELETE ON actors BEGIN {} END",
            sqlite_upsert("OLD", -1, true)
        ),
        format!(
            "CREATE TRIGGER directory_tallies_update AFTER UPDATE OF {} ON actors WHEN {changed} BEGIN {} {} END",
            COUNTED.join(", "),
            sqlite_upsert("OLD", -1, false),
            sqlite_upsert("NEW", 1, false)
        ),
    ]
}

/// PostgreSQL statement triggers over the transition tables: an import chunk of 5,000 rows is one
/// aggregated upsert, not 5,000. (Transition tables rule out `UPDATE OF columns`; an update that
/// moves no count sums to zero everywhere and writes nothing, thanks to the `HAVING`.)
fn postgres_triggers() -> Vec<String> {
    let events = [
        (
            "insert",
            "INSERT",
            "REFERENCING NEW TABLE AS new_rows",
            facet_rows("new_rows", "r", 1),
        ),
        (
            "delete",
            "DELETE",
            "REFERENCING OLD TABLE AS old_rows",
            facet_rows("old_rows", "r", -1),
        ),
        (
            "update",
            "UPDATE",
            "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
            format!(
                "{} UNION ALL {}",
                facet_rows("old_rows", "r", -1),
                facet_rows("new_rows", "r", 1)
            ),
        ),
    ];
    let mut sql = Vec::new();
    for (name, event, referencing, deltas) in events {
        sql.push(format!(
            "CREATE FUNCTION directory_tallies_on_{name}() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN {}; RETURN NULL; END $$",
            add_deltas(&deltas)
        ));
        sql.push(format!(
            "CREATE TRIGGER directory_tallies_{name} AFTER {event} ON actors {referencing} \
             FOR EACH STATEMENT EXECUTE FUNCTION directory_tallies_on_{name}()"
        ));
    }
    sql
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("directory_tallies")
                    .col(string("dim"))
                    .col(string("value"))
                    .col(big_integer("n"))
                    .primary_key(Index::create().col("dim").col("value"))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        // Backfill, then the triggers: migrations run at start-up, before the server takes writes.
        db.execute_unprepared(&add_deltas(&facet_rows("actors", "a", 1)))
            .await?;
        let triggers = match manager.get_database_backend() {
            DatabaseBackend::Postgres => postgres_triggers(),
            _ => sqlite_triggers(),
        };
        for statement in triggers {
            db.execute_unprepared(&statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for name in ["insert", "delete", "update"] {
            match manager.get_database_backend() {
                DatabaseBackend::Postgres => {
                    db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS directory_tallies_{name} ON actors"))
                        .await?;
                    db.execute_unprepared(&format!("DROP FUNCTION IF EXISTS directory_tallies_on_{name}()"))
                        .await?;
                }
                _ => {
                    db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS directory_tallies_{name}"))
                        .await?;
                }
            }
        }
        manager
            .drop_table(Table::drop().table("directory_tallies").to_owned())
            .await
    }
}
