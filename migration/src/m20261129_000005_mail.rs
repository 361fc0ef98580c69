//! The mail outbox and what invitations need to be sent and answered.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for column in [
            string_null("rsvp_nonce"),
            string_null("rsvp_token_hash"),
            integer_null("sent_sequence"),
            string("responded_via").default("").to_owned(),
            timestamp_with_time_zone_null("handed_over_at"),
        ] {
            let mut column = column;
            manager
                .alter_table(Table::alter().table("invitations").add_column(&mut column).to_owned())
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_invitations_rsvp_token_hash")
                    .table("invitations")
                    .col("rsvp_token_hash")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("outbox_messages")
                    .col(pk_auto("id"))
                    .col(string("kind"))
                    .col(integer_null("invitation_id"))
                    .col(integer("event_id"))
                    .col(string("recipient"))
                    .col(string_uniq("message_id"))
                    .col(string("subject"))
                    .col(text("body"))
                    .col(string("status"))
                    .col(integer("attempts").default(0))
                    .col(timestamp_with_time_zone("next_attempt_at"))
                    .col(timestamp_with_time_zone_null("locked_until"))
                    .col(text("last_error"))
                    .col(timestamp_with_time_zone_null("sent_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_due")
                    .table("outbox_messages")
                    .col("status")
                    .col("next_attempt_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_event")
                    .table("outbox_messages")
                    .col("event_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("outbox_messages").to_owned())
            .await
    }
}
