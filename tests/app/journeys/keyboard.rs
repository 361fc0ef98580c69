//! Keyboard only (tests/browser/journey_keyboard.mjs): the sign-in page in tab order with Enter
//! signing in, and the check-in page on a phone from the skip link to the first "Présent" button.

use entity::attendance;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{axe_verdicts, browser_ready, run_script, step};
use crate::helpers::{PASSWORD, spawn_app};

#[tokio::test]
async fn with_the_keyboard_alone_one_signs_in_and_checks_the_first_guest_in_from_the_skip_link() {
    if !browser_ready() {
        return;
    }
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    let event = app.workshop_with_guests(&token, 12).await;
    let organizer = app.create_user("accueil@example.org", "organizer").await;
    let stdout = run_script(
        "journey_keyboard.mjs",
        &[
            ("BASE_URL", app.address.clone()),
            ("EMAIL", organizer.email.clone()),
            ("PASSWORD", PASSWORD.into()),
            ("EVENT_ID", event.to_string()),
        ],
    )
    .await;
    println!("{stdout}");
    let order = step(&stdout, "login tab order");
    assert!(
        order.ends_with(", then input#password, then button[submit]"),
        "email, password, submit in that order: {order}"
    );
    assert_eq!(step(&stdout, "signed in"), "/");
    assert_eq!(
        step(&stdout, "focus on load"),
        "input#q",
        "the search has focus on load"
    );
    assert!(
        step(&stdout, "skip link at Tab 1 leads to").ends_with("input#q"),
        "the skip link comes first and leads to the search:\n{stdout}"
    );
    assert_eq!(
        step(&stdout, "from the search"),
        "Chercher → Présent Invitée 0",
        "after the search, its button (for pages without script), then the first guest, named"
    );
    let marked: i32 = step(&stdout, "marked by keyboard").parse().unwrap();
    let stored = attendance::Entity::find()
        .filter(attendance::Column::EventId.eq(event as i32))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(
        stored.iter().map(|a| a.invitation_id).collect::<Vec<_>>(),
        [Some(marked)],
        "the guest marked with Enter is stored present"
    );
    assert_eq!(axe_verdicts(&stdout).len(), 4, "axe-core on each page:\n{stdout}");
}
