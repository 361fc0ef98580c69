//! Moving an event asks again (CALENDAR-MAIL §17): the update carries `PARTSTAT=NEEDS-ACTION`,
//! earlier answers are kept "to reconfirm", and a calendar reply to the earlier SEQUENCE stays one.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::texts;
use crate::inbound::{Story, story};
use crate::mailbox::{Delivered, wait_for_files};
use crate::reply_shapes::{self, Answer, Received};

/// The ATTENDEE line of a calendar message, unfolded.
fn attendee_line(mail: &Delivered) -> String {
    icalendar::parser::unfold(&mail.calendar)
        .lines()
        .find(|l| l.starts_with("ATTENDEE"))
        .unwrap_or_default()
        .to_string()
}

impl Story {
    async fn patch_event(&self, body: Value) {
        let path = format!("/api/v1/events/{}", self.campaign.event_id);
        let response = self
            .app
            .api(Method::PATCH, &path, Some(&self.campaign.token))
            .json(&body)
            .send()
            .await
            .expect("PATCH");
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "{}",
            response.text().await.unwrap_or_default()
        );
    }

    /// Moves the workshop two days later and returns the update Awa's calendar received.
    async fn move_two_days_later(&self) -> Delivered {
        self.patch_event(json!({"starts_at": "2030-06-12T09:00:00+00:00", "ends_at": "2030-06-12T17:00:00+00:00"}))
            .await;
        let mails = wait_for_files(&self.app.outbox_dir(), 4).await;
        mails
            .into_iter()
            .find(|m| m.to == "awa.coulibaly@example.org" && m.event_property("SEQUENCE") == ["1"])
            .expect("Awa's update")
    }

    async fn answer_on_the_web(&self, response: &str) {
        let invitee = self.app.new_browser();
        let answered = invitee
            .submit(
                &self.awa_rsvp,
                &self.awa_rsvp,
                &[("response", response), ("comment", "")],
            )
            .await;
        assert_eq!(answered.status(), StatusCode::SEE_OTHER);
    }

    async fn answer_page(&self) -> String {
        self.app
            .new_browser()
            .get(&self.awa_rsvp)
            .await
            .text()
            .await
            .expect("answer page")
    }

    fn reconfirm_cells(page: &str) -> String {
        texts(page, "table.guests .to-reconfirm").join(" | ")
    }
}

#[tokio::test]
async fn a_move_asks_again_keeps_the_earlier_answer_to_reconfirm_and_answering_again_clears_it() {
    let Some(s) = story().await else { return };
    s.answer_on_the_web("accepted").await;
    let before = s.awa_answer().await;
    assert_eq!(
        (
            before["answer_to_reconfirm"].as_bool(),
            before["answered_sequence"].as_i64()
        ),
        (Some(false), Some(0))
    );

    let update = s.move_two_days_later().await;
    // RFC 6638 §3.2.8: a new time resets participation, so her calendar asks her again.
    let attendee = attendee_line(&update);
    assert!(attendee.contains("PARTSTAT=NEEDS-ACTION;RSVP=TRUE"), "{attendee}");
    assert_eq!(update.event_property("DTSTART"), ["20300612T090000Z"]);

    let awa = s.awa_answer().await;
    assert_eq!(awa["response"], "accepted", "the earlier answer is kept: {awa}");
    assert_eq!(awa["answer_to_reconfirm"], true, "{awa}");
    assert_eq!(awa["answered_sequence"], 0, "{awa}");
    let event_page = s.event_page().await;
    assert_eq!(
        Story::reconfirm_cells(&event_page),
        "accepted the earlier date — to reconfirm"
    );

    // Awa reads French: the page says what moved, from when to when, and asks again.
    let page = s.answer_page().await;
    let moved = texts(&page, "p.moved").join(" | ");
    assert!(
        moved.contains("La date a changé") && moved.contains("10 juin 2030") && moved.contains("12 juin 2030"),
        "{moved}"
    );
    let (old_at, new_at) = (moved.find("10 juin").unwrap(), moved.find("12 juin").unwrap());
    assert!(old_at < new_at, "old → new: {moved}");
    let ask = texts(&page, "#to-reconfirm").join(" ");
    assert!(ask.contains("ancienne date"), "asked again: {ask}");

    // Answering again on the web reconfirms.
    s.answer_on_the_web("accepted").await;
    let awa = s.awa_answer().await;
    assert_eq!(
        (awa["answer_to_reconfirm"].as_bool(), awa["answered_sequence"].as_i64()),
        (Some(false), Some(1)),
        "{awa}"
    );
    assert_eq!(Story::reconfirm_cells(&s.event_page().await), "");
    assert!(texts(&s.answer_page().await, "#to-reconfirm").is_empty());
}

