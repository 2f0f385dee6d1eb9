//! Issue 12, the lock-out: guesses sent in parallel, from rotating IPv6
//! addresses or through a stolen session must not get more tries than the
//! limits allow, on either backend and across processes.

use portcullis_shared::{
    dto::{
        ChangePasswordRequest, LoginChallengeDto, LoginRequest, PasswordResetRequest,
        PortalPermission, SecurityEventKind, SetSessionTimeoutRequest, StartSmsTwoFactorRequest,
        VerificationMethod,
    },
    problem::ProblemCode,
    routes,
    validate::codes,
};
use reqwest::{Method, StatusCode};

use crate::harness::{
    expect_field_error, expect_problem, portal_allowlist_entry, TestApp, GOOD_PASSWORD,
    SIGNUP_PHONE_E164,
};

/// Failures per e-mail before sign-in locks (`throttle::EMAIL_MAX_FAILURES`).
const EMAIL_LIMIT: usize = 5;
/// Failures per source address (or IPv6 block) before it locks.
const ADDRESS_LIMIT: usize = 20;
const GUESSES: usize = 40;

/// Browsers vary their address with X-Forwarded-For (the server trusts its
/// loopback as a proxy); codes and e-mails are read from the dev outbox.
const SETTINGS: &[(&str, &str)] = &[
    ("PORTCULLIS_TRUSTED_PROXIES", "127.0.0.1"),
    ("PORTCULLIS_DEV_OUTBOX", "true"),
];

/// The problem codes of a burst of answers, as `(code, field codes)`.
async fn answers(responses: Vec<reqwest::Response>) -> Vec<(StatusCode, ProblemCode, Vec<String>)> {
    let mut out = Vec::new();
    for response in responses {
        let status = response.status();
        let problem: portcullis_shared::problem::Problem =
            response.json().await.expect("a problem body");
        out.push((
            status,
            problem.code,
            problem.errors.into_iter().map(|e| e.code).collect(),
        ));
    }
    out
}

fn wrong_password_login_failures(events: &[portcullis_shared::dto::SecurityEventDto]) -> usize {
    events
        .iter()
        .filter(|e| e.details.get("reason").map(String::as_str) == Some("wrong_password"))
        .count()
}

