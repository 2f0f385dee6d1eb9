//! First use from a new network: each token and OAuth client keeps the
//! networks (/24, /48) it was used from; a new one is logged and e-mailed to
//! the owner (at most one e-mail per credential per hour); a pinned
//! credential refuses calls from new networks. Callers' addresses come from
//! `X-Forwarded-For` behind the trusted proxy (the test itself).

use std::time::Duration;

use portcullis_shared::{
    dto::{
        CredentialNetworksDto, MeResponse, PortalPermission, SecurityEventKind,
        SetNetworkPinRequest,
    },
    problem::ProblemCode,
    routes,
    scope::Scope,
};
use reqwest::{Method, StatusCode};

use crate::harness::{expect_problem, oauth_client_request, token_request, TestApp};

const SETTINGS: &[(&str, &str)] = &[
    ("PORTCULLIS_TRUSTED_PROXIES", "127.0.0.1"),
    ("PORTCULLIS_DEV_OUTBOX", "true"),
    ("PORTCULLIS_REFUSED_CALLS_FLUSH_MS", "100"),
];

const NEW_NETWORK_MAIL: &str = "token_new_network";

/// `GET /api/v1/profile` with `secret`, as a caller at `ip`.
async fn call_from(app: &TestApp, secret: &str, ip: &str) -> reqwest::Response {
    app.client_builder()
        .build()
        .expect("http client")
        .get(app.url(routes::PROFILE))
        .bearer_auth(secret)
        .header("X-Forwarded-For", ip)
        .send()
        .await
        .expect("request")
}

async fn assert_call_from(app: &TestApp, secret: &str, ip: &str, status: StatusCode) {
    let response = call_from(app, secret, ip).await;
    assert_eq!(response.status(), status, "call from {ip}");
}

fn networks_path(pattern: &str, id: &str) -> String {
    pattern.replace("{id}", id)
}

async fn networks(app: &TestApp, path: &str) -> CredentialNetworksDto {
    let response = app.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    response.json().await.expect("CredentialNetworksDto")
}

async fn set_pinned(app: &TestApp, me: &MeResponse, path: &str, pinned: bool) -> reqwest::Response {
    app.portal_json(
        Method::PUT,
        &format!("{path}/pinned"),
        &me.session.csrf_token,
        &SetNetworkPinRequest { pinned },
    )
    .await
}

