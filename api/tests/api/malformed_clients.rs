//! Slow and malformed clients: oversized bodies, a wrong or missing
//! Content-Type, invalid UTF-8 in bodies, paths and queries, deeply nested
//! JSON, slowloris-style slow headers and 10,000 idle connections. Each gets a
//! clear 4xx (problem+json with a stable code and the security headers wherever
//! the request reaches the app), changes nothing, and leaves other clients
//! served.

use std::time::{Duration, Instant};

use portcullis_shared::{problem::ProblemCode, routes};
use reqwest::{header, Method, StatusCode};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::harness::{expect_problem, signup_request, Backend, ServerProcess, TestApp};

fn socket_address(app: &TestApp) -> String {
    app.address
        .strip_prefix("http://")
        .expect("a plain-HTTP server")
        .to_owned()
}

/// A problem answer that also carries the security headers.
async fn expect_guarded_problem(
    response: reqwest::Response,
    status: StatusCode,
    code: ProblemCode,
) -> portcullis_shared::problem::Problem {
    assert_eq!(
        response
            .headers()
            .get("x-content-type-options")
            .map(|v| v.to_str().unwrap()),
        Some("nosniff"),
        "security headers on a {status} answer"
    );
    assert!(response
        .headers()
        .contains_key(header::CONTENT_SECURITY_POLICY));
    expect_problem(response, status, code).await
}

/// POSTs raw bytes to sign-up with this Content-Type.
async fn post_raw(app: &TestApp, content_type: Option<&str>, body: Vec<u8>) -> reqwest::Response {
    post_raw_to(
        app,
        routes::SIGNUP,
        routes::PRE_SESSION_CSRF,
        content_type,
        body,
    )
    .await
}

/// POSTs raw bytes to `path` with this CSRF token and Content-Type.
async fn post_raw_to(
    app: &TestApp,
    path: &str,
    csrf: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url(path))
        .header(routes::CSRF_HEADER, csrf)
        .body(body);
    if let Some(content_type) = content_type {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    request.send().await.expect("request")
}

/// The server still serves a well-formed request from another client.
async fn still_serves_others(app: &TestApp) {
    let other = app.another_browser();
    assert_eq!(other.get("/livez").await.status(), StatusCode::OK);
}

async fn oversized_bodies_get_413_and_change_nothing(app: TestApp) {
    let padding = "x".repeat(200 * 1024);
    let body = serde_json::json!({
        "email": "big@example.com", "password": "Violet-Kettle-42", "country": "PL", "phone": padding,
    });
    let bytes = serde_json::to_vec(&body).unwrap();
    // With a Content-Length…
    let response = post_raw(&app, Some("application/json"), bytes.clone()).await;
    expect_guarded_problem(
        response,
        StatusCode::PAYLOAD_TOO_LARGE,
        ProblemCode::PayloadTooLarge,
    )
    .await;
    // …and streamed in chunks, without one: refused once the limit is passed.
    let mut stream = TcpStream::connect(socket_address(&app)).await.unwrap();
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
         X-CSRF-Token: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
        routes::SIGNUP
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    for chunk in bytes.chunks(8 * 1024) {
        let framed = [format!("{:x}\r\n", chunk.len()).as_bytes(), chunk, b"\r\n"].concat();
        if stream.write_all(&framed).await.is_err() {
            break; // the server may stop reading once it has refused
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let answer = read_until_closed(&mut stream, Duration::from_secs(10)).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer:?}");
    assert!(
        answer
            .to_ascii_lowercase()
            .contains("content-type: application/problem+json"),
        "{answer:?}"
    );
    assert!(
        answer.contains("\"code\":\"payload_too_large\""),
        "{answer:?}"
    );
    assert_eq!(app.count("accounts"), 0);
    still_serves_others(&app).await;
}

async fn a_wrong_or_missing_content_type_gets_415(app: TestApp) {
    let body = serde_json::to_vec(&signup_request("type@example.com")).unwrap();
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let response = post_raw(&app, content_type, body.clone()).await;
        expect_guarded_problem(
            response,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ProblemCode::UnsupportedMediaType,
        )
        .await;
    }
    assert_eq!(app.count("accounts"), 0);
    // The same body as JSON is fine.
    let response = post_raw(&app, Some("application/json"), body).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
}

