//! Answers that arrive by mail: calendar apps' REPLYs read from a real mailbox (Dovecot) and
//! applied only when they prove which invitation they answer; the rest waits for a person.

use entity::{inbound_message, invitation};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;

use crate::dovecot::{Dovecot, is_done};
use crate::helpers::{TestApp, spawn_app_with, texts};
use crate::invitations::{Campaign, campaign, send};
use crate::mailbox::wait_for_files;
use crate::reply_shapes::{self, Answer, Received};

/// A scheduled workshop whose invitations went out, with the app reading the Dovecot inbox.
pub struct Story {
    pub app: TestApp,
    pub dovecot: Dovecot,
    pub campaign: Campaign,
    /// What Awa's and Aïssata's calendars received.
    pub awa: Received,
    pub aissata: Received,
    pub awa_rsvp: String,
    /// The Message-ID of Awa's invitation, which bounces refer to.
    pub awa_message_id: String,
}

async fn story_with(plus_addressing: bool) -> Option<Story> {
    let dovecot = Dovecot::start().await?;
    let url = dovecot.url();
    let app = spawn_app_with(|s| {
        s.inbound.url = Some(url);
        s.inbound.plus_addressing = plus_addressing;
    })
    .await;
    let campaign = campaign(&app, "2030-06-10T09:00:00+00:00").await;
    send(&app, &campaign).await;
    let mails = wait_for_files(&app.outbox_dir(), 2).await;
    let mail_to = |to: &str| mails.iter().find(|m| m.to == to).expect("an invitation");
    let awa = mail_to("awa.coulibaly@example.org");
    Some(Story {
        awa: Received::from(awa),
        aissata: Received::from(mail_to("aissata.ndiaye@example.org")),
        awa_rsvp: awa.rsvp_path(),
        awa_message_id: mail_parser::MessageParser::default()
            .parse(&awa.raw)
            .and_then(|m| m.message_id().map(|id| format!("<{id}>")))
            .expect("the invitation has a Message-ID"),
        app,
        dovecot,
        campaign,
    })
}

pub async fn story() -> Option<Story> {
    story_with(true).await
}

impl Story {
    /// Awa's line of the guest list, as the API shows it to the organizer.
    pub async fn awa_answer(&self) -> Value {
        let c = &self.campaign;
        self.app.guest_line(&c.token, c.event_id, c.guests[0]).await
    }

    /// The event page as the organizer sees it.
    pub async fn event_page(&self) -> String {
        let (organizer, _) = self.app.browser_as("organizer").await;
        let path = format!("/events/{}", self.campaign.event_id);
        organizer.get_in(&path, "en").await.text().await.expect("event page")
    }

    pub async fn stored_messages(&self) -> Vec<inbound_message::Model> {
        inbound_message::Entity::find()
            .all(&self.app.db)
            .await
            .expect("inbound rows")
    }

    pub async fn awa_invitation_id(&self) -> i32 {
        self.awa_invitation().await.id
    }

    pub async fn awa_invitation(&self) -> invitation::Model {
        invitation::Entity::find()
            .filter(invitation::Column::EventId.eq(self.campaign.event_id as i32))
            .filter(invitation::Column::ActorId.eq(self.campaign.guests[0] as i32))
            .one(&self.app.db)
            .await
            .expect("query")
            .expect("Awa's invitation")
    }

    /// Delivers and waits until the app has handled (flagged) `n` messages in all.
    pub async fn deliver_and_wait(&self, message: Vec<u8>, n: usize) {
        self.dovecot.deliver(&message).await;
        self.dovecot.wait_done(n).await;
    }

    async fn assert_applied(&self, response: &str, comment: &str) {
        let awa = self.awa_answer().await;
        assert_eq!(awa["response"], response, "{awa}");
        assert_eq!(awa["responded_via"], "calendar_app", "{awa}");
        assert_eq!(awa["response_comment"], comment, "{awa}");
        let page = self.event_page().await;
        let cell = texts(&page, "table.guests td").join(" | ");
        assert!(cell.contains("from a calendar app"), "{cell}");
        let stored = self.stored_messages().await;
        assert_eq!(stored.len(), 1);
        assert_eq!(
            (stored[0].kind.as_str(), stored[0].outcome.as_str()),
            ("calendar_reply", "applied")
        );
        // Flagged, never deleted.
        let flags = self.dovecot.flags().await;
        assert_eq!(flags.len(), 1);
        assert!(is_done(&flags[0].1), "{flags:?}");
    }

