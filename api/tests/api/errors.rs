use portcullis_shared::{problem::ProblemCode, routes};
use reqwest::StatusCode;

use crate::harness::{expect_problem, Backend, TestApp};

#[tokio::test]
async fn unknown_routes_and_methods_get_problems_not_plain_text() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let response = app
        .client
        .get(app.url("/api/v1/no-such-thing"))
        .send()
        .await
        .unwrap();
    expect_problem(response, StatusCode::NOT_FOUND, ProblemCode::NotFound).await;
    let response = app
        .client
        .get(app.url("/anything-else"))
        .send()
        .await
        .unwrap();
    expect_problem(response, StatusCode::NOT_FOUND, ProblemCode::NotFound).await;
    let response = app.client.get(app.url(routes::LOGIN)).send().await.unwrap();
    // RFC 9110 §15.5.6: a 405 lists the methods the resource has.
    assert_eq!(response.headers().get("allow").unwrap(), "POST");
    let problem = expect_problem(
        response,
        StatusCode::METHOD_NOT_ALLOWED,
        ProblemCode::MethodNotAllowed,
    )
    .await;
    assert!(problem.detail.is_none());
    for (method, path, allow) in [
        (reqwest::Method::DELETE, routes::SMS, "POST, GET"),
        (reqwest::Method::PUT, "/livez", "GET"),
        (reqwest::Method::PATCH, routes::OPENAPI_JSON, "GET"),
    ] {
        let response = app
            .client
            .request(method.clone(), app.url(path))
            // (Past the CSRF check, which comes before routing.)
            .header("x-csrf-token", "any")
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.headers().get("allow").map(|v| v.to_str().unwrap()),
            Some(allow),
            "{method} {path}"
        );
        expect_problem(
            response,
            StatusCode::METHOD_NOT_ALLOWED,
            ProblemCode::MethodNotAllowed,
        )
        .await;
    }
}

#[tokio::test]
async fn request_ids_are_echoed_and_quoted_in_problems() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let response = app
        .client
        .get(app.url(routes::ME))
        .header("X-Request-Id", "trace-123")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers().get("x-request-id").unwrap(), "trace-123");
    let problem = expect_problem(
        response,
        StatusCode::UNAUTHORIZED,
        ProblemCode::Unauthenticated,
    )
    .await;
    assert_eq!(problem.request_id.as_deref(), Some("trace-123"));
    // An id that could forge log lines is replaced.
    let response = app
        .client
        .get(app.url("/livez"))
        .header("X-Request-Id", "a b\tc")
        .send()
        .await
        .unwrap();
    assert_ne!(response.headers().get("x-request-id").unwrap(), "a b\tc");
}

#[tokio::test]
async fn security_headers_are_set() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let response = app.client.get(app.url("/livez")).send().await.unwrap();
    assert_eq!(
        response.headers().get("x-content-type-options").unwrap(),
        "nosniff"
    );
    assert_eq!(response.headers().get("x-frame-options").unwrap(), "DENY");
}

/// Storage disappearing under a running server: 503 problem, not a hang or a 500.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storage_loss_answers_503_and_readyz_says_not_ready() {
    use diesel::{Connection, PgConnection, RunQueryDsl};

    let app = TestApp::spawn(Backend::Postgres).await;
    assert_eq!(
        app.client
            .get(app.url("/readyz"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let portcullis_api::config::DatabaseUrl::Postgres(url) = &app.database_url else {
        unreachable!()
    };
    let (base, name) = url.rsplit_once('/').unwrap();
    let mut admin = PgConnection::establish(&format!("{base}/postgres")).unwrap();
    diesel::sql_query(format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(&mut admin)
        .unwrap();

    let response = app.client.get(app.url("/readyz")).send().await.unwrap();
    expect_problem(
        response,
        StatusCode::SERVICE_UNAVAILABLE,
        ProblemCode::Unavailable,
    )
    .await;
    let response = app.login("x@example.com", "Whatever-123").await;
    expect_problem(
        response,
        StatusCode::SERVICE_UNAVAILABLE,
        ProblemCode::Unavailable,
    )
    .await;
    assert_eq!(
        app.client
            .get(app.url("/livez"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_request_log_honours_the_log_filter() {
    // (log filter, request id, whether its request line is written)
    for (filter, id, logged) in [
        ("warn", "filter-warn", false),
        (
            "warn,portcullis_api::telemetry=info",
            "filter-telemetry-info",
            true,
        ),
        (
            "info,portcullis_api::telemetry=warn",
            "filter-telemetry-warn",
            false,
        ),
        // A directive for a span's insides: the line is logged outside any span.
        ("warn,[request]=info", "filter-span-info", false),
        ("info,[request]=warn", "filter-span-warn", true),
    ] {
        let server =
            crate::harness::ServerProcess::spawn(Backend::Sqlite, &[("PORTCULLIS_LOG", filter)])
                .await;
        let response = server
            .app
            .client
            .get(server.app.url("/livez"))
            .header("X-Request-Id", id)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let lines = tokio::task::spawn_blocking(move || server.stop())
            .await
            .unwrap();
        let line = lines
            .iter()
            .find(|line| line.contains(&format!("request_id=\"{id}\"")));
        assert_eq!(line.is_some(), logged, "{filter}:\n{}", lines.join("\n"));
        if let Some(line) = line {
            assert!(
                line.contains(" INFO portcullis_api::telemetry: request ")
                    && line.contains("method=GET path=\"/livez\" status=200 "),
                "{line}"
            );
        }
    }
}
