//! Prometheus metrics: request counts and latencies by route pattern and
//! status, authentication refusals by reason, the SMS dispatch queue and the
//! storage pool. Served only on `PORTCULLIS_METRICS_ADDR` (a listener of its
//! own, e.g. on an internal interface), never on the public port.

use std::{
    collections::BTreeMap,
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Mutex,
    },
    time::Duration,
};

use actix_web::{
    dev::ServiceResponse,
    http::{header, Method},
    web, HttpResponse,
};
use portcullis_shared::problem::ProblemCode;
use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge,
    IntGaugeVec, Opts, Registry, TextEncoder,
};
use rustc_hash::FxHashMap;

use crate::{
    db::sms as sms_rows,
    error::{ApiError, ApiResult},
    services::AppState,
};

/// Route label of requests no route matched (scans of random paths must not
/// create a series each).
const UNMATCHED: &str = "unmatched";

/// Latency buckets, seconds: sub-millisecond reads to Argon2 sign-ins queueing.
const LATENCY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// What the server's background parts report for the metrics, counted where
/// it happens: the cache listener (see [`crate::services::cache::cache_sync`])
/// and the SMS-pumping circuit breaker. One per server, in [`AppState`].
#[derive(Default)]
pub struct Signals {
    /// True while the server hears other processes' change notices (its
    /// PostgreSQL LISTEN connection, or on SQLite its polling of the notices
    /// table); false while that fails, when its caches may be stale for up to
    /// `PORTCULLIS_CACHE_MAX_AGE_MS`.
    cache_sync_up: AtomicBool,
    /// Full cache resynchronisations after the listener reconnected.
    cache_sync_resyncs: AtomicU64,
    /// System texts held by the breaker, by destination calling code.
    breaker_held: Mutex<BTreeMap<String, u64>>,
}

impl Signals {
    pub fn cache_sync_up(&self, up: bool) {
        self.cache_sync_up.store(up, Ordering::Relaxed);
    }

    pub fn cache_sync_resynced(&self) {
        self.cache_sync_resyncs.fetch_add(1, Ordering::Relaxed);
    }

    pub fn breaker_held(&self, calling_code: &str) {
        *self
            .breaker_held
            .lock()
            .expect("signals lock")
            .entry(calling_code.to_owned())
            .or_default() += 1;
    }
}

/// A request series' labels: method (see [`method_label`]), route pattern, status.
type SeriesKey = (&'static str, String, u16);

/// The method's label: its name for the standard methods, `_OTHER` (as
/// OpenTelemetry's `http.request.method`) for any other. A client names the
/// method: each name of its own would be a new series, a counter and a
/// histogram kept for the process's life.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "_OTHER",
    }
}

/// The ids of [`Metrics`] sets.
static METRICS_IDS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// Each series' counter and histogram by set and (method, route, status),
    /// resolved once per thread: `with_label_values` hashes the three labels
    /// and takes the vector's lock, twice per request otherwise, and a map
    /// shared by the workers would take a lock (an atomic write to a cache
    /// line every worker writes) per request. Bounded as the series are:
    /// routes are patterns, unmatched paths one label, methods one of ten. (No
    /// key is the client's own, so a quicker hash than SipHash's will do.)
    static SERIES: std::cell::RefCell<FxHashMap<(u64, SeriesKey), (IntCounter, Histogram)>> =
        std::cell::RefCell::new(FxHashMap::default());
}

/// The process's metrics (one set per server, so that several in one test
/// binary do not mix).
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    /// Tells this set's series apart in [`SERIES`].
    id: u64,
    refusals: IntCounterVec,
    queue_depth: IntGauge,
    pool: IntGaugeVec,
    cache_sync_up: IntGauge,
    cache_sync_resyncs: IntCounter,
    breaker_held: IntCounterVec,
    stream_queue_depth: IntGauge,
}

