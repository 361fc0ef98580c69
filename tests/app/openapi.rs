//! The OpenAPI document describes every `/api/v1` route, and every route it describes exists.

use reqwest::{Method, StatusCode};

use crate::helpers::spawn_app;

/// Every API route the app serves; a new route must be added here and to the document.
const API_ROUTES: &[(&str, &str)] = &[
    ("get", "/api/v1/venues"),
    ("post", "/api/v1/venues"),
    ("get", "/api/v1/venues/{id}"),
    ("put", "/api/v1/venues/{id}"),
    ("delete", "/api/v1/venues/{id}"),
    ("get", "/api/v1/actors"),
    ("post", "/api/v1/actors"),
    ("get", "/api/v1/actors/{id}"),
    ("put", "/api/v1/actors/{id}"),
    ("delete", "/api/v1/actors/{id}"),
    ("post", "/api/v1/actors/import"),
    ("get", "/api/v1/events"),
    ("post", "/api/v1/events"),
    ("get", "/api/v1/events/{id}"),
    ("patch", "/api/v1/events/{id}"),
    ("post", "/api/v1/events/{id}/schedule"),
    ("post", "/api/v1/events/{id}/cancel"),
    ("post", "/api/v1/events/{id}/complete"),
    ("get", "/api/v1/events/{id}/invitations"),
    ("post", "/api/v1/events/{id}/invitations"),
    ("delete", "/api/v1/events/{id}/invitations/{inv}"),
    ("post", "/api/v1/events/{id}/invitations/send"),
    // attendance (check-in)
    ("get", "/api/v1/events/{id}/attendance"),
    ("post", "/api/v1/events/{id}/attendance"),
    // attendance statistics
    ("get", "/api/v1/events/{id}/attendance/summary"),
    ("get", "/api/v1/attendance/summary"),
    // debates
    ("get", "/api/v1/events/{id}/notes"),
    ("post", "/api/v1/events/{id}/notes"),
    ("put", "/api/v1/events/{id}/notes/{note}"),
    ("delete", "/api/v1/events/{id}/notes/{note}"),
    ("get", "/api/v1/events/{id}/outcomes"),
    ("post", "/api/v1/events/{id}/outcomes"),
    ("get", "/api/v1/events/{id}/outcomes/{outcome}"),
    ("put", "/api/v1/events/{id}/outcomes/{outcome}"),
    // review
    ("get", "/api/v1/reports/{id}/outcomes"),
    ("post", "/api/v1/outcomes/{id}/decision"),
    ("get", "/api/v1/reports/{id}/traceability"),
    ("get", "/api/v1/reports/{id}/sections/{section}/history"),
    // reports
    ("get", "/api/v1/reports"),
    ("post", "/api/v1/reports"),
    ("get", "/api/v1/reports/{id}"),
    ("get", "/api/v1/reports/{id}/sections"),
    ("post", "/api/v1/reports/{id}/sections"),
    ("post", "/api/v1/reports/import"),
    ("get", "/api/v1/reports/{id}/sections/{section}"),
    ("put", "/api/v1/reports/{id}/sections/{section}"),
    ("delete", "/api/v1/reports/{id}/sections/{section}"),
    ("get", "/api/v1/reports/{id}/versions"),
    ("post", "/api/v1/reports/{id}/versions"),
    ("get", "/api/v1/reports/{id}/versions/{n}"),
    ("get", "/api/v1/reports/{id}/versions/{a}/diff/{b}"),
    // the health check, public
    ("get", "/healthz"),
];

#[tokio::test]
async fn every_api_route_is_in_the_openapi_document_and_answers() {
    let app = spawn_app().await;
    let doc: serde_json::Value = app.get("/api/openapi.json").await.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();

    let mut documented = Vec::new();
    for (path, operations) in paths {
        for method in operations.as_object().unwrap().keys() {
            documented.push((method.clone(), path.clone()));
        }
    }
    for (method, path) in API_ROUTES {
        assert!(
            documented.contains(&(method.to_string(), path.to_string())),
            "{method} {path} is documented"
        );
    }
    for (method, path) in &documented {
        if path == "/healthz" {
            continue;
        }
        assert!(path.starts_with("/api/v1/"), "{path}");
        // Without a token a real route says 401; a route that does not exist would say 404 or 405.
        let concrete = path
            .replace("{id}", "1")
            .replace("{inv}", "1")
            .replace("{note}", "1")
            .replace("{outcome}", "1")
            .replace("{section}", "1")
            .replace("{n}", "1")
            .replace("{a}", "1")
            .replace("{b}", "1");
        let response = app
            .api(
                Method::from_bytes(method.to_uppercase().as_bytes()).unwrap(),
                &concrete,
                None,
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{method} {path}");
    }
    assert_eq!(
        documented.len(),
        API_ROUTES.len(),
        "no undocumented extras on either side"
    );
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}
