//! Expiring exceptions in the portal: a temporary entry on the API allowlist, temporary
//! addresses on a new token, and a country allowed for a while, each showing the time it
//! has left.

use crate::support::{
    click, fill, find, save_screenshot, sign_up, start_browser, start_server, text_of,
    wait_for_part, wait_for_text,
};

/// Picks `value` in the `<select>` `css`, as a person choosing from its list.
async fn choose(client: &fantoccini::Client, css: &str, value: &str) {
    find(client, &format!("{css} option[value='{value}']"))
        .await
        .click()
        .await
        .expect("choose an option");
}

#[tokio::test]
async fn temporary_entries_and_countries_show_the_time_they_have_left() {
    let scratch = tempfile::tempdir().unwrap();
    let database = scratch.path().join("portcullis.db");
    let (_server, base) = start_server(&database);
    let (_driver, client) = start_browser(&scratch.path().join("profile")).await;
    let email = "traveller@example.com";
    sign_up(&client, &base, email, None).await;

    // The API allowlist: the office for good, and a hotel for an hour.
    click(&client, "nav a[href='/tokens']").await;
    click(&client, "a[href='/api-allowlist']").await;
    find(&client, "#allowlist-empty").await;
    fill(&client, "#allowlist-value", "127.0.0.1").await;
    fill(&client, "#allowlist-label", "Office").await;
    click(&client, "#allowlist-add").await;
    wait_for_text(&client, "#allowlist-status", "Restricted · 1 entry").await;
    fill(&client, "#allowlist-value", "198.51.100.7").await;
    fill(&client, "#allowlist-label", "Hotel").await;
    choose(&client, "#allowlist-expiry", "3600").await;
    click(&client, "#allowlist-add").await;
    wait_for_text(&client, "#allowlist-status", "Restricted · 2 entries").await;
    let left = wait_for_part(&client, "#allowlist-entries .entry-expiry", "Ends in").await;
    assert!(
        left.contains("Ends in 59 min") || left.contains("Ends in 1 h"),
        "{left}"
    );
    // The form is back to a permanent entry.
    let choice = find(&client, "#allowlist-expiry")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(choice.as_deref(), Some("never"));
    // "Until…" asks for a date and time; an empty one is refused in words.
    fill(&client, "#allowlist-value", "192.0.2.1").await;
    choose(&client, "#allowlist-expiry", "custom").await;
    click(&client, "#allowlist-add").await;
    let error = text_of(&client, "#allowlist-expiry-at-error").await;
    assert!(error.contains("Choose the date and time"), "{error}");
    save_screenshot(&client, "expiring-api-allowlist.png", 1280, 1000).await;
    save_screenshot(&client, "expiring-api-allowlist-390.png", 390, 1600).await;
    client.set_window_size(1280, 900).await.unwrap();

    // A token with a temporary address beside its permanent one.
    click(&client, "a[href='/tokens']").await;
    fill(&client, "#new-token-name", "Conference demo").await;
    click(&client, "input[name=scope][value=profile]").await;
    fill(&client, "#new-token-allowlist", "127.0.0.1").await;
    click(&client, "#new-token-temporary-section summary").await;
    fill(&client, "#new-token-temporary", "198.51.100.0/24").await;
    choose(&client, "#new-token-temporary-expiry", "604800").await;
    click(&client, "#create-token").await;
    find(&client, "#token-secret").await;
    let left = wait_for_part(&client, ".token-allowlist .entry-expiry", "Ends in").await;
    assert!(left.contains("Ends in 6 days"), "{left}");
    save_screenshot(&client, "expiring-token.png", 1280, 1400).await;

    // Editing the token's allowlist keeps the temporary entry temporary: the box shows its
    // end, and saving it unchanged leaves the end as it was.
    let id = find(&client, "[data-token-id]")
        .await
        .attr("data-token-id")
        .await
        .unwrap()
        .expect("token id");
    let row = format!("[data-token-id='{id}']");
    click(&client, &format!("{row} .token-edit-allowlist")).await;
    let draft = find(&client, &format!("#token-allowlist-{id}"))
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(
        draft.starts_with("127.0.0.1\n198.51.100.0/24 until "),
        "{draft}"
    );
    click(&client, &format!("{row} .token-allowlist-save")).await;
    crate::support::wait_for_none(&client, &format!("#token-allowlist-{id}")).await;
    let left = wait_for_part(&client, &format!("{row} .entry-expiry"), "Ends in").await;
    assert!(
        left.contains("Ends in 6 days"),
        "still temporary after the edit: {left}"
    );

    // Germany for a day, saved with the filter; the badge survives a reload.
    crate::oauth_and_countries::lift_trial_restriction(&database, email);
    click(&client, "nav a[href='/country-filter']").await;
    wait_for_text(&client, "#countries-summary", "1 country allowed: Poland").await;
    choose(&client, "#country-temporary-code", "DE").await;
    click(&client, "#country-temporary-add").await;
    wait_for_text(&client, "#countries-status", "Unsaved changes").await;
    click(&client, "#save-countries").await;
    wait_for_text(&client, "#countries-status", "Saved").await;
    client.refresh().await.unwrap();
    let left = wait_for_part(
        &client,
        ".country-option--checked .entry-expiry",
        "Ends in 23 h",
    )
    .await;
    assert!(left.contains("UTC"), "{left}");
    save_screenshot(&client, "expiring-countries.png", 1280, 1400).await;
    client.close().await.unwrap();
}
