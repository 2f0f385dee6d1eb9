//! Credential rotation through the portal: a token regenerated (confirmation, the new
//! secret shown once, the old one refused at once) and an OAuth client's secret replaced
//! with an overlap ("Previous secret still works until …", then stopped early).

use reqwest::StatusCode;

use crate::support::{
    click, fill, find, save_screenshot, sign_up, start_browser, start_server, text_of,
    wait_for_none, wait_for_part, wait_for_text,
};

async fn profile_status(base: &str, secret: &str) -> StatusCode {
    reqwest::Client::new()
        .get(format!("{base}/api/v1/profile"))
        .bearer_auth(secret)
        .send()
        .await
        .expect("call the API")
        .status()
}

async fn token_endpoint_status(base: &str, id: &str, secret: &str) -> StatusCode {
    reqwest::Client::new()
        .post(format!("{base}/oauth/token"))
        .basic_auth(id, Some(secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("call the token endpoint")
        .status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_is_regenerated_and_a_client_secret_replaced_in_the_portal() {
    let scratch = tempfile::tempdir().unwrap();
    let (_server, base) = start_server(&scratch.path().join("portcullis.db"));
    let (_driver, client) = start_browser(&scratch.path().join("profile")).await;
    sign_up(&client, &base, "rotation@example.com", None).await;

    // A token, created as usual.
    click(&client, "nav a[href='/tokens']").await;
    find(&client, "#tokens-empty").await;
    fill(&client, "#new-token-name", "CRM integration").await;
    click(&client, "input[name=scope][value=profile]").await;
    fill(&client, "#new-token-allowlist", "127.0.0.1").await;
    click(&client, "#create-token").await;
    let old_secret = text_of(&client, "#token-secret").await;
    click(&client, "#token-secret-done").await;
    wait_for_none(&client, "#token-secret").await;
    let old_id = find(&client, "[data-token-id]")
        .await
        .attr("data-token-id")
        .await
        .unwrap()
        .expect("token id");
    assert_eq!(profile_status(&base, &old_secret).await, StatusCode::OK);

    // Regenerate asks first, saying the old secret stops working now; Cancel changes nothing.
    let row = format!("[data-token-id='{old_id}']");
    click(&client, &format!("{row} .token-regenerate")).await;
    let warning = text_of(&client, &format!("{row} .token-renew-panel")).await;
    assert!(
        warning.contains("Regenerate “CRM integration”?"),
        "{warning}"
    );
    assert!(warning.contains("stops working now"), "{warning}");
    save_screenshot(&client, "token-regenerate-confirm.png", 1280, 1400).await;
    click(&client, &format!("{row} .token-regenerate-cancel")).await;
    wait_for_none(&client, &format!("{row} .token-renew-panel")).await;
    assert_eq!(profile_status(&base, &old_secret).await, StatusCode::OK);

    // Confirmed: the new secret is shown once, the old one is refused at once.
    click(&client, &format!("{row} .token-regenerate")).await;
    click(&client, &format!("{row} .token-regenerate-confirm")).await;
    let new_secret = text_of(&client, "#token-secret").await;
    assert!(new_secret.starts_with("pcl_at_"), "{new_secret}");
    assert_ne!(new_secret, old_secret);
    let title = text_of(&client, "#new-token-created h2").await;
    assert!(title.contains("regenerated"), "{title}");
    wait_for_part(
        &client,
        "#toasts .toast:last-child .toast-message",
        "New secret for token CRM integration",
    )
    .await;
    save_screenshot(&client, "token-regenerated.png", 1280, 1400).await;
    assert_eq!(
        profile_status(&base, &old_secret).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(profile_status(&base, &new_secret).await, StatusCode::OK);
    // The list holds the new token only, with the same allowlist.
    wait_for_none(&client, &row).await;
    let new_id = find(&client, "[data-token-id]")
        .await
        .attr("data-token-id")
        .await
        .unwrap()
        .expect("token id");
    assert_ne!(new_id, old_id);
    let new_row = format!("[data-token-id='{new_id}']");
    assert_eq!(
        text_of(&client, &format!("{new_row} .token-allowlist")).await,
        "127.0.0.1"
    );
    assert!(text_of(&client, &format!("{new_row} .token-hint"))
        .await
        .ends_with(&new_secret[new_secret.len() - 6..]));
    click(&client, "#token-secret-done").await;

    // A client, registered as usual, and used once.
    click(&client, "a[href='/oauth-clients']").await;
    find(&client, "#clients-empty").await;
    fill(&client, "#new-client-name", "Billing service").await;
    click(&client, "input[name=client-scope][value=profile]").await;
    click(&client, "#create-client").await;
    let first_secret = text_of(&client, "#client-secret").await;
    let client_id = text_of(&client, "#client-id").await;
    click(&client, "#client-secret-done").await;
    wait_for_none(&client, "#client-secret").await;
    assert_eq!(
        token_endpoint_status(&base, &client_id, &first_secret).await,
        StatusCode::OK
    );
    let row = format!("[data-client-id='{client_id}']");
    // Its last use shows (written within seconds): reload until it does.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        client.refresh().await.unwrap();
        let used = text_of(&client, &format!("{row} .client-last-used")).await;
        if used.contains("127.0.0.1") {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "last use: {used}");
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }

    // Replace the secret, keeping the old one for an hour.
    click(&client, &format!("{row} .client-rotate")).await;
    let panel = text_of(&client, &format!("{row} .client-renew-panel")).await;
    assert!(
        panel.contains("Replace the secret of “Billing service”?"),
        "{panel}"
    );
    find(
        &client,
        &format!("{row} .client-overlap option[value='3600']"),
    )
    .await
    .click()
    .await
    .unwrap();
    save_screenshot(&client, "client-rotate-confirm.png", 1280, 1600).await;
    click(&client, &format!("{row} .client-rotate-confirm")).await;
    let second_secret = text_of(&client, "#client-secret").await;
    assert!(second_secret.starts_with("pcl_cs_"), "{second_secret}");
    wait_for_part(
        &client,
        "#toasts .toast:last-child .toast-message",
        "New secret for client Billing service",
    )
    .await;
    assert_ne!(second_secret, first_secret);
    let until = text_of(&client, "#client-previous-until").await;
    assert!(until.contains("keeps working until"), "{until}");
    save_screenshot(&client, "client-rotated.png", 1280, 1600).await;
    click(&client, "#client-secret-done").await;

    // Both work during the overlap; the row says until when.
    assert_eq!(
        token_endpoint_status(&base, &client_id, &first_secret).await,
        StatusCode::OK
    );
    assert_eq!(
        token_endpoint_status(&base, &client_id, &second_secret).await,
        StatusCode::OK
    );
    let previous = text_of(&client, &format!("{row} .client-previous-secret")).await;
    assert!(previous.contains("Still works until"), "{previous}");
    save_screenshot(&client, "client-overlap.png", 1280, 1600).await;
    save_screenshot(&client, "client-overlap-390.png", 390, 2600).await;
    client.set_window_size(1280, 1600).await.unwrap();

    // Stopped early: only the new secret works.
    click(&client, &format!("{row} .client-end-overlap")).await;
    wait_for_none(&client, &format!("{row} .client-previous-secret")).await;
    assert_eq!(
        token_endpoint_status(&base, &client_id, &first_secret).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        token_endpoint_status(&base, &client_id, &second_secret).await,
        StatusCode::OK
    );
    wait_for_text(&client, &format!("{row} .client-state"), "Active").await;
}
