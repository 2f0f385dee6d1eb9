//! Logging: the subscriber, request ids, and one log line per request.

use std::{panic::AssertUnwindSafe, rc::Rc, time::Instant};

use actix_http::encoding::Encoder;
use actix_web::{
    body::{EitherBody, MessageBody},
    dev::{Service, ServiceRequest, ServiceResponse, Transform},
    http::header::ContentEncoding,
    http::header::{HeaderName, HeaderValue},
};
use tracing::Level;
use tracing_subscriber::{
    filter::Targets, fmt, layer::SubscriberExt, util::SubscriberInitExt, EnvFilter, Layer,
};

use crate::config::{Config, LogFormat};

tokio::task_local! {
    static REQUEST_ID: RequestId;
}

/// The id of the request being served, when called from within one.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(|id| id.as_str().to_owned()).ok()
}

/// [`portcullis_shared::routes::REQUEST_ID_HEADER`] as a header name, made
/// once (a `&str` is parsed into one at every lookup).
const REQUEST_ID_HEADER_NAME: HeaderName = HeaderName::from_static("x-request-id");

/// The longest request id a caller may send (see [`incoming_request_id`]).
const REQUEST_ID_MAX: usize = 64;

/// A request id, kept inline: copied into the task-local and the log line
/// without an allocation or a reference count; its header value is made once,
/// for the answer. Always ASCII letters, digits, `-` and `_`.
#[derive(Debug, Clone, Copy)]
pub struct RequestId {
    len: u8,
    bytes: [u8; REQUEST_ID_MAX],
}

impl RequestId {
    /// `text` must be 1 to [`REQUEST_ID_MAX`] ASCII letters, digits, `-` or `_`.
    fn new(text: &[u8]) -> Self {
        let mut bytes = [0; REQUEST_ID_MAX];
        bytes[..text.len()].copy_from_slice(text);
        Self {
            len: text.len() as u8,
            bytes,
        }
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }

    fn header_value(&self) -> HeaderValue {
        HeaderValue::from_bytes(&self.bytes[..usize::from(self.len)])
            .expect("letters, digits, - and _ are a valid header value")
    }
}

/// The target of the spans made for OpenTelemetry (a span per request and per
/// storage call). Only the OTLP layer listens to it, so without
/// `PORTCULLIS_OTLP_ENDPOINT` these spans are disabled at their call sites and
/// cost next to nothing; the log lines never show them.
pub const TRACE_TARGET: &str = "portcullis::trace";

/// The tracer provider, kept to flush the last spans at shutdown.
static TRACER_PROVIDER: std::sync::OnceLock<opentelemetry_sdk::trace::SdkTracerProvider> =
    std::sync::OnceLock::new();

/// A thread's log lines not written yet.
type LogBuffer = std::sync::Arc<std::sync::Mutex<Vec<u8>>>;

/// The log's output. A line is formatted on the thread that logs it and
/// appended to that thread's [`LogBuffer`]; the log thread writes what has
/// gathered in them all to stderr every [`LOG_FLUSH_EVERY`], in one
/// `write(2)`. A request's thread thus never waits on stderr (its lock, or a
/// slow pipe), never wakes another thread, and never takes a lock another
/// worker takes, whatever the load. (tracing-appender's non-blocking writer
/// woke its thread for every line when the server was not busy: +5% CPU per
/// authenticated read; one buffer for all threads was a lock and a cache line
/// the workers took from each other at every line.) Each thread's lines keep
/// their order; lines of different threads logged within the same
/// [`LOG_FLUSH_EVERY`] are written thread by thread (each carries its
/// timestamp, to the microsecond). Should a thread's buffer reach
/// [`LOG_BUFFER_MAX`], that thread writes out the batch itself: no line is
/// ever dropped by the server (a process killed outright loses its last 10 ms
/// of lines; a stop writes them out, see [`flush_logs`]).
static LOG_BUFFERS: std::sync::Mutex<Vec<LogBuffer>> = std::sync::Mutex::new(Vec::new());

