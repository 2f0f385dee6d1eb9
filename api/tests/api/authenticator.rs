//! SMS Authenticator: codes for the integrator's own users.

use diesel::prelude::*;
use portcullis_api::db::schema::{authenticator_codes, messages};
use portcullis_shared::{
    dto::{CreatedTokenDto, SentCodeDto, VerifyCodeResponse},
    problem::ProblemCode,
    routes,
    validate::codes,
};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{expect_problem, field_codes, TestApp};

async fn setup(app: &TestApp, email: &str) -> String {
    let me = app.signed_in(email).await;
    let response = app
        .portal(
            Method::POST,
            routes::TOKENS,
            &me.session.csrf_token,
            Some(json!({"name": "otp", "scopes": ["authenticator"]})),
        )
        .await;
    response.json::<CreatedTokenDto>().await.unwrap().secret
}

async fn post(
    app: &TestApp,
    token: &str,
    path: &str,
    body: serde_json::Value,
) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn send_code(app: &TestApp, token: &str) -> (SentCodeDto, String) {
    let response = post(
        app,
        token,
        routes::AUTHENTICATOR_CODES,
        json!({"to": "+48500100200", "app_name": "Acme Shop"}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let sent: SentCodeDto = response.json().await.unwrap();
    // The code travels in the SMS; read it where the transport would.
    let body: String = messages::table
        .find(&sent.message_id)
        .select(messages::body)
        .first(&mut app.db())
        .unwrap();
    assert!(
        body.ends_with("is your code for Acme Shop. It expires in 5 minutes."),
        "{body}"
    );
    (sent, body[..6].to_owned())
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

    let response: VerifyCodeResponse =
        post(&app, &token, &verify_path(&sent.id), json!({"code": wrong}))
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
    let response: VerifyCodeResponse =
        post(&app, &token, &verify_path(&sent.id), json!({"code": code}))
            .await
            .json()
            .await
            .unwrap();
    assert!(response.verified);
    expect_problem(
        post(&app, &token, &verify_path(&sent.id), json!({"code": code})).await,
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
        let response: VerifyCodeResponse =
            post(&app, &token, &verify_path(&sent.id), json!({"code": wrong}))
                .await
                .json()
                .await
                .unwrap();
        assert_eq!(response.attempts_left, left);
    }
    expect_problem(
        post(&app, &token, &verify_path(&sent.id), json!({"code": code})).await,
        StatusCode::TOO_MANY_REQUESTS,
        ProblemCode::CodeLocked,
    )
    .await;
}

async fn expired_codes_and_bad_input_are_refused(app: TestApp) {
    let token = setup(&app, "expired@example.com").await;
    let (sent, code) = send_code(&app, &token).await;
    let bad = post(
        &app,
        &token,
        &verify_path(&sent.id),
        json!({"code": "12ab"}),
    )
    .await;
    let problem = expect_problem(
        bad,
        StatusCode::UNPROCESSABLE_ENTITY,
        ProblemCode::ValidationFailed,
    )
    .await;
    assert_eq!(field_codes(&problem, "code"), [codes::INVALID_CODE]);
    expect_problem(
        post(
            &app,
            &token,
            &verify_path("otp_nope"),
            json!({"code": code}),
        )
        .await,
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
        post(&app, &token, &verify_path(&sent.id), json!({"code": code})).await,
        StatusCode::GONE,
        ProblemCode::CodeExpired,
    )
    .await;

    // The same country rules as any message: nothing is sent or stored.
    let abroad = post(
        &app,
        &token,
        routes::AUTHENTICATOR_CODES,
        json!({"to": "+4915123456789"}),
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
        json!({"to": "12"}),
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
        .portal(
            Method::POST,
            routes::TOKENS,
            &me.session.csrf_token,
            Some(json!({"name": "sms", "scopes": ["sms"]})),
        )
        .await;
    let token = response.json::<CreatedTokenDto>().await.unwrap().secret;
    let refused = post(
        &app,
        &token,
        routes::AUTHENTICATOR_CODES,
        json!({"to": "+48500100200"}),
    )
    .await;
    expect_problem(
        refused,
        StatusCode::FORBIDDEN,
        ProblemCode::InsufficientScope,
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
