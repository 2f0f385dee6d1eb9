//! The portal IP allowlist: entries, the lock-out guard, and enforcement on
//! sign-in and on every portal request, with client addresses taken from
//! X-Forwarded-For only when the peer is a trusted proxy.

use portcullis_shared::{
    dto::{
        AddPortalAllowlistEntryRequest, LoginHistoryPage, LoginOutcome, MeResponse,
        PortalAllowlistDto, SecurityEventDto, SecurityLogPage,
    },
    problem::ProblemCode,
    routes,
    validate::codes,
};
use reqwest::{Method, StatusCode};

use crate::harness::{
    expect_field_error, expect_problem, field_codes, portal_allowlist_entry, TestApp, GOOD_PASSWORD,
};

/// The test server trusts its own loopback as a proxy, so each browser's
/// `X-Forwarded-For` is its address.
const BEHIND_A_PROXY: &[(&str, &str)] = &[("PORTCULLIS_TRUSTED_PROXIES", "127.0.0.1")];

/// A browser at `address`, signed up and in as `email`.
async fn owner_at(app: &TestApp, address: &str, email: &str) -> (TestApp, MeResponse) {
    let browser = app.another_browser_with(&[("X-Forwarded-For", address)]);
    let me = browser.signed_in(email).await;
    (browser, me)
}

async fn allowlist(browser: &TestApp) -> PortalAllowlistDto {
    browser.get_json(routes::PORTAL_ALLOWLIST).await
}

/// Portal requests from `browser` are refused for its address.
async fn expect_locked_out(browser: &TestApp) {
    expect_problem(
        browser.me().await,
        StatusCode::FORBIDDEN,
        ProblemCode::IpNotAllowed,
    )
    .await;
}

async fn remove(browser: &TestApp, me: &MeResponse, id: &str, query: &str) -> reqwest::Response {
    let path = format!(
        "{}{query}",
        routes::PORTAL_ALLOWLIST_ENTRY.replace("{id}", id)
    );
    browser
        .portal(Method::DELETE, &path, &me.session.csrf_token, None)
        .await
}

/// The account's `portal_allowlist_changed` events, newest first.
async fn changes(browser: &TestApp) -> Vec<SecurityEventDto> {
    let page: SecurityLogPage = browser
        .get_json(&format!(
            "{}?kind=portal_allowlist_changed",
            routes::SECURITY_LOG
        ))
        .await;
    page.events
}

async fn entries_are_normalised_and_shown_with_your_address(app: TestApp) {
    let (office, me) = owner_at(&app, "203.0.113.7", "entries@example.com").await;
    let list = allowlist(&office).await;
    assert_eq!(list.your_address, "203.0.113.7");
    assert!(list.your_address_allowed);
    assert!(list.entries.is_empty());

    let entry = office
        .portal_allowlist_entry_added(
            &me,
            &AddPortalAllowlistEntryRequest {
                label: Some(" Office ".to_owned()),
                ..portal_allowlist_entry(" 203.0.113.0/255.255.255.0 ")
            },
        )
        .await;
    assert_eq!(entry.value, "203.0.113.0/24");
    assert_eq!(entry.label.as_deref(), Some("Office"));
    assert!(entry.overlaps.is_empty());
    let v6 = office
        .portal_allowlist_entry_added(&me, &portal_allowlist_entry("2001:db8::1/32"))
        .await;
    assert_eq!(v6.value, "2001:db8::/32");
    assert_eq!(v6.label, None);

    // Not an address: a field error and nothing stored.
    for bad in ["10.0.0.0/33", "10.0.0.0/255.0.255.0", "example.com", ""] {
        let problem = expect_problem(
            office
                .add_portal_allowlist_entry(&me, &portal_allowlist_entry(bad))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            ProblemCode::ValidationFailed,
        )
        .await;
        assert_eq!(
            field_codes(&problem, "value"),
            [codes::INVALID_CIDR],
            "{bad}"
        );
    }
    expect_field_error(
        office
            .add_portal_allowlist_entry(
                &me,
                &AddPortalAllowlistEntryRequest {
                    label: Some("x".repeat(101)),
                    ..portal_allowlist_entry("10.0.0.1")
                },
            )
            .await,
        "label",
        codes::TOO_LONG,
    )
    .await;
    // The same range twice is a conflict; an overlapping one is kept and named.
    let problem = expect_problem(
        office
            .add_portal_allowlist_entry(&me, &portal_allowlist_entry("203.0.113.0/24"))
            .await,
        StatusCode::CONFLICT,
        ProblemCode::Conflict,
    )
    .await;
    assert_eq!(field_codes(&problem, "value"), [codes::DUPLICATE]);
    assert_eq!(app.count("portal_allowlist_entries"), 2);
    assert_eq!(changes(&office).await.len(), 2);

    let wider = office
        .portal_allowlist_entry_added(
            &me,
            &AddPortalAllowlistEntryRequest {
                label: Some("Campus".to_owned()),
                ..portal_allowlist_entry("203.0.0.0/16")
            },
        )
        .await;
    assert_eq!(wider.overlaps, ["203.0.113.0/24"]);
    let list = allowlist(&office).await;
    let values: Vec<&str> = list.entries.iter().map(|e| e.value.as_str()).collect();
    assert_eq!(values, ["203.0.113.0/24", "2001:db8::/32", "203.0.0.0/16"]);
    assert_eq!(list.entries[0].overlaps, ["203.0.0.0/16"]);
    assert!(list.entries[1].overlaps.is_empty());
    assert!(list.your_address_allowed);
    assert_eq!(changes(&office).await.len(), 3);
}

