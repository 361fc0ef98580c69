//! The audit log (append-only), and the per-event delivery totals that survive outbox pruning.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("audit_entries")
                    .col(pk_auto("id"))
                    .col(timestamp_with_time_zone("at"))
                    // `user`, `invitee` (an RSVP token's invitation), `gateway` (mail, sms) or `system`.
                    .col(string("who_kind"))
                    // No foreign keys: the log outlives the accounts and invitations it names.
                    .col(integer_null("user_id"))
                    .col(integer_null("invitation_id"))
                    .col(string("gateway"))
                    .col(string("entity"))
                    // Text, so entities keyed otherwise than by a number fit too.
                    .col(string("entity_id"))
                    .col(string("action"))
                    // JSON `{field: [old, new]}`; never a password, hash, token or secret.
                    .col(text("changes"))
                    .col(string("ip"))
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("idx_audit_entity", &["entity", "entity_id"][..]),
            ("idx_audit_user", &["user_id"][..]),
            ("idx_audit_at", &["at"][..]),
        ] {
            let mut index = Index::create();
            index.name(name).table("audit_entries");
            for col in cols {
                index.col(*col);
            }
            manager.create_index(index.to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("delivery_totals")
                    // One row per event and message kind: what retention removed from the outbox.
                    .col(integer("event_id"))
                    .col(string("kind"))
                    .col(big_integer("sent"))
                    .primary_key(Index::create().col("event_id").col("kind"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("delivery_totals", "event_id")
                            .to("events", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("delivery_totals").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("audit_entries").to_owned())
            .await
    }
}
