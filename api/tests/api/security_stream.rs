//! Streaming the security log to the customer's endpoint: a real local HTTP
//! receiver records what arrives. Deliveries are signed (checked here with the
//! `hmac` crate), every event arrives exactly once when nothing crashes, a
//! receiver that fails for a while loses nothing, a restart delivers what was
//! waiting, two processes never send one event twice, and the URL rules
//! (HTTPS, no credentials, no internal addresses — also at delivery time)
//! refuse with their codes. The secret is shown once and sealed at rest.

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::atomic::Ordering,
    time::Duration,
};

use diesel::prelude::*;
use hmac::{Hmac, Mac};
use portcullis_api::db::schema::security_streams;
use portcullis_shared::{
    dto::{
        MeResponse, PortalPermission, RotateStreamSecretRequest, SecurityEventKind,
        SecurityLogPage, SecurityLogQuery, SecurityStreamDto, SetSecurityStreamRequest,
    },
    endpoints::{
        DeleteSecurityStream, GetSecurityStream, RotateStreamSecret, SecurityLog,
        SetSecurityStream, TestSecurityStream,
    },
    problem::ProblemCode,
    validate::codes,
};
use reqwest::StatusCode;
use sha2::Sha256;

use crate::{
    harness::{
        expect_field_error, expect_problem, receiver::Receiver, ServerProcess, TestApp,
        GOOD_PASSWORD,
    },
    subusers::{grants, signed_in_subuser},
    typed_client::Caller,
};

/// Event ids of the batches `receiver` accepted (a 2xx answer), each as often as it came.
fn accepted_event_ids(receiver: &Receiver) -> Vec<String> {
    receiver
        .received()
        .iter()
        .filter(|r| (200..300).contains(&r.answered))
        .flat_map(|r| event_ids(&r.body))
        .collect()
}

fn event_ids(body: &[u8]) -> Vec<String> {
    let batch: serde_json::Value = serde_json::from_slice(body).expect("a JSON batch");
    batch["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["id"].as_str().expect("event id").to_owned())
        .collect()
}

/// What a receiver does: recompute the HMAC of `"<t>.<body>"` and compare
/// in constant time; refuse a `t` more than five minutes away.
fn signature_is_valid(secret: &str, header: &str, body: &[u8]) -> bool {
    let mut t = None;
    let mut v1 = None;
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", value)) => t = value.parse::<i64>().ok(),
            Some(("v1", value)) => v1 = Some(value.to_owned()),
            _ => {}
        }
    }
    let (Some(t), Some(v1)) = (t, v1) else {
        return false;
    };
    if (chrono::Utc::now().timestamp() - t).abs() > 300 {
        return false;
    }
    let Some(expected) = (0..v1.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(v1.get(i..i + 2)?, 16).ok())
        .collect::<Option<Vec<u8>>>()
    else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.").as_bytes());
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

/// Deliver fast, retry fast: for tests against a local receiver.
const LOCAL_RECEIVER: &[(&str, &str)] = &[
    ("PORTCULLIS_SECURITY_STREAM_ALLOW_PLAIN_HTTP", "true"),
    ("PORTCULLIS_SECURITY_STREAM_ALLOW_PRIVATE", "true"),
    ("PORTCULLIS_SECURITY_STREAM_INTERVAL_MS", "100"),
    ("PORTCULLIS_SECURITY_STREAM_TIMEOUT_MS", "2000"),
    ("PORTCULLIS_SECURITY_STREAM_MAX_BACKOFF_SECS", "1"),
];

async fn set_stream(app: &TestApp, me: &MeResponse, url: &str) -> reqwest::Response {
    app.call_raw::<SetSecurityStream>(
        Caller::Session(me),
        &(),
        &SetSecurityStreamRequest {
            url: url.to_owned(),
            password: GOOD_PASSWORD.to_owned(),
        },
    )
    .await
}

/// Sets the stream to `url`; answers its secret.
async fn streaming_to(app: &TestApp, me: &MeResponse, url: &str) -> String {
    let saved = app
        .call::<SetSecurityStream>(
            Caller::Session(me),
            &(),
            &SetSecurityStreamRequest {
                url: url.to_owned(),
                password: GOOD_PASSWORD.to_owned(),
            },
            StatusCode::OK,
        )
        .await;
    let secret = saved.secret.expect("a new stream's secret, shown once");
    assert!(secret.starts_with("whsec_") && secret.len() == 6 + 64);
    secret
}

