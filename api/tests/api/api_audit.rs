//! The security log of API access: refused calls (folded, never with a
//! secret, never for tokens we did not sign), every change to tokens, OAuth
//! clients, the API allowlist and the country filter, and the e-mail that warns
//! of a token expiring within 7 days (once, even with several processes).

use std::time::Duration;

use chrono::Utc;
use portcullis_api::services::{tokens::expiry, Db, Mailer};
use portcullis_shared::{
    dto::{
        CreateTokenRequest, SecurityEventDto, SecurityEventKind, UpdateOAuthClientRequest,
        UpdateTokenRequest,
    },
    routes,
    scope::Scope,
};
use reqwest::{Method, StatusCode};

use crate::harness::{allowlisted_token_request, oauth_client_request, token_request, TestApp};

/// The storm opens 50 fresh connections at once: on a loaded machine the
/// slowloris deadline (5 s for the request head) could answer one of them
/// 408 before its request is read, which is not what this test is about.
const FAST_REFUSAL_LOG: &[(&str, &str)] = &[
    ("PORTCULLIS_REFUSED_CALLS_FLUSH_MS", "1000"),
    ("PORTCULLIS_CLIENT_REQUEST_TIMEOUT_MS", "60000"),
];
const FAST_EXPIRY_CHECK: &[(&str, &str)] = &[
    ("PORTCULLIS_DEV_OUTBOX", "true"),
    ("PORTCULLIS_TOKEN_EXPIRY_CHECK_MS", "100"),
];

fn count_of(event: &SecurityEventDto) -> u64 {
    event.details["count"].parse().unwrap()
}

