//! What the three IP allowlists (a token's, the account's API list, the portal
//! list) do with entries that are not plain IPv4 or IPv6 ranges: IPv4-mapped
//! IPv6 ranges are the IPv4 ranges they name, and a stored entry that no
//! longer parses refuses everyone (and is logged) instead of vanishing into an
//! empty, allow-everyone list.

use diesel::RunQueryDsl;
use portcullis_shared::{
    dto::{AllowlistEntryDto, CreateTokenRequest, MeResponse, PortalAllowlistEntryDto},
    problem::ProblemCode,
    routes,
    scope::Scope,
};
use reqwest::{Method, StatusCode};

use crate::harness::{
    allowlisted_token_request, expect_problem, portal_allowlist_entry, token_request,
    ServerProcess, TestApp, GOOD_PASSWORD,
};

on_both_backends!(ipv4_mapped_ranges_match_the_ipv4_addresses_they_name);

/// The test client reaches the server from 127.0.0.1; `::ffff:127.0.0.0/104`
/// names 127.0.0.0/8 in IPv4-mapped IPv6 form.
async fn ipv4_mapped_ranges_match_the_ipv4_addresses_they_name(app: TestApp) {
    let me = app.signed_in("mapped@example.com").await;
    let csrf = &me.session.csrf_token;

    // A token's own list.
    let token = app
        .create_token(
            &me,
            &allowlisted_token_request("x", &[Scope::Profile], &["::ffff:127.0.0.0/104"]),
        )
        .await;
    assert_eq!(token.token.ip_allowlist, ["127.0.0.0/8"]);
    app.assert_bearer_get(routes::PROFILE, &token.secret, StatusCode::OK)
        .await;

    // The account's API list, in both the prefix and the single-address form.
    for (value, stored) in [
        ("::ffff:10.0.2.0/120", "10.0.2.0/24"),
        ("::ffff:127.0.0.1/128", "127.0.0.1"),
    ] {
        let added = app.add_api_allowlist_entry(csrf, value).await;
        assert_eq!(added.status(), StatusCode::CREATED, "{value}");
        let entry: AllowlistEntryDto = added.json().await.unwrap();
        assert_eq!(entry.value, stored);
    }
    app.assert_bearer_get(routes::PROFILE, &token.secret, StatusCode::OK)
        .await;

    // A mapped range that also names non-mapped IPv6 addresses is refused.
    let mixed = app
        .add_api_allowlist_entry(csrf, "::ffff:10.0.0.0/90")
        .await;
    expect_problem(
        mixed,
        StatusCode::UNPROCESSABLE_ENTITY,
        ProblemCode::ValidationFailed,
    )
    .await;

    // The portal list: our own address in mapped form does not lock us out.
    let added = app
        .portal_json(
            Method::POST,
            routes::PORTAL_ALLOWLIST,
            csrf,
            &portal_allowlist_entry("::ffff:127.0.0.0/104"),
        )
        .await;
    assert_eq!(added.status(), StatusCode::CREATED);
    let entry: PortalAllowlistEntryDto = added.json().await.unwrap();
    assert_eq!(entry.value, "127.0.0.0/8");
    assert_eq!(app.me().await.status(), StatusCode::OK);
}

on_both_backends!(settings = BEHIND_A_PROXY; a_client_address_in_ipv4_mapped_form_is_matched_as_ipv4);

/// The test server trusts its own loopback as a proxy, so each browser's
/// `X-Forwarded-For` is its address.
const BEHIND_A_PROXY: &[(&str, &str)] = &[("PORTCULLIS_TRUSTED_PROXIES", "127.0.0.1")];

async fn a_client_address_in_ipv4_mapped_form_is_matched_as_ipv4(app: TestApp) {
    let browser = app.another_browser_with(&[("X-Forwarded-For", "::ffff:198.51.100.7")]);
    let me = browser.signed_in("mappedclient@example.com").await;
    let added = browser
        .add_portal_allowlist_entry(&me, &portal_allowlist_entry("198.51.100.0/24"))
        .await;
    assert_eq!(added.status(), StatusCode::CREATED, "no lock-out warning");
    assert_eq!(browser.me().await.status(), StatusCode::OK);
    let elsewhere = app.another_browser_with(&[("X-Forwarded-For", "::ffff:203.0.113.9")]);
    expect_problem(
        elsewhere
            .login("mappedclient@example.com", GOOD_PASSWORD)
            .await,
        // A sign-in from outside the list answers like a wrong password.
        StatusCode::UNAUTHORIZED,
        ProblemCode::InvalidCredentials,
    )
    .await;
}

