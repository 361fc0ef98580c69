//! Reports (title only for now), events and their guest lists.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("reports")
                    .col(pk_auto("id"))
                    .col(string("title"))
                    .col(string("language"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("events")
                    .col(pk_auto("id"))
                    .col(string("kind"))
                    .col(string("title"))
                    .col(text("description"))
                    .col(integer_null("report_id"))
                    .col(integer_null("venue_id"))
                    .col(timestamp_with_time_zone("starts_at"))
                    .col(timestamp_with_time_zone("ends_at"))
                    .col(string("timezone"))
                    .col(string("language"))
                    .col(integer_null("capacity"))
                    .col(integer_null("women_target_percent"))
                    .col(string("status"))
                    .col(string_uniq("uid"))
                    .col(integer("sequence").default(0))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("events", "report_id")
                            .to("reports", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("events", "venue_id")
                            .to("venues", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_events_starts_at")
                    .table("events")
                    .col("starts_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_events_venue")
                    .table("events")
                    .col("venue_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("invitations")
                    .col(pk_auto("id"))
                    .col(integer("event_id"))
                    .col(integer("actor_id"))
                    .col(string("channel"))
                    .col(string("response"))
                    .col(timestamp_with_time_zone_null("responded_at"))
                    .col(text("response_comment"))
                    .col(string("delivery"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("invitations", "event_id")
                            .to("events", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("invitations", "actor_id")
                            .to("actors", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_invitations_event_actor")
                    .table("invitations")
                    .col("event_id")
                    .col("actor_id")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_invitations_actor")
                    .table("invitations")
                    .col("actor_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["invitations", "events", "reports"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
