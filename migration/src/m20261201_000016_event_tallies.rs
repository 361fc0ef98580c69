//! Per-event counters kept with the rows by triggers, so an event's figures are a few rows to read, not its guest list.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The invitation columns a counter depends on; an update of any other column leaves them alone.
const INVITATION_COLUMNS: [&str; 8] = [
    "event_id",
    "actor_id",
    "response",
    "delivery",
    "channel",
    "gender",
    "age_group",
    "category",
];

/// Invitation columns counted value by value (the dimension is named after the column).
pub(crate) const INVITATION_DIMS: [&str; 6] = ["response", "delivery", "channel", "gender", "age_group", "category"];

const OUTBOX_COLUMNS: [&str; 2] = ["event_id", "status"];

/// The actor columns that decide whether a guest may be emailed.
const ACTOR_COLUMNS: [&str; 3] = ["email", "consent_contact", "email_failed_at"];

/// The same rule as the domain's `reachable_by_email`, on the actor row `a`.
pub(crate) fn emailable(a: &str) -> String {
    format!("({a}.email IS NOT NULL AND {a}.consent_contact = TRUE AND {a}.email_failed_at IS NULL)")
}

/// The counter deltas of the invitations in `src` (a table, or a one-row subquery), each weighing `d`.
fn invitation_deltas(src: &str, d: i32) -> String {
    invitation_deltas_with(src, d, emailable_deltas)
}

/// The same, with the `emailable` deltas written by `emailable`.
pub(crate) fn invitation_deltas_with(src: &str, d: i32, emailable: fn(&str, i32) -> String) -> String {
    let mut parts: Vec<String> = INVITATION_DIMS
        .iter()
        .map(|dim| invitation_dim_deltas(src, dim, d))
        .collect();
    parts.push(emailable(src, d));
    parts.join(" UNION ALL ")
}

/// The deltas of one counted invitation column.
pub(crate) fn invitation_dim_deltas(src: &str, dim: &str, d: i32) -> String {
    format!("SELECT r.event_id AS event_id, '{dim}' AS dim, r.{dim} AS value, {d} AS d FROM {src} r")
}

/// The deltas of the guests who may be emailed (their actor's address, consent and bounces).
pub(crate) fn emailable_deltas(src: &str, d: i32) -> String {
    format!(
        "SELECT r.event_id AS event_id, 'emailable' AS dim, 'yes' AS value, {d} AS d FROM {src} r \
         JOIN actors a ON a.id = r.actor_id WHERE {}",
        emailable("a")
    )
}

/// The counter deltas of the outbox messages in `src`: one per event and status.
pub(crate) fn outbox_deltas(src: &str, d: i32) -> String {
    format!("SELECT r.event_id AS event_id, 'outbox' AS dim, r.status AS value, {d} AS d FROM {src} r")
}

/// The `emailable` deltas of an actor edit: `pairs` gives each edited actor's id and its change (-1, 0, 1).
fn actor_deltas(pairs: &str) -> String {
    format!(
        "SELECT i.event_id AS event_id, 'emailable' AS dim, 'yes' AS value, p.d AS d \
         FROM {pairs} p JOIN invitations i ON i.actor_id = p.id WHERE p.d <> 0"
    )
}

fn flag(expr: String) -> String {
    format!("(CASE WHEN {expr} THEN 1 ELSE 0 END)")
}

/// Adds the summed deltas in ONE statement, in (event, dim, value) order: concurrent writers take
/// the counter rows' locks in the same order, so they wait for each other but never deadlock.
pub(crate) fn apply(deltas: &[String]) -> String {
    format!(
        "INSERT INTO event_tallies (event_id, dim, value, n) \
         SELECT event_id, dim, value, SUM(d) FROM ({}) t WHERE TRUE \
         GROUP BY event_id, dim, value HAVING SUM(d) <> 0 ORDER BY event_id, dim, value \
         ON CONFLICT (event_id, dim, value) DO UPDATE SET n = event_tallies.n + excluded.n",
        deltas.join(" UNION ALL ")
    )
}

/// SQLite's row trigger sees `NEW` and `OLD`: a one-row subquery lets the same deltas read them.
pub(crate) fn sqlite_row(prefix: &str, columns: &[&str]) -> String {
    let cols: Vec<String> = columns.iter().map(|c| format!("{prefix}.{c} AS {c}")).collect();
    format!("(SELECT {})", cols.join(", "))
}

/// One counted table: its name, the columns its counters read, and its deltas.
struct Counted {
    table: &'static str,
    columns: &'static [&'static str],
    deltas: fn(&str, i32) -> String,
}

const COUNTED: [Counted; 2] = [
    Counted {
        table: "invitations",
        columns: &INVITATION_COLUMNS,
        deltas: invitation_deltas,
    },
    Counted {
        table: "outbox_messages",
        columns: &OUTBOX_COLUMNS,
        deltas: outbox_deltas,
    },
];

pub(crate) fn actor_pairs(old: &str, new: &str, from: &str) -> String {
    format!(
        "(SELECT {new}.id AS id, {} - {} AS d{from})",
        flag(emailable(new)),
        flag(emailable(old))
    )
}