/// Overwrites stored allowlist values directly in the database, as a bad
/// migration, a manual edit or a parser change could leave them.
fn corrupt(app: &TestApp, sql: &str) {
    let changed = diesel::sql_query(sql)
        .execute(&mut app.db())
        .expect("corrupt the stored entry");
    assert_eq!(changed, 1, "{sql}");
}

/// The server's log lines that say a stored entry was unreadable and name `id`.
fn unreadable_logged(lines: &[String], id: &str) -> bool {
    lines
        .iter()
        .any(|l| l.contains("unreadable") && l.contains(id))
}

async fn token_for(app: &TestApp, me: &MeResponse, allowlist: &[&str]) -> (String, String) {
    let request = CreateTokenRequest {
        ip_allowlist: allowlist.iter().map(|entry| (*entry).to_owned()).collect(),
        ..token_request("x", &[Scope::Profile])
    };
    let token = app.create_token(me, &request).await;
    (token.token.id, token.secret)
}

async fn an_unreadable_stored_allowlist_entry_refuses_everyone(server: ServerProcess) {
    let app = &server.app;

    // A token whose only allowlist entry no longer parses.
    let me = app.signed_in("corrupt-token@example.com").await;
    let (token_id, secret) = token_for(app, &me, &["127.0.0.1"]).await;
    corrupt(
        app,
        &format!("UPDATE api_tokens SET ip_allowlist = '127.0.0.1/99' WHERE id = '{token_id}'"),
    );
    expect_problem(
        app.bearer_get(routes::PROFILE, &secret).await,
        StatusCode::FORBIDDEN,
        ProblemCode::TokenIpNotAllowed,
    )
    .await;

    // The account's API list whose only entry no longer parses.
    let other = app.another_browser();
    let me = other.signed_in("corrupt-api@example.com").await;
    let (_, secret) = token_for(&other, &me, &[]).await;
    let added = other
        .add_api_allowlist_entry(&me.session.csrf_token, "127.0.0.1")
        .await;
    assert_eq!(added.status(), StatusCode::CREATED);
    let entry: AllowlistEntryDto = added.json().await.unwrap();
    corrupt(
        app,
        &format!(
            "UPDATE api_allowlist_entries SET value = 'localhost' WHERE id = '{}'",
            entry.id
        ),
    );
    expect_problem(
        other.bearer_get(routes::PROFILE, &secret).await,
        StatusCode::FORBIDDEN,
        ProblemCode::AccountIpNotAllowed,
    )
    .await;
    let api_account = me.account.id.clone();

    // The portal list whose only entry no longer parses: sign-in and open sessions are refused.
    let third = app.another_browser();
    let email = "corrupt-portal@example.com";
    let me = third.signed_in(email).await;
    let added = third
        .add_portal_allowlist_entry(&me, &portal_allowlist_entry("127.0.0.1"))
        .await;
    assert_eq!(added.status(), StatusCode::CREATED);
    let entry: PortalAllowlistEntryDto = added.json().await.unwrap();
    corrupt(
        app,
        &format!(
            "UPDATE portal_allowlist_entries SET value = '10.0.0.0/255.0.255.0' WHERE id = '{}'",
            entry.id
        ),
    );
    expect_problem(
        app.another_browser().login(email, GOOD_PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::InvalidCredentials,
    )
    .await;
    expect_problem(
        third.me().await,
        StatusCode::FORBIDDEN,
        ProblemCode::IpNotAllowed,
    )
    .await;
    let portal_account = me.account.id.clone();

    let lines = server.stop();
    for id in [&token_id, &api_account, &portal_account] {
        assert!(
            unreadable_logged(&lines, id),
            "no log line says the list of {id} was unreadable:\n{}",
            lines.join("\n")
        );
    }
}

on_both_backends!(an_unreadable_stored_allowlist_entry_refuses_everyone);
