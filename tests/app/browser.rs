//! Real-browser stories (Chromium through playwright-core, scripts in tests/browser/).
//! They need `/usr/bin/chromium` and `npm ci --prefix tests/browser`; without them they are
//! skipped with a note, except under CI (`CI` set), where a missing browser is a failure.

use entity::attendance;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::checkin::event_day;
use crate::checkin_door::{door_with_guests, guests_by_name};
use crate::helpers::{PASSWORD, spawn_app};

pub(crate) fn browser_ready() -> bool {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let ready = dir.join("node_modules/playwright-core").exists()
        && std::path::Path::new(&std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())).exists();
    if !ready {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the browser stories: install chromium and run npm ci --prefix tests/browser"
        );
        eprintln!("skipped: no Chromium or no tests/browser/node_modules (see tests/app/browser.rs)");
    }
    ready
}

#[tokio::test]
async fn on_a_phone_twenty_guests_and_three_walk_ins_are_checked_in_one_while_the_network_is_cut() {
    if !browser_ready() {
        return;
    }
    let app = spawn_app().await;
    let day = event_day(&app, 30, "Restitution à Kayes").await;
    let organizer = app.create_user("accueil@example.org", "organizer").await;
    let guests: Vec<_> = day.guests.iter().take(20).collect();
    let output = tokio::process::Command::new("node")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/browser/checkin_offline.mjs"
        ))
        .env("BASE_URL", &app.address)
        .env("EMAIL", &organizer.email)
        .env("PASSWORD", PASSWORD)
        .env("EVENT_ID", day.event_id.to_string())
        .env("GUESTS", serde_json::to_string(&guests).unwrap())
        .output()
        .await
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("present-count: 23"), "{stdout}");
    assert!(stdout.contains("present-guests: 20"), "{stdout}");

    let stored = attendance::Entity::find()
        .filter(attendance::Column::EventId.eq(day.event_id as i32))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(stored.len(), 23, "each mark stored once, the offline ones included");
    let guests: Vec<i64> = stored.iter().filter_map(|a| a.invitation_id.map(i64::from)).collect();
    for (invitation, name) in day.guests.iter().take(20) {
        assert!(guests.contains(invitation), "{name} is present");
    }
    let walk_ins: Vec<_> = stored.iter().filter(|a| a.invitation_id.is_none()).collect();
    assert_eq!(walk_ins.len(), 3);
    assert!(walk_ins.iter().any(|a| a.gender == "female"
        && a.age_group == "youth"
        && a.category == "youth_organization"
        && a.organization == "Association des jeunes de Khasso"
        && a.region == "Kayes"));
}

#[tokio::test]
async fn at_the_door_of_a_2000_guest_launch_a_phone_searches_fast_works_offline_and_passes_axe() {
    if !browser_ready() {
        return;
    }
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    let event = door_with_guests(&app, &token, 2000).await;
    let organizer = app.create_user("porte@example.org", "organizer").await;
    let everyone = guests_by_name(&app, event).await;
    // A guest far down the list whose name nobody else bears, found by typing it.
    let searched = everyone
        .iter()
        .skip(1200)
        .find(|(_, name)| everyone.iter().filter(|(_, n)| n == name).count() == 1)
        .unwrap()
        .clone();
    let screenshot = std::env::var("SCREENSHOT_DIR")
        .map(|dir| format!("{dir}/checkin-phone.png"))
        .unwrap_or_default();
    let output = tokio::process::Command::new("node")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/browser/checkin_phone.mjs"))
        .env("BASE_URL", &app.address)
        .env("EMAIL", &organizer.email)
        .env("PASSWORD", PASSWORD)
        .env("EVENT_ID", event.to_string())
        .env("GUESTS", serde_json::to_string(&everyone[..2]).unwrap())
        .env("SEARCH_ID", searched.0.to_string())
        .env("SEARCH_NAME", &searched.1)
        .env("SCREENSHOT", screenshot)
        .output()
        .await
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("guests loaded: 2000"), "{stdout}");
    assert!(stdout.contains("axe check-in: 0 serious or critical"), "{stdout}");
    assert!(stdout.contains("axe headcount: 0 serious or critical"), "{stdout}");
    assert!(stdout.contains("present-guests: 2"), "{stdout}");
    // One guest by search, one offline, the walk-in and a headcount of 12.
    assert!(stdout.contains("present-count: 15"), "{stdout}");

    let stored = attendance::Entity::find()
        .filter(attendance::Column::EventId.eq(event as i32))
        .all(&app.db)
        .await
        .unwrap();
    let guests: Vec<i32> = stored.iter().filter_map(|a| a.invitation_id).collect();
    assert_eq!(guests.len(), 2, "each guest stored once");
    assert!(
        guests.contains(&searched.0),
        "{} found by search is present",
        searched.1
    );
    assert!(
        guests.contains(&everyone[1].0),
        "{} marked offline is present",
        everyone[1].1
    );
    assert!(stored.iter().any(|a| a.full_name == "Kadiatou Traoré"
        && a.gender == "female"
        && a.age_group == "youth"
        && a.organization == "Association des jeunes de Khasso"));
    let counted: i32 = stored
        .iter()
        .filter(|a| a.invitation_id.is_none() && a.full_name.is_empty())
        .map(|a| a.people)
        .sum();
    assert_eq!(counted, 12, "the headcount grid's 12 people");
}
