//! Whatever an API client gets wrong, the answer is the JSON error shape with the right status.

use reqwest::header::{ALLOW, CONTENT_TYPE};
use reqwest::{Method, StatusCode};

use crate::helpers::{api_error, spawn_app};

#[tokio::test]
async fn an_id_that_is_no_i32_is_a_json_422_naming_the_path_parameter() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    for (method, path, field) in [
        (Method::GET, "/api/v1/venues/99999999999", "id"),
        (Method::DELETE, "/api/v1/actors/abc", "id"),
        (Method::GET, "/api/v1/events/1/outcomes/2199023255552", "outcome"),
        (Method::DELETE, "/api/v1/events/1/invitations/-1.5", "inv"),
        (Method::GET, "/api/v1/reports/1/versions/1/diff/null", "b"),
    ] {
        let response = app.api(method.clone(), path, Some(&token)).send().await.unwrap();
        let error = api_error(response).await;
        assert_eq!(error.status, StatusCode::UNPROCESSABLE_ENTITY, "{method} {path}");
        assert_eq!(
            error.fields.keys().collect::<Vec<_>>(),
            [field],
            "{method} {path}: {error:?}"
        );
    }
}

#[tokio::test]
async fn a_filter_value_of_the_wrong_type_is_a_json_422_naming_the_filter() {
    let app = spawn_app().await;
    let token = app.api_token_for("viewer").await;
    for (path, field) in [
        ("/api/v1/events?report_id=99999999999", "report_id"),
        ("/api/v1/events?report_id=first", "report_id"),
    ] {
        let response = app.api(Method::GET, path, Some(&token)).send().await.unwrap();
        let error = api_error(response).await;
        assert_eq!(error.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert_eq!(error.fields.keys().collect::<Vec<_>>(), [field], "{path}: {error:?}");
    }
}

#[tokio::test]
async fn broken_json_and_a_missing_content_type_are_json_400s_and_store_nothing() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    let broken = app
        .api(Method::POST, "/api/v1/venues", Some(&token))
        .header(CONTENT_TYPE, "application/json")
        .body(r#"{"name": "Centre Djoliba""#)
        .send()
        .await
        .unwrap();
    let error = api_error(broken).await;
    assert_eq!(
        (error.status, error.code.as_str()),
        (StatusCode::BAD_REQUEST, "bad_request")
    );
    assert!(error.message.contains("malformed JSON"), "{error:?}");

    let untyped = app
        .api(Method::POST, "/api/v1/venues", Some(&token))
        .body(r#"{"name": "Centre Djoliba"}"#)
        .send()
        .await
        .unwrap();
    let error = api_error(untyped).await;
    assert_eq!(error.status, StatusCode::BAD_REQUEST);
    assert!(error.message.contains("Content-Type"), "{error:?}");
    assert_eq!(app.count(entity::venue::Entity).await, 0);
}

#[tokio::test]
async fn a_method_a_route_lacks_is_a_json_405_that_lists_the_allowed_ones() {
    let app = spawn_app().await;
    let token = app.api_token_for("organizer").await;
    let response = app
        .api(Method::PATCH, "/api/v1/venues", Some(&token))
        .send()
        .await
        .unwrap();
    let allow = response
        .headers()
        .get(ALLOW)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let error = api_error(response).await;
    assert_eq!(
        (error.status, error.code.as_str()),
        (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
    );
    assert!(allow.contains("GET") && allow.contains("POST"), "Allow: {allow}");
}

#[tokio::test]
async fn an_unknown_address_under_the_api_is_a_json_404() {
    let app = spawn_app().await;
    let token = app.api_token_for("viewer").await;
    for path in ["/api/v1/nothing-here", "/api/v2/venues", "/api/v1/venues/1/nothing"] {
        let response = app.api(Method::GET, path, Some(&token)).send().await.unwrap();
        let error = api_error(response).await;
        assert_eq!(
            (error.status, error.code.as_str()),
            (StatusCode::NOT_FOUND, "not_found"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_panicking_handler_answers_500_json_on_the_api_and_an_error_page_in_the_browser() {
    let app = spawn_app().await;
    let response = app.api(Method::GET, "/api/debug/panic", None).send().await.unwrap();
    let error = api_error(response).await;
    assert_eq!(
        (error.status, error.code.as_str()),
        (StatusCode::INTERNAL_SERVER_ERROR, "internal")
    );
    assert!(
        !error.message.contains("deliberate"),
        "the panic's words stay in the log: {error:?}"
    );

    let page = app.get_in("/debug/panic", "en").await;
    assert_eq!(page.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let html = page.text().await.unwrap();
    assert!(html.contains("An internal error occurred"), "{html}");

    // The server goes on serving.
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
}
