use portcullis_shared::dto::HealthDto;
use reqwest::StatusCode;

use crate::harness::TestApp;

async fn livez_and_readyz_answer_ok(app: TestApp) {
    for path in ["/livez", "/readyz"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(response.headers().contains_key("x-request-id"));
        let body: HealthDto = response.json().await.unwrap();
        assert_eq!(body.status, "ok");
    }
}

on_both_backends!(livez_and_readyz_answer_ok);
