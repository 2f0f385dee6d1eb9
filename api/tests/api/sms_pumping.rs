//! SMS pumping at the platform's cost (issue 12): texts the platform sends on
//! its own behalf (sign-in, new-device, set-up and step-up codes) stay within
//! budgets kept in storage — per account, destination number, destination
//! country and source address —, a browser that signs in again and again gets
//! one code, a surge of texts to one country pauses it, and the SMS
//! Authenticator API has per-number limits its owner sets.

use diesel::prelude::*;
use portcullis_api::db::schema::outbox_messages as outbox;
use portcullis_shared::{
    dto::{
        AuthenticatorLimitsDto, CreatedTokenDto, LoginChallengeDto, MeResponse, SecurityEventKind,
        SendCodeRequest, VerificationMethod,
    },
    problem::ProblemCode,
    routes,
    scope::Scope,
    validate::codes,
};
use reqwest::{header, Method, StatusCode};

use crate::harness::{
    expect_field_error, expect_problem, field_codes, token_request, TestApp, GOOD_PASSWORD,
    SIGNUP_PHONE_E164,
};

/// Texts (not e-mails) in the outbox to `recipient`.
fn texts_to(app: &TestApp, recipient: &str) -> i64 {
    outbox::table
        .filter(outbox::recipient.eq(recipient))
        .filter(outbox::channel.eq("sms"))
        .count()
        .get_result(&mut app.db())
        .expect("count the outbox")
}

/// Texts in the outbox to numbers starting with `prefix`.
fn texts_starting(app: &TestApp, prefix: &str) -> i64 {
    outbox::table
        .filter(outbox::recipient.like(format!("{prefix}%")))
        .filter(outbox::channel.eq("sms"))
        .count()
        .get_result(&mut app.db())
        .expect("count the outbox")
}

/// A fresh account signed in from a browser of its own (so `app`'s cookie jar
/// is left alone); returns that browser and its session.
async fn account(app: &TestApp, email: &str) -> (TestApp, MeResponse) {
    let home = app.another_browser();
    let me = home.signed_in(email).await;
    (home, me)
}

/// Asks for an SMS two-factor set-up code to `phone` (a text to any number a
/// signed-in user types: the classic pumping vector).
async fn sms_setup(home: &TestApp, me: &MeResponse, phone: &str) -> reqwest::Response {
    home.start_sms_two_factor(&me.session.csrf_token, GOOD_PASSWORD, phone)
        .await
}

