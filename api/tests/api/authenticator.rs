//! SMS Authenticator: codes for the integrator's own users.

use diesel::prelude::*;
use portcullis_api::db::schema::authenticator_codes;
use portcullis_shared::{
    dto::{CreatedTokenDto, SendCodeRequest, SentCodeDto, VerifyCodeRequest, VerifyCodeResponse},
    problem::ProblemCode,
    routes,
    scope::Scope,
    validate::codes,
};
use reqwest::{Method, StatusCode};

use crate::harness::{expect_field_error, expect_problem, token_request, TestApp};
use portcullis_shared::{dto::MessageDto, vocabulary::MessageStatus};

async fn setup(app: &TestApp, email: &str) -> String {
    let me = app.signed_in(email).await;
    let response = app
        .portal_json(
            Method::POST,
            routes::TOKENS,
            &me.session.csrf_token,
            &token_request("otp", &[Scope::Authenticator]),
        )
        .await;
    response.json::<CreatedTokenDto>().await.unwrap().secret
}

async fn post(
    app: &TestApp,
    token: &str,
    path: &str,
    body: &(impl serde::Serialize + ?Sized),
) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url(path))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn send_code(app: &TestApp, token: &str) -> (SentCodeDto, String) {
    send_code_to(app, token, "+48500100200").await
}

