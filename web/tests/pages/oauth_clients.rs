//! The OAuth2 clients page: the form, the list, the one-time credentials and the snippet.

use std::rc::Rc;

use portcullis_shared::dto::{CreatedOAuthClientDto, OAuthClientDto};
use portcullis_shared::scope::Scope;
use portcullis_web::components::scope_input_id;
use portcullis_web::pages::oauth_clients::{ClientList, NewClientSecret};
use yew::prelude::*;

use crate::support::{
    assert_has, between, owner, render_at, render_signed_in, tag_with, tag_with_id, text_of, Given,
};

fn client(id: &str, name: &str, disabled: bool) -> OAuthClientDto {
    OAuthClientDto {
        ip_allowlist_expires_at: Default::default(),
        id: id.into(),
        name: name.into(),
        scopes: vec![Scope::Sms, Scope::Profile],
        ip_allowlist: Vec::new(),
        token_lifetime_secs: 3600,
        disabled,
        created_at: "2026-11-20T10:15:00Z".into(),
        previous_secret_expires_at: None,
        last_used_at: None,
        last_used_ip: None,
        policy: None,
    }
}

async fn render_list(clients: Vec<OAuthClientDto>) -> String {
    render_signed_in(move || {
        html! {
            <ClientList items={Rc::new(clients)} on_changed={Callback::noop()}
                on_removed={Callback::noop()} on_renewed={Callback::noop()} />
        }
    })
    .await
}

fn row<'a>(html: &'a str, id: &str) -> &'a str {
    between(
        html,
        &format!(r#"data-client-id="{id}""#),
        "data-client-id=",
    )
}

