//! The portal IP allowlist page: your address, the entries, the add form and the
//! lock-out confirmation.

use std::rc::Rc;

use portcullis_shared::dto::PortalAllowlistEntryDto;
use portcullis_web::pages::{LockoutConfirm, PortalAllowlistEntries, YourAddress};
use yew::prelude::*;

use crate::support::{
    assert_has, between, owner, render_at, render_signed_in, tag_with, tag_with_id, text_of, Given,
};

#[tokio::test]
async fn portal_allowlist_page_renders_the_add_form() {
    let html = render_at("/portal-allowlist", Given::SignedIn(Box::new(owner()))).await;
    assert!(html.contains(r#"data-testid="portal-allowlist""#), "{html}");
    assert!(html.contains("<h1>Portal IP allowlist</h1>"));
    assert!(html.contains("separate from the API allowlist"));
    let value = tag_with_id(&html, "portal-allowlist-value");
    assert!(value.starts_with("<input"), "{value}");
    assert!(tag_with_id(&html, "portal-allowlist-label").starts_with("<input"));
    assert_eq!(text_of(&html, "portal-allowlist-add"), "Add to allowlist");
    assert!(html.contains("Loading the allowlist…"));
    let nav = between(&html, r#"aria-label="Main""#, "</nav>");
    assert_has(tag_with(nav, r#"href="/sessions""#), "nav-link--current");
    let tabs = between(&html, r#"aria-label="Security""#, "</nav>");
    assert_has(
        tag_with(tabs, r#"href="/portal-allowlist""#),
        "tab--current",
    );
}

#[tokio::test]
async fn your_address_says_what_the_list_makes_of_it() {
    for (restricted, allowed, expected) in [
        (false, true, "any address"),
        (true, true, "It is on the list."),
        (true, false, "this browser will be refused"),
    ] {
        let html = yew::ServerRenderer::<YourAddress>::with_props(move || {
            portcullis_web::pages::YourAddressProps {
                address: "203.0.113.7".into(),
                allowed,
                restricted,
            }
        })
        .hydratable(false)
        .render()
        .await;
        assert_eq!(text_of(&html, "your-address"), "203.0.113.7");
        assert!(
            text_of(&html, "your-address-verdict").contains(expected),
            "{html}"
        );
    }
}

#[tokio::test]
async fn entries_show_label_and_overlaps() {
    let html = render_signed_in(|| {
        let entries = vec![
            PortalAllowlistEntryDto {
                expires_at: None,
                id: "ppa_office".into(),
                value: "203.0.113.0/24".into(),
                label: Some("Office".into()),
                created_at: "2026-11-21T12:00:00Z".into(),
                overlaps: vec!["203.0.0.0/16".into()],
            },
            PortalAllowlistEntryDto {
                expires_at: None,
                id: "ppa_campus".into(),
                value: "203.0.0.0/16".into(),
                label: None,
                created_at: "2026-11-21T12:05:00Z".into(),
                overlaps: vec!["203.0.113.0/24".into()],
            },
        ];
        html! {
            <PortalAllowlistEntries entries={Rc::new(entries)} your_address="203.0.113.7"
                on_changed={Callback::noop()} />
        }
    })
    .await;
    let office = between(&html, r#"data-entry-id="ppa_office""#, "data-entry-id=");
    assert_eq!(text_of(office, r#"class="entry-value""#), "203.0.113.0/24");
    assert_eq!(text_of(office, r#"class="entry-label""#), "Office");
    assert!(office.contains("Overlaps 203.0.0.0/16"), "{office}");
    assert_has(
        tag_with(office, "portal-allowlist-delete"),
        r#"aria-label="Remove 203.0.113.0/24""#,
    );
    assert!(
        !html.contains("lockout-confirm"),
        "no confirmation before a refusal"
    );

    let empty = render_signed_in(|| {
        html! {
            <PortalAllowlistEntries entries={Rc::new(Vec::new())} your_address="203.0.113.7"
                on_changed={Callback::noop()} />
        }
    })
    .await;
    assert!(empty.contains(r#"id="portal-allowlist-empty""#), "{empty}");
}

#[tokio::test]
async fn the_lockout_confirmation_names_the_change_and_the_address() {
    let html = render_signed_in(|| {
        html! {
            <LockoutConfirm change="Adding 10.0.0.0/8 would lock you out." address="198.51.100.5" confirm_text="Add anyway"
                on_confirm={Callback::noop()} on_cancel={Callback::noop()} />
        }
    })
    .await;
    assert_has(tag_with(&html, "lockout-confirm"), r#"role="alertdialog""#);
    assert_eq!(
        text_of(&html, "lockout-title"),
        "Adding 10.0.0.0/8 would lock you out."
    );
    assert!(html.contains("198.51.100.5"), "{html}");
    assert_eq!(text_of(&html, r#"id="lockout-confirm""#), "Add anyway");
    assert_eq!(text_of(&html, r#"id="lockout-cancel""#), "Cancel");
}
