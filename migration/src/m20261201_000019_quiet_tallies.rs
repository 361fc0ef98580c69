//! Counter triggers that stay quiet when nothing they count changes (a claimed message still
//! waits; a guest's delivery changing moves only the delivery counters), and that look actors
//! and invitations up by index on PostgreSQL whatever plan the session cached first.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

use crate::m20261201_000016_event_tallies as first;
use first::{INVITATION_DIMS, apply, emailable_deltas, invitation_dim_deltas, pg_trigger, sqlite_row};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// An outbox status as counted: a message being sent (`sending`) still waits (`pending`). The
/// worker's claims then move no counter, so they take no lock on the counter rows the lanes
/// share, and on PostgreSQL no lane waits for another's claim to reach the disk.
fn counted_status(status: &str) -> String {
    format!("(CASE {status} WHEN 'sending' THEN 'pending' ELSE {status} END)")
}

fn outbox_deltas(src: &str, d: i32) -> String {
    format!(
        "SELECT r.event_id AS event_id, 'outbox' AS dim, {} AS value, {d} AS d FROM {src} r",
        counted_status("r.status")
    )
}

const OUTBOX_COLUMNS: [&str; 2] = ["event_id", "status"];

/// SQLite: one update trigger per counted invitation column, run only when its value (or the
/// event) changes, in place of one trigger recounting every dimension on any counted change.
fn sqlite_invitation_updates() -> Vec<String> {
    let mut out = vec!["DROP TRIGGER IF EXISTS invitations_tally_update".to_string()];
    for dim in INVITATION_DIMS {
        let cols = ["event_id", dim];
        let (new, old) = (sqlite_row("NEW", &cols), sqlite_row("OLD", &cols));
        out.push(format!(
            "CREATE TRIGGER invitations_tally_update_{dim} AFTER UPDATE OF event_id, {dim} ON invitations \
             FOR EACH ROW WHEN OLD.event_id IS NOT NEW.event_id OR OLD.{dim} IS NOT NEW.{dim} BEGIN {}; END",
            apply(&[
                invitation_dim_deltas(&new, dim, 1),
                invitation_dim_deltas(&old, dim, -1)
            ])
        ));
    }
    let cols = ["event_id", "actor_id"];
    let (new, old) = (sqlite_row("NEW", &cols), sqlite_row("OLD", &cols));
    out.push(format!(
        "CREATE TRIGGER invitations_tally_update_emailable AFTER UPDATE OF event_id, actor_id ON invitations \
         FOR EACH ROW WHEN OLD.event_id IS NOT NEW.event_id OR OLD.actor_id IS NOT NEW.actor_id BEGIN {}; END",
        apply(&[emailable_deltas(&new, 1), emailable_deltas(&old, -1)])
    ));
    out
}

fn sqlite_outbox() -> Vec<String> {
    let (new, old) = (sqlite_row("NEW", &OUTBOX_COLUMNS), sqlite_row("OLD", &OUTBOX_COLUMNS));
    let mut out: Vec<String> = ["insert", "delete", "update"]
        .iter()
        .map(|op| format!("DROP TRIGGER IF EXISTS outbox_messages_tally_{op}"))
        .collect();
    out.push(format!(
        "CREATE TRIGGER outbox_messages_tally_insert AFTER INSERT ON outbox_messages FOR EACH ROW BEGIN {}; END",
        apply(&[outbox_deltas(&new, 1)])
    ));
    out.push(format!(
        "CREATE TRIGGER outbox_messages_tally_delete AFTER DELETE ON outbox_messages FOR EACH ROW BEGIN {}; END",
        apply(&[outbox_deltas(&old, -1)])
    ));
    out.push(format!(
        "CREATE TRIGGER outbox_messages_tally_update AFTER UPDATE OF event_id, status ON outbox_messages \
         FOR EACH ROW WHEN OLD.event_id IS NOT NEW.event_id OR {} IS NOT {} BEGIN {}; END",
        counted_status("OLD.status"),
        counted_status("NEW.status"),
        apply(&[outbox_deltas(&new, 1), outbox_deltas(&old, -1)])
    ));
    out
}