thread_local! {
    /// This thread's [`LogBuffer`], in [`LOG_BUFFERS`] from its first line.
    static LOG_BUFFER: LogBuffer = {
        let buffer = LogBuffer::default();
        LOG_BUFFERS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(buffer.clone());
        buffer
    };
}

/// Held while a batch is taken from the [`LOG_BUFFERS`] and written, so that
/// batches reach stderr in the order their lines were logged.
static LOG_WRITING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// How long a line waits at most before it is written (while the log thread runs).
const LOG_FLUSH_EVERY: std::time::Duration = std::time::Duration::from_millis(10);

/// The size of a thread's buffer at which it writes out the batch itself.
const LOG_BUFFER_MAX: usize = 1 << 20;

static LOG_THREAD: std::sync::Once = std::sync::Once::new();

/// Writes out what the [`LOG_BUFFERS`] hold.
fn write_log_batch(batch: &mut Vec<u8>) {
    let _order = LOG_WRITING.lock().unwrap_or_else(|e| e.into_inner());
    {
        let mut buffers = LOG_BUFFERS.lock().unwrap_or_else(|e| e.into_inner());
        for buffer in buffers.iter() {
            let mut lines = buffer.lock().unwrap_or_else(|e| e.into_inner());
            batch.extend_from_slice(&lines);
            lines.clear();
        }
        // A thread that has ended left its last lines, taken above.
        buffers.retain(|buffer| std::sync::Arc::strong_count(buffer) > 1);
    }
    if !batch.is_empty() {
        // Nowhere to report a failed write to: the log is stderr.
        let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), batch);
        batch.clear();
    }
}

/// A line's way into its thread's [`LogBuffer`] (the subscriber writes each
/// event with one `write_all`).
struct LogLine;

