//! CORS: closed by default (no answer lets another origin's browser read it),
//! and open to exactly the origins in `PORTCULLIS_CORS_ORIGINS` when set.

use portcullis_shared::{problem::ProblemCode, routes};
use reqwest::{header, Method, StatusCode};

use crate::harness::{expect_problem, signup_request, Backend, TestApp};

const APP_ORIGIN: &str = "https://app.example.com";
const OTHER_ORIGIN: &str = "https://evil.example.net";

fn cors_headers(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .keys()
        .filter(|name| name.as_str().starts_with("access-control-"))
        .map(|name| name.as_str().to_owned())
        .collect()
}

async fn preflight(app: &TestApp, origin: &str, path: &str) -> reqwest::Response {
    app.client
        .request(Method::OPTIONS, app.url(path))
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(
            header::ACCESS_CONTROL_REQUEST_HEADERS,
            "content-type,x-csrf-token",
        )
        .send()
        .await
        .expect("request")
}

async fn get_from(app: &TestApp, origin: &str, path: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .header(header::ORIGIN, origin)
        .send()
        .await
        .expect("request")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_is_closed_by_default() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let me = app.signed_in("closed@example.com").await;
    for origin in [APP_ORIGIN, OTHER_ORIGIN] {
        let response = get_from(&app, origin, routes::ME).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(cors_headers(&response), Vec::<String>::new(), "{origin}");
        let response = preflight(&app, origin, routes::TOKENS).await;
        assert!(response.status().is_client_error(), "{}", response.status());
        assert_eq!(cors_headers(&response), Vec::<String>::new(), "{origin}");
    }
    assert_eq!(me.account.email, "closed@example.com");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_opens_to_the_configured_origins_only() {
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        &[(
            "PORTCULLIS_CORS_ORIGINS",
            "https://app.example.com, http://localhost:8081",
        )],
    )
    .await;

    // A listed origin: its preflight is answered, and it may read the answers.
    let response = preflight(&app, APP_ORIGIN, routes::TOKENS).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers();
    assert_eq!(
        headers[header::ACCESS_CONTROL_ALLOW_ORIGIN]
            .to_str()
            .unwrap(),
        APP_ORIGIN
    );
    assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_CREDENTIALS], "true");
    let methods = headers[header::ACCESS_CONTROL_ALLOW_METHODS]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        methods.contains("POST") && methods.contains("DELETE"),
        "{methods}"
    );
    let allowed = headers[header::ACCESS_CONTROL_ALLOW_HEADERS]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(
        allowed.contains("x-csrf-token") && allowed.contains("content-type"),
        "{allowed}"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");

    let response = get_from(&app, "http://localhost:8081", "/livez").await;
    assert_eq!(
        response.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "http://localhost:8081"
    );
    let vary = response.headers()[header::VARY]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(vary.to_ascii_lowercase().contains("origin"), "{vary}");
    let exposed = response.headers()[header::ACCESS_CONTROL_EXPOSE_HEADERS]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(exposed.contains("x-request-id"), "{exposed}");
    // Refusals carry them too, so the listed origin can read the problem.
    let response = get_from(&app, APP_ORIGIN, routes::ME).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        response.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        APP_ORIGIN
    );

    // Any other origin: served, but without Access-Control-Allow-Origin its
    // browser cannot read the answer; and its preflight is refused.
    let response = get_from(&app, OTHER_ORIGIN, "/livez").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(!response
        .headers()
        .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
    let response = preflight(&app, OTHER_ORIGIN, routes::TOKENS).await;
    assert_eq!(cors_headers(&response), Vec::<String>::new());
    expect_problem(response, StatusCode::FORBIDDEN, ProblemCode::Forbidden).await;

    // The portal's own requests carry its own (unlisted) origin: still served.
    let own_origin = app.address.clone();
    let response = app
        .client
        .post(app.url(routes::SIGNUP))
        .header(header::ORIGIN, &own_origin)
        .header(routes::CSRF_HEADER, routes::PRE_SESSION_CSRF)
        .json(&signup_request("own@example.com"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::ACCEPTED);
}
