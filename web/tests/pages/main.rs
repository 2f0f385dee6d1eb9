//! Component tests: pages and fields rendered to HTML with Yew's server renderer.
//!
//! Effects do not run on the server, so nothing here calls the API: the session is given
//! to `SessionProvider` directly, and guard redirects show up as pages left empty.

mod activity;
mod api_allowlist;
mod bulk_sms;
mod country_filter;
mod languages;
mod login_security;
mod oauth_clients;
mod passwords;
mod portal_allowlist;
mod security_log;
mod sessions;
mod subusers;
mod support;
mod tokens;

use portcullis_shared::validate;
use portcullis_web::components::{FormBanner, FormBannerProps, TextFieldProps};
use yew::prelude::*;

use support::{assert_has, owner, render_at, render_field, tag_with, tag_with_id, text_of, Given};

#[tokio::test]
async fn login_page_renders_the_form_with_stable_ids() {
    let html = render_at("/login", Given::Anonymous).await;

    let email = tag_with_id(&html, "email");
    assert!(email.starts_with("<input"), "{email}");
    assert_has(email, r#"name="email""#);
    assert_has(email, r#"type="email""#);
    assert_has(email, r#"autocomplete="email""#);
    let password = tag_with_id(&html, "password");
    assert_has(password, r#"name="password""#);
    assert_has(password, r#"type="password""#);
    assert_has(password, r#"autocomplete="current-password""#);
    let submit = tag_with_id(&html, "login-submit");
    assert!(submit.starts_with("<button"), "{submit}");
    assert_has(submit, r#"type="submit""#);
    assert_eq!(text_of(&html, "login-submit"), "Log in");

    assert!(
        html.contains(r#"<label for="email">E-mail address"#),
        "{html}"
    );
    assert!(
        html.contains(r#"href="/signup""#),
        "link to sign-up: {html}"
    );
    assert!(
        !html.contains("field-error"),
        "a fresh form shows no errors: {html}"
    );
    assert!(
        !html.contains(r#"id="form-error""#),
        "a fresh form has no banner: {html}"
    );
    assert!(!html.contains(r#"data-testid="dashboard""#));
}

#[tokio::test]
async fn login_form_shows_while_the_session_is_being_restored() {
    let html = render_at("/login", Given::Restoring).await;
    assert!(html.contains(r#"id="login-submit""#), "{html}");
}

#[tokio::test]
async fn signup_page_renders_every_field_and_the_country_picker() {
    let html = render_at("/signup", Given::Anonymous).await;

    for (id, kind) in [
        ("email", "email"),
        ("password", "password"),
        ("phone", "tel"),
    ] {
        let tag = tag_with_id(&html, id);
        assert!(tag.starts_with("<input"), "{tag}");
        assert_has(tag, &format!(r#"name="{id}""#));
        assert_has(tag, &format!(r#"type="{kind}""#));
    }
    assert_has(
        tag_with_id(&html, "password"),
        r#"autocomplete="new-password""#,
    );
    assert!(html.contains("At least 8 characters, with an uppercase letter and a digit."));
    assert!(
        html.contains(r#"<span class="field-optional">optional</span>"#),
        "phone is optional"
    );

    let country = tag_with_id(&html, "country");
    assert!(country.starts_with("<select"), "{country}");
    assert_has(country, r#"name="country""#);
    let options = html.matches("<option").count();
    assert_eq!(options, validate::countries().len());
    assert!(options > 200, "every country is offered, got {options}");
    let poland = tag_with(&html, r#"value="PL""#);
    assert!(poland.starts_with("<option"), "{poland}");
    assert_has(poland, "selected");
    assert_eq!(text_of(&html, r#"value="PL""#), "Poland");
    assert!(!tag_with(&html, r#"value="DE""#).contains("selected"));
    assert_eq!(text_of(&html, r#"value="DE""#), "Germany");
    assert_eq!(
        html.matches(" selected").count(),
        1,
        "one country selected: {poland}"
    );

    let submit = tag_with_id(&html, "signup-submit");
    assert_has(submit, r#"type="submit""#);
    assert_eq!(text_of(&html, "signup-submit"), "Create account");
    assert!(html.contains(r#"href="/login""#), "link to login");
}

#[tokio::test]
async fn a_field_with_an_error_shows_it_inline_and_is_marked_invalid() {
    let html = render_field(|| TextFieldProps {
        id: "email".into(),
        label: "E-mail address".into(),
        input_type: "email".into(),
        value: "not-an-email".into(),
        on_change: Callback::noop(),
        error: Some("Enter a valid e-mail address, like name@example.com.".into()),
        hint: Some("We never share it.".into()),
        autocomplete: None,
        placeholder: None,
        optional: false,
        disabled: false,
        min: None,
        inputmode: None,
    })
    .await;

    assert_has(tag_with(&html, "<div"), r#"class="field field--invalid""#);
    let input = tag_with_id(&html, "email");
    assert_has(input, r#"aria-invalid="true""#);
    assert_has(input, r#"aria-describedby="email-error""#);
    assert_has(input, r#"value="not-an-email""#);
    let error = tag_with_id(&html, "email-error");
    assert!(error.starts_with("<p"), "{error}");
    assert_has(error, r#"class="field-error""#);
    assert_has(error, r#"role="alert""#);
    assert_eq!(
        text_of(&html, "email-error"),
        "Enter a valid e-mail address, like name@example.com."
    );
    assert!(
        !html.contains("We never share it."),
        "the error replaces the hint"
    );
}

#[tokio::test]
async fn a_field_without_an_error_shows_its_hint_and_is_valid() {
    let html = render_field(|| TextFieldProps {
        id: "phone".into(),
        label: "Mobile phone".into(),
        input_type: "tel".into(),
        value: "".into(),
        on_change: Callback::noop(),
        error: None,
        hint: Some("International format.".into()),
        autocomplete: None,
        placeholder: Some("+48500100200".into()),
        optional: true,
        disabled: false,
        min: None,
        inputmode: None,
    })
    .await;

    assert_has(tag_with(&html, "<div"), r#"class="field""#);
    let input = tag_with_id(&html, "phone");
    assert!(!input.contains("aria-invalid"), "{input}");
    assert_has(input, r#"aria-describedby="phone-hint""#);
    assert_has(input, r#"placeholder="+48500100200""#);
    assert_eq!(text_of(&html, "phone-hint"), "International format.");
    assert!(!html.contains("field-error"));
}

#[tokio::test]
async fn the_form_banner_is_an_alert_only_when_there_is_a_message() {
    let html = yew::ServerRenderer::<FormBanner>::with_props(|| FormBannerProps {
        message: Some("The e-mail address or password is incorrect.".into()),
    })
    .hydratable(false)
    .render()
    .await;
    let banner = tag_with_id(&html, "form-error");
    assert!(banner.starts_with("<div"), "{banner}");
    assert_has(banner, r#"class="banner banner--error""#);
    assert_has(banner, r#"role="alert""#);
    assert_eq!(
        text_of(&html, "form-error"),
        "The e-mail address or password is incorrect."
    );

    let html = yew::ServerRenderer::<FormBanner>::with_props(|| FormBannerProps { message: None })
        .hydratable(false)
        .render()
        .await;
    assert_eq!(html, "");
}

#[tokio::test]
async fn dashboard_shows_the_signed_in_account() {
    let html = render_at("/", Given::SignedIn(Box::new(owner()))).await;

    assert!(html.contains(r#"data-testid="dashboard""#), "{html}");
    assert_eq!(text_of(&html, "account-email"), "owner@example.com");
    assert!(html.contains("acc_01j9z3q8m6e7r5t4y3w2v1u0s9"));
    assert_eq!(text_of(&html, "account-phone"), "+48500100200");
    assert_eq!(text_of(&html, "account-country"), "Poland (PL)");
    assert_eq!(text_of(&html, "points-balance"), "12,500");
    assert_eq!(text_of(&html, "account-created"), "2 Jan 2026, 03:04 UTC");
    assert!(text_of(&html, "session-expires").contains("22 Nov 2026, 20:00 UTC"));
    assert_eq!(text_of(&html, "session-idle-timeout"), "30 minutes");
    let logout = tag_with_id(&html, "logout");
    assert!(logout.starts_with("<button"), "{logout}");
    assert_eq!(text_of(&html, "logout"), "Log out");
    assert!(
        !html.contains("csrf-secret"),
        "the CSRF token is never shown"
    );
    // The header knows who is signed in and offers no login link.
    assert_eq!(
        text_of(&html, r#"class="account-email""#),
        "owner@example.com"
    );
    assert!(!html.contains(r#"href="/login""#), "{html}");
}

#[tokio::test]
async fn dashboard_says_when_no_phone_is_set() {
    let mut me = owner();
    me.account.phone = None;
    let html = render_at("/", Given::SignedIn(Box::new(me))).await;
    let after_phone = &html[html.find(r#"id="account-phone""#).expect("phone row")..];
    assert_has(tag_with(after_phone, "<span"), r#"class="muted""#);
    assert_eq!(text_of(after_phone, r#"class="muted""#), "Not set");
}

#[tokio::test]
async fn dashboard_is_not_shown_without_a_session() {
    let html = render_at("/", Given::Anonymous).await;
    assert!(!html.contains(r#"data-testid="dashboard""#), "{html}");
    assert!(!html.contains(r#"id="account-email""#));
    // The header still renders, with the way in.
    assert!(html.contains(r#"href="/login""#), "{html}");
    assert!(html.contains(r#"href="/signup""#));
}

#[tokio::test]
async fn dashboard_waits_while_the_session_is_being_restored() {
    let html = render_at("/", Given::Restoring).await;
    assert!(html.contains("Loading your account…"), "{html}");
    assert!(!html.contains(r#"data-testid="dashboard""#));
}

#[tokio::test]
async fn login_and_signup_are_not_shown_to_a_signed_in_visitor() {
    for url in ["/login", "/signup"] {
        let html = render_at(url, Given::SignedIn(Box::new(owner()))).await;
        assert!(!html.contains(r#"id="login-submit""#), "{url}: {html}");
        assert!(!html.contains(r#"id="signup-submit""#), "{url}: {html}");
        assert!(!html.contains(r#"id="password""#), "{url}: {html}");
    }
}

#[tokio::test]
async fn unknown_paths_show_the_not_found_page() {
    let html = render_at("/no/such/page", Given::Anonymous).await;
    assert!(html.contains(r#"data-testid="not-found""#), "{html}");
    assert!(html.contains("Page not found"));
    assert!(!html.contains(r#"id="login-submit""#));
}

#[tokio::test]
async fn verify_email_page_without_a_token_says_the_link_is_incomplete() {
    // (With a token, the page's button is covered by the browser test: a query string in the
    // server renderer's memory history needs the browser's URL parser.)
    let html = render_at("/verify-email", Given::Anonymous).await;
    assert!(html.contains(r#"data-testid="verify-email""#), "{html}");
    assert!(html.contains(r#"id="verify-no-token""#), "{html}");
    assert!(!html.contains(r#"id="verify-email-submit""#), "{html}");
    assert!(html.contains(r#"href="/signup""#), "{html}");
}