impl std::io::Write for LogLine {
    fn write(&mut self, line: &[u8]) -> std::io::Result<usize> {
        append_line(|lines| lines.extend_from_slice(line));
        Ok(line.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Appends a line, written by `write`, to this thread's [`LogBuffer`] (in
/// place: no copy of its own first).
fn append_line(write: impl FnOnce(&mut Vec<u8>)) {
    let mut write = Some(write);
    let full = LOG_BUFFER.try_with(|buffer| {
        let mut lines = buffer.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(write) = write.take() {
            write(&mut lines);
        }
        lines.len() >= LOG_BUFFER_MAX
    });
    match full {
        Ok(false) => {}
        Ok(true) => write_log_batch(&mut Vec::new()),
        // The thread is ending and its buffer is gone: straight out.
        Err(_) => {
            let mut line = Vec::new();
            if let Some(write) = write.take() {
                write(&mut line);
            }
            let _order = LOG_WRITING.lock().unwrap_or_else(|e| e.into_inner());
            let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), &line);
        }
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
    let request_lines_pass = request_lines_pass(&filter);
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
    if installed.is_ok() {
        let _ = REQUEST_LINES.set(request_lines_pass.then_some(config.log_format));
    }
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

/// Whether `filter` lets through this module's INFO events: the request
/// lines ([`RequestLine::log`]), decided once (the filter never changes) by
/// the filter itself. (`tracing::enabled!` said yes to them whenever the
/// filter let any INFO event through, as the log layer's filter is its own.)
/// A line is logged outside any span, so only the directives that name no
/// span apply to it: those make the callsite's interest `always` or not
/// (`sometimes` says a directive naming a span might, inside that span).
fn request_lines_pass(filter: &EnvFilter) -> bool {
    let callsite = tracing::callsite! {
        name: "request",
        kind: tracing::metadata::Kind::EVENT,
        level: Level::INFO,
        fields:
    };
    let interest = <EnvFilter as tracing_subscriber::layer::Filter<tracing_subscriber::Registry>>::callsite_enabled(
        filter,
        tracing::callsite::Callsite::metadata(callsite),
    );
    interest.is_always()
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
fn incoming_request_id(req: &ServiceRequest) -> Option<RequestId> {
    let value = req.headers().get(&REQUEST_ID_HEADER_NAME)?;
    let bytes = value.as_bytes();
    let plain = !bytes.is_empty()
        && bytes.len() <= REQUEST_ID_MAX
        && bytes
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    plain.then(|| RequestId::new(bytes))
}

thread_local! {
    /// A thread's reading of the wall clock beside the monotonic one, taken
    /// again once a second: a request's wall-clock times (its id's
    /// millisecond, its log line's timestamp) are worked out from the
    /// `Instant`s it reads anyway, without a clock read of their own. (The
    /// two clocks are slewed alike by NTP; a step of the wall clock shows
    /// within a second.)
    static WALL_CLOCK: std::cell::Cell<Option<(Instant, std::time::Duration)>> =
        const { std::cell::Cell::new(None) };

    /// The millisecond of a thread's last request id and its counter.
    static REQUEST_ID_COUNTER: std::cell::Cell<(u64, u64)> = const { std::cell::Cell::new((0, 0)) };
}

/// How long a thread's [`WALL_CLOCK`] reading serves.
const WALL_CLOCK_FOR: std::time::Duration = std::time::Duration::from_secs(1);

/// The wall-clock time at `at`, since the Unix epoch.
fn wall_clock(at: Instant) -> std::time::Duration {
    WALL_CLOCK.with(|reading| {
        let (instant, wall) = match reading.get() {
            Some(taken) if at.saturating_duration_since(taken.0) < WALL_CLOCK_FOR => taken,
            _ => {
                let taken = (
                    Instant::now(),
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .unwrap_or_default(),
                );
                reading.set(Some(taken));
                taken
            }
        };
        match at.checked_duration_since(instant) {
            Some(since) => wall + since,
            None => wall.saturating_sub(instant - at),
        }
    })
}

/// The bits of a request id's counter (RFC 9562's method 1, as `uuid`'s
/// `ContextV7` counts): 12 in `rand_a`, 30 at the head of `rand_b`.
const REQUEST_ID_COUNTER_BITS: u32 = 42;

/// A new request id for a request that started `at`: a UUIDv7 in 32 hex
/// digits. Ids of one thread are time-ordered (by millisecond, then by a
/// counter seeded at random each millisecond), those of different threads by
/// the millisecond; each ends in 32 random bits, so ids stay unique across
/// threads and processes. The same layout as `uuid`'s `ContextV7`, without
/// its clock read and 128-bit divisions.
fn new_request_id(at: Instant) -> RequestId {
    let wall = wall_clock(at);
    let now = wall.as_secs() * 1000 + u64::from(wall.subsec_millis());
    let (millis, counter) = REQUEST_ID_COUNTER.with(|state| {
        let (last, counter) = state.get();
        // A seed in the lower half leaves room to count within the millisecond.
        let reseed = || rand::random::<u64>() >> (64 - (REQUEST_ID_COUNTER_BITS - 1));
        let next = if now > last {
            (now, reseed())
        } else if counter + 1 < 1 << REQUEST_ID_COUNTER_BITS {
            // The same millisecond, or the wall clock stepped back: count on.
            (last, counter + 1)
        } else {
            (last + 1, reseed())
        };
        state.set(next);
        next
    });
    let id = (u128::from(millis & 0xffff_ffff_ffff) << 80)
        | (0x7 << 76)
        | (u128::from(counter >> 30) << 64)
        | (0b10 << 62)
        | (u128::from(counter & 0x3fff_ffff) << 32)
        | u128::from(rand::random::<u32>());
    let mut hex = [0u8; uuid::fmt::Simple::LENGTH];
    RequestId::new(
        uuid::Uuid::from_u128(id)
            .simple()
            .encode_lower(&mut hex)
            .as_bytes(),
    )
}

/// The request log's middleware: assigns the request id, echoes it in
/// `X-Request-Id`, serves the request with the panic guard and the security
/// headers ([`crate::middleware::secure`]), logs one line when
/// the response is ready, and counts and times the request in the metrics
/// ([`crate::metrics::track`]). Only the path is logged: query strings may
/// carry secrets.
///
/// Written as a `Transform` rather than with `from_fn`: the metrics and the
/// security headers are the worker's own (no extraction and no atomic
/// reference count per request), and the wrapped service is called directly
/// (no boxed `Next`): 0.2 µs of server CPU per request on `GET /livez`.
#[derive(Clone)]
pub struct RequestLog {
    metrics: actix_web::web::Data<crate::metrics::Metrics>,
    security_headers: actix_web::web::Data<crate::middleware::SecurityHeaders>,
}

impl RequestLog {
    pub fn new(
        metrics: actix_web::web::Data<crate::metrics::Metrics>,
        security_headers: actix_web::web::Data<crate::middleware::SecurityHeaders>,
    ) -> Self {
        Self {
            metrics,
            security_headers,
        }
    }
}

/// [`RequestLog`] around one worker's service.
pub struct RequestLogService<S> {
    service: Rc<S>,
    log: Rc<RequestLog>,
}

impl<S, B> Transform<S, ServiceRequest> for RequestLog
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<AnswerBody<B>>;
    type Error = actix_web::Error;
    type Transform = RequestLogService<S>;
    type InitError = ();
    type Future = std::future::Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        std::future::ready(Ok(RequestLogService {
            service: Rc::new(service),
            log: Rc::new(self.clone()),
        }))
    }
}

/// The body of an answer through [`RequestLog`]: the wrapped service's, or a
/// problem for a stray error, compressed as negotiated; or the refusal of an
/// `Accept-Encoding` that allows none of ours.
pub type AnswerBody<B> = EitherBody<Encoder<EitherBody<B>>>;

/// An answer through [`RequestLog`].
type Answer<B> = Result<ServiceResponse<AnswerBody<B>>, actix_web::Error>;

impl<S, B> Service<ServiceRequest> for RequestLogService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<AnswerBody<B>>;
    type Error = actix_web::Error;
    type Future = RequestLogFuture<S, S::Future, B>;

    actix_web::dev::forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let started = Instant::now();
        let id = incoming_request_id(&req).unwrap_or_else(|| new_request_id(started));
        let method = req.method().clone();
        let path = req.path().to_owned();
        let kind = crate::middleware::PathKind::of(&path);
        let peer = req.peer_addr().map(|a| a.ip());
        let span = request_span(&req, id.as_str());
        let encoding = crate::middleware::negotiate_encoding(&req);
        RequestLogFuture {
            stage: Stage::Calling {
                service: self.service.clone(),
                req: Some(req),
            },
            log: self.log.clone(),
            id,
            kind,
            encoding,
            method,
            path,
            peer,
            started,
            span,
            body: std::marker::PhantomData,
        }
    }
}

