//! The participation figures of each workshop as they stood when a report version was published.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("version_participation")
                    .col(pk_auto("id"))
                    .col(integer("version_id"))
                    .col(integer("event_id"))
                    // The published figures (small cells hidden), as JSON.
                    .col(text("figures"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("version_participation", "version_id")
                            .to("report_versions", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_version_participation_version_event")
                    .table("version_participation")
                    .col("version_id")
                    .col("event_id")
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("version_participation").to_owned())
            .await
    }
}
