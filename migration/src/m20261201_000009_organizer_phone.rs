//! The organizer a printed letter names: a phone number on each account, and the organizer of each event.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("users")
                    // E.164, as on actors; empty until the person gives one on their profile.
                    .add_column(string_null("phone"))
                    .to_owned(),
            )
            .await?;
        // No foreign key: SQLite cannot add one to an existing table, and a deleted account
        // simply leaves the letter naming nobody (the handler falls back to the person printing).
        manager
            .alter_table(
                Table::alter()
                    .table("events")
                    .add_column(integer_null("organizer_id"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table("events").drop_column("organizer_id").to_owned())
            .await?;
        manager
            .alter_table(Table::alter().table("users").drop_column("phone").to_owned())
            .await
    }
}
