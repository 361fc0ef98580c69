//! The error answers every operation can give, added to the OpenAPI document in one place.

use utoipa::Modify;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, Response, ResponseBuilder};

/// Adds 400/401/403/404/413/422 to each operation that can answer them, unless it documents its own.
pub struct CommonErrors;

impl Modify for CommonErrors {
    fn modify(&self, openapi: &mut OpenApi) {
        // `/healthz` is public and takes nothing: it answers only 200 or 503.
        for (_, item) in openapi
            .paths
            .paths
            .iter_mut()
            .filter(|(path, _)| path.starts_with("/api/"))
        {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                add_common_errors(operation);
            }
        }
    }
}

fn add_common_errors(operation: &mut Operation) {
    let parameters = operation.parameters.as_deref().unwrap_or_default();
    let has_path = parameters.iter().any(|p| p.parameter_in == ParameterIn::Path);
    let has_body = operation.request_body.is_some();
    let mut statuses = vec![
        ("401", "No valid bearer token."),
        ("403", "The token's role may not do this."),
    ];
    if has_path {
        statuses.push(("404", "Nothing has this id."));
    }
    if has_body {
        statuses.push(("400", "The body is unreadable (malformed JSON, wrong Content-Type)."));
        statuses.push(("413", "The body is over the size limit."));
    }
    if has_body || !parameters.is_empty() {
        statuses.push(("422", "A field or parameter is invalid; `fields` names it."));
    }
    for (status, description) in statuses {
        operation
            .responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| error_response(description));
    }
}

fn error_response(description: &str) -> RefOr<Response> {
    let content = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("ErrorEnvelope")))
        .build();
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content("application/json", content)
            .build(),
    )
}
