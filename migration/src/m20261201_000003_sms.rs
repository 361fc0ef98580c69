//! SMS: the SMS outbox (with delivery reports), the texts received, and each event's SMS choices.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("sms_messages")
                    .col(pk_auto("id"))
                    // `invitation`, `update`, `cancellation`, `reminder`, `confirmation`.
                    .col(string("kind"))
                    .col(integer_null("invitation_id"))
                    .col(integer("event_id"))
                    .col(integer_null("actor_id"))
                    // E.164, as stored on the actor.
                    .col(string("recipient"))
                    .col(text("text"))
                    // `gsm7` or `ucs2`.
                    .col(string("coding"))
                    .col(integer("segments"))
                    // `pending`, `sending`, `accepted`, `delivered`, `failed`, `expired`, `withdrawn`.
                    .col(string("status"))
                    .col(integer("attempts"))
                    .col(timestamp_with_time_zone("next_attempt_at"))
                    .col(timestamp_with_time_zone_null("locked_until"))
                    .col(text("last_error"))
                    .col(timestamp_with_time_zone_null("sent_at"))
                    .col(timestamp_with_time_zone_null("reported_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("sms_messages", "invitation_id")
                            .to("invitations", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("sms_messages", "event_id")
                            .to("events", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sms_messages_due")
                    .table("sms_messages")
                    .col("status")
                    .col("next_attempt_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sms_messages_event")
                    .table("sms_messages")
                    .col("event_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("sms_inbound")
                    .col(pk_auto("id"))
                    // Sender, receiver, time and text: the same callback twice is one row.
                    .col(string_uniq("dedup_key"))
                    .col(string("sender"))
                    .col(string("receiver"))
                    .col(text("text"))
                    // `answered`, `stale`, `stop`, `review`.
                    .col(string("outcome"))
                    // Why a person must look at it, as a message key.
                    .col(string("reason"))
                    .col(integer_null("event_id"))
                    .col(integer_null("invitation_id"))
                    .col(timestamp_with_time_zone("sent_at"))
                    .col(timestamp_with_time_zone("received_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("sms_inbound", "event_id")
                            .to("events", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("sms_inbound", "invitation_id")
                            .to("invitations", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("event_sms")
                    .col(integer("event_id").primary_key())
                    .col(boolean("unicode"))
                    .col(integer("segment_cap"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("event_sms", "event_id")
                            .to("events", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["event_sms", "sms_inbound", "sms_messages"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
