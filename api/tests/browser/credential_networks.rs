//! First use from a new network, in the portal: a token used over HTTP from
//! the test shows the network it was used from on the Tokens page, and its
//! "Refuse calls from new networks" checkbox pins it.

use reqwest::StatusCode;

use crate::support::{click, fill, find, save_screenshot, sign_up, start_browser, start_server};

/// `GET /api/v1/profile` with the token, as an integrator's system would call it.
async fn call_profile(base: &str, secret: &str) -> StatusCode {
    reqwest::Client::new()
        .get(format!("{base}/api/v1/profile"))
        .bearer_auth(secret)
        .send()
        .await
        .expect("call the API")
        .status()
}

/// Waits until the checkbox at `css` is (un)ticked as the API answered.
async fn wait_for_checked(client: &fantoccini::Client, css: &str, checked: bool) {
    for _ in 0..100 {
        let element = find(client, css).await;
        let ticked = element.prop("checked").await.unwrap().as_deref() == Some("true");
        let enabled = element.prop("disabled").await.unwrap().as_deref() != Some("true");
        if ticked == checked && enabled {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("`{css}` never became checked={checked}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tokens_page_shows_the_networks_a_token_was_used_from_and_pins_it() {
    let scratch = tempfile::tempdir().unwrap();
    let (_server, base) = start_server(&scratch.path().join("portcullis.db"));
    let (_driver, client) = start_browser(&scratch.path().join("profile")).await;
    sign_up(&client, &base, "linus@example.com", None).await;

    click(&client, "nav a[href='/tokens']").await;
    find(&client, "#tokens-empty").await;
    fill(&client, "#new-token-name", "Nightly export").await;
    click(&client, "input[name=scope][value=profile]").await;
    click(&client, "#create-token").await;
    let secret = find(&client, "#token-secret").await.text().await.unwrap();
    let id = find(&client, "[data-token-id]")
        .await
        .attr("data-token-id")
        .await
        .unwrap()
        .expect("token id");
    let row = format!("[data-token-id='{id}']");
    find(&client, &format!("{row} .networks-empty")).await;

    // Used over HTTP from here (127.0.0.1): the page shows its network once reloaded.
    assert_eq!(call_profile(&base, &secret).await, StatusCode::OK);
    assert_eq!(call_profile(&base, &secret).await, StatusCode::OK);
    client.refresh().await.unwrap();
    let network = find(
        &client,
        &format!("{row} tr.network[data-network='127.0.0.0/24']"),
    )
    .await;
    let cells = network.text().await.unwrap();
    assert!(cells.contains("127.0.0.0/24"), "{cells}");

    // Pinned in the portal: stored (it stays ticked after a reload), and calls from the
    // network it knows still work.
    let pin = format!("#networks-pin-{id}");
    wait_for_checked(&client, &pin, false).await;
    click(&client, &pin).await;
    wait_for_checked(&client, &pin, true).await;
    client.refresh().await.unwrap();
    wait_for_checked(&client, &pin, true).await;
    assert_eq!(call_profile(&base, &secret).await, StatusCode::OK);
    find(&client, &format!("{row} .token-networks table.networks")).await;
    save_screenshot(&client, "token-networks.png", 1280, 1400).await;

    // Unticked again.
    click(&client, &pin).await;
    wait_for_checked(&client, &pin, false).await;
}