/// Lets the account of `email` text Germany too (the operator lifts the
/// trial restriction, then the owner widens the country filter), for the
/// tests that show another calling code keeps its own budget.
async fn allow_germany(app: &TestApp, home: &TestApp, me: &MeResponse, email: &str) {
    app.lift_trial_restriction(email);
    let response = home
        .put_country_filter(&me.session.csrf_token, &["PL", "DE"])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

/// The `Retry-After` seconds of a response, which must have one.
fn retry_after(response: &reqwest::Response) -> u64 {
    response
        .headers()
        .get(header::RETRY_AFTER)
        .expect("a Retry-After header")
        .to_str()
        .unwrap()
        .parse()
        .expect("Retry-After in seconds")
}

/// Expects the budget refusal, with a wait and a problem+json body.
async fn expect_budget_refusal(response: reqwest::Response) {
    let wait = retry_after(&response);
    assert!((1..=86_400).contains(&wait), "Retry-After {wait}");
    expect_problem(
        response,
        StatusCode::TOO_MANY_REQUESTS,
        ProblemCode::SmsBudgetExhausted,
    )
    .await;
}

/// The `scope` details of the account's budget events.
async fn budget_scopes(home: &TestApp) -> Vec<String> {
    home.security_events(SecurityEventKind::SmsBudgetExhausted)
        .await
        .into_iter()
        .map(|e| e.details.get("scope").cloned().unwrap_or_default())
        .collect()
}

async fn challenge(response: reqwest::Response) -> LoginChallengeDto {
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    response.json().await.expect("LoginChallengeDto")
}

// ---- 1. budgets ----------------------------------------------------------

const ACCOUNT_BUDGET_OF_3: &[(&str, &str)] = &[("PORTCULLIS_SMS_BUDGET_PER_ACCOUNT", "3")];

async fn new_browsers_cannot_pump_sign_in_codes_past_the_account_budget(app: TestApp) {
    let (home, _) = account(&app, "pumped@example.com").await;
    // Each cookie-less browser is a new device: each sign-in texts a code.
    for _ in 0..3 {
        let held = challenge(
            app.another_browser()
                .login("pumped@example.com", GOOD_PASSWORD)
                .await,
        )
        .await;
        assert_eq!(held.sent_by, Some(VerificationMethod::Sms));
    }
    expect_budget_refusal(
        app.another_browser()
            .login("pumped@example.com", GOOD_PASSWORD)
            .await,
    )
    .await;
    assert_eq!(texts_to(&app, SIGNUP_PHONE_E164), 3);
    // Recorded for the account, once per refusal.
    assert_eq!(budget_scopes(&home).await, ["account"]);
}

async fn parallel_new_browser_sign_ins_cannot_exceed_the_account_budget(app: TestApp) {
    let (home, _) = account(&app, "race@example.com").await;
    // Half of them through a second server process on the same database.
    let other = app.second_process().await;
    let attempts = (0..10).map(|n| {
        let browser = if n % 2 == 0 {
            app.another_browser()
        } else {
            other.another_browser()
        };
        async move {
            let response = browser.login("race@example.com", GOOD_PASSWORD).await;
            let status = response.status();
            let code = if status == StatusCode::ACCEPTED {
                None
            } else {
                let problem: portcullis_shared::problem::Problem =
                    response.json().await.expect("a problem");
                Some(problem.code)
            };
            (status, code)
        }
    });
    let answers = futures_util::future::join_all(attempts).await;
    let held = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::ACCEPTED)
        .count();
    // Exactly the budget is held and texted, whichever process answers; every
    // other attempt is refused over the budget (the right password is never
    // locked out by the others being checked at the same time).
    assert_eq!(held, 3, "{answers:?}");
    assert!(
        answers.iter().all(|(s, code)| *s == StatusCode::ACCEPTED
            || (*s == StatusCode::TOO_MANY_REQUESTS
                && *code == Some(ProblemCode::SmsBudgetExhausted))),
        "{answers:?}"
    );
    assert_eq!(texts_to(&app, SIGNUP_PHONE_E164), 3);
    assert_eq!(budget_scopes(&home).await.len(), 10 - held);
}

const DESTINATION_BUDGET_OF_2: &[(&str, &str)] = &[("PORTCULLIS_SMS_BUDGET_PER_DESTINATION", "2")];

async fn many_accounts_cannot_pump_one_number_past_its_budget(app: TestApp) {
    // Three accounts with the same phone, each signing in from a new browser.
    let mut homes = Vec::new();
    for n in 0..3 {
        homes.push(
            account(&app, &format!("same-phone-{n}@example.com"))
                .await
                .0,
        );
    }
    for n in 0..2 {
        challenge(
            app.another_browser()
                .login(&format!("same-phone-{n}@example.com"), GOOD_PASSWORD)
                .await,
        )
        .await;
    }
    expect_budget_refusal(
        app.another_browser()
            .login("same-phone-2@example.com", GOOD_PASSWORD)
            .await,
    )
    .await;
    assert_eq!(texts_to(&app, SIGNUP_PHONE_E164), 2);
    assert_eq!(budget_scopes(&homes[2]).await, ["destination"]);
}

const COUNTRY_BUDGET_OF_3: &[(&str, &str)] = &[("PORTCULLIS_SMS_BUDGET_PER_COUNTRY", "3")];

async fn set_up_codes_to_one_country_stop_at_its_budget(app: TestApp) {
    for n in 1..=3 {
        let (home, me) = account(&app, &format!("country-{n}@example.com")).await;
        let response = sms_setup(&home, &me, &format!("+4860070080{n}")).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
    }
    let (home, me) = account(&app, "country-4@example.com").await;
    expect_budget_refusal(sms_setup(&home, &me, "+48600700804").await).await;
    assert_eq!(texts_starting(&app, "+4860070080"), 3);
    assert_eq!(budget_scopes(&home).await, ["country"]);
    // Another country's calling code has its own budget.
    allow_germany(&app, &home, &me, "country-4@example.com").await;
    let response = sms_setup(&home, &me, "+4915123456789").await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    assert_eq!(texts_to(&app, "+4915123456789"), 1);
}

