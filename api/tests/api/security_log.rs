//! The security log: events recorded by sign-up, login, failed login, logout
//! and session expiry; filters, pagination, isolation between accounts, and
//! the CSV and JSON exports.

use chrono::{Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use portcullis_api::{
    db::{
        schema::{security_events, sessions},
        security_events::SecurityEventRow,
    },
    services::audit::security_log::append,
};
use portcullis_shared::{
    dto::{ConfirmSignupRequest, SecurityEventDto, SecurityEventKind, SecurityLogPage},
    problem::ProblemCode,
    routes,
};
use reqwest::{header, StatusCode};

use crate::harness::{expect_problem, signup_request, TestApp, GOOD_PASSWORD};

const USER_AGENT: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
/// [`USER_AGENT`] as the log shows it to a person.
const USER_AGENT_IN_WORDS: &str = "Chrome on Linux";

async fn log(app: &TestApp, query: &[(&str, &str)]) -> SecurityLogPage {
    let response = app
        .client
        .get(app.url(routes::SECURITY_LOG))
        .query(query)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

fn kinds(page: &SecurityLogPage) -> Vec<SecurityEventKind> {
    page.events.iter().map(|e| e.kind).collect()
}

/// Inserts an event for `account_id` at a chosen time, linked into its hash
/// chain, as `audit::record` would.
fn insert_at(app: &TestApp, account_id: &str, kind: &str, at: NaiveDateTime, user_agent: &str) {
    let details = r#"{"note":"a, \"quoted\"\nvalue"}"#;
    let mut row = SecurityEventRow {
        id: format!("sev_{}", uuid::Uuid::now_v7().simple()),
        account_id: account_id.into(),
        actor: account_id.into(),
        kind: kind.into(),
        ip: Some("198.51.100.7".into()),
        user_agent: Some(user_agent.into()),
        details: details.into(),
        created_at: at,
        seq: None,
        prev_hash: None,
        hash: None,
    };
    append(
        &mut app.db(),
        &mut row,
        &serde_json::from_str(details).unwrap(),
    )
    .unwrap();
}

async fn signup_login_failure_and_logout_are_recorded(app: TestApp) {
    let token = app
        .requested_signup_link(&signup_request("log@example.com"))
        .await;
    let confirmed = app
        .client
        .post(app.url(routes::SIGNUP_CONFIRM))
        .header(routes::CSRF_HEADER, routes::PRE_SESSION_CSRF)
        .header(header::USER_AGENT, USER_AGENT)
        .json(&ConfirmSignupRequest { token })
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), StatusCode::OK);
    app.login("log@example.com", "Wrong-Password-1").await;
    // An unknown e-mail has no account to record against: nothing is written.
    app.login("nobody@example.com", GOOD_PASSWORD).await;
    let me: portcullis_shared::dto::MeResponse = app
        .login("log@example.com", GOOD_PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    let logout = app
        .client
        .post(app.url(routes::LOGOUT))
        .header(routes::CSRF_HEADER, me.session.csrf_token.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    app.login("log@example.com", GOOD_PASSWORD).await;

    let page = log(&app, &[]).await;
    assert_eq!(
        kinds(&page),
        [
            SecurityEventKind::LoginSucceeded,
            SecurityEventKind::Logout,
            SecurityEventKind::LoginSucceeded,
            SecurityEventKind::LoginFailed,
            SecurityEventKind::LoginSucceeded,
            SecurityEventKind::Signup,
        ],
        "newest first"
    );
    assert_eq!(app.count("security_events"), 6);
    let account_id = me.account.id.as_str();
    let by_kind = |kind| page.events.iter().find(|e| e.kind == kind).unwrap();
    let signup_event = by_kind(SecurityEventKind::Signup);
    assert_eq!(signup_event.actor, account_id);
    assert_eq!(signup_event.ip.as_deref(), Some("127.0.0.1"));
    assert_eq!(signup_event.user_agent.as_deref(), Some(USER_AGENT));
    // Who and with what, in words: the login's e-mail and the browser.
    assert_eq!(signup_event.actor_email.as_deref(), Some("log@example.com"));
    assert_eq!(signup_event.device.as_deref(), Some(USER_AGENT_IN_WORDS));
    let failed = by_kind(SecurityEventKind::LoginFailed);
    assert_eq!(failed.actor, "anonymous");
    assert_eq!(failed.actor_email, None);
    assert_eq!(failed.details["reason"], "wrong_password");
    assert_eq!(by_kind(SecurityEventKind::Logout).actor, account_id);
    assert!(page.next_cursor.is_none());
    let serialized = serde_json::to_string(&page).unwrap();
    assert!(!serialized.contains(GOOD_PASSWORD) && !serialized.contains("Wrong-Password-1"));
    assert!(!serialized.contains(&me.session.csrf_token));
}

async fn an_expired_session_is_recorded_once(app: TestApp) {
    app.signed_in("expiry@example.com").await;
    let long_ago = Utc::now().naive_utc() - Duration::minutes(31);
    diesel::update(sessions::table)
        .set(sessions::last_seen_at.eq(long_ago))
        .execute(&mut app.db())
        .unwrap();
    for _ in 0..2 {
        expect_problem(
            app.me().await,
            StatusCode::UNAUTHORIZED,
            ProblemCode::SessionExpired,
        )
        .await;
    }
    app.login("expiry@example.com", GOOD_PASSWORD).await;
    let page = log(&app, &[("kind", "session_expired")]).await;
    assert_eq!(page.events.len(), 1, "{page:?}");
    let event = &page.events[0];
    assert_eq!(event.actor, "system");
    assert_eq!(event.details["reason"], "idle_timeout");
    assert_eq!(
        event.ip.as_deref(),
        Some("127.0.0.1"),
        "the session's address"
    );
}

async fn filters_and_pages_walk_the_log_newest_first(app: TestApp) {
    let me = app.signed_in("pages@example.com").await;
    let account_id = me.account.id.clone();
    let t0 = Utc::now().naive_utc() - Duration::days(10);
    for day in 0..5 {
        insert_at(
            &app,
            &account_id,
            "login_failed",
            t0 + Duration::days(day),
            USER_AGENT,
        );
    }
    // signup + login_succeeded (now) + 5 failed logins (days ago) = 7
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut query = vec![("limit", "3".to_owned())];
        if let Some(c) = &cursor {
            query.push(("cursor", c.clone()));
        }
        let query: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let page = log(&app, &query).await;
        assert!(page.events.len() <= 3);
        seen.extend(
            page.events
                .iter()
                .map(|e| (e.created_at.clone(), e.id.clone())),
        );
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen.len(), 7, "every event once: {seen:?}");
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(seen, sorted, "newest first across pages");

    let failed = log(&app, &[("kind", "login_failed")]).await;
    assert_eq!(failed.events.len(), 5);
    let rfc = |t: NaiveDateTime| t.and_utc().to_rfc3339();
    let (from, to) = (rfc(t0 + Duration::days(1)), rfc(t0 + Duration::days(3)));
    let window = log(&app, &[("from", from.as_str()), ("to", to.as_str())]).await;
    assert_eq!(window.events.len(), 2, "from is inclusive, to exclusive");
    assert_eq!(
        window.events[0].created_at,
        portcullis_api::services::rfc3339(t0 + Duration::days(2))
    );
    let an_hour_ago = rfc(Utc::now().naive_utc() - Duration::hours(1));
    let recent = log(&app, &[("from", an_hour_ago.as_str())]).await;
    assert_eq!(
        kinds(&recent),
        [SecurityEventKind::LoginSucceeded, SecurityEventKind::Signup]
    );
}

async fn an_account_never_sees_another_accounts_events(app: TestApp) {
    let alice = app.signed_in("alice@example.com").await;
    let alice_log = log(&app, &[]).await;
    assert_eq!(alice_log.events.len(), 2);
    let alice_event = alice_log.events[0].id.clone();

    let bob = app.another_browser();
    let bob_me = bob.signed_in("bob@example.com").await;
    assert_ne!(bob_me.account.id, alice.account.id);
    app.login("alice@example.com", "Wrong-Password-1").await;

    let bob_log = log(&bob, &[]).await;
    assert!(
        bob_log.events.iter().all(|e| e.actor == bob_me.account.id),
        "{bob_log:?}"
    );
    assert_eq!(bob_log.events.len(), 2);
    // Alice's event id is no cursor for Bob.
    let response = bob
        .client
        .get(bob.url(routes::SECURITY_LOG))
        .query(&[("cursor", alice_event.as_str())])
        .send()
        .await
        .unwrap();
    expect_problem(
        response,
        StatusCode::BAD_REQUEST,
        ProblemCode::MalformedQuery,
    )
    .await;
    let export: Vec<SecurityEventDto> = bob
        .client
        .get(bob.url(routes::SECURITY_LOG_EXPORT))
        .query(&[("format", "json")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(export.len(), 2);
    assert!(export.iter().all(|e| e.actor == bob_me.account.id));
    assert_eq!(
        log(&app, &[]).await.events.len(),
        3,
        "Alice sees her failed login"
    );
}

async fn the_csv_export_escapes_and_defuses_cells(app: TestApp) {
    let me = app.signed_in("csv@example.com").await;
    let tricky = "Evil, \"quoted\"\nsecond line";
    let at = Utc::now().naive_utc() - Duration::days(1);
    insert_at(&app, &me.account.id, "login_failed", at, tricky);
    insert_at(
        &app,
        &me.account.id,
        "login_failed",
        at - Duration::days(1),
        "=HYPERLINK(\"http://x\")",
    );

    let response = app
        .client
        .get(app.url(routes::SECURITY_LOG_EXPORT))
        .query(&[("format", "csv"), ("kind", "login_failed")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"security-log-")
            && disposition.ends_with(".csv\""),
        "{disposition}"
    );
    let body = response.text().await.unwrap();
    assert!(
        body.contains("\"Evil, \"\"quoted\"\"\nsecond line\""),
        "RFC 4180 quoting: {body}"
    );
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "created_at",
            "kind",
            "actor",
            "ip",
            "user_agent",
            "details",
            "id",
            "account_id",
            "seq",
            "prev_hash",
            "hash"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][1], "login_failed");
    assert_eq!(
        &rows[0][4], tricky,
        "a comma, quotes and a newline survive a round trip"
    );
    let details: serde_json::Value = serde_json::from_str(&rows[0][5]).unwrap();
    assert_eq!(details["note"], "a, \"quoted\"\nvalue");
    assert_eq!(&rows[1][4], "'=HYPERLINK(\"http://x\")", "formula defused");

    let json = app
        .client
        .get(app.url(routes::SECURITY_LOG_EXPORT))
        .query(&[("format", "json")])
        .send()
        .await
        .unwrap();
    assert!(json.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .ends_with(".json\""));
    let events: Vec<SecurityEventDto> = json.json().await.unwrap();
    assert_eq!(events.len(), 4, "signup, login and the two inserted");
    assert_eq!(events[2].user_agent.as_deref(), Some(tricky));
}

/// Security-log paths with a query each that the log refuses.
const BAD_QUERIES: [(&str, &str); 9] = [
    (routes::SECURITY_LOG, "kind=nope"),
    (routes::SECURITY_LOG, "from=yesterday"),
    (
        routes::SECURITY_LOG,
        "from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z",
    ),
    (routes::SECURITY_LOG, "limit=0"),
    (routes::SECURITY_LOG, "limit=201"),
    (routes::SECURITY_LOG, "limit=abc"),
    (routes::SECURITY_LOG, "cursor=sev_doesnotexist"),
    (routes::SECURITY_LOG_EXPORT, "format=xml"),
    (routes::SECURITY_LOG_EXPORT, "to=soon"),
];

async fn bad_queries_are_malformed_query_problems(app: TestApp) {
    for (path, query) in BAD_QUERIES {
        // Unauthenticated first: the session check comes before anything else.
        let anonymous = reqwest::get(format!("{}?{query}", app.url(path)))
            .await
            .unwrap();
        expect_problem(
            anonymous,
            StatusCode::UNAUTHORIZED,
            ProblemCode::Unauthenticated,
        )
        .await;
    }
    app.signed_in("query@example.com").await;
    let before = app.count("security_events");
    for (path, query) in BAD_QUERIES {
        let response = app
            .client
            .get(format!("{}?{query}", app.url(path)))
            .send()
            .await
            .unwrap();
        let problem = expect_problem(
            response,
            StatusCode::BAD_REQUEST,
            ProblemCode::MalformedQuery,
        )
        .await;
        assert!(problem.detail.is_some(), "{query}: {problem:?}");
    }
    assert_eq!(app.count("security_events"), before, "nothing was changed");
}

async fn the_log_is_append_only(app: TestApp) {
    app.signed_in("append@example.com").await;
    let rewrite = diesel::update(security_events::table)
        .set(security_events::kind.eq("signup"))
        .execute(&mut app.db());
    assert!(rewrite.is_err(), "an UPDATE must be refused");
    let page = log(&app, &[]).await;
    assert_eq!(kinds(&page)[0], SecurityEventKind::LoginSucceeded);
}

on_both_backends!(
    signup_login_failure_and_logout_are_recorded,
    an_expired_session_is_recorded_once,
    filters_and_pages_walk_the_log_newest_first,
    an_account_never_sees_another_accounts_events,
    the_csv_export_escapes_and_defuses_cells,
    bad_queries_are_malformed_query_problems,
    the_log_is_append_only,
);
