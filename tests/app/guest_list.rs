//! The guest list at scale: search, filters by answer, delivery, channel and comment, the API's filters, exports.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{TestApp, api_error, csv_rows, spawn_app, texts};
use crate::mailbox::wait_for_files;

/// Six guests by email (invitations sent), one by letter; Invitée 0 accepts with a comment,
/// Invitée 1 declines without one.
async fn answered_list(app: &TestApp) -> (String, i64) {
    let token = app.api_token_for("organizer").await;
    let id = app.workshop_with_guests(&token, 6).await;
    let letter = app
        .api_ok(
            Method::POST,
            "/api/v1/actors",
            &token,
            json!({"full_name": "Boubacar Keïta", "organization": "Chefferie de Kayes",
                "category": "traditional_authority", "town": "Kayes"}),
        )
        .await;
    app.api_ok(
        Method::POST,
        &format!("/api/v1/events/{id}/invitations"),
        &token,
        json!({"actor_ids": [letter["id"]]}),
    )
    .await;
    app.send_invitations(&token, id).await;
    let mails = wait_for_files(&app.outbox_dir(), 6).await;
    let link = |to: &str| mails.iter().find(|m| m.to == to).unwrap().rsvp_path();
    let invitee = app.new_browser();
    for (to, answer, comment) in [
        ("guest0@example.org", "accepted", "=Fauteuil roulant, merci"),
        ("guest1@example.org", "declined", ""),
    ] {
        let link = link(to);
        let done = invitee
            .submit(&link, &link, &[("response", answer), ("comment", comment)])
            .await;
        assert_eq!(done.status(), StatusCode::SEE_OTHER);
    }
    (token, id)
}

async fn names(browser: &crate::helpers::Browser, path: &str) -> Vec<String> {
    let page = browser.get(path).await;
    assert_eq!(page.status(), StatusCode::OK, "{path}");
    texts(&page.text().await.unwrap(), "#guest-table .guest-name")
}