/// Waits until the list at `path` shows `network` with `calls` calls (uses are written in batches).
async fn wait_for_calls(
    app: &TestApp,
    path: &str,
    network: &str,
    calls: i64,
) -> CredentialNetworksDto {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let list = networks(app, path).await;
        let seen = list
            .networks
            .iter()
            .find(|n| n.network == network)
            .map(|n| n.calls);
        if seen == Some(calls) || std::time::Instant::now() > deadline {
            assert_eq!(seen, Some(calls), "calls from {network}: {list:?}");
            return list;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn a_token_used_from_a_new_network_is_logged_and_mailed_once_an_hour(app: TestApp) {
    let email = "networks@example.com";
    let me = app.signed_in(email).await;
    let token = app
        .create_token(&me, &token_request("Billing sync", &[Scope::Profile]))
        .await;
    let path = networks_path(routes::TOKEN_NETWORKS, &token.token.id);
    assert_eq!(
        networks(&app, &path).await,
        CredentialNetworksDto {
            pinned: false,
            networks: Vec::new()
        }
    );

    // The first use of a brand-new token is its home network: recorded, not reported.
    assert_call_from(&app, &token.secret, "198.51.100.7", StatusCode::OK).await;
    // The same /24 is the same network; an IPv4-mapped address counts as IPv4.
    assert_call_from(&app, &token.secret, "198.51.100.200", StatusCode::OK).await;
    assert_call_from(&app, &token.secret, "::ffff:198.51.100.9", StatusCode::OK).await;
    assert!(app
        .security_events(SecurityEventKind::TokenUsedFromNewNetwork)
        .await
        .is_empty());

    // A new network: logged, and one e-mail to the owner.
    assert_call_from(&app, &token.secret, "203.0.113.5", StatusCode::OK).await;
    let mails = app.wait_for_mails(email, NEW_NETWORK_MAIL, 1).await;
    assert!(mails[0].body.contains("Billing sync"), "{}", mails[0].body);
    assert!(mails[0].body.contains("203.0.113.5"), "{}", mails[0].body);
    assert!(
        mails[0].body.contains("203.0.113.0/24"),
        "{}",
        mails[0].body
    );
    assert!(
        mails[0]
            .subject
            .as_deref()
            .unwrap_or_default()
            .contains("new network"),
        "{:?}",
        mails[0].subject
    );

    // A second new network within the hour: logged too, but folded into that e-mail.
    assert_call_from(&app, &token.secret, "2001:db8:1:2::5", StatusCode::OK).await;
    let events = app
        .security_events(SecurityEventKind::TokenUsedFromNewNetwork)
        .await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[0].details["network"], "2001:db8:1::/48");
    assert_eq!(events[0].details["token_id"], token.token.id);
    assert_eq!(events[0].details["name"], "Billing sync");
    assert_eq!(events[0].ip.as_deref(), Some("2001:db8:1:2::5"));
    assert_eq!(events[1].details["network"], "203.0.113.0/24");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(app.mails(email, NEW_NETWORK_MAIL).await.len(), 1);

    // Known networks again: nothing new.
    assert_call_from(&app, &token.secret, "203.0.113.77", StatusCode::OK).await;
    assert_call_from(&app, &token.secret, "2001:db8:1:ffff::1", StatusCode::OK).await;
    assert_eq!(
        app.security_events(SecurityEventKind::TokenUsedFromNewNetwork)
            .await
            .len(),
        2
    );

    // The list: every network with its first and last use and its calls.
    let list = wait_for_calls(&app, &path, "198.51.100.0/24", 3).await;
    let list = if list
        .networks
        .iter()
        .any(|n| n.network == "203.0.113.0/24" && n.calls == 2)
    {
        list
    } else {
        wait_for_calls(&app, &path, "203.0.113.0/24", 2).await
    };
    assert!(!list.pinned);
    let mut seen: Vec<&str> = list.networks.iter().map(|n| n.network.as_str()).collect();
    seen.sort_unstable();
    assert_eq!(
        seen,
        ["198.51.100.0/24", "2001:db8:1::/48", "203.0.113.0/24"]
    );
    for network in &list.networks {
        assert!(network.first_used_at <= network.last_used_at, "{network:?}");
        assert!(network.first_used_at.ends_with('Z'), "{network:?}");
    }

    // Another account cannot see them.
    let stranger = app.another_browser();
    stranger.signed_in("stranger@example.com").await;
    expect_problem(
        stranger.get(&path).await,
        StatusCode::NOT_FOUND,
        ProblemCode::NotFound,
    )
    .await;
}

async fn a_pinned_token_refuses_calls_from_new_networks(app: TestApp) {
    let me = app.signed_in("pinned@example.com").await;
    let token = app
        .create_token(&me, &token_request("Pinned", &[Scope::Profile]))
        .await;
    let path = networks_path(routes::TOKEN_NETWORKS, &token.token.id);

    // Pinned before its first use: the first use wins.
    let response = set_pinned(&app, &me, &path, true).await;
    assert_eq!(response.status(), StatusCode::OK);
    let list: CredentialNetworksDto = response.json().await.unwrap();
    assert!(list.pinned);
    assert!(list.networks.is_empty());
    assert_call_from(&app, &token.secret, "198.51.100.7", StatusCode::OK).await;

    // Another network is refused, with the stable code; the same one is not.
    expect_problem(
        call_from(&app, &token.secret, "203.0.113.5").await,
        StatusCode::FORBIDDEN,
        ProblemCode::TokenNetworkNotAllowed,
    )
    .await;
    assert_call_from(&app, &token.secret, "198.51.100.99", StatusCode::OK).await;
    let list = networks(&app, &path).await;
    assert!(list.pinned);
    assert_eq!(list.networks.len(), 1, "{list:?}");
    assert_eq!(list.networks[0].network, "198.51.100.0/24");

    // The refusal is in the security log like every refused call.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let refused = app.security_events(SecurityEventKind::ApiCallRefused).await;
        if refused.iter().any(|e| {
            e.details.get("reason").map(String::as_str) == Some("token_network_not_allowed")
        }) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no refusal logged: {refused:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Pinning is in the security log.
    let changes = app.security_events(SecurityEventKind::TokenChanged).await;
    assert_eq!(changes[0].details["change"], "pinned");

    // Unpinned, the new network is accepted (and reported).
    let response = set_pinned(&app, &me, &path, false).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_call_from(&app, &token.secret, "203.0.113.5", StatusCode::OK).await;
    assert_eq!(
        app.security_events(SecurityEventKind::TokenUsedFromNewNetwork)
            .await
            .len(),
        1
    );

    // Pinned again: exactly the two networks it has now.
    set_pinned(&app, &me, &path, true).await;
    assert_call_from(&app, &token.secret, "203.0.113.9", StatusCode::OK).await;
    expect_problem(
        call_from(&app, &token.secret, "2001:db8:5::1").await,
        StatusCode::FORBIDDEN,
        ProblemCode::TokenNetworkNotAllowed,
    )
    .await;

    // Another account cannot pin it.
    let stranger = app.another_browser();
    let other = stranger.signed_in("other@example.com").await;
    expect_problem(
        set_pinned(&stranger, &other, &path, false).await,
        StatusCode::NOT_FOUND,
        ProblemCode::NotFound,
    )
    .await;
}

async fn an_oauth_clients_tokens_count_for_the_client(app: TestApp) {
    let me = app.signed_in("clients@example.com").await;
    let client = app
        .register_oauth_client(&me, &oauth_client_request("Warehouse", &[Scope::Profile]))
        .await;
    let path = networks_path(routes::OAUTH_CLIENT_NETWORKS, &client.client.id);
    let first = app.client_credentials_token(&client, None).await;
    assert_call_from(&app, &first.access_token, "198.51.100.7", StatusCode::OK).await;

    // Pinned: a second token of the same client is refused from elsewhere.
    let response = set_pinned(&app, &me, &path, true).await;
    assert_eq!(response.status(), StatusCode::OK);
    let second = app.client_credentials_token(&client, None).await;
    assert_call_from(&app, &second.access_token, "198.51.100.8", StatusCode::OK).await;
    expect_problem(
        call_from(&app, &second.access_token, "203.0.113.5").await,
        StatusCode::FORBIDDEN,
        ProblemCode::TokenNetworkNotAllowed,
    )
    .await;
    let list = wait_for_calls(&app, &path, "198.51.100.0/24", 2).await;
    assert!(list.pinned);
    assert_eq!(list.networks.len(), 1);

    // A new network of the client is reported under the client's id.
    set_pinned(&app, &me, &path, false).await;
    assert_call_from(&app, &second.access_token, "203.0.113.5", StatusCode::OK).await;
    let events = app
        .security_events(SecurityEventKind::TokenUsedFromNewNetwork)
        .await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].details["client_id"], client.client.id);
    assert_eq!(events[0].details["name"], "Warehouse");
    let mails = app
        .wait_for_mails("clients@example.com", NEW_NETWORK_MAIL, 1)
        .await;
    assert!(mails[0].body.contains("OAuth client"), "{}", mails[0].body);
}

