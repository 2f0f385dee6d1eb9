//! Active sessions (list, end one, the others, all), the login history and the
//! inactivity timeout the account chooses.

use chrono::Duration;
use diesel::prelude::*;
use portcullis_api::db::schema::sessions;
use portcullis_shared::{
    dto::{
        LoginHistoryPage, LoginOutcome, MeResponse, RevokedSessionsDto, SecurityEventDto,
        SecurityLogPage, SessionDto, SessionTimeoutDto, SetSessionTimeoutRequest,
    },
    problem::ProblemCode,
    routes,
    validate::codes,
};
use reqwest::{header, Method, StatusCode};
use serde_json::json;

use crate::harness::{expect_field_error, expect_problem, TestApp, GOOD_PASSWORD};

const FIREFOX_ON_WINDOWS: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
const CHROME_ON_LINUX: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

/// The `Set-Cookie` header of an answer.
fn cookie_set_by(response: &reqwest::Response) -> String {
    response.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned()
}

async fn list(app: &TestApp) -> Vec<SessionDto> {
    app.get_json(routes::SESSIONS).await
}

fn session_path(id: &str) -> String {
    routes::SESSION.replace("{id}", id)
}

async fn events(app: &TestApp, kind: &str) -> Vec<SecurityEventDto> {
    let page: SecurityLogPage = app
        .get_json(&format!("{}?kind={kind}", routes::SECURITY_LOG))
        .await;
    page.events
}

/// Sessions that are not ended, in storage.
fn open_sessions(app: &TestApp) -> i64 {
    sessions::table
        .filter(sessions::ended_at.is_null())
        .count()
        .get_result(&mut app.db())
        .unwrap()
}

async fn sessions_are_listed_with_their_device_and_the_current_one_marked(app: TestApp) {
    let email = "lister@example.com";
    let laptop = app.another_browser_with(&[("User-Agent", CHROME_ON_LINUX)]);
    laptop.signed_in(email).await;
    let desktop = app.another_browser_with(&[("User-Agent", FIREFOX_ON_WINDOWS)]);
    desktop.signed_in_again(email).await;

    let seen = list(&laptop).await;
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(seen[0].current, "the current session comes first");
    assert_eq!(seen[0].device, "Chrome on Linux");
    assert_eq!(seen[0].user_agent, CHROME_ON_LINUX);
    assert_eq!(seen[0].ip, "127.0.0.1");
    assert!(!seen[1].current);
    assert_eq!(seen[1].device, "Firefox on Windows 10");
    for session in &seen {
        assert!(session.id.starts_with("ses_"), "{}", session.id);
        assert!(session.created_at.ends_with('Z'));
        assert!(session.last_seen_at.ends_with('Z'));
        assert!(session.expires_at > session.created_at);
    }
    // The other browser sees the same two, with its own marked.
    let theirs = list(&desktop).await;
    assert_eq!(theirs.len(), 2);
    assert_eq!(theirs[0].id, seen[1].id);
    assert!(theirs[0].current);

    // The storage ids (hashes of the cookie secrets) never leave the server.
    let storage_ids: Vec<String> = sessions::table
        .select(sessions::id)
        .load(&mut app.db())
        .unwrap();
    let listing = serde_json::to_string(&seen).unwrap();
    for id in storage_ids {
        assert!(!listing.contains(&id), "storage id {id} exposed");
    }
}