pin_project_lite::pin_project! {
    /// Where a request through [`RequestLog`] is.
    #[project = StageProjection]
    enum Stage<S, F> {
        /// Not served yet: the wrapped service is called at the first poll,
        /// in the request's scope and under the panic guard with the first
        /// poll of its future (one scope, not one for the call and one for
        /// each poll).
        Calling { service: Rc<S>, req: Option<ServiceRequest> },
        /// The wrapped service's future.
        Serving { #[pin] served: F },
    }
}

/// Calls the wrapped service (or refuses the request when no encoding of
/// ours is acceptable) and polls its future; a stray error becomes
/// problem+json, and the answer is compressed as negotiated.
fn serve<S, B>(
    mut stage: std::pin::Pin<&mut Stage<S, S::Future>>,
    encoding: Option<ContentEncoding>,
    cx: &mut std::task::Context<'_>,
) -> std::task::Poll<Answer<B>>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody + 'static,
{
    loop {
        match stage.as_mut().project() {
            StageProjection::Calling { service, req } => {
                let req = req
                    .take()
                    .expect("a request log future called its service twice");
                if encoding.is_none() {
                    return std::task::Poll::Ready(Ok(crate::middleware::refuse_encodings(req)));
                }
                let served = service.call(req);
                stage.set(Stage::Serving { served });
            }
            StageProjection::Serving { served } => {
                let result = std::task::ready!(std::future::Future::poll(served, cx));
                let encoding = encoding.unwrap_or(ContentEncoding::Identity);
                return std::task::Poll::Ready(
                    result.map(|response| crate::middleware::finish(response, encoding)),
                );
            }
        }
    }
}

pin_project_lite::pin_project! {
    /// One request through [`RequestLog`]: the wrapped service, called at the
    /// first poll, and its future, polled in the request's id scope and span
    /// with the panic guard (see [`serve`]), then
    /// problem+json for a stray error, the compression, the security headers,
    /// the metrics, the log line and `X-Request-Id`. One future written out
    /// by hand for what were five layers (actix-web's `ErrorHandlers` and
    /// `Compress` among them), not nested async blocks in a box: each layer
    /// moved the future below it, and then its answer, once more per request
    /// (a memcpy of hundreds of bytes each time), and the box was an
    /// allocation.
    pub struct RequestLogFuture<S, F, B> {
        #[pin]
        stage: Stage<S, F>,
        log: Rc<RequestLog>,
        id: RequestId,
        kind: crate::middleware::PathKind,
        // None: no encoding of ours is acceptable.
        encoding: Option<ContentEncoding>,
        method: actix_web::http::Method,
        path: String,
        peer: Option<std::net::IpAddr>,
        started: Instant,
        span: tracing::Span,
        body: std::marker::PhantomData<fn() -> B>,
    }
}

impl<S, B> std::future::Future for RequestLogFuture<S, S::Future, B>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody + 'static,
{
    type Output = Answer<B>;

    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        let this = self.project();
        let security_headers = &this.log.security_headers;
        let (kind, encoding) = (*this.kind, *this.encoding);
        let polled = {
            let _entered = this.span.enter();
            REQUEST_ID.sync_scope(*this.id, || {
                let mut polled =
                    std::panic::catch_unwind(AssertUnwindSafe(|| serve(this.stage, encoding, cx)))
                        .unwrap_or_else(|panic| {
                            std::task::Poll::Ready(Err(crate::middleware::panic_error(panic)))
                        });
                if let std::task::Poll::Ready(result) = &mut polled {
                    crate::middleware::secure(security_headers, kind, result);
                }
                polled
            })
        };
        let result = std::task::ready!(polled);
        let (id, span) = (*this.id, &*this.span);
        let ended = Instant::now();
        let elapsed = ended.saturating_duration_since(*this.started);
        crate::metrics::track(&this.log.metrics, &result, elapsed);
        let request_id = id.as_str();
        let method = this.method.as_str();
        std::task::Poll::Ready(match result {
            Ok(mut response) => {
                let status = response.status().as_u16();
                if !span.is_disabled() {
                    let route = crate::routes::RoutePattern::of(response.request());
                    let route = route.as_ref();
                    // The span has started: its name changes through its context.
                    use opentelemetry::trace::TraceContextExt;
                    tracing_opentelemetry::OpenTelemetrySpanExt::context(span)
                        .span()
                        .update_name(format!("{method} {route}"));
                    span.record("http.route", route);
                    span.record("http.response.status_code", status);
                }
                let line = RequestLine {
                    request_id,
                    method,
                    path: this.path,
                    status,
                    elapsed,
                    peer: *this.peer,
                };
                line.log(ended);
                response
                    .headers_mut()
                    .insert(REQUEST_ID_HEADER_NAME, id.header_value());
                Ok(response)
            }
            Err(error) => {
                let elapsed_ms = elapsed.as_secs_f64() * 1000.0;
                let peer = this.peer.map(|ip| ip.to_string()).unwrap_or_default();
                let path = this.path.as_str();
                tracing::warn!(request_id, method, path, elapsed_ms, peer, error = %error, "request failed");
                Err(error)
            }
        })
    }
}

