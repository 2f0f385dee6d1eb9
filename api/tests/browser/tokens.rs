//! API tokens end to end: made in the portal, used from outside with `Authorization:
//! Bearer`, disabled, re-enabled, its allowlist edited and deleted in the portal, each
//! change effective on the very next call; and the account's API allowlist refusing calls
//! from elsewhere.

use fantoccini::Locator;
use portcullis_shared::dto::ProfileDto;
use portcullis_shared::problem::{Problem, ProblemCode};
use reqwest::StatusCode;

use crate::support::{
    click, fill, find, save_screenshot, sign_up, start_browser, start_server, text_of,
    wait_for_none, wait_for_text,
};

/// `GET /api/v1/profile` with the token, as an integrator's system would call it.
async fn call_profile(base: &str, secret: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(format!("{base}/api/v1/profile"))
        .bearer_auth(secret)
        .send()
        .await
        .expect("call the API")
}

async fn expect_profile(base: &str, secret: &str, email: &str) {
    let response = call_profile(base, secret).await;
    assert_eq!(response.status(), StatusCode::OK);
    let profile: ProfileDto = response.json().await.unwrap();
    assert_eq!(profile.email, email);
}

async fn expect_refusal(base: &str, secret: &str, status: StatusCode, code: ProblemCode) {
    let response = call_profile(base, secret).await;
    assert_eq!(response.status(), status);
    let problem: Problem = response.json().await.unwrap();
    assert_eq!(problem.code, code, "{problem:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_made_in_the_portal_works_until_disabled_or_deleted() {
    let scratch = tempfile::tempdir().unwrap();
    let (_server, base) = start_server(&scratch.path().join("portcullis.db"));
    let (_driver, client) = start_browser(&scratch.path().join("profile")).await;
    let email = "grace@example.com";
    sign_up(&client, &base, email, None).await;

    // The header leads to the tokens page, which starts empty.
    click(&client, "nav a[href='/tokens']").await;
    find(&client, "#tokens-empty").await;

    // The API's refusal of a bad allowlist entry shows by the text area, with its line.
    fill(&client, "#new-token-name", "CRM integration").await;
    click(&client, "input[name=scope][value=profile]").await;
    fill(&client, "#new-token-allowlist", "127.0.0.1\nnot-an-address").await;
    click(&client, "#create-token").await;
    let error = text_of(&client, "#new-token-allowlist-error").await;
    assert!(
        error.starts_with("Line 2:") && error.contains("not-an-address"),
        "{error}"
    );
    assert!(client.find(Locator::Css("#token-secret")).await.is_err());

    // "Never" is warned against; the default is 30 days.
    find(&client, "#new-token-expiry-choice option[value='never']")
        .await
        .click()
        .await
        .unwrap();
    let warning = text_of(&client, "#new-token-never-warning").await;
    assert!(
        warning.contains("keeps working wherever it leaks"),
        "{warning}"
    );
    find(&client, "#new-token-expiry-choice option[value='30']")
        .await
        .click()
        .await
        .unwrap();
    assert!(client
        .find(Locator::Css("#new-token-never-warning"))
        .await
        .is_err());

    // Fixed, the token is created and its secret shown, once.
    fill(&client, "#new-token-allowlist", "127.0.0.1").await;
    click(&client, "#create-token").await;
    let secret = text_of(&client, "#token-secret").await;
    assert!(secret.starts_with("pcl_at_"), "{secret}");
    assert_eq!(
        find(&client, "#new-token-name")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some(""),
        "the form is cleared for the next token"
    );

    // The list refreshed with the new token, active, with only `profile`.
    let row = find(&client, "[data-token-id]").await;
    let id = row.attr("data-token-id").await.unwrap().expect("token id");
    let row_css = format!("[data-token-id='{id}']");
    wait_for_text(&client, &format!("{row_css} .token-state"), "Active").await;
    assert_eq!(
        text_of(&client, &format!("{row_css} .token-scopes")).await,
        "profile"
    );
    assert_eq!(
        text_of(&client, &format!("{row_css} .token-allowlist")).await,
        "127.0.0.1"
    );
    assert!(text_of(&client, &format!("{row_css} .token-hint"))
        .await
        .ends_with(&secret[secret.len() - 6..]));
    // It expires at the end of the 30th day from today, UTC.
    let last_day = (chrono::Utc::now() + chrono::Duration::days(30))
        .format("%-d %b %Y")
        .to_string();
    let expires = text_of(&client, &format!("{row_css} .token-expires")).await;
    assert!(
        expires.contains(&last_day),
        "{expires} is not on {last_day}"
    );

    // The secret works against the API.
    expect_profile(&base, &secret, email).await;
    save_screenshot(&client, "tokens.png", 1280, 1900).await;
    save_screenshot(&client, "tokens-narrow.png", 390, 2600).await;
    client.set_window_size(1280, 900).await.unwrap();

    // Disabled: refused on the very next call; re-enabled: accepted again.
    click(&client, &format!("{row_css} .token-disable")).await;
    wait_for_text(&client, &format!("{row_css} .token-state"), "Disabled").await;
    expect_refusal(
        &base,
        &secret,
        StatusCode::UNAUTHORIZED,
        ProblemCode::TokenDisabled,
    )
    .await;
    click(&client, &format!("{row_css} .token-enable")).await;
    wait_for_text(&client, &format!("{row_css} .token-state"), "Active").await;
    expect_profile(&base, &secret, email).await;

    // The token's own allowlist, edited in place: another address refuses the call.
    click(&client, &format!("{row_css} .token-edit-allowlist")).await;
    fill(
        &client,
        &format!("#token-allowlist-{id}"),
        "198.51.100.0/24",
    )
    .await;
    click(&client, &format!("{row_css} .token-allowlist-save")).await;
    wait_for_text(
        &client,
        &format!("{row_css} .token-allowlist"),
        "198.51.100.0/24",
    )
    .await;
    expect_refusal(
        &base,
        &secret,
        StatusCode::FORBIDDEN,
        ProblemCode::TokenIpNotAllowed,
    )
    .await;
    click(&client, &format!("{row_css} .token-edit-allowlist")).await;
    fill(&client, &format!("#token-allowlist-{id}"), "127.0.0.0/8").await;
    click(&client, &format!("{row_css} .token-allowlist-save")).await;
    wait_for_text(
        &client,
        &format!("{row_css} .token-allowlist"),
        "127.0.0.0/8",
    )
    .await;
    expect_profile(&base, &secret, email).await;

    // The account's API allowlist applies on top of the token's: an entry elsewhere
    // refuses the call; removing it lets calls through again.
    click(&client, "a[href='/api-allowlist']").await;
    find(&client, "#allowlist-empty").await;
    fill(&client, "#allowlist-value", "10.1.2.0/24").await;
    fill(&client, "#allowlist-label", "Office").await;
    click(&client, "#allowlist-add").await;
    let entry = find(&client, "[data-entry-id]").await;
    assert!(entry.text().await.unwrap().contains("10.1.2.0/24"));
    assert!(entry.text().await.unwrap().contains("Office"));
    wait_for_text(&client, "#allowlist-status", "Restricted · 1 entry").await;
    // The same range again is a duplicate, said by the field.
    fill(&client, "#allowlist-value", "10.1.2.7/24").await;
    click(&client, "#allowlist-add").await;
    let error = text_of(&client, "#allowlist-value-error").await;
    assert!(error.contains("10.1.2.0/24"), "{error}");
    save_screenshot(&client, "api-allowlist.png", 1280, 900).await;
    expect_refusal(
        &base,
        &secret,
        StatusCode::FORBIDDEN,
        ProblemCode::AccountIpNotAllowed,
    )
    .await;
    // The last entry asks first: without it the API is open to every address. Cancel
    // keeps it, and calls from elsewhere are still refused.
    click(&client, "[data-entry-id] .allowlist-delete").await;
    let question = text_of(&client, "#allowlist-last-panel").await;
    assert!(question.contains("every address"), "{question}");
    click(&client, "#allowlist-last-panel-cancel").await;
    wait_for_none(&client, "#allowlist-last-panel").await;
    wait_for_text(&client, "#allowlist-status", "Restricted · 1 entry").await;
    expect_refusal(
        &base,
        &secret,
        StatusCode::FORBIDDEN,
        ProblemCode::AccountIpNotAllowed,
    )
    .await;
    click(&client, "[data-entry-id] .allowlist-delete").await;
    click(&client, "#allowlist-last-panel-confirm").await;
    find(&client, "#allowlist-empty").await;
    expect_profile(&base, &secret, email).await;

    // Deleting asks first, then the token is gone: refused as revoked.
    click(&client, "a[href='/tokens']").await;
    click(&client, &format!("{row_css} .token-delete")).await;
    click(&client, &format!("{row_css} .token-delete-confirm")).await;
    wait_for_none(&client, &row_css).await;
    find(&client, "#tokens-empty").await;
    expect_refusal(
        &base,
        &secret,
        StatusCode::UNAUTHORIZED,
        ProblemCode::TokenRevoked,
    )
    .await;

    client.close().await.unwrap();
}
