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
    ("get", "/api/v1/actors/{id}/export"),
    ("post", "/api/v1/actors/{id}/erase"),
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
    ("post", "/api/v1/events/{id}/invitations/{inv}/refresh"),
    ("post", "/api/v1/events/{id}/invitations/send"),
    ("get", "/api/v1/events/{id}/jobs/{job}"),
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
    ("get", "/api/v1/outcomes/{id}/undo"),
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
    // the audit log, admins only
    ("get", "/api/v1/audit"),
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
            .replace("{job}", "1")
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

async fn document() -> serde_json::Value {
    let app = spawn_app().await;
    app.get("/api/openapi.json").await.json().await.unwrap()
}

#[tokio::test]
async fn enums_are_documented_in_snake_case_as_the_api_speaks_them() {
    let doc = document().await;
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let slugs = |name: &str| -> Vec<String> {
        serde_json::from_value(schemas[name]["enum"].clone()).unwrap_or_else(|e| panic!("{name} is an enum: {e}"))
    };
    assert_eq!(
        slugs("EventKind"),
        [
            "consultation",
            "dissemination_workshop",
            "validation_workshop",
            "report_launch",
            "other"
        ]
    );
    assert_eq!(slugs("Gender"), ["female", "male", "unspecified"]);
    assert_eq!(slugs("EventStatus"), ["draft", "scheduled", "completed", "cancelled"]);
    assert_eq!(
        slugs("Delivery"),
        [
            "pending",
            "queued",
            "sent",
            "failed",
            "not_applicable",
            "accepted",
            "delivered",
            "expired"
        ]
    );
    for (name, schema) in schemas {
        for value in schema["enum"].as_array().into_iter().flatten() {
            let value = value.as_str().unwrap_or_default();
            assert_eq!(
                value,
                value.to_lowercase(),
                "{name} documents {value:?}, which the API never sends"
            );
        }
    }
}

#[tokio::test]
async fn every_operation_documents_the_errors_it_can_answer_in_the_error_shape() {
    let doc = document().await;
    for (path, operations) in doc["paths"].as_object().unwrap() {
        if !path.starts_with("/api/") {
            continue;
        }
        for (method, operation) in operations.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            let has_body = operation.get("requestBody").is_some();
            let has_path = path.contains('{');
            let mut expected = vec!["401", "403", "422"];
            if has_path {
                expected.push("404");
            }
            if has_body {
                expected.extend(["400", "413"]);
            }
            for status in expected {
                let response = responses
                    .get(status)
                    .unwrap_or_else(|| panic!("{method} {path} documents {status}"));
                let schema = &response["content"]["application/json"]["schema"];
                let named = schema["$ref"].as_str().unwrap_or_default();
                assert!(
                    named.ends_with("/ErrorEnvelope") || named.ends_with("Conflict"),
                    "{method} {path} {status} answers the error shape, not {schema}"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_paging_bounds_are_in_the_document() {
    let doc = document().await;
    let parameters = doc["paths"]["/api/v1/venues"]["get"]["parameters"].as_array().unwrap();
    let bounds = |name: &str| {
        let schema = &parameters.iter().find(|p| p["name"] == name).unwrap()["schema"];
        (schema["minimum"].as_u64(), schema["maximum"].as_u64())
    };
    assert_eq!(bounds("page"), (Some(1), Some(1_000_000)));
    assert_eq!(bounds("per_page"), (Some(1), Some(200)));
}

#[tokio::test]
async fn the_fields_the_server_requires_are_marked_required() {
    let doc = document().await;
    let schemas = &doc["components"]["schemas"];
    let required =
        |name: &str| -> Vec<String> { serde_json::from_value(schemas[name]["required"].clone()).unwrap_or_default() };
    for (schema, fields) in [
        ("VenueInput", &["name"][..]),
        ("ActorInput", &["full_name", "category"]),
        ("EventInput", &["kind", "title", "starts_at", "ends_at"]),
        ("NoteInput", &["body"]),
        ("OutcomeInput", &["kind", "summary", "agreement", "voiced_by"]),
        ("DecisionInput", &["decision", "rationale"]),
        ("NewReport", &["title"]),
        ("NewSection", &["heading", "kind"]),
        ("NewVersion", &["label"]),
    ] {
        for field in fields {
            assert!(
                required(schema).contains(&field.to_string()),
                "{schema}.{field} is required"
            );
        }
    }
    // What may be left out stays optional, as the server treats it.
    assert!(!required("ActorInput").contains(&"email".to_string()));
    let kind = &schemas["EventInput"]["properties"]["kind"];
    assert!(kind.to_string().contains("#/components/schemas/EventKind"), "{kind}");
}
