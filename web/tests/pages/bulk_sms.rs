//! Sending to many recipients: the Send SMS page's second tab and its form.

use std::rc::Rc;

use portcullis_web::pages::bulk_sms::BulkSendForm;
use yew::prelude::*;

use crate::support::{assert_has, owner, render_at, render_signed_in, tag_with_id, text_of, Given};

#[tokio::test]
async fn the_send_page_offers_one_recipient_or_many() {
    let html = render_at("/send", Given::SignedIn(Box::new(owner()))).await;
    assert_has(tag_with_id(&html, "sms-mode-one"), "tab--current");
    assert_eq!(text_of(&html, "sms-mode-many"), "Many recipients");
    // One recipient until the other tab is chosen.
    assert!(html.contains(r#"id="sms-to""#), "{html}");
    assert!(!html.contains(r#"id="bulk-to""#), "{html}");
}

#[tokio::test]
async fn the_many_recipients_form_takes_a_pasted_list_or_a_group() {
    let form = |may_use_groups: bool| {
        move || {
            html! {
                <BulkSendForm
                    sender_options={Rc::new(vec![("ACME".into(), "ACME".into())])}
                    default_sender="ACME" {may_use_groups} on_sent={Callback::noop()} />
            }
        }
    };
    let html = render_signed_in(form(true)).await;
    assert!(
        tag_with_id(&html, "bulk-to").starts_with("<textarea"),
        "{html}"
    );
    assert!(html.contains("up to 1000. 0 so far."), "{html}");
    assert!(html.contains(r#"id="bulk-source-list""#), "{html}");
    assert!(html.contains(r#"id="bulk-source-group""#), "{html}");
    assert!(tag_with_id(&html, "bulk-sender").starts_with("<select"));
    assert!(tag_with_id(&html, "bulk-text").starts_with("<textarea"));
    assert_eq!(text_of(&html, "bulk-send"), "Send to all");
    // A login that may not read contact groups is offered only the list.
    let html = render_signed_in(form(false)).await;
    assert!(!html.contains(r#"id="bulk-source-group""#), "{html}");
    assert!(html.contains(r#"id="bulk-to""#), "{html}");
}
