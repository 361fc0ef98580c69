//! Answers to an earlier date (an event moved: guests are asked again) and email addresses that bounce.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// SQLite adds one column per ALTER TABLE.
async fn add(manager: &SchemaManager<'_>, table: &str, mut column: ColumnDef) -> Result<(), DbErr> {
    manager
        .alter_table(
            Table::alter()
                .table(table.to_string())
                .add_column(&mut column)
                .to_owned(),
        )
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The SEQUENCE of the last update that moved the event in time or town: answers given to
        // an earlier SEQUENCE are kept, but wait to be reconfirmed.
        add(manager, "events", integer("moved_sequence").default(0).to_owned()).await?;
        // Where and when it was before that move, for "the date changed: old → new".
        add(manager, "events", timestamp_with_time_zone_null("moved_from_starts_at")).await?;
        add(manager, "events", text("moved_from_place").default("").to_owned()).await?;
        // The event's SEQUENCE the stored answer was given to.
        add(manager, "invitations", integer_null("answered_sequence")).await?;
        // A permanent delivery failure (5.x.x) for the actor's address: when, and the server's words.
        add(manager, "actors", timestamp_with_time_zone_null("email_failed_at")).await?;
        add(manager, "actors", text("email_failure").default("").to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in [
            ("actors", "email_failure"),
            ("actors", "email_failed_at"),
            ("invitations", "answered_sequence"),
            ("events", "moved_from_place"),
            ("events", "moved_from_starts_at"),
            ("events", "moved_sequence"),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(table.to_string())
                        .drop_column(column.to_string())
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
