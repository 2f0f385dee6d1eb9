//! Logging: the subscriber, request ids, and one log line per request.

use std::time::Instant;

use actix_web::{
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::header::{HeaderName, HeaderValue},
    middleware::Next,
    HttpMessage,
};
use portcullis_shared::routes::REQUEST_ID_HEADER;
use tracing::{Instrument, Level};
use tracing_appender::non_blocking::{NonBlocking, NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::{
    filter::Targets, fmt, layer::SubscriberExt, util::SubscriberInitExt, EnvFilter, Layer,
};

use crate::config::{Config, LogFormat};

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being served, when called from within one.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// The request id, as stored in the request's extensions.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// The target of the spans made for OpenTelemetry (a span per request and per
/// storage call). Only the OTLP layer listens to it, so without
/// `PORTCULLIS_OTLP_ENDPOINT` these spans are disabled at their call sites and
/// cost next to nothing; the log lines never show them.
pub const TRACE_TARGET: &str = "portcullis::trace";

/// The tracer provider, kept to flush the last spans at shutdown.
static TRACER_PROVIDER: std::sync::OnceLock<opentelemetry_sdk::trace::SdkTracerProvider> =
    std::sync::OnceLock::new();

/// The log writer shared by every call of [`init`]: lines are formatted on the
/// thread that logs them and handed to a thread of their own, which writes
/// them to stderr through a buffer, as many to a `write(2)` as have queued up.
/// A request's thread never waits on stderr's lock or its pipe, unless the
/// queue is full ([`LOG_QUEUE_LINES`]): then it waits, and no line is dropped.
static LOG_WRITER: std::sync::OnceLock<NonBlocking> = std::sync::OnceLock::new();

/// The log thread's guard: dropped by [`flush_logs`], which writes out what
/// is queued and ends the thread.
static LOG_THREAD: std::sync::Mutex<Option<WorkerGuard>> = std::sync::Mutex::new(None);

/// Lines queued for the log thread before a logging thread waits for it:
/// tens of milliseconds of a busy server's lines, about a megabyte at most
/// (65,536 would let a log thread falling behind hold some 15 MB).
const LOG_QUEUE_LINES: usize = 4096;

fn log_writer() -> NonBlocking {
    LOG_WRITER
        .get_or_init(|| {
            let (writer, guard) = NonBlockingBuilder::default()
                .lossy(false)
                .buffered_lines_limit(LOG_QUEUE_LINES)
                .thread_name("portcullis-log")
                .finish(std::io::BufWriter::with_capacity(
                    64 * 1024,
                    std::io::stderr(),
                ));
            *LOG_THREAD.lock().unwrap_or_else(|e| e.into_inner()) = Some(guard);
            writer
        })
        .clone()
}

/// Writes out the log lines still queued and stops the log thread (before the
/// process exits; later lines go nowhere).
pub fn flush_logs() {
    drop(LOG_THREAD.lock().unwrap_or_else(|e| e.into_inner()).take());
}

/// Installs the global subscriber (logs go to stderr; stdout carries only the
/// "listening on" line), and the OTLP span exporter when configured. Safe to
/// call more than once (the first call wins). Call [`flush_logs`] before the
/// process exits.
pub fn init(config: &Config) {
    let filter = EnvFilter::try_new(&config.log_filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let logs = match config.log_format {
        LogFormat::Json => fmt::layer()
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .with_writer(log_writer())
            .boxed(),
        LogFormat::Text => fmt::layer()
            .with_writer(log_writer())
            .with_ansi(ansi)
            .boxed(),
    };
    let traces = config.otlp_endpoint.as_deref().and_then(|endpoint| {
        match otlp_provider(endpoint, config.otlp_export_interval) {
            Ok(provider) => {
                let tracer = opentelemetry::trace::TracerProvider::tracer(&provider, "portcullis");
                let _ = TRACER_PROVIDER.set(provider);
                Some(
                    tracing_opentelemetry::layer()
                        .with_tracer(tracer)
                        .with_filter(Targets::new().with_target(TRACE_TARGET, Level::TRACE)),
                )
            }
            Err(error) => {
                eprintln!("portcullis: OpenTelemetry traces are off: {error:#}");
                None
            }
        }
    });
    let installed = tracing_subscriber::registry()
        .with(logs.with_filter(filter))
        .with(traces)
        .try_init();
    if installed.is_ok() && config.otlp_endpoint.is_some() {
        opentelemetry::global::set_text_map_propagator(
            opentelemetry_sdk::propagation::TraceContextPropagator::new(),
        );
        tracing::info!(
            endpoint = config.otlp_endpoint.as_deref().unwrap_or_default(),
            "OpenTelemetry traces are sent over OTLP/HTTP"
        );
    }
}

/// The OTLP/HTTP (JSON) exporter behind a batch processor that sends at least
/// every `interval`. Built on a thread of its own: its blocking HTTP client
/// must not be made on an async worker.
fn otlp_provider(
    endpoint: &str,
    interval: std::time::Duration,
) -> anyhow::Result<opentelemetry_sdk::trace::SdkTracerProvider> {
    use opentelemetry_otlp::{Protocol, WithExportConfig};
    use opentelemetry_sdk::trace::{BatchConfigBuilder, BatchSpanProcessor, SdkTracerProvider};
    let endpoint = format!("{endpoint}/v1/traces");
    std::thread::spawn(move || {
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_protocol(Protocol::HttpJson)
            .with_endpoint(endpoint)
            .with_timeout(std::time::Duration::from_secs(5))
            .build()?;
        let processor = BatchSpanProcessor::builder(exporter)
            .with_batch_config(
                BatchConfigBuilder::default()
                    .with_scheduled_delay(interval)
                    .build(),
            )
            .build();
        Ok(SdkTracerProvider::builder()
            .with_span_processor(processor)
            .with_resource(
                opentelemetry_sdk::Resource::builder()
                    .with_service_name("portcullis")
                    .build(),
            )
            .build())
    })
    .join()
    .map_err(|_| anyhow::anyhow!("the OTLP exporter could not be built"))?
}

/// Sends the spans not sent yet (at shutdown).
pub fn flush_traces() {
    if let Some(provider) = TRACER_PROVIDER.get() {
        if let Err(error) = provider.force_flush() {
            tracing::warn!(%error, "could not send the last OpenTelemetry spans");
        }
    }
}

/// Reads W3C trace context (`traceparent`) from request headers.
struct HeaderExtractor<'a>(&'a actix_web::http::header::HeaderMap);

impl opentelemetry::propagation::Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|k| k.as_str()).collect()
    }
}

