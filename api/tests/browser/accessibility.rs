//! Accessibility: axe-core (vendored, `vendor/axe.min.js`) on every page of the portal —
//! signed out, and signed in as the owner with data in every list — in the light and the
//! dark theme (Chromium's `prefers-color-scheme` emulated through chromedriver's DevTools
//! endpoint), WCAG 2.0 / 2.1 / 2.2 A and AA rules; the same on the screens inside the flows
//! (code step, authenticator set-up, recovery codes, a token's secret, a subuser's edit
//! form); and a sign-in and a new token made with the keyboard alone.
//!
//! axe is injected through WebDriver's "execute script", which the page's
//! Content-Security-Policy (no inline scripts) does not govern; the test checks that it
//! did run on each page.

use std::time::Duration;

use fantoccini::{
    actions::{InputSource, KeyAction, KeyActions},
    key::Key,
    wd::WebDriverCompatibleCommand,
    Client, Locator,
};
use serde::Deserialize;
use serde_json::json;

use portcullis_api::domain::TotpSecret;
use portcullis_shared::dto::SignupRequest;

use crate::support::{
    click, fill, find, outbox_code, portal_fetch, save_screenshot, screenshots_dir, sign_up,
    sign_up_elsewhere, start_browser, start_server, text_of, wait_for_none, PASSWORD,
};

const AXE: &str = include_str!("vendor/axe.min.js");

/// The rule sets of WCAG 2.2 level AA (2.0, 2.1 and 2.2 A and AA).
const WCAG_AA_TAGS: [&str; 6] = [
    "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa",
];

/// A chromedriver command (not W3C WebDriver): one Chrome DevTools Protocol command.
#[derive(Debug)]
struct DevTools {
    cmd: &'static str,
    params: serde_json::Value,
}

