//! Message delivery: the development outbox on both backends (read through the
//! development endpoint), the SMS webhook against a local HTTP server, and SMTP
//! against a local fake SMTP server.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use portcullis_api::{
    config::Secret,
    error::ApiError,
    services::{
        delivery::{Mail, Sms, SmtpMailer, WebhookSms},
        Db, Mailer, SmsTransport,
    },
};
use portcullis_shared::{dto::OutboxPage, problem::ProblemCode, routes};
use reqwest::StatusCode;
use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
};

use crate::harness::{expect_problem, Backend, TestApp};

const DEV_OUTBOX: &[(&str, &str)] = &[("PORTCULLIS_DEV_OUTBOX", "true")];

fn sms(to: &str, body: &str) -> Sms {
    Sms {
        id: None,
        to: to.into(),
        body: body.into(),
        purpose: "two_factor_code".into(),
    }
}

async fn app_db(app: &TestApp) -> Db {
    let url = app.database_url.clone();
    tokio::task::spawn_blocking(move || Db::connect(&url, 2))
        .await
        .unwrap()
        .expect("connect to the app's database")
}

async fn outbox(app: &TestApp, recipient: Option<&str>) -> OutboxPage {
    app.outbox(recipient).await
}

async fn the_outbox_stores_messages_and_the_dev_endpoint_reads_them(app: TestApp) {
    let db = app_db(&app).await;
    let sms_transport = SmsTransport::Outbox(db.clone());
    let mailer = Mailer::Outbox(db);
    sms_transport
        .send(&sms("+48500100200", "Your Portcullis code is 123456"))
        .await
        .unwrap();
    sms_transport
        .send(&sms("+48500100999", "Your Portcullis code is 999999"))
        .await
        .unwrap();
    mailer
        .send(&Mail {
            to: "ada@example.com".into(),
            subject: "New sign-in".into(),
            body: "Someone signed in from 127.0.0.1".into(),
            purpose: "new_device_sign_in".into(),
        })
        .await
        .unwrap();
    assert_eq!(app.count("outbox_messages"), 3);

    let for_phone = outbox(&app, Some("+48500100200")).await;
    assert_eq!(for_phone.messages.len(), 1);
    let message = &for_phone.messages[0];
    assert_eq!(
        (
            message.channel.as_str(),
            message.body.as_str(),
            message.purpose.as_str()
        ),
        ("sms", "Your Portcullis code is 123456", "two_factor_code")
    );
    assert_eq!(message.subject, None);

    let all = outbox(&app, None).await;
    let recipients: Vec<&str> = all.messages.iter().map(|m| m.recipient.as_str()).collect();
    assert_eq!(
        recipients,
        ["ada@example.com", "+48500100999", "+48500100200"],
        "newest first"
    );
    assert_eq!(all.messages[0].channel, "email");
    assert_eq!(all.messages[0].subject.as_deref(), Some("New sign-in"));
    assert!(outbox(&app, Some("nobody@example.com"))
        .await
        .messages
        .is_empty());
}

on_both_backends!(settings = DEV_OUTBOX; the_outbox_stores_messages_and_the_dev_endpoint_reads_them);

#[tokio::test]
async fn the_dev_outbox_is_off_unless_enabled() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let db = app_db(&app).await;
    SmsTransport::Outbox(db)
        .send(&sms("+48500100200", "Your Portcullis code is 123456"))
        .await
        .unwrap();
    let response = app
        .client
        .get(app.url(routes::DEV_OUTBOX))
        .send()
        .await
        .unwrap();
    let problem = expect_problem(response, StatusCode::NOT_FOUND, ProblemCode::NotFound).await;
    assert!(!format!("{problem:?}").contains("123456"));
}

/// What the fake gateway answers to one request.
#[derive(Clone, Copy)]
enum Answer {
    Status(u16),
    /// Read the request, then never answer.
    Hang,
}

#[derive(Debug, Clone)]
struct Captured {
    head: String,
    body: serde_json::Value,
}

