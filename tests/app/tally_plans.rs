//! On PostgreSQL the counter triggers look each row's actor or guests up by key, whatever plan the
//! session cached first: one answer after a batch must not read the whole directory.

use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, Statement, TransactionTrait};

use crate::helpers::spawn_app;

/// Sequential scans of `table` so far in this transaction (PostgreSQL's own counters).
async fn seq_scans(txn: &DatabaseTransaction, table: &str) -> i64 {
    let row = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT COALESCE(seq_scan, 0) AS n FROM pg_stat_xact_user_tables WHERE relname = $1",
            [table.into()],
        ))
        .await
        .unwrap()
        .expect("the table is known");
    row.try_get("", "n").unwrap()
}

/// A trigger's statements are planned once per session, sized by the first statement's rows.
/// When that first statement was a batch (the 200 guests a send queues), the earlier triggers
/// cached a hash join over every actor (or every invitation), and each later single answer,
/// delivery or actor edit on that connection read the whole table: 0.7 ms a row at 2,000 actors,
/// growing with the directory, and the worker's delivery rate halved.
#[tokio::test]
async fn after_a_batch_one_answer_and_one_actor_edit_read_by_key_not_the_whole_table() {
    let app = spawn_app().await;
    if app.db.get_database_backend() != DbBackend::Postgres {
        // SQLite's row triggers look up one row by its key each time; no plan outlives a statement.
        return;
    }
    let token = app.api_token_for("organizer").await;
    let event = app.workshop_with_guests(&token, 2).await;
    let txn = app.db.begin().await.unwrap();
    txn.execute_unprepared(
        "INSERT INTO actors (full_name, honorific, organization, category, gender, age_group, region, town, \
         language, notes, consent_contact, email, name_key, search_text, created_at, updated_at) \
         SELECT 'Participante ' || g, '', '', 'civil_society', 'female', 'adult', 'Mopti', 'Sévaré', 'fr', '', \
         TRUE, 'p' || g || '@example.org', 'participante ' || g, '', now(), now() FROM generate_series(1, 3000) g",
    )
    .await
    .unwrap();
    txn.execute_unprepared(&format!(
        "INSERT INTO invitations (event_id, actor_id, channel, response, response_comment, delivery, created_at, \
         gender, age_group, category) SELECT {event}, id, 'email', 'none', '', 'not_sent', now(), gender, \
         age_group, category FROM actors WHERE full_name LIKE 'Participante %'"
    ))
    .await
    .unwrap();
    // The batches that plan the update triggers in this session.
    txn.execute_unprepared(&format!(
        "UPDATE invitations SET delivery = 'queued' WHERE event_id = {event}"
    ))
    .await
    .unwrap();
    txn.execute_unprepared("UPDATE actors SET email = lower(email) WHERE full_name LIKE 'Participante %'")
        .await
        .unwrap();

    let actors_before = seq_scans(&txn, "actors").await;
    txn.execute_unprepared(&format!(
        "UPDATE invitations SET response = 'accepted' \
         WHERE id = (SELECT min(id) FROM invitations WHERE event_id = {event})"
    ))
    .await
    .unwrap();
    assert_eq!(
        seq_scans(&txn, "actors").await,
        actors_before,
        "one answer read the actors by key"
    );

    let invitations_before = seq_scans(&txn, "invitations").await;
    txn.execute_unprepared(
        "UPDATE actors SET email = NULL WHERE id = (SELECT min(id) FROM actors WHERE full_name LIKE 'Participante %')",
    )
    .await
    .unwrap();
    assert_eq!(
        seq_scans(&txn, "invitations").await,
        invitations_before,
        "one actor edit found its guests by key"
    );

    // And the counters followed both: one accepted, and one guest fewer to email.
    let counted = |dim: &str, value: &str| {
        let sql =
            format!("SELECT n FROM event_tallies WHERE event_id = {event} AND dim = '{dim}' AND value = '{value}'");
        let txn = &txn;
        async move {
            let row = txn
                .query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
                .await
                .unwrap();
            row.map(|r| r.try_get::<i64>("", "n").unwrap()).unwrap_or(0)
        }
    };
    assert_eq!(counted("response", "accepted").await, 1);
    assert_eq!(counted("emailable", "yes").await, 2 + 3000 - 1);
    txn.rollback().await.unwrap();
}