#[tokio::test]
async fn a_calendar_reply_to_the_earlier_sequence_after_a_move_stays_to_reconfirm() {
    let Some(s) = story().await else { return };
    let update = s.move_two_days_later().await;
    let after_move = Received::from(&update);
    assert_eq!((s.awa.sequence.as_str(), after_move.sequence.as_str()), ("0", "1"));

    // Her calendar answers the invitation it had (SEQUENCE 0), after the move was sent.
    let earlier = reply_shapes::thunderbird(&s.awa, &Answer::reply(&s.awa, "ACCEPTED"));
    s.deliver_and_wait(earlier, 1).await;
    let awa = s.awa_answer().await;
    assert_eq!(
        (
            awa["response"].as_str(),
            awa["responded_via"].as_str(),
            awa["answer_to_reconfirm"].as_bool(),
            awa["answered_sequence"].as_i64()
        ),
        (Some("accepted"), Some("calendar_app"), Some(true), Some(0)),
        "recorded as an answer to the earlier date, not a reconfirmation: {awa}"
    );
    assert_eq!(
        Story::reconfirm_cells(&s.event_page().await),
        "accepted the earlier date — to reconfirm"
    );
    let stored = s.stored_messages().await;
    assert_eq!(
        (stored[0].outcome.as_str(), stored[0].reason.as_str()),
        ("applied", "inbound.reason.earlier_date")
    );

    // The answer to the update (SEQUENCE 1) reconfirms.
    let current = reply_shapes::outlook(&after_move, &Answer::reply(&after_move, "DECLINED"));
    s.deliver_and_wait(current, 2).await;
    let awa = s.awa_answer().await;
    assert_eq!(
        (
            awa["response"].as_str(),
            awa["answer_to_reconfirm"].as_bool(),
            awa["answered_sequence"].as_i64()
        ),
        (Some("declined"), Some(false), Some(1)),
        "{awa}"
    );

    // A late copy of an answer to the earlier date no longer changes the reconfirmed answer.
    let late = reply_shapes::gmail(&s.awa, &Answer::reply(&s.awa, "ACCEPTED"), "Oui");
    s.deliver_and_wait(late, 3).await;
    let awa = s.awa_answer().await;
    assert_eq!(
        (awa["response"].as_str(), awa["answer_to_reconfirm"].as_bool()),
        (Some("declined"), Some(false)),
        "{awa}"
    );
    let stored = s.stored_messages().await;
    assert_eq!(stored.len(), 3);
    assert_eq!(
        (stored[2].outcome.as_str(), stored[2].reason.as_str()),
        ("stale", "inbound.reason.earlier_date_superseded")
    );
}

#[tokio::test]
async fn another_room_in_the_same_town_is_an_update_that_keeps_the_answer() {
    let Some(s) = story().await else { return };
    s.answer_on_the_web("tentative").await;
    let venue = s
        .app
        .api_ok(
            Method::POST,
            "/api/v1/venues",
            &s.campaign.token,
            json!({"name": "Maison des jeunes", "address": "Rue 3", "town": "Kayes", "region": "Kayes"}),
        )
        .await;
    s.patch_event(json!({"venue_id": venue["id"]})).await;
    let mails = wait_for_files(&s.app.outbox_dir(), 4).await;
    let update = mails
        .iter()
        .find(|m| m.to == "awa.coulibaly@example.org" && m.event_property("SEQUENCE") == ["1"])
        .expect("Awa's update");
    let attendee = attendee_line(update);
    assert!(attendee.contains("PARTSTAT=TENTATIVE"), "{attendee}");
    assert_eq!(s.awa_answer().await["answer_to_reconfirm"], false);
    assert!(texts(&s.answer_page().await, "#to-reconfirm").is_empty());

    // Another town asks again, and the answer page names both places.
    let elsewhere = s
        .app
        .api_ok(
            Method::POST,
            "/api/v1/venues",
            &s.campaign.token,
            json!({"name": "Centre culturel", "address": "Avenue de l'Indépendance", "town": "Bamako"}),
        )
        .await;
    s.patch_event(json!({"venue_id": elsewhere["id"]})).await;
    assert_eq!(s.awa_answer().await["answer_to_reconfirm"], true);
    let moved = texts(&s.answer_page().await, "p.moved").join(" | ");
    assert!(
        moved.contains("Le lieu a changé") && moved.contains("Maison des jeunes") && moved.contains("Bamako"),
        "{moved}"
    );
}
