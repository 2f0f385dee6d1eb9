//! A token's policy set in the portal: the Policy panel of its row (countries from the
//! account's filter, a sending window, a daily points cap), saved and read back in words
//! in the list, and kept after a reload.

use portcullis_shared::dto::TokenDto;

use crate::support::{
    click, fill, find, portal_fetch, save_screenshot, sign_up, start_browser, start_server,
    wait_for_text,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_policy_set_on_a_token_in_the_portal_is_listed_in_words() {
    let scratch = tempfile::tempdir().unwrap();
    let (_server, base) = start_server(&scratch.path().join("portcullis.db"));
    let (_driver, client) = start_browser(&scratch.path().join("profile")).await;
    sign_up(&client, &base, "policies@example.com", None).await;

    click(&client, "nav a[href='/tokens']").await;
    find(&client, "#tokens-empty").await;
    fill(&client, "#new-token-name", "Shop notifications").await;
    click(&client, "input[name=scope][value=sms]").await;
    click(&client, "#create-token").await;
    let row = find(&client, "[data-token-id]").await;
    let id = row.attr("data-token-id").await.unwrap().expect("token id");
    let row_css = format!("[data-token-id='{id}']");
    wait_for_text(
        &client,
        &format!("{row_css} .token-policy"),
        "No limits of its own",
    )
    .await;

    // The panel offers the account's countries (a new Polish account: PL).
    click(&client, &format!("{row_css} .token-edit-policy")).await;
    let prefix = format!("#token-policy-{id}");
    click(&client, &format!("{prefix}-countries-on")).await;
    click(&client, &format!("{row_css} input[value=PL]")).await;
    click(&client, &format!("{prefix}-window-on")).await;
    find(
        &client,
        &format!("{prefix}-window-time-zone option[value='Europe/Warsaw']"),
    )
    .await
    .click()
    .await
    .unwrap();
    fill(&client, &format!("{prefix}-daily-cap"), "500").await;
    save_screenshot(&client, "token-policy-editor.png", 1280, 1900).await;
    click(&client, &format!("{row_css} .token-policy-save")).await;

    let words = "PL only · Mon–Fri 08:00–18:00 (Europe/Warsaw) · 500 points/day";
    wait_for_text(&client, &format!("{row_css} .token-policy"), words).await;
    save_screenshot(&client, "token-policy.png", 1280, 1400).await;

    // Stored as shown: the list the API answers after a reload says the same.
    client.refresh().await.unwrap();
    wait_for_text(&client, &format!("{row_css} .token-policy"), words).await;
    let (status, body) = portal_fetch(&client, "GET", "/api/v1/tokens", None).await;
    assert_eq!(status, 200);
    let tokens: Vec<TokenDto> = serde_json::from_value(body).unwrap();
    let policy = tokens[0].policy.clone().expect("a policy");
    assert_eq!(policy.countries, Some(vec!["PL".to_owned()]));
    assert_eq!(policy.daily_points_cap, Some(500));
    assert_eq!(policy.window.unwrap().time_zone, "Europe/Warsaw");
}
