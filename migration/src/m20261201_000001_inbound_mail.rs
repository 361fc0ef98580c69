//! The inbound mailbox: where reading stopped, and every message read with what became of it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("inbound_mailboxes")
                    .col(pk_auto("id"))
                    // `user@host/INBOX`: never the password.
                    .col(string_uniq("mailbox"))
                    // UIDs are 32-bit unsigned in IMAP: they do not fit an i32.
                    .col(big_integer("uid_validity"))
                    .col(big_integer("last_uid"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("inbound_messages")
                    .col(pk_auto("id"))
                    // Message-ID and a hash of the body: the same mail delivered twice is one row,
                    // and the unique index lets only one of two app processes apply it.
                    .col(string_uniq("dedup_key"))
                    .col(text("message_id"))
                    .col(text("sender"))
                    .col(text("subject"))
                    // `calendar_reply`, `auto_reply`, `other`, `unreadable`.
                    .col(string("kind"))
                    // `applied`, `stale`, `review`, `ignored`, `unreadable`.
                    .col(string("outcome"))
                    // Why it was not applied, as a message key.
                    .col(string("reason"))
                    .col(text("detail"))
                    .col(integer_null("event_id"))
                    .col(integer_null("invitation_id"))
                    .col(timestamp_with_time_zone("received_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("inbound_messages", "event_id")
                            .to("events", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("inbound_messages", "invitation_id")
                            .to("invitations", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_inbound_messages_event_outcome")
                    .table("inbound_messages")
                    .col("event_id")
                    .col("outcome")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("inbound_messages").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("inbound_mailboxes").to_owned())
            .await
    }
}
