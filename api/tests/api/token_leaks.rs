//! Leaked-token reporting: anyone posts a `pcl_at_…` token or `pcl_cs_…`
//! client secret found in public; a genuine one is revoked at once, its owner
//! e-mailed with the URL and the event logged, and the answer is the same
//! whatever the string was. Reports come from a client without cookies or
//! CSRF header, as a secret scanner's would.

use std::time::Duration;

use portcullis_shared::{
    dto::{SecurityEventKind, TokenLeaksAcceptedDto},
    problem::ProblemCode,
    routes,
    scope::Scope,
};
use reqwest::{header, StatusCode};
use serde_json::{json, Value};

use crate::harness::{
    expect_field_error, expect_problem, oauth_client_request, token_request, TestApp,
};

const SETTINGS: &[(&str, &str)] = &[
    ("PORTCULLIS_TRUSTED_PROXIES", "127.0.0.1"),
    ("PORTCULLIS_DEV_OUTBOX", "true"),
];

const LEAK_MAIL: &str = "token_leak";

/// Posts `body` to the report endpoint from `ip`, as a stranger.
async fn report_from(app: &TestApp, ip: &str, body: &Value) -> reqwest::Response {
    app.client_builder()
        .build()
        .expect("http client")
        .post(app.url(routes::TOKEN_LEAKS))
        .header("X-Forwarded-For", ip)
        .json(body)
        .send()
        .await
        .expect("request")
}

/// The status and body of an answer.
async fn answer(response: reqwest::Response) -> (StatusCode, String) {
    let status = response.status();
    (status, response.text().await.expect("body"))
}

/// Waits until `secret` is refused (the report is handled off the request).
async fn wait_until_refused(app: &TestApp, secret: &str) -> reqwest::Response {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let response = app.bearer_get(routes::PROFILE, secret).await;
        if response.status() != StatusCode::OK || std::time::Instant::now() > deadline {
            return response;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn a_leaked_token_is_revoked_and_its_owner_told(app: TestApp) {
    let email = "leaky@example.com";
    let me = app.signed_in(email).await;
    let token = app
        .create_token(&me, &token_request("Deploy bot", &[Scope::Profile]))
        .await;
    app.assert_bearer_get(routes::PROFILE, &token.secret, StatusCode::OK)
        .await;
    let kept = app
        .create_token(&me, &token_request("Kept", &[Scope::Profile]))
        .await;

    let url = "https://gist.example.com/someone/abc123";
    let real = answer(
        report_from(
            &app,
            "198.51.100.7",
            &json!({ "token": token.secret, "url": url }),
        )
        .await,
    )
    .await;
    assert_eq!(real.0, StatusCode::ACCEPTED);
    let accepted: TokenLeaksAcceptedDto = serde_json::from_str(&real.1).unwrap();
    assert_eq!(accepted.received, 1);

    // Revoked at once: the next call is refused.
    expect_problem(
        wait_until_refused(&app, &token.secret).await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::TokenRevoked,
    )
    .await;
    // Only that token.
    app.assert_bearer_get(routes::PROFILE, &kept.secret, StatusCode::OK)
        .await;

    // The owner is told, with the (defanged) URL; the event names token and URL.
    let mails = app.wait_for_mails(email, LEAK_MAIL, 1).await;
    assert!(mails[0].body.contains("Deploy bot"), "{}", mails[0].body);
    assert!(
        mails[0]
            .body
            .contains("hxxps[:]//gist[.]example[.]com/someone/abc123"),
        "{}",
        mails[0].body
    );
    assert!(!mails[0].body.contains(&token.secret));
    let events = app
        .security_events(SecurityEventKind::TokenLeakReported)
        .await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].details["token_id"], token.token.id);
    assert_eq!(events[0].details["url"], url);
    assert_eq!(events[0].details["action"], "token_deleted");
    assert_eq!(events[0].ip.as_deref(), Some("198.51.100.7"));

    // Junk, a made-up token, and the same token again: the same answer.
    for junk in [
        json!({ "token": "pcl_at_eyJhbGciOiJFZERTQSJ9.e30.c2lnbmF0dXJl", "url": url }),
        json!({ "token": "pcl_cs_not-a-real-secret-at-all-000000000000", "url": url }),
        json!({ "token": "hello world", "url": url }),
        json!({ "token": token.secret, "url": url }),
    ] {
        assert_eq!(
            answer(report_from(&app, "198.51.100.7", &junk).await).await,
            real,
            "{junk}"
        );
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        app.security_events(SecurityEventKind::TokenLeakReported)
            .await
            .len(),
        1
    );
    assert_eq!(app.mails(email, LEAK_MAIL).await.len(), 1);
}