async fn a_token_pinned_before_its_first_use_accepts_exactly_one_network_under_a_race(
    app: TestApp,
) {
    let me = app.signed_in("race@example.com").await;
    let token = app
        .create_token(&me, &token_request("Raced", &[Scope::Profile]))
        .await;
    let path = networks_path(routes::TOKEN_NETWORKS, &token.token.id);
    set_pinned(&app, &me, &path, true).await;

    // 20 first calls at once, each from its own network: the first use wins, only one.
    let calls = (0..20).map(|i| {
        let (app, secret) = (&app, token.secret.clone());
        async move {
            call_from(app, &secret, &format!("198.51.{i}.7"))
                .await
                .status()
        }
    });
    let statuses = futures_util::future::join_all(calls).await;
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::FORBIDDEN)
        .count();
    assert_eq!((ok, refused), (1, 19), "{statuses:?}");
    let list = networks(&app, &path).await;
    assert_eq!(list.networks.len(), 1, "{list:?}");
}

async fn a_subuser_manages_only_their_own_credentials_networks(app: TestApp) {
    let owner = app.signed_in("networks.owner@example.com").await;
    let (_, browser, me) = crate::subusers::signed_in_subuser(
        &app,
        &owner,
        "networks.sub@example.com",
        crate::subusers::grants(&[PortalPermission::Tokens], &[Scope::Profile]),
    )
    .await;
    let owners = app
        .create_token(&owner, &token_request("Owner's", &[Scope::Profile]))
        .await;
    let theirs = browser
        .create_token(&me, &token_request("Subuser's", &[Scope::Profile]))
        .await;
    let owners_path = networks_path(routes::TOKEN_NETWORKS, &owners.token.id);
    let their_path = networks_path(routes::TOKEN_NETWORKS, &theirs.token.id);

    // The owner's token is not theirs to see or pin.
    expect_problem(
        browser.get(&owners_path).await,
        StatusCode::NOT_FOUND,
        ProblemCode::NotFound,
    )
    .await;
    expect_problem(
        set_pinned(&browser, &me, &owners_path, true).await,
        StatusCode::NOT_FOUND,
        ProblemCode::NotFound,
    )
    .await;

    // Their own they pin and unpin; a pin the owner set they cannot lift.
    assert_eq!(
        set_pinned(&browser, &me, &their_path, true).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        set_pinned(&browser, &me, &their_path, false).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        set_pinned(&app, &owner, &their_path, true).await.status(),
        StatusCode::OK
    );
    expect_problem(
        set_pinned(&browser, &me, &their_path, false).await,
        StatusCode::FORBIDDEN,
        ProblemCode::PermissionDenied,
    )
    .await;
    assert!(networks(&browser, &their_path).await.pinned);
    assert!(networks(&app, &their_path).await.pinned);
}

on_both_backends!(settings = SETTINGS;
    a_token_used_from_a_new_network_is_logged_and_mailed_once_an_hour,
    a_pinned_token_refuses_calls_from_new_networks,
    an_oauth_clients_tokens_count_for_the_client,
    a_token_pinned_before_its_first_use_accepts_exactly_one_network_under_a_race,
    a_subuser_manages_only_their_own_credentials_networks,
);