async fn a_change_that_would_lock_you_out_needs_confirming(app: TestApp) {
    let (home, me) = owner_at(&app, "198.51.100.5", "guard@example.com").await;

    // The first entry, without our address: refused, nothing stored.
    let problem = expect_problem(
        home.add_portal_allowlist_entry(
            &me,
            &AddPortalAllowlistEntryRequest {
                label: Some("Office".to_owned()),
                ..portal_allowlist_entry("203.0.113.0/24")
            },
        )
        .await,
        StatusCode::CONFLICT,
        ProblemCode::WouldLockOut,
    )
    .await;
    assert_eq!(
        field_codes(&problem, "confirm_lockout"),
        [codes::LOCKS_YOU_OUT]
    );
    assert!(problem.detail.unwrap().contains("198.51.100.5"));
    assert_eq!(app.count("portal_allowlist_entries"), 0);
    assert_eq!(changes(&home).await.len(), 0);

    // With our address it needs no confirmation; then removing it would lock us out.
    let ours = home
        .portal_allowlist_entry_added(&me, &portal_allowlist_entry("198.51.100.5"))
        .await;
    let office = home
        .portal_allowlist_entry_added(&me, &portal_allowlist_entry("203.0.113.0/24"))
        .await;
    expect_problem(
        remove(&home, &me, &ours.id, "").await,
        StatusCode::CONFLICT,
        ProblemCode::WouldLockOut,
    )
    .await;
    expect_problem(
        remove(&home, &me, &ours.id, "?confirm_lockout=false").await,
        StatusCode::CONFLICT,
        ProblemCode::WouldLockOut,
    )
    .await;
    assert_eq!(app.count("portal_allowlist_entries"), 2);
    // Removing the other one is fine.
    assert_eq!(
        remove(&home, &me, &office.id, "").await.status(),
        StatusCode::NO_CONTENT
    );
    // Confirmed, it happens; and the next request from here is refused.
    assert_eq!(
        home.portal_allowlist_entry_added(
            &me,
            &AddPortalAllowlistEntryRequest {
                confirm_lockout: false,
                ..portal_allowlist_entry("203.0.113.0/24")
            }
        )
        .await
        .value,
        "203.0.113.0/24"
    );
    assert_eq!(
        remove(&home, &me, &ours.id, "?confirm_lockout=true")
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    let problem = expect_problem(
        home.me().await,
        StatusCode::FORBIDDEN,
        ProblemCode::IpNotAllowed,
    )
    .await;
    assert!(problem.detail.unwrap().contains("198.51.100.5"));
    assert_eq!(app.count("portal_allowlist_entries"), 1);

    // From the office, the log shows the confirmed change.
    let office_browser = app.another_browser_with(&[("X-Forwarded-For", "203.0.113.9")]);
    office_browser.signed_in_again("guard@example.com").await;
    let events = changes(&office_browser).await;
    let newest = &events[0];
    assert_eq!(newest.details["action"], "removed");
    assert_eq!(newest.details["entry"], "198.51.100.5");
    assert_eq!(newest.details["confirmed_lockout"], "true");
    assert_eq!(newest.ip.as_deref(), Some("198.51.100.5"));
}

async fn adding_the_first_entry_with_confirmation_locks_out_at_once(app: TestApp) {
    let (home, me) = owner_at(&app, "198.51.100.5", "confirm@example.com").await;
    home.portal_allowlist_entry_added(
        &me,
        &AddPortalAllowlistEntryRequest {
            confirm_lockout: true,
            ..portal_allowlist_entry("203.0.113.0/24")
        },
    )
    .await;
    expect_locked_out(&home).await;
    expect_problem(
        home.get(routes::PORTAL_ALLOWLIST).await,
        StatusCode::FORBIDDEN,
        ProblemCode::IpNotAllowed,
    )
    .await;
}

async fn portal_requests_and_logins_from_elsewhere_are_refused(app: TestApp) {
    let email = "enforce@example.com";
    let (office, me) = owner_at(&app, "203.0.113.7", email).await;
    // A session opened from a café before the list existed.
    let cafe = app.another_browser_with(&[("X-Forwarded-For", "198.51.100.9")]);
    let cafe_me = cafe.signed_in_again(email).await;
    assert_eq!(cafe.me().await.status(), StatusCode::OK);

    office
        .portal_allowlist_entry_added(
            &me,
            &AddPortalAllowlistEntryRequest {
                label: Some("Office".to_owned()),
                ..portal_allowlist_entry("203.0.113.0/24")
            },
        )
        .await;
    // Every portal request from the café is refused now, changes included,
    // and a refused request does not keep its session alive.
    let ten_minutes_ago = (chrono::Utc::now() - chrono::Duration::minutes(10)).naive_utc();
    {
        use diesel::prelude::*;
        use portcullis_api::db::schema::sessions;
        diesel::update(sessions::table)
            .set(sessions::last_seen_at.eq(ten_minutes_ago))
            .execute(&mut app.db())
            .unwrap();
    }
    expect_locked_out(&cafe).await;
    assert_eq!(
        app.count("sessions WHERE ended_at IS NULL"),
        app.count(&format!(
            "sessions WHERE ended_at IS NULL AND last_seen_at <= '{}'",
            ten_minutes_ago.format("%Y-%m-%d %H:%M:%S%.f")
        )),
        "no session was kept alive by a refused request"
    );
    let open_before = app.count("sessions WHERE ended_at IS NULL");
    expect_problem(
        cafe.portal(
            Method::POST,
            routes::SESSIONS_REVOKE_ALL,
            &cafe_me.session.csrf_token,
            None,
        )
        .await,
        StatusCode::FORBIDDEN,
        ProblemCode::IpNotAllowed,
    )
    .await;
    assert_eq!(app.count("sessions WHERE ended_at IS NULL"), open_before);
    assert_eq!(office.me().await.status(), StatusCode::OK);

    // Signing in from there is refused too, after the password check, and
    // recorded; the answer is the wrong-password one, so it confirms nothing.
    let sessions_before = app.count("sessions");
    let elsewhere = app.another_browser_with(&[("X-Forwarded-For", "198.51.100.10")]);
    expect_problem(
        elsewhere.login(email, GOOD_PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::InvalidCredentials,
    )
    .await;
    expect_problem(
        elsewhere.login(email, "Wrong-Password-7").await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::InvalidCredentials,
    )
    .await;
    assert_eq!(app.count("sessions"), sessions_before, "no session opened");

    let history: LoginHistoryPage = office.get_json(routes::LOGIN_HISTORY).await;
    let newest: Vec<(LoginOutcome, Option<&str>)> = history.attempts[..2]
        .iter()
        .map(|a| (a.outcome, a.ip.as_deref()))
        .collect();
    assert_eq!(
        newest,
        [
            (LoginOutcome::WrongPassword, Some("198.51.100.10")),
            (LoginOutcome::IpBlocked, Some("198.51.100.10")),
        ]
    );

    // From another office address the sign-in works.
    let desk = app.another_browser_with(&[("X-Forwarded-For", "203.0.113.200")]);
    desk.signed_in_again(email).await;
    assert_eq!(desk.me().await.status(), StatusCode::OK);

    // The list is the account's own: another account is not bound by it, nor sees it.
    let (stranger, stranger_me) = owner_at(&app, "198.51.100.9", "stranger@example.com").await;
    assert!(allowlist(&stranger).await.entries.is_empty());
    let entry_id = allowlist(&office).await.entries[0].id.clone();
    expect_problem(
        remove(&stranger, &stranger_me, &entry_id, "?confirm_lockout=true").await,
        StatusCode::NOT_FOUND,
        ProblemCode::NotFound,
    )
    .await;
    assert_eq!(app.count("portal_allowlist_entries"), 1);

    // Emptying the list opens the portal again.
    assert_eq!(
        remove(&office, &me, &entry_id, "").await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(cafe.me().await.status(), StatusCode::OK);
}

on_both_backends!(
    settings = BEHIND_A_PROXY;
    entries_are_normalised_and_shown_with_your_address,
    a_change_that_would_lock_you_out_needs_confirming,
    adding_the_first_entry_with_confirmation_locks_out_at_once,
    portal_requests_and_logins_from_elsewhere_are_refused,
);

/// Without trusted proxies, X-Forwarded-For is the client's own say-so and is ignored.
async fn a_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(app: TestApp) {
    let spoofer = app.another_browser_with(&[("X-Forwarded-For", "203.0.113.7")]);
    let me = spoofer.signed_in("spoof@example.com").await;
    let list = allowlist(&spoofer).await;
    assert_eq!(list.your_address, "127.0.0.1");

    // Claiming to be on the list does not help: the guard sees the real address.
    expect_problem(
        spoofer
            .add_portal_allowlist_entry(&me, &portal_allowlist_entry("203.0.113.7"))
            .await,
        StatusCode::CONFLICT,
        ProblemCode::WouldLockOut,
    )
    .await;
    spoofer
        .portal_allowlist_entry_added(
            &me,
            &AddPortalAllowlistEntryRequest {
                confirm_lockout: true,
                ..portal_allowlist_entry("203.0.113.7")
            },
        )
        .await;
    expect_locked_out(&spoofer).await;
    expect_problem(
        spoofer.login("spoof@example.com", GOOD_PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::InvalidCredentials,
    )
    .await;
}

on_both_backends!(a_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored);
