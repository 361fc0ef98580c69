//! Bounces, automatic and human replies read from the mailbox: a permanent failure shows on the
//! event page with the remote server's words; a delay or an out-of-office changes nothing; a guest's note is listed for the organizer.

use crate::inbound::story;

/// A Postfix-shaped delivery status notification for the message `original`.
fn dsn(original: &str, status: &str, diagnostic: &str) -> Vec<u8> {
    let action = if status.starts_with('5') { "failed" } else { "delayed" };
    format!(
        "From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\r\nTo: toguna@example.org\r\n\
         Subject: Undelivered Mail Returned to Sender\r\nAuto-Submitted: auto-replied\r\n\
         Message-ID: <{id}@mx.example.org>\r\nDate: Tue, 1 Jan 2030 10:00:00 +0000\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"DSN\"\r\n\r\n\
         --DSN\r\nContent-Description: Notification\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n\
         This is the mail system at host mx.example.org.\r\n\r\n\
         --DSN\r\nContent-Description: Delivery report\r\nContent-Type: message/delivery-status\r\n\r\n\
         Reporting-MTA: dns; mx.example.org\r\nArrival-Date: Tue,  1 Jan 2030 09:59:00 +0000\r\n\r\n\
         Final-Recipient: rfc822; awa.coulibaly@example.org\r\nOriginal-Recipient: rfc822;awa.coulibaly@example.org\r\n\
         Action: {action}\r\nStatus: {status}\r\nRemote-MTA: dns; mail.example.org\r\n\
         Diagnostic-Code: smtp; {diagnostic}\r\n\r\n\
         --DSN\r\nContent-Description: Undelivered Message Headers\r\nContent-Type: text/rfc822-headers\r\n\r\n\
         From: Toguna <toguna@example.org>\r\nTo: Awa Coulibaly <awa.coulibaly@example.org>\r\n\
         Message-ID: {original}\r\nSubject: Invitation\r\n\r\n--DSN--\r\n",
        id = uuid::Uuid::new_v4().simple(),
    )
    .into_bytes()
}

#[tokio::test]
async fn a_5_1_1_bounce_marks_the_invitation_failed_with_the_servers_words() {
    let Some(s) = story().await else { return };
    let words = "550 5.1.1 <awa.coulibaly@example.org>: Recipient address rejected: User unknown";
    s.deliver_and_wait(dsn(&s.awa_message_id, "5.1.1", words), 1).await;
    let awa = s.awa_answer().await;
    assert_eq!(awa["delivery"], "failed", "{awa}");
    let page = s.event_page().await;
    let failures = crate::helpers::texts(&page, "table.guests .server-error").join(" | ");
    assert!(failures.contains("User unknown"), "{failures}");
    let stored = s.stored_messages().await;
    assert_eq!(
        (stored[0].kind.as_str(), stored[0].outcome.as_str()),
        ("bounce", "applied")
    );
}

#[tokio::test]
async fn a_delayed_delivery_report_changes_nothing() {
    let Some(s) = story().await else { return };
    let words = "451 4.4.1 mail.example.org: Connection timed out";
    s.deliver_and_wait(dsn(&s.awa_message_id, "4.4.1", words), 1).await;
    assert_eq!(s.awa_answer().await["delivery"], "sent");
    // Nothing permanent: her address is not flagged, email stays her channel.
    assert_eq!(s.awa_answer().await["emailable"], true);
    assert!(s.awa_actor().await["email_failed_at"].is_null());
    let stored = s.stored_messages().await;
    assert_eq!(
        (stored[0].kind.as_str(), stored[0].outcome.as_str()),
        ("bounce", "ignored")
    );
}

#[tokio::test]
async fn an_out_of_office_reply_is_ignored() {
    let Some(s) = story().await else { return };
    let reply = format!(
        "From: Awa Coulibaly <awa.coulibaly@example.org>\r\nTo: {}\r\nSubject: Absente du bureau\r\n\
         Auto-Submitted: auto-replied\r\nX-Autoreply: yes\r\nMessage-ID: <{}@example.org>\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nJe suis absente jusqu'au 15 janvier.\r\n",
        s.awa.organizer,
        uuid::Uuid::new_v4().simple()
    );
    s.deliver_and_wait(reply.into_bytes(), 1).await;
    let awa = s.awa_answer().await;
    assert_eq!(
        (awa["response"].as_str(), awa["delivery"].as_str()),
        (Some("none"), Some("sent"))
    );
    let stored = s.stored_messages().await;
    assert_eq!(
        (stored[0].kind.as_str(), stored[0].outcome.as_str()),
        ("auto_reply", "ignored")
    );
}

