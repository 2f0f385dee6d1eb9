//! The portal on a phone (390 × 844): no page scrolls sideways, the navigation folds
//! behind a "Menu" button, tables become labelled stacked rows. And the feedback every
//! page gives: the account menu with "Log out", toasts after a change (with Undo), the
//! "You were signed out" notice.

use std::time::Duration;

use fantoccini::{Client, Locator};

use crate::support::{
    click, fill, find, save_screenshot, sign_up, start_browser, start_server, text_of,
    wait_for_none, wait_for_text,
};

const PHONE_WIDTH: u32 = 390;
const PHONE_HEIGHT: u32 = 844;

/// Every signed-in page of an owner, and the pages anyone may open.
const SIGNED_IN_PAGES: &[&str] = &[
    "/",
    "/activity",
    "/send",
    "/contacts",
    "/senders",
    "/sessions",
    "/security/two-factor",
    "/password",
    "/portal-allowlist",
    "/security-log",
    "/tokens",
    "/oauth-clients",
    "/api-allowlist",
    "/country-filter",
    "/subusers",
];
const ANONYMOUS_PAGES: &[&str] = &["/login", "/signup", "/forgot-password"];

/// How wide the document is against the window, and the widest elements that stick out
/// (for the failure message).
async fn widths(client: &Client) -> (i64, i64, String) {
    let answer = client
        .execute(
            r#"
            const width = window.innerWidth;
            const wide = [...document.querySelectorAll("body *")]
                .filter((e) => e.getBoundingClientRect().right > width + 0.5)
                .slice(0, 5)
                .map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.className} (${Math.round(e.getBoundingClientRect().right)})`);
            return [document.documentElement.scrollWidth, width, wide.join(", ")];
            "#,
            Vec::new(),
        )
        .await
        .unwrap();
    serde_json::from_value(answer).unwrap()
}

/// Opens `path` through the page's own router (a full load each time would be slow) and
/// waits for its heading and its data.
async fn open(client: &Client, base: &str, path: &str) {
    client.goto(&format!("{base}{path}")).await.unwrap();
    find(client, "main h1").await;
    // Lists load after the heading.
    tokio::time::sleep(Duration::from_millis(700)).await;
}

async fn assert_fits(client: &Client, path: &str) {
    let (scroll_width, width, wide) = widths(client).await;
    assert_eq!(width, i64::from(PHONE_WIDTH), "the window is a phone's");
    assert!(
        scroll_width <= width,
        "{path} scrolls sideways at {width} px: {scroll_width} px wide; sticking out: {wide}"
    );
}

fn shot_name(path: &str) -> String {
    let name = path.trim_matches('/').replace('/', "-");
    format!(
        "phone-{}.png",
        if name.is_empty() { "dashboard" } else { &name }
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_page_scrolls_sideways_on_a_phone_and_the_menu_folds() {
    let scratch = tempfile::tempdir().unwrap();
    let (_server, base) = start_server(&scratch.path().join("portcullis.db"));
    let (_driver, client) = start_browser(&scratch.path().join("profile")).await;

    client
        .set_window_size(PHONE_WIDTH, PHONE_HEIGHT)
        .await
        .unwrap();
    for path in ANONYMOUS_PAGES {
        open(&client, &base, path).await;
        assert_fits(&client, path).await;
        save_screenshot(&client, &shot_name(path), PHONE_WIDTH, PHONE_HEIGHT).await;
    }

    let email = "grace.phone@example.com";
    sign_up(&client, &base, email, Some("+48500100201")).await;
    client
        .set_window_size(PHONE_WIDTH, PHONE_HEIGHT)
        .await
        .unwrap();
    for path in SIGNED_IN_PAGES {
        open(&client, &base, path).await;
        assert_fits(&client, path).await;
        save_screenshot(&client, &shot_name(path), PHONE_WIDTH, PHONE_HEIGHT).await;
    }

    // The sessions table is stacked rows, each cell labelled by its column.
    open(&client, &base, "/sessions").await;
    let label = client
        .execute(
            "const td = document.querySelector('#sessions-table td[data-label]'); \
             return [td.dataset.label, getComputedStyle(td, '::before').content, \
                     getComputedStyle(td).display];",
            Vec::new(),
        )
        .await
        .unwrap();
    assert_eq!(label, serde_json::json!(["Device", "\"Device\"", "flex"]));

    // The navigation is behind "Menu": closed, it hides the links; opened by the keyboard,
    // it shows them; a link followed closes it again.
    let toggle = find(&client, "#menu-toggle").await;
    assert_eq!(
        toggle.attr("aria-expanded").await.unwrap().as_deref(),
        Some("false")
    );
    let link = client
        .find(Locator::Css("#main-nav a[href='/tokens']"))
        .await
        .unwrap();
    assert!(!link.is_displayed().await.unwrap(), "the links are folded");
    client
        .execute("document.getElementById('menu-toggle').focus()", Vec::new())
        .await
        .unwrap();
    toggle.send_keys("\u{E006}").await.unwrap(); // Enter
    find(&client, "#menu-toggle[aria-expanded='true']").await;
    assert!(link.is_displayed().await.unwrap(), "the links show");
    let (scroll_width, width, _) = widths(&client).await;
    assert!(scroll_width <= width, "the open menu fits");
    save_screenshot(&client, "phone-menu-open.png", PHONE_WIDTH, PHONE_HEIGHT).await;
    link.click().await.unwrap();
    find(
        &client,
        "[data-testid=tokens], #menu-toggle[aria-expanded='false']",
    )
    .await;
    wait_for_text(&client, "main h1", "API tokens").await;
    find(&client, "#menu-toggle[aria-expanded='false']").await;

    // The account menu fits the phone too.
    click(&client, "#account-menu-button").await;
    find(&client, "#account-menu").await;
    let (scroll_width, width, wide) = widths(&client).await;
    assert!(scroll_width <= width, "the account menu fits: {wide}");
    save_screenshot(&client, "phone-account-menu.png", PHONE_WIDTH, PHONE_HEIGHT).await;
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removal_says_so_and_undo_puts_it_back_and_the_account_menu_logs_out() {
    let scratch = tempfile::tempdir().unwrap();
    let (_server, base) = start_server(&scratch.path().join("portcullis.db"));
    let (_driver, client) = start_browser(&scratch.path().join("profile")).await;
    let email = "lin.toast@example.com";
    sign_up(&client, &base, email, None).await;

    // Titles name the page.
    client.goto(&format!("{base}/api-allowlist")).await.unwrap();
    find(&client, "#allowlist-value").await;
    assert_eq!(
        client.title().await.unwrap(),
        "API IP allowlist · Portcullis"
    );

    // Adding says so.
    fill(&client, "#allowlist-value", "203.0.113.7").await;
    click(&client, "#allowlist-add").await;
    wait_for_text(&client, "#allowlist-status", "Restricted · 1 entry").await;
    let region = find(&client, "#toasts").await;
    assert_eq!(
        region.attr("role").await.unwrap().as_deref(),
        Some("status")
    );
    assert_eq!(
        region.attr("aria-live").await.unwrap().as_deref(),
        Some("polite")
    );
    wait_for_text(&client, "#toasts .toast-message", "Added 203.0.113.7").await;
    // A toast closes by its button.
    click(&client, "#toasts .toast-close").await;
    wait_for_none(&client, "#toasts .toast").await;

    fill(&client, "#allowlist-value", "198.51.100.0/24").await;
    click(&client, "#allowlist-add").await;
    wait_for_text(&client, "#allowlist-status", "Restricted · 2 entries").await;

    // Removing says so, with Undo, which adds the same entry back.
    click(&client, "button[aria-label='Remove 203.0.113.7']").await;
    wait_for_text(&client, "#allowlist-status", "Restricted · 1 entry").await;
    wait_for_text(
        &client,
        "#toasts .toast:last-child .toast-message",
        "Removed 203.0.113.7",
    )
    .await;
    save_screenshot(&client, "toast-undo.png", 1280, 900).await;
    save_screenshot(&client, "toast-undo-phone.png", PHONE_WIDTH, PHONE_HEIGHT).await;
    client.set_window_size(1280, 900).await.unwrap();
    click(&client, "#toasts .toast:last-child .toast-undo").await;
    wait_for_text(&client, "#allowlist-status", "Restricted · 2 entries").await;
    find(&client, "button[aria-label='Remove 203.0.113.7']").await;
    wait_for_text(
        &client,
        "#toasts .toast:last-child .toast-message",
        "Put back 203.0.113.7",
    )
    .await;
    // Toasts close themselves.
    tokio::time::sleep(Duration::from_secs(9)).await;
    wait_for_none(&client, "#toasts .toast").await;

    // The account menu: who is signed in, by keyboard, and "Log out".
    let button = find(&client, "#account-menu-button").await;
    assert_eq!(
        button.attr("aria-expanded").await.unwrap().as_deref(),
        Some("false")
    );
    client
        .execute(
            "document.getElementById('account-menu-button').focus()",
            Vec::new(),
        )
        .await
        .unwrap();
    button.send_keys("\u{E006}").await.unwrap(); // Enter
    find(&client, "#account-menu-button[aria-expanded='true']").await;
    assert_eq!(text_of(&client, "#account-menu-email").await, email);
    find(&client, "#account-menu a[href='/security-log']").await;
    save_screenshot(&client, "account-menu.png", 1280, 900).await;
    client.set_window_size(1280, 900).await.unwrap();
    // Escape closes it.
    find(&client, "#account-menu-logout")
        .await
        .send_keys("\u{E00C}")
        .await
        .unwrap();
    wait_for_none(&client, "#account-menu").await;
    // A press outside it closes it; one inside (on its text) does not.
    click(&client, "#account-menu-button").await;
    click(&client, "#account-menu-email").await;
    find(&client, "#account-menu").await;
    click(&client, "main h1").await;
    wait_for_none(&client, "#account-menu").await;
    click(&client, "#account-menu-button").await;
    click(&client, "#account-menu-logout").await;
    let notice = text_of(&client, "#signed-out").await;
    assert!(notice.contains("You were signed out"), "{notice}");
    assert_eq!(client.title().await.unwrap(), "Log in · Portcullis");
    save_screenshot(&client, "signed-out-notice.png", 1280, 900).await;
    client.close().await.unwrap();
}
