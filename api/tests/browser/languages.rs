//! The portal in Polish: a visitor starts in English, switches to Polski in the account
//! menu, and every page then reads in Polish, with no message id showing where words
//! should be; the choice outlives a reload and a log-out.

use std::time::Duration;

use fantoccini::Client;

use crate::support::{
    click, fill, find, save_screenshot, sign_up, start_browser, start_server, wait_for_part,
};

/// Every page of an owner, with the start of its heading in Polish.
const SIGNED_IN_PAGES: &[(&str, &str)] = &[
    ("/", "Konto"),
    ("/activity", "Co się ostatnio działo"),
    ("/send", "Wyślij SMS"),
    ("/contacts", "Kontakty"),
    ("/senders", "Nazwy nadawcy"),
    ("/sessions", "Sesje"),
    ("/security/two-factor", "Uwierzytelnianie dwuskładnikowe"),
    ("/password", "Hasło"),
    ("/portal-allowlist", "Lista dozwolonych adresów portalu"),
    ("/security-log", "Dziennik bezpieczeństwa"),
    ("/tokens", "Tokeny API"),
    ("/oauth-clients", "Klienci OAuth2"),
    ("/api-allowlist", "Lista dozwolonych adresów API"),
    ("/country-filter", "Kraje docelowe"),
    ("/subusers", "Subkonta"),
    ("/no/such/page", "Nie znaleziono strony"),
];
const ANONYMOUS_PAGES: &[(&str, &str)] = &[
    ("/login", "Zaloguj się"),
    ("/signup", "Utwórz konto"),
    ("/forgot-password", "Zresetuj hasło"),
];

/// The page's texts (and the labels people hear) that look like a message id:
/// lowercase words joined by hyphens, three or more, with no space.
async fn message_ids_shown(client: &Client) -> Vec<String> {
    let answer = client
        .execute(
            r#"
            const looksLikeId = (text) => /^[a-z]+(-[a-z0-9]+){2,}$/.test(text.trim());
            const found = [];
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
                if (looksLikeId(walker.currentNode.nodeValue)) found.push(walker.currentNode.nodeValue.trim());
            }
            for (const element of document.querySelectorAll("[aria-label], [placeholder], [title]")) {
                for (const name of ["aria-label", "placeholder", "title"]) {
                    const value = element.getAttribute(name);
                    if (value && looksLikeId(value)) found.push(`${name}=${value}`);
                }
            }
            if (looksLikeId(document.title.split(" · ")[0])) found.push(`title: ${document.title}`);
            return found;
            "#,
            Vec::new(),
        )
        .await
        .unwrap();
    serde_json::from_value(answer).unwrap()
}

async fn document_language(client: &Client) -> String {
    let lang = client
        .execute("return document.documentElement.lang", Vec::new())
        .await
        .unwrap();
    lang.as_str().unwrap_or_default().to_owned()
}

/// Opens `path` with a full load (the language comes back from the browser's storage) and
/// waits for its heading and its data.
async fn open(client: &Client, base: &str, path: &str) -> String {
    client.goto(&format!("{base}{path}")).await.unwrap();
    find(client, "main h1").await;
    // Lists load after the heading.
    tokio::time::sleep(Duration::from_millis(700)).await;
    heading(client).await
}

/// The page's heading, read again if a render replaced it meanwhile.
async fn heading(client: &Client) -> String {
    for _ in 0..10 {
        if let Ok(text) = find(client, "main h1").await.text().await {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the heading kept changing")
}

async fn assert_polish(client: &Client, path: &str, heading: &str, expected: &str) {
    // (The two-factor heading ends with its state, "Włączone" or "Wyłączone".)
    assert!(heading.starts_with(expected), "{path}'s heading: {heading}");
    assert_eq!(document_language(client).await, "pl", "{path}: <html lang>");
    let ids = message_ids_shown(client).await;
    assert!(ids.is_empty(), "{path} shows message ids: {ids:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_switches_to_polish_and_every_page_follows() {
    let scratch = tempfile::tempdir().unwrap();
    let (_server, base) = start_server(&scratch.path().join("portcullis.db"));
    let (_driver, client) = start_browser(&scratch.path().join("profile")).await;

    // The headless browser prefers English: the portal starts in it.
    sign_up(&client, &base, "maria@example.com", Some("+48500100209")).await;
    assert_eq!(heading(&client).await, "Your account");
    assert_eq!(document_language(&client).await, "en");

    // The account menu's switch: the page follows at once, title and all.
    click(&client, "#account-menu-button").await;
    click(&client, "#language-pl").await;
    for _ in 0..50 {
        if heading(&client).await == "Konto" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(heading(&client).await, "Konto");
    assert_eq!(client.title().await.unwrap(), "Pulpit · Portcullis");
    let pressed = find(&client, "#language-pl")
        .await
        .attr("aria-pressed")
        .await;
    assert_eq!(pressed.unwrap().as_deref(), Some("true"));
    let stored = client
        .execute(
            "return localStorage.getItem('portcullis.language')",
            Vec::new(),
        )
        .await
        .unwrap();
    assert_eq!(stored.as_str(), Some("pl"));
    save_screenshot(&client, "languages-account-menu-pl.png", 1280, 900).await;

    for (path, expected) in SIGNED_IN_PAGES {
        let heading = open(&client, &base, path).await;
        assert_polish(&client, path, &heading, expected).await;
    }
    open(&client, &base, "/").await;
    // The checklist is worded by the portal from each check's kind and count, not shown
    // in the API's English.
    wait_for_part(
        &client,
        "[data-check='two_factor'] .check-title",
        "Logowanie dwuskładnikowe jest wyłączone",
    )
    .await;
    wait_for_part(
        &client,
        "[data-check='api_allowlist'] .check-detail",
        "Dodaj adresy swoich serwerów",
    )
    .await;
    save_screenshot(&client, "languages-dashboard-pl.png", 1280, 900).await;

    // A refusal of the API reads in Polish too, by its stable code: an address the API
    // cannot parse (the portal does not check addresses itself).
    open(&client, &base, "/api-allowlist").await;
    fill(&client, "#allowlist-value", "not-an-address").await;
    click(&client, "#allowlist-add").await;
    wait_for_part(
        &client,
        "#allowlist-value-error",
        "Podaj adres IP lub zakres",
    )
    .await;
    save_screenshot(&client, "languages-refusal-pl.png", 1280, 900).await;

    // Logged out, the choice stays with the browser.
    click(&client, "#account-menu-button").await;
    click(&client, "#account-menu-logout").await;
    find(&client, "#login-submit").await;
    for (path, expected) in ANONYMOUS_PAGES {
        let heading = open(&client, &base, path).await;
        assert_polish(&client, path, &heading, expected).await;
    }
    open(&client, &base, "/login").await;
    save_screenshot(&client, "languages-login-pl.png", 1280, 900).await;

    // And back to English from the login page's own switch.
    click(&client, "#language-en").await;
    for _ in 0..50 {
        if heading(&client).await == "Log in" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(heading(&client).await, "Log in");
    assert_eq!(document_language(&client).await, "en");
}