const ADDRESS_BUDGET_OF_2: &[(&str, &str)] = &[
    ("PORTCULLIS_SMS_BUDGET_PER_ADDRESS", "2"),
    ("PORTCULLIS_TRUSTED_PROXIES", "127.0.0.1"),
];

async fn one_ipv6_64_cannot_pump_codes_past_the_address_budget(app: TestApp) {
    for n in 0..4 {
        account(&app, &format!("v6-{n}@example.com")).await;
    }
    let from = |address: &str| app.another_browser_with(&[("X-Forwarded-For", address)]);
    // Two addresses of one /64 use its budget, whichever accounts they sign in to.
    challenge(
        from("2001:db8:1:2::a")
            .login("v6-0@example.com", GOOD_PASSWORD)
            .await,
    )
    .await;
    challenge(
        from("2001:db8:1:2::b")
            .login("v6-1@example.com", GOOD_PASSWORD)
            .await,
    )
    .await;
    expect_budget_refusal(
        from("2001:db8:1:2:ffff::c")
            .login("v6-2@example.com", GOOD_PASSWORD)
            .await,
    )
    .await;
    // The next /64 has its own.
    challenge(
        from("2001:db8:1:3::a")
            .login("v6-3@example.com", GOOD_PASSWORD)
            .await,
    )
    .await;
    assert_eq!(texts_to(&app, SIGNUP_PHONE_E164), 3);
}

// ---- 2. one live held sign-in per account and device ---------------------

