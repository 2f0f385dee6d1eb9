//! Signing up: nothing exists until the e-mail is confirmed (no account, no
//! points, no SMS to the phone), the answer is the same whether or not the
//! e-mail already has an account, and the mailed link works once, for a day.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use portcullis_api::db::schema::{accounts, login_throttles, pending_signups};
use portcullis_shared::{
    dto::{SecurityEventKind, SignupAcceptedDto, SignupRequest},
    problem::ProblemCode,
    routes,
    validate::codes,
};
use reqwest::{header, StatusCode};

use crate::harness::{
    expect_field_error, expect_problem, field_codes, link_token, signup_request, TestApp,
    ACCOUNT_EXISTS_MAIL, GOOD_PASSWORD, SIGNUP_LINK_MAIL, SIGNUP_PHONE_E164,
};

/// A password other than [`GOOD_PASSWORD`] that meets the policy.
const OTHER_PASSWORD: &str = "Amber-Lantern-77";

/// Status, headers that could differ, and body of a sign-up answer.
async fn answer(response: reqwest::Response) -> (StatusCode, Vec<String>, String) {
    let status = response.status();
    let headers = response
        .headers()
        .iter()
        .filter(|(name, _)| *name != header::DATE && name.as_str() != "x-request-id")
        .map(|(name, value)| format!("{name}: {}", value.to_str().unwrap_or("?")))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    (status, headers, response.text().await.unwrap())
}

/// How many sign-up requests storage has counted for this e-mail (each is
/// counted in the same transaction that stores its link, or drops it).
fn counted_requests(app: &TestApp, email: &str) -> i64 {
    login_throttles::table
        .find(format!("signup_email:{email}"))
        .select(login_throttles::failures)
        .first(&mut app.db())
        .optional()
        .unwrap()
        .unwrap_or(0)
}

