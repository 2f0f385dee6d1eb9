#!/usr/bin/env python3
"""Server CPU per request by stage of the request pipeline, from a perf profile.

    stages.py PERF_DATA REQUESTS_PER_SECOND [SECONDS_SAMPLED=4] [HZ=499]

PERF_DATA is `perf record --call-graph dwarf -p <server>` taken while wrk loaded
GET /livez at REQUESTS_PER_SECOND (bench/pipeline/profile does both). Each
middleware's frame is found in `perf report --children`; its inclusive share
minus that of the next middleware inside it is its own cost. The nesting is the
order of the `.wrap` calls in api/src/startup.rs, the last one outermost:

    telemetry::request_log (with metrics::track, and inside it
      middleware::with_security_headers with the panic guard, CatchUnwind)
      > Compress > ErrorHandlers > Condition(CORS)
      > CsrfAndRateLimitHeaders > routing > handler

(Each middleware's `call` runs inside the request log's future, so the routing
is in CsrfAndRateLimitHeaders' call frame, not under the futures it wraps.)

The request log is the `telemetry::request_log::{{closure}}` frame (its Transform's
future); Compress's future is inlined into the frame that polls it.
Change this file with that order.
"""
import re
import subprocess
import sys


def perf_report(data, *args):
    return subprocess.run(
        ["perf", "report", "-i", data, "-g", "none", *args],
        capture_output=True, text=True, check=True,
    ).stdout


def main():
    data, rps = sys.argv[1], float(sys.argv[2])
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 4.0
    hz = float(sys.argv[4]) if len(sys.argv) > 4 else 499.0

    rows = []
    for line in perf_report(data, "--children", "--sort", "symbol").splitlines():
        m = re.match(r"\s+([\d.]+)%\s+[\d.]+%\s+\[.\]\s+(.*)", line)
        if m:
            rows.append((float(m.group(1)), m.group(2)))
    samples = sum(
        int(line.split()[1])
        for line in perf_report(data, "-n", "--no-children", "--sort", "dso").splitlines()
        if re.match(r"\s+[\d.]+%\s+\d+", line)
    )

    def share(pattern, nth=0):
        """Inclusive % of the nth frame (by share) whose symbol holds pattern."""
        hits = [pct for pct, symbol in rows if pattern in symbol]
        return hits[nth] if len(hits) > nth else 0.0

    # The request log's Transform (telemetry::RequestLog) runs this async fn.
    outer = share("portcullis_api::telemetry::request_log::{{closure}}")
    track = share("portcullis_api::metrics::track")
    # The request line (RequestLine::log), and any event logged through tracing.
    log_line = (share("portcullis_api::telemetry::RequestLine::log")
                + share("tracing_subscriber::layer::layered::Layered<L,S> as "
                        "tracing_core::subscriber::Subscriber>::event"))
    # The log thread's batches (api/src/telemetry.rs).
    log_thread = share("portcullis_api::telemetry::write_log_batch")
    error_handlers = share("ErrorHandlersFuture<Fut,B> as core::future::future::Future>::poll")
    # When the compiler inlines it, its cost shows in the request log's stage.
    headers = share("portcullis_api::middleware::with_security_headers::{{closure}}") \
        or error_handlers
    condition = share("ConditionMiddlewareFuture<E,D> as core::future::future::Future>::poll")
    # The CSRF middleware's call runs the routing and calls the handler (each
    # middleware's `call` runs inside the request log's future); its future, the
    # handler's with the RateLimit headers mapped over it, is inlined into the
    # CORS Condition's poll.
    csrf = share("CsrfAndRateLimitHeadersService<S> as actix_service::Service")

    stages = [
        ("HTTP/1.1 and TCP outside the middleware (kernel, parsing, encoding)",
         100 - outer - log_thread),
        ("metrics (route pattern, counter, histogram)", track),
        ("request log: id, span, task-local, X-Request-Id",
         outer - track - log_line - headers - csrf),
        ("request log: the log line (formatting, then the write or hand-off)", log_line),
        ("the log thread's writes (off the request's path)", log_thread),
        ("security headers, the panic guard; Compress", headers - error_handlers),
        ("problem+json for stray errors (ErrorHandlers)", error_handlers - condition),
        ("CSRF check, routing, calling the /livez handler", csrf),
        ("CORS (off); the handler's future and the RateLimit headers", condition),
    ]
    us_per_request = samples / hz / (rps * seconds) * 1e6
    print(f"{samples} samples at {hz:.0f} Hz over {seconds:.0f} s at {rps:.0f} req/s: "
          f"{us_per_request:.2f} µs of server CPU per request")
    print("| stage | % of server CPU | µs per request |")
    print("|---|---:|---:|")
    for name, pct in stages:
        print(f"| {name} | {pct:.1f} | {pct / 100 * us_per_request:.2f} |")


if __name__ == "__main__":
    main()
