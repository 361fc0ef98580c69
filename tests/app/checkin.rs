//! Check-in on the event day: by list, by QR code, walk-ins, headcount grid, offline marks, paper sheets.

use entity::{attendance, attendance_mark};
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::{TestApp, fixture, location, spawn_app, texts};

/// A scheduled workshop in Kayes whose guest list is the first `guests` actors of the fixture.
pub struct EventDay {
    pub token: String,
    pub event_id: i64,
    /// Invitation id and the guest's name, in guest-list order.
    pub guests: Vec<(i64, String)>,
}

pub async fn event_day(app: &TestApp, guests: usize, title: &str) -> EventDay {
    let token = app.api_token_for("organizer").await;
    let lines: Vec<String> = fixture("actors.csv")
        .lines()
        .take(guests + 1)
        .map(str::to_string)
        .collect();
    let imported = app.import_csv(&token, &(lines.join("\n") + "\n")).await;
    assert!(imported.status().is_success(), "{}", imported.text().await.unwrap());
    event_for_all_actors(app, &token, title).await
}

/// A new scheduled event inviting every actor of the directory.
pub async fn event_for_all_actors(app: &TestApp, token: &str, title: &str) -> EventDay {
    let post = |path: String, body: Value| {
        let request = app.api(Method::POST, &path, Some(token)).json(&body);
        async move {
            let response = request.send().await.unwrap();
            assert!(
                response.status().is_success(),
                "{path}: {}",
                response.text().await.unwrap()
            );
            response.json::<Value>().await.unwrap()
        }
    };
    let venue = post(
        "/api/v1/venues".into(),
        json!({"name": "Centre Djoliba", "region": "Kayes", "town": "Kayes"}),
    )
    .await;
    let event = post(
        "/api/v1/events".into(),
        json!({"kind": "dissemination_workshop", "title": title, "venue_id": venue["id"],
        "starts_at": "2030-06-10T09:00:00+00:00", "ends_at": "2030-06-10T17:00:00+00:00", "women_target_percent": 30}),
    )
    .await;
    let event_id = event["id"].as_i64().unwrap();
    post(format!("/api/v1/events/{event_id}/schedule"), json!({})).await;
    post(format!("/api/v1/events/{event_id}/invitations"), json!({"filter": {}})).await;
    let mut guests = Vec::new();
    let mut page = 1;
    loop {
        let listed: Value = app
            .api(
                Method::GET,
                &format!("/api/v1/events/{event_id}/invitations?per_page=200&page={page}"),
                Some(token),
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let items = listed["items"].as_array().unwrap();
        for item in items {
            guests.push((item["id"].as_i64().unwrap(), item["actor_id"].as_i64().unwrap()));
        }
        if items.len() < 200 {
            break;
        }
        page += 1;
    }
    let mut named = Vec::new();
    for (invitation, actor) in guests {
        let actor: Value = app
            .api(Method::GET, &format!("/api/v1/actors/{actor}"), Some(token))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        named.push((invitation, actor["full_name"].as_str().unwrap().to_string()));
    }
    EventDay {
        token: token.to_string(),
        event_id,
        guests: named,
    }
}

pub async fn mark(app: &TestApp, day: &EventDay, body: Value) -> reqwest::Response {
    app.api(
        Method::POST,
        &format!("/api/v1/events/{}/attendance", day.event_id),
        Some(&day.token),
    )
    .json(&body)
    .send()
    .await
    .unwrap()
}

async fn stored_for(app: &TestApp, event_id: i64) -> Vec<attendance::Model> {
    attendance::Entity::find()
        .filter(attendance::Column::EventId.eq(event_id as i32))
        .all(&app.db)
        .await
        .unwrap()
}

/// The check-in code of a guest, read from the printed letter as the door would scan it.
async fn code_on_letter(app: &TestApp, event_id: i64, invitation_id: i64) -> String {
    let letters = app
        .get(&format!("/events/{event_id}/letters?ids={invitation_id}"))
        .await
        .text()
        .await
        .unwrap();
    let codes = texts(&letters, ".checkin-code");
    assert_eq!(codes.len(), 1, "the letter carries one entrance code");
    assert!(letters.contains("<svg"), "and QR codes");
    codes[0].clone()
}

#[tokio::test]
async fn checking_in_twice_by_list_and_by_qr_counts_one_person_and_undo_removes_the_mark() {
    let app = spawn_app().await;
    let day = event_day(&app, 6, "Restitution à Kayes").await;
    app.login_as("organizer").await;
    let (awa, name) = day.guests[0].clone();
    let list = format!("/events/{}/checkin", day.event_id);

    let page = app.get(&list).await.text().await.unwrap();
    assert!(
        texts(&page, "#roster li strong").contains(&name),
        "{name} is on the door's list"
    );
    let marked = app.submit(&list, &format!("{list}/guests/{awa}"), &[]).await;
    assert_eq!(marked.status(), StatusCode::SEE_OTHER);

    // The same guest arrives again, with the QR code of her letter.
    let code = code_on_letter(&app, day.event_id, awa).await;
    let scanned = app.get(&format!("/checkin/{code}")).await;
    assert_eq!(scanned.status(), StatusCode::OK);
    let confirmation = scanned.text().await.unwrap();
    assert_eq!(texts(&confirmation, ".guest-name"), [name.as_str()]);
    assert_eq!(
        texts(&confirmation, "#already").len(),
        1,
        "the page says she is already in"
    );
    let confirmed = app
        .submit(
            &format!("/checkin/{code}"),
            &format!("/checkin/{code}"),
            &[("event_id", &day.event_id.to_string())],
        )
        .await;
    assert_eq!(confirmed.status(), StatusCode::SEE_OTHER);
    let by_api = mark(&app, &day, json!({"checkin_code": code, "client_id": "qr-1"})).await;
    assert_eq!(by_api.status(), StatusCode::CREATED);
    let body: Value = by_api.json().await.unwrap();
    assert_eq!(
        (body["already_present"].as_bool(), body["present"].as_i64()),
        (Some(true), Some(1))
    );

    let stored = stored_for(&app, day.event_id).await;
    assert_eq!(stored.len(), 1, "one person, however many marks");
    assert_eq!((stored[0].invitation_id, stored[0].people), (Some(awa as i32), 1));
    assert_eq!(stored[0].method, "list", "the first mark is the one kept");
    let page = app.get(&list).await.text().await.unwrap();
    assert_eq!(texts(&page, "#present-count"), ["1"]);
    assert_eq!(texts(&page, "#roster li.present strong"), [name.as_str()]);

    let undone = app
        .submit(&list, &format!("{list}/guests/{awa}"), &[("undo", "1")])
        .await;
    assert_eq!(undone.status(), StatusCode::SEE_OTHER);
    assert!(stored_for(&app, day.event_id).await.is_empty(), "undo removes the mark");
    let page = app.get(&list).await.text().await.unwrap();
    assert_eq!(texts(&page, "#present-count"), ["0"]);
    assert!(texts(&page, "#roster li.present").is_empty());
}

#[tokio::test]
async fn the_same_offline_mark_sent_three_times_is_stored_once() {
    let app = spawn_app().await;
    let day = event_day(&app, 4, "Restitution à Kayes").await;
    let (guest, _) = day.guests[1].clone();
    let client_id = uuid::Uuid::new_v4().to_string();
    let walk_in_id = uuid::Uuid::new_v4().to_string();
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(
            mark(&app, &day, json!({"client_id": client_id, "invitation_id": guest}))
                .await
                .status(),
        );
        let walk_in = json!({"client_id": walk_in_id, "walk_in": {"gender": "female", "age_group": "youth",
            "category": "youth_organization", "region": "Kayes"}});
        statuses.push(mark(&app, &day, walk_in).await.status());
    }
    assert_eq!(
        statuses,
        [
            StatusCode::CREATED,
            StatusCode::CREATED,
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::OK
        ],
        "the first copy is recorded, the resent ones recognised"
    );
    let stored = stored_for(&app, day.event_id).await;
    assert_eq!(stored.len(), 2, "one guest and one walk-in");
    let marks = attendance_mark::Entity::find()
        .filter(attendance_mark::Column::EventId.eq(day.event_id as i32))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(marks, 2);

    // An undo sent while offline, then resent: the guest is out once, and a stale copy of the
    // first mark arriving late does not bring her back.
    let undo_id = uuid::Uuid::new_v4().to_string();
    for _ in 0..2 {
        let undo = mark(
            &app,
            &day,
            json!({"client_id": undo_id, "invitation_id": guest, "undo": true}),
        )
        .await;
        assert!(undo.status().is_success());
    }
    let late = mark(&app, &day, json!({"client_id": client_id, "invitation_id": guest})).await;
    assert_eq!(late.status(), StatusCode::OK);
    let stored = stored_for(&app, day.event_id).await;
    assert_eq!(stored.len(), 1, "only the walk-in is left");
    assert_eq!(stored[0].invitation_id, None);

    // The check-in page's own endpoint (session + CSRF header) shares the same rule.
    app.login_as("organizer").await;
    let list = format!("/events/{}/checkin", day.event_id);
    let csrf = app.csrf_token(&list).await;
    let page_mark = json!({"client_id": "page-1", "invitation_id": day.guests[2].0});
    for expected in [StatusCode::CREATED, StatusCode::OK, StatusCode::OK] {
        let response = app.post_json(&format!("{list}/marks"), &csrf, &page_mark).await;
        assert_eq!(response.status(), expected);
    }
    assert_eq!(stored_for(&app, day.event_id).await.len(), 2);
}

