//! Page numbers a client makes up: the API refuses what it cannot serve, pages clamp, nothing panics.

use reqwest::{Method, StatusCode};

use crate::helpers::{api_error, spawn_app};

const LISTS: &[&str] = &["/api/v1/venues", "/api/v1/actors", "/api/v1/events", "/api/v1/reports"];

#[tokio::test]
async fn an_api_client_asking_for_page_i64_max_gets_422_naming_page_on_every_list() {
    let app = spawn_app().await;
    let token = app.api_token_for("viewer").await;
    for list in LISTS {
        for page in ["9223372036854775807", "18446744073709551615", "0", "1000001"] {
            let response = app
                .api(Method::GET, &format!("{list}?page={page}"), Some(&token))
                .send()
                .await
                .unwrap_or_else(|e| panic!("{list}?page={page} answers: {e}"));
            let error = api_error(response).await;
            assert_eq!(error.status, StatusCode::UNPROCESSABLE_ENTITY, "{list}?page={page}");
            assert_eq!(error.code, "validation_failed");
            assert_eq!(
                error.fields.keys().collect::<Vec<_>>(),
                ["page"],
                "{list}?page={page}: {error:?}"
            );
            assert!(error.fields["page"].contains("1000000"), "{error:?}");
        }
    }
}

#[tokio::test]
async fn per_page_over_the_maximum_is_refused_not_silently_capped() {
    let app = spawn_app().await;
    let token = app.api_token_for("viewer").await;
    for list in LISTS {
        let response = app
            .api(Method::GET, &format!("{list}?per_page=201"), Some(&token))
            .send()
            .await
            .unwrap();
        let error = api_error(response).await;
        assert_eq!(error.status, StatusCode::UNPROCESSABLE_ENTITY, "{list}");
        assert_eq!(
            error.fields.keys().collect::<Vec<_>>(),
            ["per_page"],
            "{list}: {error:?}"
        );

        let response = app
            .api(Method::GET, &format!("{list}?per_page=200&page=1000000"), Some(&token))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "{list}: the largest page and size are served"
        );
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(
            (body["page"].as_u64(), body["per_page"].as_u64()),
            (Some(1_000_000), Some(200))
        );
        assert_eq!(body["items"].as_array().map(Vec::len), Some(0));
    }
}

#[tokio::test]
async fn a_page_number_that_is_no_number_is_a_json_422_naming_the_field() {
    let app = spawn_app().await;
    let token = app.api_token_for("viewer").await;
    for (query, field) in [("page=-1", "page"), ("per_page=lots", "per_page"), ("page=1.5", "page")] {
        let response = app
            .api(Method::GET, &format!("/api/v1/venues?{query}"), Some(&token))
            .send()
            .await
            .unwrap();
        let error = api_error(response).await;
        assert_eq!(error.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(error.fields.keys().collect::<Vec<_>>(), [field], "{query}: {error:?}");
    }
}

#[tokio::test]
async fn an_admin_following_a_huge_page_link_in_the_browser_gets_the_last_possible_page() {
    let app = spawn_app().await;
    app.login_as("admin").await;
    for page in ["/admin/outbox", "/venues", "/actors", "/events"] {
        let response = app
            .get(&format!("{page}?page=9223372036854775807&per_page=9223372036854775807"))
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{page} clamps the page number");
    }
}