#[tokio::test]
async fn the_organizer_finds_guests_by_name_organization_answer_delivery_channel_and_comment() {
    let app = spawn_app().await;
    let (_, id) = answered_list(&app).await;
    let (browser, _) = app.browser_as("organizer").await;
    let event = format!("/events/{id}");

    assert_eq!(names(&browser, &event).await.len(), 7);
    assert_eq!(
        names(&browser, &format!("{event}?response=accepted")).await,
        ["Invitée 0"]
    );
    assert_eq!(
        names(&browser, &format!("{event}?response=declined")).await,
        ["Invitée 1"]
    );
    assert_eq!(names(&browser, &format!("{event}?response=none")).await.len(), 5);
    assert_eq!(names(&browser, &format!("{event}?comment=yes")).await, ["Invitée 0"]);
    assert_eq!(names(&browser, &format!("{event}?comment=no")).await.len(), 6);
    assert_eq!(names(&browser, &format!("{event}?q=KEITA")).await, ["Boubacar Keïta"]);
    assert_eq!(
        names(&browser, &format!("{event}?q=chefferie")).await,
        ["Boubacar Keïta"]
    );
    assert_eq!(
        names(&browser, &format!("{event}?channel=letter")).await,
        ["Boubacar Keïta"]
    );
    assert_eq!(
        names(&browser, &format!("{event}?delivery=not_applicable")).await,
        ["Boubacar Keïta"]
    );
    assert_eq!(names(&browser, &format!("{event}?channel=email")).await.len(), 6);
    assert_eq!(
        names(&browser, &format!("{event}?q=invitee&response=declined")).await,
        ["Invitée 1"]
    );

    // The comment shows beside the answer, and the form keeps the filters chosen.
    let html = browser.get(&format!("{event}?comment=yes")).await.text().await.unwrap();
    assert_eq!(texts(&html, "#guest-table .answer"), ["Accepte"]);
    assert_eq!(
        texts(&html, "#guest-table .answer-comment"),
        ["=Fauteuil roulant, merci"]
    );
    assert_eq!(texts(&html, "#gf-comment option[selected]"), ["Avec un commentaire"]);
    assert_eq!(texts(&html, "#guests-shown"), ["1 invité affiché sur 1"]);
    let none = browser.get(&format!("{event}?q=personne")).await.text().await.unwrap();
    assert_eq!(texts(&none, "#no-guest-match").len(), 1);

    // Paged, with the filters kept in the pager links.
    let html = browser
        .get(&format!("{event}?response=none&per_page=2"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(texts(&html, "#guest-table .guest-name").len(), 2);
    assert_eq!(
        crate::helpers::attrs(&html, "a[rel=next]", "href"),
        ["?response=none&page=2&per_page=2"]
    );

    let bad = browser.get(&format!("{event}?response=maybe")).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_guest_list_api_takes_the_same_filters_and_names_a_bad_value() {
    let app = spawn_app().await;
    let (token, id) = answered_list(&app).await;
    let path = format!("/api/v1/events/{id}/invitations");
    let listed = app
        .api_ok(Method::GET, &format!("{path}?comment=yes"), &token, json!(null))
        .await;
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["items"][0]["response"], "accepted");
    assert_eq!(listed["items"][0]["response_comment"], "=Fauteuil roulant, merci");
    let letters = app
        .api_ok(
            Method::GET,
            &format!("{path}?channel=letter&q=keita"),
            &token,
            json!(null),
        )
        .await;
    assert_eq!(letters["total"], 1);

    for (query, field) in [
        ("response=maybe", "response"),
        ("delivery=lost", "delivery"),
        ("channel=pigeon", "channel"),
        ("comment=perhaps", "comment"),
    ] {
        let response = app
            .api(Method::GET, &format!("{path}?{query}"), Some(&token))
            .send()
            .await
            .unwrap();
        let error = api_error(response).await;
        assert_eq!(error.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert!(error.fields.contains_key(field), "{query}: {:?}", error.fields);
    }
}

#[tokio::test]
async fn the_guest_list_exports_as_csv_and_xlsx_with_answers_comments_and_delivery() {
    let app = spawn_app().await;
    let (_, id) = answered_list(&app).await;
    let (browser, _) = app.browser_as("organizer").await;

    let csv = browser.get(&format!("/events/{id}/guests.csv")).await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let rows = csv_rows(&csv.text().await.unwrap());
    assert_eq!(rows.len(), 8, "a heading and seven guests");
    assert_eq!(
        rows[0],
        [
            "Nom",
            "Organisation",
            "Catégorie",
            "Genre",
            "Tranche d'âge",
            "Région",
            "Localité",
            "Canal",
            "Envoi",
            "Réponse",
            "Réponse reçue",
            "Date de la réponse",
            "Commentaire de l'invité"
        ]
    );
    let awa = rows.iter().find(|r| r[0] == "Invitée 0").unwrap();
    assert_eq!((awa[7].as_str(), awa[9].as_str()), ("E-mail", "Accepte"));
    assert_eq!(awa[12], "'=Fauteuil roulant, merci", "no formula in a spreadsheet");
    let letter = rows.iter().find(|r| r[0] == "Boubacar Keïta").unwrap();
    assert_eq!(letter[1], "Chefferie de Kayes");

    let filtered = browser.get(&format!("/events/{id}/guests.csv?comment=yes")).await;
    assert_eq!(csv_rows(&filtered.text().await.unwrap()).len(), 2);

    let xlsx = browser.get(&format!("/events/{id}/guests.xlsx")).await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    assert_eq!(
        xlsx.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = xlsx.bytes().await.unwrap();
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("a readable workbook");
    let sheet = workbook.worksheet_range("Invités").expect("the guests sheet");
    let rows: Vec<Vec<Data>> = sheet.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(rows.len(), 8);
    let awa = rows.iter().find(|r| r[0] == Data::String("Invitée 0".into())).unwrap();
    assert_eq!(awa[12], Data::String("=Fauteuil roulant, merci".into()));

    // A viewer sees the list but cannot take it away.
    let (viewer, _) = app.browser_as("viewer").await;
    assert_eq!(
        viewer.get(&format!("/events/{id}/guests.csv")).await.status(),
        StatusCode::FORBIDDEN
    );
}

/// The list's order is a copy of the name kept on each invitation: renaming the actor moves the guest.
#[tokio::test]
async fn a_renamed_actor_moves_in_the_guest_list() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    let id = app.workshop_with_guests(&token, 3).await;
    let path = format!("/api/v1/events/{id}/invitations");
    let listed = app.api_ok(Method::GET, &path, &token, json!(null)).await;
    let first = listed["items"][0]["actor_id"].as_i64().unwrap();
    let actor = app
        .api_ok(Method::GET, &format!("/api/v1/actors/{first}"), &token, json!(null))
        .await;
    let mut input = actor.clone();
    input["full_name"] = json!("Zoé Traoré");
    for key in ["id", "created_at", "updated_at"] {
        input.as_object_mut().unwrap().remove(key);
    }
    app.api_ok(Method::PUT, &format!("/api/v1/actors/{first}"), &token, input)
        .await;

    let (browser, _) = app.browser_as("organizer").await;
    assert_eq!(
        names(&browser, &format!("/events/{id}")).await,
        ["Invitée 1", "Invitée 2", "Zoé Traoré"]
    );
    let listed = app.api_ok(Method::GET, &path, &token, json!(null)).await;
    assert_eq!(listed["items"][2]["actor_id"], first);
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let stored: Vec<String> = entity::invitation::Entity::find()
        .filter(entity::invitation::Column::EventId.eq(id as i32))
        .order_by_asc(entity::invitation::Column::NameKey)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|inv| inv.name_key)
        .collect();
    assert_eq!(stored, ["invitee 1", "invitee 2", "zoe traore"]);

    // Merged into an actor of another name, the guest sorts under the kept name.
    let absorbed = listed["items"][1]["actor_id"].as_i64().unwrap();
    let kept = app
        .api_ok(
            Method::POST,
            "/api/v1/actors",
            &token,
            json!({"full_name": "Aminata Diarra", "category": "civil_society", "town": "Kayes"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let merged = browser
        .submit(
            "/actors/duplicates",
            &format!("/actors/{kept}/merge"),
            &[("other_id", &absorbed.to_string())],
        )
        .await;
    assert_eq!(merged.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        names(&browser, &format!("/events/{id}")).await,
        ["Aminata Diarra", "Invitée 1", "Zoé Traoré"]
    );
}
