//! Login security end to end: SMS two-factor sign-in set up on the two-factor page and then
//! asked for at every login; a browser the account has not seen held for a new-device code
//! until it is trusted; an authenticator app set up from its QR code's key, a recovery code
//! standing in for it, and turning it off. Every sent code is read from the development outbox.

use std::time::{SystemTime, UNIX_EPOCH};

use fantoccini::{Client, Locator};
use portcullis_api::domain::TotpSecret;
use portcullis_shared::dto::SignupRequest;

use crate::support::{
    click, fill, find, open_security_tab, outbox_code, outbox_message, save_screenshot, sign_up,
    sign_up_elsewhere, start_browser, start_server, text_of, wait_for_none, wait_for_text,
    PASSWORD,
};

const PHONE: &str = "+48500100200";
const MASKED_PHONE: &str = "+48******200";

/// Logs out from the dashboard and waits for the login form.
async fn log_out(client: &Client) {
    click(client, "nav a[href='/']").await;
    click(client, "#logout").await;
    find(client, "#login-submit").await;
}

/// Fills in and submits the password form.
async fn log_in(client: &Client, email: &str) {
    fill(client, "input#email", email).await;
    fill(client, "input#password", PASSWORD).await;
    click(client, "#login-submit").await;
}

async fn is_on_page(client: &Client, css: &str) -> bool {
    client
        .find_all(Locator::Css(css))
        .await
        .is_ok_and(|found| !found.is_empty())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sms_two_factor_set_up_in_the_portal_is_asked_for_at_the_next_login() {
    let scratch = tempfile::tempdir().unwrap();
    let (_server, base) = start_server(&scratch.path().join("portcullis.db"));
    let (_driver, client) = start_browser(&scratch.path().join("profile")).await;
    let email = "ada@example.com";
    sign_up(&client, &base, email, Some(PHONE)).await;

    // The header leads to the page: two-factor is off; the browser that signed up is trusted.
    open_security_tab(&client, "/security/two-factor").await;
    wait_for_text(&client, "#two-factor-state", "Off").await;
    find(&client, "#devices .device-current").await;

    // A wrong password is refused by its field; the account's phone is offered.
    assert_eq!(
        find(&client, "#sms-phone")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some(PHONE)
    );
    fill(&client, "#sms-password", "Wrong-Password-9").await;
    click(&client, "#sms-send").await;
    let error = text_of(&client, "#sms-password-error").await;
    assert!(error.contains("not your current password"), "{error}");

    // The right one texts a code, which turns SMS codes on.
    fill(&client, "#sms-password", PASSWORD).await;
    click(&client, "#sms-send").await;
    let sent_to = text_of(&client, "#sms-sent-to").await;
    assert!(sent_to.contains(MASKED_PHONE), "{sent_to}");
    let code = outbox_code(&base, PHONE, "two_factor_setup").await;
    fill(&client, "#sms-code", &code).await;
    click(&client, "#sms-confirm").await;

    // The first method brings ten recovery codes, shown once.
    find(&client, "#recovery-codes-shown").await;
    let codes = client
        .find_all(Locator::Css("#recovery-codes li"))
        .await
        .unwrap();
    assert_eq!(codes.len(), 10);
    let first = codes[0].text().await.unwrap();
    assert!(first.len() == 11 && first.as_bytes()[5] == b'-', "{first}");
    // They can be kept as a text file (and printed).
    let download = find(&client, "#download-recovery-codes").await;
    assert_eq!(
        download.attr("download").await.unwrap().as_deref(),
        Some("portcullis-recovery-codes.txt")
    );
    let href = download.attr("href").await.unwrap().unwrap_or_default();
    assert!(
        href.starts_with("data:text/plain;charset=utf-8,Portcullis%20recovery%20codes"),
        "{href:.80}"
    );
    assert!(href.contains(&first), "the file holds the codes: {href}");
    find(&client, "#print-recovery-codes").await;
    wait_for_text(&client, "#two-factor-state", "On").await;
    let summary = text_of(&client, "#sms-summary").await;
    assert!(summary.contains(MASKED_PHONE), "{summary}");
    assert_eq!(
        text_of(&client, "#recovery-codes-left").await,
        "10 unused recovery codes left."
    );
    save_screenshot(&client, "two-factor-recovery-codes.png", 1280, 1500).await;
    click(&client, "#recovery-codes-done").await;
    wait_for_none(&client, "#recovery-codes").await;
    save_screenshot(&client, "two-factor.png", 1280, 1300).await;
    save_screenshot(&client, "two-factor-390.png", 390, 2200).await;
    client.set_window_size(1280, 900).await.unwrap();

    // Shown once: not after a reload.
    client.refresh().await.unwrap();
    find(&client, "#sms-summary").await;
    assert!(!is_on_page(&client, "#recovery-codes").await);

    // The next login asks for a texted code, even in this trusted browser.
    log_out(&client).await;
    log_in(&client, email).await;
    find(
        &client,
        "[data-testid=login-code-step][data-reason=two_factor]",
    )
    .await;
    assert_eq!(
        text_of(&client, "#login-code-prompt").await,
        format!("Enter the code we sent to {MASKED_PHONE}.")
    );
    assert!(!is_on_page(&client, "#trust-device").await);
    let code_input = find(&client, "#login-code").await;
    // The step opens with the focus on the code field.
    let focused = client
        .execute("return document.activeElement.id", Vec::new())
        .await
        .unwrap();
    assert_eq!(focused, serde_json::json!("login-code"));
    assert_eq!(
        code_input.attr("autocomplete").await.unwrap().as_deref(),
        Some("one-time-code")
    );
    assert_eq!(
        code_input.attr("inputmode").await.unwrap().as_deref(),
        Some("numeric")
    );
    assert_eq!(
        text_of(&client, "#use-recovery_code").await,
        "Use a recovery code"
    );
    save_screenshot(&client, "login-two-factor-code.png", 1280, 900).await;
    let code = outbox_code(&base, PHONE, "login_code").await;
    fill(&client, "#login-code", &code).await;
    click(&client, "#login-verify").await;
    find(&client, "[data-testid=dashboard]").await;
    assert_eq!(text_of(&client, "#account-email").await, email);

    // Required for everyone, the last method cannot be turned off: the refusal says why.
    open_security_tab(&client, "/security/two-factor").await;
    click(&client, "#require-two-factor").await;
    wait_for_selected(&client, "#require-two-factor", true).await;
    click(&client, "#sms-turn-off").await;
    click(&client, "#sms-off-send").await;
    let code = outbox_code(&base, PHONE, "step_up_code").await;
    fill(&client, "#sms-off-password", PASSWORD).await;
    fill(&client, "#sms-off-code", &code).await;
    click(&client, "#sms-off-confirm").await;
    let refusal = text_of(&client, "#form-error").await;
    assert!(refusal.contains("turn the requirement off"), "{refusal}");

    // Once the requirement is off, the same code turns SMS codes off.
    click(&client, "#require-two-factor").await;
    wait_for_selected(&client, "#require-two-factor", false).await;
    click(&client, "#sms-off-confirm").await;
    wait_for_text(&client, "#two-factor-state", "Off").await;
    find(&client, "#sms-send").await;

    client.close().await.unwrap();
}

/// Waits until the checkbox at `css` is (or is not) ticked, as the API's answer sets it.
async fn wait_for_selected(client: &Client, css: &str, selected: bool) {
    for _ in 0..100 {
        let field = find(client, css).await;
        if field.is_selected().await.unwrap() == selected && field.is_enabled().await.unwrap() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!(
        "`{css}` is not {}",
        if selected { "ticked" } else { "unticked" }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_browser_is_held_for_a_code_until_it_is_trusted() {
    let scratch = tempfile::tempdir().unwrap();
    let (_server, base) = start_server(&scratch.path().join("portcullis.db"));
    let (_driver, client) = start_browser(&scratch.path().join("profile")).await;
    let email = "grace@example.com";

    // The account is made from another client: this browser is new to it.
    sign_up_elsewhere(
        &base,
        &SignupRequest {
            email: email.into(),
            password: PASSWORD.into(),
            phone: Some(PHONE.into()),
            country: "PL".into(),
            language: None,
        },
    )
    .await;

    client.goto(&format!("{base}/login")).await.unwrap();
    log_in(&client, email).await;
    find(
        &client,
        "[data-testid=login-code-step][data-reason=new_device]",
    )
    .await;
    assert_eq!(
        text_of(&client, "#login-code-prompt").await,
        format!("Enter the code we sent to {MASKED_PHONE} to confirm this new device.")
    );

    // Another code right away, by e-mail: the API asks to wait, and the step says how long.
    assert_eq!(
        text_of(&client, "#use-email").await,
        "E-mail me a code instead"
    );
    click(&client, "#use-email").await;
    let mut wait = String::new();
    for _ in 0..50 {
        wait = text_of(&client, "#login-resend-status").await;
        if !wait.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(
        wait.starts_with("You can ask for another code in "),
        "{wait}"
    );
    assert!(!find(&client, "#login-resend")
        .await
        .is_enabled()
        .await
        .unwrap());

    // A wrong code: refused by the field, with the tries left.
    let code = outbox_code(&base, PHONE, "new_device_code").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    fill(&client, "#login-code", wrong).await;
    click(&client, "#login-verify").await;
    let error = text_of(&client, "#login-code-error").await;
    assert!(
        error.contains("not correct") && error.contains("tries left"),
        "{error}"
    );
    save_screenshot(&client, "login-new-device-wrong-code.png", 1280, 1000).await;
    client.set_window_size(1280, 900).await.unwrap();

    // The right code, trusting this browser.
    fill(&client, "#login-code", &code).await;
    click(&client, "#trust-device").await;
    click(&client, "#login-verify").await;
    find(&client, "[data-testid=dashboard]").await;

    // The owner is told about the sign-in from a new device.
    let mail = outbox_message(&base, email, "new_device_sign_in").await;
    assert_eq!(
        mail.subject.as_deref(),
        Some("Portcullis: new sign-in to your account")
    );
    assert!(mail.body.contains("127.0.0.1"), "{}", mail.body);

    // The browser is listed as trusted, marked as this one, beside the client that signed up.
    open_security_tab(&client, "/security/two-factor").await;
    find(&client, "#devices .device-current").await;
    let devices = client
        .find_all(Locator::Css("#devices [data-device-id]"))
        .await
        .unwrap();
    assert_eq!(devices.len(), 2);
    let this = "#devices [data-device-id]:has(.device-current)";
    let name = text_of(&client, &format!("{this} .device-name")).await;
    assert_eq!(name, "Chrome on Linux");
    let seen = text_of(&client, &format!("{this} .device-seen")).await;
    assert!(seen.contains("127.0.0.1"), "{seen}");
    save_screenshot(&client, "trusted-devices.png", 1280, 1300).await;
    client.set_window_size(1280, 900).await.unwrap();

    // Trusted: the next login asks for no code.
    log_out(&client).await;
    log_in(&client, email).await;
    find(&client, "[data-testid=dashboard]").await;

    // Removing asks first; Cancel keeps the device.
    open_security_tab(&client, "/security/two-factor").await;
    click(&client, &format!("{this} .device-remove")).await;
    let question = text_of(&client, &format!("{this} .confirm-panel")).await;
    assert!(question.contains("needs a code again"), "{question}");
    click(
        &client,
        &format!("{this} .confirm-panel button.button--secondary"),
    )
    .await;
    wait_for_none(&client, ".confirm-panel").await;
    client.refresh().await.unwrap();
    find(&client, this).await;

    // Removed from the list, the browser is asked for a code again.
    click(&client, &format!("{this} .device-remove")).await;
    click(
        &client,
        &format!("{this} .confirm-panel button.button--danger"),
    )
    .await;
    wait_for_none(&client, this).await;
    assert_eq!(
        client
            .find_all(Locator::Css("#devices [data-device-id]"))
            .await
            .unwrap()
            .len(),
        1
    );
    log_out(&client).await;
    log_in(&client, email).await;
    find(
        &client,
        "[data-testid=login-code-step][data-reason=new_device]",
    )
    .await;

    // Start over goes back to the password form.
    click(&client, "#login-start-over").await;
    find(&client, "#login-submit").await;
    assert_eq!(
        find(&client, "input#password")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("")
    );

    client.close().await.unwrap();
}

/// What an authenticator app holding `secret` shows now.
fn app_code(secret: &str) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    TotpSecret::from_base32(secret)
        .expect("a base32 key")
        .code_at(now)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_authenticator_app_is_set_up_from_its_key_and_recovery_codes_stand_in_for_it() {
    let scratch = tempfile::tempdir().unwrap();
    let (_server, base) = start_server(&scratch.path().join("portcullis.db"));
    let (_driver, client) = start_browser(&scratch.path().join("profile")).await;
    let email = "lin@example.com";
    sign_up(&client, &base, email, None).await;

    // The password shows the QR code and the key to type in by hand.
    open_security_tab(&client, "/security/two-factor").await;
    fill(&client, "#totp-password", PASSWORD).await;
    click(&client, "#totp-start").await;
    let qr = find(&client, "#totp-qr").await;
    let src = qr.attr("src").await.unwrap().unwrap_or_default();
    assert!(src.starts_with("data:image/svg+xml"), "{src:.40}");
    // The key to type by hand reads in groups of four; apps take it with the spaces.
    let grouped = text_of(&client, "#totp-secret").await;
    assert!(
        grouped
            .split(' ')
            .all(|group| (1..=4).contains(&group.len())),
        "{grouped}"
    );
    let secret = grouped.replace(' ', "");
    save_screenshot(&client, "two-factor-totp-setup.png", 1280, 1100).await;
    client.set_window_size(1280, 900).await.unwrap();

    // A wrong code is refused by the field; the app's code turns it on.
    fill(&client, "#totp-code", "000000").await;
    click(&client, "#totp-confirm").await;
    let error = text_of(&client, "#totp-code-error").await;
    assert!(error.contains("not correct"), "{error}");
    fill(&client, "#totp-code", &app_code(&secret)).await;
    click(&client, "#totp-confirm").await;
    find(&client, "#recovery-codes-shown").await;
    let mut recovery = Vec::new();
    for code in client
        .find_all(Locator::Css("#recovery-codes li"))
        .await
        .unwrap()
    {
        recovery.push(code.text().await.unwrap());
    }
    assert_eq!(recovery.len(), 10);
    click(&client, "#recovery-codes-done").await;
    wait_for_text(&client, "#two-factor-state", "On").await;
    find(&client, "#totp-summary").await;

    // The next login asks for the app's code; a recovery code can stand in for it.
    log_out(&client).await;
    log_in(&client, email).await;
    find(&client, "[data-testid=login-code-step][data-method=totp]").await;
    assert_eq!(
        text_of(&client, "#login-code-prompt").await,
        "Enter the 6-digit code from your authenticator app."
    );
    assert!(
        !is_on_page(&client, "#login-resend").await,
        "nothing was sent"
    );
    click(&client, "#use-recovery_code").await;
    find(
        &client,
        "[data-testid=login-code-step][data-method=recovery_code]",
    )
    .await;
    assert_eq!(
        find(&client, "#login-code")
            .await
            .attr("inputmode")
            .await
            .unwrap()
            .as_deref(),
        Some("text")
    );
    fill(&client, "#login-code", &recovery[0]).await;
    click(&client, "#login-verify").await;
    find(&client, "[data-testid=dashboard]").await;

    // A new set of recovery codes asks first; Cancel keeps the old ones.
    open_security_tab(&client, "/security/two-factor").await;
    wait_for_text(
        &client,
        "#recovery-codes-left",
        "9 unused recovery codes left.",
    )
    .await;
    fill(&client, "#recovery-password", PASSWORD).await;
    fill(&client, "#recovery-current-code", &recovery[1]).await;
    click(&client, "#recovery-regenerate").await;
    let question = text_of(&client, "#recovery-regenerate-panel").await;
    assert!(
        question.contains("Your 9 unused codes stop working"),
        "{question}"
    );
    save_screenshot(&client, "recovery-codes-confirm.png", 1280, 1300).await;
    client.set_window_size(1280, 900).await.unwrap();
    click(&client, "#recovery-regenerate-panel-cancel").await;
    wait_for_none(&client, "#recovery-regenerate-panel").await;
    assert!(!is_on_page(&client, "#recovery-codes-shown").await);
    client.refresh().await.unwrap();
    wait_for_text(
        &client,
        "#recovery-codes-left",
        "9 unused recovery codes left.",
    )
    .await;

    // Confirmed: ten new codes, shown once; the old ones are spent.
    fill(&client, "#recovery-password", PASSWORD).await;
    fill(&client, "#recovery-current-code", &recovery[1]).await;
    click(&client, "#recovery-regenerate").await;
    click(&client, "#recovery-regenerate-panel-confirm").await;
    find(&client, "#recovery-codes-shown").await;
    let mut renewed = Vec::new();
    for code in client
        .find_all(Locator::Css("#recovery-codes li"))
        .await
        .unwrap()
    {
        renewed.push(code.text().await.unwrap());
    }
    assert_eq!(renewed.len(), 10);
    assert!(!renewed.contains(&recovery[2]));
    click(&client, "#recovery-codes-done").await;
    wait_for_text(
        &client,
        "#recovery-codes-left",
        "10 unused recovery codes left.",
    )
    .await;

    // Turning it off needs the password (checked by its field) and a current code.
    click(&client, "#totp-turn-off").await;
    fill(&client, "#totp-off-password", "Wrong-Password-9").await;
    fill(&client, "#totp-off-code", &renewed[0]).await;
    click(&client, "#totp-off-confirm").await;
    let error = text_of(&client, "#totp-off-password-error").await;
    assert!(error.contains("not your current password"), "{error}");
    fill(&client, "#totp-off-password", PASSWORD).await;
    click(&client, "#totp-off-confirm").await;
    wait_for_text(&client, "#two-factor-state", "Off").await;
    find(&client, "#totp-start").await;
    wait_for_none(&client, "#recovery-codes-card").await;

    client.close().await.unwrap();
}
