//! Indexes that keep the check-in page's cost independent of the guest list's size.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (name, table, columns)
const INDEXES: &[(&str, &str, &[&str])] = &[
    // One page of the list by name: walked in this order, stopping after the page.
    ("idx_actors_full_name_id", "actors", &["full_name", "id"]),
    // The door's counts (guests in, people present) and recent walk-ins, read from the index alone.
    (
        "idx_attendances_event_invitation_people",
        "attendances",
        &["event_id", "invitation_id", "people"],
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