impl Metrics {
    pub fn new() -> Self {
        let registry =
            Registry::new_custom(Some("portcullis".into()), None).expect("a valid metrics prefix");
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests answered"),
            &["method", "route", "status"],
        )
        .expect("valid metric");
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "Time from the request's arrival to its answer",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["method", "route", "status"],
        )
        .expect("valid metric");
        let refusals = IntCounterVec::new(
            Opts::new(
                "auth_refusals_total",
                "Requests refused by authentication or authorization, by reason (the problem code)",
            ),
            &["reason"],
        )
        .expect("valid metric");
        let queue_depth = IntGauge::new(
            "sms_dispatch_queue_depth",
            "Messages waiting for the SMS transport",
        )
        .expect("valid metric");
        let pool = IntGaugeVec::new(
            Opts::new(
                "db_pool_connections",
                "Storage pool connections: in use, idle, and the maximum",
            ),
            &["state"],
        )
        .expect("valid metric");
        let cache_sync_up = IntGauge::new(
            "cache_sync_listener_up",
            "1 while this process receives other processes' cache change notices, 0 while the listener is failing",
        )
        .expect("valid metric");
        let cache_sync_resyncs = IntCounter::new(
            "cache_sync_resyncs_total",
            "Full cache resynchronisations after the change listener reconnected",
        )
        .expect("valid metric");
        let breaker_held = IntCounterVec::new(
            Opts::new(
                "sms_breaker_held_texts_total",
                "System texts held by the SMS-pumping circuit breaker, by destination calling code",
            ),
            &["calling_code"],
        )
        .expect("valid metric");
        let stream_queue_depth = IntGauge::new(
            "security_stream_queue_depth",
            "Security events waiting for delivery to the customers' log streams",
        )
        .expect("valid metric");
        for metric in [
            Box::new(stream_queue_depth.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(requests.clone()),
            Box::new(latency.clone()),
            Box::new(refusals.clone()),
            Box::new(queue_depth.clone()),
            Box::new(pool.clone()),
            Box::new(cache_sync_up.clone()),
            Box::new(cache_sync_resyncs.clone()),
            Box::new(breaker_held.clone()),
        ] {
            registry.register(metric).expect("metric registered once");
        }
        Self {
            registry,
            requests,
            latency,
            id: METRICS_IDS.fetch_add(1, Ordering::Relaxed),
            refusals,
            queue_depth,
            pool,
            cache_sync_up,
            cache_sync_resyncs,
            breaker_held,
            stream_queue_depth,
        }
    }

    fn observe(&self, method: &Method, route: String, status: u16, seconds: f64) {
        SERIES.with_borrow_mut(|series| {
            let (requests, latency) = series
                .entry((self.id, (method_label(method), route, status)))
                .or_insert_with_key(|(_, (method, route, status))| {
                    let code = itoa_status(*status);
                    let labels = [method, route.as_str(), code.as_str()];
                    (
                        self.requests.with_label_values(&labels),
                        self.latency.with_label_values(&labels),
                    )
                });
            requests.inc();
            latency.observe(seconds);
        });
    }

    fn refused(&self, code: ProblemCode) {
        if let Some(reason) = refusal_reason(code) {
            self.refusals.with_label_values(&[reason]).inc();
        }
    }

    /// The text exposition, with the gauges read now.
    pub async fn render(&self, state: &AppState) -> ApiResult<String> {
        let waiting = state
            .db
            .run(|conn| Ok(sms_rows::count_waiting(conn)?))
            .await?;
        self.queue_depth.set(waiting);
        let streaming = state
            .db
            .run(|conn| Ok(crate::db::security_streams::total_backlog(conn)?))
            .await?;
        self.stream_queue_depth.set(streaming);
        let pool = state.db.pool_state();
        let idle = i64::from(pool.idle_connections);
        self.pool
            .with_label_values(&["in_use"])
            .set(i64::from(pool.connections) - idle);
        self.pool.with_label_values(&["idle"]).set(idle);
        self.pool
            .with_label_values(&["max"])
            .set(i64::from(state.db.pool_max_size()));
        let signals = &state.signals;
        self.cache_sync_up
            .set(i64::from(signals.cache_sync_up.load(Ordering::Relaxed)));
        catch_up(
            &self.cache_sync_resyncs,
            signals.cache_sync_resyncs.load(Ordering::Relaxed),
        );
        for (code, held) in signals.breaker_held.lock().expect("signals lock").iter() {
            catch_up(&self.breaker_held.with_label_values(&[code]), *held);
        }
        let mut text = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut text)
            .map_err(|e| ApiError::internal(anyhow::anyhow!("encoding metrics: {e}")))?;
        String::from_utf8(text).map_err(|e| ApiError::internal(anyhow::anyhow!(e)))
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// Moves a counter up to `total`, counted elsewhere.
fn catch_up(counter: &IntCounter, total: u64) {
    counter.inc_by(total.saturating_sub(counter.get()));
}

/// A status code as text without allocating.
struct StatusText([u8; 3]);

impl StatusText {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("000")
    }
}

fn itoa_status(status: u16) -> StatusText {
    let status = status.min(999);
    StatusText([
        b'0' + (status / 100) as u8,
        b'0' + (status / 10 % 10) as u8,
        b'0' + (status % 10) as u8,
    ])
}

