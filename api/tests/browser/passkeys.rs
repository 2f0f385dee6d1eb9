//! Passkeys in the portal, with Chromium's virtual authenticator (the WebDriver
//! virtual-authenticator commands): one is added on the Two-factor page, then
//! signs in without a password from the login page, and completes a password
//! sign-in as its second step.

use fantoccini::{wd::WebDriverCompatibleCommand, Client};
use serde_json::json;

use crate::support::{
    click, fill, find, save_screenshot, sign_up, start_browser, start_server_on_localhost, text_of,
    wait_for_text, PASSWORD,
};

/// `POST /session/{id}/webauthn/authenticator`: a platform authenticator that keeps
/// resident keys and verifies its user, as a laptop's passkey store does.
#[derive(Debug)]
struct AddVirtualAuthenticator;

impl WebDriverCompatibleCommand for AddVirtualAuthenticator {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        let session = session_id.expect("a WebDriver session");
        base_url.join(&format!("session/{session}/webauthn/authenticator"))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({
            "protocol": "ctap2",
            "transport": "internal",
            "hasResidentKey": true,
            "hasUserVerification": true,
            "isUserConsenting": true,
            "isUserVerified": true,
        });
        (http::Method::POST, Some(body.to_string()))
    }
}

async fn log_out(client: &Client) {
    click(client, "nav a[href='/']").await;
    click(client, "#logout").await;
    find(client, "#login-submit").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passkey_added_on_the_two_factor_page_signs_in_without_a_password() {
    let scratch = tempfile::tempdir().unwrap();
    let (_server, base) = start_server_on_localhost(&scratch.path().join("portcullis.db"));
    let (_driver, client) = start_browser(&scratch.path().join("profile")).await;
    client
        .issue_cmd(AddVirtualAuthenticator)
        .await
        .expect("add a virtual authenticator");

    let email = "passkey@example.com";
    sign_up(&client, &base, email, None).await;
    client
        .goto(&format!("{base}/security/two-factor"))
        .await
        .unwrap();
    find(&client, "#passkeys-none").await;
    click(&client, "#passkey-add").await;
    fill(&client, "input#passkey-name", "Laptop").await;
    fill(&client, "input#passkey-password", PASSWORD).await;
    click(&client, "#passkey-add-confirm").await;
    wait_for_text(&client, "#passkey-list .passkey-name", "Laptop").await;
    // The first two-factor method: the recovery codes are shown once.
    find(&client, "#recovery-codes-shown").await;
    let listed = text_of(&client, "#passkey-list").await;
    assert!(listed.contains("never used"), "{listed}");
    save_screenshot(&client, "passkeys.png", 1280, 1600).await;
    client.set_window_size(1280, 900).await.unwrap();

    log_out(&client).await;
    save_screenshot(&client, "login-with-passkey.png", 1280, 900).await;
    click(&client, "#login-passkey-sign-in").await;
    find(&client, "[data-testid=dashboard]").await;

    client
        .goto(&format!("{base}/security/two-factor"))
        .await
        .unwrap();
    let mut listed = String::new();
    for _ in 0..50 {
        listed = text_of(&client, "#passkey-list").await;
        if listed.contains("last used") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(
        listed.contains("last used"),
        "the passkey was not shown as used: {listed}"
    );

    // With the password, the passkey is the second step (offered first).
    log_out(&client).await;
    fill(&client, "input#email", email).await;
    fill(&client, "input#password", PASSWORD).await;
    click(&client, "#login-submit").await;
    find(
        &client,
        "[data-testid=login-code-step][data-method=passkey]",
    )
    .await;
    click(&client, "#login-passkey").await;
    find(&client, "[data-testid=dashboard]").await;
}
