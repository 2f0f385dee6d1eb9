use chrono::Duration;
use diesel::prelude::*;
use portcullis_api::db::schema::sessions;
use portcullis_shared::{dto::MeResponse, problem::ProblemCode, routes};
use reqwest::{header, StatusCode};
use sha2::{Digest, Sha256};

use crate::harness::{expect_problem, TestApp, GOOD_PASSWORD};

fn set_cookie(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with(routes::SESSION_COOKIE))
        .expect("a session cookie is set")
}

async fn login_opens_a_session_behind_a_hardened_cookie(app: TestApp) {
    app.registered("login@example.com").await;
    let response = app
        .client
        .post(app.url(routes::LOGIN))
        .header(routes::CSRF_HEADER, "1")
        .header(header::USER_AGENT, "PortcullisTest/1.0")
        .json(&portcullis_shared::dto::LoginRequest {
            email: "LOGIN@example.com".into(),
            password: GOOD_PASSWORD.into(),
        })
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = set_cookie(&response);
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age="] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }
    assert!(
        !cookie.contains("Secure"),
        "not Secure unless configured: {cookie}"
    );
    let me: MeResponse = response.json().await.unwrap();
    assert_eq!(me.account.email, "login@example.com");
    assert_eq!(me.session.idle_timeout_secs, 1800);
    assert!(!me.session.csrf_token.is_empty());

    // The session is stored under a hash of the cookie's secret, with where it came from.
    let secret = cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_owned();
    // (The session the sign-up's confirmation opened has ended.)
    let (id, ip, user_agent): (String, String, String) = sessions::table
        .filter(sessions::ended_at.is_null())
        .select((sessions::id, sessions::ip, sessions::user_agent))
        .first(&mut app.db())
        .unwrap();
    assert_ne!(id, secret);
    let expected: String = Sha256::new()
        .chain_update(b"session:")
        .chain_update(secret.as_bytes())
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(id, expected);
    assert_eq!(ip, "127.0.0.1");
    assert_eq!(user_agent, "PortcullisTest/1.0");

    let me_again: MeResponse = app.me().await.json().await.unwrap();
    assert_eq!(me_again.account, me.account);
    assert_eq!(me_again.session.csrf_token, me.session.csrf_token);
}

