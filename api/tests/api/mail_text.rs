//! Text that came from a request (a browser's User-Agent, names, labels) is
//! put into e-mails only trimmed, without control characters, bounded, and
//! with its links made non-clickable, so nobody can make our mail carry
//! their phishing link.

use reqwest::StatusCode;

use crate::harness::{TestApp, GOOD_PASSWORD, SIGNUP_PHONE_E164};

/// A User-Agent carrying a link and a wall of text.
fn hostile_user_agent() -> String {
    format!(
        "Mozilla/5.0 Click https://evil.example/reset?now=1 or www.evil.example {}",
        "A".repeat(5000)
    )
}

/// Asserts a mail body shows nothing clickable from the request: the only
/// link in it is the server's own, and it stays short.
fn assert_defanged(body: &str, own_links: usize) {
    assert!(!body.contains("evil.example"), "{body}");
    assert!(
        body.contains("evil[.]example"),
        "the text is still shown: {body}"
    );
    assert!(!body.contains("https://evil"), "{body}");
    assert_eq!(body.matches("://").count(), own_links, "{body}");
    assert!(
        body.chars().count() < 1500,
        "{} characters",
        body.chars().count()
    );
    assert!(
        !body.contains(&"A".repeat(600)),
        "the User-Agent is cut short"
    );
}

async fn links_from_the_request_are_not_clickable_in_mails(app: TestApp) {
    let email = "mailed@example.com";
    app.signed_in(email).await;
    let ua = hostile_user_agent();
    let browser = app.another_browser_with(&[("User-Agent", ua.as_str())]);

    // The new-device e-mail names the browser.
    let me = browser.signed_in_again(email).await;
    let (purpose, body) = app.last_message_to(email).expect("a mail");
    assert_eq!(purpose, "new_device_sign_in");
    assert_defanged(&body, 1);

    // So does the notice of a two-factor method added from it.
    browser
        .turn_on_sms_two_factor(&me.session.csrf_token, GOOD_PASSWORD, SIGNUP_PHONE_E164)
        .await;
    let (purpose, body) = app.last_message_to(email).expect("a mail");
    assert_eq!(purpose, "two_factor_added");
    assert_defanged(&body, 0);

    // So does the lock e-mail.
    for _ in 0..5 {
        let response = browser.login(email, "Wrong-Password-1").await;
        assert_ne!(response.status(), StatusCode::OK);
    }
    let (purpose, body) = app.last_message_to(email).expect("a mail");
    assert_eq!(purpose, "login_locked");
    assert_defanged(&body, 0);
}

on_both_backends!(links_from_the_request_are_not_clickable_in_mails);