/// Waits until the refused-call events of `reason` add up to `total`.
async fn refusals(app: &TestApp, reason: &str, total: u64) -> Vec<SecurityEventDto> {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let events: Vec<SecurityEventDto> = app
            .security_events(SecurityEventKind::ApiCallRefused)
            .await
            .into_iter()
            .filter(|e| e.details["reason"] == reason)
            .collect();
        let counted: u64 = events.iter().map(count_of).sum();
        if counted >= total || std::time::Instant::now() > deadline {
            assert_eq!(counted, total, "{reason}: {events:?}");
            return events;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn a_storm_of_refused_calls_becomes_a_few_counted_events(app: TestApp) {
    let me = app.signed_in("storm@example.com").await;
    let token = app
        .create_token(&me, &token_request("CRM", &[Scope::Profile]))
        .await;
    app.set_token_disabled(&me, &token.token.id, true).await;

    // The 50 calls go out together, so that they fall into a few flush
    // intervals even on a loaded machine.
    let started = std::time::Instant::now();
    let calls = (0..50).map(|_| app.bearer_get(routes::PROFILE, &token.secret));
    for response in futures_util::future::join_all(calls).await {
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    // One event per flush interval (1 s here) that saw refusals, however many there were.
    let intervals = started.elapsed().as_millis() as usize / 1000 + 2;
    // A token we did not sign names no account to log against.
    let forged = format!("{}x", token.secret);
    for _ in 0..20 {
        app.assert_bearer_get(routes::PROFILE, &forged, StatusCode::UNAUTHORIZED)
            .await;
    }

    let events = refusals(&app, "token_disabled", 50).await;
    assert!(
        events.len() <= intervals.min(10),
        "one event per flush, not per call: {events:?}"
    );
    for event in &events {
        assert_eq!(event.details["token_id"], token.token.id);
        assert_eq!(event.ip.as_deref(), Some("127.0.0.1"));
    }
    let all = app.security_events(SecurityEventKind::ApiCallRefused).await;
    assert_eq!(
        all.len(),
        events.len(),
        "the forged token's calls are not logged"
    );
    let stored = app.table_text("security_events", &["kind", "details"]);
    let signature = token.secret.rsplit('.').next().unwrap();
    assert!(!stored.contains(signature), "no secret is stored");
    assert!(!stored.contains(&token.secret));
}

async fn refusals_by_scope_and_address_are_logged_with_their_reason(app: TestApp) {
    let me = app.signed_in("scopes@example.com").await;
    let token = app
        .create_token(
            &me,
            &allowlisted_token_request("Reader", &[Scope::Profile], &["203.0.113.0/24"]),
        )
        .await;
    let open = app
        .create_token(&me, &token_request("Open", &[Scope::Profile]))
        .await;
    for _ in 0..3 {
        app.bearer_get(routes::PROFILE, &token.secret).await;
        app.bearer_get(routes::CONTACTS, &open.secret).await;
    }
    let address = refusals(&app, "token_ip_not_allowed", 3).await;
    assert_eq!(address[0].details["token_id"], token.token.id);
    let scope = refusals(&app, "insufficient_scope", 3).await;
    assert_eq!(scope[0].details["token_id"], open.token.id);
    assert_eq!(scope[0].details["scope"], "contacts:read");
}

/// The newest event of `kind`.
async fn newest(app: &TestApp, kind: SecurityEventKind) -> SecurityEventDto {
    app.security_events(kind)
        .await
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no {kind:?} event"))
}

async fn changes_to_api_access_are_recorded(app: TestApp) {
    let me = app.signed_in("audit@example.com").await;
    let csrf = me.session.csrf_token.clone();
    let token = app
        .create_token(&me, &token_request("CRM", &[Scope::Sms, Scope::Profile]))
        .await;
    let created = newest(&app, SecurityEventKind::TokenCreated).await;
    assert_eq!(created.details["token_id"], token.token.id);
    assert_eq!(created.details["name"], "CRM");
    assert_eq!(created.actor, me.account.id);
    assert!(!app
        .table_text("security_events", &["details"])
        .contains(&token.secret));

    let token_path = routes::TOKEN.replace("{id}", &token.token.id);
    for (body, change) in [
        (
            UpdateTokenRequest {
                disabled: Some(true),
                ..Default::default()
            },
            "disabled",
        ),
        (
            UpdateTokenRequest {
                disabled: Some(false),
                ..Default::default()
            },
            "enabled",
        ),
        (
            UpdateTokenRequest {
                ip_allowlist: Some(vec!["10.0.0.0/8".to_owned()]),
                name: Some("CRM 2".to_owned()),
                ..Default::default()
            },
            "renamed,allowlist",
        ),
    ] {
        let response = app
            .portal_json(Method::PATCH, &token_path, &csrf, &body)
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            newest(&app, SecurityEventKind::TokenChanged).await.details["change"],
            change
        );
    }
    app.portal_json(
        Method::PATCH,
        &token_path,
        &csrf,
        &UpdateTokenRequest {
            name: Some("CRM 2".to_owned()),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(
        app.security_events(SecurityEventKind::TokenChanged)
            .await
            .len(),
        3,
        "a change that changes nothing is not recorded"
    );
    let response = app.portal(Method::DELETE, &token_path, &csrf, None).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        newest(&app, SecurityEventKind::TokenDeleted).await.details["name"],
        "CRM 2"
    );

    let client = app
        .register_oauth_client(&me, &oauth_client_request("Billing", &[Scope::Sms]))
        .await;
    let client_path = routes::OAUTH_CLIENT.replace("{id}", &client.client.id);
    assert_eq!(
        newest(&app, SecurityEventKind::OauthClientCreated)
            .await
            .details["client_id"],
        client.client.id
    );
    app.portal_json(
        Method::PATCH,
        &client_path,
        &csrf,
        &UpdateOAuthClientRequest {
            scopes: Some(vec![Scope::Sms, Scope::Contacts]),
            disabled: Some(true),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(
        newest(&app, SecurityEventKind::OauthClientChanged)
            .await
            .details["change"],
        "scopes,disabled"
    );
    app.portal(Method::DELETE, &client_path, &csrf, None).await;
    assert_eq!(
        newest(&app, SecurityEventKind::OauthClientDeleted)
            .await
            .details["name"],
        "Billing"
    );
    assert!(!app
        .table_text("security_events", &["details"])
        .contains(&client.client_secret));

    let response = app.add_api_allowlist_entry(&csrf, "203.0.113.0/24").await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let entry: serde_json::Value = response.json().await.unwrap();
    let added = newest(&app, SecurityEventKind::ApiAllowlistChanged).await;
    assert_eq!(
        (
            added.details["action"].as_str(),
            added.details["entry"].as_str()
        ),
        ("added", "203.0.113.0/24")
    );
    let entry_path = routes::API_ALLOWLIST_ENTRY.replace("{id}", entry["id"].as_str().unwrap());
    app.portal(Method::DELETE, &entry_path, &csrf, None).await;
    let removed = newest(&app, SecurityEventKind::ApiAllowlistChanged).await;
    assert_eq!(
        (
            removed.details["action"].as_str(),
            removed.details["entry"].as_str()
        ),
        ("removed", "203.0.113.0/24")
    );

    // Beyond the home country once the operator lifted the trial restriction.
    app.lift_trial_restriction("audit@example.com");
    let response = app.put_country_filter(&csrf, &["DE", "PL"]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let countries = newest(&app, SecurityEventKind::CountryFilterChanged).await;
    assert_eq!(
        (
            countries.details["countries"].as_str(),
            countries.details["previous"].as_str()
        ),
        ("DE,PL", "PL")
    );
}

async fn owners_are_warned_once_a_week_before_a_token_expires(app: TestApp) {
    let email = "expiry@example.com";
    let me = app.signed_in(email).await;
    let in_days = |days: i64| (Utc::now() + chrono::Duration::days(days)).to_rfc3339();
    let soon = app
        .create_token(
            &me,
            &CreateTokenRequest {
                expires_at: Some(in_days(3)),
                ..token_request("Soon", &[Scope::Profile])
            },
        )
        .await;
    app.create_token(
        &me,
        &CreateTokenRequest {
            expires_at: Some(in_days(30)),
            ..token_request("Later", &[Scope::Profile])
        },
    )
    .await;
    app.create_token(&me, &token_request("Never", &[Scope::Profile]))
        .await;

    let mails = app.wait_for_mails(email, "token_expiry_warning", 1).await;
    assert!(mails[0]
        .subject
        .as_deref()
        .unwrap_or_default()
        .contains("Soon"));
    assert!(mails[0].body.contains(&soon.token.hint));
    assert!(!mails[0].body.contains(&soon.secret));

    // Two more "processes" on the same database race the server's own job.
    let url = app.database_url.clone();
    let dbs: Vec<Db> = tokio::task::spawn_blocking(move || {
        (0..2).map(|_| Db::connect(&url, 2).unwrap()).collect()
    })
    .await
    .unwrap();
    let late = app
        .create_token(
            &me,
            &CreateTokenRequest {
                expires_at: Some(in_days(6)),
                ..token_request("Late", &[Scope::Profile])
            },
        )
        .await;
    let racers = dbs.iter().map(|db| {
        let mailer = Mailer::Outbox(db.clone());
        let db = db.clone();
        tokio::spawn(async move { expiry::warn_once(&db, &mailer, "http://x").await })
    });
    for racer in racers.collect::<Vec<_>>() {
        racer.await.unwrap().unwrap();
    }
    app.wait_for_mails(email, "token_expiry_warning", 2).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        app.mails(email, "token_expiry_warning").await.len(),
        2,
        "each token is warned about once"
    );
    let events = app
        .security_events(SecurityEventKind::TokenExpiryWarned)
        .await;
    let mut warned: Vec<&str> = events
        .iter()
        .map(|e| e.details["token_id"].as_str())
        .collect();
    warned.sort_unstable();
    let mut expected = vec![soon.token.id.as_str(), late.token.id.as_str()];
    expected.sort_unstable();
    assert_eq!(warned, expected);
    assert_eq!(events[0].actor, "system");
}

on_both_backends!(settings = FAST_REFUSAL_LOG;
    a_storm_of_refused_calls_becomes_a_few_counted_events,
    refusals_by_scope_and_address_are_logged_with_their_reason,
);

on_both_backends!(changes_to_api_access_are_recorded);

on_both_backends!(settings = FAST_EXPIRY_CHECK; owners_are_warned_once_a_week_before_a_token_expires);
