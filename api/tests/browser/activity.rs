//! The activity page end to end: after messages, failed sign-ins and refused token calls,
//! its SVG charts draw a bar for each day with activity and name the reasons and
//! countries; it fits a phone without sideways scrolling and breaks no CSP rule.

use fantoccini::{Client, Locator};
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{
    click, csp_violations, find, portal_fetch, save_screenshot, sign_up, start_browser,
    start_server_with, text_of,
};

const EMAIL: &str = "charts@example.com";

/// How many elements match `css`.
async fn count(client: &Client, css: &str) -> usize {
    client.find_all(Locator::Css(css)).await.unwrap().len()
}

async fn attribute(client: &Client, css: &str, name: &str) -> String {
    find(client, css)
        .await
        .attr(name)
        .await
        .unwrap()
        .unwrap_or_default()
}

/// The page's width and the window's, and the elements wider than the window.
async fn widths(client: &Client) -> (i64, i64, String) {
    let widths = client
        .execute(
            "const wide = [...document.querySelectorAll('body *')]
                .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
                .map((e) => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
                .slice(0, 8).join(' | ');
             return [document.documentElement.scrollWidth, window.innerWidth, wide]",
            Vec::new(),
        )
        .await
        .unwrap();
    serde_json::from_value(widths).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_activity_page_draws_messages_sign_ins_and_refused_calls() {
    let scratch = tempfile::tempdir().unwrap();
    let (_server, base) = start_server_with(
        &scratch.path().join("portcullis.db"),
        "127.0.0.1:0",
        &[("PORTCULLIS_REFUSED_CALLS_FLUSH_MS", "200")],
    );
    let (_driver, client) = start_browser(&scratch.path().join("profile")).await;
    sign_up(&client, &base, EMAIL, None).await;

    // Two failed sign-ins from elsewhere.
    let elsewhere = reqwest::Client::new();
    for _ in 0..2 {
        let response = elsewhere
            .post(format!("{base}/api/v1/auth/login"))
            .header("X-CSRF-Token", "1")
            .json(&json!({"email": EMAIL, "password": "Not-the-password-9"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    // Two messages to Poland, from the portal's session.
    let mut points = 0;
    for to in ["+48500100201", "+48500100202"] {
        let (status, message) = portal_fetch(
            &client,
            "POST",
            "/api/v1/sms",
            Some(json!({"to": to, "text": "Your order is ready"})),
        )
        .await;
        assert_eq!(status, 201, "{message}");
        points += message["points"].as_i64().unwrap();
    }
    // A profile-only token used on contacts, three times.
    let (status, token) = portal_fetch(
        &client,
        "POST",
        "/api/v1/tokens",
        Some(json!({"name": "CRM", "scopes": ["profile"]})),
    )
    .await;
    assert_eq!(status, 201, "{token}");
    let secret = token["secret"].as_str().unwrap();
    for _ in 0..3 {
        let response = elsewhere
            .get(format!("{base}/api/v1/contacts"))
            .bearer_auth(secret)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
    // The refusals reach the security log on the next flush.
    for _ in 0..50 {
        let (_, activity) = portal_fetch(&client, "GET", "/api/v1/activity", None).await;
        if activity["refused_calls"][0]["count"] == 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }

    // The dashboard leads to the page.
    click(&client, "#activity-link a[href='/activity']").await;
    find(&client, "#points-chart").await;
    assert_eq!(client.title().await.unwrap(), "Activity · Portcullis");

    // One bar: today's points.
    assert_eq!(count(&client, "#points-chart rect.bar").await, 1);
    let bar = "#points-chart rect.bar";
    assert_eq!(
        attribute(&client, bar, "data-value").await,
        points.to_string()
    );
    let summary = text_of(&client, "#points-summary").await;
    assert!(
        summary.starts_with(&format!(
            "{points} points spent on 2 messages in the last 30 days"
        )),
        "{summary}"
    );
    // Sign-ins today: the sign-up's, under the two failures stacked on top.
    assert_eq!(
        count(&client, "#sign-ins-chart rect.bar--succeeded").await,
        1
    );
    assert_eq!(count(&client, "#sign-ins-chart rect.bar--failed").await, 1);
    assert_eq!(
        attribute(&client, "#sign-ins-chart rect.bar--failed", "data-value").await,
        "2"
    );
    assert!(text_of(&client, ".chart-legend")
        .await
        .contains("Failed (striped, on top)"));
    let summary = text_of(&client, "#sign-ins-summary").await;
    assert!(
        summary.starts_with("1 sign-in succeeded and 2 failed"),
        "{summary}"
    );
    // Refused calls and destinations by name.
    assert_eq!(count(&client, "#refused-list .bar-row").await, 1);
    let refused = text_of(&client, "#refused-list").await;
    assert!(
        refused.contains("Token lacks the scope") && refused.contains('3'),
        "{refused}"
    );
    assert_eq!(
        attribute(&client, "#destinations-list rect.bar", "data-label").await,
        "Poland"
    );
    assert_eq!(
        text_of(&client, "#destinations-summary").await,
        "2 messages in the last 30 days. Most sent to: Poland, 2 messages."
    );
    save_screenshot(&client, "activity-1280.png", 1280, 2000).await;
    save_screenshot(&client, "activity-390.png", 390, 3000).await;
    let (page, window, wide) = widths(&client).await;
    assert!(
        page <= window,
        "the page scrolls sideways at 390 px: {page} > {window}: {wide}"
    );

    // The numbers as a table, for those who would rather read; it fits a phone too.
    click(&client, "#sign-ins details summary").await;
    assert_eq!(count(&client, "#sign-ins-table tbody tr").await, 30);
    let (page, window, wide) = widths(&client).await;
    assert!(page <= window, "the open table is too wide: {wide}");

    // A shorter period: 7 days of bars and rows.
    click(&client, "select#activity-period option[value='7']").await;
    client
        .wait()
        .for_element(Locator::Css("#points-table"))
        .await
        .unwrap();
    for _ in 0..50 {
        if count(&client, "#sign-ins-table tbody tr").await == 7 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(count(&client, "#sign-ins-table tbody tr").await, 7);
    assert!(text_of(&client, "#points-summary")
        .await
        .contains("in the last 7 days"));

    let violations = csp_violations(&client).await;
    assert!(violations.is_empty(), "CSP violations: {violations:?}");
}