    /// Not applied: Awa still has no answer; the message is listed on the event page and the admin page.
    async fn assert_waits_for_a_person(&self, reason_text: &str, on_event_page: bool) {
        let awa = self.awa_answer().await;
        assert_eq!(awa["response"], "none", "{awa}");
        let stored = self.stored_messages().await;
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].outcome, "review");
        let page = self.event_page().await;
        let listed = texts(&page, "#to-look-at td.reason").join(" | ");
        if on_event_page {
            assert!(listed.contains(reason_text), "event page lists: {listed}");
        } else {
            assert!(listed.is_empty(), "{listed}");
        }
        let (admin, _) = self.app.browser_as("admin").await;
        let admin_page = admin
            .get_in("/admin/inbound", "en")
            .await
            .text()
            .await
            .expect("admin page");
        let listed = texts(&admin_page, "td.reason").join(" | ");
        assert!(listed.contains(reason_text), "admin page lists: {listed}");
    }
}

#[tokio::test]
async fn thunderbird_accept_shows_on_the_event_page_as_a_calendar_app_answer() {
    let Some(s) = story().await else { return };
    assert!(
        s.awa.organizer.starts_with("toguna+i"),
        "tagged ORGANIZER: {}",
        s.awa.organizer
    );
    let reply = reply_shapes::thunderbird(&s.awa, &Answer::reply(&s.awa, "ACCEPTED"));
    s.deliver_and_wait(reply, 1).await;
    s.assert_applied("accepted", "").await;
}

#[tokio::test]
async fn outlook_accept_without_organizer_and_with_a_request_header_is_applied() {
    let Some(s) = story().await else { return };
    let reply = reply_shapes::outlook(&s.awa, &Answer::reply(&s.awa, "ACCEPTED"));
    s.deliver_and_wait(reply, 1).await;
    s.assert_applied("accepted", "Je serai là.").await;
}

#[tokio::test]
async fn gmail_maybe_carries_the_guests_comment() {
    let Some(s) = story().await else { return };
    let reply = reply_shapes::gmail(
        &s.awa,
        &Answer::reply(&s.awa, "TENTATIVE"),
        "Je viendrai avec mon adjoint",
    );
    s.deliver_and_wait(reply, 1).await;
    s.assert_applied("tentative", "Je viendrai avec mon adjoint").await;
    let page = s.event_page().await;
    assert!(page.contains("Je viendrai avec mon adjoint"));
}

#[tokio::test]
async fn apple_decline_sent_from_another_account_is_proven_by_its_reply_address() {
    let Some(s) = story().await else { return };
    let reply = reply_shapes::apple(&s.awa, &Answer::reply(&s.awa, "DECLINED"));
    s.deliver_and_wait(reply, 1).await;
    s.assert_applied("declined", "").await;
}

#[tokio::test]
async fn a_counter_proposal_changes_nothing_and_waits_for_the_organizer() {
    let Some(s) = story().await else { return };
    let mut answer = Answer::reply(&s.awa, "TENTATIVE");
    answer.method = "COUNTER";
    s.deliver_and_wait(reply_shapes::thunderbird(&s.awa, &answer), 1).await;
    s.assert_waits_for_a_person("proposes another time", true).await;
}

#[tokio::test]
async fn a_reply_naming_another_guest_changes_nobodys_answer() {
    let Some(s) = story().await else { return };
    // Sent to Awa's reply address, but speaking for Aïssata.
    let mut answer = Answer::reply(&s.awa, "ACCEPTED");
    answer.attendee = &s.aissata.attendee;
    s.deliver_and_wait(reply_shapes::thunderbird(&s.awa, &answer), 1).await;
    s.assert_waits_for_a_person("names another person", true).await;
    let list = s.app.guest_list(&s.campaign.token, s.campaign.event_id).await;
    let answers: Vec<_> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|g| g["response"].clone())
        .collect();
    assert!(answers.iter().all(|r| r == "none"), "{answers:?}");
}

#[tokio::test]
async fn a_reply_for_an_unknown_event_waits_on_the_admin_page() {
    let Some(s) = story().await else { return };
    let mut answer = Answer::reply(&s.awa, "ACCEPTED");
    answer.uid = "not-ours@elsewhere.example";
    s.deliver_and_wait(reply_shapes::thunderbird(&s.awa, &answer), 1).await;
    s.assert_waits_for_a_person("unknown UID", false).await;
}

#[tokio::test]
async fn a_delegation_is_not_applied() {
    let Some(s) = story().await else { return };
    let mut answer = Answer::reply(&s.awa, "DELEGATED");
    answer.extra = ";DELEGATED-TO=\"mailto:adjoint@example.org\"";
    s.deliver_and_wait(reply_shapes::thunderbird(&s.awa, &answer), 1).await;
    s.assert_waits_for_a_person("delegates", true).await;
}