async fn an_ended_sessions_cookie_is_refused_at_once(app: TestApp) {
    let email = "ender@example.com";
    let me = app.signed_in(email).await;
    let other = app.another_browser();
    other.signed_in_again(email).await;
    assert_eq!(other.me().await.status(), StatusCode::OK);
    let theirs = list(&app).await.into_iter().find(|s| !s.current).unwrap();

    let response = app
        .portal(
            Method::DELETE,
            &session_path(&theirs.id),
            &me.session.csrf_token,
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(
        response.headers().get(header::SET_COOKIE).is_none(),
        "ending another session leaves ours alone"
    );
    other.expect_signed_out().await;
    assert_eq!(app.me().await.status(), StatusCode::OK);
    assert_eq!(list(&app).await.len(), 1);

    let revoked = events(&app, "session_revoked").await;
    assert_eq!(revoked.len(), 1);
    assert_eq!(revoked[0].details["scope"], "one");
    assert_eq!(revoked[0].details["count"], "1");
    let reason: Option<String> = sessions::table
        .filter(sessions::public_id.eq(&theirs.id))
        .select(sessions::end_reason)
        .first(&mut app.db())
        .unwrap();
    assert_eq!(reason.as_deref(), Some("revoked"));

    // Gone is gone: a second time, and made-up ids, are not found and change nothing.
    for id in [theirs.id.as_str(), "ses_nope"] {
        expect_problem(
            app.portal(
                Method::DELETE,
                &session_path(id),
                &me.session.csrf_token,
                None,
            )
            .await,
            StatusCode::NOT_FOUND,
            ProblemCode::NotFound,
        )
        .await;
    }
    assert_eq!(events(&app, "session_revoked").await.len(), 1);

    // Ending the current session signs out and clears the cookie.
    let mine = list(&app).await.remove(0);
    let response = app
        .portal(
            Method::DELETE,
            &session_path(&mine.id),
            &me.session.csrf_token,
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let cookie = cookie_set_by(&response);
    assert!(cookie.contains("Max-Age=0"), "{cookie}");
    app.expect_signed_out().await;
}

async fn other_accounts_sessions_are_invisible_and_untouchable(app: TestApp) {
    app.signed_in("alice@example.com").await;
    let mallory_browser = app.another_browser();
    let mallory = mallory_browser.signed_in("mallory@example.com").await;
    let alices = list(&app).await.remove(0);

    let seen = list(&mallory_browser).await;
    assert_eq!(seen.len(), 1);
    assert_ne!(seen[0].id, alices.id);

    let before = open_sessions(&app);
    expect_problem(
        mallory_browser
            .portal(
                Method::DELETE,
                &session_path(&alices.id),
                &mallory.session.csrf_token,
                None,
            )
            .await,
        StatusCode::NOT_FOUND,
        ProblemCode::NotFound,
    )
    .await;
    let revoked: RevokedSessionsDto = mallory_browser
        .portal(
            Method::POST,
            routes::SESSIONS_REVOKE_OTHERS,
            &mallory.session.csrf_token,
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(revoked.revoked, 0);
    assert_eq!(open_sessions(&app), before);
    assert_eq!(app.me().await.status(), StatusCode::OK);
    assert!(events(&app, "session_revoked").await.is_empty());
}

async fn log_out_other_sessions_keeps_the_current_one(app: TestApp) {
    let email = "others@example.com";
    let me = app.signed_in(email).await;
    let (phone, tablet) = (app.another_browser(), app.another_browser());
    phone.signed_in_again(email).await;
    tablet.signed_in_again(email).await;
    assert_eq!(list(&app).await.len(), 3);

    // Without the CSRF token nothing happens.
    expect_problem(
        app.portal(Method::POST, routes::SESSIONS_REVOKE_OTHERS, "wrong", None)
            .await,
        StatusCode::FORBIDDEN,
        ProblemCode::CsrfFailed,
    )
    .await;
    assert_eq!(open_sessions(&app), 3);

    let response = app
        .portal(
            Method::POST,
            routes::SESSIONS_REVOKE_OTHERS,
            &me.session.csrf_token,
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let revoked: RevokedSessionsDto = response.json().await.unwrap();
    assert_eq!(revoked.revoked, 2);
    assert_eq!(app.me().await.status(), StatusCode::OK);
    for browser in [&phone, &tablet] {
        browser.expect_signed_out().await;
    }
    let left = list(&app).await;
    assert_eq!(left.len(), 1);
    assert!(left[0].current);
    let event = events(&app, "session_revoked").await.remove(0);
    assert_eq!(event.details["scope"], "others");
    assert_eq!(event.details["count"], "2");
}

async fn log_out_everywhere_ends_every_session(app: TestApp) {
    let email = "everywhere@example.com";
    let me = app.signed_in(email).await;
    let phone = app.another_browser();
    phone.signed_in_again(email).await;

    let response = app
        .portal(
            Method::POST,
            routes::SESSIONS_REVOKE_ALL,
            &me.session.csrf_token,
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = cookie_set_by(&response);
    assert!(cookie.starts_with("portcullis_session=;"), "{cookie}");
    let revoked: RevokedSessionsDto = response.json().await.unwrap();
    assert_eq!(revoked.revoked, 2);
    for browser in [&app, &phone] {
        browser.expect_signed_out().await;
    }
    assert_eq!(open_sessions(&app), 0);

    let again = app.another_browser();
    again.signed_in_again(email).await;
    let event = events(&again, "session_revoked").await.remove(0);
    assert_eq!(event.details["scope"], "all");
    assert_eq!(event.details["count"], "2");
}

async fn timeout(app: &TestApp) -> SessionTimeoutDto {
    app.get_json(routes::SESSION_TIMEOUT).await
}

async fn set_timeout(app: &TestApp, me: &MeResponse, secs: i64) -> reqwest::Response {
    app.portal_json(
        Method::PUT,
        routes::SESSION_TIMEOUT,
        &me.session.csrf_token,
        &SetSessionTimeoutRequest {
            idle_timeout_secs: secs,
        },
    )
    .await
}

fn idle_timeouts(app: &TestApp) -> Vec<i64> {
    sessions::table
        .filter(sessions::ended_at.is_null())
        .select(sessions::idle_timeout_secs)
        .load(&mut app.db())
        .unwrap()
}

async fn the_timeout_is_one_of_the_choices_and_applies_to_every_session(app: TestApp) {
    let email = "timeout@example.com";
    let me = app.signed_in(email).await;
    let phone = app.another_browser();
    phone.signed_in_again(email).await;
    let current = timeout(&app).await;
    assert_eq!(current.idle_timeout_secs, 1800);
    assert_eq!(current.default_secs, 1800);
    assert_eq!(current.choices, [900, 1800, 3600, 7200, 14_400, 28_800]);

    for bad in [0, 60, 1000, 86_400, -900] {
        expect_field_error(
            set_timeout(&app, &me, bad).await,
            "idle_timeout_secs",
            codes::NOT_A_CHOICE,
        )
        .await;
    }
    expect_problem(
        app.portal(
            Method::PUT,
            routes::SESSION_TIMEOUT,
            &me.session.csrf_token,
            Some(json!({ "idle_timeout_secs": "an hour" })),
        )
        .await,
        StatusCode::BAD_REQUEST,
        ProblemCode::MalformedBody,
    )
    .await;
    assert_eq!(
        timeout(&app).await.idle_timeout_secs,
        1800,
        "nothing changed"
    );
    assert_eq!(idle_timeouts(&app), [1800, 1800]);
    assert!(events(&app, "session_timeout_changed").await.is_empty());

    let response = set_timeout(&app, &me, 3600).await;
    assert_eq!(response.status(), StatusCode::OK);
    let changed: SessionTimeoutDto = response.json().await.unwrap();
    assert_eq!(changed.idle_timeout_secs, 3600);
    assert_eq!(timeout(&app).await.idle_timeout_secs, 3600);
    // Live sessions take it at once, new ones start with it.
    assert_eq!(idle_timeouts(&app), [3600, 3600]);
    let me_now: MeResponse = app.me().await.json().await.unwrap();
    assert_eq!(me_now.session.idle_timeout_secs, 3600);
    let fresh = app.another_browser().signed_in_again(email).await;
    assert_eq!(fresh.session.idle_timeout_secs, 3600);

    let event = events(&app, "session_timeout_changed").await.remove(0);
    assert_eq!(event.details["idle_timeout_secs"], "3600");
    assert_eq!(event.details["previous_secs"], "default");
}

/// Moves every session's last request `minutes` into the past.
fn idle_for(app: &TestApp, minutes: i64) {
    let then = chrono::Utc::now().naive_utc() - Duration::minutes(minutes);
    diesel::update(sessions::table)
        .set(sessions::last_seen_at.eq(then))
        .execute(&mut app.db())
        .unwrap();
}

async fn the_chosen_timeout_is_enforced(app: TestApp) {
    let email = "enforced@example.com";
    let me = app.signed_in(email).await;
    // Longer than the server's 30 minutes: 40 idle minutes are fine.
    assert_eq!(set_timeout(&app, &me, 7200).await.status(), StatusCode::OK);
    idle_for(&app, 40);
    assert_eq!(app.me().await.status(), StatusCode::OK);

    // Shorter: 16 idle minutes end it.
    assert_eq!(set_timeout(&app, &me, 900).await.status(), StatusCode::OK);
    idle_for(&app, 14);
    assert_eq!(app.me().await.status(), StatusCode::OK);
    idle_for(&app, 16);
    expect_problem(
        app.me().await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::SessionExpired,
    )
    .await;
}

async fn login_history_lists_every_attempt_newest_first(app: TestApp) {
    let email = "history@example.com";
    app.signed_in(email).await;
    assert_eq!(
        app.login(email, "Wrong-Password-1").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login(email, "Wrong-Password-2").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let firefox = app.another_browser_with(&[("User-Agent", FIREFOX_ON_WINDOWS)]);
    firefox.signed_in_again(email).await;
    // Another account's attempts are its own.
    let other = app.another_browser();
    other.signed_in("someone-else@example.com").await;
    other
        .login("someone-else@example.com", "Wrong-Password-3")
        .await;
    // Failures for unknown e-mails belong to no account.
    app.login("nobody@example.com", GOOD_PASSWORD).await;

    let page: LoginHistoryPage = firefox.get_json(routes::LOGIN_HISTORY).await;
    let outcomes: Vec<LoginOutcome> = page.attempts.iter().map(|a| a.outcome).collect();
    assert_eq!(
        outcomes,
        [
            LoginOutcome::Succeeded,
            LoginOutcome::WrongPassword,
            LoginOutcome::WrongPassword,
            LoginOutcome::Succeeded,
        ]
    );
    assert!(page.next_cursor.is_none());
    let newest = &page.attempts[0];
    assert!(newest.succeeded);
    assert_eq!(newest.device, "Firefox on Windows 10");
    assert_eq!(newest.user_agent.as_deref(), Some(FIREFOX_ON_WINDOWS));
    assert_eq!(newest.ip.as_deref(), Some("127.0.0.1"));
    assert!(!page.attempts[1].succeeded);
    assert_eq!(page.attempts[3].device, "Unknown device");

    // Two at a time: the pages add up to the same list.
    let first: LoginHistoryPage = firefox
        .get_json(&format!("{}?limit=2", routes::LOGIN_HISTORY))
        .await;
    assert_eq!(first.attempts, page.attempts[..2]);
    let cursor = first.next_cursor.expect("a second page");
    let second: LoginHistoryPage = firefox
        .get_json(&format!(
            "{}?limit=2&cursor={cursor}",
            routes::LOGIN_HISTORY
        ))
        .await;
    assert_eq!(second.attempts, page.attempts[2..]);
    assert!(second.next_cursor.is_none());

    // Bad paging, someone else's cursor, or no session: refused.
    let theirs: LoginHistoryPage = other.get_json(routes::LOGIN_HISTORY).await;
    let foreign_cursor = format!("cursor={}", theirs.attempts[0].id);
    for query in ["limit=0", "limit=500", "cursor=sev_nope", &foreign_cursor] {
        let response = firefox
            .get(&format!("{}?{query}", routes::LOGIN_HISTORY))
            .await;
        expect_problem(
            response,
            StatusCode::BAD_REQUEST,
            ProblemCode::MalformedQuery,
        )
        .await;
    }
    expect_problem(
        app.another_browser().get(routes::LOGIN_HISTORY).await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::Unauthenticated,
    )
    .await;
}

on_both_backends!(
    sessions_are_listed_with_their_device_and_the_current_one_marked,
    an_ended_sessions_cookie_is_refused_at_once,
    other_accounts_sessions_are_invisible_and_untouchable,
    log_out_other_sessions_keeps_the_current_one,
    log_out_everywhere_ends_every_session,
    the_timeout_is_one_of_the_choices_and_applies_to_every_session,
    the_chosen_timeout_is_enforced,
    login_history_lists_every_attempt_newest_first,
);

const SERVER_SAYS_45_MINUTES: &[(&str, &str)] = &[("PORTCULLIS_SESSION_IDLE_TIMEOUT_SECS", "2700")];

async fn the_servers_default_is_clamped_to_the_choices(app: TestApp) {
    let me = app.signed_in("clamped@example.com").await;
    assert_eq!(me.session.idle_timeout_secs, 1800);
    let current = timeout(&app).await;
    assert_eq!(current.idle_timeout_secs, 1800);
    assert_eq!(current.default_secs, 1800);
}

on_both_backends!(settings = SERVER_SAYS_45_MINUTES; the_servers_default_is_clamped_to_the_choices);
