//! `toguna demo`: a demo campaign (report, 600 actors, venues, workshops, guest lists, a completed workshop), loaded once.

mod event_day;
mod review;

use chrono::{Duration, NaiveTime, Utc};
use entity::{app_setting, event, venue};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde::Deserialize;

use crate::domain::actors::csv_io;
use crate::domain::actors::search::ActorFilter;
use crate::domain::audit::Who;
use crate::domain::events::{self, EventInput};
use crate::domain::guests::{self, AddGuests};
use crate::domain::reports;
use crate::domain::venues::{self, VenueInput};
use crate::domain::vocab::EventStatus;
use crate::error::{AppResult, FieldErrors};

const ACTORS_CSV: &str = include_str!("../../fixtures/actors.csv");
const REPORT_JSON: &str = include_str!("../../fixtures/report-preliminary.json");
const ACTORS_LOADED: &str = "demo.actors_loaded";

#[derive(Deserialize)]
struct ReportFixture {
    title: String,
    language: String,
    sections: Vec<event_day::SectionFixture>,
}

/// What the demo added, for the command's output.
#[derive(Debug, Default)]
pub struct DemoSummary {
    pub actors_imported: usize,
    pub venues_created: usize,
    pub events_created: usize,
    pub guests_added: u64,
    pub sections: usize,
    pub present: i64,
    pub outcomes: usize,
    pub decisions: usize,
}

struct Workshop {
    region: &'static str,
    town: &'static str,
    venue: &'static str,
    address: &'static str,
    capacity: i64,
    kind: &'static str,
    title: &'static str,
    days_ahead: i64,
}

const CAMPAIGN: [Workshop; 5] = [
    Workshop {
        region: "Kayes",
        town: "Kayes",
        venue: "Centre Djoliba",
        address: "Quartier Plateau, avenue du Fleuve",
        capacity: 120,
        kind: "dissemination_workshop",
        title: "Restitution des résultats préliminaires à Kayes",
        days_ahead: -12,
    },
    Workshop {
        region: "Koulikoro",
        town: "Koulikoro",
        venue: "Salle de conférence du gouvernorat",
        address: "Gouvernorat de Koulikoro",
        capacity: 80,
        kind: "dissemination_workshop",
        title: "Restitution des résultats préliminaires à Koulikoro",
        days_ahead: 17,
    },
    Workshop {
        region: "Sikasso",
        town: "Sikasso",
        venue: "Maison de la femme de Sikasso",
        address: "Quartier Mancourani",
        capacity: 100,
        kind: "dissemination_workshop",
        title: "Restitution des résultats préliminaires à Sikasso",
        days_ahead: 24,
    },
    Workshop {
        region: "Ségou",
        town: "Ségou",
        venue: "Centre culturel Kôrè",
        address: "Route de Markala",
        capacity: 150,
        kind: "dissemination_workshop",
        title: "Restitution des résultats préliminaires à Ségou",
        days_ahead: 31,
    },
    Workshop {
        region: "Bamako",
        town: "Bamako",
        venue: "Centre international de conférences de Bamako",
        address: "Quartier du Fleuve, ACI 2000",
        capacity: 400,
        kind: "report_launch",
        title: "Lancement du rapport final : les femmes et les FDS",
        days_ahead: 45,
    },
];

/// Loads the campaign; every step looks for what an earlier run made, so a rerun adds nothing.
pub async fn load(db: &DatabaseConnection, ctx: &crate::mail::MailContext) -> AppResult<DemoSummary> {
    let mut summary = DemoSummary::default();
    let fixture: ReportFixture =
        serde_json::from_str(REPORT_JSON).map_err(|e| anyhow::anyhow!("report fixture: {e}"))?;
    let report = reports::find_or_create(db, &fixture.title, &fixture.language).await?;
    let sections = event_day::sections(db, report.id, &fixture.sections).await?;
    summary.sections = sections.len();

    if app_setting::Entity::find_by_id(ACTORS_LOADED).one(db).await?.is_none() {
        summary.actors_imported = csv_io::import(
            db,
            &csv_io::ImportRules::default(),
            ACTORS_CSV,
            false,
            &Who::system("demo"),
            csv_io::OnExisting::Skip,
        )
        .await?
        .imported;
        app_setting::ActiveModel {
            key: Set(ACTORS_LOADED.into()),
            value: Set(summary.actors_imported.to_string()),
            updated_at: Set(Utc::now()),
        }
        .insert(db)
        .await?;
    }

    let today = Utc::now().date_naive();
    for w in &CAMPAIGN {
        let venue_id = match venue::Entity::find()
            .filter(venue::Column::Name.eq(w.venue))
            .one(db)
            .await?
        {
            Some(v) => v.id,
            None => {
                summary.venues_created += 1;
                let input = VenueInput {
                    name: w.venue.into(),
                    region: w.region.into(),
                    town: w.town.into(),
                    address: w.address.into(),
                    capacity: Some(w.capacity),
                    ..Default::default()
                };
                venues::create(
                    db,
                    &Default::default(),
                    &input,
                    FieldErrors::new(),
                    &Who::system("demo"),
                )
                .await?
                .id
            }
        };
        let event_id = match event::Entity::find()
            .filter(event::Column::Title.eq(w.title))
            .one(db)
            .await?
        {
            // A workshop that has taken place keeps the guest list it had.
            Some(e) if e.status != EventStatus::Draft.slug() && e.status != EventStatus::Scheduled.slug() => continue,
            Some(e) => e.id,
            None => {
                summary.events_created += 1;
                let day = today + Duration::days(w.days_ahead);
                let at = |h: u32| {
                    day.and_time(NaiveTime::from_hms_opt(h, 0, 0).unwrap_or_default())
                        .format("%Y-%m-%dT%H:%M")
                        .to_string()
                };
                let input = EventInput {
                    kind: w.kind.into(),
                    title: w.title.into(),
                    description: "Présentation des résultats préliminaires de la recherche-action participative, débat en plénière puis en groupes (femmes, jeunes, autorités, FDS), recommandations.".into(),
                    report_id: Some(report.id),
                    venue_id: Some(venue_id),
                    starts_at: at(9),
                    ends_at: at(17),
                    timezone: "Africa/Bamako".into(),
                    language: "fr".into(),
                    capacity: Some(w.capacity),
                    women_target_percent: Some(30),
                };
                let created = events::create(db, &input, FieldErrors::new(), &Who::system("demo")).await?;
                events::change_status(db, ctx, created.id, EventStatus::Scheduled, &Who::system("demo"))
                    .await?
                    .id
            }
        };
        // The region's actors; the launch invites the Bamako directory.
        let filter = ActorFilter {
            region: w.region.into(),
            ..Default::default()
        };
        summary.guests_added += guests::add(
            db,
            event_id,
            &AddGuests {
                actor_ids: Vec::new(),
                filter: Some(filter),
            },
            &Who::system("demo"),
        )
        .await?
        .added;
    }
    // The first workshop has taken place: attendance, notes and outcomes for the statistics and the review.
    let day = event_day::hold_workshop(db, ctx, CAMPAIGN[0].title, &sections).await?;
    summary.present = day.present;
    summary.outcomes = day.outcomes;
    summary.decisions = review::review_workshop(db, report.id, CAMPAIGN[0].title).await?;
    Ok(summary)
}