/// The log's format once [`init`] installed our subscriber: request lines are
/// then written by [`RequestLine::log`] itself (the same line the subscriber
/// would write, without its field visitors: most of a request's logging
/// cost on `GET /livez`), or not at all (`None`) when the filter
/// (`PORTCULLIS_LOG`) leaves out this module's INFO events. Unset (another
/// subscriber, as in unit tests), they go through `tracing`.
static REQUEST_LINES: std::sync::OnceLock<Option<LogFormat>> = std::sync::OnceLock::new();

/// The one line logged per answered request.
struct RequestLine<'a> {
    request_id: &'a str,
    method: &'a str,
    path: &'a str,
    status: u16,
    elapsed: std::time::Duration,
    peer: Option<std::net::IpAddr>,
}

thread_local! {
    /// The second a logging thread's timestamp prefix (`2026-12-04T23:36:19`)
    /// was formatted for, and that prefix.
    static TIMESTAMP_PREFIX: std::cell::RefCell<(u64, String)> =
        const { std::cell::RefCell::new((u64::MAX, String::new())) };
}

impl RequestLine<'_> {
    /// Logs the line, timestamped `ended`, at INFO under this module's
    /// target, honouring the filter (`PORTCULLIS_LOG`) as any event does.
    #[inline(never)] // a frame of its own in profiles (bench/pipeline/stages.py)
    fn log(&self, ended: Instant) {
        let Some(lines) = REQUEST_LINES.get() else {
            let RequestLine {
                request_id,
                method,
                path,
                status,
                peer,
                ..
            } = *self;
            let elapsed_ms = self.elapsed.as_secs_f64() * 1000.0;
            let peer = peer.map(|ip| ip.to_string()).unwrap_or_default();
            tracing::info!(request_id, method, path, status, elapsed_ms, peer, "request");
            return;
        };
        let Some(format) = lines else {
            return;
        };
        TIMESTAMP_PREFIX.with_borrow_mut(|(second, prefix)| {
            // The calendar is worked out once a second.
            let now = wall_clock(ended);
            if now.as_secs() != *second {
                *second = now.as_secs();
                *prefix = i64::try_from(now.as_secs())
                    .ok()
                    .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
                    .unwrap_or_default()
                    .format("%Y-%m-%dT%H:%M:%S")
                    .to_string();
            }
            let timestamp = Timestamp(prefix, now.subsec_micros());
            append_line(|lines| self.format(*format, timestamp, lines));
        });
    }

    /// The line as the subscriber's text or JSON format writes an event:
    /// `2026-12-04T23:36:19.690666Z  INFO portcullis_api::telemetry: request
    /// request_id="…" method=GET path="/livez" status=200 elapsed_ms=0.051 peer="127.0.0.1"`.
    /// Written piece by piece rather than through `format_args!`, which was
    /// most of the line's cost; the unit tests pin the bytes.
    fn format(&self, format: LogFormat, timestamp: Timestamp, out: &mut Vec<u8>) {
        let target = module_path!().as_bytes();
        match format {
            LogFormat::Text => {
                timestamp.write(out);
                out.extend_from_slice(b"  INFO ");
                out.extend_from_slice(target);
                out.extend_from_slice(b": request request_id=");
                write_debug_str(out, self.request_id);
                out.extend_from_slice(b" method=");
                out.extend_from_slice(self.method.as_bytes());
                out.extend_from_slice(b" path=");
                write_debug_str(out, self.path);
                out.extend_from_slice(b" status=");
                write_decimal(out, u64::from(self.status));
                out.extend_from_slice(b" elapsed_ms=");
                write_elapsed_ms(out, self.elapsed);
                out.extend_from_slice(b" peer=\"");
                write_peer(out, self.peer);
                out.extend_from_slice(b"\"\n");
            }
            LogFormat::Json => {
                // Serializing a string into a Vec cannot fail.
                out.extend_from_slice(b"{\"timestamp\":\"");
                timestamp.write(out);
                out.extend_from_slice(
                    b"\",\"level\":\"INFO\",\"message\":\"request\",\"request_id\":",
                );
                let _ = serde_json::to_writer(&mut *out, self.request_id);
                out.extend_from_slice(b",\"method\":");
                let _ = serde_json::to_writer(&mut *out, self.method);
                out.extend_from_slice(b",\"path\":");
                let _ = serde_json::to_writer(&mut *out, self.path);
                out.extend_from_slice(b",\"status\":");
                write_decimal(out, u64::from(self.status));
                out.extend_from_slice(b",\"elapsed_ms\":");
                write_elapsed_ms(out, self.elapsed);
                out.extend_from_slice(b",\"peer\":\"");
                write_peer(out, self.peer);
                out.extend_from_slice(b"\",\"target\":\"");
                out.extend_from_slice(target);
                out.extend_from_slice(b"\"}\n");
            }
        }
    }
}

