#!/usr/bin/env python3
"""Server CPU per request by stage of the request pipeline, from a perf profile.

    stages.py PERF_DATA REQUESTS_PER_SECOND [SECONDS_SAMPLED=4] [HZ=499]

PERF_DATA is `perf record --call-graph dwarf -p <server>` taken while wrk loaded
GET /livez at REQUESTS_PER_SECOND (bench/pipeline/profile does both). Each
stage is the inclusive share of its frames in `perf report --children`. The
middleware is two layers, in the order of the `.wrap` calls in
api/src/startup.rs, the last one outermost:

    telemetry::RequestLog: its service's call (request id, span, the encoding
      negotiated), inlined into actix-web's AppInitService call, and its
      future (RequestLogFuture::poll: the panic guard and the id's scope
      around the wrapped service's call, made at the first poll, and its
      future; problem+json for stray errors, the
      compression, the security headers, metrics::track, the log line,
      X-Request-Id)
      > Condition(CORS, off)
      > CsrfAndRateLimitHeaders, whose call runs the routing and calls the
        handler; its future maps the RateLimit headers over the handler's.

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
        """Inclusive % of the nth frame (by share) whose symbol holds pattern
        (a regular expression after "re:")."""
        if pattern.startswith("re:"):
            hits = [pct for pct, symbol in rows if re.search(pattern[3:], symbol)]
        else:
            hits = [pct for pct, symbol in rows if pattern in symbol]
        return hits[nth] if len(hits) > nth else 0.0

    # The request log: actix-web's App call (which makes the HttpRequest and
    # calls RequestLogService::call, inlined) and the request log's future.
    call = share("AppInitService<T,B> as actix_service::Service")
    # (Its type parameters print as the service's own future: `<S as Service<…>>::Future`.)
    future = share(r"re:portcullis_api::telemetry::RequestLogFuture<.*> as "
                   r"core::future::future::Future>::poll")
    outer = call + future
    track = share("portcullis_api::metrics::track")
    # The request line (RequestLine::log), and any event logged through tracing.
    log_line = (share("portcullis_api::telemetry::RequestLine::log")
                + share("tracing_subscriber::layer::layered::Layered<L,S> as "
                        "tracing_core::subscriber::Subscriber>::event"))
    # The log thread's batches (api/src/telemetry.rs).
    log_thread = share("portcullis_api::telemetry::write_log_batch")
    request_id = share("portcullis_api::telemetry::new_request_id")
    headers = share("portcullis_api::middleware::SecurityHeaders::apply")
    # Inclusive shares nest (finish > problem_for_stray_error, compress >
    # Encoder::response) and inlining removes frames: the outermost found.
    finish = (share("portcullis_api::middleware::finish")
              or (share("portcullis_api::middleware::problem_for_stray_error")
                  + (share("portcullis_api::middleware::compress")
                     or share("actix_http::encoding::encoder::Encoder<B>::response"))))
    answer = (finish
              + share("portcullis_api::middleware::negotiate_encoding")
              + share("actix_http::encoding::encoder::Encoder<B> as "
                      "actix_http::body::message_body::MessageBody>::poll_next"))
    # The CSRF middleware's call runs the routing and calls the handler.
    csrf_call = share("CsrfAndRateLimitHeadersService<S> as actix_service::Service")
    routing = share("actix_web::app_service::AppRouting as actix_service::Service")
    rate_limit_headers = share("portcullis_api::middleware::with_rate_limit_headers")
    condition = share("ConditionMiddlewareFuture<E,D> as core::future::future::Future>::poll")
    handler_future = condition or rate_limit_headers
    inside = track + log_line + request_id + headers + answer + csrf_call + handler_future

    stages = [
        ("HTTP/1.1 and TCP outside the middleware (kernel, parsing, encoding)",
         100 - outer - log_thread),
        ("routing and the /livez handler's call", routing),
        ("CSRF check", csrf_call - routing),
        ("the handler's future, CORS (off), the RateLimit headers", handler_future),
        ("request id (UUIDv7)", request_id),
        ("problem+json for stray errors, compression negotiated and applied", answer),
        ("security headers", headers),
        ("metrics (route pattern, counter, histogram)", track),
        ("the log line (formatting, then into the thread's buffer)", log_line),
        ("the log thread's writes (off the request's path)", log_thread),
        ("the rest of the request log and App call: span, id scope, panic guard, "
         "X-Request-Id, HttpRequest", outer - inside),
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