pub(crate) fn sqlite_statements() -> Vec<String> {
    let mut out = Vec::new();
    for c in COUNTED {
        let (table, new, old) = (c.table, sqlite_row("NEW", c.columns), sqlite_row("OLD", c.columns));
        out.push(format!(
            "CREATE TRIGGER {table}_tally_insert AFTER INSERT ON {table} FOR EACH ROW BEGIN {}; END",
            apply(&[(c.deltas)(&new, 1)])
        ));
        out.push(format!(
            "CREATE TRIGGER {table}_tally_delete AFTER DELETE ON {table} FOR EACH ROW BEGIN {}; END",
            apply(&[(c.deltas)(&old, -1)])
        ));
        out.push(format!(
            "CREATE TRIGGER {table}_tally_update AFTER UPDATE OF {} ON {table} FOR EACH ROW BEGIN {}; END",
            c.columns.join(", "),
            apply(&[(c.deltas)(&new, 1), (c.deltas)(&old, -1)])
        ));
    }
    out.push(format!(
        "CREATE TRIGGER actors_tally_update AFTER UPDATE OF {} ON actors FOR EACH ROW BEGIN {}; END",
        ACTOR_COLUMNS.join(", "),
        apply(&[actor_deltas(&actor_pairs("OLD", "NEW", ""))])
    ));
    out
}

/// A PostgreSQL statement trigger and its function: the statement's rows come in transition tables,
/// so a batch of 200 inserted guests updates each counter row once.
pub(crate) fn pg_trigger(name: &str, table: &str, event: &str, referencing: &str, body: String) -> [String; 2] {
    [
        format!(
            "CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN {body}; RETURN NULL; END $$"
        ),
        format!(
            "CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {referencing} \
             FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        ),
    ]
}

pub(crate) fn pg_statements() -> Vec<String> {
    let mut out = Vec::new();
    for c in COUNTED {
        let table = c.table;
        out.extend(pg_trigger(
            &format!("{table}_tally_insert"),
            table,
            "INSERT",
            "NEW TABLE AS new_rows",
            apply(&[(c.deltas)("new_rows", 1)]),
        ));
        out.extend(pg_trigger(
            &format!("{table}_tally_delete"),
            table,
            "DELETE",
            "OLD TABLE AS old_rows",
            apply(&[(c.deltas)("old_rows", -1)]),
        ));
        // PostgreSQL refuses column lists with transition tables: unchanged counters sum to zero
        // and the HAVING drops them, so an update of other columns writes no counter row.
        out.extend(pg_trigger(
            &format!("{table}_tally_update"),
            table,
            "UPDATE",
            "OLD TABLE AS old_rows NEW TABLE AS new_rows",
            apply(&[(c.deltas)("new_rows", 1), (c.deltas)("old_rows", -1)]),
        ));
    }
    out.extend(pg_trigger(
        "actors_tally_update",
        "actors",
        "UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        apply(&[actor_deltas(&actor_pairs(
            "o",
            "n",
            " FROM old_rows o JOIN new_rows n ON n.id = o.id",
        ))]),
    ));
    out
}

pub(crate) const TRIGGERS: [(&str, &str); 7] = [
    ("invitations_tally_insert", "invitations"),
    ("invitations_tally_delete", "invitations"),
    ("invitations_tally_update", "invitations"),
    ("outbox_messages_tally_insert", "outbox_messages"),
    ("outbox_messages_tally_delete", "outbox_messages"),
    ("outbox_messages_tally_update", "outbox_messages"),
    ("actors_tally_update", "actors"),
];

/// The statement that drops a counter trigger (PostgreSQL names its table too).
pub(crate) fn drop_trigger(postgres: bool, name: &str, table: &str) -> String {
    if postgres {
        format!("DROP TRIGGER IF EXISTS {name} ON {table}")
    } else {
        format!("DROP TRIGGER IF EXISTS {name}")
    }
}

/// Runs the statements in order, on the migration's connection (its transaction on PostgreSQL).
pub(crate) async fn run_all(manager: &SchemaManager<'_>, statements: Vec<String>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for sql in statements {
        db.execute_unprepared(&sql).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE TABLE event_tallies (event_id INTEGER NOT NULL, dim VARCHAR(32) NOT NULL, \
             value VARCHAR(255) NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (event_id, dim, value))",
        )
        .await?;
        // Backfill before the triggers exist, in the same transaction as them on PostgreSQL.
        db.execute_unprepared(&apply(&[
            invitation_deltas("invitations", 1),
            outbox_deltas("outbox_messages", 1),
        ]))
        .await?;
        let statements = match manager.get_database_backend() {
            DatabaseBackend::Postgres => pg_statements(),
            _ => sqlite_statements(),
        };
        run_all(manager, statements).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let postgres = manager.get_database_backend() == DatabaseBackend::Postgres;
        let mut statements = Vec::new();
        for (name, table) in TRIGGERS {
            statements.push(drop_trigger(postgres, name, table));
            if postgres {
                statements.push(format!("DROP FUNCTION IF EXISTS {name}()"));
            }
        }
        statements.push("DROP TABLE event_tallies".into());
        run_all(manager, statements).await
    }
}
