//! Background jobs: long work (queueing thousands of invitations) leaves the request and runs
//! under a lease, so a crash resumes it and a second click joins the job already running.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("jobs")
                    .col(pk_auto("id"))
                    // `send_invitations`.
                    .col(string("kind"))
                    .col(integer("event_id"))
                    // The organizer who started it: answers to the messages go to them.
                    .col(integer_null("user_id"))
                    // `running`, `done`, `failed`.
                    .col(string("status"))
                    .col(integer("total"))
                    .col(integer("done"))
                    .col(integer("already_sent"))
                    .col(integer("not_emailable"))
                    .col(text("error"))
                    // Whoever runs the job holds it until then; past it, another process takes over.
                    .col(timestamp_with_time_zone_null("locked_until"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("jobs", "event_id")
                            .to("events", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("jobs", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        // At most one running job of a kind per event: two clicks, two tabs or two app
        // processes cannot start the same send twice. Partial indexes work on SQLite and PostgreSQL.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX jobs_one_running ON jobs (kind, event_id) WHERE status = 'running'",
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("jobs_event")
                    .table("jobs")
                    .col("event_id")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("jobs").to_owned()).await
    }
}
