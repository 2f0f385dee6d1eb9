//! The API tokens page: the form, the list and the one-time secret.

use std::rc::Rc;

use portcullis_shared::dto::{CreatedTokenDto, TokenDto, TokenState};
use portcullis_shared::scope::Scope;
use portcullis_web::pages::tokens::{NewTokenSecret, TokenList};
use yew::prelude::*;

use crate::support::{
    assert_has, between, owner, render_at, render_signed_in, tag_with, tag_with_id, text_of, Given,
};

fn token(id: &str, name: &str, state: TokenState) -> TokenDto {
    TokenDto {
        ip_allowlist_expires_at: Default::default(),
        id: id.into(),
        name: name.into(),
        scopes: vec![Scope::Sms, Scope::Profile],
        hint: "…x7Yq2A".into(),
        state,
        created_at: "2026-11-20T10:15:00Z".into(),
        expires_at: None,
        last_used_at: None,
        last_used_ip: None,
        ip_allowlist: Vec::new(),
        policy: None,
    }
}

fn three_tokens() -> Vec<TokenDto> {
    let mut crm = token("tok_active", "CRM integration", TokenState::Active);
    crm.expires_at = Some("2027-01-31T23:59:59Z".into());
    crm.last_used_at = Some("2026-11-21T08:30:00Z".into());
    crm.last_used_ip = Some("203.0.113.9".into());
    crm.ip_allowlist = vec!["203.0.113.0/24".into(), "2001:db8::/32".into()];
    let mut paused = token("tok_disabled", "Old website", TokenState::Disabled);
    paused.scopes = vec![Scope::ContactsRead];
    let mut expired = token("tok_expired", "Trial", TokenState::Expired);
    expired.expires_at = Some("2026-10-01T23:59:59Z".into());
    vec![crm, paused, expired]
}

async fn render_list(tokens: Vec<TokenDto>) -> String {
    render_signed_in(move || {
        html! {
            <TokenList items={Rc::new(tokens)} on_changed={Callback::noop()}
                on_removed={Callback::noop()} on_renewed={Callback::noop()} />
        }
    })
    .await
}