impl WebDriverCompatibleCommand for DevTools {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        let session = session_id.expect("a WebDriver session");
        base_url.join(&format!("session/{session}/goog/cdp/execute"))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Theme {
    Light,
    Dark,
}

impl Theme {
    fn name(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// Makes the page (and the pages it navigates to) see `prefers-color-scheme: theme`.
async fn emulate_theme(client: &Client, theme: Theme) {
    client
        .issue_cmd(DevTools {
            cmd: "Emulation.setEmulatedMedia",
            params: json!({
                "features": [{ "name": "prefers-color-scheme", "value": theme.name() }]
            }),
        })
        .await
        .expect("emulate prefers-color-scheme");
    // The colours change with a short transition (buttons' backgrounds, 0.15 s): measured
    // halfway, a colour would be neither theme's.
    for _ in 0..40 {
        let running = client
            .execute(
                "return document.getAnimations().filter(a => a instanceof CSSTransition).length",
                Vec::new(),
            )
            .await
            .unwrap();
        if running == json!(0) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// What the page's CSS sees, to check the emulation reached it.
async fn page_theme(client: &Client) -> Theme {
    let dark = client
        .execute(
            "return window.matchMedia('(prefers-color-scheme: dark)').matches",
            Vec::new(),
        )
        .await
        .unwrap();
    if dark == json!(true) {
        Theme::Dark
    } else {
        Theme::Light
    }
}

#[derive(Debug, Deserialize)]
struct Violation {
    id: String,
    impact: Option<String>,
    help: String,
    nodes: Vec<ViolationNode>,
}

#[derive(Debug, Deserialize)]
struct ViolationNode {
    target: serde_json::Value,
    #[serde(rename = "failureSummary")]
    failure_summary: Option<String>,
}

/// Runs axe on the current page (injected once per page load) with the WCAG 2.2 AA rules.
async fn axe_violations(client: &Client) -> Vec<Violation> {
    let injected = client
        .execute(
            &format!("{AXE}\n;return typeof window.axe === 'object';"),
            Vec::new(),
        )
        .await
        .expect("inject axe");
    assert_eq!(
        injected,
        json!(true),
        "axe runs in the page despite its CSP"
    );
    let script = r#"
        const [tags, done] = arguments;
        window.axe
            .run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] })
            .then((results) => done({ ok: results.violations }))
            .catch((error) => done({ error: String(error) }));
    "#;
    let answer = client
        .execute_async(script, vec![json!(WCAG_AA_TAGS)])
        .await
        .expect("run axe");
    if let Some(error) = answer.get("error") {
        panic!("axe failed: {error}");
    }
    serde_json::from_value(answer["ok"].clone()).expect("axe's violations")
}

/// Waits until the page at `path` is drawn: the app mounted, its heading shown, and no
/// list still loading.
async fn open(client: &Client, base: &str, path: &str) {
    client.goto(&format!("{base}{path}")).await.unwrap();
    find(client, "main :is(h1, h2)").await;
    wait_for_none(client, "#app-loading").await;
    wait_for_none(client, "[aria-busy=true]").await;
    // The last answers of the page's API calls (counts, charts).
    tokio::time::sleep(Duration::from_millis(600)).await;
}

/// One page in one theme, opened afresh.
async fn check_page(
    client: &Client,
    base: &str,
    path: &str,
    theme: Theme,
    report: &mut Vec<(String, Theme, usize)>,
    failures: &mut Vec<String>,
) {
    open(client, base, path).await;
    check_screen(client, path, theme, report, failures).await;
}

/// What the page shows now (a form opened, a step reached), in one theme: its violations,
/// described for the failure message.
async fn check_screen(
    client: &Client,
    path: &str,
    theme: Theme,
    report: &mut Vec<(String, Theme, usize)>,
    failures: &mut Vec<String>,
) {
    assert_eq!(page_theme(client).await, theme, "{path}: theme emulated");
    let violations = axe_violations(client).await;
    let count = violations.iter().map(|v| v.nodes.len()).sum();
    for violation in &violations {
        let mut nodes = String::new();
        for node in violation.nodes.iter().take(4) {
            nodes.push_str(&format!(
                "\n      {} — {}",
                node.target,
                node.failure_summary
                    .as_deref()
                    .unwrap_or_default()
                    .replace('\n', " ")
            ));
        }
        failures.push(format!(
            "{path} ({}) {} [{}] {} node(s): {}{nodes}",
            theme.name(),
            violation.id,
            violation.impact.as_deref().unwrap_or("?"),
            violation.nodes.len(),
            violation.help,
        ));
    }
    report.push((path.to_owned(), theme, count));
}

/// Gives every list of the portal something to show, through the API as the portal calls it.
async fn add_data(client: &Client) {
    let calls = [
        (
            "/api/v1/tokens",
            json!({"name": "CRM integration", "scopes": ["sms", "profile"]}),
        ),
        (
            "/api/v1/oauth-clients",
            json!({"name": "Billing system", "scopes": ["sms"]}),
        ),
        (
            "/api/v1/api-allowlist",
            json!({"value": "203.0.113.0/24", "label": "Office"}),
        ),
        (
            "/api/v1/portal-allowlist",
            json!({"value": "127.0.0.1", "label": "This machine"}),
        ),
        (
            "/api/v1/contacts",
            json!({"phone": "+48500100300", "first_name": "Jan", "last_name": "Kowalski"}),
        ),
        ("/api/v1/senders", json!({"name": "ACME"})),
        (
            "/api/v1/sms",
            json!({"to": "+48500100301", "text": "Your order is ready"}),
        ),
        (
            "/api/v1/subusers",
            json!({"email": "branch@example.com", "password": "Amber-Lantern-77",
                   "grants": {"portal": [], "scopes": []}}),
        ),
    ];
    for (path, body) in calls {
        let (status, answer) = portal_fetch(client, "POST", path, Some(body)).await;
        assert!(
            (200..300).contains(&status),
            "POST {path}: {status} {answer}"
        );
    }
}

const SIGNED_OUT_PAGES: [&str; 5] = [
    "/login",
    "/signup",
    "/forgot-password",
    "/reset-password?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "/verify-email?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
];

const SIGNED_IN_PAGES: [&str; 17] = [
    "/",
    "/activity",
    "/send",
    "/contacts",
    "/senders",
    "/tokens",
    "/oauth-clients",
    "/api-allowlist",
    "/country-filter",
    "/subusers",
    "/sessions",
    "/devices",
    "/security/two-factor",
    "/password",
    "/portal-allowlist",
    "/security-log",
    "/404",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axe_finds_no_wcag_violation_on_any_page_in_either_theme() {
    let scratch = tempfile::tempdir().unwrap();
    let (_server, base) = start_server(&scratch.path().join("portcullis.db"));
    let (_driver, client) = start_browser(&scratch.path().join("profile")).await;
    let mut report = Vec::new();
    let mut failures = Vec::new();

    // axe does see a violation put there on purpose (an image without a text alternative).
    open(&client, &base, "/login").await;
    client
        .execute(
            "document.querySelector('main').appendChild(document.createElement('img'))",
            Vec::new(),
        )
        .await
        .unwrap();
    let planted = axe_violations(&client).await;
    assert!(
        planted.iter().any(|v| v.id == "image-alt"),
        "axe reports the planted image: {planted:?}"
    );

    for theme in [Theme::Light, Theme::Dark] {
        emulate_theme(&client, theme).await;
        for path in SIGNED_OUT_PAGES {
            check_page(&client, &base, path, theme, &mut report, &mut failures).await;
        }
    }
    save_screenshot(&client, "a11y-dark-verify-email.png", 1280, 900).await;
    emulate_theme(&client, Theme::Dark).await;
    open(&client, &base, "/login").await;
    save_screenshot(&client, "a11y-dark-login.png", 1280, 900).await;

    emulate_theme(&client, Theme::Light).await;
    sign_up(&client, &base, "ada@example.com", Some("+48500100200")).await;
    add_data(&client).await;
    // The subuser's own security log.
    let (_, subusers) = portal_fetch(&client, "GET", "/api/v1/subusers", None).await;
    let subuser_log = format!(
        "/subusers/{}/security-log",
        subusers[0]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("a subuser: {subusers}"))
    );

    for theme in [Theme::Light, Theme::Dark] {
        emulate_theme(&client, theme).await;
        for path in SIGNED_IN_PAGES
            .iter()
            .copied()
            .chain([subuser_log.as_str()])
        {
            check_page(&client, &base, path, theme, &mut report, &mut failures).await;
        }
    }
    for (path, name) in [
        ("/", "dashboard"),
        ("/tokens", "tokens"),
        ("/security-log", "security-log"),
        ("/activity", "activity"),
    ] {
        open(&client, &base, path).await;
        save_screenshot(&client, &format!("a11y-dark-{name}.png"), 1280, 1100).await;
    }

    println!("axe-core 4.14.1, WCAG 2.2 A + AA: violations (nodes) per page and theme");
    for (path, theme, count) in &report {
        println!("  {count:>3}  {:<5}  {path}", theme.name());
    }
    let total: usize = report.iter().map(|(_, _, count)| count).sum();
    println!(
        "  {total} in all, {} page × theme checks; screenshots in {}",
        report.len(),
        screenshots_dir().display()
    );
    assert!(
        failures.is_empty(),
        "axe violations:\n{}",
        failures.join("\n")
    );
    client.close().await.unwrap();
}

/// Presses `key` (one character or a [`Key`]) once.
async fn press(client: &Client, key: char) {
    let keys = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    client.perform_actions(keys).await.unwrap();
}

/// Types `text` into whatever has the focus.
async fn type_text(client: &Client, text: &str) {
    let mut keys = KeyActions::new("keyboard".into());
    for c in text.chars() {
        keys = keys
            .then(KeyAction::Down { value: c })
            .then(KeyAction::Up { value: c });
    }
    client.perform_actions(keys).await.unwrap();
}

/// Whether the focused element matches `css`; and whether the focus shows (an outline or a
/// ring), as WCAG 2.4.7 asks.
async fn focused(client: &Client, css: &str) -> (bool, bool, String) {
    let answer = client
        .execute(
            r#"
            const element = document.activeElement;
            const style = getComputedStyle(element);
            // The body: nothing has the focus yet (the first Tab may land on the window).
            const shown = element === document.body
                || (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
                || style.boxShadow !== "none";
            return [element.matches(arguments[0]), shown, element.outerHTML.slice(0, 120)];
            "#,
            vec![json!(css)],
        )
        .await
        .unwrap();
    serde_json::from_value(answer).unwrap()
}

/// Presses Tab until the element at `css` has the focus (at most 60 times), checking that
/// each element the focus passes shows it.
async fn tab_to(client: &Client, css: &str) {
    for _ in 0..60 {
        press(client, Key::Tab.into()).await;
        let (arrived, shown, element) = focused(client, css).await;
        assert!(shown, "the focus does not show on {element}");
        if arrived {
            return;
        }
    }
    panic!("Tab never reached `{css}`");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_and_making_a_token_need_no_mouse() {
    let scratch = tempfile::tempdir().unwrap();
    let (_server, base) = start_server(&scratch.path().join("portcullis.db"));
    let (_driver, client) = start_browser(&scratch.path().join("profile")).await;
    let email = "ada@example.com";
    sign_up(&client, &base, email, None).await;
    // Signed out (the browser stays trusted: the sign-in asks for no code).
    let (status, answer) = portal_fetch(&client, "POST", "/api/v1/auth/logout", None).await;
    assert!((200..300).contains(&status), "{status} {answer}");

    // From a fresh load of the sign-in page, keyboard only.
    client.goto(&format!("{base}/login")).await.unwrap();
    find(&client, "#login-submit").await;
    tab_to(&client, "input#email").await;
    type_text(&client, email).await;
    tab_to(&client, "input#password").await;
    type_text(&client, PASSWORD).await;
    press(&client, Key::Enter.into()).await;
    find(&client, "[data-testid=dashboard]").await;

    // The header's Tokens link, then the form: name, a scope (Space ticks it), Create.
    tab_to(&client, "nav a[href='/tokens']").await;
    press(&client, Key::Enter.into()).await;
    find(&client, "#new-token-name").await;
    tab_to(&client, "#new-token-name").await;
    type_text(&client, "Keyboard token").await;
    tab_to(&client, "input[name=scope][value=profile]").await;
    press(&client, Key::Space.into()).await;
    let ticked = client
        .find(Locator::Css("input[name=scope][value=profile]"))
        .await
        .unwrap()
        .prop("checked")
        .await
        .unwrap();
    assert_eq!(ticked.as_deref(), Some("true"));
    tab_to(&client, "#create-token").await;
    press(&client, Key::Enter.into()).await;
    let secret = find(&client, "#token-secret").await.text().await.unwrap();
    assert!(secret.starts_with("pcl_"), "{secret}");
    save_screenshot(&client, "a11y-keyboard-token.png", 1280, 900).await;
    client.close().await.unwrap();
}

/// What the page shows now in the light and then the dark theme, left in the light one.
async fn check_in_both_themes(
    client: &Client,
    screen: &str,
    report: &mut Vec<(String, Theme, usize)>,
    failures: &mut Vec<String>,
) {
    for theme in [Theme::Light, Theme::Dark] {
        emulate_theme(client, theme).await;
        check_screen(client, screen, theme, report, failures).await;
    }
    emulate_theme(client, Theme::Light).await;
}

/// The screens a page only shows on the way through a flow, each in both themes: the
/// sign-in's code step (a new browser), the authenticator app's set-up (key and QR code) and
/// the recovery codes it hands out, a new token's secret shown once, and a subuser's edit
/// form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axe_finds_no_wcag_violation_on_the_screens_inside_the_flows() {
    let scratch = tempfile::tempdir().unwrap();
    let (_server, base) = start_server(&scratch.path().join("portcullis.db"));
    let (_driver, client) = start_browser(&scratch.path().join("profile")).await;
    let mut report = Vec::new();
    let mut failures = Vec::new();

    // The account is made elsewhere: this browser is new to it, and held for a code.
    let email = "hedy@example.com";
    sign_up_elsewhere(
        &base,
        &SignupRequest {
            email: email.into(),
            password: PASSWORD.into(),
            phone: Some("+48500100200".into()),
            country: "PL".into(),
            language: None,
        },
    )
    .await;
    open(&client, &base, "/login").await;
    fill(&client, "#email", email).await;
    fill(&client, "#password", PASSWORD).await;
    click(&client, "#login-submit").await;
    find(&client, "[data-testid=login-code-step]").await;
    find(&client, "#login-code").await;
    check_in_both_themes(&client, "/login (code step)", &mut report, &mut failures).await;
    let code = outbox_code(&base, "+48500100200", "new_device_code").await;
    fill(&client, "#login-code", &code).await;
    click(&client, "#login-verify").await;
    wait_for_none(&client, "[data-testid=login-code-step]").await;
    find(&client, "main h1").await;

    // The authenticator app's set-up: its key in groups of four and the QR code.
    open(&client, &base, "/security/two-factor").await;
    fill(&client, "#totp-password", PASSWORD).await;
    click(&client, "#totp-start").await;
    find(&client, "#totp-qr").await;
    check_in_both_themes(
        &client,
        "/security/two-factor (app set-up)",
        &mut report,
        &mut failures,
    )
    .await;
    let secret: String = text_of(&client, "#totp-secret")
        .await
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let app_code = TotpSecret::from_base32(&secret)
        .expect("a base32 key")
        .code_at(now);
    fill(&client, "#totp-code", &app_code).await;
    click(&client, "#totp-confirm").await;
    // The recovery codes it hands out, shown once.
    find(&client, "#download-recovery-codes").await;
    check_in_both_themes(
        &client,
        "/security/two-factor (recovery codes)",
        &mut report,
        &mut failures,
    )
    .await;

    // A new token's secret, shown once.
    open(&client, &base, "/tokens").await;
    fill(&client, "#new-token-name", "Shop notifications").await;
    click(&client, "input[name=scope][value=sms]").await;
    click(&client, "#create-token").await;
    find(&client, "#token-secret").await;
    check_in_both_themes(
        &client,
        "/tokens (secret shown once)",
        &mut report,
        &mut failures,
    )
    .await;

    // A subuser's edit form.
    let (status, answer) = portal_fetch(
        &client,
        "POST",
        "/api/v1/subusers",
        Some(
            json!({"email": "branch@example.com", "password": "Amber-Lantern-77",
                    "grants": {"portal": ["sms"], "scopes": ["sms"]}}),
        ),
    )
    .await;
    assert!((200..300).contains(&status), "{status} {answer}");
    open(&client, &base, "/subusers").await;
    click(&client, ".subuser-edit").await;
    find(&client, "[id^='edit-'][id$='-submit']").await;
    check_in_both_themes(&client, "/subusers (edit form)", &mut report, &mut failures).await;
    save_screenshot(&client, "a11y-subuser-edit.png", 1280, 1100).await;

    println!("axe-core 4.14.1, WCAG 2.2 A + AA, screens inside flows: violations (nodes)");
    for (path, theme, count) in &report {
        println!("  {count:>3}  {:<5}  {path}", theme.name());
    }
    assert_eq!(report.len(), 10, "every screen in both themes");
    assert!(
        failures.is_empty(),
        "axe violations:\n{}",
        failures.join("\n")
    );
    client.close().await.unwrap();
}
