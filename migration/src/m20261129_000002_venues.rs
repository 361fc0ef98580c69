//! Venues where dialogue events take place.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("venues")
                    .col(pk_auto("id"))
                    .col(string("name"))
                    .col(string("region"))
                    .col(string("town"))
                    .col(text("address"))
                    .col(integer_null("capacity"))
                    .col(double_null("latitude"))
                    .col(double_null("longitude"))
                    .col(text("access_notes"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_venues_region")
                    .table("venues")
                    .col("region")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("venues").to_owned()).await
    }
}
