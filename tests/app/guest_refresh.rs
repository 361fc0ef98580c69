//! An organizer refreshes a guest's frozen figures from the guest's page, reached by the link of
//! each guest row before completion: flash feedback, one audit entry; after completion no link,
//! no button and a 409 page.

use entity::{audit_entry, invitation};
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::checkin::event_day;
use crate::frozen_figures::edit_everything;
use crate::helpers::{attrs, location, spawn_app, texts};

#[tokio::test]
async fn an_organizer_refreshes_a_guests_figures_from_the_event_page_until_the_event_is_completed() {
    let app = spawn_app().await;
    let day = event_day(&app, 3, "Restitution à Kayes").await;
    let (inv, name) = day.guests[0].clone();
    let stored = invitation::Entity::find_by_id(inv as i32)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    edit_everything(&app, &day.token, stored.actor_id as i64).await;

    let (browser, organizer) = app.browser_as("organizer").await;
    let page_path = format!("/events/{}", day.event_id);
    let html = browser.get(&page_path).await.text().await.unwrap();
    let guest_path = format!("/events/{}/guests/{inv}", day.event_id);
    let links = attrs(&html, "a.manage-guest", "href");
    assert_eq!(links.len(), day.guests.len(), "one link per guest row");
    assert!(links.contains(&guest_path));
    assert!(
        texts(&html, "a.manage-guest").iter().any(|l| l.contains(&name)),
        "the link names its guest for screen readers"
    );
    let html = browser.get(&guest_path).await.text().await.unwrap();
    let action = format!("/events/{}/guests/{inv}/refresh", day.event_id);
    assert_eq!(
        attrs(&html, "form.guest-refresh", "action"),
        std::slice::from_ref(&action)
    );
    let labels = attrs(&html, "form.guest-refresh button", "aria-label");
    assert!(
        labels.iter().any(|l| l.contains(&name)),
        "the button names its guest: {labels:?}"
    );

    let response = browser.submit(&page_path, &action, &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), format!("{page_path}#guest-{inv}"));
    let html = browser.get(&page_path).await.text().await.unwrap();
    let flashes = texts(&html, ".flash");
    assert!(
        flashes.iter().any(|f| f.contains("recopiés depuis l’annuaire")),
        "{flashes:?}"
    );
    let refreshed = invitation::Entity::find_by_id(inv as i32)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            refreshed.category.as_str(),
            refreshed.age_group.as_str(),
            refreshed.region.as_str()
        ),
        ("defense_security_forces", "elder", "Tombouctou")
    );
    assert_ne!(refreshed.gender, stored.gender);
    let entries = audit_entry::Entity::find()
        .filter(audit_entry::Column::Entity.eq("invitation"))
        .filter(audit_entry::Column::EntityId.eq(inv.to_string()))
        .filter(audit_entry::Column::Action.eq("refresh"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].user_id, Some(organizer.id));
    assert!(entries[0].changes.contains("Tombouctou"), "{}", entries[0].changes);

    // Completed: the figures are final, the button is gone and a forced POST gets the 409 page.
    app.api_ok(
        Method::POST,
        &format!("/api/v1/events/{}/complete", day.event_id),
        &day.token,
        json!({}),
    )
    .await;
    let html = browser.get(&page_path).await.text().await.unwrap();
    assert!(attrs(&html, "a.manage-guest", "href").is_empty());
    let html = browser.get(&guest_path).await.text().await.unwrap();
    assert!(attrs(&html, "form.guest-refresh", "action").is_empty());
    let refused = browser.submit(&page_path, &action, &[]).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let body = refused.text().await.unwrap();
    assert!(body.contains("ses chiffres sont définitifs"), "{body}");
    let unchanged = invitation::Entity::find_by_id(inv as i32)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(unchanged, refreshed);
}

#[tokio::test]
async fn a_viewer_gets_no_refresh_button_and_cannot_post_one() {
    let app = spawn_app().await;
    let day = event_day(&app, 1, "Atelier").await;
    let (inv, _) = day.guests[0];
    let (browser, _) = app.browser_as("viewer").await;
    let page_path = format!("/events/{}", day.event_id);
    let html = browser.get(&page_path).await.text().await.unwrap();
    assert!(attrs(&html, "a.manage-guest", "href").is_empty());
    let guest_page = browser.get(&format!("/events/{}/guests/{inv}", day.event_id)).await;
    assert_eq!(
        guest_page.status(),
        StatusCode::FORBIDDEN,
        "the guest's page is for organizers"
    );
    let action = format!("/events/{}/guests/{inv}/refresh", day.event_id);
    let refused = browser.submit(&page_path, &action, &[]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}
