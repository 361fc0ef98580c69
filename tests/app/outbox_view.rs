//! The admin reads a sent message as its recipient would: text, HTML in a sandbox, attachments, in words.

use reqwest::StatusCode;

use crate::helpers::{attrs, hrefs, spawn_app, texts};
use crate::mailbox::wait_for_files;

#[tokio::test]
async fn the_admin_reads_a_sent_invitation_rendered_with_its_attachments_and_translated_states() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    let event = app.workshop_with_guests(&token, 1).await;
    assert_eq!(app.send_invitations(&token, event).await, 1);
    wait_for_files(&app.outbox_dir(), 1).await;
    app.login_as("admin").await;
    let mut log = String::new();
    for _ in 0..100 {
        log = app.get("/admin/outbox").await.text().await.unwrap();
        if texts(&log, "table.outbox a").len() == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let row = texts(&log, "table.outbox tbody td");
    assert_eq!(row[1], "Invitation");
    assert!(row[4].starts_with("Envoyé"), "the state in words, not a slug: {row:?}");

    let link = hrefs(&log, "table.outbox a").remove(0);
    let shown = app.get(&link).await;
    assert_eq!(shown.status(), StatusCode::OK);
    let page = shown.text().await.unwrap();
    assert!(
        page.starts_with("<!doctype html>\n<html lang=\"fr\">"),
        "a page with a language"
    );
    assert!(!texts(&page, "title")[0].trim().is_empty(), "a page with a title");
    assert!(!page.contains("Content-Transfer-Encoding"), "no raw MIME on the page");
    assert_eq!(texts(&page, "#mail-to"), ["guest0@example.org"]);
    assert!(
        texts(&page, "#mail-text")[0].contains("Invitée 0"),
        "the text part, decoded"
    );
    assert_eq!(
        attrs(&page, "iframe#mail-html", "sandbox"),
        [""],
        "HTML only in an empty sandbox"
    );
    let srcdoc = attrs(&page, "iframe#mail-html", "srcdoc").remove(0);
    assert!(srcdoc.contains("<html") || srcdoc.contains("<p"), "{srcdoc}");
    let attachments = texts(&page, "#attachments > li");
    assert!(
        attachments
            .iter()
            .any(|a| a.contains("text/calendar") && a.contains("METHOD:REQUEST")),
        "{attachments:?}"
    );
    assert!(
        attachments.iter().any(|a| a.contains("image/png")),
        "the QR code: {attachments:?}"
    );

    let raw = app.get(&format!("{link}/raw")).await.text().await.unwrap();
    assert!(raw.contains("MIME-Version"), "the raw message stays one click away");
}
