//! Passwords: changing one while signed in (other sessions end, API tokens
//! keep working, the last five cannot come back), resetting one by e-mail link
//! (no user enumeration, single use, expiry, a limit per hour), and the
//! "new password every 30 days" policy that restricts a sign-in to the change.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use portcullis_api::db::schema::{accounts, password_reset_tokens};
use portcullis_shared::{
    dto::{
        ChangePasswordRequest, MeResponse, PasswordPolicyDto, PasswordResetRequest,
        SecurityEventKind, UpdatePasswordPolicyRequest,
    },
    problem::ProblemCode,
    routes,
    scope::Scope,
    validate::codes,
};
use reqwest::{Method, StatusCode};

use crate::harness::{
    expect_field_error, expect_problem, field_codes, token_request, TestApp, GOOD_PASSWORD,
};

const DEV_OUTBOX: &[(&str, &str)] = &[("PORTCULLIS_DEV_OUTBOX", "true")];

async fn change(app: &TestApp, me: &MeResponse, current: &str, new: &str) -> reqwest::Response {
    app.portal_json(
        Method::POST,
        routes::PASSWORD,
        &me.session.csrf_token,
        &ChangePasswordRequest {
            current_password: current.to_owned(),
            new_password: new.to_owned(),
        },
    )
    .await
}

async fn token_secret(app: &TestApp, me: &MeResponse) -> String {
    app.create_token(me, &token_request("CRM", &[Scope::Profile]))
        .await
        .secret
}

async fn a_password_change_ends_other_sessions_but_not_api_tokens(app: TestApp) {
    let email = "change@example.com";
    let me = app.signed_in(email).await;
    let secret = token_secret(&app, &me).await;
    let other = app.another_browser();
    other.signed_in_again(email).await;

    // A wrong current password changes nothing.
    expect_field_error(
        change(&app, &me, "Not-The-Password-1", "Amber-Lantern-77").await,
        "current_password",
        codes::WRONG_PASSWORD,
    )
    .await;
    // The policy, and the current password itself, are refused.
    let problem = expect_problem(
        change(&app, &me, GOOD_PASSWORD, "short").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        ProblemCode::ValidationFailed,
    )
    .await;
    assert!(field_codes(&problem, "new_password").contains(&codes::TOO_SHORT.to_owned()));
    expect_field_error(
        change(&app, &me, GOOD_PASSWORD, GOOD_PASSWORD).await,
        "new_password",
        codes::REUSED_PASSWORD,
    )
    .await;
    assert_eq!(other.me().await.status(), StatusCode::OK);
    assert!(app
        .security_events(SecurityEventKind::PasswordChanged)
        .await
        .is_empty());

    let response = change(&app, &me, GOOD_PASSWORD, "Amber-Lantern-77").await;
    assert_eq!(response.status(), StatusCode::OK);
    let after: MeResponse = response.json().await.unwrap();
    assert_eq!(
        after.session.csrf_token, me.session.csrf_token,
        "the same session"
    );
    assert!(!after.session.password_change_required);

    assert_eq!(
        app.me().await.status(),
        StatusCode::OK,
        "this session stays"
    );
    other.expect_signed_out().await;
    assert_eq!(
        app.bearer_get(routes::PROFILE, &secret).await.status(),
        StatusCode::OK,
        "API tokens are not affected"
    );
    let third = app.another_browser();
    assert_eq!(
        third.login(email, GOOD_PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    third.signed_in_again_with(email, "Amber-Lantern-77").await;

    let events = app
        .security_events(SecurityEventKind::PasswordChanged)
        .await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].details["other_sessions_ended"], "1");
    assert_eq!(events[0].actor, me.account.id);
    let mails = app.wait_for_mails(email, "password_changed", 1).await;
    assert!(mails[0]
        .body
        .contains("API tokens and OAuth clients keep working"));
    assert!(!mails[0].body.contains("Amber-Lantern-77"));
    assert!(!app
        .table_text("password_history", &["password_hash"])
        .contains("Amber"));
}