#[tokio::test]
async fn a_qr_code_without_a_session_leads_to_login_and_a_code_for_another_event_is_refused() {
    let app = spawn_app().await;
    let kayes = event_day(&app, 3, "Restitution à Kayes").await;
    let segou = event_for_all_actors(&app, &kayes.token, "Restitution à Ségou").await;
    app.login_as("organizer").await;
    let (guest_of_segou, _) = segou.guests[0];
    let code = code_on_letter(&app, segou.event_id, guest_of_segou).await;

    // A phone without a session: sign-in first, and nothing is recorded.
    let stranger = app.new_browser();
    let scanned = stranger.get(&format!("/checkin/{code}")).await;
    assert_eq!(scanned.status(), StatusCode::SEE_OTHER);
    assert!(
        location(&scanned).starts_with("/login?next=%2Fcheckin%2F"),
        "{}",
        location(&scanned)
    );
    let posted = stranger
        .post_form(
            &format!("/checkin/{code}"),
            &[("event_id", &segou.event_id.to_string())],
        )
        .await;
    assert!(posted.status().is_client_error() || posted.status().is_redirection());
    // Signed in without the organizer role, the code reveals nothing either.
    let (viewer, _) = app.browser_as("viewer").await;
    let seen = viewer.get(&format!("/checkin/{code}")).await;
    assert_eq!(seen.status(), StatusCode::FORBIDDEN);
    assert!(!seen.text().await.unwrap().contains(&segou.guests[0].1));
    assert_eq!(app.count(attendance::Entity).await, 0);

    // At the Kayes door, a Ségou invitation is refused: on the scan page, the event's form and the API.
    app.get(&format!("/events/{}/checkin", kayes.event_id)).await;
    let scanned = app.get(&format!("/checkin/{code}")).await;
    assert_eq!(scanned.status(), StatusCode::CONFLICT);
    let page = scanned.text().await.unwrap();
    assert_eq!(texts(&page, "#other-event").len(), 1);
    assert!(
        texts(&page, "form button[type=submit].big").is_empty(),
        "no confirm button"
    );
    let list = format!("/events/{}/checkin", kayes.event_id);
    let typed = app.submit(&list, &format!("{list}/code"), &[("code", &code)]).await;
    assert_eq!(typed.status(), StatusCode::SEE_OTHER);
    let after = app.get(&list).await.text().await.unwrap();
    assert!(
        texts(&after, ".flash-error")[0].contains("autre événement"),
        "{:?}",
        texts(&after, ".flash")
    );
    let refused = mark(&app, &kayes, json!({"checkin_code": code})).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = refused.json().await.unwrap();
    assert!(body["error"]["fields"]["checkin_code"].is_string(), "{body}");
    let forged = mark(
        &app,
        &kayes,
        json!({"checkin_code": format!("{}x", &code[..code.len() - 1])}),
    )
    .await;
    assert_eq!(forged.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count(attendance::Entity).await, 0, "nothing recorded");

    // At the Ségou door the same code works.
    let ok = mark(&app, &segou, json!({"checkin_code": code})).await;
    assert_eq!(ok.status(), StatusCode::CREATED);
    assert_eq!(stored_for(&app, segou.event_id).await[0].method, "qr");
}

