//! Login security on both backends: new-device verification with trusted
//! devices, SMS and authenticator-app two-factor sign-in with recovery codes,
//! turning methods off, and the sign-in abuse limits. Codes are read from the
//! development outbox, never bypassed.

use std::time::{SystemTime, UNIX_EPOCH};

use portcullis_api::domain::TotpSecret;
use portcullis_shared::{
    dto::{
        ChallengeReason, ChangePasswordRequest, CodeSentDto, ConfirmTwoFactorRequest, MeResponse,
        SecurityEventKind, SecurityLogPage, TotpSetupDto, TrustedDeviceDto, TwoFactorEnabledDto,
        TwoFactorStatusDto, VerificationMethod,
    },
    problem::ProblemCode,
    routes,
    validate::codes,
};
use reqwest::{header, Method, StatusCode};

use crate::harness::{
    expect_field_error, expect_problem, field_codes, signup_request, TestApp, GOOD_PASSWORD,
    SIGNUP_PHONE_E164,
};

async fn kinds(app: &TestApp) -> Vec<SecurityEventKind> {
    let page: SecurityLogPage = app.get_json(routes::SECURITY_LOG).await;
    page.events.into_iter().map(|e| e.kind).collect()
}

fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

async fn new_device_sign_in_is_held_for_an_sms_code_and_trust_skips_it_next_time(app: TestApp) {
    let owner = app.signed_in("held@example.com").await;
    let other = app.another_browser();

    let held = other.held_sign_in("held@example.com", GOOD_PASSWORD).await;
    assert_eq!(held.reason, ChallengeReason::NewDevice);
    assert_eq!(held.sent_by, Some(VerificationMethod::Sms));
    assert_eq!(held.sent_to.as_deref(), Some("+48******200"));
    assert_eq!(
        held.methods,
        [VerificationMethod::Sms, VerificationMethod::Email]
    );
    // Held means no session yet.
    assert_eq!(other.me().await.status(), StatusCode::UNAUTHORIZED);
    let code = app.last_code_to(SIGNUP_PHONE_E164);

    // A wrong code: a field error, still no session.
    let wrong = if code == "000000" { "111111" } else { "000000" };
    expect_field_error(
        other
            .verify_login(&held, VerificationMethod::Sms, wrong, true)
            .await,
        "code",
        codes::INCORRECT,
    )
    .await;
    assert_eq!(other.me().await.status(), StatusCode::UNAUTHORIZED);

    // The right code with "trust this device".
    let response = other
        .verify_login(&held, VerificationMethod::Sms, &code, true)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let me: MeResponse = response.json().await.unwrap();
    assert_eq!(me.account.id, owner.account.id);
    // The handle is finished: it cannot open a second session.
    expect_problem(
        other
            .verify_login(&held, VerificationMethod::Sms, &code, true)
            .await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::LoginChallengeInvalid,
    )
    .await;

    // The owner was told by e-mail, with the address and browser.
    let (purpose, body) = app.last_message_to("held@example.com").unwrap();
    assert_eq!(purpose, "new_device_sign_in");
    assert!(
        body.contains("127.0.0.1") && body.contains("/devices"),
        "{body}"
    );

    // Both browsers are trusted now; this one is marked current.
    let devices: Vec<TrustedDeviceDto> = other.get_json(routes::DEVICES).await;
    assert_eq!(devices.len(), 2);
    assert_eq!(devices.iter().filter(|d| d.current).count(), 1);

    // Next time this browser signs straight in.
    assert_eq!(
        other
            .login("held@example.com", GOOD_PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );
    let logged = kinds(&app).await;
    for kind in [
        SecurityEventKind::LoginFailed,
        SecurityEventKind::DeviceTrusted,
        SecurityEventKind::LoginSucceeded,
    ] {
        assert!(logged.contains(&kind), "{kind:?} missing from {logged:?}");
    }
}

async fn without_a_phone_the_code_goes_by_email_and_removed_devices_are_asked_again(app: TestApp) {
    let mut request = signup_request("nophone@example.com");
    request.phone = None;
    let me: MeResponse = app.signed_up(&request).await;

    let other = app.another_browser();
    let held = other
        .held_sign_in("nophone@example.com", GOOD_PASSWORD)
        .await;
    assert_eq!(held.sent_by, Some(VerificationMethod::Email));
    assert_eq!(held.sent_to.as_deref(), Some("n****@example.com"));
    assert_eq!(held.methods, [VerificationMethod::Email]);
    let code = app.last_code_to("nophone@example.com");
    // Not trusted this time: the next sign-in is held again.
    let response = other
        .verify_login(&held, VerificationMethod::Email, &code, false)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    other
        .held_sign_in("nophone@example.com", GOOD_PASSWORD)
        .await;

    // The signing-up browser is the one trusted device; removing it means a
    // code next time there too.
    let devices: Vec<TrustedDeviceDto> = app.get_json(routes::DEVICES).await;
    assert_eq!(devices.len(), 1);
    assert!(devices[0].current);
    let path = routes::DEVICE.replace("{id}", &devices[0].id);
    let response = app
        .portal(Method::DELETE, &path, &me.session.csrf_token, None)
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    expect_problem(
        app.portal(Method::DELETE, &path, &me.session.csrf_token, None)
            .await,
        StatusCode::NOT_FOUND,
        ProblemCode::NotFound,
    )
    .await;
    app.held_sign_in("nophone@example.com", GOOD_PASSWORD).await;
}

async fn sms_two_factor_is_set_up_with_a_first_code_and_then_every_sign_in_needs_one(app: TestApp) {
    let me = app.signed_in("sms2fa@example.com").await;
    let csrf = me.session.csrf_token.clone();

    // Wrong password or a bad phone: refused, nothing sent.
    expect_field_error(
        app.start_sms_two_factor(&csrf, "Wrong-Password-1", "+48600700800")
            .await,
        "password",
        codes::WRONG_PASSWORD,
    )
    .await;
    expect_field_error(
        app.start_sms_two_factor(&csrf, GOOD_PASSWORD, "12").await,
        "phone",
        codes::INVALID_PHONE,
    )
    .await;
    assert!(app.last_message_to("+48600700800").is_none());
    // Confirming before any code was sent.
    expect_field_error(
        app.confirm_sms_two_factor(&csrf, "123456").await,
        "code",
        codes::NO_CODE_SENT,
    )
    .await;

    // Only the first code turns it on.
    let response = app
        .start_sms_two_factor(&csrf, GOOD_PASSWORD, "+48600700800")
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let sent: CodeSentDto = response.json().await.unwrap();
    assert_eq!(sent.sent_to, "+48******800");
    // Asking again at once, to any number, waits: no SMS flood from a session.
    let response = app
        .start_sms_two_factor(&csrf, GOOD_PASSWORD, "+48600700801")
        .await;
    assert!(response.headers().contains_key(header::RETRY_AFTER));
    expect_problem(
        response,
        StatusCode::TOO_MANY_REQUESTS,
        ProblemCode::RateLimited,
    )
    .await;
    assert!(app.last_message_to("+48600700801").is_none());
    let code = app.last_code_to("+48600700800");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    expect_field_error(
        app.confirm_sms_two_factor(&csrf, wrong).await,
        "code",
        codes::INCORRECT,
    )
    .await;
    let status: TwoFactorStatusDto = app.get_json(routes::TWO_FACTOR).await;
    assert!(!status.enabled, "a wrong code turns nothing on");
    let response = app.confirm_sms_two_factor(&csrf, &code).await;
    assert_eq!(response.status(), StatusCode::OK);
    let enabled: TwoFactorEnabledDto = response.json().await.unwrap();
    assert!(enabled.status.enabled);
    assert_eq!(enabled.status.sms.unwrap().phone, "+48******800");
    assert_eq!(enabled.recovery_codes.unwrap().len(), 10);
    assert_eq!(enabled.status.recovery_codes_left, 10);
    // The same code cannot be confirmed twice.
    expect_problem(
        app.confirm_sms_two_factor(&csrf, &code).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        ProblemCode::ValidationFailed,
    )
    .await;
    // Codes are stored hashed only.
    assert!(!app
        .table_text("verification_codes", &["code_hash"])
        .contains(&code));

    // From now on even a trusted browser needs the SMS code.
    let held = app.held_sign_in("sms2fa@example.com", GOOD_PASSWORD).await;
    assert_eq!(held.reason, ChallengeReason::TwoFactor);
    assert_eq!(held.sent_by, Some(VerificationMethod::Sms));
    assert_eq!(
        held.methods,
        [VerificationMethod::Sms, VerificationMethod::RecoveryCode]
    );
    let code = app.last_code_to("+48600700800");
    // An e-mail code is no second factor.
    expect_field_error(
        app.verify_login(&held, VerificationMethod::Email, &code, false)
            .await,
        "method",
        codes::METHOD_UNAVAILABLE,
    )
    .await;
    // A malformed code changes nothing.
    expect_field_error(
        app.verify_login(&held, VerificationMethod::Sms, "12ab", false)
            .await,
        "code",
        codes::INVALID_CODE,
    )
    .await;
    // Asking again at once is refused with a wait.
    let response = app.resend_login_code(&held, None).await;
    assert!(response.headers().contains_key(header::RETRY_AFTER));
    expect_problem(
        response,
        StatusCode::TOO_MANY_REQUESTS,
        ProblemCode::RateLimited,
    )
    .await;
    let response = app
        .verify_login(&held, VerificationMethod::Sms, &code, false)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let logged = kinds(&app).await;
    assert!(logged.contains(&SecurityEventKind::TwoFactorEnabled));
    assert!(logged.contains(&SecurityEventKind::RecoveryCodesGenerated));
}

async fn authenticator_app_codes_and_recovery_codes_work_once_each(app: TestApp) {
    let me = app.signed_in("totp@example.com").await;
    let csrf = me.session.csrf_token.clone();
    let response = app
        .confirm_with_password(routes::TWO_FACTOR_TOTP, &csrf, None)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let setup: TotpSetupDto = response.json().await.unwrap();
    assert!(setup.otpauth_uri.starts_with("otpauth://totp/Portcullis:"));
    assert!(setup.qr_svg.starts_with("data:image/svg+xml;base64,"));
    let app_secret = TotpSecret::from_base32(&setup.secret).expect("base32 secret");

    expect_field_error(
        app.portal_json(
            Method::POST,
            routes::TWO_FACTOR_TOTP_CONFIRM,
            &csrf,
            &ConfirmTwoFactorRequest {
                code: "000000".to_owned(),
            },
        )
        .await,
        "code",
        codes::INCORRECT,
    )
    .await;
    let first = app_secret.code_at(now_unix());
    let response = app
        .portal_json(
            Method::POST,
            routes::TWO_FACTOR_TOTP_CONFIRM,
            &csrf,
            &ConfirmTwoFactorRequest {
                code: first.to_owned(),
            },
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let enabled: TwoFactorEnabledDto = response.json().await.unwrap();
    let recovery = enabled.recovery_codes.unwrap();
    assert!(enabled.status.totp.is_some());

    // Sign-in: no SMS goes out for an app user; the code just used is spent.
    let held = app.held_sign_in("totp@example.com", GOOD_PASSWORD).await;
    assert_eq!(held.sent_by, None);
    assert_eq!(
        held.methods,
        [VerificationMethod::Totp, VerificationMethod::RecoveryCode]
    );
    expect_field_error(
        app.verify_login(&held, VerificationMethod::Totp, &first, false)
            .await,
        "code",
        codes::INCORRECT,
    )
    .await;

    // A recovery code works once.
    let response = app
        .verify_login(&held, VerificationMethod::RecoveryCode, &recovery[0], false)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let held = app.held_sign_in("totp@example.com", GOOD_PASSWORD).await;
    expect_problem(
        app.verify_login(&held, VerificationMethod::RecoveryCode, &recovery[0], false)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        ProblemCode::ValidationFailed,
    )
    .await;
    let status: TwoFactorStatusDto = app.get_json(routes::TWO_FACTOR).await;
    assert_eq!(status.recovery_codes_left, 9);
    assert!(kinds(&app)
        .await
        .contains(&SecurityEventKind::RecoveryCodeUsed));
    // Recovery codes are stored hashed only.
    let stored = app.table_text("recovery_codes", &["code_hash"]);
    assert!(recovery
        .iter()
        .all(|c| !stored.contains(&c.replace('-', ""))));
}

async fn turning_two_factor_off_needs_the_password_and_a_current_code(app: TestApp) {
    let me = app.signed_in("off@example.com").await;
    let csrf = me.session.csrf_token.clone();
    // The policy needs the owner's own two-factor first.
    let problem = expect_problem(
        app.set_two_factor_policy(&csrf, true).await,
        StatusCode::CONFLICT,
        ProblemCode::Conflict,
    )
    .await;
    assert_eq!(
        field_codes(&problem, "required_for_all_users"),
        [codes::TWO_FACTOR_NOT_ENABLED]
    );
    let recovery = app
        .turn_on_sms_two_factor(&csrf, GOOD_PASSWORD, "+48 600 700 800")
        .await
        .recovery_codes
        .expect("first method: recovery codes");
    let response = app.set_two_factor_policy(&csrf, true).await;
    assert_eq!(response.status(), StatusCode::OK);
    let status: TwoFactorStatusDto = response.json().await.unwrap();
    assert!(status.required_for_all_users);

    expect_field_error(
        app.turn_off_sms_two_factor(&csrf, "Wrong-Password-1", &recovery[0])
            .await,
        "password",
        codes::WRONG_PASSWORD,
    )
    .await;
    // A step-up SMS code, but the account requires two-factor: the last
    // method cannot go.
    let step_up = app.sms_step_up_code(&csrf, "+48600700800").await;
    let problem = expect_problem(
        app.turn_off_sms_two_factor(&csrf, GOOD_PASSWORD, &step_up)
            .await,
        StatusCode::CONFLICT,
        ProblemCode::Conflict,
    )
    .await;
    assert_eq!(
        field_codes(&problem, "method"),
        [codes::TWO_FACTOR_REQUIRED]
    );
    let response = app.set_two_factor_policy(&csrf, false).await;
    assert_eq!(response.status(), StatusCode::OK);
    // A wrong code is refused; a recovery code does it.
    expect_field_error(
        app.turn_off_sms_two_factor(&csrf, GOOD_PASSWORD, "999999")
            .await,
        "code",
        codes::INCORRECT,
    )
    .await;
    assert_eq!(app.count("second_factors"), 1);
    let response = app
        .turn_off_sms_two_factor(&csrf, GOOD_PASSWORD, &recovery[1])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let status: TwoFactorStatusDto = response.json().await.unwrap();
    assert!(!status.enabled);
    assert_eq!(app.count("second_factors"), 0);
    assert_eq!(app.count("recovery_codes"), 0);
    // And sign-in from the trusted browser is direct again.
    assert_eq!(
        app.login("off@example.com", GOOD_PASSWORD).await.status(),
        StatusCode::OK
    );
    assert!(kinds(&app)
        .await
        .contains(&SecurityEventKind::TwoFactorDisabled));
}

async fn repeated_failures_lock_sign_in_whatever_the_password_and_across_processes(app: TestApp) {
    app.signed_in("locked@example.com").await;
    for _ in 0..5 {
        expect_problem(
            app.login("locked@example.com", "Wrong-Password-1").await,
            StatusCode::UNAUTHORIZED,
            ProblemCode::InvalidCredentials,
        )
        .await;
    }
    // Now even the right password gets the lock answer.
    let response = app.login("locked@example.com", GOOD_PASSWORD).await;
    let retry_after: u64 = response.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    expect_problem(
        response,
        StatusCode::TOO_MANY_REQUESTS,
        ProblemCode::LoginLocked,
    )
    .await;
    // The owner is told.
    let (purpose, _) = app.last_message_to("locked@example.com").unwrap();
    assert_eq!(purpose, "login_locked");

    // Another process on the same database (or a restart) keeps the lock.
    let second = app.second_process().await;
    expect_problem(
        second.login("locked@example.com", GOOD_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
        ProblemCode::LoginLocked,
    )
    .await;

    // An e-mail nobody has locks the same way: the lock reveals nothing.
    for _ in 0..5 {
        expect_problem(
            app.login("nobody@example.com", "Wrong-Password-1").await,
            StatusCode::UNAUTHORIZED,
            ProblemCode::InvalidCredentials,
        )
        .await;
    }
    expect_problem(
        app.login("nobody@example.com", GOOD_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
        ProblemCode::LoginLocked,
    )
    .await;
    assert!(app.last_message_to("nobody@example.com").is_none());
}

async fn wrong_codes_count_towards_the_lock_and_a_right_code_then_opens_nothing(app: TestApp) {
    app.signed_in("guess@example.com").await;
    let other = app.another_browser();
    let held = other.held_sign_in("guess@example.com", GOOD_PASSWORD).await;
    let code = app.last_code_to(SIGNUP_PHONE_E164);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for left in (0..5).rev() {
        let problem = expect_problem(
            other
                .verify_login(&held, VerificationMethod::Sms, wrong, false)
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            ProblemCode::ValidationFailed,
        )
        .await;
        let message = &problem.errors[0].message;
        if left > 1 {
            assert!(message.contains(&format!("{left} tries left")), "{message}");
        }
    }
    // Five wrong codes locked sign-in for this e-mail: the right code opens nothing.
    expect_problem(
        other
            .verify_login(&held, VerificationMethod::Sms, &code, false)
            .await,
        StatusCode::TOO_MANY_REQUESTS,
        ProblemCode::LoginLocked,
    )
    .await;
    assert_eq!(other.me().await.status(), StatusCode::UNAUTHORIZED);
    // An unknown handle is refused plainly.
    let mut forged = held.clone();
    forged.challenge_id = "x".repeat(43);
    expect_problem(
        other
            .verify_login(&forged, VerificationMethod::Sms, &code, false)
            .await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::LoginChallengeInvalid,
    )
    .await;
}

async fn a_signed_in_session_cannot_be_used_to_guess_the_password(app: TestApp) {
    let me = app.signed_in("guarded@example.com").await;
    let csrf = me.session.csrf_token;
    let change = |current: &str| ChangePasswordRequest {
        current_password: current.to_owned(),
        new_password: "Amber-Lantern-77".to_owned(),
    };
    for _ in 0..5 {
        expect_field_error(
            app.portal_json(
                Method::POST,
                routes::PASSWORD,
                &csrf,
                &change("Wrong-Password-1"),
            )
            .await,
            "current_password",
            codes::WRONG_PASSWORD,
        )
        .await;
    }
    // Locked now: neither the right password nor a two-factor set-up gets through.
    expect_problem(
        app.portal_json(
            Method::POST,
            routes::PASSWORD,
            &csrf,
            &change(GOOD_PASSWORD),
        )
        .await,
        StatusCode::TOO_MANY_REQUESTS,
        ProblemCode::LoginLocked,
    )
    .await;
    expect_problem(
        app.confirm_with_password(routes::TWO_FACTOR_TOTP, &csrf, None)
            .await,
        StatusCode::TOO_MANY_REQUESTS,
        ProblemCode::LoginLocked,
    )
    .await;
    assert!(kinds(&app)
        .await
        .contains(&SecurityEventKind::AccountLocked));
}

on_both_backends!(
    a_signed_in_session_cannot_be_used_to_guess_the_password,
    new_device_sign_in_is_held_for_an_sms_code_and_trust_skips_it_next_time,
    without_a_phone_the_code_goes_by_email_and_removed_devices_are_asked_again,
    sms_two_factor_is_set_up_with_a_first_code_and_then_every_sign_in_needs_one,
    authenticator_app_codes_and_recovery_codes_work_once_each,
    turning_two_factor_off_needs_the_password_and_a_current_code,
    repeated_failures_lock_sign_in_whatever_the_password_and_across_processes,
    wrong_codes_count_towards_the_lock_and_a_right_code_then_opens_nothing,
);