async fn the_last_five_passwords_cannot_come_back(app: TestApp) {
    let email = "history@example.com";
    let me = app.signed_in(email).await;
    let passwords = [
        GOOD_PASSWORD,
        "Amber-Lantern-71",
        "Amber-Lantern-72",
        "Amber-Lantern-73",
        "Amber-Lantern-74",
        "Amber-Lantern-75",
    ];
    for pair in passwords.windows(2) {
        assert_eq!(
            change(&app, &me, pair[0], pair[1]).await.status(),
            StatusCode::OK
        );
    }
    // The current one and the four before it are refused; older ones are not remembered.
    for old in &passwords[1..5] {
        let problem = expect_problem(
            change(&app, &me, "Amber-Lantern-75", old).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            ProblemCode::ValidationFailed,
        )
        .await;
        assert_eq!(
            field_codes(&problem, "new_password"),
            [codes::REUSED_PASSWORD],
            "{old}"
        );
    }
    assert_eq!(app.count("password_history"), 4);
    assert_eq!(
        change(&app, &me, "Amber-Lantern-75", GOOD_PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );
}

/// The link's token from the newest reset e-mail to `email`.
async fn reset_token(app: &TestApp, email: &str, count: usize) -> String {
    let mails = app.wait_for_mails(email, "password_reset", count).await;
    let link = mails[0]
        .body
        .lines()
        .find(|l| l.contains(routes::RESET_PASSWORD_PAGE))
        .expect("a link");
    assert!(link.starts_with("http"), "{link}");
    link.split("?token=")
        .nth(1)
        .expect("a token")
        .trim()
        .to_owned()
}

/// `POST /api/v1/auth/password-reset` for `email`, as the forgot-password page does.
pub async fn ask_for_reset(app: &TestApp, email: &str) -> reqwest::Response {
    app.post_json(
        routes::PASSWORD_RESET,
        &PasswordResetRequest {
            email: email.to_owned(),
        },
        routes::PRE_SESSION_CSRF,
    )
    .await
}

async fn a_reset_link_sets_a_new_password_once(app: TestApp) {
    let email = "forgot@example.com";
    let me = app.signed_in(email).await;
    let secret = token_secret(&app, &me).await;

    // Known and unknown e-mails get the same answer.
    let known = ask_for_reset(&app.another_browser(), email).await;
    let unknown = ask_for_reset(&app.another_browser(), "nobody@example.com").await;
    assert_eq!(known.status(), StatusCode::ACCEPTED);
    assert_eq!(unknown.status(), StatusCode::ACCEPTED);
    assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());
    let token = reset_token(&app, email, 1).await;
    assert!(app
        .mails("nobody@example.com", "password_reset")
        .await
        .is_empty());
    assert!(
        !app.table_text("password_reset_tokens", &["token_hash"])
            .contains(&token),
        "only a hash of the link is stored"
    );

    let stranger = app.another_browser();
    let problem = expect_problem(
        stranger.confirm_password_reset(&token, "weak").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        ProblemCode::ValidationFailed,
    )
    .await;
    assert!(!field_codes(&problem, "new_password").is_empty());
    expect_field_error(
        stranger.confirm_password_reset(&token, GOOD_PASSWORD).await,
        "new_password",
        codes::REUSED_PASSWORD,
    )
    .await;
    expect_field_error(
        stranger
            .confirm_password_reset("not-a-token", "Amber-Lantern-77")
            .await,
        "token",
        codes::INVALID_RESET_LINK,
    )
    .await;

    assert_eq!(
        stranger
            .confirm_password_reset(&token, "Amber-Lantern-77")
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    app.expect_signed_out().await;
    assert_eq!(
        app.bearer_get(routes::PROFILE, &secret).await.status(),
        StatusCode::OK,
        "API tokens are not affected"
    );
    expect_field_error(
        stranger
            .confirm_password_reset(&token, "Amber-Lantern-78")
            .await,
        "token",
        codes::USED_RESET_LINK,
    )
    .await;

    let again = app.another_browser();
    again.signed_in_again_with(email, "Amber-Lantern-77").await;
    let requested = again
        .security_events(SecurityEventKind::PasswordResetRequested)
        .await;
    assert_eq!(requested.len(), 1);
    assert_eq!(requested[0].actor, "anonymous");
    let reset = again
        .security_events(SecurityEventKind::PasswordReset)
        .await;
    assert_eq!(reset.len(), 1);
    assert_eq!(reset[0].details["sessions_ended"], "1");
    app.wait_for_mails(email, "password_changed", 1).await;
}

async fn reset_links_expire_and_are_limited_per_hour(app: TestApp) {
    let email = "limited@example.com";
    app.registered(email).await;
    for _ in 0..5 {
        assert_eq!(
            ask_for_reset(&app, email).await.status(),
            StatusCode::ACCEPTED
        );
    }
    let token = reset_token(&app, email, 3).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        app.mails(email, "password_reset").await.len(),
        3,
        "at most 3 links an hour"
    );
    assert_eq!(app.count("password_reset_tokens"), 3);

    let expired = (Utc::now() - Duration::minutes(1)).naive_utc();
    diesel::update(password_reset_tokens::table)
        .set(password_reset_tokens::expires_at.eq(expired))
        .execute(&mut app.db())
        .unwrap();
    expect_field_error(
        app.confirm_password_reset(&token, "Amber-Lantern-77").await,
        "token",
        codes::EXPIRED_RESET_LINK,
    )
    .await;
    // The old password still signs in (from the trusted browser that signed up).
    assert_eq!(
        app.login(email, GOOD_PASSWORD).await.status(),
        StatusCode::OK
    );

    expect_field_error(
        ask_for_reset(&app, "not an e-mail").await,
        "email",
        codes::INVALID_EMAIL,
    )
    .await;
}