async fn a_leaked_client_secret_disables_the_client(app: TestApp) {
    let email = "scanner-target@example.com";
    let me = app.signed_in(email).await;
    let client = app
        .register_oauth_client(&me, &oauth_client_request("Shop", &[Scope::Profile]))
        .await;
    let issued = app.client_credentials_token(&client, None).await;
    app.assert_bearer_get(routes::PROFILE, &issued.access_token, StatusCode::OK)
        .await;

    // GitHub's secret scanning shape: a list with type and source.
    let response = report_from(
        &app,
        "203.0.113.5",
        &json!([
            { "token": client.client_secret, "type": "portcullis_client_secret",
              "url": "https://github.com/octo/repo/blob/main/.env", "source": "content" },
            { "token": "pcl_at_nothing", "type": "portcullis_access_token",
              "url": "https://github.com/octo/repo/blob/main/x", "source": "commit" },
        ]),
    )
    .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let accepted: TokenLeaksAcceptedDto = response.json().await.unwrap();
    assert_eq!(accepted.received, 2);

    // Its issued tokens are refused, and the leaked secret gets no new ones.
    expect_problem(
        wait_until_refused(&app, &issued.access_token).await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::TokenDisabled,
    )
    .await;
    let grant = app
        .client_builder()
        .build()
        .unwrap()
        .post(app.url(routes::OAUTH_TOKEN))
        .basic_auth(&client.client.id, Some(&client.client_secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(grant.status(), StatusCode::UNAUTHORIZED);

    let mails = app.wait_for_mails(email, LEAK_MAIL, 1).await;
    assert!(mails[0].body.contains("Shop"), "{}", mails[0].body);
    assert!(!mails[0].body.contains(&client.client_secret));
    let events = app
        .security_events(SecurityEventKind::TokenLeakReported)
        .await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].details["client_id"], client.client.id);
    assert_eq!(events[0].details["action"], "client_disabled");
}

/// Attack: an OAuth client's secret was rotated with an overlap, and the
/// previous secret — still accepted until the overlap ends — is found in
/// public. The report must stop it as it stops a current secret: the client
/// is disabled and neither secret gets a token.
async fn a_leaked_previous_secret_during_an_overlap_disables_the_client(app: TestApp) {
    let email = "rotated-target@example.com";
    let me = app.signed_in(email).await;
    let client = app
        .register_oauth_client(&me, &oauth_client_request("Shop", &[Scope::Profile]))
        .await;
    let rotated: portcullis_shared::dto::CreatedOAuthClientDto = app
        .portal_json(
            reqwest::Method::POST,
            &routes::OAUTH_CLIENT_SECRET.replace("{id}", &client.client.id),
            &me.session.csrf_token,
            &portcullis_shared::dto::RotateOAuthClientSecretRequest {
                old_secret_valid_for_secs: 86_400,
            },
        )
        .await
        .json()
        .await
        .unwrap();
    let grant = |secret: String| {
        let request = app
            .client_builder()
            .build()
            .unwrap()
            .post(app.url(routes::OAUTH_TOKEN))
            .basic_auth(&client.client.id, Some(secret))
            .form(&[("grant_type", "client_credentials")]);
        async move { request.send().await.unwrap().status() }
    };
    assert_eq!(
        grant(client.client_secret.clone()).await,
        StatusCode::OK,
        "the overlap"
    );

    let response = report_from(
        &app,
        "203.0.113.6",
        &json!([{ "token": client.client_secret, "type": "portcullis_client_secret",
                  "url": "https://github.com/octo/repo/blob/main/.env.old" }]),
    )
    .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let mails = app.wait_for_mails(email, LEAK_MAIL, 1).await;
    assert!(mails[0].body.contains("Shop"), "{}", mails[0].body);
    for secret in [&client.client_secret, &rotated.client_secret] {
        assert_eq!(grant(secret.clone()).await, StatusCode::UNAUTHORIZED);
    }
    let events = app
        .security_events(SecurityEventKind::TokenLeakReported)
        .await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].details["action"], "client_disabled");
}