/// The request's span for OpenTelemetry (disabled, and free, without an OTLP
/// endpoint), continuing the caller's trace when it sent a `traceparent`.
fn request_span(req: &ServiceRequest, request_id: &str) -> tracing::Span {
    let span = tracing::span!(
        target: TRACE_TARGET,
        Level::TRACE,
        "request",
        otel.kind = "server",
        http.request.method = %req.method(),
        url.path = req.path(),
        http.route = tracing::field::Empty,
        http.response.status_code = tracing::field::Empty,
        request_id,
    );
    if !span.is_disabled() {
        let parent = opentelemetry::global::get_text_map_propagator(|propagator| {
            propagator.extract(&HeaderExtractor(req.headers()))
        });
        let _ = tracing_opentelemetry::OpenTelemetrySpanExt::set_parent(&span, parent);
    }
    span
}

/// Accepts a caller's request id only when it is short and plain, so it can't
/// forge log lines.
fn incoming_request_id(req: &ServiceRequest) -> Option<String> {
    let value = req.headers().get(REQUEST_ID_HEADER)?.to_str().ok()?;
    let plain = !value.is_empty()
        && value.len() <= 64
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    plain.then(|| value.to_owned())
}

/// Assigns the request id, echoes it in `X-Request-Id`, and logs one line when
/// the response is ready. Only the path is logged: query strings may carry secrets.
pub async fn request_log(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let request_id =
        incoming_request_id(&req).unwrap_or_else(|| uuid::Uuid::now_v7().simple().to_string());
    req.extensions_mut().insert(RequestId(request_id.clone()));
    let method = req.method().clone();
    let path = req.path().to_owned();
    let peer = req
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_default();
    let started = Instant::now();
    let span = request_span(&req, &request_id);

    let result = REQUEST_ID
        .scope(request_id.clone(), next.call(req))
        .instrument(span.clone())
        .await;

    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    match result {
        Ok(mut response) => {
            let status = response.status().as_u16();
            if !span.is_disabled() {
                let route = response.request().match_pattern();
                let route = route.as_deref().unwrap_or("unmatched");
                // The span has started: its name changes through its context.
                use opentelemetry::trace::TraceContextExt;
                tracing_opentelemetry::OpenTelemetrySpanExt::context(&span)
                    .span()
                    .update_name(format!("{method} {route}"));
                span.record("http.route", route);
                span.record("http.response.status_code", status);
            }
            tracing::info!(request_id, %method, path, status, elapsed_ms, peer, "request");
            if let Ok(value) = HeaderValue::from_str(&request_id) {
                response
                    .headers_mut()
                    .insert(HeaderName::from_static("x-request-id"), value);
            }
            Ok(response)
        }
        Err(error) => {
            tracing::warn!(request_id, %method, path, elapsed_ms, peer, error = %error, "request failed");
            Err(error)
        }
    }
}
