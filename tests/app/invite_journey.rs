//! The invitation journey in a real browser (tests/browser/journey_invite.mjs): build the list by
//! filter, confirm and send, answer from the received mail, see the comment, cancel after confirming.

use std::time::Duration;

use serde_json::json;

use crate::browser::browser_ready;
use crate::helpers::{PASSWORD, TestApp, spawn_app_with};
use crate::mailbox::Delivered;
use crate::smtp::SmtpServer;

async fn act(app: &TestApp, email: &str, event_id: i64, mode: &str, link: &str, comment: &str) -> String {
    let output = tokio::process::Command::new("node")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/browser/journey_invite.mjs"))
        .env("BASE_URL", &app.address)
        .env("EMAIL", email)
        .env("PASSWORD", PASSWORD)
        .env("EVENT_ID", event_id.to_string())
        .env("MODE", mode)
        .env("LINK", link)
        .env("COMMENT", comment)
        .output()
        .await
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

fn step<'a>(stdout: &'a str, name: &str) -> &'a str {
    let prefix = format!("step: {name}: ");
    stdout
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no step {name} in:\n{stdout}"))
}

#[tokio::test]
async fn an_organizer_invites_by_filter_a_guest_answers_from_the_mail_and_the_cancel_asks_first() {
    if !browser_ready() {
        return;
    }
    let server = SmtpServer::start().await;
    let url = server.url();
    let app = spawn_app_with(move |s| s.smtp_url = Some(url)).await;
    let token = app.api_token_for("organizer").await;
    let event_id = app.scheduled_workshop(&token, "Restitution à Kayes", "Kayes").await;
    for (name, email, region) in [
        ("Awa Coulibaly", Some("awa@example.org"), "Kayes"),
        ("Aminata Sow", Some("aminata@example.org"), "Kayes"),
        ("Oumar Diallo", Some("oumar@example.org"), "Kayes"),
        ("Boubacar Keïta", None, "Kayes"),
        ("Mariam Touré", Some("mariam@example.org"), "Ségou"),
    ] {
        app.api_ok(
            reqwest::Method::POST,
            "/api/v1/actors",
            &token,
            json!({"full_name": name, "category": "women_organization", "email": email,
                "consent_contact": email.is_some(), "region": region, "town": region}),
        )
        .await;
    }
    let organizer = app.create_user("organisatrice@example.org", "organizer").await;

    let built = act(&app, &organizer.email, event_id, "build", "", "").await;
    assert_eq!(step(&built, "guest-total"), "4", "the Kayes filter takes four of five");
    assert_eq!(
        step(&built, "send-page"),
        format!("/events/{event_id}/invitations/send/confirm")
    );
    assert_eq!(
        step(&built, "send-consequences"),
        "3 emails d'invitation vont partir. | 1 invité sans email recevra une lettre à imprimer."
    );
    assert_eq!(step(&built, "after-send"), format!("/events/{event_id}"));

    let received = server.wait_for(3, Duration::from_secs(20)).await;
    assert_eq!(received.len(), 3, "three invitations on the SMTP server");
    let awa = received
        .iter()
        .find(|m| m.to == ["awa@example.org"])
        .expect("Awa's invitation");
    let link = app.url(&Delivered::parse(&awa.data).rsvp_path());

    let comment = "Je viendrai avec une interprète en langue des signes.";
    let answered = act(&app, &organizer.email, event_id, "answer", &link, comment).await;
    assert_eq!(step(&answered, "confirm-button"), "Confirmer : je participerai");
    assert_eq!(step(&answered, "answer-sideways"), "false");
    assert!(
        step(&answered, "recorded").starts_with("Votre réponse est enregistrée : Oui, je participerai."),
        "{answered}"
    );
    assert_eq!(step(&answered, "rows-with-comment"), "1");
    assert_eq!(
        step(&answered, "answered"),
        format!("Awa Coulibaly | Accepte | {comment}")
    );
    assert_eq!(
        step(&answered, "event-sideways-390"),
        "false",
        "no sideways scrolling at 390 px"
    );
    assert_eq!(
        step(&answered, "cancel-page"),
        format!("/events/{event_id}/status/confirm")
    );
    assert!(
        step(&answered, "cancel-consequences")
            .starts_with("3 invités recevront une annulation par email. | 1 lettre est concernée"),
        "{answered}"
    );
    assert_eq!(step(&answered, "status"), "Annulé");
    // The script stops at the first serious or critical violation; each page visited reports its check.
    let clean = |out: &str| {
        out.lines()
            .filter(|l| l.ends_with(": 0 serious or critical, 0 minor") || l.contains(": 0 serious or critical,"))
            .count()
    };
    assert_eq!(clean(&built), 4, "axe-core on each page of the first act:\n{built}");
    assert_eq!(
        clean(&answered),
        6,
        "axe-core on each page of the second act:\n{answered}"
    );

    let all = server.wait_for(6, Duration::from_secs(20)).await;
    let cancels: Vec<_> = all
        .iter()
        .filter(|m| String::from_utf8_lossy(&m.data).contains("method=CANCEL"))
        .collect();
    assert_eq!(cancels.len(), 3, "a CANCEL to each guest who had the invitation");
}