/// `n` in decimal.
fn write_decimal(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[start..]);
}

/// `n` in decimal, zero-padded to `width` digits (`n` has at most that many).
fn write_padded(out: &mut Vec<u8>, mut n: u32, width: usize) {
    let at = out.len();
    out.resize(at + width, b'0');
    for digit in out[at..].iter_mut().rev() {
        *digit = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

/// Milliseconds with three decimals (`51.456`).
fn write_elapsed_ms(out: &mut Vec<u8>, elapsed: std::time::Duration) {
    // In u64 (a u128 division is a call of its own).
    let micros = elapsed.subsec_micros();
    let ms = elapsed
        .as_secs()
        .saturating_mul(1000)
        .saturating_add(u64::from(micros / 1000));
    write_decimal(out, ms);
    out.push(b'.');
    write_padded(out, micros % 1000, 3);
}

/// A string as `{:?}` writes it: quoted, and escaped when it holds anything
/// but printable ASCII other than `"` and `\` (which `{:?}` writes as is).
fn write_debug_str(out: &mut Vec<u8>, text: &str) {
    let plain = text
        .bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\');
    if plain {
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    } else {
        // Writing into a Vec cannot fail.
        let _ = std::io::Write::write_fmt(out, format_args!("{text:?}"));
    }
}

/// The client's address as the line shows it (nothing when unknown).
fn write_peer(out: &mut Vec<u8>, peer: Option<std::net::IpAddr>) {
    match peer {
        Some(std::net::IpAddr::V4(ip)) => {
            for (i, octet) in ip.octets().into_iter().enumerate() {
                if i > 0 {
                    out.push(b'.');
                }
                write_decimal(out, u64::from(octet));
            }
        }
        Some(ip) => {
            let _ = std::io::Write::write_fmt(out, format_args!("{ip}"));
        }
        None => {}
    }
}

/// RFC 3339 UTC with microseconds, as the subscriber writes it: the second's
/// prefix (cached per thread) and the microseconds.
struct Timestamp<'a>(&'a str, u32);

impl Timestamp<'_> {
    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.0.as_bytes());
        out.push(b'.');
        write_padded(out, self.1, 6);
        out.push(b'Z');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(format: LogFormat, path: &str) -> String {
        let line = RequestLine {
            request_id: "01a2436a73ea72adb4c00ab2f5d2eddb",
            method: "GET",
            path,
            status: 200,
            elapsed: std::time::Duration::from_micros(51_456),
            peer: Some("127.0.0.1".parse().unwrap()),
        };
        let mut out = Vec::new();
        line.format(format, Timestamp("2026-12-04T23:36:19", 690_666), &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_text_line_reads_as_the_subscribers_own() {
        assert_eq!(
            line(LogFormat::Text, "/livez"),
            "2026-12-04T23:36:19.690666Z  INFO portcullis_api::telemetry: request \
             request_id=\"01a2436a73ea72adb4c00ab2f5d2eddb\" method=GET path=\"/livez\" \
             status=200 elapsed_ms=51.456 peer=\"127.0.0.1\"\n"
        );
        // A path can't forge a line: it is quoted and escaped.
        let forged = line(LogFormat::Text, "/x\"\n2026 INFO forged");
        assert_eq!(forged.lines().count(), 1, "{forged}");
    }

    #[test]
    fn the_text_line_writes_each_field_as_the_format_machinery_would() {
        let peers = [
            None,
            Some("10.200.3.45".parse().unwrap()),
            Some("::1".parse().unwrap()),
            Some("2001:db8::8a2e:370:7334".parse().unwrap()),
        ];
        let paths = ["/", "/a b/~'x", "/x\\y", "/é/\u{7f}", "/\"q\"\r\n"];
        let elapsed = [0, 7, 999, 1_000, 51_456, 123_456_789];
        for (i, path) in paths.into_iter().enumerate() {
            let line = RequestLine {
                request_id: "req-1_A",
                method: "DELETE",
                path,
                status: [200, 404, 503, 101, 999][i],
                elapsed: std::time::Duration::from_micros(elapsed[i]),
                peer: peers[i % peers.len()],
            };
            let mut out = Vec::new();
            line.format(
                LogFormat::Text,
                Timestamp("2026-12-04T23:36:19", 7),
                &mut out,
            );
            let micros = elapsed[i];
            let peer = line.peer.map(|ip| ip.to_string()).unwrap_or_default();
            let expected = format!(
                "2026-12-04T23:36:19.000007Z  INFO portcullis_api::telemetry: request \
                 request_id={:?} method={} path={:?} status={} elapsed_ms={}.{:03} peer=\"{peer}\"\n",
                line.request_id,
                line.method,
                path,
                line.status,
                micros / 1000,
                micros % 1000
            );
            assert_eq!(String::from_utf8(out).unwrap(), expected);
        }
    }

    fn unix_millis_now() -> u64 {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap();
        u64::try_from(now.as_millis()).unwrap()
    }

    #[test]
    fn request_ids_are_uuidv7s_in_order_within_a_thread_and_unique_across_threads() {
        let ids = || {
            let before = unix_millis_now();
            let ids: Vec<uuid::Uuid> = (0..20_000)
                .map(|_| uuid::Uuid::parse_str(new_request_id(Instant::now()).as_str()).unwrap())
                .collect();
            let after = unix_millis_now();
            for id in &ids {
                assert_eq!(id.get_version(), Some(uuid::Version::SortRand), "{id}");
                assert_eq!(id.get_variant(), uuid::Variant::RFC4122, "{id}");
                let (secs, nanos) = id.get_timestamp().unwrap().to_unix();
                let millis = secs * 1000 + u64::from(nanos / 1_000_000);
                assert!(
                    (before..=after + 1).contains(&millis),
                    "{id}: {millis} not in {before}..={after}"
                );
            }
            assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "in order");
            ids
        };
        let mut all = ids();
        all.extend(std::thread::spawn(ids).join().unwrap());
        let count = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), count, "unique");
        // Lower-case hex digits only.
        assert!(new_request_id(Instant::now())
            .as_str()
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    }

    #[test]
    fn the_request_id_header_name_is_the_shared_one() {
        assert!(REQUEST_ID_HEADER_NAME
            .as_str()
            .eq_ignore_ascii_case(portcullis_shared::routes::REQUEST_ID_HEADER));
    }

    #[test]
    fn the_wall_clock_is_read_from_the_monotonic_one() {
        let (at, wall) = (Instant::now(), unix_millis_now());
        let derived = u64::try_from(wall_clock(at).as_millis()).unwrap();
        assert!(derived.abs_diff(wall) <= 1, "{derived} vs {wall}");
        // Earlier and later instants, across a new reading of the clock.
        let earlier = at - std::time::Duration::from_secs(5);
        let later = at + std::time::Duration::from_secs(3);
        assert_eq!(
            wall_clock(later) - wall_clock(earlier),
            std::time::Duration::from_secs(8)
        );
    }

    #[test]
    fn the_json_line_is_one_object_with_the_subscribers_keys() {
        let text = line(LogFormat::Json, "/x\"\n{}");
        assert_eq!(text.lines().count(), 1, "{text}");
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            value,
            serde_json::json!({
                "timestamp": "2026-12-04T23:36:19.690666Z",
                "level": "INFO",
                "message": "request",
                "request_id": "01a2436a73ea72adb4c00ab2f5d2eddb",
                "method": "GET",
                "path": "/x\"\n{}",
                "status": 200,
                "elapsed_ms": 51.456,
                "peer": "127.0.0.1",
                "target": "portcullis_api::telemetry",
            })
        );
    }
}
