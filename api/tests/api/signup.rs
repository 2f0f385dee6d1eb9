use portcullis_shared::{
    dto::{AccountDto, SignupRequest},
    problem::ProblemCode,
    routes,
    validate::codes,
};
use reqwest::{header, StatusCode};

use crate::helpers::{expect_problem, field_codes, signup_request, TestApp};

async fn signup_creates_an_account(app: TestApp) {
    let response = app.signup(&signup_request("Owner@Example.com")).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(
        response.headers().get(header::LOCATION).unwrap(),
        routes::ME
    );
    let account: AccountDto = response.json().await.unwrap();
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
    assert!(app.count("sessions") == 0, "sign-up does not sign in");
}

async fn signup_stores_only_an_argon2id_hash(app: TestApp) {
    use diesel::prelude::*;
    use portcullis_api::db::schema::accounts;

    app.signup(&signup_request("hash@example.com")).await;
    let stored: String = accounts::table
        .select(accounts::password_hash)
        .first(&mut app.db())
        .unwrap();
    assert!(
        stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{stored}"
    );
    assert!(!stored.contains(crate::helpers::GOOD_PASSWORD));
}

async fn emails_are_unique_whatever_their_case(app: TestApp) {
    assert_eq!(
        app.signup(&signup_request("dup@example.com"))
            .await
            .status(),
        StatusCode::CREATED
    );
    let problem = expect_problem(
        app.signup(&signup_request("  DUP@Example.COM ")).await,
        StatusCode::CONFLICT,
        ProblemCode::Conflict,
    )
    .await;
    assert_eq!(field_codes(&problem, "email"), [codes::TAKEN]);
    assert_eq!(app.count("accounts"), 1);
}

async fn every_invalid_field_is_reported_and_nothing_is_written(app: TestApp) {
    let request = SignupRequest {
        email: "not-an-email".into(),
        password: "short".into(),
        phone: Some("+48 12".into()),
        country: "XX".into(),
    };
    let problem = expect_problem(
        app.signup(&request).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        ProblemCode::ValidationFailed,
    )
    .await;
    assert_eq!(field_codes(&problem, "email"), [codes::INVALID_EMAIL]);
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
}

async fn phone_is_optional(app: TestApp) {
    let request = SignupRequest {
        phone: None,
        ..signup_request("nophone@example.com")
    };
    let response = app.signup(&request).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.json::<AccountDto>().await.unwrap().phone, None);
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
    assert_eq!(app.count("accounts"), 0);
}

on_both_backends!(
    signup_creates_an_account,
    signup_stores_only_an_argon2id_hash,
    emails_are_unique_whatever_their_case,
    every_invalid_field_is_reported_and_nothing_is_written,
    weak_passwords_are_refused,
    phone_is_optional,
    malformed_bodies_get_problems_and_write_nothing,
    signup_without_the_csrf_header_is_refused,
);