#[tokio::test]
async fn clients_page_renders_the_form_with_stable_ids_and_the_snippet() {
    let html = render_at("/oauth-clients", Given::SignedIn(Box::new(owner()))).await;

    assert!(html.contains(r#"data-testid="oauth-clients""#), "{html}");
    assert!(html.contains("<h1>OAuth2 clients</h1>"), "{html}");
    let name = tag_with_id(&html, "new-client-name");
    assert!(name.starts_with("<input"), "{name}");
    for scope in Scope::ALL {
        let input = tag_with_id(&html, &scope_input_id("client-scope", scope));
        assert_has(input, r#"type="checkbox""#);
        assert_has(input, r#"name="client-scope""#);
        assert_has(input, &format!(r#"value="{}""#, scope.as_str()));
        assert!(!input.contains("checked"), "{input}");
    }
    assert_eq!(
        html.matches(r#"name="client-scope""#).count(),
        Scope::ALL.len()
    );
    assert!(
        !html.contains(r#"name="scope""#),
        "the token form's names are not reused: {html}"
    );
    let lifetime = tag_with_id(&html, "new-client-lifetime");
    assert!(lifetime.starts_with("<select"), "{lifetime}");
    assert_has(tag_with(&html, r#"value="3600""#), "selected");
    let allowlist = tag_with_id(&html, "new-client-allowlist");
    assert!(allowlist.starts_with("<textarea"), "{allowlist}");
    let create = tag_with_id(&html, "create-client");
    assert_has(create, r#"type="submit""#);
    assert_eq!(text_of(&html, "create-client"), "Register client");

    let snippet = text_of(&html, "client-usage-snippet");
    assert!(
        snippet.contains("curl -u &#x27;&lt;client_id&gt;:&lt;client_secret&gt;&#x27;")
            || snippet.contains("curl -u '&lt;client_id&gt;:&lt;client_secret&gt;'"),
        "{snippet}"
    );
    assert!(
        snippet.contains("grant_type=client_credentials"),
        "{snippet}"
    );
    assert!(snippet.contains("/oauth/token"), "{snippet}");

    assert!(html.contains("Loading your clients…"), "{html}");
    assert!(!html.contains(r#"id="client-secret""#));
    assert!(!html.contains("csrf-secret"));
}

#[tokio::test]
async fn the_tabs_and_header_mark_the_clients_page() {
    let html = render_at("/oauth-clients", Given::SignedIn(Box::new(owner()))).await;
    let tabs = between(&html, r#"aria-label="API access""#, "</nav>");
    let tokens = tabs.find(r#"href="/tokens""#).expect("tokens tab");
    let clients = tabs.find(r#"href="/oauth-clients""#).expect("clients tab");
    let allowlist = tabs
        .find(r#"href="/api-allowlist""#)
        .expect("allowlist tab");
    assert!(tokens < clients && clients < allowlist, "{tabs}");
    assert_has(tag_with(tabs, r#"href="/oauth-clients""#), "tab--current");
    assert!(!tag_with(tabs, r#"href="/tokens""#).contains("tab--current"));
    let nav = between(&html, r#"aria-label="Main""#, "</nav>");
    assert_has(tag_with(nav, r#"href="/tokens""#), "nav-link--current");
}

#[tokio::test]
async fn clients_page_is_not_shown_without_a_session() {
    let html = render_at("/oauth-clients", Given::Anonymous).await;
    assert!(!html.contains(r#"data-testid="oauth-clients""#), "{html}");
    assert!(!html.contains(r#"id="new-client-name""#));
}

#[tokio::test]
async fn each_client_shows_its_state_id_scopes_and_actions() {
    let mut billing = client("oc_active", "Billing service", false);
    billing.ip_allowlist = vec!["203.0.113.0/24".into()];
    billing.token_lifetime_secs = 900;
    let paused = client("oc_disabled", "Old CRM", true);
    let html = render_list(vec![billing, paused]).await;

    let active = row(&html, "oc_active");
    assert!(active.contains("Billing service"), "{active}");
    assert_eq!(text_of(active, r#"class="client-id""#), "oc_active");
    assert_eq!(text_of(active, r#"class="client-lifetime""#), "15 minutes");
    assert!(active.contains(">Active<"), "{active}");
    assert!(
        active.contains(">sms<") && active.contains(">profile<"),
        "{active}"
    );
    assert!(active.contains("203.0.113.0/24"), "{active}");
    assert!(active.contains("client-disable"), "{active}");
    assert!(!active.contains("client-enable"), "{active}");
    assert!(active.contains("client-delete"), "{active}");
    assert!(
        !active.contains("client-delete-confirm"),
        "deleting asks first: {active}"
    );

    let disabled = row(&html, "oc_disabled");
    assert!(disabled.contains(">Disabled<"), "{disabled}");
    assert!(disabled.contains("client-enable"), "{disabled}");
    assert!(!disabled.contains("client-disable"), "{disabled}");
    assert!(disabled.contains("Any address the account allows"));
    assert!(
        disabled.contains("tokens it was given are refused"),
        "{disabled}"
    );
}

#[tokio::test]
async fn no_clients_shows_what_they_are_for() {
    let html = render_list(Vec::new()).await;
    assert!(html.contains(r#"id="clients-empty""#), "{html}");
    assert!(html.contains("No OAuth2 clients yet"));
}

#[tokio::test]
async fn the_new_client_shows_its_id_and_secret_once_with_copy_buttons() {
    let html = render_signed_in(|| {
        let created = CreatedOAuthClientDto {
            client: client("oc_01jabc", "Billing service", false),
            client_secret: "pcl_cs_s3cr3tvalue".into(),
        };
        html! {
            <NewClientSecret {created} token_url="https://sms.example.com/oauth/token"
                on_done={Callback::noop()} />
        }
    })
    .await;

    assert_eq!(text_of(&html, "client-id"), "oc_01jabc");
    assert_eq!(text_of(&html, "client-secret"), "pcl_cs_s3cr3tvalue");
    assert!(tag_with_id(&html, "copy-client-id").starts_with("<button"));
    assert!(tag_with_id(&html, "copy-client-secret").starts_with("<button"));
    assert!(
        html.contains("you won&#x27;t see it again") || html.contains("you won't see it again")
    );
    assert!(
        html.contains("Client “Billing service” registered"),
        "{html}"
    );
    assert!(html.contains("oc_01jabc:pcl_cs_s3cr3tvalue"), "{html}");
    assert!(html.contains("https://sms.example.com/oauth/token"));
    assert!(html.contains("https://sms.example.com/api/v1/profile"));
    assert!(tag_with_id(&html, "client-secret-done").starts_with("<button"));
}