async fn an_issued_token_leak_revokes_only_that_token(app: TestApp) {
    let me = app.signed_in("issued@example.com").await;
    let client = app
        .register_oauth_client(&me, &oauth_client_request("Kiosk", &[Scope::Profile]))
        .await;
    let leaked = app.client_credentials_token(&client, None).await;
    let other = app.client_credentials_token(&client, None).await;
    let response = report_from(
        &app,
        "203.0.113.5",
        &json!({ "token": leaked.access_token }),
    )
    .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    expect_problem(
        wait_until_refused(&app, &leaked.access_token).await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::TokenRevoked,
    )
    .await;
    app.assert_bearer_get(routes::PROFILE, &other.access_token, StatusCode::OK)
        .await;
    let events = app
        .security_events(SecurityEventKind::TokenLeakReported)
        .await;
    assert_eq!(events[0].details["action"], "token_revoked");
}

async fn bad_reports_are_refused_naming_the_field(app: TestApp) {
    let not_json = app
        .client_builder()
        .build()
        .unwrap()
        .post(app.url(routes::TOKEN_LEAKS))
        .header(header::CONTENT_TYPE, "application/json")
        .body("pcl_at_oops")
        .send()
        .await
        .unwrap();
    expect_problem(
        not_json,
        StatusCode::BAD_REQUEST,
        ProblemCode::MalformedBody,
    )
    .await;

    let ip = "198.51.100.1";
    expect_field_error(
        report_from(
            &app,
            ip,
            &json!({ "token": "pcl_at_x", "url": "ftp://example.com/x" }),
        )
        .await,
        "url",
        "invalid_url",
    )
    .await;
    expect_field_error(
        report_from(&app, ip, &json!({ "token": "x".repeat(5000) })).await,
        "token",
        "too_long",
    )
    .await;
    expect_field_error(
        report_from(&app, ip, &json!({ "url": "https://example.com" })).await,
        "token",
        "required",
    )
    .await;
    expect_field_error(
        report_from(&app, ip, &json!([{ "token": "pcl_at_x" }, { "token": 7 }])).await,
        "[1].token",
        "invalid_type",
    )
    .await;
    expect_field_error(
        report_from(&app, ip, &json!([])).await,
        "reports",
        "required",
    )
    .await;
}

async fn reports_are_rate_limited_per_source_address(app: TestApp) {
    let body = json!({ "token": "pcl_at_whatever" });
    for _ in 0..20 {
        assert_eq!(
            report_from(&app, "192.0.2.10", &body).await.status(),
            StatusCode::ACCEPTED
        );
    }
    let refused = report_from(&app, "192.0.2.10", &body).await;
    let retry_after: u64 = refused.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&retry_after), "{retry_after}");
    expect_problem(
        refused,
        StatusCode::TOO_MANY_REQUESTS,
        ProblemCode::RateLimited,
    )
    .await;
    // Another address is not held back.
    assert_eq!(
        report_from(&app, "192.0.2.11", &body).await.status(),
        StatusCode::ACCEPTED
    );
}

on_both_backends!(settings = SETTINGS;
    a_leaked_token_is_revoked_and_its_owner_told,
    a_leaked_client_secret_disables_the_client,
    a_leaked_previous_secret_during_an_overlap_disables_the_client,
    an_issued_token_leak_revokes_only_that_token,
    bad_reports_are_refused_naming_the_field,
    reports_are_rate_limited_per_source_address,
);
