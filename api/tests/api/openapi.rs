//! `openapi.yaml` is generated from the code; this keeps the committed file equal.
//! Regenerate with `cargo run -p portcullis-api -- openapi > openapi.yaml`.

use reqwest::StatusCode;

use crate::harness::{Backend, TestApp};

fn committed() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi.yaml"))
        .expect("openapi.yaml at the repo root")
}

#[test]
fn committed_openapi_yaml_matches_the_code() {
    let generated = portcullis_api::openapi::yaml();
    assert!(
        committed() == generated,
        "openapi.yaml is stale: run `cargo run -p portcullis-api -- openapi > openapi.yaml` and commit it"
    );
}

#[test]
fn every_operation_documents_its_errors_as_problem_json() {
    let doc: serde_json::Value =
        serde_json::to_value(<portcullis_api::openapi::ApiDoc as utoipa::OpenApi>::openapi())
            .unwrap();
    let paths = doc["paths"].as_object().unwrap();
    for expected in [
        "/api/v1/auth/signup",
        "/api/v1/auth/login",
        "/api/v1/auth/logout",
        "/api/v1/me",
        "/api/v1/security-log",
        "/api/v1/security-log/export",
        "/api/v1/dev/outbox",
        "/livez",
        "/readyz",
    ] {
        assert!(paths.contains_key(expected), "{expected} is not documented");
    }
    for (path, operations) in paths {
        for (method, operation) in operations.as_object().unwrap() {
            for (status, response) in operation["responses"].as_object().unwrap() {
                if status.starts_with('4') || status.starts_with('5') {
                    // OAuth endpoints answer in the RFC 6749 form their clients expect.
                    let media = if path.starts_with("/oauth/") {
                        "application/json"
                    } else {
                        "application/problem+json"
                    };
                    let content = &response["content"][media];
                    assert!(
                        content.is_object(),
                        "{method} {path} {status} is not {media}"
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn the_running_server_serves_the_document_and_swagger_ui() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let served: serde_json::Value = app.get_json("/api/openapi.json").await;
    assert_eq!(served["info"]["title"], "Portcullis API");
    let ui = app.client.get(app.url("/api/docs/")).send().await.unwrap();
    assert_eq!(ui.status(), StatusCode::OK);
    assert!(
        ui.text().await.unwrap().contains("swagger"),
        "Swagger UI page"
    );
}

#[test]
fn every_catalogue_endpoint_is_a_documented_operation() {
    let doc: serde_json::Value =
        serde_json::to_value(<portcullis_api::openapi::ApiDoc as utoipa::OpenApi>::openapi())
            .unwrap();
    for route in portcullis_shared::endpoints::CATALOGUE {
        let method = route.method.as_str().to_ascii_lowercase();
        assert!(
            doc["paths"][route.path][&method].is_object(),
            "{} {} is in the endpoint catalogue but not in the OpenAPI document",
            route.method.as_str(),
            route.path
        );
    }
}
