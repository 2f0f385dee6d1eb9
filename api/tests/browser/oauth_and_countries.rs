//! OAuth2 clients and country filtering end to end: a client registered in the portal gets
//! access tokens from `/oauth/token` that work until the client is disabled in the portal;
//! the destination countries are chosen by searching and ticking, and stay saved.

use portcullis_shared::dto::{OAuthTokenResponse, ProfileDto};
use portcullis_shared::problem::{Problem, ProblemCode};
use reqwest::StatusCode;

use crate::support::{
    click, fill, find, save_screenshot, sign_up, start_browser, start_server, text_of,
    wait_for_text,
};

/// The gateway operator lets the account send abroad, as in production: the
/// `portcullis operator lift-trial-restriction` command against the same storage.
pub fn lift_trial_restriction(database: &std::path::Path, email: &str) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_portcullis"))
        .args(["operator", "lift-trial-restriction", "--email", email])
        .env(
            "PORTCULLIS_DATABASE_URL",
            format!("sqlite://{}", database.display()),
        )
        .output()
        .expect("run portcullis operator lift-trial-restriction");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The client_credentials grant, as an integrator's system makes it.
async fn access_token(base: &str, client_id: &str, client_secret: &str) -> OAuthTokenResponse {
    let response = reqwest::Client::new()
        .post(format!("{base}/oauth/token"))
        .basic_auth(client_id, Some(client_secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("call the token endpoint");
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn call_profile(base: &str, access_token: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(format!("{base}/api/v1/profile"))
        .bearer_auth(access_token)
        .send()
        .await
        .expect("call the API")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oauth_client_works_until_disabled_and_countries_are_chosen_by_search() {
    let scratch = tempfile::tempdir().unwrap();
    let database = scratch.path().join("portcullis.db");
    let (_server, base) = start_server(&database);
    let (_driver, client) = start_browser(&scratch.path().join("profile")).await;
    let email = "katherine@example.com";
    sign_up(&client, &base, email, None).await;

    // The tokens page's tabs lead to the clients page, which starts empty.
    click(&client, "nav a[href='/tokens']").await;
    click(&client, "a[href='/oauth-clients']").await;
    find(&client, "#clients-empty").await;

    // A client with only `profile`: its ID and secret are shown once.
    fill(&client, "#new-client-name", "Billing service").await;
    click(&client, "input[name=client-scope][value=profile]").await;
    fill(&client, "#new-client-allowlist", "127.0.0.1").await;
    click(&client, "#create-client").await;
    let client_secret = text_of(&client, "#client-secret").await;
    let client_id = text_of(&client, "#client-id").await;
    assert!(client_secret.starts_with("pcl_cs_"), "{client_secret}");
    assert!(!client_id.is_empty());
    let row_css = format!("[data-client-id='{client_id}']");
    wait_for_text(&client, &format!("{row_css} .client-state"), "Active").await;
    assert_eq!(
        text_of(&client, &format!("{row_css} .client-scopes")).await,
        "profile"
    );
    let snippet = text_of(&client, "#new-client-created .code-block").await;
    assert!(
        snippet.contains(&format!("{base}/oauth/token")),
        "the snippet names this server's token endpoint: {snippet}"
    );

    // The grant gives a bearer token that reads the profile.
    let token = access_token(&base, &client_id, &client_secret).await;
    assert_eq!(token.token_type, "Bearer");
    assert_eq!(token.scope, "profile");
    let response = call_profile(&base, &token.access_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let profile: ProfileDto = response.json().await.unwrap();
    assert_eq!(profile.email, email);

    save_screenshot(&client, "oauth-clients.png", 1280, 2000).await;
    save_screenshot(&client, "oauth-clients-390.png", 390, 2800).await;
    client.set_window_size(1280, 900).await.unwrap();

    // Disabled in the portal: the token it was given is refused on the very next call.
    click(&client, &format!("{row_css} .client-disable")).await;
    wait_for_text(&client, &format!("{row_css} .client-state"), "Disabled").await;
    let response = call_profile(&base, &token.access_token).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let problem: Problem = response.json().await.unwrap();
    assert_eq!(problem.code, ProblemCode::TokenDisabled, "{problem:?}");
    find(&client, &format!("{row_css} .client-enable")).await;

    // Deleting asks first.
    click(&client, &format!("{row_css} .client-delete")).await;
    click(&client, &format!("{row_css} .client-delete-confirm")).await;
    find(&client, "#clients-empty").await;

    // Countries: a new account allows only its own; once the operator has lifted
    // its trial restriction, search, tick Germany, save.
    lift_trial_restriction(&database, email);
    click(&client, "nav a[href='/country-filter']").await;
    wait_for_text(&client, "#countries-summary", "1 country allowed: Poland").await;
    fill(&client, "#country-search", "germ").await;
    click(&client, "input[name=country][value=DE]").await;
    wait_for_text(&client, "#countries-status", "Unsaved changes").await;
    click(&client, "#save-countries").await;
    wait_for_text(&client, "#countries-status", "Saved").await;
    wait_for_text(
        &client,
        "#countries-summary",
        "2 countries allowed: Germany, Poland",
    )
    .await;
    wait_for_text(
        &client,
        "#toasts .toast-message",
        "Country filter saved: 2 countries allowed.",
    )
    .await;
    // Emptied key by key (as a user would: clearing the field fires no input event).
    find(&client, "#country-search")
        .await
        .send_keys(&"\u{e003}".repeat(4))
        .await
        .unwrap();
    let first = find(&client, "input[name=country]").await;
    assert_eq!(first.attr("value").await.unwrap().as_deref(), Some("DE"));
    find(&client, "input[name=country][value=AF]").await;
    save_screenshot(&client, "countries.png", 1280, 1100).await;
    save_screenshot(&client, "countries-390.png", 390, 1400).await;
    client.set_window_size(1280, 900).await.unwrap();

    // A reload reads the saved list back: both ticked, listed first.
    client.refresh().await.unwrap();
    wait_for_text(
        &client,
        "#countries-summary",
        "2 countries allowed: Germany, Poland",
    )
    .await;
    for code in ["DE", "PL"] {
        let checked = find(&client, &format!("input[name=country][value={code}]"))
            .await
            .prop("checked")
            .await
            .unwrap();
        assert_eq!(checked.as_deref(), Some("true"), "{code}");
    }
    let first = find(&client, "input[name=country]").await;
    assert_eq!(first.attr("value").await.unwrap().as_deref(), Some("DE"));
    client.close().await.unwrap();
}
