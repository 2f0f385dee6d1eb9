//! The API IP allowlist page: its rules, its entries and the add form.

use std::rc::Rc;

use portcullis_shared::dto::AllowlistEntryDto;
use portcullis_web::pages::AllowlistEntries;
use yew::prelude::*;

use crate::support::{
    assert_has, between, owner, render_at, render_signed_in, tag_with, tag_with_id, text_of, Given,
};

fn entry(id: &str, value: &str, label: Option<&str>) -> AllowlistEntryDto {
    AllowlistEntryDto {
        id: id.into(),
        value: value.into(),
        label: label.map(Into::into),
        created_at: "2026-11-21T12:00:00Z".into(),
        expires_at: None,
    }
}

async fn render_entries(entries: Vec<AllowlistEntryDto>) -> String {
    render_signed_in(move || {
        html! { <AllowlistEntries entries={Rc::new(entries)} on_removed={Callback::noop()} /> }
    })
    .await
}

#[tokio::test]
async fn allowlist_page_explains_the_rules_and_renders_the_add_form() {
    let html = render_at("/api-allowlist", Given::SignedIn(Box::new(owner()))).await;

    assert!(html.contains(r#"data-testid="api-allowlist""#), "{html}");
    assert!(html.contains("<h1>API IP allowlist</h1>"));
    let rules = between(&html, r#"id="allowlist-rules""#, "</div>");
    assert!(rules.contains("accepted from any address"), "{rules}");
    assert!(rules.contains("applies on top of this one"), "{rules}");
    assert!(rules.contains(r#"href="/tokens""#), "{rules}");

    let value = tag_with_id(&html, "allowlist-value");
    assert!(value.starts_with("<input"), "{value}");
    assert_has(value, r#"type="text""#);
    let label = tag_with_id(&html, "allowlist-label");
    assert!(label.starts_with("<input"), "{label}");
    assert!(
        html.contains(
            r#"<label for="allowlist-label">Label<span class="field-optional">optional</span>"#
        ),
        "{html}"
    );
    let add = tag_with_id(&html, "allowlist-add");
    assert_has(add, r#"type="submit""#);
    assert_eq!(text_of(&html, "allowlist-add"), "Add to allowlist");
    assert!(html.contains("Loading the allowlist…"));

    let tabs = between(&html, r#"aria-label="API access""#, "</nav>");
    assert_has(tag_with(tabs, r#"href="/api-allowlist""#), "tab--current");
    let nav = between(&html, r#"aria-label="Main""#, "</nav>");
    assert_has(tag_with(nav, r#"href="/tokens""#), "nav-link--current");
}

#[tokio::test]
async fn entries_show_their_value_and_label_with_a_remove_button() {
    let html = render_entries(vec![
        entry("ipa_office", "203.0.113.0/24", Some("Office")),
        entry("ipa_v6", "2001:db8::/32", None),
    ])
    .await;

    assert_eq!(html.matches("data-entry-id=").count(), 2);
    let office = between(&html, r#"data-entry-id="ipa_office""#, "data-entry-id=");
    assert_eq!(text_of(office, r#"class="entry-value""#), "203.0.113.0/24");
    assert_eq!(text_of(office, r#"class="entry-label""#), "Office");
    assert!(office.contains("Added 21 Nov 2026, 12:00 UTC"), "{office}");
    let remove = tag_with(office, "allowlist-delete");
    assert!(remove.starts_with("<button"), "{remove}");
    assert_has(remove, r#"aria-label="Remove 203.0.113.0/24""#);

    assert!(
        !office.contains("entry-expiry"),
        "a permanent entry: {office}"
    );

    let v6 = between(&html, r#"data-entry-id="ipa_v6""#, "data-entry-id=");
    assert_eq!(text_of(v6, r#"class="entry-value""#), "2001:db8::/32");
    assert_eq!(text_of(v6, r#"class="entry-label muted""#), "No label");
    assert!(v6.contains("allowlist-delete"));
}

#[tokio::test]
async fn an_empty_allowlist_says_calls_come_from_anywhere() {
    let html = render_entries(Vec::new()).await;
    assert!(html.contains(r#"id="allowlist-empty""#), "{html}");
    assert!(html.contains("accepted from anywhere"));
    assert!(!html.contains("data-entry-id"));
}

#[tokio::test]
async fn a_temporary_entry_says_when_it_ends_and_the_form_offers_how_long() {
    let html = render_entries(vec![
        entry("ipa_office", "203.0.113.0/24", Some("Office")),
        AllowlistEntryDto {
            expires_at: Some("2026-12-11T18:00:00Z".into()),
            ..entry("ipa_hotel", "198.51.100.7", Some("Hotel"))
        },
    ])
    .await;
    let hotel = between(&html, r#"data-entry-id="ipa_hotel""#, "</li>");
    assert!(hotel.contains("entry-expiry"), "{hotel}");
    assert!(hotel.contains("11 Dec 2026, 18:00 UTC"), "{hotel}");

    let page = render_at("/api-allowlist", Given::SignedIn(Box::new(owner()))).await;
    let choices = between(&page, r#"id="allowlist-expiry""#, "</select>");
    for choice in [
        "Permanently",
        "For 1 hour",
        "For 1 day",
        "For 1 week",
        "Until a date and time",
    ] {
        assert!(choices.contains(choice), "{choice}: {choices}");
    }
}
