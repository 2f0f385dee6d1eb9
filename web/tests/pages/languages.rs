//! The portal in Polish: chosen in the browser (anonymous pages) or the login's stored
//! language (signed in), with no message id and no English heading left on the page.

use std::collections::BTreeSet;

use portcullis_shared::dto::Language;
use portcullis_web::i18n::message_files;

use crate::support::{owner, render_at, render_in, text_of, Given};

/// Every message id of the portal.
fn message_ids() -> BTreeSet<String> {
    message_files(Language::En)
        .iter()
        .flat_map(|(_, source)| source.lines())
        .filter_map(|line| line.split_once(" = ").map(|(id, _)| id.trim()))
        .filter(|id| !id.starts_with(['#', ' ']) && !id.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The text between tags and the values of attributes people see or hear.
fn shown_texts(html: &str) -> Vec<String> {
    let mut texts: Vec<String> = html
        .split('<')
        .filter_map(|piece| piece.split_once('>').map(|(_, text)| text.trim()))
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
        .collect();
    for attribute in ["aria-label=\"", "placeholder=\"", "title=\""] {
        for (at, _) in html.match_indices(attribute) {
            let rest = &html[at + attribute.len()..];
            texts.push(rest[..rest.find('"').unwrap_or(0)].to_owned());
        }
    }
    texts
}

/// Fails on any text that is a message id, or looks like one (`word-word-word`).
fn assert_no_message_ids(url: &str, html: &str) {
    let ids = message_ids();
    for text in shown_texts(html) {
        assert!(!ids.contains(&text), "{url} shows the id {text}");
        let looks_like_id = !text.contains(' ')
            && text.split('-').count() >= 3
            && text
                .split('-')
                .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()));
        assert!(!looks_like_id, "{url} shows {text}, like a message id");
    }
}

/// The text the page's `<h1>` starts with.
fn heading(html: &str) -> &str {
    let at = html
        .find("<h1")
        .unwrap_or_else(|| panic!("no heading in {html}"));
    let rest = &html[at..];
    let rest = &rest[rest.find('>').unwrap() + 1..];
    &rest[..rest.find('<').unwrap_or(rest.len())]
}

#[tokio::test]
async fn the_anonymous_pages_are_in_polish_when_it_was_chosen() {
    for (url, polish, english) in [
        ("/login", "Zaloguj się", "Log in"),
        ("/signup", "Utwórz konto", "Create your account"),
        ("/forgot-password", "Zresetuj hasło", "Reset your password"),
        (
            "/reset-password",
            "Ustaw nowe hasło",
            "Choose a new password",
        ),
        (
            "/verify-email",
            "Potwierdź adres e-mail",
            "Confirm your e-mail",
        ),
        ("/no/such/page", "Nie znaleziono strony", "Page not found"),
    ] {
        let html = render_in(url, Given::Anonymous, Some(Language::Pl)).await;
        assert_eq!(heading(&html), polish, "{url}: {html}");
        assert!(!html.contains(&format!(">{english}<")), "{url}: {html}");
        assert_no_message_ids(url, &html);
    }
}

#[tokio::test]
async fn the_login_page_in_polish_offers_english_back() {
    let html = render_in("/login", Given::Anonymous, Some(Language::Pl)).await;
    assert_eq!(text_of(&html, "login-submit"), "Zaloguj się");
    assert!(html.contains("Zaloguj się kluczem dostępu"), "{html}");
    assert!(
        html.contains(r#"<label for="email">Adres e-mail"#),
        "{html}"
    );
    assert!(html.contains(r#"<label for="password">Hasło"#), "{html}");
    // The switch names each language in itself, the current one pressed.
    let polish = crate::support::tag_with_id(&html, "language-pl");
    assert!(polish.contains(r#"aria-pressed="true""#), "{polish}");
    assert_eq!(text_of(&html, "language-en"), "English");
    assert_eq!(text_of(&html, "language-pl"), "Polski");
}

#[tokio::test]
async fn a_signed_in_login_sees_its_stored_language() {
    let mut me = owner();
    me.language = Language::Pl;
    let html = render_at("/", Given::SignedIn(Box::new(me))).await;
    assert_eq!(heading(&html), "Konto", "{html}");
    assert!(html.contains("Saldo punktów"), "{html}");
    // Polish groups thousands with a no-break space, and its dates and plurals are Polish.
    assert_eq!(text_of(&html, "points-balance").trim(), "12\u{a0}500");
    assert_eq!(text_of(&html, "account-created"), "2 sty 2026, 03:04 UTC");
    assert_eq!(text_of(&html, "session-idle-timeout"), "30 minut");
    assert!(html.contains(">Pulpit<"), "the nav is Polish: {html}");
    assert!(!html.contains(">Your account<"), "{html}");
    assert_no_message_ids("/", &html);
}

#[tokio::test]
async fn the_signed_in_pages_are_in_polish() {
    for (url, polish, english) in [
        ("/sessions", "Sesje", "Sessions"),
        (
            "/security/two-factor",
            "Uwierzytelnianie dwuskładnikowe",
            "Two-factor sign-in",
        ),
        ("/password", "Hasło", "Password"),
        ("/tokens", "Tokeny API", "API tokens"),
        ("/oauth-clients", "Klienci OAuth2", "OAuth2 clients"),
        (
            "/api-allowlist",
            "Lista dozwolonych adresów API",
            "API IP allowlist",
        ),
        (
            "/portal-allowlist",
            "Lista dozwolonych adresów portalu",
            "Portal IP allowlist",
        ),
        ("/country-filter", "Kraje docelowe", "Destination countries"),
        ("/subusers", "Subkonta", "Subusers"),
        ("/security-log", "Dziennik bezpieczeństwa", "Security log"),
        ("/send", "Wyślij SMS", "Send SMS"),
        ("/contacts", "Kontakty", "Contacts"),
        ("/senders", "Nazwy nadawcy", "Sender names"),
        (
            "/activity",
            "Co się ostatnio działo",
            "What happened lately",
        ),
    ] {
        let mut me = owner();
        me.language = Language::Pl;
        let html = render_at(url, Given::SignedIn(Box::new(me))).await;
        assert!(heading(&html).starts_with(polish), "{url}: {html}");
        assert!(!html.contains(&format!(">{english}<")), "{url}: {html}");
        assert_no_message_ids(url, &html);
    }
    // The forms the pages hold before their lists arrive.
    let mut me = owner();
    me.language = Language::Pl;
    let html = render_at("/tokens", Given::SignedIn(Box::new(me))).await;
    assert_eq!(text_of(&html, "create-token"), "Utwórz token");
    assert!(html.contains("Za 30 dni"), "{html}");
    assert!(html.contains("Wczytywanie tokenów…"), "{html}");
}

#[tokio::test]
async fn a_choice_made_in_the_browser_wins_over_the_stored_language() {
    let mut me = owner();
    me.language = Language::Pl;
    let html = render_in("/", Given::SignedIn(Box::new(me)), Some(Language::En)).await;
    assert_eq!(heading(&html), "Your account", "{html}");
}

#[tokio::test]
async fn the_english_login_page_says_what_its_static_shell_says() {
    // web/login-shell.html is painted before the app arrives; the app then replaces it.
    let shell = include_str!("../../login-shell.html");
    let html = render_at("/login", Given::Anonymous).await;
    let rendered = shown_texts(&html);
    for text in shown_texts(shell) {
        if text.starts_with("!--") || text.contains("-->") {
            continue;
        }
        assert!(
            rendered.contains(&text),
            "the shell says {text:?}, the app does not: {rendered:?}"
        );
    }
}
