//! Report sections, attendance (with the idempotency log of check-in marks), debate notes and outcomes.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("report_sections")
                    .col(pk_auto("id"))
                    .col(integer("report_id"))
                    .col(integer("position"))
                    .col(string("heading"))
                    .col(text("body"))
                    .col(string("kind"))
                    // Optimistic locking: a save names the version it started from.
                    .col(integer("version").default(1))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("report_sections", "report_id")
                            .to("reports", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(manager, "report_sections", &["report_id", "position"], false).await?;

        manager
            .create_table(
                Table::create()
                    .table("attendances")
                    .col(pk_auto("id"))
                    .col(integer("event_id"))
                    .col(integer_null("invitation_id"))
                    .col(string("full_name").default(""))
                    .col(string("organization").default(""))
                    // The disaggregation is copied at check-in, so statistics never shift
                    // when an actor's record is edited later.
                    .col(string("gender"))
                    .col(string("age_group"))
                    .col(string("category"))
                    .col(string("region").default(""))
                    // 1 for a person; a headcount-grid cell stores its count.
                    .col(integer("people").default(1))
                    .col(string("method"))
                    .col(integer_null("recorded_by"))
                    .col(timestamp_with_time_zone("recorded_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("attendances", "event_id")
                            .to("events", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("attendances", "invitation_id")
                            .to("invitations", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(manager, "attendances", &["event_id"], false).await?;
        // One mark per guest, however many times and ways they are checked in.
        index(manager, "attendances", &["invitation_id"], true).await?;

        manager
            .create_table(
                Table::create()
                    .table("attendance_marks")
                    .col(pk_auto("id"))
                    .col(integer("event_id"))
                    .col(string("client_id"))
                    .col(string("action"))
                    .col(integer_null("attendance_id"))
                    .col(timestamp_with_time_zone("received_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("attendance_marks", "event_id")
                            .to("events", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // A mark resent by a phone that came back online is recognised by its client id.
        index(manager, "attendance_marks", &["event_id", "client_id"], true).await?;

        manager
            .create_table(
                Table::create()
                    .table("debate_notes")
                    .col(pk_auto("id"))
                    .col(integer("event_id"))
                    .col(string("topic"))
                    .col(text("body"))
                    .col(string("speaker_category").default(""))
                    .col(string("speaker_name").default(""))
                    .col(integer_null("author_id"))
                    .col(integer("version").default(1))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("debate_notes", "event_id")
                            .to("events", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(manager, "debate_notes", &["event_id"], false).await?;

        manager
            .create_table(
                Table::create()
                    .table("outcomes")
                    .col(pk_auto("id"))
                    .col(integer("event_id"))
                    .col(integer_null("section_id"))
                    .col(string("kind"))
                    .col(text("summary"))
                    .col(text("proposed_text"))
                    // Category slugs, comma-separated.
                    .col(string("voiced_by"))
                    .col(string("agreement"))
                    .col(string("status").default("open"))
                    .col(text("rationale").default(""))
                    .col(integer_null("decided_by"))
                    .col(timestamp_with_time_zone_null("decided_at"))
                    .col(integer_null("report_version"))
                    .col(integer_null("author_id"))
                    .col(integer("version").default(1))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("outcomes", "event_id")
                            .to("events", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("outcomes", "section_id")
                            .to("report_sections", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        index(manager, "outcomes", &["event_id"], false).await?;
        index(manager, "outcomes", &["section_id"], false).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "outcomes",
            "debate_notes",
            "attendance_marks",
            "attendances",
            "report_sections",
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

async fn index(
    manager: &SchemaManager<'_>,
    table: &'static str,
    cols: &[&'static str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut stmt = Index::create();
    stmt.name(format!("idx_{table}_{}", cols.join("_"))).table(table);
    for col in cols {
        stmt.col(*col);
    }
    if unique {
        stmt.unique();
    }
    manager.create_index(stmt.to_owned()).await
}
