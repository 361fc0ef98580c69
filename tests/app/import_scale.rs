//! Large CSV imports: bounded in size, refused whole past the bound, previewed without drowning the page.

use entity::{actor, actor_import};
use reqwest::StatusCode;

use crate::helpers::{Browser, location, spawn_app, spawn_app_with, texts};

/// `rows` distinct, valid actors in the import format.
fn directory(rows: usize) -> String {
    let mut csv = String::from("full_name,category,gender,region,town,phone\n");
    for i in 0..rows {
        csv.push_str(&format!(
            "Awa Keïta {i},women_organization,female,Kayes,Kayes,+223 76 {:02} {:02} {:02}\n",
            i / 10_000,
            (i / 100) % 100,
            i % 100
        ));
    }
    csv
}

/// Uploads a file through the import page as a browser does; returns the response.
async fn upload(browser: &Browser, csv: &str) -> reqwest::Response {
    let token = browser.csrf_token("/actors/import").await;
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("annuaire.csv"),
    );
    browser
        .client
        .post(browser.url(&format!("/actors/import?csrf_token={token}")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_import_over_the_row_limit_is_refused_naming_the_file_and_stores_nothing() {
    let app = spawn_app_with(|settings| settings.import_max_rows = 3).await;
    let token = app.api_token_for("organizer").await;
    let refused = app.import_csv(&token, &directory(4)).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "validation_failed");
    assert_eq!(
        body["error"]["fields"]["file"],
        "This file has more lines than one import takes: split it into smaller files."
    );
    assert_eq!(app.count(actor::Entity).await, 0);
    assert_eq!(
        app.import_csv(&token, &directory(3)).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(app.count(actor::Entity).await, 3);

    let (browser, _) = app.browser_as("organizer").await;
    let page = browser.get("/actors/import").await.text().await.unwrap();
    assert!(page.contains("Au plus 3 lignes par fichier."), "{page}");
    let refused = upload(&browser, &directory(4)).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap();
    assert_eq!(
        texts(&html, ".flash-error"),
        ["Ce fichier a plus de lignes qu'un import n'en accepte : découpez-le en fichiers plus petits."]
    );
    assert_eq!(app.count(actor_import::Entity).await, 0, "nothing staged");
    assert_eq!(app.count(actor::Entity).await, 3);
}

#[tokio::test]
async fn a_large_file_is_previewed_with_every_error_and_says_how_many_lines_it_imports() {
    let app = spawn_app().await;
    let (browser, _) = app.browser_as("organizer").await;
    let mut csv = directory(1_500);
    csv.push_str("Moussa Traoré,griot,male,Gao,Gao,\n");
    let uploaded = upload(&browser, &csv).await;
    assert_eq!(uploaded.status(), StatusCode::SEE_OTHER);
    let preview = browser.get(&location(&uploaded)).await.text().await.unwrap();
    assert_eq!(texts(&preview, "#new-rows"), ["1500"]);
    assert_eq!(
        texts(&preview, "#line-1502 .status"),
        ["category : Choisissez une valeur de la liste."],
        "the error at the end of the file is shown"
    );
    assert_eq!(texts(&preview, "table.preview tbody tr").len(), 1_001);
    assert_eq!(
        texts(&preview, "#hidden-rows"),
        ["500 autres lignes correctes ne sont pas affichées."]
    );
    assert_eq!(texts(&preview, ".import-progress"), ["Import de 1500 lignes…"]);
}
