//! Figures that never move: each guest's disaggregation and each frozen workshop's title, date and venue;
//! and the record of actors erased, which holds none of what was erased.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for name in ["gender", "age_group", "category", "region"] {
            let mut column = string(name).default("").to_owned();
            manager
                .alter_table(Table::alter().table("invitations").add_column(&mut column).to_owned())
                .await?;
        }
        for column in [
            text("event_title").default("").to_owned(),
            timestamp_with_time_zone_null("event_starts_at"),
            string("event_timezone").default("").to_owned(),
            text("venue_name").default("").to_owned(),
            text("venue_region").default("").to_owned(),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table("version_participation")
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("actor_erasures")
                    .col(pk_auto("id"))
                    // The actor row stays, anonymised, so past guest lists keep their length.
                    .col(integer("actor_id"))
                    .col(integer_null("erased_by"))
                    .col(integer("rows_anonymised"))
                    .col(timestamp_with_time_zone("erased_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("actor_erasures", "actor_id")
                            .to("actors", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("actor_erasures", "erased_by")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        let mut column = string("restore_choice").default("").to_owned();
        manager
            .alter_table(
                Table::alter()
                    .table("outcome_decisions")
                    .add_column(&mut column)
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        // Existing guests take their actor's values of today: the best copy there is.
        db.execute_unprepared(
            "UPDATE invitations SET \
               gender = COALESCE((SELECT a.gender FROM actors a WHERE a.id = invitations.actor_id), ''), \
               age_group = COALESCE((SELECT a.age_group FROM actors a WHERE a.id = invitations.actor_id), ''), \
               category = COALESCE((SELECT a.category FROM actors a WHERE a.id = invitations.actor_id), ''), \
               region = COALESCE((SELECT a.region FROM actors a WHERE a.id = invitations.actor_id), '')",
        )
        .await?;
        // Guests already marked present keep the values they were counted with.
        db.execute_unprepared(
            "UPDATE invitations SET \
               gender = (SELECT t.gender FROM attendances t WHERE t.invitation_id = invitations.id), \
               age_group = (SELECT t.age_group FROM attendances t WHERE t.invitation_id = invitations.id), \
               category = (SELECT t.category FROM attendances t WHERE t.invitation_id = invitations.id), \
               region = (SELECT t.region FROM attendances t WHERE t.invitation_id = invitations.id) \
             WHERE EXISTS (SELECT 1 FROM attendances t WHERE t.invitation_id = invitations.id)",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE version_participation SET \
               event_title = COALESCE((SELECT e.title FROM events e WHERE e.id = version_participation.event_id), ''), \
               event_starts_at = (SELECT e.starts_at FROM events e WHERE e.id = version_participation.event_id), \
               event_timezone = COALESCE((SELECT e.timezone FROM events e WHERE e.id = version_participation.event_id), ''), \
               venue_name = COALESCE((SELECT v.name FROM events e JOIN venues v ON v.id = e.venue_id \
                                      WHERE e.id = version_participation.event_id), ''), \
               venue_region = COALESCE((SELECT v.region FROM events e JOIN venues v ON v.id = e.venue_id \
                                        WHERE e.id = version_participation.event_id), '')",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("actor_erasures").to_owned())
            .await?;
        for name in ["gender", "age_group", "category", "region"] {
            manager
                .alter_table(Table::alter().table("invitations").drop_column(name).to_owned())
                .await?;
        }
        for name in [
            "event_title",
            "event_starts_at",
            "event_timezone",
            "venue_name",
            "venue_region",
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table("version_participation")
                        .drop_column(name)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