/// Sends a code to `to` and reads it where only the transport has it: the
/// development outbox (the SMS as delivered).
async fn send_code_to(app: &TestApp, token: &str, to: &str) -> (SentCodeDto, String) {
    let response = post(
        app,
        token,
        routes::AUTHENTICATOR_CODES,
        &SendCodeRequest {
            to: to.to_owned(),
            app_name: Some("Acme Shop".to_owned()),
        },
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let sent: SentCodeDto = response.json().await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let body = loop {
        match app.last_message_to(&sent.to) {
            Some((purpose, body)) if purpose == "api_message" => break body,
            _ => {}
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the code never reached the transport"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert!(
        body.ends_with("is your code for Acme Shop. It expires in 5 minutes."),
        "{body}"
    );
    (sent, body[..6].to_owned())
}

/// Verifies `code` for the code sent as `id`.
async fn verify(app: &TestApp, token: &str, id: &str, code: &str) -> reqwest::Response {
    let request = VerifyCodeRequest {
        code: code.to_owned(),
    };
    post(app, token, &verify_path(id), &request).await
}

fn verify_path(id: &str) -> String {
    routes::AUTHENTICATOR_VERIFY.replace("{id}", id)
}

async fn a_code_verifies_once(app: TestApp) {
    let token = setup(&app, "otp@example.com").await;
    let (sent, code) = send_code(&app, &token).await;
    assert_eq!(sent.to, "+48500100200");
    let stored: String = authenticator_codes::table
        .select(authenticator_codes::code_hash)
        .first(&mut app.db())
        .unwrap();
    assert_ne!(stored, code, "only a hash is stored");
    let wrong = if code == "000000" { "111111" } else { "000000" };

    let response: VerifyCodeResponse = verify(&app, &token, &sent.id, wrong)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        response,
        VerifyCodeResponse {
            verified: false,
            attempts_left: 4
        }
    );
    let response: VerifyCodeResponse = verify(&app, &token, &sent.id, &code)
        .await
        .json()
        .await
        .unwrap();
    assert!(response.verified);
    expect_problem(
        verify(&app, &token, &sent.id, &code).await,
        StatusCode::GONE,
        ProblemCode::CodeUsed,
    )
    .await;
}

async fn five_wrong_attempts_lock_the_code(app: TestApp) {
    let token = setup(&app, "locked@example.com").await;
    let (sent, code) = send_code(&app, &token).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for left in (0..5).rev() {
        let response: VerifyCodeResponse = verify(&app, &token, &sent.id, wrong)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(response.attempts_left, left);
    }
    expect_problem(
        verify(&app, &token, &sent.id, &code).await,
        StatusCode::TOO_MANY_REQUESTS,
        ProblemCode::CodeLocked,
    )
    .await;
}

async fn expired_codes_and_bad_input_are_refused(app: TestApp) {
    let token = setup(&app, "expired@example.com").await;
    let (sent, code) = send_code(&app, &token).await;
    let bad = verify(&app, &token, &sent.id, "12ab").await;
    expect_field_error(bad, "code", codes::INVALID_CODE).await;
    expect_problem(
        verify(&app, &token, "otp_nope", &code).await,
        StatusCode::NOT_FOUND,
        ProblemCode::NotFound,
    )
    .await;

    let past = chrono::Utc::now().naive_utc() - chrono::Duration::seconds(1);
    diesel::update(authenticator_codes::table)
        .set(authenticator_codes::expires_at.eq(past))
        .execute(&mut app.db())
        .unwrap();
    expect_problem(
        verify(&app, &token, &sent.id, &code).await,
        StatusCode::GONE,
        ProblemCode::CodeExpired,
    )
    .await;

    // The same country rules as any message: nothing is sent or stored.
    let abroad = post(
        &app,
        &token,
        routes::AUTHENTICATOR_CODES,
        &SendCodeRequest {
            to: "+4915123456789".to_owned(),
            ..Default::default()
        },
    )
    .await;
    expect_problem(
        abroad,
        StatusCode::FORBIDDEN,
        ProblemCode::CountryNotAllowed,
    )
    .await;
    assert_eq!(app.count("authenticator_codes"), 1);
    let bad_phone = post(
        &app,
        &token,
        routes::AUTHENTICATOR_CODES,
        &SendCodeRequest {
            to: "12".to_owned(),
            ..Default::default()
        },
    )
    .await;
    expect_problem(
        bad_phone,
        StatusCode::UNPROCESSABLE_ENTITY,
        ProblemCode::ValidationFailed,
    )
    .await;
}

async fn the_authenticator_scope_is_required(app: TestApp) {
    let me = app.signed_in("noscope@example.com").await;
    let response = app
        .portal_json(
            Method::POST,
            routes::TOKENS,
            &me.session.csrf_token,
            &token_request("sms", &[Scope::Sms]),
        )
        .await;
    let token = response.json::<CreatedTokenDto>().await.unwrap().secret;
    let refused = post(
        &app,
        &token,
        routes::AUTHENTICATOR_CODES,
        &SendCodeRequest {
            to: "+48500100200".to_owned(),
            ..Default::default()
        },
    )
    .await;
    expect_problem(
        refused,
        StatusCode::FORBIDDEN,
        ProblemCode::PermissionDenied,
    )
    .await;
    assert_eq!(app.count("messages"), 0);
}

on_both_backends!(
    a_code_verifies_once,
    five_wrong_attempts_lock_the_code,
    expired_codes_and_bad_input_are_refused,
    the_authenticator_scope_is_required,
);

/// Issue 12: an SMS Authenticator code is the integrator's user's secret. The
/// transport gets the real text once; the message history (`GET
/// /api/v1/sms`, by id and listed, by token or portal session) and storage
/// keep only a redacted body.
async fn authenticator_codes_never_appear_in_the_message_history(app: TestApp) {
    let me = app.signed_in("otp.history@example.com").await;
    let token = app
        .create_token(
            &me,
            &token_request("otp", &[Scope::Authenticator, Scope::Sms]),
        )
        .await
        .secret;
    let (sent, code) = send_code(&app, &token).await;
    let redacted = "****** is your code for Acme Shop. It expires in 5 minutes.";

    let by_id: MessageDto = app
        .bearer_get(
            &routes::SMS_MESSAGE.replace("{id}", &sent.message_id),
            &token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(!by_id.text.contains(&code), "{by_id:?}");
    assert_eq!(by_id.text, redacted);
    let listed: Vec<MessageDto> = app
        .bearer_get(routes::SMS, &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].text, redacted);
    let in_portal: Vec<MessageDto> = app.get_json(routes::SMS).await;
    assert_eq!(in_portal[0].text, redacted);
    // Charged for what was delivered.
    assert_eq!((by_id.parts, by_id.encoding.as_str()), (1, "gsm7"));

    let stored = app.table_text("messages", &["body"]);
    assert!(
        !stored.contains(&code),
        "the code is stored in clear: {stored}"
    );
    // The text kept for the transport is dropped once the transport has it.
    app.wait_for_message_status(&token, &sent.message_id, MessageStatus::Sent)
        .await;
    assert_eq!(app.count("message_texts_to_deliver"), 0);
    let response: VerifyCodeResponse = verify(&app, &token, &sent.id, &code)
        .await
        .json()
        .await
        .unwrap();
    assert!(response.verified, "the delivered code still verifies");
}

/// Issue 12: verification is one conditional update. A wrong attempt racing
/// the right one cannot undo the verified state, and two right attempts at
/// once verify once. The race is real on PostgreSQL (READ COMMITTED); SQLite
/// serialises writers.
async fn a_wrong_attempt_racing_the_right_one_cannot_undo_or_repeat_the_verification(app: TestApp) {
    let me = app.signed_in("otp.race@example.com").await;
    let token = app
        .create_token(&me, &token_request("otp", &[Scope::Authenticator]))
        .await
        .secret;
    for round in 0..8 {
        let (sent, code) = send_code_to(&app, &token, &format!("+4850010030{round}")).await;
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let attempts = [code.as_str(), wrong, code.as_str(), wrong, wrong].map(|attempt| {
            let (app, token, id) = (&app, token.clone(), sent.id.clone());
            async move {
                let response = verify(app, &token, &id, attempt).await;
                let status = response.status();
                (attempt, status, response.text().await.unwrap())
            }
        });
        let mut verified = 0;
        for (attempt, status, body) in futures_util::future::join_all(attempts).await {
            match status {
                StatusCode::OK => {
                    let answer: VerifyCodeResponse = serde_json::from_str(&body).unwrap();
                    assert_eq!(answer.verified, attempt == code, "{attempt}: {body}");
                    verified += usize::from(answer.verified);
                }
                // A wrong code after the right one finds the code used.
                StatusCode::GONE => assert!(body.contains("code_used"), "{body}"),
                other => panic!("round {round}: {attempt} answered {other}: {body}"),
            }
        }
        assert_eq!(verified, 1, "round {round}: a code verifies exactly once");
        let verified_at: Option<chrono::NaiveDateTime> = authenticator_codes::table
            .find(&sent.id)
            .select(authenticator_codes::verified_at)
            .first(&mut app.db())
            .unwrap();
        assert!(
            verified_at.is_some(),
            "round {round}: a wrong attempt undid the verification"
        );
        expect_problem(
            verify(&app, &token, &sent.id, &code).await,
            StatusCode::GONE,
            ProblemCode::CodeUsed,
        )
        .await;
    }
}

on_both_backends!(authenticator_codes_never_appear_in_the_message_history);

/// A generous header deadline: on a loaded machine the burst's connections
/// may wait for the test's own threads longer than the default 5 s, which is
/// not what the race test is about.
const PATIENT_SERVER: &[(&str, &str)] = &[("PORTCULLIS_CLIENT_REQUEST_TIMEOUT_MS", "60000")];

on_both_backends!(
    settings = PATIENT_SERVER;
    a_wrong_attempt_racing_the_right_one_cannot_undo_or_repeat_the_verification,
);
