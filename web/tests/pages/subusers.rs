//! Subusers: the owner's page, the send page, and what a subuser's header and guards let
//! them open.

use std::rc::Rc;

use portcullis_shared::dto::{
    MessageDto, MessageStatus, PortalPermission, SendingWindowDto, SubuserDto, SubuserGrantsDto,
    SubuserStatus, Weekday,
};
use portcullis_web::pages::send_sms::{MessageTable, MessageTableProps};
use portcullis_web::pages::subusers::{GrantChoices, SubuserList, SubuserListProps};
use yew::prelude::*;

use crate::support::{
    assert_has, between, owner, render_at, render_signed_in, subuser, tag_with, tag_with_id,
    text_of, Given,
};

fn signed_in_as(me: portcullis_shared::dto::MeResponse) -> Given {
    Given::SignedIn(Box::new(me))
}

#[tokio::test]
async fn the_owner_sees_every_section_on_one_header_line() {
    let html = render_at("/", signed_in_as(owner())).await;
    let nav = between(&html, r#"aria-label="Main""#, "</nav>");
    let links: Vec<&str> = nav
        .match_indices("<a href=\"")
        .map(|(at, _)| {
            let rest = &nav[at + 9..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect();
    assert_eq!(
        links,
        [
            "/",
            "/send",
            "/sessions",
            "/tokens",
            "/country-filter",
            "/subusers"
        ],
        "{nav}"
    );
    assert!(nav.contains(">Security<"), "{nav}");
    assert!(nav.contains(">Subusers<"), "{nav}");
}

#[tokio::test]
async fn a_subuser_with_only_sms_sees_only_what_they_may_use() {
    let me = subuser(&[PortalPermission::Sms]);
    let html = render_at("/", signed_in_as(me.clone())).await;
    let nav = between(&html, r#"aria-label="Main""#, "</nav>");
    for shown in ["/", "/send", "/sessions"] {
        assert!(
            nav.contains(&format!(r#"href="{shown}""#)),
            "{shown}: {nav}"
        );
    }
    for hidden in ["/tokens", "/subusers", "/country-filter", "/api-allowlist"] {
        assert!(
            !nav.contains(&format!(r#"href="{hidden}""#)),
            "{hidden}: {nav}"
        );
    }
    assert_eq!(
        text_of(&html, r#"class="account-email""#),
        "branch@example.com"
    );

    // Their own security pages, without the account's allowlist or the log.
    let html = render_at("/sessions", signed_in_as(me)).await;
    assert!(html.contains(r#"data-testid="sessions""#), "{html}");
    let tabs = between(&html, r#"aria-label="Security""#, "</nav>");
    for shown in ["/sessions", "/security/two-factor", "/password"] {
        assert!(
            tabs.contains(&format!(r#"href="{shown}""#)),
            "{shown}: {tabs}"
        );
    }
    assert!(!tabs.contains(r#"href="/portal-allowlist""#), "{tabs}");
    assert!(!tabs.contains(r#"href="/security-log""#), "{tabs}");
}

#[tokio::test]
async fn a_forbidden_page_opened_directly_says_so_instead_of_rendering() {
    let me = subuser(&[PortalPermission::Sms]);
    for (url, page) in [
        ("/tokens", "tokens"),
        ("/oauth-clients", "oauth-clients"),
        ("/subusers", "subusers"),
        ("/subusers/sub_1/security-log", "subuser-security-log"),
        ("/api-allowlist", "api-allowlist"),
        ("/portal-allowlist", "portal-allowlist"),
        ("/country-filter", "country-filter"),
        ("/security-log", "security-log"),
    ] {
        let html = render_at(url, signed_in_as(me.clone())).await;
        assert!(html.contains(r#"data-testid="no-access""#), "{url}: {html}");
        assert!(
            html.contains("You don&#x27;t have access to this page")
                || html.contains("You don't have access to this page"),
            "{url}: {html}"
        );
        assert!(
            !html.contains(&format!(r#"data-testid="{page}""#)),
            "{url}: {html}"
        );
    }
    // The owner opens them all.
    let html = render_at("/subusers", signed_in_as(owner())).await;
    assert!(!html.contains(r#"data-testid="no-access""#), "{html}");
    // A subuser granted tokens and the log opens those, not the account's allowlist.
    let me = subuser(&[PortalPermission::Tokens, PortalPermission::SecurityLog]);
    for url in ["/tokens", "/security-log"] {
        let html = render_at(url, signed_in_as(me.clone())).await;
        assert!(
            !html.contains(r#"data-testid="no-access""#),
            "{url}: {html}"
        );
    }
    let html = render_at("/tokens", signed_in_as(me.clone())).await;
    let tabs = between(&html, r#"aria-label="API access""#, "</nav>");
    assert!(tabs.contains(r#"href="/oauth-clients""#), "{tabs}");
    assert!(!tabs.contains(r#"href="/api-allowlist""#), "{tabs}");
    // Their token form offers only the scopes they hold.
    let form = between(&html, r#"id="new-token-scopes""#, "</fieldset>");
    assert_eq!(form.matches(r#"type="checkbox""#).count(), 1, "{form}");
    assert!(form.contains(r#"value="sms""#), "{form}");
    let html = render_at("/send", signed_in_as(me)).await;
    assert!(html.contains(r#"data-testid="no-access""#), "{html}");
}

#[tokio::test]
async fn a_required_two_factor_set_up_comes_before_every_other_page() {
    let mut me = subuser(&[PortalPermission::Sms]);
    me.session.two_factor_setup_required = true;
    let html = render_at("/send", signed_in_as(me.clone())).await;
    assert!(!html.contains(r#"data-testid="send-sms""#), "{html}");
    let html = render_at("/security/two-factor", signed_in_as(me)).await;
    assert!(html.contains(r#"data-testid="two-factor""#), "{html}");
    let banner = between(&html, r#"id="two-factor-setup-required""#, "</div>");
    assert!(banner.contains("requires two-factor sign-in"), "{banner}");
    let html = render_at("/security/two-factor", signed_in_as(owner())).await;
    assert!(!html.contains("two-factor-setup-required"), "{html}");
}

#[tokio::test]
async fn the_subusers_page_offers_the_whole_create_form() {
    let html = render_at("/subusers", signed_in_as(owner())).await;
    assert!(html.contains(r#"data-testid="subusers""#), "{html}");
    assert!(html.contains("Loading your subusers…"));
    let nav = between(&html, r#"aria-label="Main""#, "</nav>");
    assert_has(tag_with(nav, r#"href="/subusers""#), "nav-link--current");

    let form = between(&html, r#"id="new-subuser""#, "</form>");
    assert_has(tag_with_id(form, "new-subuser-email"), r#"type="email""#);
    let password = tag_with_id(form, "new-subuser-password");
    assert_has(password, r#"type="password""#);
    assert_has(password, r#"autocomplete="new-password""#);
    assert!(
        form.contains("Leave empty to e-mail them an invitation"),
        "{form}"
    );
    assert_has(tag_with_id(form, "new-subuser-phone"), r#"type="tel""#);
    // Every portal permission, with what it means.
    for permission in PortalPermission::ALL {
        let tick = tag_with(form, &format!(r#"value="{}""#, permission.as_str()));
        assert_has(tick, r#"type="checkbox""#);
        assert!(
            !tick.contains("checked"),
            "nothing granted by default: {tick}"
        );
        assert!(
            form.contains(&permission.description().replace('\'', "&#x27;"))
                || form.contains(permission.description()),
            "{permission:?}"
        );
    }
    // API scopes, sender names and contact groups (none yet while loading).
    assert!(form.contains(r#"id="new-subuser-scopes""#), "{form}");
    assert!(form.contains("The account has no approved sender names yet."));
    assert!(form.contains("The account has no contact groups yet."));
    // The sending window is off until ticked; the points limit is optional.
    let window = tag_with_id(form, "new-subuser-window-on");
    assert_has(window, r#"type="checkbox""#);
    assert!(!window.contains("checked"), "{window}");
    assert!(!form.contains(r#"id="new-subuser-time-zone""#));
    assert_has(
        tag_with_id(form, "new-subuser-points-limit"),
        r#"type="number""#,
    );
    assert_eq!(text_of(form, "new-subuser-submit"), "Create subuser");
}

fn a_subuser(status: SubuserStatus) -> SubuserDto {
    SubuserDto {
        id: "sub_1".into(),
        email: "branch@example.com".into(),
        phone: None,
        status,
        grants: SubuserGrantsDto {
            portal: vec![PortalPermission::Sms],
            senders: vec!["ACME".into()],
            sending_window: Some(SendingWindowDto {
                days: Weekday::ALL[..5].to_vec(),
                start: "08:00".into(),
                end: "18:00".into(),
                time_zone: "Europe/Warsaw".into(),
            }),
            monthly_points_limit: Some(5_000),
            ..SubuserGrantsDto::default()
        },
        points_used_this_month: 1_250,
        two_factor_enabled: true,
        last_login_at: Some("2026-11-21T09:30:00Z".into()),
        created_at: "2026-11-01T08:00:00Z".into(),
    }
}

async fn render_list(subusers: Vec<SubuserDto>) -> String {
    render_signed_in(move || {
        let props = SubuserListProps {
            subusers: Rc::new(subusers),
            choices: Rc::new(GrantChoices {
                senders: vec!["ACME".into()],
                groups: Vec::new(),
            }),
            on_changed: Callback::noop(),
            on_stale: Callback::noop(),
            on_removed: Callback::noop(),
        };
        html! { <SubuserList ..props /> }
    })
    .await
}

#[tokio::test]
async fn each_subuser_shows_use_limits_and_the_actions_their_status_allows() {
    let html = render_list(vec![a_subuser(SubuserStatus::Active)]).await;
    assert_eq!(
        text_of(&html, r#"class="token-name subuser-email""#),
        "branch@example.com"
    );
    assert_eq!(
        text_of(&html, r#"class="badge subuser-status badge--ok""#),
        "Active"
    );
    assert_eq!(text_of(&html, r#"class="subuser-points""#), "1,250 / 5,000");
    assert_eq!(
        text_of(&html, r#"class="subuser-last-login""#),
        "21 Nov 2026, 09:30 UTC"
    );
    assert_eq!(text_of(&html, r#"class="subuser-two-factor""#), "On");
    assert_eq!(
        text_of(&html, r#"class="subuser-window""#),
        "Mon–Fri 08:00–18:00 (Europe/Warsaw)"
    );
    assert!(
        html.contains(r#"<li class="chip chip--mono">ACME</li>"#),
        "{html}"
    );
    assert!(html.contains("Send SMS"), "{html}");
    assert_has(
        tag_with(&html, r#"href="/subusers/sub_1/security-log""#),
        "subuser-log",
    );
    assert!(html.contains("subuser-disable"), "{html}");
    assert!(!html.contains("subuser-enable"), "{html}");
    assert!(!html.contains("subuser-invite"), "{html}");
    assert!(html.contains("subuser-edit"));
    assert!(html.contains("subuser-delete"));

    let mut invited = a_subuser(SubuserStatus::Invited);
    invited.last_login_at = None;
    invited.grants.monthly_points_limit = None;
    let mut disabled = a_subuser(SubuserStatus::Disabled);
    disabled.id = "sub_2".into();
    let html = render_list(vec![invited, disabled]).await;
    let first = between(
        &html,
        r#"data-subuser-id="sub_1""#,
        r#"data-subuser-id="sub_2""#,
    );
    assert!(first.contains("Resend invitation"), "{first}");
    assert!(first.contains(">Never<"), "{first}");
    assert!(first.contains("1,250 / no limit"), "{first}");
    let second = between(&html, r#"data-subuser-id="sub_2""#, "</li>\n</ul>");
    assert!(second.contains("subuser-enable"), "{second}");
    assert!(!second.contains("Resend invitation"), "{second}");

    let html = render_list(Vec::new()).await;
    assert!(html.contains(r#"id="subusers-empty""#), "{html}");
}

#[tokio::test]
async fn the_send_page_has_the_form_the_counter_and_the_sent_list() {
    let html = render_at("/send", signed_in_as(subuser(&[PortalPermission::Sms]))).await;
    assert!(html.contains(r#"data-testid="send-sms""#), "{html}");
    let nav = between(&html, r#"aria-label="Main""#, "</nav>");
    assert_has(tag_with(nav, r#"href="/send""#), "nav-link--current");
    assert_has(tag_with_id(&html, "sms-to"), r#"type="tel""#);
    assert!(tag_with_id(&html, "sms-sender").starts_with("<select"));
    // A subuser without `senders` is offered their granted names, from the session.
    let select = between(&html, r#"id="sms-sender""#, "</select>");
    assert_eq!(select.matches("<option").count(), 1, "{select}");
    assert!(select.contains(r#"value="ACME""#), "{select}");
    assert!(tag_with_id(&html, "sms-text").starts_with("<textarea"));
    assert_eq!(
        text_of(&html, "sms-counter"),
        "0 characters · 1 part (160 per part, GSM)"
    );
    assert_eq!(text_of(&html, "sms-send"), "Send");
    assert!(html.contains("Loading your messages…"));

    // The owner's names come from the API; until they do, the gateway's default.
    let html = render_at("/send", signed_in_as(owner())).await;
    let select = between(&html, r#"id="sms-sender""#, "</select>");
    assert_eq!(select.matches("<option").count(), 1, "{select}");
    assert!(select.contains("Gateway default"), "{select}");
}

#[tokio::test]
async fn sent_messages_list_sender_parts_and_points() {
    let message = MessageDto {
        id: "msg_1".into(),
        to: "+48500100200".into(),
        country: "PL".into(),
        sender: Some("ACME".into()),
        text: "<b>Sale</b>".into(),
        encoding: "gsm7".into(),
        parts: 1,
        points: 16,
        status: MessageStatus::Queued,
        created_at: "2026-11-22T07:00:00Z".into(),
        sent_at: None,
    };
    let html = yew::ServerRenderer::<MessageTable>::with_props(move || MessageTableProps {
        messages: Rc::new(vec![message]),
    })
    .hydratable(false)
    .render()
    .await;
    let row = between(&html, r#"data-message-id="msg_1""#, "</tr>");
    assert!(row.contains("22 Nov 2026, 07:00 UTC"), "{row}");
    assert!(row.contains("+48500100200"));
    assert!(
        row.contains(r#"<td data-label="From" class="message-sender">ACME</td>"#),
        "{row}"
    );
    assert!(
        row.contains("&lt;b&gt;Sale&lt;/b&gt;"),
        "text is escaped: {row}"
    );
    assert!(row.contains(r#"<td data-label="Points">16</td>"#), "{row}");
    assert!(row.contains("Queued"));
}
