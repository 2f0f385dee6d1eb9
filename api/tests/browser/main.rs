//! End-to-end: the built portal (web/dist, from `trunk build --release`) in
//! headless Chromium, driven through chromedriver, against the real
//! `portcullis` binary on a fresh SQLite file.

mod accessibility;
mod activity;
mod contacts;
mod credential_networks;
mod credential_policies;
mod credential_rotation;
mod expiring_exceptions;
mod first_paint;
mod languages;
mod login_security;
mod oauth_and_countries;
mod passkeys;
mod phone_layout;
mod portal_safety;
mod security_log_search;
mod sessions;
mod subusers;
mod support;
mod token_leaks;
mod tokens;

use support::{
    csp_violations, fill, find, open_signup_link, save_screenshot, screenshots_dir, start_browser,
    start_server, text_of,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_log_in_see_the_dashboard_and_log_out() {
    let scratch = tempfile::tempdir().unwrap();
    let (_server, base) = start_server(&scratch.path().join("portcullis.db"));
    let (_driver, client) = start_browser(&scratch.path().join("profile")).await;

    // Signing up with a password the server refuses shows its reason by the field.
    client.goto(&format!("{base}/signup")).await.unwrap();
    fill(&client, "input#email", "ada@example.com").await;
    fill(&client, "input#password", "Password1").await;
    fill(&client, "input#phone", "+48500100200").await;
    find(&client, "select#country option[value='PL']")
        .await
        .click()
        .await
        .unwrap();
    find(&client, "#signup-submit").await.click().await.unwrap();
    let error = text_of(&client, "#password-error").await;
    assert!(
        error.to_lowercase().contains("common"),
        "server's field error is shown: {error}"
    );

    // A good password: "check your inbox", and nothing exists yet.
    fill(&client, "input#password", "Violet-Kettle-42").await;
    find(&client, "#signup-submit").await.click().await.unwrap();
    let sent = text_of(&client, "#signup-sent").await;
    assert!(sent.contains("ada@example.com"), "{sent}");
    save_screenshot(&client, "signup-check-your-inbox.png", 1280, 900).await;

    // A link that is not (or no longer) valid says so in plain words.
    client
        .goto(&format!("{base}/verify-email?token={}", "A".repeat(43)))
        .await
        .unwrap();
    find(&client, "#verify-email-submit")
        .await
        .click()
        .await
        .unwrap();
    let refused = text_of(&client, "#form-error").await;
    assert!(refused.contains("not valid"), "{refused}");

    // The e-mailed link confirms the address, creates the account and lands on the dashboard.
    open_signup_link(&client, &base, "ada@example.com").await;
    find(&client, "#verify-email-submit").await;
    save_screenshot(&client, "verify-email.png", 1280, 900).await;
    find(&client, "#verify-email-submit")
        .await
        .click()
        .await
        .unwrap();
    find(&client, "[data-testid=dashboard]").await;
    assert_eq!(text_of(&client, "#account-email").await, "ada@example.com");
    assert!(text_of(&client, "#account-id").await.starts_with("acc_"));
    // The security checklist puts two-factor first, and its link leads to the page that
    // turns it on.
    let first = "#security-checklist li:first-child";
    find(&client, first).await;
    assert_eq!(
        find(&client, first)
            .await
            .attr("data-check")
            .await
            .unwrap()
            .as_deref(),
        Some("two_factor")
    );
    assert!(text_of(&client, first)
        .await
        .contains("Two-factor sign-in is off"));
    assert_eq!(text_of(&client, "#security-score").await, "50 / 100");
    assert_eq!(
        text_of(&client, "#security-summary").await,
        "3 things to fix."
    );
    save_screenshot(&client, "dashboard-checklist.png", 1280, 1400).await;
    client.set_window_size(1280, 900).await.unwrap();
    find(&client, &format!("{first} .check-fix"))
        .await
        .click()
        .await
        .unwrap();
    find(
        &client,
        "nav[aria-label='Security'] a.tab--current[href='/security/two-factor']",
    )
    .await;
    client.back().await.unwrap();
    find(&client, "[data-testid=dashboard]").await;
    // The server's Content-Security-Policy lets the whole portal run.
    assert_eq!(csp_violations(&client).await, Vec::<String>::new());

    let screenshots = screenshots_dir();
    let png = client.screenshot().await.unwrap();
    std::fs::write(screenshots.join("dashboard.png"), &png).unwrap();
    assert!(png.len() > 10_000, "a real screenshot");

    // A reload keeps the session (cookie + GET /me), then log out.
    client.refresh().await.unwrap();
    find(&client, "[data-testid=dashboard]").await;
    assert_eq!(csp_violations(&client).await, Vec::<String>::new());
    find(&client, "#logout").await.click().await.unwrap();
    find(&client, "#login-submit").await;
    client.goto(&base).await.unwrap();
    find(&client, "#login-submit").await;

    // Wrong password: a banner, no session.
    fill(&client, "input#email", "ada@example.com").await;
    fill(&client, "input#password", "Wrong-Password-9").await;
    find(&client, "#login-submit").await.click().await.unwrap();
    assert!(!text_of(&client, "#form-error").await.is_empty());

    // The right one: back to the dashboard.
    fill(&client, "input#password", "Violet-Kettle-42").await;
    find(&client, "#login-submit").await.click().await.unwrap();
    find(&client, "[data-testid=dashboard]").await;
    assert_eq!(text_of(&client, "#account-email").await, "ada@example.com");
    let png = client.screenshot().await.unwrap();
    std::fs::write(screenshots.join("dashboard-after-login.png"), &png).unwrap();

    find(&client, "#logout").await.click().await.unwrap();
    find(&client, "#login-submit").await;
    client.close().await.unwrap();
}
