//! Optional OpenTelemetry traces (`PORTCULLIS_OTLP_ENDPOINT`): the real binary
//! sends its spans over OTLP/HTTP (JSON) to a local collector stub: a span per
//! request, with the request id, continuing the caller's W3C trace, and a
//! child span per storage call.

use portcullis_shared::routes;
use reqwest::StatusCode;
use serde_json::Value;

use crate::harness::{receiver::Receiver, Backend, ServerProcess};

/// One received span, flattened from OTLP's resource/scope nesting.
#[derive(Debug, Clone)]
struct Span {
    name: String,
    trace_id: String,
    span_id: String,
    parent_span_id: String,
    kind: i64,
    attributes: Vec<(String, String)>,
    service: String,
}

impl Span {
    fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

fn value_text(value: &Value) -> String {
    ["stringValue", "intValue", "boolValue"]
        .iter()
        .find_map(|k| value.get(*k))
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
        .unwrap_or_default()
}

fn attributes(list: &Value) -> Vec<(String, String)> {
    list.as_array()
        .into_iter()
        .flatten()
        .map(|a| {
            (
                a["key"].as_str().unwrap_or_default().to_owned(),
                value_text(&a["value"]),
            )
        })
        .collect()
}

/// The spans the collector stub got at OTLP/HTTP's traces path.
fn spans(collector: &Receiver) -> Vec<Span> {
    let mut spans = Vec::new();
    for request in collector.received() {
        if request.path() != "/v1/traces" {
            continue;
        }
        let body: Value = serde_json::from_slice(&request.body).expect("OTLP JSON");
        for resource in body["resourceSpans"].as_array().into_iter().flatten() {
            let service = attributes(&resource["resource"]["attributes"])
                .into_iter()
                .find(|(k, _)| k == "service.name")
                .map(|(_, v)| v)
                .unwrap_or_default();
            for scope in resource["scopeSpans"].as_array().into_iter().flatten() {
                for span in scope["spans"].as_array().into_iter().flatten() {
                    spans.push(Span {
                        name: span["name"].as_str().unwrap_or_default().to_owned(),
                        trace_id: span["traceId"].as_str().unwrap_or_default().to_owned(),
                        span_id: span["spanId"].as_str().unwrap_or_default().to_owned(),
                        parent_span_id: span["parentSpanId"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned(),
                        kind: span["kind"].as_i64().unwrap_or_default(),
                        attributes: attributes(&span["attributes"]),
                        service: service.clone(),
                    });
                }
            }
        }
    }
    spans
}

/// Waits (up to 10 s) for a received span that `wanted` accepts.
async fn span_where(received: &Receiver, what: &str, wanted: impl Fn(&Span) -> bool) -> Span {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        if let Some(span) = spans(received).into_iter().find(|s| wanted(s)) {
            return span;
        }
        assert!(
            std::time::Instant::now() < until,
            "no span {what} within 10 s: {:#?}",
            spans(received)
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

const CALLER_TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

async fn requests_and_their_storage_calls_are_sent_as_spans_to_the_otlp_collector(
    backend: Backend,
) {
    let received = Receiver::start().await;
    let endpoint = received.url_of("");
    let server = ServerProcess::spawn(
        backend,
        &[
            ("PORTCULLIS_OTLP_ENDPOINT", endpoint.as_str()),
            ("PORTCULLIS_OTLP_EXPORT_INTERVAL_MS", "100"),
        ],
    )
    .await;
    let app = &server.app;
    let live = app
        .client
        .get(app.url(routes::LIVEZ))
        .header("X-Request-Id", "trace-livez-1")
        .header(
            "traceparent",
            format!("00-{CALLER_TRACE}-00f067aa0ba902b7-01"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(live.status(), StatusCode::OK);
    let livez = span_where(&received, "for GET /livez", |s| {
        s.attribute("request_id") == Some("trace-livez-1")
    })
    .await;
    assert_eq!(livez.name, "GET /livez");
    assert_eq!(livez.service, "portcullis");
    assert_eq!(livez.kind, 2, "a server span: {livez:?}");
    assert_eq!(livez.trace_id, CALLER_TRACE, "the caller's trace goes on");
    assert_eq!(livez.parent_span_id, "00f067aa0ba902b7");
    assert_eq!(livez.attribute("http.response.status_code"), Some("200"));
    assert_eq!(livez.attribute("http.route"), Some("/livez"));

    // A sign-up touches storage: its storage spans are children of its request span.
    app.signed_in("traced@example.com").await;
    let me = app
        .client
        .get(app.url(routes::ME))
        .header("X-Request-Id", "trace-me-1")
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    let request = span_where(&received, "for GET /api/v1/me", |s| {
        s.attribute("request_id") == Some("trace-me-1")
    })
    .await;
    assert_eq!(request.name, format!("GET {}", routes::ME));
    assert_eq!(
        request.parent_span_id, "",
        "a root span without a traceparent"
    );
    let storage = span_where(&received, "of storage within GET /api/v1/me", |s| {
        s.parent_span_id == request.span_id
    })
    .await;
    assert!(storage.name.starts_with("storage "), "{storage:?}");
    assert_eq!(storage.trace_id, request.trace_id);
    let system = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgresql",
    };
    assert_eq!(storage.attribute("db.system.name"), Some(system));
    assert_eq!(storage.kind, 3, "a client span: {storage:?}");
}

on_both_backends!(requests_and_their_storage_calls_are_sent_as_spans_to_the_otlp_collector);