#[tokio::test]
async fn walk_ins_and_a_headcount_grid_are_added_with_their_disaggregation() {
    let app = spawn_app().await;
    let day = event_day(&app, 2, "Restitution à Kayes").await;
    app.login_as("organizer").await;
    let list = format!("/events/{}/checkin", day.event_id);

    let added = app
        .submit(
            &list,
            &format!("{list}/walk-in"),
            &[
                ("full_name", ""),
                ("gender", "female"),
                ("age_group", "youth"),
                ("category", "youth_organization"),
                ("region", "Kayes"),
                ("organization", ""),
            ],
        )
        .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let refused = app
        .submit(
            &list,
            &format!("{list}/walk-in"),
            &[("gender", "femme"), ("age_group", "youth"), ("category", "")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert_eq!(
        texts(&page, "#walk-in .field-error").len(),
        2,
        "gender and category are named"
    );

    // 40 people counted in the grid: 25 women adults of civil society, 15 young men of youth associations.
    let grid = format!("{list}/headcount");
    let counted = app
        .submit(
            &grid,
            &grid,
            &[
                ("region", "Kayes"),
                ("client_id", "grid-1"),
                ("c.civil_society.female.adult", "25"),
                ("c.youth_organization.male.youth", "15"),
                ("c.media.female.youth", ""),
            ],
        )
        .await;
    assert_eq!(counted.status(), StatusCode::SEE_OTHER);
    let again = app
        .submit(
            &grid,
            &grid,
            &[("client_id", "grid-1"), ("c.civil_society.female.adult", "25")],
        )
        .await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER, "a resent grid is accepted…");
    let bad = app
        .submit(
            &grid,
            &grid,
            &[
                ("c.civil_society.female.adult", "-3"),
                ("c.media.male.adult", "beaucoup"),
            ],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let stored = stored_for(&app, day.event_id).await;
    let people: i32 = stored.iter().map(|a| a.people).sum();
    assert_eq!(people, 41, "…but counted once: 1 walk-in and 40 in the grid");
    let cell = |category: &str, gender: &str, age: &str| {
        stored
            .iter()
            .filter(|a| a.category == category && a.gender == gender && a.age_group == age)
            .map(|a| a.people)
            .sum::<i32>()
    };
    assert_eq!(cell("civil_society", "female", "adult"), 25);
    assert_eq!(cell("youth_organization", "male", "youth"), 15);
    assert_eq!(cell("youth_organization", "female", "youth"), 1);
    assert!(stored.iter().all(|a| a.region == "Kayes"));
    let page = app.get(&list).await.text().await.unwrap();
    assert_eq!(texts(&page, "#present-count"), ["41"]);
}

#[tokio::test]
async fn a_paper_sign_in_sheet_is_printed_and_typed_back_all_or_nothing() {
    let app = spawn_app().await;
    let day = event_day(&app, 5, "Restitution à Kayes").await;
    app.login_as("organizer").await;
    let sheet = app
        .get(&format!("/events/{}/checkin/sheet?blank=10", day.event_id))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        texts(&sheet, "table.sheet tbody tr").len(),
        15,
        "5 guests and 10 blank lines"
    );
    let names = texts(&sheet, "table.sheet tbody tr td:nth-child(2)");
    for (_, name) in &day.guests {
        assert!(names.contains(name), "{name} is pre-filled");
    }
    assert!(texts(&sheet, "table.sheet thead th").iter().any(|h| h == "Signature"));

    let paper = format!("/events/{}/checkin/paper", day.event_id);
    let (first, second) = (day.guests[0].0.to_string(), day.guests[3].0.to_string());
    // Line 7 lacks its gender: the whole sheet is refused and nothing is stored.
    let refused = app
        .submit(
            &paper,
            &paper,
            &[
                ("signed", &first),
                ("signed", &second),
                ("r.6.full_name", "Fatoumata Sidibé"),
                ("r.6.gender", "female"),
                ("r.6.age_group", "adult"),
                ("r.6.category", "women_organization"),
                ("r.6.region", "Kayes"),
                ("r.7.full_name", "Oumar Touré"),
                ("r.7.age_group", "elder"),
                ("r.7.category", "religious_authority"),
                ("r.8.full_name", ""),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert_eq!(texts(&page, "#row-7 .field-error").len(), 1, "line 7's gender is named");
    assert!(page.contains("Fatoumata Sidibé"), "what was typed is kept");
    assert_eq!(app.count(attendance::Entity).await, 0);

    let saved = app
        .submit(
            &paper,
            &paper,
            &[
                ("signed", &first),
                ("signed", &second),
                ("r.6.full_name", "Fatoumata Sidibé"),
                ("r.6.gender", "female"),
                ("r.6.age_group", "adult"),
                ("r.6.category", "women_organization"),
                ("r.7.full_name", "Oumar Touré"),
                ("r.7.gender", "male"),
                ("r.7.age_group", "elder"),
                ("r.7.category", "religious_authority"),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let stored = stored_for(&app, day.event_id).await;
    assert_eq!(stored.len(), 4);
    assert!(stored.iter().all(|a| a.method == "paper"));
    assert!(
        stored
            .iter()
            .any(|a| a.full_name == "Oumar Touré" && a.gender == "male" && a.invitation_id.is_none())
    );
}

#[tokio::test]
async fn check_in_is_for_organizers_of_scheduled_events() {
    let app = spawn_app().await;
    let day = event_day(&app, 2, "Restitution à Kayes").await;
    let rapporteur = app.api_token_for("rapporteur").await;
    let response = app
        .api(
            Method::POST,
            &format!("/api/v1/events/{}/attendance", day.event_id),
            Some(&rapporteur),
        )
        .json(&json!({"invitation_id": day.guests[0].0}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let cancelled = app
        .api(
            Method::POST,
            &format!("/api/v1/events/{}/cancel", day.event_id),
            Some(&day.token),
        )
        .send()
        .await
        .unwrap();
    assert!(cancelled.status().is_success());
    let closed = mark(&app, &day, json!({"invitation_id": day.guests[0].0})).await;
    assert_eq!(closed.status(), StatusCode::CONFLICT);
    let both = mark(&app, &day, json!({"invitation_id": 1, "walk_in": {"gender": "male"}})).await;
    assert_eq!(both.status(), StatusCode::CONFLICT, "a closed event is checked first");
    assert_eq!(app.count(attendance::Entity).await, 0);
}
