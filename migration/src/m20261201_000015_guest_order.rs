//! The guest list's order kept on the invitation: a copy of the actor's `name_key` and an index in list order.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut column = string("name_key").default("").to_owned();
        manager
            .alter_table(Table::alter().table("invitations").add_column(&mut column).to_owned())
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE invitations SET name_key = \
                 COALESCE((SELECT name_key FROM actors WHERE actors.id = invitations.actor_id), '')",
            )
            .await?;
        // A page of an event's list by name is a range scan of this index, whatever the list's length.
        manager
            .create_index(
                Index::create()
                    .name("idx_invitations_event_name")
                    .table("invitations")
                    .col("event_id")
                    .col("name_key")
                    .col("id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_invitations_event_name")
                    .table("invitations")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(Table::alter().table("invitations").drop_column("name_key").to_owned())
            .await
    }
}
