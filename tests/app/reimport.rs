//! Importing the same directory twice: lines already there are recognised, shown, and skipped or updated.

use entity::actor;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::Value;

use crate::helpers::{attrs, fixture, spawn_app, texts};

#[tokio::test]
async fn organizer_imports_the_fixture_twice_and_the_second_import_adds_nobody() {
    let app = spawn_app().await;
    let (organizer, _) = app.browser_as("organizer").await;
    let first = organizer.upload_actors(&fixture("actors.csv")).await;
    let done = organizer.submit(&first, &first, &[("mode", "all")]).await;
    assert_eq!(texts(&done.text().await.unwrap(), "#imported"), ["600"]);
    assert_eq!(app.count(actor::Entity).await, 600);

    let second = organizer.upload_actors(&fixture("actors.csv")).await;
    let preview = organizer.get(&second).await.text().await.unwrap();
    assert_eq!(texts(&preview, "#new-rows"), ["0"]);
    assert_eq!(texts(&preview, "#existing-rows"), ["600"]);
    assert_eq!(texts(&preview, "tr.existing").len(), 600, "every known line is marked");
    // The 45 people with neither email nor phone are recognised by their name in their town.
    let bintou = texts(&preview, "#line-2 td.status");
    assert_eq!(bintou, ["Déjà dans l'annuaire"]);
    assert_eq!(
        attrs(&preview, "#existing-choice input[checked]", "value"),
        ["skip"],
        "skipping is the default"
    );

    let again = organizer
        .submit(&second, &second, &[("mode", "all"), ("existing", "skip")])
        .await;
    let page = again.text().await.unwrap();
    assert_eq!(texts(&page, "#imported"), ["0"]);
    assert_eq!(texts(&page, "#skipped"), ["600"]);
    assert_eq!(app.count(actor::Entity).await, 600, "nothing was added");

    let token = app.api_token_for("organizer").await;
    let by_api: Value = app
        .import_csv(&token, &fixture("actors.csv"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (by_api["imported"].as_u64(), by_api["skipped_existing"].as_u64()),
        (Some(0), Some(600))
    );
    assert_eq!(app.count(actor::Entity).await, 600);
}

#[tokio::test]
async fn a_name_in_the_same_town_matches_whatever_its_accents_and_case_and_can_update_the_record() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    let first = "full_name,category,gender,region,town,organization\n\
                 Bintou Konaté,other,female,Sikasso,Koutiala,Ancienne ONG\n\
                 Awa Traoré,other,female,Kayes,Kita,\n";
    assert_eq!(app.import_csv(&token, first).await.status(), StatusCode::CREATED);
    let bintou = actor::Entity::find()
        .filter(actor::Column::FullName.eq("Bintou Konaté"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut noted: actor::ActiveModel = bintou.clone().into();
    noted.notes = Set("Préfère être appelée le matin.".into());
    noted.update(&app.db).await.unwrap();

    // Same name and town spelt differently, a namesake in another town, and a newcomer.
    let second = "full_name,category,gender,region,town,organization\n\
                  BINTOU KONATE,other,female,Sikasso,koutiala,Nouvelle ONG\n\
                  Awa Traoré,other,female,Kayes,Kayes,\n\
                  Mariam Coulibaly,other,female,Kayes,Kita,\n";
    let (organizer, _) = app.browser_as("organizer").await;
    let preview_url = organizer.upload_actors(second).await;
    let preview = organizer.get(&preview_url).await.text().await.unwrap();
    assert_eq!(texts(&preview, "#new-rows"), ["2"]);
    assert_eq!(texts(&preview, "#existing-rows"), ["1"]);
    assert_eq!(
        attrs(&preview, "#line-2 td.status a", "href"),
        [format!("/actors/{}", bintou.id)],
        "the marked line links to the record it matches"
    );
    assert!(texts(&preview, "#existing-choice legend")[0].starts_with("1 ligne correspond"));

    let done = organizer
        .submit(&preview_url, &preview_url, &[("mode", "all"), ("existing", "update")])
        .await;
    let page = done.text().await.unwrap();
    assert_eq!(texts(&page, "#imported"), ["2"]);
    assert_eq!(texts(&page, "#updated"), ["1"]);
    assert_eq!(app.count(actor::Entity).await, 4);
    let updated = actor::Entity::find_by_id(bintou.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(updated.organization, "Nouvelle ONG");
    assert_eq!(
        updated.notes, "Préfère être appelée le matin.",
        "notes are not in the file and are kept"
    );
}

#[tokio::test]
async fn the_spreadsheet_export_uses_semicolons_and_a_bom_and_imports_back_adding_nobody() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    app.import_csv(&token, &fixture("actors.csv")).await;
    let (organizer, _) = app.browser_as("organizer").await;
    let list = organizer.get("/actors").await.text().await.unwrap();
    let link = attrs(&list, "#export-excel", "href").remove(0);
    let excel = organizer.get(&link).await.bytes().await.unwrap();
    assert!(excel.starts_with(b"\xEF\xBB\xBF"), "a BOM so the accents survive");
    let text = String::from_utf8(excel[3..].to_vec()).unwrap();
    assert!(text.starts_with("full_name;honorific;organization;"), "{}", &text[..80]);
    let standard = organizer.get("/actors/export.csv").await.text().await.unwrap();
    assert!(
        standard
            .trim_start_matches('\u{feff}')
            .starts_with("full_name,honorific,")
    );

    let again: Value = app.import_csv(&token, &text).await.json().await.unwrap();
    assert_eq!(again["imported"], 0, "{again}");
    assert_eq!(app.count(actor::Entity).await, 600);
}
