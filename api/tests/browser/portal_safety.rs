//! What must not happen in the portal: a signed-in page coming back on Back after a
//! logout, and an irreversible or exposing change made by one click.

use std::time::Duration;

use fantoccini::Locator;
use serde_json::json;

use crate::support::{
    click, fill, find, open_security_tab, portal_fetch, save_screenshot, sign_up, start_browser,
    start_server, text_of, wait_for_none, what_the_page_shows, PASSWORD,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn back_after_logout_shows_no_signed_in_page() {
    let scratch = tempfile::tempdir().unwrap();
    let (_server, base) = start_server(&scratch.path().join("portcullis.db"));
    let (_driver, client) = start_browser(&scratch.path().join("profile")).await;
    sign_up(&client, &base, "bfcache@example.com", None).await;
    let (status, _) = portal_fetch(
        &client,
        "POST",
        "/api/v1/tokens",
        Some(json!({ "name": "Billing export", "scopes": ["profile"] })),
    )
    .await;
    assert_eq!(status, 201);

    // The tokens page, loaded as a document of its own, then another document that logs out.
    client.goto(&format!("{base}/tokens")).await.unwrap();
    find(&client, "[data-token-id]").await;
    client.goto(&base).await.unwrap();
    click(&client, "#logout").await;
    find(&client, "#login-submit").await;

    // Back: whether the browser restores the old document or loads it again, the login
    // page shows and nothing of the account does.
    client.back().await.unwrap();
    find(&client, "#login-submit").await;
    // Long enough for a restored page to have painted its old content, had it kept it.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let url = client.current_url().await.unwrap();
    assert_eq!(
        url.path(),
        "/login",
        "{}",
        what_the_page_shows(&client).await
    );
    for signed_in in [
        "[data-token-id]",
        "[data-testid=tokens]",
        "[data-testid=dashboard]",
        "#logout",
        "#account-menu-button",
    ] {
        assert!(
            client
                .find_all(Locator::Css(signed_in))
                .await
                .unwrap()
                .is_empty(),
            "`{signed_in}` shows after Back: {}",
            what_the_page_shows(&client).await
        );
    }
    let body = client
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!body.contains("Billing export"), "{body}");
    assert!(!body.contains("bfcache@example.com"), "{body}");
    save_screenshot(&client, "back-after-logout.png", 1280, 900).await;
    client.close().await.unwrap();
}

/// Whether a `beforeunload` now would make the browser ask before leaving.
async fn leaving_asks(client: &fantoccini::Client) -> bool {
    let asked = client
        .execute(
            "const e = new Event('beforeunload', { cancelable: true }); \
             window.dispatchEvent(e); return e.defaultPrevented;",
            Vec::new(),
        )
        .await
        .unwrap();
    asked.as_bool().expect("a boolean")
}

/// The `datetime` of the password page's "Password set".
async fn password_set_at(client: &fantoccini::Client) -> String {
    find(client, "#password-changed-at time")
        .await
        .attr("datetime")
        .await
        .unwrap()
        .expect("a datetime")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsaved_countries_are_guarded_and_messages_read_as_words() {
    let scratch = tempfile::tempdir().unwrap();
    let (_server, base) = start_server(&scratch.path().join("portcullis.db"));
    let (_driver, client) = start_browser(&scratch.path().join("profile")).await;
    sign_up(&client, &base, "careful@example.com", None).await;

    // A tick not saved yet: a notice says so, and leaving would ask.
    click(&client, "nav a[href='/country-filter']").await;
    crate::support::wait_for_text(&client, "#countries-summary", "1 country allowed: Poland").await;
    assert!(!leaving_asks(&client).await, "nothing to lose yet");
    fill(&client, "#country-search", "germ").await;
    click(&client, "input[name=country][value=DE]").await;
    let notice = text_of(&client, "#countries-unsaved").await;
    assert!(notice.contains("unsaved changes"), "{notice}");
    assert!(leaving_asks(&client).await, "closing the tab asks");

    // A link of the portal asks in the page; staying keeps the tick.
    click(&client, "nav a[href='/tokens']").await;
    let question = text_of(&client, "#countries-leave-panel").await;
    assert!(question.contains("Leave without saving?"), "{question}");
    save_screenshot(&client, "countries-leave-unsaved.png", 1280, 1000).await;
    assert_eq!(
        client.current_url().await.unwrap().path(),
        "/country-filter"
    );
    click(&client, "#countries-leave-panel-cancel").await;
    wait_for_none(&client, "#countries-leave-panel").await;
    assert!(find(&client, "input[name=country][value=DE]")
        .await
        .is_selected()
        .await
        .unwrap());

    // Leaving anyway drops it: the saved filter is unchanged.
    click(&client, "nav a[href='/tokens']").await;
    click(&client, "#countries-leave-panel-confirm").await;
    find(&client, "[data-testid=tokens]").await;
    assert!(!leaving_asks(&client).await, "no guard outside the page");
    click(&client, "nav a[href='/country-filter']").await;
    crate::support::wait_for_text(&client, "#countries-summary", "1 country allowed: Poland").await;
    assert!(client
        .find_all(Locator::Css("#countries-unsaved"))
        .await
        .unwrap()
        .is_empty());

    // A message to a blocked country names it and leads to the Countries page.
    click(&client, "nav a[href='/send']").await;
    fill(&client, "#sms-to", "+12025550123").await;
    fill(&client, "#sms-text", "Hello from Poland").await;
    click(&client, "#sms-send").await;
    let refusal = text_of(&client, "#form-error").await;
    assert!(
        refusal.contains("Messages to United States of America are blocked"),
        "{refusal}"
    );
    assert!(!refusal.contains(" US"), "{refusal}");
    save_screenshot(&client, "send-sms-country-blocked.png", 1280, 1000).await;
    click(&client, "#form-error a[href='/country-filter']").await;
    find(&client, "[data-testid=country-filter]").await;

    // The API's texts mark values with backticks; the portal shows them as code.
    click(&client, "nav a[href='/tokens']").await;
    click(&client, "a[href='/api-allowlist']").await;
    fill(&client, "#allowlist-value", "nonsense").await;
    click(&client, "#allowlist-add").await;
    let error = text_of(&client, "#allowlist-value-error").await;
    assert!(error.contains("nonsense is not an IP address"), "{error}");
    assert!(!error.contains('`'), "{error}");
    assert_eq!(
        text_of(&client, "#allowlist-value-error code").await,
        "nonsense"
    );

    // "Password set" follows a change without a reload.
    open_security_tab(&client, "/password").await;
    let before = password_set_at(&client).await;
    // Timestamps have whole seconds: let one pass.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    fill(&client, "#current_password", PASSWORD).await;
    fill(&client, "#new_password", "Amber-Lantern-77").await;
    click(&client, "#change-password-submit").await;
    find(&client, "#password-changed").await;
    let mut after = password_set_at(&client).await;
    for _ in 0..50 {
        if after != before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        after = password_set_at(&client).await;
    }
    assert!(after > before, "{before} then {after}");
    client.close().await.unwrap();
}