async fn invalid_utf8_gets_400_in_bodies_paths_and_queries(app: TestApp) {
    // In a JSON string: not JSON at all.
    let mut body =
        br#"{"email":"utf8@example.com","password":"Violet-Kettle-42","country":"PL","phone":""#
            .to_vec();
    body.extend_from_slice(b"\xff\xfe\xc3\x28");
    body.extend_from_slice(br#""}"#);
    let response = post_raw(&app, Some("application/json"), body).await;
    let problem = expect_guarded_problem(
        response,
        StatusCode::BAD_REQUEST,
        ProblemCode::MalformedBody,
    )
    .await;
    assert!(problem.detail.is_some());
    assert_eq!(app.count("accounts"), 0);

    let me = app.signed_in("utf8@example.com").await;
    // Percent-encoded invalid UTF-8 in a path parameter names nothing (the
    // router decodes it lossily): 404. In a query value it cannot be read: 400.
    let response = app
        .portal(
            Method::DELETE,
            "/api/v1/sessions/%FF%FE",
            &me.session.csrf_token,
            None,
        )
        .await;
    expect_guarded_problem(response, StatusCode::NOT_FOUND, ProblemCode::NotFound).await;
    let response = app.get("/api/v1/login-history?cursor=%FF%FE").await;
    expect_guarded_problem(
        response,
        StatusCode::BAD_REQUEST,
        ProblemCode::MalformedQuery,
    )
    .await;
    assert_eq!(app.count("sessions"), 1);

    // Raw invalid bytes in the request line never reach the app: the HTTP
    // parser refuses them with a 400 and the connection is closed.
    let mut stream = TcpStream::connect(socket_address(&app)).await.unwrap();
    stream
        .write_all(b"GET /livez\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let answer = read_until_closed(&mut stream, Duration::from_secs(20)).await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    still_serves_others(&app).await;
}

async fn deeply_nested_json_gets_400(app: TestApp) {
    // Within the size limit, far beyond serde_json's recursion limit (128):
    // refused without recursing, whatever the handler expects.
    for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
        let depth = 60 * 1024 / open.len() / 2;
        let body = format!("{}1{}", open.repeat(depth), close.repeat(depth)).into_bytes();
        for path in [routes::SIGNUP, routes::LOGIN] {
            let response = post_raw_to(
                &app,
                path,
                routes::PRE_SESSION_CSRF,
                Some("application/json"),
                body.clone(),
            )
            .await;
            expect_guarded_problem(
                response,
                StatusCode::BAD_REQUEST,
                ProblemCode::MalformedBody,
            )
            .await;
        }
    }
    // The same nesting where any JSON value is read: a token's allowlist entry.
    let me = app.signed_in("nested@example.com").await;
    let nested = format!("{}{}", "[".repeat(20_000), "]".repeat(20_000));
    let body = format!(r#"{{"name":"n","scopes":["profile"],"ip_allowlist":{nested}}}"#);
    let response = post_raw_to(
        &app,
        routes::TOKENS,
        &me.session.csrf_token,
        Some("application/json"),
        body.into_bytes(),
    )
    .await;
    expect_guarded_problem(
        response,
        StatusCode::BAD_REQUEST,
        ProblemCode::MalformedBody,
    )
    .await;
    assert_eq!(app.count("api_tokens"), 0);
    still_serves_others(&app).await;
}

/// Reads what the server sends until it closes the connection (or `limit` passes).
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> String {
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(limit, stream.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer).into_owned()
}

/// Slowloris: headers trickling in a byte at a time are cut off with 408 once
/// the request timeout passes, and the connection is closed; other clients are
/// served meanwhile.
async fn slow_headers_are_cut_off_with_408(app: TestApp) {
    let mut slow = TcpStream::connect(socket_address(&app)).await.unwrap();
    slow.write_all(b"GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    let trickle = async {
        for byte in b"X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            .iter()
            .cycle()
        {
            if slow.write_all(&[*byte]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            if started.elapsed() > Duration::from_secs(20) {
                break;
            }
        }
    };
    let others = async {
        // While the slow client trickles, others are answered.
        for _ in 0..5 {
            still_serves_others(&app).await;
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    };
    tokio::join!(trickle, others);
    let cut_off_after = started.elapsed();
    let answer = read_until_closed(&mut slow, Duration::from_secs(5)).await;
    println!(
        "slow headers: cut off after {cut_off_after:.1?}; answer: {:?}",
        answer.lines().next()
    );
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer:?}");
    assert!(
        cut_off_after < Duration::from_secs(20),
        "the slow client was never cut off"
    );
    still_serves_others(&app).await;
}

/// The number of open file descriptors of a process (its sockets, mostly).
fn open_files(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|dir| dir.count())
        .unwrap_or(0)
}

/// Raises this process's open-file limit to what `wanted` needs, as far as
/// the hard limit allows; returns the soft limit now in force.
fn raise_open_file_limit(wanted: u64) -> u64 {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: plain getrlimit/setrlimit on this process with a valid struct.
    unsafe {
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
        if limit.rlim_cur < wanted {
            limit.rlim_cur = wanted.min(limit.rlim_max);
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
    }
    limit.rlim_cur
}

const IDLE_CONNECTIONS: usize = 10_000;

/// 10,000 clients connect and send nothing. The server (the real binary, its
/// memory measured) keeps serving others while they are open, and sheds them
/// all once the request timeout passes; memory stays bounded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_idle_connections_do_not_stop_the_server() {
    // Both ends need a descriptor each; the server inherits the raised limit.
    let limit = raise_open_file_limit(IDLE_CONNECTIONS as u64 + 5_000);
    assert!(
        limit >= IDLE_CONNECTIONS as u64 + 500,
        "the open-file hard limit ({limit}) is too low for {IDLE_CONNECTIONS} connections"
    );
    let server = ServerProcess::spawn(
        Backend::Sqlite,
        &[
            ("PORTCULLIS_CLIENT_REQUEST_TIMEOUT_MS", "10000"),
            ("PORTCULLIS_LOG", "warn"),
        ],
    )
    .await;
    let app = &server.app;
    assert_eq!(app.get("/readyz").await.status(), StatusCode::OK);
    let files_before = open_files(server.pid());
    let rss_before = server.rss_kib();
    let address = socket_address(app);

    // Connect in waves, as many at once as the listen backlog comfortably takes.
    let started = Instant::now();
    let mut idle = Vec::with_capacity(IDLE_CONNECTIONS);
    while idle.len() < IDLE_CONNECTIONS {
        let wave = (IDLE_CONNECTIONS - idle.len()).min(100);
        let connects = (0..wave).map(|_| TcpStream::connect(address.clone()));
        for stream in futures_util::future::join_all(connects).await {
            idle.push(stream.expect("connect an idle client"));
        }
    }
    let connect_time = started.elapsed();
    // Let the server accept the last of them.
    let deadline = Instant::now() + Duration::from_secs(5);
    while open_files(server.pid()) < files_before + IDLE_CONNECTIONS * 9 / 10
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let files_peak = open_files(server.pid());
    let rss_peak = server.rss_kib();

    // Others are served while the idle clients hold their connections.
    let other = app.another_browser();
    let mut slowest = Duration::ZERO;
    for _ in 0..20 {
        let asked = Instant::now();
        let response = other.get("/readyz").await;
        slowest = slowest.max(asked.elapsed());
        assert_eq!(response.status(), StatusCode::OK);
    }
    let signed_in = other.signed_in("busy@example.com").await;
    assert_eq!(signed_in.account.email, "busy@example.com");

    // Once the request timeout passes the server closes them all.
    let shed_started = Instant::now();
    while open_files(server.pid()) > files_before + 50
        && shed_started.elapsed() < Duration::from_secs(60)
    {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let files_after = open_files(server.pid());
    let shed_after = shed_started.elapsed();
    drop(idle);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_after = server.rss_kib();
    println!(
        "{IDLE_CONNECTIONS} idle connections: opened in {connect_time:.1?}; server descriptors \
         {files_before} -> {files_peak} -> {files_after} (shed {shed_after:.1?} after the checks); \
         RSS {rss_before} KiB -> {rss_peak} KiB with them open -> {rss_after} KiB after; \
         slowest of 20 /readyz meanwhile: {slowest:.1?}"
    );
    assert!(
        files_peak >= files_before + IDLE_CONNECTIONS * 9 / 10,
        "the server held {files_peak} descriptors, fewer than the clients"
    );
    assert!(
        files_after <= files_before + 50,
        "idle connections were not shed: {files_after} descriptors open"
    );
    // Bounded memory: well under 64 KiB per idle connection.
    let growth_kib = rss_peak.saturating_sub(rss_before);
    assert!(
        growth_kib < 64 * IDLE_CONNECTIONS as u64,
        "RSS grew by {growth_kib} KiB for {IDLE_CONNECTIONS} idle connections"
    );
}

on_both_backends!(
    oversized_bodies_get_413_and_change_nothing,
    deeply_nested_json_gets_400
);

mod sqlite_only {
    use crate::harness::{Backend, TestApp};

    // Transport-level behaviour that storage does not change.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_wrong_or_missing_content_type_gets_415() {
        super::a_wrong_or_missing_content_type_gets_415(TestApp::spawn(Backend::Sqlite).await).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn invalid_utf8_gets_400_in_bodies_paths_and_queries() {
        super::invalid_utf8_gets_400_in_bodies_paths_and_queries(
            TestApp::spawn(Backend::Sqlite).await,
        )
        .await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn slow_headers_are_cut_off_with_408() {
        super::slow_headers_are_cut_off_with_408(
            TestApp::spawn_with(
                Backend::Sqlite,
                &[("PORTCULLIS_CLIENT_REQUEST_TIMEOUT_MS", "2000")],
            )
            .await,
        )
        .await
    }
}
