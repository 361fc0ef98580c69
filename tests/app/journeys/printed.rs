//! Letters and the sign-in sheet printed to PDF by Chromium (tests/browser/journey_print.mjs),
//! read back with poppler-utils: one letter per page, each naming the organizer to call and
//! their phone; the sheet lists every guest on a few landscape pages. Then the outbox message.

use std::path::Path;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{axe_verdicts, browser_ready, run_script, step};
use crate::helpers::{PASSWORD, TestApp, spawn_app};

const LETTER_GUESTS: [&str; 5] = [
    "Moussa Traoré",
    "Fanta Camara",
    "Bakary Sangaré",
    "Kadidia Diarra",
    "Seydou Coulibaly",
];
const MAIL_GUESTS: [&str; 2] = ["Awa Sidibé", "Oumar Maïga"];

/// A scheduled workshop whose organizer has a phone number: five guests without email (letters)
/// and two with email, whose invitations are sent (to the file outbox).
async fn workshop_with_letters(app: &TestApp) -> i64 {
    let token = app.api_token_for("organizer").await;
    let mut csv = String::from("full_name,category,gender,region,town,language,email,consent_contact\n");
    for (i, name) in LETTER_GUESTS.iter().enumerate() {
        let lang = if i == 1 { "en" } else { "fr" };
        csv.push_str(&format!("{name},women_organization,female,Kayes,Kita,{lang},,\n"));
    }
    for (i, name) in MAIL_GUESTS.iter().enumerate() {
        csv.push_str(&format!(
            "{name},youth_organization,male,Kayes,Kita,fr,invite{i}@example.org,yes\n"
        ));
    }
    assert_eq!(app.import_csv(&token, &csv).await.status(), StatusCode::CREATED);
    let event = app.scheduled_workshop(&token, "Restitution à Kita", "Kayes").await;
    app.api_ok(
        Method::POST,
        &format!("/api/v1/events/{event}/invitations"),
        &token,
        json!({"filter": {}}),
    )
    .await;
    app.browser.login_ok("api-organizer@example.org").await;
    let saved = app
        .submit("/profile", "/profile/phone", &[("phone", "+223 76 12 34 56")])
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER, "the phone is saved");
    assert_eq!(app.send_invitations(&token, event).await, 2);
    for _ in 0..100 {
        let written = std::fs::read_dir(app.outbox_dir()).map(|d| d.count()).unwrap_or(0);
        if written >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    event
}

/// Whether `pdfinfo` and `pdftotext` can run; under CI their absence is a failure.
fn poppler_ready() -> bool {
    let runs = |tool: &str| std::process::Command::new(tool).arg("-v").output().is_ok();
    let ready = runs("pdfinfo") && runs("pdftotext");
    if !ready {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must read the printed PDFs: apt-get install poppler-utils"
        );
        eprintln!("skipped: no pdfinfo or pdftotext (apt-get install poppler-utils)");
    }
    ready
}

/// `pdfinfo`'s page count and page size line.
fn pdf_pages(pdf: &Path) -> (usize, String) {
    let output = std::process::Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("pdfinfo runs (apt-get install poppler-utils)");
    assert!(output.status.success(), "pdfinfo {}", pdf.display());
    let info = String::from_utf8_lossy(&output.stdout).to_string();
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_string())
            .unwrap_or_else(|| panic!("no {name} in {info}"))
    };
    (field("Pages:").parse().expect("a page count"), field("Page size:"))
}

/// The text of one page, as `pdftotext -f N -l N` reads it, whitespace collapsed.
fn page_text(pdf: &Path, n: usize) -> String {
    let output = std::process::Command::new("pdftotext")
        .args(["-f", &n.to_string(), "-l", &n.to_string()])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(output.status.success(), "pdftotext page {n}");
    String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[tokio::test]
async fn letters_print_one_per_page_with_the_organizers_phone_and_the_sheet_lists_every_guest() {
    if !browser_ready() || !poppler_ready() {
        return;
    }
    let app = spawn_app().await;
    let event = workshop_with_letters(&app).await;
    let admin = app.create_user("admin@example.org", "admin").await;
    let out = tempfile::tempdir().unwrap();
    let stdout = run_script(
        "journey_print.mjs",
        &[
            ("BASE_URL", app.address.clone()),
            ("EMAIL", "api-organizer@example.org".into()),
            ("ADMIN_EMAIL", admin.email.clone()),
            ("PASSWORD", PASSWORD.into()),
            ("EVENT_ID", event.to_string()),
            ("OUT", out.path().display().to_string()),
        ],
    )
    .await;
    println!("{stdout}");
    assert_eq!(step(&stdout, "letters on screen"), "5");

    let letters = out.path().join("letters.pdf");
    let (pages, size) = pdf_pages(&letters);
    assert_eq!(pages, LETTER_GUESTS.len(), "one page per letter guest");
    assert!(size.contains("(A4)"), "A4 portrait: {size}");
    let mut addressed = Vec::new();
    for n in 1..=pages {
        let text = page_text(&letters, n);
        let on_page: Vec<_> = LETTER_GUESTS.iter().filter(|g| text.contains(*g)).collect();
        assert_eq!(on_page.len(), 1, "page {n} is one guest's letter: {text}");
        addressed.push(*on_page[0]);
        assert!(
            text.contains("Test organizer") && text.contains("+22376123456"),
            "page {n} names the organizer and their phone: {text}"
        );
        assert!(
            text.contains("appelez Test organizer au +22376123456")
                || text.contains("call Test organizer on +22376123456"),
            "page {n} says whom to call, in the guest's language: {text}"
        );
        assert!(text.contains("Restitution à Kita"), "page {n} names the event: {text}");
    }
    addressed.sort();
    let mut expected = LETTER_GUESTS.to_vec();
    expected.sort();
    assert_eq!(addressed, expected, "each letter guest gets exactly one page");

    let sheet = out.path().join("sheet.pdf");
    let (pages, size) = pdf_pages(&sheet);
    println!("sign-in sheet: {pages} pages, {size}");
    assert!(
        (1..=2).contains(&pages),
        "7 guests and 15 blank lines fit on one or two pages: {pages}"
    );
    assert!(
        size.starts_with("841.") && size.contains("(A4)"),
        "A4 landscape: {size}"
    );
    let all: String = (1..=pages).map(|n| page_text(&sheet, n)).collect::<Vec<_>>().join(" ");
    for guest in LETTER_GUESTS.iter().chain(MAIL_GUESTS.iter()) {
        assert_eq!(all.matches(guest).count(), 1, "{guest} is on the sheet once: {all}");
    }
    for n in 1..=pages {
        assert!(page_text(&sheet, n).contains("Signature"), "the header is on page {n}");
    }

    let message = step(&stdout, "outbox message");
    assert!(message.starts_with("/admin/outbox/"), "{message}");
    assert!(message.ends_with("| lang fr"), "{message}");
    assert_eq!(axe_verdicts(&stdout).len(), 4, "axe-core on each page:\n{stdout}");
}
