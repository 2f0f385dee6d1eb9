//! Sender names: requested through the API, approved by the operator's CLI,
//! then usable as the `sender` of messages.

use portcullis_api::config::DatabaseUrl;
use portcullis_shared::{
    dto::{CreatedTokenDto, MessageDto, SenderDto, SenderStatus},
    problem::ProblemCode,
    routes,
    scope::Scope,
    validate::codes,
};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::harness::{expect_field_error, expect_problem, field_codes, token_request, TestApp};

fn operator(database_url: &DatabaseUrl, verb: &str, id: &str) -> std::process::Output {
    let url = match database_url {
        DatabaseUrl::Postgres(url) => url.clone(),
        DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
    };
    std::process::Command::new(env!("CARGO_BIN_EXE_portcullis"))
        .args(["senders", verb, id])
        .env("PORTCULLIS_DATABASE_URL", url)
        .output()
        .expect("run portcullis senders")
}

async fn sender_names_need_the_operators_approval(app: TestApp) {
    let me = app.signed_in("brand@example.com").await;
    let response = app
        .portal_json(
            Method::POST,
            routes::TOKENS,
            &me.session.csrf_token,
            &token_request("x", &[Scope::Sms, Scope::SmsSender]),
        )
        .await;
    let token = response.json::<CreatedTokenDto>().await.unwrap().secret;
    let post = |path: &str, body: serde_json::Value| {
        reqwest::Client::new()
            .post(app.url(path))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };

    let requested = post(routes::SENDERS, json!({"name": "ACME"}))
        .await
        .unwrap();
    assert_eq!(requested.status(), StatusCode::CREATED);
    let sender: SenderDto = requested.json().await.unwrap();
    assert_eq!(sender.status, SenderStatus::Pending);
    let duplicate = post(routes::SENDERS, json!({"name": "ACME"}))
        .await
        .unwrap();
    assert_eq!(
        field_codes(
            &expect_problem(duplicate, StatusCode::CONFLICT, ProblemCode::Conflict).await,
            "name"
        ),
        [codes::DUPLICATE]
    );
    let invalid = post(routes::SENDERS, json!({"name": "Way-too-long-name"}))
        .await
        .unwrap();
    assert_eq!(
        field_codes(
            &expect_problem(
                invalid,
                StatusCode::UNPROCESSABLE_ENTITY,
                ProblemCode::ValidationFailed
            )
            .await,
            "name"
        ),
        [codes::INVALID_SENDER]
    );

    let message = json!({"to": "+48500100200", "text": "Sale!", "sender": "ACME"});
    let pending = post(routes::SMS, message.clone()).await.unwrap();
    expect_field_error(pending, "sender", codes::UNKNOWN_SENDER).await;
    assert_eq!(app.count("messages"), 0);

    let output = operator(&app.database_url, "approve", &sender.id);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let listed: Vec<SenderDto> = app
        .bearer_get(routes::SENDERS, &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0].status, SenderStatus::Approved);

    let sent = post(routes::SMS, message).await.unwrap();
    assert_eq!(sent.status(), StatusCode::CREATED);
    assert_eq!(
        sent.json::<MessageDto>().await.unwrap().sender.as_deref(),
        Some("ACME")
    );
    let other = post(
        routes::SMS,
        json!({"to": "+48500100200", "text": "Sale!", "sender": "OTHER"}),
    )
    .await
    .unwrap();
    expect_problem(
        other,
        StatusCode::UNPROCESSABLE_ENTITY,
        ProblemCode::ValidationFailed,
    )
    .await;

    let delete = reqwest::Client::new()
        .delete(app.url(&routes::SENDER.replace("{id}", &sender.id)))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(delete.status(), StatusCode::NO_CONTENT);
    let failed = operator(&app.database_url, "approve", "snd_missing");
    assert!(!failed.status.success());
}

on_both_backends!(sender_names_need_the_operators_approval);