async fn repeated_sign_ins_from_one_browser_send_one_code(app: TestApp) {
    account(&app, "again@example.com").await;
    let browser = app.another_browser();
    let first = challenge(browser.login("again@example.com", GOOD_PASSWORD).await).await;
    let mut last = first.clone();
    for _ in 1..20 {
        last = challenge(browser.login("again@example.com", GOOD_PASSWORD).await).await;
        assert_eq!(last.sent_by, Some(VerificationMethod::Sms));
        assert_eq!(last.sent_to.as_deref(), Some("+48******200"));
    }
    assert_eq!(texts_to(&app, SIGNUP_PHONE_E164), 1);
    // The resend timer came along: no second text at once.
    let response = browser.resend_login_code(&last, None).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(texts_to(&app, SIGNUP_PHONE_E164), 1);
    // The old handle stopped working; the newest completes with the one code.
    let code = app.last_code_to(SIGNUP_PHONE_E164);
    expect_problem(
        browser
            .verify_login(&first, VerificationMethod::Sms, &code, false)
            .await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::LoginChallengeInvalid,
    )
    .await;
    let response = browser
        .verify_login(&last, VerificationMethod::Sms, &code, false)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

async fn concurrent_sign_ins_from_one_browser_send_one_code(app: TestApp) {
    account(&app, "burst@example.com").await;
    let browser = app.another_browser();
    // The first answer gives the browser its device cookie.
    challenge(browser.login("burst@example.com", GOOD_PASSWORD).await).await;
    let attempts = (0..19).map(|_| browser.login("burst@example.com", GOOD_PASSWORD));
    for response in futures_util::future::join_all(attempts).await {
        // Each is held (the same held sign-in, replaced); never a second code.
        assert_eq!(response.status(), StatusCode::ACCEPTED);
    }
    assert_eq!(texts_to(&app, SIGNUP_PHONE_E164), 1);
}

async fn wrong_tries_carry_over_to_the_replacing_sign_in(app: TestApp) {
    account(&app, "tries@example.com").await;
    let browser = app.another_browser();
    let first = challenge(browser.login("tries@example.com", GOOD_PASSWORD).await).await;
    let code = app.last_code_to(SIGNUP_PHONE_E164);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..4 {
        browser
            .verify_login(&first, VerificationMethod::Sms, wrong, false)
            .await;
    }
    // Signing in again does not give the guesser five fresh tries.
    let again = challenge(browser.login("tries@example.com", GOOD_PASSWORD).await).await;
    let problem = expect_field_error(
        browser
            .verify_login(&again, VerificationMethod::Sms, wrong, false)
            .await,
        "code",
        codes::INCORRECT,
    )
    .await;
    assert!(
        problem.errors[0].message.contains("last try"),
        "{problem:?}"
    );
}

// ---- 3. circuit breaker per country --------------------------------------

const BREAKER_AT_3: &[(&str, &str)] = &[
    ("PORTCULLIS_METRICS_ADDR", "127.0.0.1:0"),
    ("PORTCULLIS_SMS_BREAKER_MIN_COUNT", "3"),
    ("PORTCULLIS_SMS_BREAKER_FACTOR", "2"),
    ("PORTCULLIS_SMS_BREAKER_WINDOW_SECS", "3600"),
    ("PORTCULLIS_SMS_BREAKER_BASELINE_SECS", "86400"),
];

async fn a_surge_of_texts_to_one_country_pauses_it_and_codes_go_by_email(app: TestApp) {
    let mut homes = Vec::new();
    for n in 0..5 {
        homes.push(account(&app, &format!("surge-{n}@example.com")).await);
    }
    for n in 0..3 {
        let held = challenge(
            app.another_browser()
                .login(&format!("surge-{n}@example.com"), GOOD_PASSWORD)
                .await,
        )
        .await;
        assert_eq!(held.sent_by, Some(VerificationMethod::Sms));
    }
    // The fourth text to +48 within the window is held: the new-device code
    // goes to the account's e-mail instead, and completes the sign-in.
    let browser = app.another_browser();
    let held = challenge(browser.login("surge-3@example.com", GOOD_PASSWORD).await).await;
    assert_eq!(held.sent_by, Some(VerificationMethod::Email));
    assert_eq!(texts_to(&app, SIGNUP_PHONE_E164), 3);
    let code = app.last_code_to("surge-3@example.com");
    let response = browser
        .verify_login(&held, VerificationMethod::Email, &code, false)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let paused = homes[3]
        .0
        .security_events(SecurityEventKind::SmsCountryPaused)
        .await;
    assert_eq!(paused.len(), 1);
    assert_eq!(
        paused[0].details.get("calling_code").map(String::as_str),
        Some("48")
    );
    assert_eq!(
        paused[0].details.get("fallback").map(String::as_str),
        Some("email")
    );

    // A code with no e-mail way (an SMS set-up) is refused while paused.
    let (home, me) = &homes[4];
    let response = sms_setup(home, me, "+48600700809").await;
    assert!(retry_after(&response) >= 1);
    expect_problem(
        response,
        StatusCode::SERVICE_UNAVAILABLE,
        ProblemCode::SmsCountryPaused,
    )
    .await;
    assert_eq!(texts_to(&app, "+48600700809"), 0);
    // The operator's alert counts the held texts by calling code.
    let metrics = crate::metrics::scrape(&app).await;
    assert_eq!(
        crate::metrics::sample(
            &metrics,
            r#"portcullis_sms_breaker_held_texts_total{calling_code="48"}"#
        ),
        Some(2.0),
        "{metrics}"
    );
    // Other countries are not paused.
    allow_germany(&app, home, me, "surge-4@example.com").await;
    assert_eq!(
        sms_setup(home, me, "+4915123456789").await.status(),
        StatusCode::ACCEPTED
    );
}

// ---- 4. SMS Authenticator per-number limits ------------------------------

async fn authenticator_token(home: &TestApp, me: &MeResponse) -> String {
    let created: CreatedTokenDto = home
        .create_token(me, &token_request("otp", &[Scope::Authenticator]))
        .await;
    created.secret
}

async fn send_authenticator_code(app: &TestApp, token: &str, to: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url(routes::AUTHENTICATOR_CODES))
        .bearer_auth(token)
        .json(&SendCodeRequest {
            to: to.to_owned(),
            app_name: Some("Acme Shop".to_owned()),
        })
        .send()
        .await
        .unwrap()
}

fn authenticator_texts_to(app: &TestApp, to: &str) -> i64 {
    use portcullis_api::db::schema::messages;
    messages::table
        .filter(messages::recipient.eq(to))
        .count()
        .get_result(&mut app.db())
        .expect("count messages")
}

