//! The sessions page: the timeout select, the sessions table and the login history.

use std::rc::Rc;

use portcullis_shared::dto::{LoginAttemptDto, LoginOutcome, SessionDto};
use portcullis_web::pages::{LoginHistoryTable, LoginHistoryTableProps, SessionTable};
use yew::prelude::*;

use crate::support::{
    assert_has, between, owner, render_at, render_signed_in, tag_with, tag_with_id, text_of, Given,
};

fn session(id: &str, device: &str, ip: &str, current: bool) -> SessionDto {
    SessionDto {
        id: id.into(),
        device: device.into(),
        user_agent: format!("UA of {device}"),
        ip: ip.into(),
        created_at: "2026-11-22T08:00:00Z".into(),
        last_seen_at: "2026-11-22T09:30:00Z".into(),
        expires_at: "2026-11-22T20:00:00Z".into(),
        current,
    }
}

#[tokio::test]
async fn sessions_page_has_the_three_parts_and_the_sign_out_buttons() {
    let html = render_at("/sessions", Given::SignedIn(Box::new(owner()))).await;
    assert!(html.contains(r#"data-testid="sessions""#), "{html}");
    assert!(html.contains("<h1>Sessions</h1>"));
    assert!(html.contains("<h2>Inactivity timeout</h2>"));
    assert!(html.contains("<h2>Active sessions</h2>"));
    assert!(html.contains("<h2>Login history</h2>"));
    // Effects do not run on the server: everything is still loading.
    assert!(html.contains("Loading your sessions…"));
    assert_eq!(text_of(&html, "login-history-empty"), "Loading…");

    let others = tag_with_id(&html, "revoke-others");
    assert!(others.starts_with("<button"), "{others}");
    assert_has(others, "disabled");
    assert_eq!(text_of(&html, "revoke-others"), "Log out other sessions");
    assert_eq!(text_of(&html, "revoke-all"), "Log out everywhere");

    let nav = between(&html, r#"aria-label="Main""#, "</nav>");
    assert_has(tag_with(nav, r#"href="/sessions""#), "nav-link--current");
    let tabs = between(&html, r#"aria-label="Security""#, "</nav>");
    assert_has(tag_with(tabs, r#"href="/sessions""#), "tab--current");
    assert!(tabs.contains(r#"href="/portal-allowlist""#), "{tabs}");
}

#[tokio::test]
async fn sessions_page_needs_a_session() {
    let html = render_at("/sessions", Given::Anonymous).await;
    assert!(!html.contains(r#"data-testid="sessions""#), "{html}");
    assert!(
        !html.contains(r#"href="/sessions""#),
        "no link when signed out"
    );
}

#[tokio::test]
async fn the_current_session_is_marked_and_the_others_can_be_ended() {
    let html = render_signed_in(|| {
        let sessions = vec![
            session("ses_mine", "Chrome on Linux", "203.0.113.7", true),
            session("ses_phone", "Safari on iPhone", "198.51.100.9", false),
        ];
        html! { <SessionTable sessions={Rc::new(sessions)} on_removed={Callback::noop()} /> }
    })
    .await;

    assert_eq!(html.matches("data-session-id=").count(), 2);
    let mine = between(&html, r#"data-session-id="ses_mine""#, "data-session-id=");
    assert_eq!(
        text_of(mine, r#"class="session-device""#),
        "Chrome on Linux"
    );
    assert_eq!(
        text_of(mine, r#"class="badge badge--new session-current""#),
        "This session"
    );
    assert_eq!(text_of(mine, r#"class="session-ip""#), "203.0.113.7");
    assert!(mine.contains("22 Nov 2026, 08:00 UTC"), "{mine}");
    assert!(
        !mine.contains("session-remove"),
        "the current one is not offered for removal"
    );

    let phone = between(&html, r#"data-session-id="ses_phone""#, "</tr>");
    assert!(!phone.contains("This session"));
    assert_has(
        tag_with(phone, r#"title="UA of Safari on iPhone""#),
        "session-device",
    );
    assert!(
        phone.contains("22 Nov 2026, 09:30 UTC"),
        "last active: {phone}"
    );
    let remove = tag_with(phone, "session-remove");
    assert!(remove.starts_with("<button"), "{remove}");
    assert_has(
        remove,
        r#"aria-label="Log out Safari on iPhone at 198.51.100.9""#,
    );
}

#[tokio::test]
async fn login_history_shows_each_outcome_and_escapes_user_agents() {
    let attempt = |id: &str, outcome: LoginOutcome| LoginAttemptDto {
        id: id.into(),
        at: "2026-11-22T07:15:00Z".into(),
        succeeded: outcome == LoginOutcome::Succeeded,
        outcome,
        ip: Some("198.51.100.9".into()),
        user_agent: Some("<script>alert(1)</script>".into()),
        device: "Unknown device".into(),
    };
    let html =
        yew::ServerRenderer::<LoginHistoryTable>::with_props(move || LoginHistoryTableProps {
            attempts: Rc::new(vec![
                attempt("sev_3", LoginOutcome::Succeeded),
                attempt("sev_2", LoginOutcome::IpBlocked),
                attempt("sev_1", LoginOutcome::WrongPassword),
            ]),
            loading: false,
        })
        .hydratable(false)
        .render()
        .await;

    assert_eq!(html.matches("<tr data-outcome=").count(), 3, "{html}");
    let blocked = between(&html, r#"data-outcome="ip_blocked""#, "</tr>");
    assert_has(tag_with(blocked, "badge--failed"), "badge");
    assert!(
        blocked.contains("Blocked: address not allowed"),
        "{blocked}"
    );
    assert!(blocked.contains("198.51.100.9"));
    let ok = between(&html, r#"data-outcome="succeeded""#, "</tr>");
    assert!(ok.contains("badge--ok"), "{ok}");
    assert!(ok.contains("Signed in"));
    assert!(ok.contains("22 Nov 2026, 07:15 UTC"));
    assert!(html.contains("Wrong password"));
    assert!(
        !html.contains("<script>"),
        "user agents are escaped: {html}"
    );

    let empty = yew::ServerRenderer::<LoginHistoryTable>::with_props(|| LoginHistoryTableProps {
        attempts: Rc::new(Vec::new()),
        loading: false,
    })
    .hydratable(false)
    .render()
    .await;
    assert_eq!(
        text_of(&empty, "login-history-empty"),
        "No sign-in attempts yet."
    );
}