async fn parallel_wrong_passwords_cannot_exceed_the_lock_limit(app: TestApp) {
    app.signed_in("parallel@example.com").await;
    let attacker = app.another_browser();
    let burst = (0..GUESSES).map(|i| {
        let attacker = &attacker;
        async move {
            attacker
                .login("parallel@example.com", &format!("Wrong-Guess-{i}"))
                .await
        }
    });
    let answers = answers(futures_util::future::join_all(burst).await).await;
    // Each `invalid_credentials` answer is a password that was checked.
    let checked = answers
        .iter()
        .filter(|(_, code, _)| *code == ProblemCode::InvalidCredentials)
        .count();
    let locked = answers
        .iter()
        .filter(|(status, code, _)| {
            *status == StatusCode::TOO_MANY_REQUESTS && *code == ProblemCode::LoginLocked
        })
        .count();
    assert!(
        checked <= EMAIL_LIMIT,
        "{checked} of {GUESSES} parallel guesses were checked"
    );
    assert_eq!(checked + locked, GUESSES, "{answers:?}");
    // The owner's log holds one `wrong_password` per checked guess, no more.
    assert_eq!(
        wrong_password_login_failures(&app.security_events(SecurityEventKind::LoginFailed).await),
        checked
    );
    // Now the right password is refused too: the lock holds.
    expect_problem(
        attacker.login("parallel@example.com", GOOD_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
        ProblemCode::LoginLocked,
    )
    .await;
}

async fn parallel_wrong_current_passwords_cannot_exceed_the_lock_limit(app: TestApp) {
    let me = app.signed_in("stolen@example.com").await;
    let csrf = me.session.csrf_token;
    let burst = (0..GUESSES).map(|i| {
        let (app, csrf) = (&app, &csrf);
        async move {
            app.portal_json(
                Method::POST,
                routes::PASSWORD,
                csrf,
                &ChangePasswordRequest {
                    current_password: format!("Wrong-Guess-{i}"),
                    new_password: "Amber-Lantern-77".to_owned(),
                },
            )
            .await
        }
    });
    let answers = answers(futures_util::future::join_all(burst).await).await;
    let checked = answers
        .iter()
        .filter(|(_, _, fields)| fields.iter().any(|c| c == codes::WRONG_PASSWORD))
        .count();
    let locked = answers
        .iter()
        .filter(|(_, code, _)| *code == ProblemCode::LoginLocked)
        .count();
    assert!(
        checked <= EMAIL_LIMIT,
        "{checked} of {GUESSES} parallel guesses of the current password were checked"
    );
    assert_eq!(checked + locked, GUESSES, "{answers:?}");
    expect_problem(
        app.portal_json(
            Method::POST,
            routes::PASSWORD,
            &csrf,
            &ChangePasswordRequest {
                current_password: GOOD_PASSWORD.to_owned(),
                new_password: "Amber-Lantern-77".to_owned(),
            },
        )
        .await,
        StatusCode::TOO_MANY_REQUESTS,
        ProblemCode::LoginLocked,
    )
    .await;
}

async fn parallel_wrong_codes_cannot_exceed_the_lock_limit(app: TestApp) {
    app.signed_in("codes@example.com").await;
    let attacker = app.another_browser();
    let held = attacker
        .held_sign_in("codes@example.com", GOOD_PASSWORD)
        .await;
    let code = app.last_code_to(SIGNUP_PHONE_E164);
    let burst = (0..GUESSES).map(|i| {
        let (attacker, held) = (&attacker, &held);
        // Wrong codes, all different from the one sent.
        let guess = format!(
            "{:06}",
            (code.parse::<u32>().unwrap() + 1 + i as u32) % 1_000_000
        );
        async move {
            attacker
                .verify_login(held, VerificationMethod::Sms, &guess, false)
                .await
        }
    });
    let answers = answers(futures_util::future::join_all(burst).await).await;
    let checked = answers
        .iter()
        .filter(|(_, _, fields)| fields.iter().any(|c| c == codes::INCORRECT))
        .count();
    assert!(
        checked <= EMAIL_LIMIT,
        "{checked} of {GUESSES} parallel code guesses were checked: {answers:?}"
    );
    // The right code opens nothing now.
    let right = attacker
        .verify_login(&held, VerificationMethod::Sms, &code, false)
        .await;
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(attacker.me().await.status(), StatusCode::UNAUTHORIZED);
}

async fn rotating_ipv6_64s_within_one_56_share_one_address_limit(app: TestApp) {
    // Each guess from another /64 of the same /56, each at another e-mail so
    // only the address counter can stop them.
    for i in 0..ADDRESS_LIMIT {
        let from = format!("2001:db8:0:{:x}::1", i);
        let browser = app.another_browser_with(&[("X-Forwarded-For", &from)]);
        expect_problem(
            browser
                .login(&format!("nobody{i}@example.com"), "Wrong-Guess-1")
                .await,
            StatusCode::UNAUTHORIZED,
            ProblemCode::InvalidCredentials,
        )
        .await;
    }
    let next = app.another_browser_with(&[("X-Forwarded-For", "2001:db8:0:ff::1")]);
    expect_problem(
        next.login("someone-else@example.com", "Wrong-Guess-1")
            .await,
        StatusCode::TOO_MANY_REQUESTS,
        ProblemCode::LoginLocked,
    )
    .await;
    // Another /56 is not held back.
    let elsewhere = app.another_browser_with(&[("X-Forwarded-For", "2001:db8:0:100::1")]);
    expect_problem(
        elsewhere
            .login("someone-else@example.com", "Wrong-Guess-1")
            .await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::InvalidCredentials,
    )
    .await;
}

/// The tokens of the newest `count` reset links mailed to `email`.
async fn reset_tokens(app: &TestApp, email: &str, count: usize) -> Vec<String> {
    app.wait_for_mails(email, "password_reset", count)
        .await
        .iter()
        .map(|mail| {
            mail.body
                .lines()
                .find_map(|l| l.split("?token=").nth(1))
                .expect("a link")
                .trim()
                .to_owned()
        })
        .collect()
}

async fn a_password_reset_ends_other_links_trusted_devices_and_the_lock(app: TestApp) {
    let email = "reset-all@example.com";
    app.signed_in(email).await; // this browser is now trusted
    let attacker = app.another_browser();
    for _ in 0..EMAIL_LIMIT {
        attacker.login(email, "Wrong-Guess-1").await;
    }
    expect_problem(
        app.login(email, GOOD_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
        ProblemCode::LoginLocked,
    )
    .await;
    // The owner resets the password (two links asked for, one used).
    for asked_so_far in 1..=2 {
        let asked = app
            .post_json(
                routes::PASSWORD_RESET,
                &PasswordResetRequest {
                    email: email.to_owned(),
                },
                routes::PRE_SESSION_CSRF,
            )
            .await;
        assert_eq!(asked.status(), StatusCode::ACCEPTED);
        reset_tokens(&app, email, asked_so_far).await;
    }
    let tokens = reset_tokens(&app, email, 2).await;
    assert_eq!(
        app.confirm_password_reset(&tokens[0], "Amber-Lantern-77")
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    // The other pending link no longer works.
    expect_field_error(
        app.confirm_password_reset(&tokens[1], "Amber-Lantern-78")
            .await,
        "token",
        codes::USED_RESET_LINK,
    )
    .await;
    // The lock is gone, and the once-trusted browser is asked for a code again.
    let response = app.login(email, "Amber-Lantern-77").await;
    assert_eq!(
        response.status(),
        StatusCode::ACCEPTED,
        "{:?}",
        response.text().await
    );
}

const SUB_PASSWORD: &str = "Amber-Lantern-77";

async fn timeout_of(browser: &TestApp) -> portcullis_shared::dto::SessionTimeoutDto {
    browser.get_json(routes::SESSION_TIMEOUT).await
}

async fn set_timeout(browser: &TestApp, csrf: &str, secs: i64) -> reqwest::Response {
    browser
        .portal_json(
            Method::PUT,
            routes::SESSION_TIMEOUT,
            csrf,
            &SetSessionTimeoutRequest {
                idle_timeout_secs: secs,
            },
        )
        .await
}

fn open_session_timeouts(app: &TestApp, account_id: &str) -> Vec<i64> {
    use diesel::prelude::*;
    use portcullis_api::db::schema::sessions;
    sessions::table
        .filter(sessions::account_id.eq(account_id))
        .filter(sessions::ended_at.is_null())
        .select(sessions::idle_timeout_secs)
        .load(&mut app.db())
        .unwrap()
}

async fn a_subuser_cannot_choose_a_longer_idle_timeout_than_the_owner(app: TestApp) {
    let owner = app.signed_in("timeout-owner@example.com").await;
    let csrf = owner.session.csrf_token.clone();
    assert_eq!(set_timeout(&app, &csrf, 900).await.status(), StatusCode::OK);
    let sub = crate::subusers::create_subuser(
        &app,
        &owner,
        &crate::subusers::subuser_request(
            "timeout-sub@example.com",
            crate::subusers::grants(&[PortalPermission::Sms], &[]),
        ),
    )
    .await;
    let browser = app.another_browser();
    let sub_me = browser
        .signed_in_again_with("timeout-sub@example.com", SUB_PASSWORD)
        .await;
    let sub_csrf = sub_me.session.csrf_token.clone();
    // The owner's 15 minutes are the subuser's default and ceiling.
    let theirs = timeout_of(&browser).await;
    assert_eq!(theirs.idle_timeout_secs, 900);
    assert_eq!(theirs.choices, [900]);
    assert_eq!(open_session_timeouts(&app, &sub.id), [900]);
    expect_field_error(
        set_timeout(&browser, &sub_csrf, 28_800).await,
        "idle_timeout_secs",
        codes::NOT_A_CHOICE,
    )
    .await;
    assert_eq!(timeout_of(&browser).await.idle_timeout_secs, 900);

    // The owner allows more; the subuser takes an hour; the owner lowers it again.
    assert_eq!(
        set_timeout(&app, &csrf, 7200).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        set_timeout(&browser, &sub_csrf, 3600).await.status(),
        StatusCode::OK
    );
    assert_eq!(open_session_timeouts(&app, &sub.id), [3600]);
    assert_eq!(
        set_timeout(&app, &csrf, 1800).await.status(),
        StatusCode::OK
    );
    assert_eq!(timeout_of(&browser).await.idle_timeout_secs, 1800);
    assert_eq!(open_session_timeouts(&app, &sub.id), [1800]);
}

async fn a_sign_in_from_outside_the_allowlist_answers_like_a_wrong_password(app: TestApp) {
    let email = "fenced@example.com";
    let office = app.another_browser_with(&[("X-Forwarded-For", "203.0.113.5")]);
    let owner = office.signed_in(email).await;
    let added = office
        .add_portal_allowlist_entry(&owner, &portal_allowlist_entry("203.0.113.0/24"))
        .await;
    assert_eq!(added.status(), StatusCode::CREATED);

    let outside = app.another_browser_with(&[("X-Forwarded-For", "198.51.100.7")]);
    let right = expect_problem(
        outside.login(email, GOOD_PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::InvalidCredentials,
    )
    .await;
    let wrong = expect_problem(
        outside.login(email, "Wrong-Guess-1").await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::InvalidCredentials,
    )
    .await;
    assert_eq!(
        (&right.type_uri, &right.title, &right.detail, &right.errors),
        (&wrong.type_uri, &wrong.title, &wrong.detail, &wrong.errors)
    );
    // Both count towards the lock: three more and even the office is locked.
    for _ in 0..EMAIL_LIMIT - 2 {
        outside.login(email, GOOD_PASSWORD).await;
    }
    expect_problem(
        outside.login(email, GOOD_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
        ProblemCode::LoginLocked,
    )
    .await;
    // The real reason is in the owner's log only.
    let failures = office.security_events(SecurityEventKind::LoginFailed).await;
    let reasons: Vec<&str> = failures
        .iter()
        .filter_map(|e| e.details.get("reason").map(String::as_str))
        .collect();
    assert!(reasons.contains(&"ip_blocked"), "{reasons:?}");
}

fn stored_recovery_hashes(app: &TestApp) -> Vec<String> {
    use diesel::prelude::*;
    use portcullis_api::db::schema::recovery_codes;
    recovery_codes::table
        .select(recovery_codes::code_hash)
        .load(&mut app.db())
        .unwrap()
}

async fn a_leaked_recovery_code_table_cannot_be_matched_with_a_fast_hash(app: TestApp) {
    use sha2::{Digest, Sha256};
    let me = app.signed_in("leak@example.com").await;
    let shown = app
        .turn_on_sms_two_factor(&me.session.csrf_token, GOOD_PASSWORD, "+48 600 700 800")
        .await
        .recovery_codes
        .expect("first method: recovery codes");
    let stored = stored_recovery_hashes(&app);
    assert_eq!(stored.len(), shown.len());
    // What an attacker with the table would try first: the code's plain
    // SHA-256, as it was stored before. Not one matches.
    for code in &shown {
        let plain: String = code.chars().filter(|c| *c != '-').collect();
        let fast: String = Sha256::new()
            .chain_update(b"recovery:")
            .chain_update(plain.as_bytes())
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert!(
            !stored.contains(&fast),
            "a recovery code is stored as its plain SHA-256"
        );
    }
    for hash in &stored {
        assert!(hash.starts_with("$argon2id$"), "{hash}");
    }
    // The codes still work: one completes a held sign-in.
    let held = app.held_sign_in("leak@example.com", GOOD_PASSWORD).await;
    let response = app
        .verify_login(&held, VerificationMethod::RecoveryCode, &shown[3], false)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

const TWO_FACTOR_PHONE: &str = "+48 600 700 800";
const TWO_FACTOR_PHONE_E164: &str = "+48600700800";
const ATTACKER_PHONE_E164: &str = "+48699000111";

/// A session whose account has SMS two-factor on; the session and the
/// password are what an attacker is assumed to hold.
async fn stolen_session_with_sms_two_factor(app: &TestApp, email: &str) -> (String, Vec<String>) {
    let me = app.signed_in(email).await;
    let csrf = me.session.csrf_token;
    let recovery = app
        .turn_on_sms_two_factor(&csrf, GOOD_PASSWORD, TWO_FACTOR_PHONE)
        .await
        .recovery_codes
        .expect("first method: recovery codes");
    (csrf, recovery)
}

/// The SMS step-up code the owner's phone receives.
async fn step_up_code(app: &TestApp, csrf: &str) -> String {
    app.sms_step_up_code(csrf, TWO_FACTOR_PHONE_E164).await
}

async fn expect_code_required(response: reqwest::Response) {
    expect_field_error(response, "code", codes::REQUIRED).await;
}

async fn a_stolen_session_and_password_cannot_move_sms_two_factor_to_another_phone(app: TestApp) {
    let email = "move-sms@example.com";
    let (csrf, _) = stolen_session_with_sms_two_factor(&app, email).await;
    let mut request = StartSmsTwoFactorRequest {
        password: GOOD_PASSWORD.to_owned(),
        phone: "+48 699 000 111".to_owned(),
        code: None,
    };
    expect_code_required(
        app.portal_json(Method::POST, routes::TWO_FACTOR_SMS, &csrf, &request)
            .await,
    )
    .await;
    assert!(
        app.last_message_to(ATTACKER_PHONE_E164).is_none(),
        "nothing went to the new phone"
    );
    request.code = Some("000000".to_owned());
    expect_field_error(
        app.portal_json(Method::POST, routes::TWO_FACTOR_SMS, &csrf, &request)
            .await,
        "code",
        codes::INCORRECT,
    )
    .await;
    assert!(app.last_message_to(ATTACKER_PHONE_E164).is_none());

    // The owner, with the code from the current phone, can move it.
    request.code = Some(step_up_code(&app, &csrf).await);
    let started = app
        .portal_json(Method::POST, routes::TWO_FACTOR_SMS, &csrf, &request)
        .await;
    assert_eq!(started.status(), StatusCode::ACCEPTED);
    let confirmed = app
        .confirm_sms_two_factor(&csrf, &app.last_code_to(ATTACKER_PHONE_E164))
        .await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    let mails = app.wait_for_mails(email, "two_factor_added", 2).await;
    assert!(mails[0].body.contains("two-factor"), "{}", mails[0].body);
}

async fn a_stolen_session_and_password_cannot_add_an_authenticator_app(app: TestApp) {
    let email = "add-app@example.com";
    let (csrf, recovery) = stolen_session_with_sms_two_factor(&app, email).await;
    expect_code_required(
        app.confirm_with_password(routes::TWO_FACTOR_TOTP, &csrf, None)
            .await,
    )
    .await;
    // With a recovery code (the owner's), the set-up starts.
    let started = app
        .confirm_with_password(routes::TWO_FACTOR_TOTP, &csrf, Some(&recovery[0]))
        .await;
    assert_eq!(started.status(), StatusCode::OK);
}

async fn a_stolen_session_and_password_cannot_regenerate_recovery_codes(app: TestApp) {
    let email = "regen@example.com";
    let (csrf, recovery) = stolen_session_with_sms_two_factor(&app, email).await;
    expect_code_required(
        app.confirm_with_password(routes::TWO_FACTOR_RECOVERY_CODES, &csrf, None)
            .await,
    )
    .await;
    let status: portcullis_shared::dto::TwoFactorStatusDto = app.get_json(routes::TWO_FACTOR).await;
    assert_eq!(status.recovery_codes_left, 10, "the old set still stands");
    let code = step_up_code(&app, &csrf).await;
    let response = app
        .confirm_with_password(routes::TWO_FACTOR_RECOVERY_CODES, &csrf, Some(&code))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    app.wait_for_mails(email, "recovery_codes_regenerated", 1)
        .await;
    // The old set no longer works.
    let held: LoginChallengeDto = app.login(email, GOOD_PASSWORD).await.json().await.unwrap();
    let old = app
        .verify_login(&held, VerificationMethod::RecoveryCode, &recovery[1], false)
        .await;
    assert_eq!(old.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

/// The statuses of sign-ins sent all at once, each `(browser, e-mail)` from
/// `address` (behind the trusted proxy), with the right password.
async fn burst_of_right_sign_ins(
    sign_ins: &[(&TestApp, String)],
    address: &str,
) -> Vec<StatusCode> {
    let burst = sign_ins.iter().map(|(browser, email)| async move {
        browser
            .client
            .post(browser.url(routes::LOGIN))
            .header(routes::CSRF_HEADER, routes::PRE_SESSION_CSRF)
            .header("X-Forwarded-For", address)
            .json(&LoginRequest {
                email: (*email).to_owned(),
                password: GOOD_PASSWORD.to_owned(),
            })
            .send()
            .await
            .expect("request")
            .status()
    });
    futures_util::future::join_all(burst).await
}

/// Many sign-ins to one account at once, every password right (a team
/// sharing a login, a script): each is let in. Guesses still being checked
/// must not count as failures that lock the others out.
async fn parallel_right_passwords_are_all_let_in(app: TestApp) {
    let email = "team@example.com".to_owned();
    app.signed_in(&email).await; // this browser is trusted: no codes
    let sign_ins: Vec<_> = (0..3 * EMAIL_LIMIT)
        .map(|_| (&app, email.clone()))
        .collect();
    let statuses = burst_of_right_sign_ins(&sign_ins, "198.51.100.20").await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::OK),
        "{statuses:?}"
    );
    // Nothing was left counted: a wrong guess now is only the first failure.
    expect_problem(
        app.login(&email, "Wrong-Guess-1").await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::InvalidCredentials,
    )
    .await;
    assert_eq!(
        app.login(&email, GOOD_PASSWORD).await.status(),
        StatusCode::OK
    );
}

/// An office behind one address signs in at nine: more people at once than
/// the address's failure limit, every password right. Nobody is locked out.
async fn an_office_signing_in_at_once_is_not_locked_out(app: TestApp) {
    let people = ADDRESS_LIMIT + 5;
    let mut browsers = Vec::new();
    for i in 0..people {
        // Each signed up from home (sign-ups per address are limited).
        let home = format!("203.0.113.{}", i + 1);
        let browser = app.another_browser_with(&[("X-Forwarded-For", home.as_str())]);
        let email = format!("office{i}@example.com");
        browser.signed_in(&email).await;
        browsers.push((browser, email));
    }
    let sign_ins: Vec<_> = browsers.iter().map(|(b, e)| (b, e.clone())).collect();
    let statuses = burst_of_right_sign_ins(&sign_ins, "198.51.100.9").await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::OK),
        "{statuses:?}"
    );
}

on_both_backends!(settings = SETTINGS;
    parallel_wrong_passwords_cannot_exceed_the_lock_limit,
    parallel_wrong_current_passwords_cannot_exceed_the_lock_limit,
    parallel_wrong_codes_cannot_exceed_the_lock_limit,
    a_password_reset_ends_other_links_trusted_devices_and_the_lock,
    a_subuser_cannot_choose_a_longer_idle_timeout_than_the_owner,
    a_leaked_recovery_code_table_cannot_be_matched_with_a_fast_hash,
    a_stolen_session_and_password_cannot_move_sms_two_factor_to_another_phone,
    a_stolen_session_and_password_cannot_add_an_authenticator_app,
    a_stolen_session_and_password_cannot_regenerate_recovery_codes,
);

/// The owner signs in while someone guesses the password at the same moment.
/// A refused guess settles its throttle rows and writes the owner's security
/// log; a sign-in clears the e-mail's failures and writes that log too. On
/// PostgreSQL, taking those rows in opposite orders deadlocked: one of the two
/// was aborted after a second and answered 500, its writes undone. Every
/// answer must be a sign-in, a refusal or a lock.
async fn the_owner_signing_in_during_guesses_gets_no_server_error(app: TestApp) {
    let email = "busy-owner@example.com".to_owned();
    app.signed_in(&email).await; // this browser is trusted: no codes
    let attacker = app.another_browser();
    for round in 0..30 {
        let burst = (0..16).map(|i| {
            let (app, attacker, email) = (&app, &attacker, &email);
            async move {
                if i % 3 == 0 {
                    attacker
                        .login(email, &format!("Wrong-Guess-{round}-{i}"))
                        .await
                } else {
                    app.login(email, GOOD_PASSWORD).await
                }
            }
        });
        for response in futures_util::future::join_all(burst).await {
            let status = response.status();
            assert!(
                [
                    StatusCode::OK,
                    StatusCode::UNAUTHORIZED,
                    StatusCode::TOO_MANY_REQUESTS
                ]
                .contains(&status),
                "round {round}: {status} {}",
                response.text().await.unwrap_or_default()
            );
        }
    }
}

/// A sign-in clears the e-mail's failures settled before it: the owner who
/// mistyped a few times and then got in starts again from none. (It keeps
/// the e-mail's counter, so guesses still being checked stay counted.)
async fn a_sign_in_clears_the_e_mails_failures_before_it(app: TestApp) {
    let email = "typos@example.com".to_owned();
    app.signed_in(&email).await; // this browser is trusted: no codes
    let guesser = app.another_browser();
    let wrong = |i: usize| {
        let (guesser, email) = (&guesser, &email);
        async move { guesser.login(email, &format!("Wrong-Guess-{i}")).await }
    };
    for i in 0..EMAIL_LIMIT - 1 {
        expect_problem(
            wrong(i).await,
            StatusCode::UNAUTHORIZED,
            ProblemCode::InvalidCredentials,
        )
        .await;
    }
    assert_eq!(
        app.login(&email, GOOD_PASSWORD).await.status(),
        StatusCode::OK
    );
    // The full limit again, then the lock.
    for i in 0..EMAIL_LIMIT {
        expect_problem(
            wrong(10 + i).await,
            StatusCode::UNAUTHORIZED,
            ProblemCode::InvalidCredentials,
        )
        .await;
    }
    expect_problem(
        app.login(&email, GOOD_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
        ProblemCode::LoginLocked,
    )
    .await;
}

/// Storage refuses new sessions (a trigger stands in for a failing write).
fn refuse_sessions(app: &TestApp, refuse: bool) {
    use diesel::RunQueryDsl;
    let mut conn = app.db();
    let statements: &[&str] = match (&conn, refuse) {
        (portcullis_api::db::DbConnection::Sqlite(_), true) => {
            &["CREATE TRIGGER refuse_sessions BEFORE INSERT ON sessions \
             BEGIN SELECT RAISE(ABORT, 'sessions refused'); END"]
        }
        (portcullis_api::db::DbConnection::Sqlite(_), false) => &["DROP TRIGGER refuse_sessions"],
        (portcullis_api::db::DbConnection::Postgres(_), true) => &[
            "CREATE FUNCTION refuse_sessions() RETURNS trigger LANGUAGE plpgsql \
             AS $$ BEGIN RAISE EXCEPTION 'sessions refused'; END $$",
            "CREATE TRIGGER refuse_sessions BEFORE INSERT ON sessions \
             FOR EACH ROW EXECUTE FUNCTION refuse_sessions()",
        ],
        (portcullis_api::db::DbConnection::Postgres(_), false) => &[
            "DROP TRIGGER refuse_sessions ON sessions",
            "DROP FUNCTION refuse_sessions()",
        ],
    };
    for statement in statements {
        diesel::sql_query(*statement)
            .execute(&mut conn)
            .expect("arrange the trigger");
    }
}

/// A right password whose session cannot be stored (the transaction that
/// opens it fails) leaves nothing counted: its guess, still reserved until
/// that transaction, is given back on its own. Otherwise a few such failures
/// would fill the e-mail's tries with guesses "in flight", and the owner's
/// next sign-in would wait for them and be refused.
async fn sign_ins_whose_session_cannot_be_stored_leave_nothing_counted(app: TestApp) {
    let email = "unlucky@example.com".to_owned();
    app.signed_in(&email).await; // this browser is trusted: no codes
    refuse_sessions(&app, true);
    for _ in 0..=EMAIL_LIMIT {
        let failed = app.login(&email, GOOD_PASSWORD).await;
        assert!(failed.status().is_server_error(), "{}", failed.status());
    }
    refuse_sessions(&app, false);
    let started = std::time::Instant::now();
    assert_eq!(
        app.login(&email, GOOD_PASSWORD).await.status(),
        StatusCode::OK
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(2),
        "the sign-in waited for guesses left in flight: {:?}",
        started.elapsed()
    );
    // Nor was anything left counted as a failure: the whole limit of wrong
    // guesses is still there before the lock.
    for i in 0..EMAIL_LIMIT {
        expect_problem(
            app.login(&email, &format!("Wrong-Guess-{i}")).await,
            StatusCode::UNAUTHORIZED,
            ProblemCode::InvalidCredentials,
        )
        .await;
    }
}

on_both_backends!(settings = SETTINGS;
    sign_ins_whose_session_cannot_be_stored_leave_nothing_counted,
    a_sign_in_clears_the_e_mails_failures_before_it,
    parallel_right_passwords_are_all_let_in,
    the_owner_signing_in_during_guesses_gets_no_server_error,
    an_office_signing_in_at_once_is_not_locked_out,
    rotating_ipv6_64s_within_one_56_share_one_address_limit,
    a_sign_in_from_outside_the_allowlist_answers_like_a_wrong_password,
);