/// Turns the account's "new password every 30 days" policy on or off.
pub async fn set_policy(app: &TestApp, me: &MeResponse, on: bool) -> reqwest::Response {
    app.portal_json(
        Method::PUT,
        routes::PASSWORD_POLICY,
        &me.session.csrf_token,
        &UpdatePasswordPolicyRequest {
            rotation_required: on,
        },
    )
    .await
}

async fn a_due_password_restricts_the_sign_in_to_changing_it(app: TestApp) {
    let email = "rotate@example.com";
    let me = app.signed_in(email).await;
    let policy: PasswordPolicyDto = app.get_json(routes::PASSWORD_POLICY).await;
    assert!(!policy.rotation_required);
    assert_eq!(policy.change_due_at, None);

    let response = set_policy(&app, &me, true).await;
    assert_eq!(response.status(), StatusCode::OK);
    let policy: PasswordPolicyDto = response.json().await.unwrap();
    assert!(policy.rotation_required);
    assert_eq!(policy.rotation_days, 30);
    assert!(policy.change_due_at.is_some());
    set_policy(&app, &me, true).await;
    let events = app
        .security_events(SecurityEventKind::PasswordPolicyChanged)
        .await;
    assert_eq!(events.len(), 1, "setting it again changes nothing");
    assert_eq!(events[0].details["rotation_required"], "true");

    // Not due yet: a sign-in is free.
    let fresh = app.another_browser();
    assert!(
        !fresh
            .signed_in_again(email)
            .await
            .session
            .password_change_required
    );

    // 31 days later, a sign-in may only change the password.
    let long_ago = (Utc::now() - Duration::days(31)).naive_utc();
    diesel::update(accounts::table)
        .set(accounts::password_changed_at.eq(long_ago))
        .execute(&mut app.db())
        .unwrap();
    assert_eq!(
        app.me().await.status(),
        StatusCode::OK,
        "open sessions stay free"
    );
    let due = app.another_browser();
    let restricted = due.signed_in_again(email).await;
    assert!(restricted.session.password_change_required);
    let me_now: MeResponse = due.me().await.json().await.unwrap();
    assert!(me_now.session.password_change_required);
    for path in [
        routes::TOKENS,
        routes::PASSWORD_POLICY,
        routes::SECURITY_LOG,
    ] {
        expect_problem(
            due.client.get(due.url(path)).send().await.unwrap(),
            StatusCode::FORBIDDEN,
            ProblemCode::PasswordChangeRequired,
        )
        .await;
    }
    expect_problem(
        set_policy(&due, &restricted, false).await,
        StatusCode::FORBIDDEN,
        ProblemCode::PasswordChangeRequired,
    )
    .await;

    let response = change(&due, &restricted, GOOD_PASSWORD, "Amber-Lantern-77").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        !response
            .json::<MeResponse>()
            .await
            .unwrap()
            .session
            .password_change_required
    );
    assert_eq!(
        due.client
            .get(due.url(routes::TOKENS))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK,
        "the change lifts the restriction"
    );
    assert!(
        !due.another_browser()
            .signed_in_again_with(email, "Amber-Lantern-77")
            .await
            .session
            .password_change_required
    );
}

async fn a_restricted_session_can_still_log_out(app: TestApp) {
    let email = "leave@example.com";
    let me = app.signed_in(email).await;
    assert_eq!(set_policy(&app, &me, true).await.status(), StatusCode::OK);
    let long_ago = (Utc::now() - Duration::days(40)).naive_utc();
    diesel::update(accounts::table)
        .set(accounts::password_changed_at.eq(long_ago))
        .execute(&mut app.db())
        .unwrap();
    let due = app.another_browser();
    let restricted = due.signed_in_again(email).await;
    let response = due
        .portal(
            Method::POST,
            routes::LOGOUT,
            &restricted.session.csrf_token,
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

on_both_backends!(settings = DEV_OUTBOX;
    a_password_change_ends_other_sessions_but_not_api_tokens,
    the_last_five_passwords_cannot_come_back,
    a_reset_link_sets_a_new_password_once,
    reset_links_expire_and_are_limited_per_hour,
);

on_both_backends!(
    a_due_password_restricts_the_sign_in_to_changing_it,
    a_restricted_session_can_still_log_out,
);
