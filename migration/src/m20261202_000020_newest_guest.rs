//! The newest guest of an event in one index probe, for the check-in desk's revalidation.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (name, table, columns). The other indexes that start with `event_id` continue with another
/// column, so `MAX(id)` of one event read all its entries: 20,000 at a national launch, on every
/// view of every check-in desk.
const INDEXES: &[(&str, &str, &[&str])] = &[("idx_invitations_event_id", "invitations", &["event_id", "id"])];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::indexes::create(manager, INDEXES).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::indexes::drop(manager, INDEXES).await
    }
}
