//! The actor directory and the CSV uploads waiting for confirmation.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("actors")
                    .col(pk_auto("id"))
                    .col(string("full_name"))
                    .col(string("honorific"))
                    .col(string("organization"))
                    .col(string("category"))
                    .col(string("gender"))
                    .col(string("age_group"))
                    .col(string("region"))
                    .col(string("town"))
                    .col(string("language"))
                    .col(string_null("email"))
                    .col(string_null("phone"))
                    .col(boolean("consent_contact"))
                    .col(text("notes"))
                    .col(text("search_text"))
                    .col(string("name_key"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_actors_category", "category"),
            ("idx_actors_region", "region"),
            ("idx_actors_email", "email"),
            ("idx_actors_phone", "phone"),
            ("idx_actors_name_key", "name_key"),
        ] {
            manager
                .create_index(Index::create().name(name).table("actors").col(column).to_owned())
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("actor_imports")
                    .col(pk_auto("id"))
                    .col(integer("user_id"))
                    .col(string("filename"))
                    .col(text("content"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("actor_imports", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["actor_imports", "actors"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
