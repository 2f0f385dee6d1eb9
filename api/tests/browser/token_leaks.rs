//! A leaked token reported by a secret scanner, as the account's owner sees it: the
//! token is gone from the Tokens page, refused by the API, the owner is e-mailed where it
//! was found, and the security log says what happened.

use reqwest::StatusCode;

use crate::support::{
    click, fill, find, outbox_message, save_screenshot, sign_up, start_browser, start_server,
    wait_for_part,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reported_leak_revokes_the_token_and_tells_the_owner() {
    let scratch = tempfile::tempdir().unwrap();
    let (_server, base) = start_server(&scratch.path().join("portcullis.db"));
    let (_driver, client) = start_browser(&scratch.path().join("profile")).await;
    let email = "grace@example.com";
    sign_up(&client, &base, email, None).await;

    click(&client, "nav a[href='/tokens']").await;
    fill(&client, "#new-token-name", "Deploy script").await;
    click(&client, "input[name=scope][value=profile]").await;
    click(&client, "#create-token").await;
    let secret = find(&client, "#token-secret").await.text().await.unwrap();
    let http = reqwest::Client::new();
    let profile = || {
        http.get(format!("{base}/api/v1/profile"))
            .bearer_auth(&secret)
            .send()
    };
    assert_eq!(profile().await.unwrap().status(), StatusCode::OK);

    // A scanner finds it in a public repository and reports it, unauthenticated.
    let reported = http
        .post(format!("{base}/api/v1/token-leaks"))
        .json(&serde_json::json!([{
            "token": secret,
            "type": "portcullis_access_token",
            "url": "https://github.com/someone/deploy/blob/main/.env",
            "source": "content"
        }]))
        .send()
        .await
        .unwrap();
    assert_eq!(reported.status(), StatusCode::ACCEPTED);

    // The owner is told where it was found (the link made non-clickable).
    let mail = outbox_message(&base, email, "token_leak").await;
    assert!(mail.body.contains("github"), "{}", mail.body);
    assert!(mail.body.contains("Deploy script"), "{}", mail.body);
    assert_eq!(profile().await.unwrap().status(), StatusCode::UNAUTHORIZED);

    // The Tokens page no longer lists it; the security log says why.
    client.refresh().await.unwrap();
    find(&client, "#tokens-empty").await;
    client.goto(&format!("{base}/security-log")).await.unwrap();
    let log = wait_for_part(
        &client,
        "#security-log-table",
        "Leaked credential reported and revoked",
    )
    .await;
    assert!(
        log.contains("Deploy script") || log.contains("token_deleted"),
        "{log}"
    );
    save_screenshot(&client, "token-leak-security-log.png", 1280, 1000).await;
    client.close().await.unwrap();
}
