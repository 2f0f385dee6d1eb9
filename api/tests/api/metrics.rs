//! Prometheus metrics on their own listener (`PORTCULLIS_METRICS_ADDR`).

use portcullis_shared::{routes, scope::Scope};
use reqwest::StatusCode;

use crate::harness::{token_request, Backend, TestApp};

pub const METRICS: &[(&str, &str)] = &[("PORTCULLIS_METRICS_ADDR", "127.0.0.1:0")];

/// The value of the sample whose line starts with `series` (name and labels).
pub fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
}

pub async fn scrape(app: &TestApp) -> String {
    let address = app.metrics_address.as_ref().expect("metrics listener");
    let response = app
        .client
        .get(format!("{address}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    response.text().await.unwrap()
}

async fn metrics_count_requests_by_route_and_refusals_by_reason(app: TestApp) {
    // Not on the public port.
    let public = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(public.status(), StatusCode::NOT_FOUND);

    for _ in 0..3 {
        let ok = app.client.get(app.url(routes::LIVEZ)).send().await.unwrap();
        assert_eq!(ok.status(), StatusCode::OK);
    }
    let me = app.signed_in("metrics@example.com").await;
    let token = app
        .create_token(&me, &token_request("m", &[Scope::Profile]))
        .await;
    let missing = app
        .client_builder()
        .build()
        .unwrap()
        .get(app.url(routes::PROFILE))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
    let unscoped = app
        .bearer_get(&routes::SMS_MESSAGE.replace("{id}", "msg_x"), &token.secret)
        .await;
    assert_eq!(unscoped.status(), StatusCode::FORBIDDEN);

    let text = scrape(&app).await;
    let livez = sample(
        &text,
        r#"portcullis_http_requests_total{method="GET",route="/livez",status="200"}"#,
    );
    assert_eq!(livez, Some(3.0), "{text}");
    // Routes are labelled by pattern, never by the concrete path.
    assert_eq!(
        sample(
            &text,
            r#"portcullis_http_requests_total{method="GET",route="/api/v1/sms/{id}",status="403"}"#
        ),
        Some(1.0),
        "{text}"
    );
    assert!(!text.contains("msg_x"), "{text}");
    assert_eq!(
        sample(
            &text,
            r#"portcullis_http_request_duration_seconds_count{method="GET",route="/livez",status="200"}"#
        ),
        Some(3.0)
    );
    assert_eq!(
        sample(
            &text,
            r#"portcullis_auth_refusals_total{reason="missing_token"}"#
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            r#"portcullis_auth_refusals_total{reason="permission_denied"}"#
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(&text, "portcullis_sms_dispatch_queue_depth"),
        Some(0.0)
    );
    assert_eq!(
        sample(&text, r#"portcullis_db_pool_connections{state="max"}"#),
        Some(4.0)
    );
    assert!(sample(&text, r#"portcullis_db_pool_connections{state="idle"}"#).is_some());
}

/// Polls the metrics (up to 5 s) until `series` has `value`.
async fn until_sample(app: &TestApp, series: &str, value: f64) {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let text = scrape(app).await;
        if sample(&text, series) == Some(value) {
            return;
        }
        assert!(
            std::time::Instant::now() < until,
            "{series} is not {value}: {text}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

async fn the_cache_sync_listener_reports_itself_up(app: TestApp) {
    until_sample(&app, "portcullis_cache_sync_listener_up", 1.0).await;
    assert_eq!(
        sample(&scrape(&app).await, "portcullis_cache_sync_resyncs_total"),
        Some(0.0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_cache_sync_listener_is_counted_and_comes_back_up() {
    let app = TestApp::spawn_with(Backend::Postgres, METRICS).await;
    until_sample(&app, "portcullis_cache_sync_listener_up", 1.0).await;
    let mut conn = app.db();
    assert_eq!(crate::scale_out::drop_listeners(&mut conn), 1);
    // It reconnects (after half a second), resynchronises and is counted.
    until_sample(&app, "portcullis_cache_sync_resyncs_total", 1.0).await;
    until_sample(&app, "portcullis_cache_sync_listener_up", 1.0).await;
}

/// A client choosing the method's name must not choose the metrics' series: each
/// new label set is a counter and a histogram kept for the process's life (and a
/// scrape that grows with it), so made-up methods are counted as `_OTHER`.
async fn made_up_methods_do_not_make_new_series(app: TestApp) {
    let series = |text: &str| {
        text.lines()
            .filter(|line| line.starts_with("portcullis_http_requests_total{"))
            .count()
    };
    // The status of a request with `method` to `path`.
    let answer = |method: String, path: &'static str| {
        let request = app.client.request(
            reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
            app.url(path),
        );
        async move { request.send().await.unwrap().status() }
    };
    // The series a made-up method's answers fall into, made beforehand.
    assert_eq!(
        answer("PROBE".into(), routes::LIVEZ).await,
        StatusCode::METHOD_NOT_ALLOWED
    );
    assert_eq!(
        answer("PROBE".into(), "/nowhere").await,
        StatusCode::NOT_FOUND
    );
    let before = scrape(&app).await;

    for i in 0..40 {
        for path in [routes::LIVEZ, "/nowhere"] {
            let status = answer(format!("MADEUP{i}"), path).await;
            assert!(status.is_client_error(), "{status}");
        }
    }
    let after = scrape(&app).await;
    assert!(
        !after.contains("MADEUP") && !after.contains("PROBE"),
        "{after}"
    );
    assert_eq!(series(&after), series(&before), "{after}");
    assert_eq!(
        sample(
            &after,
            r#"portcullis_http_requests_total{method="_OTHER",route="/livez",status="405"}"#
        ),
        Some(41.0),
        "{after}"
    );
    // Every standard method keeps its own name.
    assert_eq!(
        answer("DELETE".into(), routes::LIVEZ).await,
        StatusCode::METHOD_NOT_ALLOWED
    );
    let text = scrape(&app).await;
    assert_eq!(
        sample(
            &text,
            r#"portcullis_http_requests_total{method="DELETE",route="/livez",status="405"}"#
        ),
        Some(1.0),
        "{text}"
    );
}

on_both_backends!(settings = METRICS;
    metrics_count_requests_by_route_and_refusals_by_reason,
    made_up_methods_do_not_make_new_series,
    the_cache_sync_listener_reports_itself_up,
);
