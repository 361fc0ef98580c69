//! Every answer tells the browser not to frame, sniff or leak it, and the pages pass their own script policy.

use reqwest::StatusCode;

use crate::helpers::spawn_app;

fn assert_hardened(response: &reqwest::Response, what: &str) {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("{what}: no {name}"))
            .to_string()
    };
    assert_eq!(header("x-frame-options"), "DENY", "{what}");
    assert_eq!(header("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(header("referrer-policy"), "same-origin", "{what}");
    let policy = header("content-security-policy");
    for directive in [
        "frame-ancestors 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
    ] {
        assert!(policy.contains(directive), "{what}: {policy}");
    }
    assert!(!policy.contains("unsafe-inline"), "{what}: {policy}");
}

#[tokio::test]
async fn pages_api_answers_and_errors_carry_the_security_headers() {
    let app = spawn_app().await;
    let setup = app.get("/setup").await;
    assert_eq!(setup.status(), StatusCode::OK);
    assert_hardened(&setup, "setup page");
    app.login_as("organizer").await;
    for path in [
        "/",
        "/venues",
        "/events/new",
        "/static/app.css",
        "/static/print.js",
        "/nowhere",
    ] {
        assert_hardened(&app.get(path).await, path);
    }
    let api = app
        .api(reqwest::Method::GET, "/api/v1/venues", None)
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
    assert_hardened(&api, "API without a token");
    assert_hardened(&app.get("/healthz").await, "/healthz");
}

/// A policy without 'unsafe-inline' blocks inline scripts, `on…=` handlers and `style=` attributes,
/// so the page templates must have none (mail bodies are not pages: mail clients need inline styles).
#[test]
fn no_page_template_has_inline_script_handler_or_style() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut found = Vec::new();
    let mut folders = vec![root.clone()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "mail") {
                    folders.push(path);
                }
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (n, line) in text.lines().enumerate() {
                let lower = line.to_ascii_lowercase();
                let inline_script = lower.contains("<script") && !lower.contains("<script src=");
                let handler = ["onclick=", "onsubmit=", "onchange=", "oninput=", "onload=", "onerror="]
                    .iter()
                    .any(|h| lower.contains(h));
                if inline_script || handler || lower.contains("style=") || lower.contains("<style") {
                    found.push(format!(
                        "{}:{}: {}",
                        path.strip_prefix(&root).unwrap().display(),
                        n + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "inline code the policy would block:\n{}",
        found.join("\n")
    );
}
