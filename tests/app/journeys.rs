//! Whole journeys in a real browser (scripts tests/browser/journey_*.mjs, run as tests/app/browser.rs
//! runs its story), with axe-core on every page. `TOGUNA_SCREENSHOTS=docs/screenshots` saves the
//! screenshots the README shows.

use entity::actor;

use crate::helpers::{PASSWORD, spawn_app};

fn browser_ready() -> bool {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let ready = dir.join("node_modules/playwright-core").exists()
        && dir.join("node_modules/axe-core").exists()
        && std::path::Path::new(&std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())).exists();
    if !ready {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the journeys: install chromium and run npm ci --prefix tests/browser"
        );
        eprintln!("skipped: no Chromium or no tests/browser/node_modules (see tests/app/journeys.rs)");
    }
    ready
}

/// Where screenshots go: `TOGUNA_SCREENSHOTS`, relative to the repository, or nowhere.
fn screenshots() -> Option<String> {
    std::env::var("TOGUNA_SCREENSHOTS")
        .ok()
        .map(|dir| format!("{}/{dir}", env!("CARGO_MANIFEST_DIR")))
}

#[tokio::test]
async fn first_run_setup_reports_both_errors_then_the_directory_is_imported_twice_without_duplicates() {
    if !browser_ready() {
        return;
    }
    let app = spawn_app().await;
    let mut command = tokio::process::Command::new("node");
    command
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/browser/journey_first_run.mjs"
        ))
        .env("BASE_URL", &app.address)
        .env("PASSWORD", PASSWORD)
        .env(
            "ACTORS_CSV",
            concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/actors.csv"),
        );
    if let Some(dir) = screenshots() {
        command.env("SCREENSHOTS", dir);
    }
    let output = command.output().await.expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("setup errors: email-error,password-error"), "{stdout}");
    assert!(stdout.contains("import 1: new 600, known 0"), "{stdout}");
    assert!(stdout.contains("import 2: new 0, known 600"), "{stdout}");
    assert!(stdout.contains("imported 2: 0"), "{stdout}");
    assert!(stdout.contains("step: done"), "{stdout}");
    assert_eq!(app.count(actor::Entity).await, 600, "the second import stored nobody");
}

mod keyboard;
mod printed;
mod report;
mod screens;

/// A browser script of tests/browser/ run with node: its settings in the environment, the
/// screenshot folder passed on as `SCREENSHOTS`; fails the test unless it exits cleanly.
pub(crate) async fn run_script(script: &str, settings: &[(&str, String)]) -> String {
    let mut command = tokio::process::Command::new("node");
    command.arg(format!("{}/tests/browser/{script}", env!("CARGO_MANIFEST_DIR")));
    for (name, value) in settings {
        command.env(name, value);
    }
    if let Some(dir) = screenshots() {
        command.env("SCREENSHOTS", dir);
    }
    let output = command.output().await.expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(
        output.status.success(),
        "{script} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// The value a script printed as `step: NAME: VALUE`.
pub(crate) fn step<'a>(stdout: &'a str, name: &str) -> &'a str {
    let prefix = format!("step: {name}: ");
    stdout
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no step {name} in:\n{stdout}"))
}

/// The axe-core verdicts a script printed, one per page (`axe PAGE: N serious or critical, M minor`).
pub(crate) fn axe_verdicts(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter(|l| l.starts_with("axe ") && l.contains(" serious or critical, "))
        .collect()
}
