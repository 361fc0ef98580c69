//! The SQLite the app is built with takes no process-wide lock on each page read or allocation
//! (`.cargo/config.toml`): with the bundled defaults, every pooled connection's thread queued on
//! two global mutexes and a quarter of a busy server's CPU went to waiting and waking.

use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::helpers::spawn_app;

#[tokio::test]
async fn sqlite_is_built_without_its_shared_page_cache_lock_or_memory_statistics() {
    let app = spawn_app().await;
    if app.db.get_database_backend() != DbBackend::Sqlite {
        return;
    }
    let rows = app
        .db
        .query_all_raw(Statement::from_string(DbBackend::Sqlite, "PRAGMA compile_options"))
        .await
        .unwrap();
    let options: Vec<String> = rows
        .iter()
        .map(|row| row.try_get_by_index::<String>(0).unwrap())
        .collect();
    assert!(
        options.iter().any(|o| o == "THREADSAFE=1"),
        "each connection still works from any thread: {options:?}"
    );
    // Shared page cache: one lock for every page every connection reads.
    assert!(
        !options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"),
        "SQLite built with ENABLE_MEMORY_MANAGEMENT (is LIBSQLITE3_FLAGS from .cargo/config.toml set?): {options:?}"
    );
    // Memory statistics: one lock for every allocation.
    assert!(
        options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"),
        "SQLite keeps memory statistics: {options:?}"
    );
}
