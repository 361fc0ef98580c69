//! Attendance statistics: breakdowns, totals, small-cell suppression, charts and exports.

use std::io::Cursor;

use calamine::{Data, DataType, Reader, Xlsx};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, texts};

/// An organizer's API calls, as a check-in phone or a script makes them.
struct Organizer<'a> {
    app: &'a TestApp,
    token: String,
}

impl<'a> Organizer<'a> {
    async fn new(app: &'a TestApp) -> Organizer<'a> {
        Organizer {
            app,
            token: app.api_token_for("organizer").await,
        }
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        let response = self
            .app
            .api(Method::POST, path, Some(&self.token))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.text().await.unwrap()
        );
        response.json().await.unwrap()
    }

    async fn get(&self, path: &str) -> Value {
        let response = self.app.api(Method::GET, path, Some(&self.token)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        response.json().await.unwrap()
    }

    /// A scheduled workshop at a new venue of `region`.
    async fn workshop(&self, title: &str, region: &str, day: &str, report_id: Option<i64>) -> i64 {
        let venue = self
            .post(
                "/api/v1/venues",
                json!({"name": format!("Salle de {region}"), "region": region, "town": region}),
            )
            .await;
        let event = self
            .post(
                "/api/v1/events",
                json!({"kind": "dissemination_workshop", "title": title, "venue_id": venue["id"], "report_id": report_id,
                "starts_at": format!("{day}T09:00:00+00:00"), "ends_at": format!("{day}T17:00:00+00:00"),
                "women_target_percent": 40}),
            )
            .await;
        let id = event["id"].as_i64().unwrap();
        self.post(&format!("/api/v1/events/{id}/schedule"), json!({})).await;
        id
    }

    /// Invites new actors of these (category, gender, age group) and returns their invitation ids.
    async fn invite(&self, event_id: i64, people: &[(&str, &str, &str)]) -> Vec<i64> {
        let mut actor_ids = Vec::new();
        for (i, (category, gender, age_group)) in people.iter().enumerate() {
            let actor = self
                .post(
                    "/api/v1/actors",
                    json!({"full_name": format!("Invitée {event_id}-{i}"), "category": category, "gender": gender,
                    "age_group": age_group, "region": "Kayes", "town": "Kayes"}),
                )
                .await;
            actor_ids.push(actor["id"].as_i64().unwrap());
        }
        self.post(
            &format!("/api/v1/events/{event_id}/invitations"),
            json!({"actor_ids": actor_ids}),
        )
        .await;
        let listed = self
            .get(&format!("/api/v1/events/{event_id}/invitations?per_page=200"))
            .await;
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect()
    }

    /// Sends one check-in mark; 201 when recorded, 200 when its client id was seen before.
    async fn mark(&self, event_id: i64, client_id: &str, mark: Value) -> StatusCode {
        let mut body = mark;
        body["client_id"] = json!(client_id);
        let response = self
            .app
            .api(
                Method::POST,
                &format!("/api/v1/events/{event_id}/attendance"),
                Some(&self.token),
            )
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        assert!(status.is_success(), "{}", response.text().await.unwrap());
        status
    }

    async fn present(&self, event_id: i64, invitation_id: i64) {
        let status = self
            .mark(event_id, &new_id(), json!({"invitation_id": invitation_id}))
            .await;
        assert_eq!(status, StatusCode::CREATED);
    }

    async fn walk_in(&self, event_id: i64, gender: &str, age_group: &str, category: &str, region: &str) {
        let walk_in = json!({"walk_in": {"full_name": null, "organization": "", "gender": gender,
            "age_group": age_group, "category": category, "region": region}});
        assert_eq!(self.mark(event_id, &new_id(), walk_in).await, StatusCode::CREATED);
    }

    /// A headcount grid of (category, gender, age group, count) cells.
    async fn headcount(
        &self,
        event_id: i64,
        client_id: &str,
        region: &str,
        cells: &[(&str, &str, &str, i64)],
    ) -> StatusCode {
        let cells: Vec<Value> = cells
            .iter()
            .map(|(category, gender, age_group, count)| {
                json!({"category": category, "gender": gender, "age_group": age_group, "count": count})
            })
            .collect();
        self.mark(
            event_id,
            client_id,
            json!({"headcount": {"region": region, "cells": cells}}),
        )
        .await
    }
}

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn n(value: &Value) -> i64 {
    value.as_i64().unwrap_or_else(|| panic!("{value} is an exact count"))
}

fn sum(breakdown: &Value) -> i64 {
    breakdown.as_object().unwrap().values().map(n).sum()
}

/// Every breakdown of an exact summary adds up to its total.
fn assert_adds_up(s: &Value) {
    let present = n(&s["present"]);
    for key in ["by_gender", "by_age_group", "by_category", "by_region"] {
        assert_eq!(sum(&s[key]), present, "{key} adds up to the people present: {s}");
    }
    assert_eq!(n(&s["invited_present"]) + n(&s["walk_ins"]), present, "{s}");
    for key in ["invited_by_gender", "invited_by_category"] {
        assert_eq!(sum(&s[key]), n(&s["invited"]), "{key} adds up to the invited: {s}");
    }
    assert_eq!(
        s["by_category"].as_object().unwrap().len(),
        12,
        "every category is listed"
    );
    assert_eq!(
        s["by_age_group"].as_object().unwrap().len(),
        4,
        "every age group is listed"
    );
}

/// The figure of one row of a breakdown table on a page.
fn cell(html: &str, table: &str, key: &str) -> Vec<String> {
    texts(html, &format!("#table-{table} tr[data-key=\"{key}\"] td"))
}

#[tokio::test]
async fn a_headcount_grid_of_forty_adds_exactly_forty_to_the_right_cells() {
    let app = spawn_app().await;
    let org = Organizer::new(&app).await;
    let event = org.workshop("Restitution à Kayes", "Kayes", "2030-06-10", None).await;
    org.walk_in(event, "female", "youth", "youth_organization", "Kayes")
        .await;
    let path = format!("/api/v1/events/{event}/attendance/summary");
    let before = org.get(&path).await;

    let grid = [
        ("civil_society", "female", "adult", 7),
        ("civil_society", "male", "adult", 13),
        ("youth_organization", "female", "youth", 12),
        ("religious_authority", "male", "elder", 8),
    ];
    let client_id = new_id();
    assert_eq!(
        org.headcount(event, &client_id, "Ségou", &grid).await,
        StatusCode::CREATED
    );
    // The phone resends the same grid after losing the connection: nothing more is counted.
    assert_eq!(org.headcount(event, &client_id, "Ségou", &grid).await, StatusCode::OK);

    let after = org.get(&path).await;
    let added = |key: &str, cell: &str| n(&after[key][cell]) - n(&before[key][cell]);
    assert_eq!(n(&after["present"]) - n(&before["present"]), 40);
    assert_eq!(n(&after["walk_ins"]) - n(&before["walk_ins"]), 40);
    assert_eq!(n(&after["invited_present"]), 0);
    assert_eq!(
        [
            added("by_gender", "female"),
            added("by_gender", "male"),
            added("by_gender", "unspecified")
        ],
        [19, 21, 0]
    );
    assert_eq!(
        [
            added("by_age_group", "youth"),
            added("by_age_group", "adult"),
            added("by_age_group", "elder"),
            added("by_age_group", "unspecified")
        ],
        [12, 20, 8, 0]
    );
    assert_eq!(
        [
            added("by_category", "civil_society"),
            added("by_category", "youth_organization"),
            added("by_category", "religious_authority"),
            added("by_category", "media")
        ],
        [20, 12, 8, 0]
    );
    assert_eq!(n(&after["by_region"]["Ségou"]), 40);
    assert_eq!(n(&after["by_region"]["Kayes"]), 1);
    assert_adds_up(&after);

    let (browser, _) = app.browser_as("organizer").await;
    let page = browser.get(&format!("/events/{event}/attendance/stats")).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert_eq!(texts(&html, "#key-figures [data-key=present] dd"), ["41"]);
    assert_eq!(texts(&html, "#key-figures [data-key=walk_ins] dd"), ["41"]);
    assert_eq!(cell(&html, "category", "civil_society"), ["20"]);
    assert_eq!(cell(&html, "category", "youth_organization"), ["13"]);
    assert_eq!(cell(&html, "category", "religious_authority"), ["8"]);
    assert_eq!(cell(&html, "gender", "female"), ["20"]);
    assert_eq!(cell(&html, "age_group", "elder"), ["8"]);
    assert_eq!(cell(&html, "region", "Ségou"), ["40"]);
    assert_eq!(cell(&html, "gender", "total"), ["41"]);
}

#[tokio::test]
async fn every_breakdown_adds_up_to_its_total_for_one_event_and_across_events() {
    let app = spawn_app().await;
    let org = Organizer::new(&app).await;
    let kayes = org.workshop("Restitution à Kayes", "Kayes", "2030-03-10", None).await;
    let sikasso = org
        .workshop("Restitution à Sikasso", "Sikasso", "2030-04-10", None)
        .await;
    let guests = org
        .invite(
            kayes,
            &[
                ("women_organization", "female", "adult"),
                ("defense_security_forces", "male", "adult"),
                ("religious_authority", "male", "elder"),
                ("youth_organization", "unspecified", "youth"),
                ("media", "female", "unspecified"),
            ],
        )
        .await;
    for guest in &guests[..4] {
        org.present(kayes, *guest).await;
    }
    org.walk_in(kayes, "female", "youth", "youth_organization", "Kayes")
        .await;
    org.walk_in(kayes, "male", "elder", "traditional_authority", "").await;
    org.walk_in(kayes, "unspecified", "unspecified", "other", "kayes").await;
    org.headcount(kayes, &new_id(), "", &[("civil_society", "female", "adult", 9)])
        .await;
    let invited_in_sikasso = org.invite(sikasso, &[("researcher", "female", "adult")]).await;
    org.present(sikasso, invited_in_sikasso[0]).await;
    org.headcount(
        sikasso,
        &new_id(),
        "Sikasso",
        &[
            ("women_organization", "female", "adult", 11),
            ("political_authority", "male", "elder", 6),
        ],
    )
    .await;

    let one = org.get(&format!("/api/v1/events/{kayes}/attendance/summary")).await;
    assert_adds_up(&one);
    assert_eq!(
        (
            n(&one["invited"]),
            n(&one["present"]),
            n(&one["invited_present"]),
            n(&one["walk_ins"])
        ),
        (5, 16, 4, 12)
    );
    // Guests bring their directory region; "Kayes" and "kayes" are one region; no region is counted apart.
    assert_eq!(n(&one["by_region"]["Kayes"]), 6);
    assert_eq!(n(&one["by_region"][""]), 10);
    assert_eq!(n(&one["invited_by_category"]["media"]), 1);

    let across = org.get("/api/v1/attendance/summary").await;
    let total = &across["summary"];
    assert_adds_up(total);
    assert_eq!((n(&total["present"]), n(&total["invited"])), (34, 6));
    let events = across["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["event_id"], sikasso, "latest event first");
    for (column, expected) in [
        ("present", &total["present"]),
        ("invited", &total["invited"]),
        ("walk_ins", &total["walk_ins"]),
        ("women", &total["by_gender"]["female"]),
    ] {
        assert_eq!(
            events.iter().map(|e| n(&e[column])).sum::<i64>(),
            n(expected),
            "{column}"
        );
    }

    // The page's tables add up as well, total row included.
    let (browser, _) = app.browser_as("admin").await;
    let html = browser.get("/attendance").await.text().await.unwrap();
    for table in ["gender", "age_group", "category", "region"] {
        let rows: i64 = texts(&html, &format!("#table-{table} tbody td"))
            .iter()
            .map(|t| t.parse::<i64>().unwrap())
            .sum();
        assert_eq!(rows, 34, "{table}");
        assert_eq!(texts(&html, &format!("#table-{table} tfoot td")), ["34"], "{table}");
    }
}

/// The figures with one small cell (media: 3) that takes the next smallest (women's organizations: 8) with it.
async fn event_with_small_cells(org: &Organizer<'_>) -> i64 {
    let event = org.workshop("Restitution à Kayes", "Kayes", "2030-06-10", None).await;
    org.headcount(
        event,
        &new_id(),
        "Kayes",
        &[
            ("civil_society", "female", "adult", 20),
            ("civil_society", "male", "adult", 10),
            ("women_organization", "female", "adult", 8),
            ("media", "male", "adult", 3),
        ],
    )
    .await;
    event
}

#[tokio::test]
async fn small_cells_are_hidden_in_published_figures_and_shown_exactly_to_organizers() {
    let app = spawn_app().await;
    let org = Organizer::new(&app).await;
    let event = event_with_small_cells(&org).await;
    let path = format!("/api/v1/events/{event}/attendance/summary");

    let exact = org.get(&path).await;
    assert_eq!(exact["published"], false);
    assert_eq!(
        (
            n(&exact["by_category"]["media"]),
            n(&exact["by_category"]["women_organization"])
        ),
        (3, 8)
    );

    let viewer = app.api_token_for("viewer").await;
    for (token, query) in [
        (&org.token, "?published=true"),
        (&viewer, ""),
        (&viewer, "?published=false"),
    ] {
        let response = app
            .api(Method::GET, &format!("{path}{query}"), Some(token))
            .send()
            .await
            .unwrap();
        let published: Value = response.json().await.unwrap();
        assert_eq!(published["published"], true, "{query}");
        assert_eq!(published["by_category"]["media"], "<5");
        assert_eq!(
            published["by_category"]["women_organization"], "x",
            "withheld with the small cell"
        );
        assert_eq!(published["by_category"]["civil_society"], 30);
        assert_eq!(published["by_category"]["religious_authority"], 0, "zero stays 0");
        assert_eq!(published["present"], 41);
        assert_eq!(published["by_gender"]["male"], 13);
    }

    let (viewer_browser, _) = app.browser_as("viewer").await;
    let html = viewer_browser
        .get(&format!("/events/{event}/attendance/stats"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(cell(&html, "category", "media"), ["<5"]);
    assert_eq!(cell(&html, "category", "women_organization"), ["x"]);
    assert_eq!(cell(&html, "category", "civil_society"), ["30"]);
    assert!(!texts(&html, "#published-note").is_empty());
    assert!(texts(&html, "#chart-category text").contains(&"<5".to_string()));
    assert!(!texts(&html, "#chart-category text").contains(&"3".to_string()));
    let asked_exact = viewer_browser
        .get(&format!("/events/{event}/attendance/stats?published=false"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        cell(&asked_exact, "category", "media"),
        ["<5"],
        "a viewer cannot ask for exact figures"
    );

    let (organizer, _) = app.browser_as("organizer").await;
    let html = organizer
        .get(&format!("/events/{event}/attendance/stats"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(cell(&html, "category", "media"), ["3"]);
    assert_eq!(cell(&html, "category", "women_organization"), ["8"]);
    assert!(!texts(&html, "#exact-note").is_empty());
}

#[tokio::test]
async fn exports_hide_small_cells_even_for_organizers() {
    let app = spawn_app().await;
    let org = Organizer::new(&app).await;
    let event = event_with_small_cells(&org).await;
    let (organizer, _) = app.browser_as("organizer").await;

    let csv = organizer.get(&format!("/events/{event}/attendance/stats.csv")).await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let disposition = csv.headers()["content-disposition"].to_str().unwrap().to_string();
    assert!(
        disposition.starts_with("attachment; filename=\"presence-2030-06-10-restitution-a-kayes"),
        "{disposition}"
    );
    assert!(disposition.ends_with(".csv\""), "{disposition}");
    let body = csv.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(body.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let value = |section: &str, key: &str, measure: &str| {
        rows.iter()
            .find(|r| &r[0] == section && &r[1] == key && &r[3] == measure)
            .map(|r| r[4].to_string())
            .unwrap_or_else(|| panic!("{section} {key} {measure} in {body}"))
    };
    assert_eq!(value("category", "media", "present"), "<5");
    assert_eq!(value("category", "women_organization", "present"), "x");
    assert_eq!(value("category", "civil_society", "present"), "30");
    assert_eq!(value("category", "total", "present"), "41");
    assert_eq!(value("totals", "present", "people"), "41");
    assert!(!rows.iter().any(|r| &r[4] == "3" || &r[4] == "8"), "{body}");

    let xlsx = organizer.get(&format!("/events/{event}/attendance/stats.xlsx")).await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    assert_eq!(
        xlsx.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(
        xlsx.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .ends_with(".xlsx\"")
    );
    let bytes = xlsx.bytes().await.unwrap();
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("a readable workbook");
    let sheet = workbook.worksheet_range("Résumé").expect("the summary sheet");
    let rows: Vec<Vec<Data>> = sheet.rows().map(<[Data]>::to_vec).collect();
    let start = rows
        .iter()
        .position(|r| r[0] == Data::String("Présents par catégorie d'acteurs".into()))
        .expect("the category table");
    let row_of = |label: &str| {
        rows[start..]
            .iter()
            .find(|r| r[0] == Data::String(label.into()))
            .unwrap_or_else(|| panic!("{label}"))[1]
            .clone()
    };
    assert_eq!(row_of("Médias"), Data::String("<5".into()));
    assert_eq!(row_of("Organisation de femmes"), Data::String("x".into()));
    assert_eq!(row_of("Société civile"), Data::Float(30.0));
    assert_eq!(row_of("Total"), Data::Float(41.0));
    let numbers: Vec<f64> = rows.iter().flatten().filter_map(|d| d.get_float()).collect();
    assert!(!numbers.contains(&3.0) && !numbers.contains(&8.0), "{numbers:?}");

    let across = organizer.get("/attendance.xlsx").await;
    assert_eq!(across.status(), StatusCode::OK);
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(across.bytes().await.unwrap().to_vec())).unwrap();
    let events = workbook.worksheet_range("Événements").expect("the events sheet");
    let line: Vec<Data> = events.rows().nth(1).unwrap().to_vec();
    assert_eq!(line[0], Data::String("Restitution à Kayes".into()));
    assert_eq!(line[5], Data::Float(41.0), "present");
    let across_csv = organizer.get("/attendance.csv").await.text().await.unwrap();
    assert!(across_csv.contains("category,media,Médias,present,<5"), "{across_csv}");
}

#[tokio::test]
async fn the_filters_across_events_select_by_report_venue_region_and_period() {
    let app = spawn_app().await;
    let org = Organizer::new(&app).await;
    let editor = app.api_token_for("editor").await;
    let report: Value = app
        .api(Method::POST, "/api/v1/reports", Some(&editor))
        .json(&json!({"title": "Femmes et FDS : rapport préliminaire", "language": "fr"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let report_id = report["id"].as_i64().unwrap();
    let march_kayes = org
        .workshop("Kayes, mars", "Kayes", "2030-03-10", Some(report_id))
        .await;
    let may_sikasso = org
        .workshop("Sikasso, mai", "Sikasso", "2030-05-20", Some(report_id))
        .await;
    let may_kayes = org.workshop("Kayes, mai", "Kayes", "2030-05-25", None).await;
    for (event, count) in [(march_kayes, 10), (may_sikasso, 6), (may_kayes, 7)] {
        org.headcount(
            event,
            &new_id(),
            "Kayes",
            &[("civil_society", "female", "adult", count)],
        )
        .await;
    }
    // A draft's guest list counts nowhere.
    let draft = org
        .post(
            "/api/v1/events",
            json!({"kind": "consultation", "title": "Brouillon", "report_id": report_id,
            "starts_at": "2030-05-01T09:00:00+00:00", "ends_at": "2030-05-01T12:00:00+00:00"}),
        )
        .await;
    org.invite(draft["id"].as_i64().unwrap(), &[("media", "male", "adult")])
        .await;

    for (query, expected, present) in [
        (String::new(), vec![may_kayes, may_sikasso, march_kayes], 23),
        (format!("report_id={report_id}"), vec![may_sikasso, march_kayes], 16),
        ("region=Kayes".into(), vec![may_kayes, march_kayes], 17),
        ("from=2030-05-01".into(), vec![may_kayes, may_sikasso], 13),
        ("to=2030-05-20".into(), vec![may_sikasso, march_kayes], 16),
        (
            format!("from=2030-05-01&to=2030-05-20&report_id={report_id}"),
            vec![may_sikasso],
            6,
        ),
        (format!("region=Kayes&report_id={report_id}"), vec![march_kayes], 10),
        ("region=Gao".into(), vec![], 0),
    ] {
        let across = org.get(&format!("/api/v1/attendance/summary?{query}")).await;
        let ids: Vec<i64> = across["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| n(&e["event_id"]))
            .collect();
        assert_eq!(ids, expected, "{query}");
        assert_eq!(n(&across["summary"]["present"]), present, "{query}");
        assert_eq!(n(&across["summary"]["invited"]), 0, "{query}");
    }

    let (browser, _) = app.browser_as("organizer").await;
    let html = browser.get("/attendance?region=Kayes").await.text().await.unwrap();
    let shown: Vec<String> = crate::helpers::hrefs(&html, "#table-events tbody a");
    assert_eq!(
        shown,
        [
            format!("/events/{may_kayes}/attendance/stats"),
            format!("/events/{march_kayes}/attendance/stats")
        ]
    );
    assert_eq!(texts(&html, "#key-figures [data-key=present] dd"), ["17"]);
    assert_eq!(
        crate::helpers::hrefs(&html, ".exports a"),
        [
            "/attendance.csv?region=Kayes",
            "/attendance.csv?region=Kayes&format=excel",
            "/attendance.xlsx?region=Kayes"
        ]
    );
}

#[tokio::test]
async fn the_statistics_page_draws_bar_charts_and_the_womens_share_against_the_target() {
    let app = spawn_app().await;
    let org = Organizer::new(&app).await;
    let event = org.workshop("Restitution à Kayes", "Kayes", "2030-06-10", None).await;
    org.headcount(
        event,
        &new_id(),
        "Kayes",
        &[
            ("civil_society", "female", "adult", 6),
            ("civil_society", "male", "adult", 14),
        ],
    )
    .await;
    let summary = org.get(&format!("/api/v1/events/{event}/attendance/summary")).await;
    assert_eq!(summary["women_share_percent"], 30.0);
    assert_eq!(summary["women_target_percent"], 40);

    let (browser, _) = app.browser_as("rapporteur").await;
    let response = browser.get(&format!("/events/{event}/attendance/stats")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    let document = scraper::Html::parse_document(&html);
    let svg = scraper::Selector::parse("svg#chart-gender").unwrap();
    let chart = document.select(&svg).next().expect("a gender chart");
    assert!(chart.value().attr("viewBox").is_some_and(|v| v.starts_with("0 0 320 ")));
    assert_eq!(chart.value().attr("role"), Some("img"));
    assert_eq!(
        texts(&html, "svg#chart-gender rect.bar").len(),
        2,
        "women and men, nobody unspecified"
    );
    let labels = texts(&html, "svg#chart-gender text");
    for expected in ["Femme", "6", "Homme", "14", "Non précisé", "0"] {
        assert!(labels.contains(&expected.to_string()), "{expected} in {labels:?}");
    }
    for chart in ["age_group", "category", "region", "invited_gender", "invited_category"] {
        assert_eq!(texts(&html, &format!("svg#chart-{chart}")).len(), 1, "{chart}");
    }
    assert_eq!(texts(&html, "svg#chart-women-share line.target").len(), 1);
    assert_eq!(texts(&html, "#women-share-value"), ["30 %"]);
    assert_eq!(texts(&html, "#women-target"), ["objectif 40 %"]);
    assert_eq!(texts(&html, "#women-share em"), ["sous l'objectif"]);
    // The rapporteur is no organizer: the figures are the published ones (none is small here).
    assert!(!texts(&html, "#published-note").is_empty());
    assert_eq!(cell(&html, "gender", "male"), ["14"]);
}

#[tokio::test]
async fn unreadable_filters_get_a_message_naming_the_field() {
    let app = spawn_app().await;
    let org = Organizer::new(&app).await;
    for (query, field, message) in [
        ("from=notadate", "from", "YYYY-MM-DD"),
        ("from=2030-05-01&to=2030-04-01", "to", "before its start"),
        ("report_id=abc", "report_id", "whole number"),
        ("report_id=9999", "report_id", "does not exist"),
    ] {
        let response = app
            .api(
                Method::GET,
                &format!("/api/v1/attendance/summary?{query}"),
                Some(&org.token),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        let body: Value = response.json().await.unwrap();
        let text = body["error"]["fields"][field].as_str().unwrap_or_default();
        assert!(text.contains(message), "{query}: {body}");
    }

    let (browser, _) = app.browser_as("viewer").await;
    let response = browser.get("/attendance?from=notadate&region=Kayes").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert_eq!(texts(&html, "label[for=from]"), ["Du"]);
    assert_eq!(
        texts(&html, "#from-error"),
        ["Date illisible : écrivez-la AAAA-MM-JJ (par exemple 2026-12-10)."]
    );
    assert_eq!(texts(&html, "input#from[aria-invalid=true]").len(), 1);
    assert!(
        texts(&html, "#key-figures").is_empty(),
        "no figures for a filter that cannot be read"
    );
    let export = browser.get("/attendance.csv?to=31/12/2030").await;
    assert_eq!(export.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