#[tokio::test]
async fn the_same_reply_delivered_twice_is_applied_once() {
    let Some(s) = story().await else { return };
    let reply = reply_shapes::gmail(&s.awa, &Answer::reply(&s.awa, "ACCEPTED"), "Oui");
    s.deliver_and_wait(reply.clone(), 1).await;
    // Awa changes her mind on the web; the duplicate of the old reply must not undo it.
    let invitee = s.app.new_browser();
    let changed = invitee
        .submit(&s.awa_rsvp, &s.awa_rsvp, &[("response", "declined"), ("comment", "")])
        .await;
    assert!(
        changed.status().is_redirection() || changed.status().is_success(),
        "{}",
        changed.status()
    );
    s.deliver_and_wait(reply, 2).await;
    let awa = s.awa_answer().await;
    assert_eq!(awa["response"], "declined", "{awa}");
    assert_eq!(s.stored_messages().await.len(), 1, "one record for one message");
    assert_eq!(s.dovecot.flags().await.len(), 2, "both copies stay in the mailbox");
}

#[tokio::test]
async fn a_reply_older_than_the_stored_answer_changes_nothing() {
    let Some(s) = story().await else { return };
    let invitee = s.app.new_browser();
    invitee
        .submit(
            &s.awa_rsvp,
            &s.awa_rsvp,
            &[("response", "declined"), ("comment", "Empêchée")],
        )
        .await;
    let mut answer = Answer::reply(&s.awa, "ACCEPTED");
    answer.dtstamp = "20200101T080000Z";
    s.deliver_and_wait(reply_shapes::thunderbird(&s.awa, &answer), 1).await;
    let awa = s.awa_answer().await;
    assert_eq!(
        (awa["response"].as_str(), awa["responded_via"].as_str()),
        (Some("declined"), Some("web"))
    );
    assert_eq!(s.awa_invitation().await.response_comment, "Empêchée");
    let stored = s.stored_messages().await;
    assert_eq!((stored.len(), stored[0].outcome.as_str()), (1, "stale"));
}

#[tokio::test]
async fn a_reply_arriving_while_the_app_is_stopped_is_applied_after_restart() {
    let Some(mut s) = story().await else { return };
    s.deliver_and_wait(
        reply_shapes::apple(&s.aissata, &Answer::reply(&s.aissata, "ACCEPTED")),
        1,
    )
    .await;
    s.app.stop_server().await;
    s.dovecot
        .deliver(&reply_shapes::outlook(&s.awa, &Answer::reply(&s.awa, "ACCEPTED")))
        .await;
    assert!(
        !is_done(&s.dovecot.flags().await[1].1),
        "nobody reads while the app is stopped"
    );
    s.app.start_server().await;
    s.dovecot.wait_done(2).await;
    let awa = s.awa_answer().await;
    assert_eq!(awa["response"], "accepted", "{awa}");
    // The position survived the restart: the first reply was not handled again.
    assert_eq!(s.stored_messages().await.len(), 2);
}

#[tokio::test]
async fn without_plus_addressing_a_reply_must_come_from_the_guests_own_address() {
    let Some(s) = story_with(false).await else { return };
    assert_eq!(
        s.awa.organizer, "toguna@example.org",
        "no tag when plus addressing is off"
    );
    // Apple sends from another account: without a tag, nothing proves it is Awa.
    s.deliver_and_wait(reply_shapes::apple(&s.awa, &Answer::reply(&s.awa, "DECLINED")), 1)
        .await;
    s.assert_waits_for_a_person("does not prove it comes from the guest", true)
        .await;
    // Thunderbird sends from Awa's own address with the event's UID: the weaker proof holds.
    s.deliver_and_wait(reply_shapes::thunderbird(&s.awa, &Answer::reply(&s.awa, "ACCEPTED")), 2)
        .await;
    assert_eq!(s.awa_answer().await["response"], "accepted");
}

#[tokio::test]
async fn a_calendar_that_does_not_parse_is_left_in_the_mailbox_and_listed_for_the_admin() {
    let Some(s) = story().await else { return };
    let broken = format!(
        "From: awa.coulibaly@example.org\r\nTo: {}\r\nSubject: Re: invitation\r\nMessage-ID: <{}@example.org>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/calendar; method=REPLY; charset=utf-8\r\n\r\n\
         BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID {}\r\n",
        s.awa.organizer,
        uuid::Uuid::new_v4().simple(),
        s.awa.uid
    );
    s.dovecot.deliver(broken.as_bytes()).await;
    let mut stored = Vec::new();
    for _ in 0..300 {
        stored = s.stored_messages().await;
        if !stored.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!((stored.len(), stored[0].outcome.as_str()), (1, "unreadable"));
    assert_eq!(s.awa_answer().await["response"], "none");
    let flags = s.dovecot.flags().await;
    assert_eq!(flags.len(), 1, "never deleted");
    assert!(!is_done(&flags[0].1), "left for a person: {flags:?}");
    let (admin, _) = s.app.browser_as("admin").await;
    let page = admin
        .get_in("/admin/inbound", "en")
        .await
        .text()
        .await
        .expect("admin page");
    assert!(
        texts(&page, "td.reason").join(" ").contains("could not be read"),
        "{page}"
    );
}