/// A one-purpose HTTP server on 127.0.0.1:0 that answers requests in `script`
/// order (the last answer repeats) and keeps what it received.
async fn fake_gateway(script: Vec<Answer>) -> (String, Arc<Mutex<Vec<Captured>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/send?key=s3cret", listener.local_addr().unwrap());
    let captured = Arc::new(Mutex::new(Vec::new()));
    let seen = captured.clone();
    tokio::spawn(async move {
        let mut n = 0;
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let answer = script[n.min(script.len() - 1)];
            n += 1;
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut reader = BufReader::new(stream);
                let mut head = String::new();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    if line == "\r\n" {
                        break;
                    }
                    head.push_str(&line);
                }
                let length = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse::<usize>().unwrap())
                    })
                    .unwrap_or(0);
                let mut body = vec![0; length];
                reader.read_exact(&mut body).await.unwrap();
                seen.lock().unwrap().push(Captured {
                    head,
                    body: serde_json::from_slice(&body).unwrap(),
                });
                match answer {
                    Answer::Status(code) => {
                        let response = format!(
                            "HTTP/1.1 {code} Scripted\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        );
                        let _ = reader.get_mut().write_all(response.as_bytes()).await;
                    }
                    Answer::Hang => tokio::time::sleep(Duration::from_secs(60)).await,
                }
            });
        }
    });
    (url, captured)
}

fn header<'a>(captured: &'a Captured, name: &str) -> Option<&'a str> {
    captured.head.lines().find_map(|l| {
        let (key, value) = l.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

#[tokio::test]
async fn the_webhook_posts_json_and_retries_after_a_server_error() {
    let (url, captured) = fake_gateway(vec![Answer::Status(500), Answer::Status(202)]).await;
    let webhook = WebhookSms::new(&url, Some(Secret::new("t0ken")), Duration::from_secs(5))
        .unwrap()
        .with_retries(3, Duration::from_millis(10));
    SmsTransport::Webhook(webhook)
        .send(&sms("+48500100200", "Your Portcullis code is 123456"))
        .await
        .expect("delivered on the second attempt");

    let requests = captured.lock().unwrap().clone();
    assert_eq!(requests.len(), 2, "one retry after the 500");
    for request in &requests {
        assert!(request.head.starts_with("POST /send?key=s3cret HTTP/1.1"));
        assert_eq!(header(request, "authorization"), Some("Bearer t0ken"));
        assert_eq!(header(request, "content-type"), Some("application/json"));
        assert_eq!(request.body["to"], "+48500100200");
        assert_eq!(request.body["text"], "Your Portcullis code is 123456");
        assert_eq!(request.body["purpose"], "two_factor_code");
    }
    let key = header(&requests[0], "idempotency-key").expect("an idempotency key");
    assert_eq!(
        header(&requests[1], "idempotency-key"),
        Some(key),
        "a retry is recognisable as the same message"
    );
    assert_eq!(requests[0].body["id"], key);
}

#[tokio::test]
async fn a_message_delivered_twice_carries_the_same_idempotency_key() {
    // A dispatch taken over after a crash sends the message again: the gateway
    // must be able to tell it is the same one.
    let (url, captured) = fake_gateway(vec![Answer::Status(202)]).await;
    let transport =
        SmsTransport::Webhook(WebhookSms::new(&url, None, Duration::from_secs(5)).unwrap());
    let message = Sms {
        id: Some("msg_0193b45f2c5e".into()),
        ..sms("+48500100200", "Your parcel is on its way.")
    };
    transport.send(&message).await.expect("first delivery");
    transport.send(&message).await.expect("repeated delivery");
    let requests = captured.lock().unwrap().clone();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(header(request, "idempotency-key"), Some("msg_0193b45f2c5e"));
        assert_eq!(request.body["id"], "msg_0193b45f2c5e");
    }
}

#[tokio::test]
async fn the_webhook_gives_up_after_its_attempts_time_out() {
    let (url, captured) = fake_gateway(vec![Answer::Hang]).await;
    let webhook = WebhookSms::new(&url, None, Duration::from_millis(300))
        .unwrap()
        .with_retries(2, Duration::from_millis(10));
    let started = Instant::now();
    let error = SmsTransport::Webhook(webhook)
        .send(&sms("+48500100200", "Your Portcullis code is 123456"))
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "bounded by the timeout: {:?}",
        started.elapsed()
    );
    assert_eq!(captured.lock().unwrap().len(), 2, "both attempts were made");
    assert!(matches!(error, ApiError::DeliveryFailed(_)), "{error:?}");
    assert_eq!(error.code(), ProblemCode::DeliveryFailed);
    assert_eq!(actix_web::ResponseError::status_code(&error).as_u16(), 502);
    let shown = format!("{error:#}");
    assert!(shown.contains("timed out"), "{shown}");
    for secret in ["s3cret", "123456"] {
        assert!(
            !shown.contains(secret),
            "the error must not carry {secret}: {shown}"
        );
    }
}