/// The `emailable` deltas on PostgreSQL: each guest's actor looked up by its key.
///
/// A trigger's statements are planned once per session, for the size of the first statement's
/// transition table. The earlier join was planned as a hash join over every actor when a session
/// first saw a batch (200 guests queued), and every later one-guest answer or delivery then read
/// the whole directory: 0.09 ms a row became 0.7 ms at 2,000 actors and grew with the directory.
/// `LATERAL … OFFSET 0` cannot be turned into a join, so it stays one index probe a row.
fn pg_emailable_deltas(src: &str, d: i32) -> String {
    format!(
        "SELECT r.event_id AS event_id, 'emailable' AS dim, 'yes' AS value, {d} AS d FROM {src} r \
         CROSS JOIN LATERAL (SELECT 1 FROM actors a WHERE a.id = r.actor_id AND {} OFFSET 0) a",
        first::emailable("a")
    )
}

fn pg_invitation_deltas(src: &str, d: i32) -> String {
    first::invitation_deltas_with(src, d, pg_emailable_deltas)
}

/// An actor edit's `emailable` deltas, the actor's guests found by the index on `actor_id`.
fn pg_actor_deltas() -> String {
    format!(
        "SELECT i.event_id AS event_id, 'emailable' AS dim, 'yes' AS value, p.d AS d FROM {} p \
         CROSS JOIN LATERAL (SELECT i.event_id FROM invitations i WHERE i.actor_id = p.id OFFSET 0) i \
         WHERE p.d <> 0",
        first::actor_pairs("o", "n", " FROM old_rows o JOIN new_rows n ON n.id = o.id")
    )
}

/// A counted table's three statement triggers, dropped and created again with `deltas`.
fn pg_replace(table: &str, deltas: fn(&str, i32) -> String) -> Vec<String> {
    let mut out = Vec::new();
    for (op, referencing, parts) in [
        ("insert", "NEW TABLE AS new_rows", vec![deltas("new_rows", 1)]),
        ("delete", "OLD TABLE AS old_rows", vec![deltas("old_rows", -1)]),
        (
            "update",
            "OLD TABLE AS old_rows NEW TABLE AS new_rows",
            vec![deltas("new_rows", 1), deltas("old_rows", -1)],
        ),
    ] {
        let name = format!("{table}_tally_{op}");
        out.push(first::drop_trigger(true, &name, table));
        out.extend(pg_trigger(&name, table, &op.to_uppercase(), referencing, apply(&parts)));
    }
    out
}

/// PostgreSQL keeps statement triggers: the invitations' and actors' with the lookups above,
/// the outbox's counting `sending` as `pending`, so a claim's deltas sum to zero and the
/// `HAVING` leaves nothing to write.
fn pg_statements() -> Vec<String> {
    let mut out = pg_replace("invitations", pg_invitation_deltas);
    out.push(first::drop_trigger(true, "actors_tally_update", "actors"));
    out.extend(pg_trigger(
        "actors_tally_update",
        "actors",
        "UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        apply(&[pg_actor_deltas()]),
    ));
    out.extend(pg_replace("outbox_messages", outbox_deltas));
    out
}

/// The outbox counters again from the rows, read with `deltas`.
fn recount_outbox(deltas: fn(&str, i32) -> String) -> [String; 2] {
    [
        "DELETE FROM event_tallies WHERE dim = 'outbox'".to_string(),
        apply(&[deltas("outbox_messages", 1)]),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// In one transaction on SQLite too: the triggers it drops and creates again must be seen on
    /// one connection (another of the pool, with the schema cached before the drop, refused
    /// the create: "trigger … already exists"), and no crash may leave the counters half-kept.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut statements = match manager.get_database_backend() {
            DatabaseBackend::Postgres => pg_statements(),
            _ => {
                let mut all = sqlite_invitation_updates();
                all.extend(sqlite_outbox());
                all
            }
        };
        statements.extend(recount_outbox(outbox_deltas));
        first::run_all(manager, statements).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Every counter trigger goes, then the first ones come back and count the outbox their way.
        let postgres = manager.get_database_backend() == DatabaseBackend::Postgres;
        let mut statements: Vec<String> = first::TRIGGERS
            .iter()
            .map(|(name, table)| first::drop_trigger(postgres, name, table))
            .collect();
        if !postgres {
            for dim in INVITATION_DIMS.iter().chain(&["emailable"]) {
                statements.push(format!("DROP TRIGGER IF EXISTS invitations_tally_update_{dim}"));
            }
        }
        statements.extend(if postgres {
            first::pg_statements()
        } else {
            first::sqlite_statements()
        });
        statements.extend(recount_outbox(first::outbox_deltas));
        first::run_all(manager, statements).await
    }
}