/// Waits until storage has counted `count` sign-up requests for `email`.
async fn wait_until_counted(app: &TestApp, email: &str, count: i64) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while counted_requests(app, email) < count {
        assert!(
            std::time::Instant::now() < deadline,
            "{count} sign-ups for {email} were never counted"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

async fn signup_does_not_reveal_a_registered_email(app: TestApp) {
    // A new e-mail and a registered one get the same answer.
    let fresh = answer(app.signup(&signup_request("fresh@example.com")).await).await;
    assert_eq!(fresh.0, StatusCode::ACCEPTED, "{fresh:?}");
    app.wait_for_stored_mails("fresh@example.com", SIGNUP_LINK_MAIL, 1)
        .await;

    app.signed_in("taken@example.com").await;
    let stranger = app.another_browser();
    let taken = SignupRequest {
        password: OTHER_PASSWORD.into(),
        phone: Some("+48 600 700 800".into()),
        ..signup_request("  TAKEN@Example.com ")
    };
    let registered = answer(stranger.signup(&taken).await).await;
    assert_eq!(registered, fresh, "same status, headers and body");
    let body: SignupAcceptedDto = serde_json::from_str(&registered.2).unwrap();
    assert_eq!(body.link_valid_hours, 24);

    // The owner is told by e-mail, with the ways in; nothing else happens.
    let mails = app
        .wait_for_stored_mails("taken@example.com", ACCOUNT_EXISTS_MAIL, 1)
        .await;
    for page in [routes::LOGIN_PAGE, routes::FORGOT_PASSWORD_PAGE] {
        assert!(mails[0].contains(page), "{page} in {}", mails[0]);
    }
    assert!(
        !mails[0].contains("token="),
        "no link that changes anything"
    );
    assert_eq!(app.count("accounts"), 1);
    let pending_for_taken: i64 = pending_signups::table
        .filter(pending_signups::email_normalized.eq("taken@example.com"))
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(
        pending_for_taken, 1,
        "only the sign-up that made the account"
    );
    assert!(app.last_message_to("+48600700800").is_none());
    // The password is unchanged.
    expect_problem(
        stranger
            .another_browser()
            .login("taken@example.com", OTHER_PASSWORD)
            .await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::InvalidCredentials,
    )
    .await;
    assert_eq!(
        app.login("taken@example.com", GOOD_PASSWORD).await.status(),
        StatusCode::OK
    );
}

async fn an_unverified_signup_cannot_sign_in_text_its_phone_or_spend_points(app: TestApp) {
    let email = "unverified@example.com";
    app.signup(&signup_request(email)).await;
    // Neither the browser that signed up nor another one can sign in, so no
    // new-device code goes to the phone either.
    expect_problem(
        app.login(email, GOOD_PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::InvalidCredentials,
    )
    .await;
    expect_problem(
        app.another_browser().login(email, GOOD_PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::InvalidCredentials,
    )
    .await;
    assert!(app.last_message_to(SIGNUP_PHONE_E164).is_none());
    assert_eq!(app.count("accounts"), 0, "no account, so no points");
    assert_eq!(app.count("sessions"), 0);

    // Following the link creates the account with its trial points, signs
    // this browser in and records the sign-up.
    let mails = app.wait_for_stored_mails(email, SIGNUP_LINK_MAIL, 1).await;
    let response = app.confirm_signup(&link_token(&mails[0])).await;
    assert_eq!(response.status(), StatusCode::OK);
    let me: portcullis_shared::dto::MeResponse = response.json().await.unwrap();
    assert_eq!(me.account.email, email);
    assert_eq!(me.account.points_balance, 100, "trial points");
    assert_eq!(app.me().await.status(), StatusCode::OK);
    assert_eq!(
        app.security_events(SecurityEventKind::Signup).await.len(),
        1
    );
    assert!(app.last_message_to(SIGNUP_PHONE_E164).is_none());
}

async fn eight_unverified_signups_with_one_phone_send_it_nothing(app: TestApp) {
    for n in 0..8 {
        let email = format!("flood{n}@example.com");
        app.signup(&signup_request(&email)).await;
        // A sign-in from a new browser would text the phone a code.
        expect_problem(
            app.another_browser().login(&email, GOOD_PASSWORD).await,
            StatusCode::UNAUTHORIZED,
            ProblemCode::InvalidCredentials,
        )
        .await;
    }
    for n in 0..8 {
        app.wait_for_stored_mails(&format!("flood{n}@example.com"), SIGNUP_LINK_MAIL, 1)
            .await;
    }
    assert!(
        app.last_message_to(SIGNUP_PHONE_E164).is_none(),
        "nothing was sent to the phone"
    );
    assert_eq!(app.count("accounts"), 0);
    assert_eq!(app.count("pending_signups"), 8);
}

async fn a_signup_link_works_once(app: TestApp) {
    let email = "once@example.com";
    let token = app.requested_signup_link(&signup_request(email)).await;
    assert_eq!(app.confirm_signup(&token).await.status(), StatusCode::OK);
    for browser in [app.another_browser(), app.another_browser()] {
        expect_field_error(
            browser.confirm_signup(&token).await,
            "token",
            codes::USED_SIGNUP_LINK,
        )
        .await;
        assert_eq!(browser.me().await.status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(app.count("accounts"), 1);
    assert_eq!(app.count("sessions"), 1);

    // A malformed token, and a well-formed one nobody was sent.
    for token in ["not-a-token".to_owned(), "A".repeat(43)] {
        expect_field_error(
            app.confirm_signup(&token).await,
            "token",
            codes::INVALID_SIGNUP_LINK,
        )
        .await;
    }
}

async fn racing_confirmations_of_one_link_create_one_account(app: TestApp) {
    let token = app
        .requested_signup_link(&signup_request("race@example.com"))
        .await;
    let browsers: Vec<TestApp> = (0..4).map(|_| app.another_browser()).collect();
    let answers =
        futures_util::future::join_all(browsers.iter().map(|b| b.confirm_signup(&token))).await;
    let statuses: Vec<StatusCode> = answers.iter().map(|r| r.status()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(app.count("accounts"), 1);
    assert_eq!(app.count("sessions"), 1);
}

async fn an_expired_signup_link_is_refused(app: TestApp) {
    let email = "late@example.com";
    let token = app.requested_signup_link(&signup_request(email)).await;
    let expires_at: chrono::NaiveDateTime = pending_signups::table
        .select(pending_signups::expires_at)
        .first(&mut app.db())
        .unwrap();
    let hours = (expires_at - Utc::now().naive_utc()).num_minutes();
    assert!(
        (23 * 60..=24 * 60).contains(&hours),
        "valid for a day: {hours} min"
    );
    diesel::update(pending_signups::table)
        .set(pending_signups::expires_at.eq((Utc::now() - Duration::minutes(1)).naive_utc()))
        .execute(&mut app.db())
        .unwrap();
    expect_field_error(
        app.confirm_signup(&token).await,
        "token",
        codes::EXPIRED_SIGNUP_LINK,
    )
    .await;
    assert_eq!(app.count("accounts"), 0);
    assert_eq!(app.count("sessions"), 0);
    // Signing up again sends a new link that works.
    app.signed_in(email).await;
    assert_eq!(app.count("accounts"), 1);
}

async fn signing_up_again_before_confirming_sends_a_new_link_and_the_last_one_wins(app: TestApp) {
    let email = "again@example.com";
    let first = app.requested_signup_link(&signup_request(email)).await;
    let second = SignupRequest {
        password: OTHER_PASSWORD.into(),
        ..signup_request(email)
    };
    let second = app.requested_signup_link(&second).await;
    assert_ne!(first, second);
    assert_eq!(app.confirm_signup(&second).await.status(), StatusCode::OK);
    // The older link cannot make a second account or bring the old password back.
    expect_field_error(
        app.another_browser().confirm_signup(&first).await,
        "token",
        codes::USED_SIGNUP_LINK,
    )
    .await;
    assert_eq!(app.count("accounts"), 1);
    assert_eq!(
        app.another_browser()
            .login(email, GOOD_PASSWORD)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

async fn signup_mails_are_limited_per_email(app: TestApp) {
    let email = "limited@example.com";
    for _ in 0..5 {
        assert_eq!(
            app.signup(&signup_request(email)).await.status(),
            StatusCode::ACCEPTED
        );
    }
    wait_until_counted(&app, email, 5).await;
    assert_eq!(app.count("pending_signups"), 3, "at most 3 links an hour");
    app.wait_for_stored_mails(email, SIGNUP_LINK_MAIL, 3).await;

    // The same limit holds for the "you already have an account" mail.
    app.signed_in("owner@example.com").await;
    for _ in 0..5 {
        app.another_browser()
            .signup(&signup_request("owner@example.com"))
            .await;
    }
    wait_until_counted(&app, "owner@example.com", 6).await;
    // The first counted request was the sign-up itself.
    app.wait_for_stored_mails("owner@example.com", ACCOUNT_EXISTS_MAIL, 2)
        .await;
}

const BEHIND_A_PROXY: &[(&str, &str)] = &[("PORTCULLIS_TRUSTED_PROXIES", "127.0.0.1")];

async fn signup_mails_are_limited_per_source_address(app: TestApp) {
    let office = app.another_browser_with(&[("X-Forwarded-For", "198.51.100.7")]);
    for n in 0..11 {
        let email = format!("spray{n}@example.com");
        assert_eq!(
            office.signup(&signup_request(&email)).await.status(),
            StatusCode::ACCEPTED
        );
        wait_until_counted(&app, &email, 1).await;
    }
    assert_eq!(
        app.count("pending_signups"),
        10,
        "at most 10 an hour per address"
    );
    // Another address is not affected.
    app.another_browser_with(&[("X-Forwarded-For", "198.51.100.8")])
        .signed_in("elsewhere@example.com")
        .await;
}

async fn signup_creates_the_account_only_once_its_email_is_confirmed(app: TestApp) {
    let response = app.signup(&signup_request("Owner@Example.com")).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    assert!(response.headers().get(header::SET_COOKIE).is_none());
    assert_eq!(app.count("accounts"), 0);
    let mails = app
        .wait_for_stored_mails("Owner@Example.com", SIGNUP_LINK_MAIL, 1)
        .await;
    let link = format!("{}?token=", routes::VERIFY_EMAIL_PAGE);
    assert!(mails[0].contains(&link), "{}", mails[0]);

    let response = app.confirm_signup(&link_token(&mails[0])).await;
    assert_eq!(response.status(), StatusCode::OK);
    let me: portcullis_shared::dto::MeResponse = response.json().await.unwrap();
    let account = me.account;
    assert!(account.id.starts_with("acc_"), "{account:?}");
    assert_eq!(account.email, "Owner@Example.com");
    assert_eq!(
        account.phone.as_deref(),
        Some("+48500100200"),
        "phone stored in E.164"
    );
    assert_eq!(account.country, "PL");
    assert_eq!(account.points_balance, 100, "trial points");
    assert_eq!(app.count("accounts"), 1);
    assert_eq!(
        app.count("sessions"),
        1,
        "the confirming browser is signed in"
    );
    // And trusted: signing in again from it needs no new-device code.
    assert_eq!(
        app.login("owner@example.com", GOOD_PASSWORD).await.status(),
        StatusCode::OK
    );
}

async fn signup_stores_only_an_argon2id_hash(app: TestApp) {
    app.requested_signup_link(&signup_request("hash@example.com"))
        .await;
    let pending: String = pending_signups::table
        .select(pending_signups::password_hash)
        .first(&mut app.db())
        .unwrap();
    assert!(
        pending.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{pending}"
    );
    let token_hash: String = pending_signups::table
        .select(pending_signups::token_hash)
        .first(&mut app.db())
        .unwrap();
    let mail = &app.stored_mails("hash@example.com", SIGNUP_LINK_MAIL)[0];
    assert!(
        !token_hash.contains(&link_token(mail)),
        "only a hash of the link"
    );
    app.confirm_signup(&link_token(mail)).await;
    let stored: String = accounts::table
        .select(accounts::password_hash)
        .first(&mut app.db())
        .unwrap();
    assert_eq!(stored, pending);
    assert!(!stored.contains(GOOD_PASSWORD));
}

async fn every_invalid_field_is_reported_and_nothing_is_written(app: TestApp) {
    let request = SignupRequest {
        email: "not-an-email".into(),
        password: "short".into(),
        phone: Some("+48 12".into()),
        country: "XX".into(),
        language: None,
    };
    let problem =
        expect_field_error(app.signup(&request).await, "email", codes::INVALID_EMAIL).await;
    assert_eq!(
        field_codes(&problem, "password"),
        [
            codes::TOO_SHORT,
            codes::MISSING_UPPERCASE,
            codes::MISSING_DIGIT
        ]
    );
    assert_eq!(field_codes(&problem, "phone"), [codes::INVALID_PHONE]);
    assert_eq!(field_codes(&problem, "country"), [codes::INVALID_COUNTRY]);
    assert!(problem.errors.iter().all(|e| !e.message.is_empty()));
    assert_eq!(app.count("accounts"), 0);
    assert_eq!(app.count("pending_signups"), 0);
}

async fn weak_passwords_are_refused(app: TestApp) {
    let cases = [
        ("Password1", codes::COMMON_PASSWORD),
        ("Qwerty123", codes::COMMON_PASSWORD),
        ("XmarekNowak7", codes::CONTAINS_EMAIL),
        ("alllowercase1", codes::MISSING_UPPERCASE),
        ("NoDigitsHere", codes::MISSING_DIGIT),
    ];
    for (password, code) in cases {
        let request = SignupRequest {
            password: password.into(),
            ..signup_request("marek.nowak@example.com")
        };
        let request = SignupRequest {
            email: "MarekNowak@example.com".into(),
            ..request
        };
        let problem = expect_problem(
            app.signup(&request).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            ProblemCode::ValidationFailed,
        )
        .await;
        assert_eq!(field_codes(&problem, "password"), [code], "{password}");
    }
    assert_eq!(app.count("accounts"), 0);
    assert_eq!(app.count("pending_signups"), 0);
}

async fn phone_is_optional(app: TestApp) {
    let request = SignupRequest {
        phone: None,
        ..signup_request("nophone@example.com")
    };
    assert_eq!(app.signed_up(&request).await.account.phone, None);
}

async fn malformed_bodies_get_problems_and_write_nothing(app: TestApp) {
    let send = |body: &'static str, content_type: &'static str| {
        app.client
            .post(app.url(routes::SIGNUP))
            .header(routes::CSRF_HEADER, "1")
            .header(header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
    };
    expect_problem(
        send("{not json", "application/json").await.unwrap(),
        StatusCode::BAD_REQUEST,
        ProblemCode::MalformedBody,
    )
    .await;
    expect_problem(
        send(r#"{"email":"a@b.io"}"#, "application/json")
            .await
            .unwrap(),
        StatusCode::BAD_REQUEST,
        ProblemCode::MalformedBody,
    )
    .await;
    expect_problem(
        send(
            r#"{"email":1,"password":2,"country":3}"#,
            "application/json",
        )
        .await
        .unwrap(),
        StatusCode::BAD_REQUEST,
        ProblemCode::MalformedBody,
    )
    .await;
    expect_problem(
        send("email=a", "application/x-www-form-urlencoded")
            .await
            .unwrap(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ProblemCode::UnsupportedMediaType,
    )
    .await;
    let huge = format!(
        r#"{{"email":"{}@example.com","password":"x","country":"PL"}}"#,
        "a".repeat(100_000)
    );
    let response = app
        .client
        .post(app.url(routes::SIGNUP))
        .header(routes::CSRF_HEADER, "1")
        .header(header::CONTENT_TYPE, "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    expect_problem(
        response,
        StatusCode::PAYLOAD_TOO_LARGE,
        ProblemCode::PayloadTooLarge,
    )
    .await;
    assert_eq!(app.count("accounts"), 0);
    assert_eq!(app.count("pending_signups"), 0);
}

async fn signup_without_the_csrf_header_is_refused(app: TestApp) {
    let response = app
        .client
        .post(app.url(routes::SIGNUP))
        .json(&signup_request("csrf@example.com"))
        .send()
        .await
        .unwrap();
    expect_problem(response, StatusCode::FORBIDDEN, ProblemCode::CsrfFailed).await;
    assert_eq!(app.count("pending_signups"), 0);
}

on_both_backends!(
    signup_does_not_reveal_a_registered_email,
    an_unverified_signup_cannot_sign_in_text_its_phone_or_spend_points,
    eight_unverified_signups_with_one_phone_send_it_nothing,
    a_signup_link_works_once,
    racing_confirmations_of_one_link_create_one_account,
    an_expired_signup_link_is_refused,
    signing_up_again_before_confirming_sends_a_new_link_and_the_last_one_wins,
    signup_mails_are_limited_per_email,
    signup_creates_the_account_only_once_its_email_is_confirmed,
    signup_stores_only_an_argon2id_hash,
    every_invalid_field_is_reported_and_nothing_is_written,
    weak_passwords_are_refused,
    phone_is_optional,
    malformed_bodies_get_problems_and_write_nothing,
    signup_without_the_csrf_header_is_refused,
);

on_both_backends!(settings = BEHIND_A_PROXY; signup_mails_are_limited_per_source_address);
