//! The security log's filters in the portal: a search and a date range narrow the log and
//! live in the URL (a reload keeps them, Back returns to the filter before), the empty
//! state says which filters found nothing and offers to clear them, the export links carry
//! the same filters, and "Show more" pages on. Screenshots at 1280 and 390 wide; no CSP
//! violation, and the filters fit a phone's width.

use chrono::{Duration, Utc};
use fantoccini::{Client, Locator};
use portcullis_shared::routes;
use serde_json::json;

use crate::support::{
    click, csp_violations, fill, find, screenshots_dir, sign_up, start_browser, start_server,
    wait_for_text,
};

/// The kinds of the rows the log's table lists, top to bottom.
async fn listed_kinds(client: &Client) -> Vec<String> {
    let mut kinds = Vec::new();
    for row in client
        .find_all(Locator::Css("#security-log-table tbody tr"))
        .await
        .unwrap()
    {
        kinds.push(row.attr("data-kind").await.unwrap().unwrap_or_default());
    }
    kinds
}

/// Waits until the table lists `count` rows (0: until the empty state shows).
async fn wait_for_rows(client: &Client, count: usize) -> Vec<String> {
    let mut seen = Vec::new();
    for _ in 0..100 {
        seen = listed_kinds(client).await;
        let shown = count > 0
            || client
                .find(Locator::Css("#security-log-empty"))
                .await
                .is_ok();
        if seen.len() == count && shown {
            return seen;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!("the log lists {} rows, not {count}: {seen:?}", seen.len());
}

/// Waits until "Show more" is gone (the last page is in), and answers the rows.
async fn wait_for_last_page(client: &Client) -> Vec<String> {
    for _ in 0..100 {
        if client.find(Locator::Css("#load-older")).await.is_err() {
            return listed_kinds(client).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!("\"Show more\" stays");
}

/// The page's URL query, decoded into pairs.
async fn url_query(client: &Client) -> Vec<(String, String)> {
    let url = client.current_url().await.unwrap();
    url.query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The value a form control holds now.
async fn value_of(client: &Client, css: &str) -> String {
    find(client, css)
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

/// Sets a date input as a person picking a day would (the typed form depends on the locale).
async fn pick_date(client: &Client, css: &str, day: &str) {
    let field = find(client, css).await;
    client
        .execute(
            "arguments[0].value = arguments[1]; \
             arguments[0].dispatchEvent(new Event('input', { bubbles: true }))",
            vec![serde_json::to_value(&field).unwrap(), json!(day)],
        )
        .await
        .unwrap();
}

/// The log's filters and list stay inside the window: what of them sticks out.
async fn filters_sticking_out(client: &Client) -> String {
    let wide = client
        .execute(
            "return [...document.querySelectorAll(
                    '.log-filters, .log-filters *, .log-filters__presets *, .log-count, #security-log-empty *, .list-more *')]
                .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
                .map((e) => e.tagName + '#' + e.id + '.' + e.className)
                .slice(0, 8).join(' | ')",
            Vec::new(),
        )
        .await
        .unwrap();
    wide.as_str().unwrap_or_default().to_owned()
}

/// Screenshots the log's part of the page (its filters at the top) at `width` × `height`.
async fn screenshot_of_the_log(client: &Client, name: &str, width: u32, height: u32) {
    client.set_window_size(width, height).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    client
        .execute(
            "document.querySelector('.log-filters').closest('.card').scrollIntoView()",
            Vec::new(),
        )
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let png = client.screenshot().await.unwrap();
    assert!(png.len() > 10_000, "a real screenshot");
    std::fs::write(screenshots_dir().join(name), &png).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn security_log_filters_live_in_the_url() {
    let scratch = tempfile::tempdir().unwrap();
    let (_server, base) = start_server(&scratch.path().join("portcullis.db"));
    let (_driver, client) = start_browser(&scratch.path().join("profile")).await;
    sign_up(&client, &base, "logbook@example.com", None).await;

    // 55 settings changes, so the log has more than one page (50 a page).
    let changed = client
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
            (async () => {
                const me = await (await fetch("/api/v1/me")).json();
                let ok = 0;
                for (let i = 0; i < 55; i++) {
                    const response = await fetch("/api/v1/settings/session-timeout", {
                        method: "PUT",
                        headers: { "X-CSRF-Token": me.session.csrf_token, "Content-Type": "application/json" },
                        body: JSON.stringify({ idle_timeout_secs: i % 2 ? 1800 : 3600 }),
                    });
                    if (response.ok) ok++;
                }
                done(ok);
            })().catch((e) => done(String(e)));"#,
            Vec::new(),
        )
        .await
        .unwrap();
    assert_eq!(changed, json!(55));
    // A failed sign-in from elsewhere.
    let refused = reqwest::Client::new()
        .post(format!("{base}{}", routes::LOGIN))
        .header(routes::CSRF_HEADER, routes::PRE_SESSION_CSRF)
        .json(&json!({ "email": "logbook@example.com", "password": "Not-The-Password-1" }))
        .send()
        .await
        .unwrap();
    assert!(refused.status().is_client_error(), "{}", refused.status());

    client.goto(&format!("{base}/security-log")).await.unwrap();
    let first = wait_for_rows(&client, 50).await;
    assert_eq!(first[0], "login_failed", "newest first: {first:?}");
    // "Show more" brings the older ones, after the ones shown.
    wait_for_text(&client, "#load-older", "Show more").await;
    click(&client, "#load-older").await;
    let all = wait_for_last_page(&client).await;
    assert!(all.len() > 55, "{all:?}");
    assert_eq!(&all[..50], &first[..], "the first page stays on top");
    assert_eq!(all.last().map(String::as_str), Some("signup"));
    let shown = format!("Showing {} events.", all.len());
    wait_for_text(&client, "#security-log-count", &shown).await;

    // A search, then a preset range: each a new URL.
    fill(&client, "#security-log-q", "sign-in failed").await;
    click(&client, "#security-log-search").await;
    assert_eq!(wait_for_rows(&client, 1).await, ["login_failed"]);
    assert_eq!(
        url_query(&client).await,
        [("q".to_owned(), "sign-in failed".to_owned())]
    );
    click(&client, "#range-24h").await;
    wait_for_text(&client, "#security-log-count", "Showing 1 event.").await;
    assert!(url_query(&client)
        .await
        .contains(&("range".to_owned(), "24h".to_owned())));
    assert_eq!(
        find(&client, "#range-24h")
            .await
            .attr("aria-pressed")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );
    // The exports carry the same filters.
    let csv = find(&client, "#export-csv")
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(
        csv.contains("q=sign-in+failed") && csv.contains("from="),
        "{csv}"
    );
    screenshot_of_the_log(&client, "security-log-filtered.png", 1280, 900).await;

    // A date range that holds nothing: the empty state says what found nothing.
    let tomorrow = (Utc::now().date_naive() + Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    pick_date(&client, "#security-log-from", &tomorrow).await;
    wait_for_rows(&client, 0).await;
    let empty = find(&client, "#security-log-empty")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        empty.contains("No events match these filters")
            && empty.contains("sign-in failed")
            && empty.contains(&tomorrow)
            && empty.contains("Clear filters"),
        "{empty}"
    );
    let query = url_query(&client).await;
    assert!(
        query.contains(&("from".to_owned(), tomorrow.clone()))
            && !query.iter().any(|(k, _)| k == "range"),
        "a date replaces the preset: {query:?}"
    );

    // A reload keeps the filters: they are in the URL.
    client.refresh().await.unwrap();
    wait_for_rows(&client, 0).await;
    assert_eq!(value_of(&client, "#security-log-q").await, "sign-in failed");
    assert_eq!(value_of(&client, "#security-log-from").await, tomorrow);

    // Back returns to the filter before: the search over the last 24 hours.
    client.back().await.unwrap();
    assert_eq!(wait_for_rows(&client, 1).await, ["login_failed"]);
    assert_eq!(value_of(&client, "#security-log-from").await, "");
    assert_eq!(value_of(&client, "#security-log-q").await, "sign-in failed");
    // …and Back again to the search alone, then to the whole log.
    client.back().await.unwrap();
    wait_for_text(&client, "#security-log-count", "Showing 1 event.").await;
    assert!(!url_query(&client).await.iter().any(|(k, _)| k == "range"));
    client.back().await.unwrap();
    wait_for_rows(&client, 50).await;
    assert_eq!(value_of(&client, "#security-log-q").await, "");

    // A search by the kind's words and the e-mail, at a phone's width.
    fill(&client, "#security-log-q", "logbook@example").await;
    click(&client, "#security-log-search").await;
    wait_for_text(
        &client,
        "#security-log-count",
        "Showing 50 events, more older ones.",
    )
    .await;
    screenshot_of_the_log(&client, "security-log-filtered-phone.png", 390, 844).await;
    let wide = filters_sticking_out(&client).await;
    assert!(wide.is_empty(), "sticks out at 390 px: {wide}");

    // Clear filters goes back to the whole log.
    pick_date(&client, "#security-log-to", "2000-01-01").await;
    wait_for_rows(&client, 0).await;
    screenshot_of_the_log(&client, "security-log-nothing-found-phone.png", 390, 844).await;
    assert!(filters_sticking_out(&client).await.is_empty());
    screenshot_of_the_log(&client, "security-log-nothing-found.png", 1280, 900).await;
    click(&client, "#security-log-empty a").await;
    wait_for_rows(&client, 50).await;
    assert!(url_query(&client).await.is_empty());

    let violations = csp_violations(&client).await;
    assert!(violations.is_empty(), "{violations:?}");
}
