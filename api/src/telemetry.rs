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

/// The log's output. A line is formatted on the thread that logs it and
/// appended to [`LOG_BUFFER`]; the log thread writes what has gathered to
/// stderr every [`LOG_FLUSH_EVERY`], in one `write(2)`. A request's thread
/// thus never waits on stderr (its lock, or a slow pipe) and never wakes
/// another thread, whatever the load. (tracing-appender's non-blocking
/// writer woke its thread for every line when the server was not busy: +5%
/// CPU per authenticated read.) Should the buffer reach [`LOG_BUFFER_MAX`], the
/// thread that logs writes it out itself: no line is ever dropped by the
/// server (a process killed outright loses its last 10 ms of lines; a stop
/// writes them out, see [`flush_logs`]).
static LOG_BUFFER: std::sync::Mutex<Vec<u8>> = std::sync::Mutex::new(Vec::new());

/// Held while a batch is taken from [`LOG_BUFFER`] and written, so that
/// batches reach stderr in the order their lines were logged.
static LOG_WRITING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// How long a line waits at most before it is written (while the log thread runs).
const LOG_FLUSH_EVERY: std::time::Duration = std::time::Duration::from_millis(10);

/// The buffer's size at which a logging thread writes it out itself.
const LOG_BUFFER_MAX: usize = 1 << 20;

static LOG_THREAD: std::sync::Once = std::sync::Once::new();

/// Writes out what [`LOG_BUFFER`] holds.
fn write_log_batch(batch: &mut Vec<u8>) {
    let _order = LOG_WRITING.lock().unwrap_or_else(|e| e.into_inner());
    std::mem::swap(
        &mut *LOG_BUFFER.lock().unwrap_or_else(|e| e.into_inner()),
        batch,
    );
    if !batch.is_empty() {
        // Nowhere to report a failed write to: the log is stderr.
        let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), batch);
        batch.clear();
    }
}

/// A line's way into [`LOG_BUFFER`] (the subscriber writes each event with
/// one `write_all`).
struct LogLine;

impl std::io::Write for LogLine {
    fn write(&mut self, line: &[u8]) -> std::io::Result<usize> {
        let full = {
            let mut buffer = LOG_BUFFER.lock().unwrap_or_else(|e| e.into_inner());
            buffer.extend_from_slice(line);
            buffer.len() >= LOG_BUFFER_MAX
        };
        if full {
            write_log_batch(&mut Vec::new());
        }
        Ok(line.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The writer of every call of [`init`]; starts the log thread once.
fn log_writer() -> fn() -> LogLine {
    LOG_THREAD.call_once(|| {
        let started = std::thread::Builder::new()
            .name("portcullis-log".into())
            .spawn(|| {
                let mut batch = Vec::new();
                loop {
                    std::thread::sleep(LOG_FLUSH_EVERY);
                    write_log_batch(&mut batch);
                }
            });
        if let Err(error) = started {
            // Lines are then written when the buffer fills and by flush_logs.
            eprintln!("portcullis: no log thread ({error}): log lines are written in batches");
        }
    });
    || LogLine
}

/// Writes out the log lines not written yet (before the process exits).
pub fn flush_logs() {
    write_log_batch(&mut Vec::new());
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
