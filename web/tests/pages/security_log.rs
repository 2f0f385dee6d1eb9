//! The security log page, its guard and the event table.

use std::rc::Rc;

use crate::support::{assert_has, owner, render_at, tag_with, tag_with_id, text_of, Given};

#[tokio::test]
async fn security_log_page_offers_the_kind_filter_and_both_exports() {
    let html = render_at("/security-log", Given::SignedIn(Box::new(owner()))).await;
    assert!(html.contains(r#"data-testid="security-log""#), "{html}");
    assert!(html.contains("<h1>Security log</h1>"), "{html}");

    let filter = tag_with_id(&html, "security-log-kind");
    assert!(filter.starts_with("<select"), "{filter}");
    for kind in portcullis_shared::dto::SecurityEventKind::ALL {
        let option = tag_with(&html, &format!(r#"value="{}""#, kind.as_str()));
        assert!(option.starts_with("<option"), "{option}");
    }
    assert_eq!(text_of(&html, r#"value="login_failed""#), "Sign-in failed");

    let csv = tag_with_id(&html, "export-csv");
    assert_has(csv, r#"href="/api/v1/security-log/export?format=csv""#);
    assert_has(csv, "download");
    assert_eq!(text_of(&html, "export-csv"), "Export CSV");
    assert_has(
        tag_with_id(&html, "export-json"),
        r#"href="/api/v1/security-log/export?format=json""#,
    );
    // Effects do not run on the server: the first page is still loading.
    assert_eq!(text_of(&html, "security-log-count"), "Loading…");
    // The search, the date range and its presets; nothing to clear yet.
    assert_has(tag_with_id(&html, "security-log-q"), r#"type="search""#);
    assert_has(tag_with_id(&html, "security-log-from"), r#"type="date""#);
    assert_has(tag_with_id(&html, "security-log-to"), r#"type="date""#);
    assert_eq!(text_of(&html, "range-7d"), "Last 7 days");
    assert_has(tag_with_id(&html, "range-7d"), r#"aria-pressed="false""#);
    assert!(!html.contains("Clear filters"), "{html}");
    assert!(
        html.contains(r#"href="/security-log""#),
        "the header links to the page: {html}"
    );
}

#[tokio::test]
async fn security_log_page_needs_a_session() {
    let html = render_at("/security-log", Given::Anonymous).await;
    assert!(!html.contains(r#"data-testid="security-log""#), "{html}");
    assert!(
        !html.contains(r#"href="/security-log""#),
        "no link when signed out"
    );
}

#[tokio::test]
async fn security_event_table_lists_events_and_escapes_what_came_from_outside() {
    use portcullis_shared::dto::{SecurityEventDto, SecurityEventKind};
    use portcullis_web::pages::{SecurityEventTable, SecurityEventTableProps};

    let html = yew::ServerRenderer::<SecurityEventTable>::with_props(|| SecurityEventTableProps {
        events: Rc::new(vec![
            SecurityEventDto {
                id: "sev_2".into(),
                kind: SecurityEventKind::LoginFailed,
                actor: "anonymous".into(),
                actor_email: None,
                device: None,
                ip: Some("203.0.113.7".into()),
                user_agent: Some("<script>alert(1)</script>".into()),
                details: [("reason".to_owned(), "wrong_password".to_owned())].into(),
                created_at: "2026-11-22T10:00:00Z".into(),
                account_id: "acc_1".into(),
                seq: Some(2),
                prev_hash: Some("1".repeat(64)),
                hash: Some("2".repeat(64)),
            },
            SecurityEventDto {
                id: "sev_1".into(),
                kind: SecurityEventKind::Signup,
                actor: "acc_1".into(),
                actor_email: Some("ada@example.com".into()),
                device: None,
                ip: Some("203.0.113.7".into()),
                user_agent: None,
                details: Default::default(),
                created_at: "2026-11-21T09:00:00Z".into(),
                account_id: "acc_1".into(),
                seq: Some(1),
                prev_hash: Some("0".repeat(64)),
                hash: Some("1".repeat(64)),
            },
        ]),
        loading: false,
        viewer: Some("acc_1".into()),
    })
    .hydratable(false)
    .render()
    .await;
    assert_eq!(html.matches("<tr data-kind=").count(), 2, "{html}");
    assert!(html.contains(r#"data-kind="login_failed""#));
    assert!(html.contains("Sign-in failed") && html.contains("Account created"));
    assert!(html.contains("Reason: wrong password"));
    assert!(
        html.contains("Someone not signed in") && html.contains(">You<"),
        "{html}"
    );
    assert!(html.contains("2026-11-22 10:00:00"));
    assert!(
        !html.contains("<script>"),
        "user agents are text, not markup: {html}"
    );
    assert!(html.contains("&lt;script&gt;"), "{html}");
}
