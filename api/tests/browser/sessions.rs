//! Sessions end to end: a second session opened from another client shows in the Sessions
//! page next to this browser's; ending it there refuses its cookie at once.

use portcullis_shared::{
    dto::LoginChallengeDto,
    problem::{Problem, ProblemCode},
    routes,
};
use reqwest::StatusCode;

use crate::support::{
    click, fill, find, open_security_tab, outbox_code, save_screenshot, sign_up, start_browser,
    start_server, text_of, wait_for_none, wait_for_text,
};

const PHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

/// Another device of the same person: an HTTP client with its own cookie jar, signed in
/// (passing the new-device check with the code e-mailed to the account).
async fn signed_in_elsewhere(base: &str, email: &str) -> reqwest::Client {
    let phone = reqwest::Client::builder()
        .cookie_store(true)
        .user_agent(PHONE)
        .build()
        .unwrap();
    let response = phone
        .post(format!("{base}/api/v1/auth/login"))
        .header("X-CSRF-Token", "1")
        .json(&serde_json::json!({"email": email, "password": "Violet-Kettle-42"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::ACCEPTED,
        "held for a new-device code"
    );
    let held: LoginChallengeDto = response.json().await.unwrap();
    let response = phone
        .post(format!("{base}{}", routes::LOGIN_VERIFY))
        .header("X-CSRF-Token", "1")
        .json(&serde_json::json!({
            "challenge_id": held.challenge_id,
            "method": "email",
            "code": outbox_code(base, email, "new_device_code").await,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    phone
}

async fn me_status(base: &str, client: &reqwest::Client) -> reqwest::Response {
    client
        .get(format!("{base}/api/v1/me"))
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_ended_in_the_sessions_page_is_refused_at_once() {
    let scratch = tempfile::tempdir().unwrap();
    let (_server, base) = start_server(&scratch.path().join("portcullis.db"));
    let (_driver, client) = start_browser(&scratch.path().join("profile")).await;
    let email = "hopper@example.com";
    sign_up(&client, &base, email, None).await;
    let phone = signed_in_elsewhere(&base, email).await;
    assert_eq!(me_status(&base, &phone).await.status(), StatusCode::OK);

    // The header leads to the page: this browser's session and the phone's.
    click(&client, "nav a[href='/sessions']").await;
    find(&client, "#sessions-table").await;
    let current = find(&client, "tr.session--current").await;
    assert!(current.text().await.unwrap().contains("This session"));
    let phone_row = find(&client, "tr[data-session-id]:not(.session--current)").await;
    let phone_id = phone_row
        .attr("data-session-id")
        .await
        .unwrap()
        .expect("session id");
    let phone_css = format!("tr[data-session-id='{phone_id}']");
    assert_eq!(
        text_of(&client, &format!("{phone_css} .session-device")).await,
        "Safari on iPhone"
    );
    assert_eq!(
        text_of(&client, &format!("{phone_css} .session-ip")).await,
        "127.0.0.1"
    );
    // The login history below lists both sign-ins.
    find(&client, "#login-history-table tr[data-outcome='succeeded']").await;
    assert_eq!(
        client
            .find_all(fantoccini::Locator::Css(
                "#login-history-table tr[data-outcome='succeeded']"
            ))
            .await
            .unwrap()
            .len(),
        2
    );
    save_screenshot(&client, "sessions.png", 1280, 1300).await;
    client.set_window_size(1280, 900).await.unwrap();

    // Ending the phone's session: gone from the list, and its cookie refused.
    click(&client, &format!("{phone_css} .session-remove")).await;
    wait_for_none(&client, &phone_css).await;
    let refused = me_status(&base, &phone).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let problem: Problem = refused.json().await.unwrap();
    assert_eq!(problem.code, ProblemCode::Unauthenticated);
    // This browser's session goes on.
    client.refresh().await.unwrap();
    find(&client, "tr.session--current").await;
    assert!(
        client
            .find_all(fantoccini::Locator::Css("tr[data-session-id]"))
            .await
            .unwrap()
            .len()
            == 1
    );
    save_screenshot(&client, "sessions-after-removal.png", 1280, 1100).await;

    // The portal allowlist shows this browser's address, and asks before an entry that
    // would lock it out.
    open_security_tab(&client, "/portal-allowlist").await;
    wait_for_text(&client, "#your-address", "127.0.0.1").await;
    find(&client, "#portal-allowlist-empty").await;
    fill(&client, "#portal-allowlist-value", "10.0.0.0/8").await;
    fill(&client, "#portal-allowlist-label", "VPN").await;
    click(&client, "#portal-allowlist-add").await;
    let confirm = text_of(&client, ".lockout-confirm").await;
    assert!(confirm.contains("127.0.0.1"), "{confirm}");
    save_screenshot(&client, "portal-allowlist-lockout.png", 1280, 1150).await;
    click(&client, "#lockout-cancel").await;
    wait_for_none(&client, ".lockout-confirm").await;
    find(&client, "#portal-allowlist-empty").await;
    fill(&client, "#portal-allowlist-value", "127.0.0.0/8").await;
    fill(&client, "#portal-allowlist-label", "This machine").await;
    click(&client, "#portal-allowlist-add").await;
    wait_for_text(&client, "#portal-allowlist-status", "Restricted · 1 entry").await;
    wait_for_text(&client, "#your-address-verdict", "It is on the list.").await;
    save_screenshot(&client, "portal-allowlist.png", 1280, 1000).await;
    client.set_window_size(1280, 900).await.unwrap();

    // Removing the last entry would open the portal to every address: it asks first, and
    // Cancel leaves the entry in place (also after a reload).
    click(&client, "[data-entry-id] .portal-allowlist-delete").await;
    let question = text_of(&client, "#portal-allowlist-last-panel").await;
    assert!(question.contains("every address"), "{question}");
    save_screenshot(&client, "portal-allowlist-last-entry.png", 1280, 1100).await;
    click(&client, "#portal-allowlist-last-panel-cancel").await;
    wait_for_none(&client, "#portal-allowlist-last-panel").await;
    client.refresh().await.unwrap();
    wait_for_text(&client, "#portal-allowlist-status", "Restricted · 1 entry").await;
    click(&client, "[data-entry-id] .portal-allowlist-delete").await;
    click(&client, "#portal-allowlist-last-panel-confirm").await;
    find(&client, "#portal-allowlist-empty").await;
    client.set_window_size(1280, 900).await.unwrap();

    // "Log out other sessions" asks first too: Cancel ends nothing, Confirm ends the
    // others and keeps this one.
    let tablet = signed_in_elsewhere(&base, email).await;
    click(&client, "nav a[href='/sessions']").await;
    find(&client, "tr[data-session-id]:not(.session--current)").await;
    click(&client, "#revoke-others").await;
    wait_for_text(
        &client,
        "#revoke-others-panel-title",
        "Log out the other session?",
    )
    .await;
    click(&client, "#revoke-others-panel-cancel").await;
    wait_for_none(&client, "#revoke-others-panel").await;
    assert_eq!(me_status(&base, &tablet).await.status(), StatusCode::OK);
    click(&client, "#revoke-others").await;
    click(&client, "#revoke-others-panel-confirm").await;
    wait_for_text(
        &client,
        "#revoke-others-done",
        "The other session was logged out.",
    )
    .await;
    assert_eq!(
        me_status(&base, &tablet).await.status(),
        StatusCode::UNAUTHORIZED
    );
    wait_for_none(&client, "tr[data-session-id]:not(.session--current)").await;

    // "Log out everywhere" asks first; Cancel ends no session.
    let phone = signed_in_elsewhere(&base, email).await;
    client.refresh().await.unwrap();
    click(&client, "#revoke-all").await;
    let question = text_of(&client, "#revoke-all-panel").await;
    assert!(question.contains("this one included"), "{question}");
    save_screenshot(&client, "sessions-log-out-everywhere.png", 1280, 1100).await;
    client.set_window_size(1280, 900).await.unwrap();
    click(&client, "#revoke-all-panel-cancel").await;
    wait_for_none(&client, "#revoke-all-panel").await;
    assert_eq!(me_status(&base, &phone).await.status(), StatusCode::OK);
    find(&client, "tr.session--current").await;

    // Confirmed, it ends this one too (back to the login page) and the phone's.
    click(&client, "#revoke-all").await;
    click(&client, "#revoke-all-panel-confirm").await;
    find(&client, "#login-submit").await;
    assert_eq!(
        me_status(&base, &phone).await.status(),
        StatusCode::UNAUTHORIZED
    );
    client.close().await.unwrap();
}
