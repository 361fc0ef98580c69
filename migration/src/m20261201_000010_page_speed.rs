//! Indexes that let the event page count without reading whole rows: outbox states per event, answers, deliveries and figures per event.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (name, table, columns). Each one covers a grouped count of one event, so the count reads the
/// index alone: an outbox row holds its whole message, and `status` sits after `body`, so
/// counting by status from the table walked every message's overflow pages on each page view.
const INDEXES: [(&str, &str, &[&str]); 4] = [
    ("idx_outbox_messages_event_status", "outbox_messages", &["event_id", "status"]),
    (
        "idx_invitations_event_figures",
        "invitations",
        &["event_id", "gender", "age_group", "category"],
    ),
    ("idx_invitations_event_response", "invitations", &["event_id", "response"]),
    ("idx_invitations_event_delivery", "invitations", &["event_id", "delivery"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, columns) in INDEXES {
            let mut index = Index::create();
            index.name(name).table(table);
            for column in columns {
                index.col(*column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, _) in INDEXES {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