/// The HTML of the row of token `id`, up to the next row.
fn row<'a>(html: &'a str, id: &str) -> &'a str {
    between(html, &format!(r#"data-token-id="{id}""#), "data-token-id=")
}

#[tokio::test]
async fn tokens_page_renders_the_new_token_form_with_stable_ids() {
    let html = render_at("/tokens", Given::SignedIn(Box::new(owner()))).await;

    assert!(html.contains(r#"data-testid="tokens""#), "{html}");
    assert!(html.contains("<h1>API tokens</h1>"), "{html}");

    let name = tag_with_id(&html, "new-token-name");
    assert!(name.starts_with("<input"), "{name}");
    assert_has(name, r#"type="text""#);
    assert!(html.contains(r#"<label for="new-token-name">Name"#));

    for scope in Scope::ALL {
        let input = tag_with(&html, &format!(r#"value="{}""#, scope.as_str()));
        assert!(input.starts_with("<input"), "{input}");
        assert_has(input, r#"type="checkbox""#);
        assert_has(input, r#"name="scope""#);
        assert!(
            !input.contains("checked"),
            "nothing is chosen up front: {input}"
        );
        assert!(
            html.contains(scope.description()),
            "{} is explained: {html}",
            scope.as_str()
        );
    }
    assert_eq!(html.matches(r#"name="scope""#).count(), Scope::ALL.len());
    assert_has(
        tag_with_id(&html, "scope-contacts-read"),
        r#"value="contacts:read""#,
    );

    // The expiry is chosen from presets, 30 days up front; a date field only on asking.
    let expiry = tag_with_id(&html, "new-token-expiry-choice");
    assert!(expiry.starts_with("<select"), "{expiry}");
    assert!(
        html.contains("In 30 days") && html.contains("Never"),
        "{html}"
    );
    assert!(!html.contains(r#"id="new-token-expiry""#), "{html}");
    assert!(html.contains("end of its last day, UTC"), "{html}");
    let allowlist = tag_with_id(&html, "new-token-allowlist");
    assert!(allowlist.starts_with("<textarea"), "{allowlist}");
    assert!(html.contains("One address or range per line."));

    let create = tag_with_id(&html, "create-token");
    assert!(create.starts_with("<button"), "{create}");
    assert_has(create, r#"type="submit""#);
    assert_eq!(text_of(&html, "create-token"), "Create token");

    // The list is being fetched; no secret is on show.
    assert!(html.contains("Loading your tokens…"), "{html}");
    assert!(!html.contains(r#"id="token-secret""#));
    assert!(
        !html.contains("field-error"),
        "a fresh form shows no errors"
    );
    assert!(
        !html.contains("csrf-secret"),
        "the CSRF token is never shown"
    );
}

#[tokio::test]
async fn the_header_links_to_the_tokens_page_and_the_tabs_mark_it() {
    let html = render_at("/", Given::SignedIn(Box::new(owner()))).await;
    let nav = between(&html, r#"aria-label="Main""#, "</nav>");
    let dashboard = nav.find(r#"href="/""#).expect("dashboard link");
    let tokens = nav.find(r#"href="/tokens""#).expect("tokens link");
    assert!(dashboard < tokens, "next to Dashboard: {nav}");
    assert!(nav.contains(">API access<"), "{nav}");
    assert_has(tag_with(nav, r#"href="/tokens""#), r#"class="nav-link""#);
    assert!(!tag_with(nav, r#"href="/tokens""#).contains("nav-link--current"));

    let html = render_at("/tokens", Given::SignedIn(Box::new(owner()))).await;
    let nav = between(&html, r#"aria-label="Main""#, "</nav>");
    assert_has(tag_with(nav, r#"href="/tokens""#), "nav-link--current");
    let tabs = between(&html, r#"aria-label="API access""#, "</nav>");
    assert_has(tag_with(tabs, r#"href="/tokens""#), "tab--current");
    assert!(!tag_with(tabs, r#"href="/api-allowlist""#).contains("tab--current"));
}

#[tokio::test]
async fn tokens_page_is_not_shown_without_a_session() {
    let html = render_at("/tokens", Given::Anonymous).await;
    assert!(!html.contains(r#"data-testid="tokens""#), "{html}");
    assert!(!html.contains(r#"id="new-token-name""#));
    assert!(
        !html.contains(r#"href="/tokens""#),
        "no link for visitors: {html}"
    );
}

#[tokio::test]
async fn each_token_shows_its_state_use_and_the_actions_it_allows() {
    let html = render_list(three_tokens()).await;
    assert_eq!(html.matches("data-token-id=").count(), 3);

    let active = row(&html, "tok_active");
    assert!(active.starts_with(r#"data-token-id="tok_active""#));
    assert!(active.contains(">CRM integration<"), "{active}");
    assert_eq!(
        text_of(active, r#"class="badge token-state token-state--active""#),
        "Active"
    );
    let sms = tag_with(active, r#"title="Send text messages"#);
    assert_has(sms, r#"class="chip""#);
    assert_eq!(text_of(active, r#"title="Send text messages"#), "sms");
    assert!(active.contains(">profile</li>"), "{active}");
    assert_eq!(text_of(active, r#"class="token-hint""#), "…x7Yq2A");
    assert_eq!(
        text_of(active, r#"class="token-created""#),
        "20 Nov 2026, 10:15 UTC"
    );
    assert_eq!(
        text_of(active, r#"class="token-expires""#),
        "31 Jan 2027, 23:59 UTC"
    );
    assert_eq!(
        text_of(active, r#"class="token-last-used""#),
        "21 Nov 2026, 08:30 UTC"
    );
    assert_eq!(text_of(active, r#"class="token-last-ip""#), "203.0.113.9");
    assert!(
        active.contains(r#"<li class="chip chip--mono">203.0.113.0/24</li>"#),
        "{active}"
    );
    assert!(active.contains(r#"<li class="chip chip--mono">2001:db8::/32</li>"#));
    assert!(active.contains("token-disable"), "{active}");
    assert!(!active.contains("token-enable"));
    assert!(active.contains("token-edit-allowlist"));
    assert!(active.contains("token-delete"));
    assert!(
        !active.contains("token-delete-confirm"),
        "deleting asks first: {active}"
    );

    let disabled = row(&html, "tok_disabled");
    assert_eq!(
        text_of(
            disabled,
            r#"class="badge token-state token-state--disabled""#
        ),
        "Disabled"
    );
    assert!(disabled.contains("token-enable"), "{disabled}");
    assert!(!disabled.contains("token-disable"));
    assert!(disabled.contains(">contacts:read</li>"));
    assert!(disabled.contains("Never used"), "{disabled}");
    assert!(
        disabled.contains("Any address the account allows"),
        "{disabled}"
    );
    let expires = between(disabled, r#"class="token-expires""#, "</dd>");
    assert!(expires.contains("Never"), "{expires}");

    let expired = row(&html, "tok_expired");
    assert_eq!(
        text_of(expired, r#"class="badge token-state token-state--expired""#),
        "Expired"
    );
    assert!(
        !expired.contains("token-enable") && !expired.contains("token-disable"),
        "{expired}"
    );
    assert!(!expired.contains("token-edit-allowlist"));
    assert!(expired.contains("token-delete"));
    assert!(expired.contains("<dt>Expired</dt>"), "{expired}");
    assert!(expired.contains("can't be re-enabled"));
}

#[tokio::test]
async fn each_token_shows_its_policy_in_words_and_offers_to_edit_it() {
    let mut tokens = three_tokens();
    tokens[0].policy = Some(portcullis_shared::dto::CredentialPolicyDto {
        countries: Some(vec!["GB".into(), "PL".into()]),
        window: Some(portcullis_shared::dto::SendingWindowDto {
            days: portcullis_shared::dto::Weekday::ALL[..5].to_vec(),
            start: "08:00".into(),
            end: "18:00".into(),
            time_zone: "Europe/Warsaw".into(),
        }),
        daily_points_cap: Some(500),
        ..Default::default()
    });
    let html = render_list(tokens).await;
    let active = row(&html, "tok_active");
    assert_eq!(
        text_of(active, r#"class="token-policy""#),
        "GB, PL only · Mon–Fri 08:00–18:00 (Europe/Warsaw) · 500 points/day"
    );
    assert!(active.contains("token-edit-policy"), "{active}");
    let disabled = row(&html, "tok_disabled");
    assert!(
        between(disabled, r#"class="token-policy""#, "</dd>").contains("No limits of its own"),
        "{disabled}"
    );
    assert!(!row(&html, "tok_expired").contains("token-edit-policy"));
}

#[tokio::test]
async fn an_empty_list_says_what_tokens_are_for() {
    let html = render_list(Vec::new()).await;
    assert!(html.contains(r#"id="tokens-empty""#), "{html}");
    assert!(html.contains("No API tokens yet"));
    assert!(!html.contains("data-token-id"));
}

#[tokio::test]
async fn the_new_secret_is_shown_once_with_a_warning_and_a_copy_button() {
    let secret = "pcl_at_eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhY2MifQ.c2lnbmF0dXJl";
    let html = render_signed_in(move || {
        let mut token = token("tok_new", "CRM integration", TokenState::Active);
        token.scopes = vec![Scope::Profile];
        let created = CreatedTokenDto {
            token,
            secret: secret.into(),
        };
        html! { <NewTokenSecret {created} on_done={Callback::noop()} /> }
    })
    .await;

    assert_eq!(text_of(&html, "token-secret"), secret);
    assert!(tag_with_id(&html, "token-secret").starts_with("<code"));
    assert!(html.contains("Token “CRM integration” created"), "{html}");
    let warning = between(&html, r#"class="banner banner--warning""#, "</div>");
    assert!(warning.contains("you won't see it again"), "{warning}");
    assert_has(
        tag_with(&html, r#"class="banner banner--warning""#),
        r#"role="alert""#,
    );
    let copy = tag_with_id(&html, "copy-token-secret");
    assert!(copy.starts_with("<button"), "{copy}");
    assert_has(copy, r#"type="button""#);
    assert!(between(&html, r#"id="copy-token-secret""#, "</button>").contains("Copy"));
    assert!(html.contains(r#"id="token-secret-done""#));
    assert!(html.contains("Authorization: Bearer"));
}
