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
        for (name, table, columns) in INDEXES {
            let mut index = Index::create();
            index.name(*name).table(*table).if_not_exists();
            for column in *columns {
                index.col(*column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, _) in INDEXES {
            manager
                .drop_index(Index::drop().name(*name).table(*table).to_owned())
                .await?;
        }
        Ok(())
    }
}
