//! Prometheus metrics: request counts and latencies by route pattern and
//! status, authentication refusals by reason, the SMS dispatch queue and the
//! storage pool. Served only on `PORTCULLIS_METRICS_ADDR` (a listener of its
//! own, e.g. on an internal interface), never on the public port.

use std::{
    borrow::Cow,
    collections::BTreeMap,
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc, Mutex,
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
    core::Desc,
    proto::{self, LabelPair, MetricFamily, MetricType},
    Encoder, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder,
};
use rustc_hash::FxHashMap;

use crate::{
    db::sms as sms_rows,
    error::{ApiError, ApiResult},
    services::AppState,
};

/// Latency buckets' upper bounds, in nanoseconds (0.5 ms to 5 s): sub-millisecond
/// reads to Argon2 sign-ins queueing.
const LATENCY_BUCKETS_NANOS: [u64; 13] = [
    500_000,
    1_000_000,
    2_500_000,
    5_000_000,
    10_000_000,
    25_000_000,
    50_000_000,
    100_000_000,
    250_000_000,
    500_000_000,
    1_000_000_000,
    2_500_000_000,
    5_000_000_000,
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
/// (Our resources' patterns are static: see [`crate::routes::RoutePattern`].)
type SeriesKey = (&'static str, Cow<'static, str>, u16);

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

/// One request series' counts on one thread. Only that thread writes them (a
/// relaxed load and store each: no locked instruction, and no cache line
/// another writer writes); a scrape sums every thread's ([`RequestSeries`]).
/// Shared counters were a cache line the workers took from each other twice
/// per request: 0.1 µs of every request's CPU.
#[derive(Default)]
struct ThreadSeries {
    /// Requests by latency bucket: `[i]` those above bound `i - 1` and at
    /// most bound `i` of [`LATENCY_BUCKETS_NANOS`], the last those above all.
    buckets: [AtomicU64; LATENCY_BUCKETS_NANOS.len() + 1],
    /// Their latencies' sum, in nanoseconds.
    sum_nanos: AtomicU64,
}

impl ThreadSeries {
    /// Counts one request. Called by the series' own thread only.
    fn observe(&self, nanos: u64) {
        let bucket = LATENCY_BUCKETS_NANOS
            .iter()
            .position(|&bound| nanos <= bound)
            .unwrap_or(LATENCY_BUCKETS_NANOS.len());
        for (cell, by) in [(&self.buckets[bucket], 1), (&self.sum_nanos, nanos)] {
            cell.store(
                cell.load(Ordering::Relaxed).wrapping_add(by),
                Ordering::Relaxed,
            );
        }
    }
}

thread_local! {
    /// This thread's counts of each series, by set and (method, route,
    /// status). Bounded as the series are: routes are patterns, unmatched
    /// paths one label, methods one of ten. (No key is the client's own, so
    /// a quicker hash than SipHash's will do.)
    static SERIES: std::cell::RefCell<FxHashMap<(u64, SeriesKey), Arc<ThreadSeries>>> =
        std::cell::RefCell::new(FxHashMap::default());
}

/// The request counter (`http_requests_total`) and latency histogram
/// (`http_request_duration_seconds`) of one set, labelled by method, route
/// and status: every thread's [`ThreadSeries`], summed when scraped. A clone
/// shares them (one is registered, one kept to add the threads' series).
#[derive(Clone)]
struct RequestSeries {
    requests: Desc,
    latency: Desc,
    threads: Arc<Mutex<Vec<LabelledSeries>>>,
}

/// A series on one thread, with its labels.
type LabelledSeries = (SeriesKey, Arc<ThreadSeries>);

/// A series' counts summed over the threads: requests by bucket, latency sum.
type Summed = ([u64; LATENCY_BUCKETS_NANOS.len() + 1], u64);

impl RequestSeries {
    fn new() -> Self {
        let labels = || ["method", "route", "status"].map(String::from).to_vec();
        let desc = |name: &str, help: &str| {
            Desc::new(name.into(), help.into(), labels(), Default::default())
                .expect("a valid metric")
        };
        Self {
            requests: desc("http_requests_total", "HTTP requests answered"),
            latency: desc(
                "http_request_duration_seconds",
                "Time from the request's arrival to its answer",
            ),
            threads: Default::default(),
        }
    }

    /// Every series' counts, summed over the threads.
    fn summed(&self) -> BTreeMap<SeriesKey, Summed> {
        let mut summed = BTreeMap::<SeriesKey, Summed>::new();
        for (key, series) in self.threads.lock().expect("metrics lock").iter() {
            let (buckets, sum) = summed.entry(key.clone()).or_default();
            for (total, cell) in buckets.iter_mut().zip(&series.buckets) {
                *total += cell.load(Ordering::Relaxed);
            }
            *sum += series.sum_nanos.load(Ordering::Relaxed);
        }
        summed
    }
}

impl prometheus::core::Collector for RequestSeries {
    fn desc(&self) -> Vec<&Desc> {
        vec![&self.requests, &self.latency]
    }

    fn collect(&self) -> Vec<MetricFamily> {
        let (mut requests, mut latency) = (Vec::new(), Vec::new());
        for ((method, route, status), (buckets, sum_nanos)) in self.summed() {
            let labels = [
                ("method", method),
                ("route", route.as_ref()),
                ("status", itoa_status(status).as_str()),
            ]
            .map(|(name, value)| {
                let mut pair = LabelPair::default();
                pair.set_name(name.into());
                pair.set_value(value.into());
                pair
            })
            .to_vec();
            let count = buckets.iter().sum::<u64>();
            let mut counter = proto::Counter::default();
            counter.set_value(count as f64);
            let mut metric = proto::Metric::from_label(labels.clone());
            metric.set_counter(counter);
            requests.push(metric);
            let mut cumulative = 0;
            let bounds = LATENCY_BUCKETS_NANOS
                .iter()
                .zip(&buckets)
                .map(|(&bound, &n)| {
                    cumulative += n;
                    let mut bucket = proto::Bucket::default();
                    bucket.set_upper_bound(Duration::from_nanos(bound).as_secs_f64());
                    bucket.set_cumulative_count(cumulative);
                    bucket
                });
            let mut histogram = proto::Histogram::default();
            histogram.set_bucket(bounds.collect());
            histogram.set_sample_count(count);
            histogram.set_sample_sum(Duration::from_nanos(sum_nanos).as_secs_f64());
            let mut metric = proto::Metric::from_label(labels);
            metric.set_histogram(histogram);
            latency.push(metric);
        }
        [
            (&self.requests, MetricType::COUNTER, requests),
            (&self.latency, MetricType::HISTOGRAM, latency),
        ]
        .into_iter()
        .map(|(desc, kind, metrics)| {
            let mut family = MetricFamily::default();
            family.set_name(desc.fq_name.clone());
            family.set_help(desc.help.clone());
            family.set_field_type(kind);
            family.set_metric(metrics);
            family
        })
        .collect()
    }
}

/// The process's metrics (one set per server, so that several in one test
/// binary do not mix).
pub struct Metrics {
    registry: Registry,
    series: RequestSeries,
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
        let series = RequestSeries::new();
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
            Box::new(series.clone()),
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
            series,
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

    fn observe(&self, method: &Method, route: Cow<'static, str>, status: u16, elapsed: Duration) {
        let nanos = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
        SERIES.with_borrow_mut(|series| {
            series
                .entry((self.id, (method_label(method), route, status)))
                .or_insert_with_key(|(_, key)| {
                    let series = Arc::new(ThreadSeries::default());
                    self.series
                        .threads
                        .lock()
                        .expect("metrics lock")
                        .push((key.clone(), series.clone()));
                    series
                })
                .observe(nanos);
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
/// request log's middleware ([`crate::telemetry::RequestLog`]) for every
/// answered request: one middleware for both.
#[inline(never)] // a frame of its own in profiles (bench/pipeline/stages.py)
pub fn track<B>(
    metrics: &Metrics,
    result: &Result<ServiceResponse<B>, actix_web::Error>,
    elapsed: Duration,
) {
    let Ok(answered) = result else { return };
    let (request, response) = (answered.request(), answered.response());
    let route = crate::routes::RoutePattern::of(request);
    metrics.observe(request.method(), route, response.status().as_u16(), elapsed);
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

    /// The scraped value of `family` (without the prefix) for a GET, POST…
    /// of `/livez` answered `status`: the counter's, or the histogram's
    /// count, sum and cumulative bucket counts.
    fn scraped(
        metrics: &Metrics,
        family: &str,
        method: &str,
        status: &str,
    ) -> Option<proto::Metric> {
        let name = format!("portcullis_{family}");
        let families = metrics.registry.gather();
        let family = families.iter().find(|f| f.name() == name)?;
        family
            .get_metric()
            .iter()
            .find(|m| {
                let labels: Vec<_> = m
                    .get_label()
                    .iter()
                    .map(|l| (l.name(), l.value()))
                    .collect();
                labels == [("method", method), ("route", "/livez"), ("status", status)]
            })
            .cloned()
    }

    #[test]
    fn each_series_counts_its_own_requests_and_threads_are_summed() {
        let metrics = Arc::new(Metrics::new());
        let ms = Duration::from_millis;
        for _ in 0..3 {
            metrics.observe(&Method::GET, "/livez".into(), 200, ms(1));
        }
        // Another thread's requests of the same series, counted on its own.
        let other = metrics.clone();
        std::thread::spawn(move || {
            // (A pattern worked out from the map, as for routes not ours.)
            other.observe(&Method::GET, Cow::Owned("/livez".to_owned()), 200, ms(30));
            other.observe(&Method::GET, "/livez".into(), 503, Duration::from_secs(9));
        })
        .join()
        .unwrap();
        metrics.observe(&Method::POST, "/livez".into(), 200, ms(1));
        let count = |method, status| {
            scraped(&metrics, "http_requests_total", method, status)
                .map(|m| m.get_counter().get_value())
        };
        assert_eq!(count("GET", "200"), Some(4.0));
        assert_eq!(count("GET", "503"), Some(1.0));
        assert_eq!(count("POST", "200"), Some(1.0));
        assert_eq!(count("PUT", "200"), None);
        let latency = scraped(&metrics, "http_request_duration_seconds", "GET", "200").unwrap();
        let histogram = latency.get_histogram();
        assert_eq!(histogram.get_sample_count(), 4);
        assert!((histogram.get_sample_sum() - 0.033).abs() < 1e-9);
        let cumulative: Vec<_> = histogram
            .get_bucket()
            .iter()
            .map(|b| (b.upper_bound(), b.cumulative_count()))
            .collect();
        // 1 ms is within the 0.001 bucket (le is inclusive), 30 ms first within 0.05.
        assert_eq!(
            cumulative[..7],
            [
                (0.0005, 0),
                (0.001, 3),
                (0.0025, 3),
                (0.005, 3),
                (0.01, 3),
                (0.025, 3),
                (0.05, 4)
            ]
        );
        assert_eq!(cumulative.last(), Some(&(5.0, 4)));
        // Above the last bound: only in the count (the +Inf bucket).
        let slow = scraped(&metrics, "http_request_duration_seconds", "GET", "503").unwrap();
        assert_eq!(slow.get_histogram().get_sample_count(), 1);
        assert_eq!(
            slow.get_histogram()
                .get_bucket()
                .last()
                .unwrap()
                .cumulative_count(),
            0
        );
        let mut text = Vec::new();
        TextEncoder::new()
            .encode(&metrics.registry.gather(), &mut text)
            .unwrap();
        let text = String::from_utf8(text).unwrap();
        assert!(text.contains("portcullis_http_requests_total{method=\"GET\",route=\"/livez\",status=\"200\"} 4\n"), "{text}");
        assert!(text.contains("portcullis_http_request_duration_seconds_bucket{method=\"GET\",route=\"/livez\",status=\"503\",le=\"+Inf\"} 1\n"), "{text}");
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
