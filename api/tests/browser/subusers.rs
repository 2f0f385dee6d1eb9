//! Subusers end to end: the owner creates a subuser with only `sms` and one sender name;
//! the subuser signs in (past the new-device check), can send from that name only, and
//! can open neither the tokens nor the subusers page, while the API refuses them too.

use fantoccini::Locator;
use portcullis_shared::routes;

use crate::support::{
    click, fill, find, outbox_code, portal_fetch, save_screenshot, sign_up, start_browser,
    start_server, text_of, wait_for_text, PASSWORD,
};

const OWNER: &str = "owner@example.com";
const BRANCH: &str = "branch.krakow@example.com";
const BRANCH_PASSWORD: &str = "Amber-Lantern-73";
const OWNER_PHONE: &str = "+48500100200";

/// The gateway operator approves a sender name, as in production: the `portcullis
/// senders approve` command against the same storage.
fn approve_sender(database: &std::path::Path, id: &str) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_portcullis"))
        .args(["senders", "approve", id])
        .env(
            "PORTCULLIS_DATABASE_URL",
            format!("sqlite://{}", database.display()),
        )
        .output()
        .expect("run portcullis senders approve");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Logs out from the dashboard and submits the login form as `email`.
async fn log_in_instead(client: &fantoccini::Client, email: &str, password: &str) {
    click(client, "nav a[href='/']").await;
    click(client, "#logout").await;
    fill(client, "input#email", email).await;
    fill(client, "input#password", password).await;
    click(client, "#login-submit").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subuser_with_only_sms_sends_from_their_sender_name_and_nothing_else() {
    let scratch = tempfile::tempdir().unwrap();
    let database = scratch.path().join("portcullis.db");
    let (_server, base) = start_server(&database);
    let (_driver, client) = start_browser(&scratch.path().join("profile")).await;
    sign_up(&client, &base, OWNER, None).await;

    // The owner has two approved sender names.
    for name in ["ACME", "OTHER"] {
        let (status, sender) = portal_fetch(
            &client,
            "POST",
            routes::SENDERS,
            Some(serde_json::json!({ "name": name })),
        )
        .await;
        assert_eq!(status, 201, "{sender}");
        approve_sender(&database, sender["id"].as_str().unwrap());
    }

    // The owner creates the subuser from the Subusers page: `sms` and ACME only.
    click(&client, "nav a[href='/subusers']").await;
    find(&client, "[data-testid=subusers]").await;
    find(&client, "#subusers-empty").await;
    find(&client, "input[name='new-subuser-senders'][value='ACME']").await;
    // A login e-mail already in use: the API's refusal shows by the field.
    fill(&client, "#new-subuser-email", OWNER).await;
    fill(&client, "#new-subuser-password", BRANCH_PASSWORD).await;
    click(&client, "#new-subuser-submit").await;
    let taken = text_of(&client, "#new-subuser-email-error").await;
    assert!(!taken.is_empty(), "the e-mail field says why");
    fill(&client, "#new-subuser-email", BRANCH).await;
    fill(&client, "#new-subuser-password", BRANCH_PASSWORD).await;
    click(&client, "input[name='new-subuser-portal'][value='sms']").await;
    click(&client, "input[name='new-subuser-senders'][value='ACME']").await;
    click(&client, "#new-subuser-window-on").await;
    find(&client, "#new-subuser-time-zone").await;
    save_screenshot(&client, "subusers-new-form.png", 1280, 2600).await;
    // Any time of day, every day: the window is shown but not kept for this test.
    click(&client, "#new-subuser-window-on").await;
    fill(&client, "#new-subuser-points-limit", "1000").await;
    click(&client, "#new-subuser-submit").await;
    let created = text_of(&client, "#subuser-created").await;
    assert!(created.contains(BRANCH), "{created}");
    let row = find(&client, "[data-subuser-id]").await;
    let id = row
        .attr("data-subuser-id")
        .await
        .unwrap()
        .expect("subuser id");
    let row_css = format!("[data-subuser-id='{id}']");
    assert_eq!(
        text_of(&client, &format!("{row_css} .subuser-email")).await,
        BRANCH
    );
    assert_eq!(
        text_of(&client, &format!("{row_css} .subuser-senders")).await,
        "ACME"
    );
    wait_for_text(&client, &format!("{row_css} .subuser-points"), "0 / 1,000").await;
    save_screenshot(&client, "subusers.png", 1280, 1400).await;
    click(&client, &format!("{row_css} .subuser-edit")).await;
    find(&client, &format!("#edit-{id}-submit")).await;
    save_screenshot(&client, "subusers-edit.png", 1280, 2800).await;
    click(&client, &format!("#edit-{id}-cancel")).await;
    client.set_window_size(1280, 900).await.unwrap();

    // The subuser signs in from this browser: a new device for their login, so a code.
    log_in_instead(&client, BRANCH, BRANCH_PASSWORD).await;
    let code = outbox_code(&base, BRANCH, "new_device_code").await;
    fill(&client, "#login-code", &code).await;
    click(&client, "#login-verify").await;
    find(&client, "[data-testid=dashboard]").await;

    // Their header offers sending and their own security pages, nothing of the owner's.
    let nav = find(&client, "nav[aria-label='Main']").await;
    let links: Vec<String> = {
        let mut hrefs = Vec::new();
        for link in nav.find_all(Locator::Css("a")).await.unwrap() {
            hrefs.push(link.attr("href").await.unwrap().unwrap_or_default());
        }
        hrefs
    };
    assert_eq!(links, ["/", "/send", "/sessions"], "{links:?}");

    // The sender select offers ACME alone, and a message from it is queued.
    click(&client, "nav a[href='/send']").await;
    find(&client, "[data-testid=send-sms]").await;
    wait_for_text(&client, "#sms-sender", "ACME").await;
    let options = client
        .find_all(Locator::Css("#sms-sender option"))
        .await
        .unwrap();
    assert_eq!(options.len(), 1);
    fill(&client, "#sms-to", "+48500100200").await;
    fill(&client, "#sms-text", "Your order is ready for pickup.").await;
    wait_for_text(
        &client,
        "#sms-counter",
        "31 characters · 1 part (160 per part, GSM)",
    )
    .await;
    click(&client, "#sms-send").await;
    let queued = text_of(&client, "#sms-queued").await;
    assert!(queued.starts_with("Queued to +48500100200"), "{queued}");
    wait_for_text(&client, "#messages-table .message-sender", "ACME").await;
    save_screenshot(&client, "send-sms.png", 1280, 1300).await;

    // Another sender name, through the API with the subuser's session: refused, unsent.
    let (status, problem) = portal_fetch(
        &client,
        "POST",
        routes::SMS,
        Some(serde_json::json!({
            "to": "+48500100200", "text": "From elsewhere", "sender": "OTHER"
        })),
    )
    .await;
    assert!(status == 403 || status == 422, "{status}: {problem}");
    let (status, sent) = portal_fetch(&client, "GET", routes::SMS, None).await;
    assert_eq!(status, 200, "{sent}");
    assert_eq!(sent.as_array().map(Vec::len), Some(1), "{sent}");

    // The tokens and subusers pages: no link, a plain refusal when opened directly, and
    // the API answers 403 to their calls.
    for (page, api) in [("/tokens", routes::TOKENS), ("/subusers", routes::SUBUSERS)] {
        client.goto(&format!("{base}{page}")).await.unwrap();
        let refusal = text_of(&client, "[data-testid=no-access] h1").await;
        assert_eq!(refusal, "You don't have access to this page", "{page}");
        let (status, problem) = portal_fetch(&client, "GET", api, None).await;
        assert_eq!(status, 403, "{api}: {problem}");
        assert_eq!(problem["code"], "permission_denied", "{api}: {problem}");
    }
    save_screenshot(&client, "subuser-no-access.png", 1280, 900).await;

    // The owner sees the points the subuser spent.
    log_in_instead(&client, OWNER, PASSWORD).await;
    find(&client, "[data-testid=dashboard]").await;
    click(&client, "nav a[href='/subusers']").await;
    let points = text_of(&client, &format!("{row_css} .subuser-points")).await;
    assert!(!points.starts_with("0 /"), "points were spent: {points}");

    // And their sign-in in their own security log.
    click(&client, &format!("{row_css} .subuser-log")).await;
    wait_for_text(&client, "#subuser-log-email", BRANCH).await;
    find(
        &client,
        "#security-log-table tr[data-kind='login_succeeded']",
    )
    .await;
    // The owner reads who signed in by e-mail, and with what in words.
    assert_eq!(
        text_of(
            &client,
            "#security-log-table tr[data-kind='login_succeeded'] .event-actor"
        )
        .await,
        BRANCH
    );
    let browser = text_of(
        &client,
        "#security-log-table tr[data-kind='login_succeeded'] td[data-label='Browser']",
    )
    .await;
    assert!(browser.contains(" on "), "{browser}");
    save_screenshot(&client, "subuser-security-log.png", 1280, 900).await;

    // With two-factor required for everyone (the owner's own on first), the subuser's
    // next session may only set theirs up: every page leads to the two-factor page.
    let (status, body) = portal_fetch(
        &client,
        "POST",
        routes::TWO_FACTOR_SMS,
        Some(serde_json::json!({ "password": PASSWORD, "phone": OWNER_PHONE })),
    )
    .await;
    assert!(status < 300, "{status}: {body}");
    let code = outbox_code(&base, OWNER_PHONE, "two_factor_setup").await;
    let (status, body) = portal_fetch(
        &client,
        "POST",
        routes::TWO_FACTOR_SMS_CONFIRM,
        Some(serde_json::json!({ "code": code })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = portal_fetch(
        &client,
        "PUT",
        routes::TWO_FACTOR_POLICY,
        Some(serde_json::json!({ "required_for_all_users": true })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    log_in_instead(&client, BRANCH, BRANCH_PASSWORD).await;
    find(&client, "#login-code").await;
    let code = outbox_code(&base, BRANCH, "new_device_code").await;
    fill(&client, "#login-code", &code).await;
    click(&client, "#login-verify").await;
    let banner = text_of(&client, "#two-factor-setup-required").await;
    assert!(banner.contains("requires two-factor sign-in"), "{banner}");
    assert!(client
        .current_url()
        .await
        .unwrap()
        .as_str()
        .ends_with("/security/two-factor"));
    save_screenshot(&client, "subuser-two-factor-required.png", 1280, 1100).await;
    client.goto(&format!("{base}/send")).await.unwrap();
    find(&client, "#two-factor-setup-required").await;
    client.close().await.unwrap();
}