async fn wrong_password_and_unknown_email_look_the_same(app: TestApp) {
    app.registered("known@example.com").await;
    let sessions_before = app.count("sessions");
    let wrong = expect_problem(
        app.login("known@example.com", "Wrong-Password-1").await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::InvalidCredentials,
    )
    .await;
    let unknown = expect_problem(
        app.login("nobody@example.com", GOOD_PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::InvalidCredentials,
    )
    .await;
    assert_eq!(
        (wrong.title, wrong.detail, wrong.errors),
        (unknown.title, unknown.detail, unknown.errors)
    );
    assert_eq!(app.count("sessions"), sessions_before, "no session opened");
    app.expect_signed_out().await;
}

async fn logout_needs_the_sessions_csrf_token_and_ends_the_session(app: TestApp) {
    let me = app.signed_in("bye@example.com").await;
    let logout = |csrf: &str| {
        app.client
            .post(app.url(routes::LOGOUT))
            .header(routes::CSRF_HEADER, csrf.to_owned())
            .send()
    };
    expect_problem(
        logout("1").await.unwrap(),
        StatusCode::FORBIDDEN,
        ProblemCode::CsrfFailed,
    )
    .await;
    let no_header = app
        .client
        .post(app.url(routes::LOGOUT))
        .send()
        .await
        .unwrap();
    expect_problem(no_header, StatusCode::FORBIDDEN, ProblemCode::CsrfFailed).await;
    assert_eq!(
        app.me().await.status(),
        StatusCode::OK,
        "a refused logout changes nothing"
    );

    let response = logout(&me.session.csrf_token).await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(
        set_cookie(&response).contains("Max-Age=0"),
        "the cookie is cleared"
    );
    app.expect_signed_out().await;
    let ended: Option<String> = sessions::table
        .select(sessions::end_reason)
        .first(&mut app.db())
        .unwrap();
    assert_eq!(ended.as_deref(), Some("logout"));
}

async fn a_copied_cookie_is_useless_after_logout(app: TestApp) {
    app.registered("stolen@example.com").await;
    let response = app.login("stolen@example.com", GOOD_PASSWORD).await;
    let cookie = set_cookie(&response);
    let pair = cookie.split(';').next().unwrap().to_owned();
    let me: MeResponse = response.json().await.unwrap();
    let with_copied_cookie = || {
        reqwest::Client::new()
            .get(app.url(routes::ME))
            .header(header::COOKIE, pair.clone())
            .send()
    };
    assert_eq!(with_copied_cookie().await.unwrap().status(), StatusCode::OK);

    let logout = app
        .client
        .post(app.url(routes::LOGOUT))
        .header(routes::CSRF_HEADER, me.session.csrf_token.clone())
        .send();
    assert_eq!(logout.await.unwrap().status(), StatusCode::NO_CONTENT);
    expect_problem(
        with_copied_cookie().await.unwrap(),
        StatusCode::UNAUTHORIZED,
        ProblemCode::Unauthenticated,
    )
    .await;

    // A forged cookie of the right shape finds nothing either.
    let forged = reqwest::Client::new()
        .get(app.url(routes::ME))
        .header(
            header::COOKIE,
            format!("{}={}", routes::SESSION_COOKIE, "A".repeat(43)),
        )
        .send()
        .await
        .unwrap();
    expect_problem(
        forged,
        StatusCode::UNAUTHORIZED,
        ProblemCode::Unauthenticated,
    )
    .await;
}

/// Moves every session's last use to `at`, as if it had been idle since.
fn sessions_last_seen_at(app: &TestApp, at: chrono::NaiveDateTime) {
    diesel::update(sessions::table)
        .set(sessions::last_seen_at.eq(at))
        .execute(&mut app.db())
        .unwrap();
}

/// Asserts that this browser's session is refused as expired.
async fn expect_session_expired(app: &TestApp) {
    expect_problem(
        app.me().await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::SessionExpired,
    )
    .await;
}

async fn idle_sessions_expire(app: TestApp) {
    app.signed_in("idle@example.com").await;
    let long_ago = chrono::Utc::now().naive_utc() - Duration::minutes(31);
    sessions_last_seen_at(&app, long_ago);
    expect_session_expired(&app).await;
    let reason: Option<String> = sessions::table
        .select(sessions::end_reason)
        .first(&mut app.db())
        .unwrap();
    assert_eq!(reason.as_deref(), Some("idle_timeout"));
    // Once ended, it stays ended even if the clock were turned back.
    sessions_last_seen_at(&app, chrono::Utc::now().naive_utc());
    expect_session_expired(&app).await;
}

async fn sessions_end_at_their_absolute_lifetime(app: TestApp) {
    app.signed_in("lifetime@example.com").await;
    let past = chrono::Utc::now().naive_utc() - Duration::seconds(1);
    diesel::update(sessions::table)
        .set(sessions::expires_at.eq(past))
        .execute(&mut app.db())
        .unwrap();
    expect_session_expired(&app).await;
}

async fn activity_keeps_a_session_alive(app: TestApp) {
    app.signed_in("active@example.com").await;
    let a_while_ago = chrono::Utc::now().naive_utc() - Duration::minutes(20);
    sessions_last_seen_at(&app, a_while_ago);
    assert_eq!(app.me().await.status(), StatusCode::OK);
    let last_seen: chrono::NaiveDateTime = sessions::table
        .select(sessions::last_seen_at)
        .first(&mut app.db())
        .unwrap();
    assert!(
        last_seen > a_while_ago + Duration::minutes(19),
        "last_seen_at moved forward"
    );
}

on_both_backends!(
    login_opens_a_session_behind_a_hardened_cookie,
    wrong_password_and_unknown_email_look_the_same,
    logout_needs_the_sessions_csrf_token_and_ends_the_session,
    a_copied_cookie_is_useless_after_logout,
    idle_sessions_expire,
    sessions_end_at_their_absolute_lifetime,
    activity_keeps_a_session_alive,
);

#[tokio::test]
async fn secure_cookies_when_configured() {
    let app = TestApp::spawn_with(
        crate::harness::Backend::Sqlite,
        &[("PORTCULLIS_COOKIE_SECURE", "true")],
    )
    .await;
    app.registered("secure@example.com").await;
    let response = app.login("secure@example.com", GOOD_PASSWORD).await;
    assert!(set_cookie(&response).contains("Secure"));
}