#[tokio::test]
async fn the_webhook_does_not_retry_a_refusal() {
    let (url, captured) = fake_gateway(vec![Answer::Status(400), Answer::Status(200)]).await;
    let webhook = WebhookSms::new(&url, None, Duration::from_secs(5))
        .unwrap()
        .with_retries(3, Duration::from_millis(10));
    let error = webhook
        .send(&sms("+48500100200", "code 1"))
        .await
        .unwrap_err();
    assert!(format!("{error:#}").contains("400"), "{error:#}");
    assert_eq!(captured.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn an_unreachable_gateway_is_a_delivery_failure() {
    // Bind and drop: nothing listens on this port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let webhook = WebhookSms::new(
        &format!("http://127.0.0.1:{port}/send"),
        None,
        Duration::from_secs(2),
    )
    .unwrap()
    .with_retries(2, Duration::from_millis(10));
    let error = SmsTransport::Webhook(webhook)
        .send(&sms("+48500100200", "code 1"))
        .await
        .unwrap_err();
    assert_eq!(error.code(), ProblemCode::DeliveryFailed);
}

/// A fake SMTP server on 127.0.0.1:0 for one session; keeps the envelope and
/// the DATA. `refuse_rcpt` answers 550 to RCPT TO.
async fn fake_smtp(refuse_rcpt: bool) -> (u16, tokio::task::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let mut reader = BufReader::new(stream);
        let mut transcript = Vec::new();
        reader
            .get_mut()
            .write_all(b"220 fake.test ESMTP\r\n")
            .await
            .unwrap();
        let mut in_data = false;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                break;
            }
            transcript.push(line.clone());
            let reply: &[u8] = if in_data {
                if line == ".\r\n" {
                    in_data = false;
                    b"250 2.0.0 queued\r\n"
                } else {
                    continue;
                }
            } else {
                let command = line.to_ascii_uppercase();
                if command.starts_with("EHLO") || command.starts_with("HELO") {
                    b"250 fake.test\r\n"
                } else if command.starts_with("RCPT") && refuse_rcpt {
                    b"550 5.1.1 no such user\r\n"
                } else if command.starts_with("DATA") {
                    in_data = true;
                    b"354 go ahead\r\n"
                } else if command.starts_with("QUIT") {
                    let _ = reader.get_mut().write_all(b"221 bye\r\n").await;
                    break;
                } else {
                    b"250 ok\r\n"
                }
            };
            if reader.get_mut().write_all(reply).await.is_err() {
                break;
            }
        }
        transcript
    });
    (port, handle)
}

fn mail() -> Mail {
    Mail {
        to: "ada@example.com".into(),
        subject: "Reset your password".into(),
        body: "Open this link to choose a new password.".into(),
        purpose: "password_reset".into(),
    }
}

#[tokio::test]
async fn smtp_hands_the_message_to_the_server() {
    let (port, server) = fake_smtp(false).await;
    let mailer = SmtpMailer::new(
        &format!("smtp://127.0.0.1:{port}"),
        Duration::from_secs(5),
        "Portcullis <no-reply@example.com>",
    )
    .unwrap();
    Mailer::Smtp(Box::new(mailer))
        .send(&mail())
        .await
        .expect("sent");
    let transcript = tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("the session ended")
        .unwrap()
        .concat();
    assert!(
        transcript.contains("MAIL FROM:<no-reply@example.com>"),
        "{transcript}"
    );
    assert!(
        transcript.contains("RCPT TO:<ada@example.com>"),
        "{transcript}"
    );
    assert!(
        transcript.contains("Subject: Reset your password"),
        "{transcript}"
    );
    assert!(
        transcript.contains("Open this link to choose a new password."),
        "{transcript}"
    );
}

#[tokio::test]
async fn an_smtp_refusal_is_a_delivery_failure() {
    let (port, _server) = fake_smtp(true).await;
    let mailer = SmtpMailer::new(
        &format!("smtp://127.0.0.1:{port}"),
        Duration::from_secs(5),
        "Portcullis <no-reply@example.com>",
    )
    .unwrap();
    let error = Mailer::Smtp(Box::new(mailer))
        .send(&mail())
        .await
        .unwrap_err();
    assert_eq!(error.code(), ProblemCode::DeliveryFailed, "{error:?}");
}
