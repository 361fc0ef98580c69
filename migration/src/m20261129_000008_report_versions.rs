//! Published report versions with a frozen copy of every section, and the history of decisions on outcomes.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("report_versions")
                    .col(pk_auto("id"))
                    .col(integer("report_id"))
                    .col(integer("number"))
                    .col(string("label"))
                    .col(integer_null("published_by"))
                    .col(timestamp_with_time_zone("published_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("report_versions", "report_id")
                            .to("reports", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Two editors publishing at once cannot both make version N.
        manager
            .create_index(
                Index::create()
                    .name("idx_report_versions_report_number")
                    .table("report_versions")
                    .col("report_id")
                    .col("number")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("section_versions")
                    .col(pk_auto("id"))
                    .col(integer("version_id"))
                    // The live section it was frozen from (kept even if that section is later removed).
                    .col(integer("section_id"))
                    .col(integer("position"))
                    .col(string("heading"))
                    .col(text("body"))
                    .col(string("kind"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("section_versions", "version_id")
                            .to("report_versions", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_section_versions_version_section")
                    .table("section_versions")
                    .col("version_id")
                    .col("section_id")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("outcome_decisions")
                    .col(pk_auto("id"))
                    .col(integer("outcome_id"))
                    // `accepted`, `rejected`, `deferred`, or `reopened` when a decision is reversed.
                    .col(string("decision"))
                    .col(text("rationale"))
                    // When accepting edited the section in the same step: the text before and after.
                    .col(integer_null("section_id"))
                    .col(text_null("section_body_before"))
                    .col(text_null("section_body_after"))
                    .col(integer_null("decided_by"))
                    .col(timestamp_with_time_zone("decided_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("outcome_decisions", "outcome_id")
                            .to("outcomes", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outcome_decisions_outcome")
                    .table("outcome_decisions")
                    .col("outcome_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["outcome_decisions", "section_versions", "report_versions"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
