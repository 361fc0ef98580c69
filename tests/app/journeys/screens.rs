//! The demo campaign in a real browser (tests/browser/journey_screens.mjs): the held workshop's
//! page and statistics, check-in at the next one's door on a phone; the README's screenshots of
//! them come from here (`TOGUNA_SCREENSHOTS=docs/screenshots`).

use entity::{attendance, event};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{axe_verdicts, browser_ready, run_script, step};
use crate::helpers::{PASSWORD, TestApp, spawn_app};

/// Loads `toguna demo` into the app's database, as an operator would.
fn load_demo(app: &TestApp) {
    let data_dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_toguna"))
        .arg("demo")
        .env("DATABASE_URL", app.database_url())
        .env("TOGUNA_DATA_DIR", data_dir.path())
        .env("RUST_LOG", "warn")
        .output()
        .expect("toguna demo runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

async fn event_titled(app: &TestApp, title: &str) -> event::Model {
    event::Entity::find()
        .filter(event::Column::Title.eq(title))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("the demo has {title}"))
}

#[tokio::test]
async fn the_demo_campaign_shows_the_held_workshop_its_figures_and_the_next_door_on_a_phone() {
    if !browser_ready() {
        return;
    }
    let app = spawn_app().await;
    load_demo(&app);
    let held = event_titled(&app, "Restitution des résultats préliminaires à Kayes").await;
    let upcoming = event_titled(&app, "Restitution des résultats préliminaires à Koulikoro").await;
    let organizer = app.create_user("coordination@example.org", "organizer").await;
    let stdout = run_script(
        "journey_screens.mjs",
        &[
            ("BASE_URL", app.address.clone()),
            ("EMAIL", organizer.email.clone()),
            ("PASSWORD", PASSWORD.into()),
            ("HELD_ID", held.id.to_string()),
            ("UPCOMING_ID", upcoming.id.to_string()),
        ],
    )
    .await;
    println!("{stdout}");
    assert_eq!(
        step(&stdout, "event"),
        "Restitution des résultats préliminaires à Kayes | Terminé"
    );
    assert_eq!(
        step(&stdout, "stats"),
        "Statistiques de présence | ← Restitution des résultats préliminaires à Kayes"
    );
    assert_eq!(step(&stdout, "door present"), "3");
    assert_eq!(step(&stdout, "door sideways"), "false");
    let present = attendance::Entity::find()
        .filter(attendance::Column::EventId.eq(upcoming.id))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(present.len(), 3, "the three marks made at the door are stored");
    assert_eq!(axe_verdicts(&stdout).len(), 3, "axe-core on each page:\n{stdout}");
}
