//! Every role meets 403 on the routes it may not use, and nothing changes.

use entity::{user, venue};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn roles_that_may_not_manage_venues_get_403_in_pages_and_api_and_nothing_changes() {
    let app = spawn_app().await;
    let organizer_token = app.api_token_for("organizer").await;
    let venue: serde_json::Value = app
        .api(Method::POST, "/api/v1/venues", Some(&organizer_token))
        .json(&json!({"name": "Maison de la femme", "region": "Kayes"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = venue["id"].as_i64().unwrap();

    for role in ["rapporteur", "editor", "viewer"] {
        let (browser, _) = app.browser_as(role).await;
        assert_eq!(
            browser.get("/venues").await.status(),
            StatusCode::OK,
            "{role} may read venues"
        );
        assert_eq!(
            browser.get("/venues/new").await.status(),
            StatusCode::FORBIDDEN,
            "{role}: form"
        );
        let create = browser
            .submit("/venues", "/venues", &[("name", "Salle interdite")])
            .await;
        assert_eq!(create.status(), StatusCode::FORBIDDEN, "{role}: create");
        assert!(
            create
                .text()
                .await
                .unwrap()
                .contains("Votre rôle ne permet pas cette action.")
        );
        let edit = browser
            .submit("/venues", &format!("/venues/{id}"), &[("name", "Renommée")])
            .await;
        assert_eq!(edit.status(), StatusCode::FORBIDDEN, "{role}: edit");
        let delete = browser.submit("/venues", &format!("/venues/{id}/delete"), &[]).await;
        assert_eq!(delete.status(), StatusCode::FORBIDDEN, "{role}: delete");

        let token = app.api_token_for(role).await;
        let api_create = app
            .api(Method::POST, "/api/v1/venues", Some(&token))
            .json(&json!({"name": "Salle interdite"}))
            .send()
            .await
            .unwrap();
        assert_eq!(api_create.status(), StatusCode::FORBIDDEN, "{role}: API create");
        let body: serde_json::Value = api_create.json().await.unwrap();
        assert_eq!(body["error"]["code"], "forbidden");
        let api_delete = app
            .api(Method::DELETE, &format!("/api/v1/venues/{id}"), Some(&token))
            .send()
            .await
            .unwrap();
        assert_eq!(api_delete.status(), StatusCode::FORBIDDEN, "{role}: API delete");
    }
    assert_eq!(app.count(venue::Entity).await, 1);
    let stored = app
        .api(Method::GET, &format!("/api/v1/venues/{id}"), Some(&organizer_token))
        .send()
        .await
        .unwrap();
    let stored: serde_json::Value = stored.json().await.unwrap();
    assert_eq!(stored["name"], "Maison de la femme", "unchanged");
}

#[tokio::test]
async fn only_admins_manage_accounts() {
    let app = spawn_app().await;
    let users_before = app.count(user::Entity).await;
    for role in ["organizer", "rapporteur", "editor", "viewer"] {
        let (browser, me) = app.browser_as(role).await;
        assert_eq!(
            browser.get("/admin/users").await.status(),
            StatusCode::FORBIDDEN,
            "{role}"
        );
        let add = browser
            .submit(
                "/profile",
                "/admin/users",
                &[
                    ("name", "Nouveau"),
                    ("email", "nouveau@example.org"),
                    ("role", "admin"),
                    ("password", "un mot de passe long"),
                ],
            )
            .await;
        assert_eq!(add.status(), StatusCode::FORBIDDEN, "{role}: add user");
        let promote = browser
            .submit(
                "/profile",
                &format!("/admin/users/{}", me.id),
                &[("role", "admin"), ("active", "on")],
            )
            .await;
        assert_eq!(promote.status(), StatusCode::FORBIDDEN, "{role}: promote self");
        let stored = toguna::domain::users::find(&app.db, me.id).await.unwrap();
        assert_eq!(stored.role.slug(), role, "{role} kept its role");
    }
    assert_eq!(
        app.count(user::Entity).await,
        users_before + 4,
        "only the four test accounts exist"
    );
}

#[tokio::test]
async fn an_admin_adds_an_organizer_who_can_then_sign_in() {
    let app = spawn_app().await;
    app.login_as("admin").await;
    let added = app
        .submit(
            "/admin/users",
            "/admin/users",
            &[
                ("name", "Moussa Traoré"),
                ("email", "moussa.traore@example.org"),
                ("role", "organizer"),
                ("password", "un mot de passe long"),
            ],
        )
        .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let list = app.get("/admin/users").await.text().await.unwrap();
    assert!(list.contains("Moussa Traoré") && list.contains("Compte créé."));

    let browser = app.new_browser();
    let response = browser.login("moussa.traore@example.org", "un mot de passe long").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        browser.get("/venues/new").await.status(),
        StatusCode::OK,
        "an organizer may add venues"
    );
}
