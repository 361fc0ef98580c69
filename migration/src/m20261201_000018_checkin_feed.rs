//! Indexes that let the check-in desk's guest data be revalidated without reading the list.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (name, table, columns)
const INDEXES: &[(&str, &str, &[&str])] = &[
    // The newest change in the directory (a name, an organization, an erasure): one index probe.
    ("idx_actors_updated_at", "actors", &["updated_at"]),
    // How many guests are in and the newest mark, from the index alone on both databases
    // (PostgreSQL's index-only scan needs `id` in the index; SQLite keeps it there anyway).
    (
        "idx_attendances_event_invitation_id",
        "attendances",
        &["event_id", "invitation_id", "id"],
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::indexes::create(manager, INDEXES).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::indexes::drop(manager, INDEXES).await
    }
}