async fn test_event(app: &TestApp, me: &MeResponse) -> String {
    app.call::<TestSecurityStream>(Caller::Session(me), &(), &(), StatusCode::ACCEPTED)
        .await
        .event_id
}

async fn health(app: &TestApp, me: &MeResponse) -> SecurityStreamDto {
    app.call::<GetSecurityStream>(Caller::Session(me), &(), &(), StatusCode::OK)
        .await
}

/// The ids of the account's events from the stream's set-up on, oldest first.
async fn streamed_events(app: &TestApp, me: &MeResponse) -> Vec<String> {
    let page: SecurityLogPage = app
        .call::<SecurityLog>(
            Caller::Session(me),
            &(),
            &SecurityLogQuery {
                limit: Some(200),
                ..SecurityLogQuery::default()
            },
            StatusCode::OK,
        )
        .await;
    let mut ids = Vec::new();
    for event in page.events {
        ids.push(event.id);
        if event.kind == SecurityEventKind::StreamConfigured {
            break;
        }
    }
    ids.reverse();
    ids
}

/// Polls `check` until it holds, for up to 30 s.
async fn eventually(what: &str, mut check: impl AsyncFnMut() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !check().await {
        assert!(std::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Every expected event accepted exactly once, nothing else.
fn assert_exactly_once(receiver: &Receiver, expected: &[String]) {
    let accepted = accepted_event_ids(receiver);
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for id in &accepted {
        *counts.entry(id.as_str()).or_default() += 1;
    }
    let expected_set: BTreeSet<&str> = expected.iter().map(String::as_str).collect();
    let got_set: BTreeSet<&str> = counts.keys().copied().collect();
    assert_eq!(got_set, expected_set, "the events delivered");
    assert!(
        counts.values().all(|n| *n == 1),
        "an event was delivered twice: {counts:?}"
    );
}

async fn deliveries_are_signed_and_carry_every_event_once(app: TestApp) {
    let receiver = Receiver::start().await;
    let me = app.signed_in("stream-signed@example.com").await;
    let secret = streaming_to(&app, &me, &receiver.url()).await;
    for _ in 0..5 {
        test_event(&app, &me).await;
    }
    // A subuser's events belong to the company's stream too.
    let (subuser, _sub_app, _sub) = signed_in_subuser(
        &app,
        &me,
        "stream-signed-sub@example.com",
        grants(&[PortalPermission::SecurityLog], &[]),
    )
    .await;
    let expected = streamed_events(&app, &me).await;
    assert!(
        expected.len() > 6,
        "stream_configured, five tests and the subuser's"
    );
    eventually("every event delivered", async || {
        accepted_event_ids(&receiver).len() >= expected.len()
    })
    .await;
    assert_exactly_once(&receiver, &expected);
    for delivery in receiver.received() {
        assert!(
            signature_is_valid(
                &secret,
                delivery.header("x-portcullis-signature"),
                &delivery.body
            ),
            "{delivery:?}"
        );
        assert!(!signature_is_valid(
            "whsec_wrong",
            delivery.header("x-portcullis-signature"),
            &delivery.body
        ));
        assert!(delivery.header("x-portcullis-delivery").starts_with("dlv_"));
        let batch: serde_json::Value = serde_json::from_slice(&delivery.body).unwrap();
        assert_eq!(
            batch["delivery_id"],
            delivery.header("x-portcullis-delivery")
        );
        // Each event as the export carries it, hashes included, oldest first.
        let events = batch["events"].as_array().unwrap();
        let times: Vec<&str> = events
            .iter()
            .map(|e| e["created_at"].as_str().unwrap())
            .collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
        for event in events {
            for field in ["kind", "actor", "account_id", "seq", "prev_hash", "hash"] {
                assert!(!event[field].is_null(), "{field} in {event}");
            }
            let login = event["account_id"].as_str().unwrap();
            assert!(login == me.account.id || login == subuser.id, "{event}");
        }
    }
    let logins: BTreeSet<String> = receiver
        .received()
        .iter()
        .flat_map(|r| {
            let batch: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
            batch["events"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["account_id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        logins.contains(&subuser.id),
        "the subuser's events were streamed"
    );
    let stream = health(&app, &me).await;
    assert_eq!(stream.health.queue_depth, 0);
    assert_eq!(stream.health.consecutive_failures, 0);
    assert!(stream.health.last_success_at.is_some());
    assert!(stream.health.last_failure.is_none());
}

async fn a_failing_receiver_loses_nothing_and_health_shows_it(app: TestApp) {
    let receiver = Receiver::start().await;
    receiver.answer(500);
    let me = app.signed_in("stream-outage@example.com").await;
    let secret = streaming_to(&app, &me, &receiver.url()).await;
    for _ in 0..4 {
        test_event(&app, &me).await;
    }
    eventually("failures show in the health", async || {
        let stream = health(&app, &me).await;
        stream.health.consecutive_failures >= 2
    })
    .await;
    let failing = health(&app, &me).await;
    assert_eq!(failing.health.last_failure.as_deref(), Some("http_500"));
    assert!(failing.health.last_failure_at.is_some());
    assert!(failing.health.last_success_at.is_none());
    assert_eq!(failing.health.queue_depth, 5);
    assert!(failing.health.oldest_pending_at.is_some());
    assert!(accepted_event_ids(&receiver).is_empty());
    assert!(receiver.received().len() >= 2, "it kept trying");
    // More events while it is down; then it recovers.
    test_event(&app, &me).await;
    receiver.answer(200);
    let expected = streamed_events(&app, &me).await;
    assert_eq!(expected.len(), 6);
    eventually("the backlog delivered", async || {
        health(&app, &me).await.health.queue_depth == 0
    })
    .await;
    assert_exactly_once(&receiver, &expected);
    let recovered = health(&app, &me).await;
    assert!(recovered.health.last_success_at.is_some());
    assert_eq!(recovered.health.consecutive_failures, 0);
    assert_eq!(
        recovered.health.last_failure.as_deref(),
        Some("http_500"),
        "the last failure stays visible"
    );
    assert!(recovered.health.oldest_pending_at.is_none());
    for delivery in receiver.received() {
        assert!(signature_is_valid(
            &secret,
            delivery.header("x-portcullis-signature"),
            &delivery.body
        ));
    }
}

/// The real binary is killed (SIGKILL) with events waiting; the next process
/// on the same database delivers them.
async fn pending_events_are_delivered_after_a_restart(first: ServerProcess) {
    let receiver = Receiver::start().await;
    receiver.answer(503);
    let me = first.app.signed_in("stream-restart@example.com").await;
    streaming_to(&first.app, &me, &receiver.url()).await;
    for _ in 0..3 {
        test_event(&first.app, &me).await;
    }
    let expected = streamed_events(&first.app, &me).await;
    eventually("a failed attempt", async || !receiver.received().is_empty()).await;
    // The same database and settings, for the next process.
    let carrier = TestApp {
        address: first.app.address.clone(),
        client: first.app.client.clone(),
        database_url: first.app.database_url.clone(),
        _sqlite_dir: first.app._sqlite_dir.clone(),
        settings: first.app.settings.clone(),
        tls: None,
        metrics_address: None,
    };
    drop(first);
    receiver.answer(200);
    let second = ServerProcess::beside(&carrier).await;
    eventually(
        "the waiting events delivered after the restart",
        async || accepted_event_ids(&receiver).len() >= expected.len(),
    )
    .await;
    assert_exactly_once(&receiver, &expected);
    drop(second);
}

/// Two processes deliver from one database: no event goes out twice.
async fn two_processes_never_send_one_event_twice(app: TestApp) {
    let receiver = Receiver::start().await;
    receiver.delay_ms.store(30, Ordering::SeqCst);
    let other = ServerProcess::beside(&app).await;
    let me = app.signed_in("stream-two@example.com").await;
    streaming_to(&app, &me, &receiver.url()).await;
    for _ in 0..40 {
        test_event(&app, &me).await;
    }
    let expected = streamed_events(&app, &me).await;
    assert_eq!(expected.len(), 41);
    eventually("every event delivered", async || {
        accepted_event_ids(&receiver).len() >= expected.len()
    })
    .await;
    // Give a second sender the time to send what it should not.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_exactly_once(&receiver, &expected);
    drop(other);
}

async fn urls_are_checked_and_only_the_owner_sets_them(app: TestApp) {
    let me = app.signed_in("stream-rules@example.com").await;
    for (url, code) in [
        ("http://siem.example.com/in", codes::INSECURE_URL),
        ("ftp://siem.example.com/in", codes::INVALID_URL),
        ("not a url", codes::INVALID_URL),
        (
            "https://user:secret@siem.example.com/in",
            codes::URL_CREDENTIALS,
        ),
        ("https://siem.example.com/in#frag", codes::URL_FRAGMENT),
        ("https://127.0.0.1/in", codes::ADDRESS_NOT_ALLOWED),
        ("https://2130706433/in", codes::ADDRESS_NOT_ALLOWED),
        ("https://[::1]/in", codes::ADDRESS_NOT_ALLOWED),
        (
            "https://[::ffff:169.254.169.254]/",
            codes::ADDRESS_NOT_ALLOWED,
        ),
        (
            "https://169.254.169.254/latest/meta-data/",
            codes::ADDRESS_NOT_ALLOWED,
        ),
        ("https://10.0.0.8/in", codes::ADDRESS_NOT_ALLOWED),
        ("https://192.168.1.20/in", codes::ADDRESS_NOT_ALLOWED),
        ("https://[fd00::1]/in", codes::ADDRESS_NOT_ALLOWED),
        ("https://localhost:9/in", codes::ADDRESS_NOT_ALLOWED),
    ] {
        let response = set_stream(&app, &me, url).await;
        expect_field_error(response, "url", code).await;
    }
    let long = format!("https://siem.example.com/{}", "a".repeat(2100));
    expect_field_error(set_stream(&app, &me, &long).await, "url", codes::TOO_LONG).await;
    let response = app
        .call_raw::<SetSecurityStream>(
            Caller::Session(&me),
            &(),
            &SetSecurityStreamRequest {
                url: "https://93.184.215.14/in".into(),
                password: "Not-The-Password-1".into(),
            },
        )
        .await;
    expect_field_error(response, "password", codes::WRONG_PASSWORD).await;
    let response = app
        .call_raw::<GetSecurityStream>(Caller::Session(&me), &(), &())
        .await;
    expect_problem(response, StatusCode::NOT_FOUND, ProblemCode::NotFound).await;

    // A subuser who may read the log sees the health, but may not change the stream.
    streaming_to(&app, &me, "https://93.184.215.14/in").await;
    let (_, sub_app, sub) = signed_in_subuser(
        &app,
        &me,
        "stream-reader@example.com",
        grants(&[PortalPermission::SecurityLog], &[]),
    )
    .await;
    let seen = health(&sub_app, &sub).await;
    assert_eq!(seen.url, "https://93.184.215.14/in");
    let response = set_stream(&sub_app, &sub, "https://93.184.215.15/in").await;
    expect_problem(
        response,
        StatusCode::FORBIDDEN,
        ProblemCode::PermissionDenied,
    )
    .await;
    let response = sub_app
        .call_raw::<DeleteSecurityStream>(Caller::Session(&sub), &(), &())
        .await;
    expect_problem(
        response,
        StatusCode::FORBIDDEN,
        ProblemCode::PermissionDenied,
    )
    .await;
}

/// The name a stream was set up with now points inside (DNS rebinding, or a
/// changed record): the delivery looks again, refuses, and sends nothing.
async fn an_address_that_turned_internal_is_refused_at_delivery(app: TestApp) {
    let receiver = Receiver::start().await;
    let me = app.signed_in("stream-rebind@example.com").await;
    streaming_to(&app, &me, "https://93.184.215.14/in").await;
    let internal = format!("http://localhost:{}/siem/in", receiver.port);
    diesel::update(security_streams::table)
        .set(security_streams::url.eq(&internal))
        .execute(&mut app.db())
        .unwrap();
    test_event(&app, &me).await;
    eventually("the refusal shows in the health", async || {
        health(&app, &me).await.health.last_failure.as_deref() == Some("address_refused")
    })
    .await;
    assert!(
        receiver.received().is_empty(),
        "nothing reached the internal address"
    );
    assert!(
        health(&app, &me).await.health.queue_depth >= 1,
        "the events wait"
    );
}

async fn the_secret_is_shown_once_sealed_at_rest_and_changes_are_logged(app: TestApp) {
    let receiver = Receiver::start().await;
    let me = app.signed_in("stream-secret@example.com").await;
    let secret = streaming_to(&app, &me, &receiver.url()).await;
    // Pointing it elsewhere keeps the secret, and does not show it again.
    let again = app
        .call::<SetSecurityStream>(
            Caller::Session(&me),
            &(),
            &SetSecurityStreamRequest {
                url: format!("{}?v=2", receiver.url()),
                password: GOOD_PASSWORD.to_owned(),
            },
            StatusCode::OK,
        )
        .await;
    assert!(again.secret.is_none());
    let read = app
        .client
        .get(app.url(portcullis_shared::routes::SECURITY_LOG_STREAM))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !read.contains(&secret) && !read.contains(&secret[6..]),
        "{read}"
    );
    let stored: String = security_streams::table
        .select(security_streams::secret)
        .first(&mut app.db())
        .unwrap();
    assert!(
        !stored.contains(&secret[6..]),
        "the secret is not stored in clear"
    );
    assert!(
        stored.starts_with(portcullis_api::domain::kek::SEALED_PREFIX),
        "sealed with the key-encryption key: {stored}"
    );

    let rotated = app
        .call::<RotateStreamSecret>(
            Caller::Session(&me),
            &(),
            &RotateStreamSecretRequest {
                password: GOOD_PASSWORD.to_owned(),
            },
            StatusCode::OK,
        )
        .await
        .secret
        .expect("the new secret");
    assert_ne!(rotated, secret);
    let id = test_event(&app, &me).await;
    eventually("the test event delivered", async || {
        accepted_event_ids(&receiver).contains(&id)
    })
    .await;
    let last = receiver
        .received()
        .into_iter()
        .rev()
        .find(|r| event_ids(&r.body).contains(&id))
        .unwrap();
    assert!(signature_is_valid(
        &rotated,
        last.header("x-portcullis-signature"),
        &last.body
    ));
    assert!(!signature_is_valid(
        &secret,
        last.header("x-portcullis-signature"),
        &last.body
    ));

    app.call::<DeleteSecurityStream>(Caller::Session(&me), &(), &(), StatusCode::NO_CONTENT)
        .await;
    let response = app
        .call_raw::<GetSecurityStream>(Caller::Session(&me), &(), &())
        .await;
    expect_problem(response, StatusCode::NOT_FOUND, ProblemCode::NotFound).await;
    let log = streamed_events(&app, &me).await;
    assert!(!log.is_empty());
    let page: SecurityLogPage = app
        .call::<SecurityLog>(
            Caller::Session(&me),
            &(),
            &SecurityLogQuery::default(),
            StatusCode::OK,
        )
        .await;
    let kinds: Vec<SecurityEventKind> = page.events.iter().map(|e| e.kind).collect();
    for kind in [
        SecurityEventKind::StreamConfigured,
        SecurityEventKind::StreamSecretRotated,
        SecurityEventKind::StreamTest,
        SecurityEventKind::StreamRemoved,
    ] {
        assert!(kinds.contains(&kind), "{kind:?} in {kinds:?}");
    }
    assert!(page.events.iter().all(|e| e
        .details
        .values()
        .all(|v| !v.contains(&secret[6..]) && !v.contains(&rotated[6..]))));
}

on_both_backends!(settings = LOCAL_RECEIVER;
    deliveries_are_signed_and_carry_every_event_once,
    a_failing_receiver_loses_nothing_and_health_shows_it,
    pending_events_are_delivered_after_a_restart,
    two_processes_never_send_one_event_twice,
    the_secret_is_shown_once_sealed_at_rest_and_changes_are_logged,
);

on_both_backends!(urls_are_checked_and_only_the_owner_sets_them,);

on_both_backends!(settings = &[("PORTCULLIS_SECURITY_STREAM_ALLOW_PLAIN_HTTP", "true"), ("PORTCULLIS_SECURITY_STREAM_INTERVAL_MS", "100")];
    an_address_that_turned_internal_is_refused_at_delivery,
);
