//! Database migrations of Toguna, applied at start-up and by `toguna migrate`.

pub use sea_orm_migration::prelude::*;

mod indexes;

mod m20261129_000001_accounts;
mod m20261129_000002_venues;
mod m20261129_000003_actors;
mod m20261129_000004_events;
mod m20261129_000005_mail;
mod m20261129_000006_reminders_feeds;
mod m20261129_000007_event_day;
mod m20261129_000008_report_versions;
mod m20261129_000009_version_participation;
mod m20261201_000001_inbound_mail;
mod m20261201_000002_reconfirm_and_bounces;
mod m20261201_000003_sms;
mod m20261201_000004_jobs;
mod m20261201_000005_checkin_roster;
mod m20261201_000006_audit;
mod m20261201_000007_frozen_figures;
mod m20261201_000009_organizer_phone;
mod m20261201_000010_page_speed;
mod m20261201_000015_guest_order;
mod m20261201_000016_event_tallies;
mod m20261201_000017_directory_tallies;
mod m20261201_000018_checkin_feed;
mod m20261201_000019_quiet_tallies;
mod m20261202_000020_newest_guest;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_accounts::Migration),
            Box::new(m20261129_000002_venues::Migration),
            Box::new(m20261129_000003_actors::Migration),
            Box::new(m20261129_000004_events::Migration),
            Box::new(m20261129_000005_mail::Migration),
            Box::new(m20261129_000006_reminders_feeds::Migration),
            Box::new(m20261129_000007_event_day::Migration),
            Box::new(m20261129_000008_report_versions::Migration),
            Box::new(m20261129_000009_version_participation::Migration),
            Box::new(m20261201_000001_inbound_mail::Migration),
            Box::new(m20261201_000002_reconfirm_and_bounces::Migration),
            Box::new(m20261201_000007_frozen_figures::Migration),
            Box::new(m20261201_000006_audit::Migration),
            Box::new(m20261201_000003_sms::Migration),
            Box::new(m20261201_000009_organizer_phone::Migration),
            Box::new(m20261201_000005_checkin_roster::Migration),
            Box::new(m20261201_000004_jobs::Migration),
            Box::new(m20261201_000010_page_speed::Migration),
            Box::new(m20261201_000015_guest_order::Migration),
            Box::new(m20261201_000016_event_tallies::Migration),
            Box::new(m20261201_000017_directory_tallies::Migration),
            Box::new(m20261201_000018_checkin_feed::Migration),
            Box::new(m20261201_000019_quiet_tallies::Migration),
            Box::new(m20261202_000020_newest_guest::Migration),
        ]
    }
}