#[tokio::test]
async fn a_guests_plain_reply_is_attached_to_her_and_listed_without_changing_the_answer() {
    let Some(s) = story().await else { return };
    let reply = format!(
        "From: Awa Coulibaly <awa.coulibaly@example.org>\r\nTo: {}\r\nSubject: Re: Invitation\r\n\
         Message-ID: <{}@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: 8bit\r\n\r\nJe serai présent avec mon adjoint.\r\n\r\n> Madame, vous êtes invitée…\r\n",
        s.awa.organizer,
        uuid::Uuid::new_v4().simple()
    );
    s.deliver_and_wait(reply.into_bytes(), 1).await;
    assert_eq!(s.awa_answer().await["response"], "none");
    let page = s.event_page().await;
    let listed = crate::helpers::texts(&page, "#to-look-at tr.to-look-at").join(" | ");
    assert!(listed.contains("Je serai présent avec mon adjoint."), "{listed}");
    assert!(
        !listed.contains("vous êtes invitée"),
        "quoted text is not shown: {listed}"
    );
    let stored = s.stored_messages().await;
    assert_eq!(
        (stored[0].kind.as_str(), stored[0].invitation_id),
        ("human_reply", Some(s.awa_invitation_id().await))
    );
}

impl crate::inbound::Story {
    /// Awa as the actor API returns her.
    async fn awa_actor(&self) -> serde_json::Value {
        let path = format!("/api/v1/actors/{}", self.campaign.guests[0]);
        let token = &self.campaign.token;
        self.app.api_get(&path, token).await
    }
}

#[tokio::test]
async fn a_permanent_failure_flags_the_address_so_the_next_list_offers_a_letter_until_it_is_edited() {
    let Some(s) = story().await else { return };
    let words = "550 5.1.1 <awa.coulibaly@example.org>: Recipient address rejected: User unknown";
    s.deliver_and_wait(dsn(&s.awa_message_id, "5.1.1", words), 1).await;

    let awa = s.awa_actor().await;
    assert!(awa["email_failed_at"].is_string(), "{awa}");
    assert_eq!(awa["email_failure"], words, "{awa}");
    let (organizer, _) = s.app.browser_as("organizer").await;
    let actor_page = organizer
        .get_in(&format!("/actors/{}", s.campaign.guests[0]), "en")
        .await
        .text()
        .await
        .expect("actor page");
    let shown = crate::helpers::texts(&actor_page, "#email-failed").join(" ");
    assert!(
        shown.contains("failed for good") && shown.contains("User unknown"),
        "{shown}"
    );
    let list = organizer
        .get_in("/actors?q=Coulibaly", "en")
        .await
        .text()
        .await
        .expect("actor list");
    assert_eq!(crate::helpers::texts(&list, ".email-failed"), ["address bounces"]);

    // The guest list no longer counts on email for her: she gets a letter, and no resend by email.
    let line = s.awa_answer().await;
    assert_eq!(line["emailable"], false, "{line}");
    let letters_path = format!("/events/{}/letters", s.campaign.event_id);
    let letters = organizer.get(&letters_path).await.text().await.expect("letters");
    let for_awa = format!("letter-{}", s.awa_invitation_id().await);
    assert!(
        !crate::helpers::attrs(&letters, &format!("article#{for_awa}"), "id").is_empty(),
        "Awa is offered a letter"
    );
    let event_page = s.event_page().await;
    let resends = crate::helpers::attrs(&event_page, "table.guests button.resend", "formaction");
    let awa_resend = format!("/guests/{}/resend", s.awa_invitation_id().await);
    assert!(
        !resends.iter().any(|a| a.ends_with(&awa_resend)),
        "no email resend for Awa: {resends:?}"
    );

    // A corrected address clears the flag.
    let mut edited = awa.clone();
    edited["email"] = "awa.c@example.org".into();
    let path = format!("/api/v1/actors/{}", s.campaign.guests[0]);
    s.app
        .api_ok(reqwest::Method::PUT, &path, &s.campaign.token, edited)
        .await;
    let awa = s.awa_actor().await;
    assert!(awa["email_failed_at"].is_null(), "{awa}");
    assert_eq!(awa["email_failure"], "");
    assert_eq!(s.awa_answer().await["emailable"], true);
}