async fn the_authenticator_api_cannot_pump_one_number_past_its_limits(app: TestApp) {
    let (home, me) = account(&app, "integrator@example.com").await;
    let token = authenticator_token(&home, &me).await;
    // The defaults: 5 codes per number an hour.
    let limits: AuthenticatorLimitsDto = home.get_json(routes::AUTHENTICATOR_LIMITS).await;
    assert_eq!(
        limits,
        AuthenticatorLimitsDto {
            per_number_per_hour: 5,
            per_number_per_day: 10
        }
    );
    for _ in 0..5 {
        let response = send_authenticator_code(&app, &token, "+48600111222").await;
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    expect_budget_refusal(send_authenticator_code(&app, &token, "+48600111222").await).await;
    assert_eq!(authenticator_texts_to(&app, "+48600111222"), 5);
    // Other numbers are unaffected.
    assert_eq!(
        send_authenticator_code(&app, &token, "+48600111333")
            .await
            .status(),
        StatusCode::CREATED
    );
}

async fn the_owner_sets_the_authenticator_limits_within_bounds(app: TestApp) {
    let (home, me) = account(&app, "limits@example.com").await;
    let token = authenticator_token(&home, &me).await;
    let csrf = &me.session.csrf_token;
    // Out of range, or a day below the hour: refused, nothing changed.
    for (body, field) in [
        (
            AuthenticatorLimitsDto {
                per_number_per_hour: 0,
                per_number_per_day: 10,
            },
            "per_number_per_hour",
        ),
        (
            AuthenticatorLimitsDto {
                per_number_per_hour: 5,
                per_number_per_day: 100000,
            },
            "per_number_per_day",
        ),
        (
            AuthenticatorLimitsDto {
                per_number_per_hour: 8,
                per_number_per_day: 4,
            },
            "per_number_per_day",
        ),
    ] {
        let problem = expect_problem(
            home.portal_json(Method::PUT, routes::AUTHENTICATOR_LIMITS, csrf, &body)
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            ProblemCode::ValidationFailed,
        )
        .await;
        assert_eq!(
            field_codes(&problem, field),
            [codes::OUT_OF_RANGE],
            "{problem:?}"
        );
    }
    let limits: AuthenticatorLimitsDto = home.get_json(routes::AUTHENTICATOR_LIMITS).await;
    assert_eq!(limits.per_number_per_hour, 5);

    let response = home
        .portal_json(
            Method::PUT,
            routes::AUTHENTICATOR_LIMITS,
            csrf,
            &AuthenticatorLimitsDto {
                per_number_per_hour: 1,
                per_number_per_day: 1,
            },
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let limits: AuthenticatorLimitsDto = home.get_json(routes::AUTHENTICATOR_LIMITS).await;
    assert_eq!(limits.per_number_per_day, 1);
    assert_eq!(
        send_authenticator_code(&app, &token, "+48600111444")
            .await
            .status(),
        StatusCode::CREATED
    );
    expect_budget_refusal(send_authenticator_code(&app, &token, "+48600111444").await).await;
    // A bearer token cannot change them: it is a portal setting.
    let response = reqwest::Client::new()
        .put(app.url(routes::AUTHENTICATOR_LIMITS))
        .bearer_auth(&token)
        .json(&AuthenticatorLimitsDto {
            per_number_per_hour: 100,
            per_number_per_day: 1000,
        })
        .send()
        .await
        .unwrap();
    assert!(response.status().is_client_error(), "{}", response.status());
}

on_both_backends!(settings = ACCOUNT_BUDGET_OF_3;
    new_browsers_cannot_pump_sign_in_codes_past_the_account_budget,
    parallel_new_browser_sign_ins_cannot_exceed_the_account_budget,
);
on_both_backends!(settings = DESTINATION_BUDGET_OF_2;
    many_accounts_cannot_pump_one_number_past_its_budget,
);
on_both_backends!(settings = COUNTRY_BUDGET_OF_3;
    set_up_codes_to_one_country_stop_at_its_budget,
);
on_both_backends!(settings = ADDRESS_BUDGET_OF_2;
    one_ipv6_64_cannot_pump_codes_past_the_address_budget,
);
on_both_backends!(
    repeated_sign_ins_from_one_browser_send_one_code,
    concurrent_sign_ins_from_one_browser_send_one_code,
    wrong_tries_carry_over_to_the_replacing_sign_in,
    the_authenticator_api_cannot_pump_one_number_past_its_limits,
    the_owner_sets_the_authenticator_limits_within_bounds,
);
on_both_backends!(settings = BREAKER_AT_3;
    a_surge_of_texts_to_one_country_pauses_it_and_codes_go_by_email,
);