/// The refusal reasons counted: the problem codes of failed authentication
/// and authorization.
fn refusal_reason(code: ProblemCode) -> Option<&'static str> {
    Some(match code {
        ProblemCode::MissingToken => "missing_token",
        ProblemCode::TokenInvalid => "token_invalid",
        ProblemCode::TokenExpired => "token_expired",
        ProblemCode::TokenDisabled => "token_disabled",
        ProblemCode::TokenRevoked => "token_revoked",
        ProblemCode::PermissionDenied => "permission_denied",
        ProblemCode::TokenIpNotAllowed => "token_ip_not_allowed",
        ProblemCode::AccountIpNotAllowed => "account_ip_not_allowed",
        ProblemCode::AccountSuspended => "account_suspended",
        ProblemCode::TokenNetworkNotAllowed => "token_network_not_allowed",
        ProblemCode::Unauthenticated => "unauthenticated",
        ProblemCode::SessionExpired => "session_expired",
        ProblemCode::InvalidCredentials => "invalid_credentials",
        ProblemCode::CsrfFailed => "csrf_failed",
        ProblemCode::IpNotAllowed => "ip_not_allowed",
        ProblemCode::LoginLocked => "login_locked",
        ProblemCode::PasswordChangeRequired => "password_change_required",
        ProblemCode::Forbidden => "forbidden",
        ProblemCode::TokenCountryNotAllowed => "token_country_not_allowed",
        ProblemCode::OutsideTokenWindow => "outside_token_window",
        ProblemCode::TokenPointsCapReached => "token_points_cap_reached",
        ProblemCode::RateLimited => "rate_limited",
        _ => return None,
    })
}

/// Counts and times a request under its route pattern (`/api/v1/sms/{id}`,
/// never the concrete path), and counts refusals by reason. Called by the
/// request log's middleware ([`crate::telemetry::request_log`]) for every
/// answered request: one middleware for both.
#[inline(never)] // a frame of its own in profiles (bench/pipeline/stages.py)
pub fn track<B>(
    metrics: &Metrics,
    result: &Result<ServiceResponse<B>, actix_web::Error>,
    elapsed: Duration,
) {
    let Ok(answered) = result else { return };
    let seconds = elapsed.as_secs_f64();
    let (request, response) = (answered.request(), answered.response());
    let route = request
        .match_pattern()
        .unwrap_or_else(|| UNMATCHED.to_owned());
    metrics.observe(request.method(), route, response.status().as_u16(), seconds);
    if let Some(error) = response.error().and_then(|e| e.as_error::<ApiError>()) {
        metrics.refused(error.code());
        // A bulk send refused whole because the credential's policy excludes some of
        // its recipients' countries counts as that policy's refusal too.
        if let ApiError::InvalidRecipients(recipients) = error {
            if recipients
                .iter()
                .any(|r| r.code == portcullis_shared::validate::codes::TOKEN_COUNTRY_NOT_ALLOWED)
            {
                metrics.refused(ProblemCode::TokenCountryNotAllowed);
            }
        }
    }
}

/// `GET /metrics` on the metrics listener.
pub async fn serve(
    metrics: web::Data<Metrics>,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let text = metrics.render(&state).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, prometheus::TEXT_FORMAT))
        .body(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_three_digits() {
        assert_eq!(itoa_status(200).as_str(), "200");
        assert_eq!(itoa_status(404).as_str(), "404");
        assert_eq!(itoa_status(1000).as_str(), "999");
    }

    #[test]
    fn each_series_counts_its_own_requests_through_the_resolved_handles() {
        let metrics = Metrics::new();
        for _ in 0..3 {
            metrics.observe(&Method::GET, "/livez".to_owned(), 200, 0.001);
        }
        metrics.observe(&Method::GET, "/livez".to_owned(), 503, 0.001);
        metrics.observe(&Method::POST, "/livez".to_owned(), 200, 0.001);
        let count = |method, status| {
            metrics
                .requests
                .with_label_values(&[method, "/livez", status])
                .get()
        };
        assert_eq!(count("GET", "200"), 3);
        assert_eq!(count("GET", "503"), 1);
        assert_eq!(count("POST", "200"), 1);
        let latency = metrics
            .latency
            .with_label_values(&["GET", "/livez", "200"])
            .get_sample_count();
        assert_eq!(latency, 3);
    }

    #[test]
    fn refusals_are_counted_by_problem_code_and_other_errors_are_not() {
        let metrics = Metrics::new();
        metrics.refused(ProblemCode::TokenRevoked);
        metrics.refused(ProblemCode::TokenRevoked);
        metrics.refused(ProblemCode::NotFound);
        assert_eq!(
            metrics.refusals.with_label_values(&["token_revoked"]).get(),
            2
        );
        let families = metrics.registry.gather();
        let refusals = families
            .iter()
            .find(|f| f.name() == "portcullis_auth_refusals_total")
            .unwrap();
        assert_eq!(refusals.get_metric().len(), 1);
    }
}
