//! Credential rotation: regenerating a portal token (new secret, same
//! settings, the old one revoked at once), replacing an OAuth client's secret
//! with an overlap during which both authenticate, and the last use of a
//! client. Attack-style checks: the old secret after the overlap, the old
//! token after regenerating, a subuser regenerating someone else's token, and
//! bad input changing nothing.

use std::time::Duration;

use portcullis_shared::{
    dto::{
        CreatedOAuthClientDto, CreatedTokenDto, CredentialNetworksDto, CredentialPolicyRequest,
        MeResponse, OAuthClientDto, PortalPermission, RotateOAuthClientSecretRequest,
        SecurityEventKind, SetNetworkPinRequest, TokenDto, UpdateTokenRequest,
    },
    problem::ProblemCode,
    routes,
    scope::Scope,
};
use reqwest::{Method, StatusCode};

use crate::harness::{
    expect_field_error, expect_problem, oauth_client_request, token_request, TestApp,
};

const SETTINGS: &[(&str, &str)] = &[("PORTCULLIS_TRUSTED_PROXIES", "127.0.0.1")];

fn path(pattern: &str, id: &str) -> String {
    pattern.replace("{id}", id)
}

async fn regenerate(app: &TestApp, me: &MeResponse, id: &str) -> reqwest::Response {
    app.portal(
        Method::POST,
        &path(routes::TOKEN_REGENERATE, id),
        &me.session.csrf_token,
        None,
    )
    .await
}

async fn rotate(app: &TestApp, me: &MeResponse, id: &str, secs: i64) -> reqwest::Response {
    app.portal_json(
        Method::POST,
        &path(routes::OAUTH_CLIENT_SECRET, id),
        &me.session.csrf_token,
        &RotateOAuthClientSecretRequest {
            old_secret_valid_for_secs: secs,
        },
    )
    .await
}

/// Ends the client's overlap: `DELETE` its previous secret.
async fn end_overlap(app: &TestApp, me: &MeResponse, id: &str) -> reqwest::Response {
    app.portal(
        Method::DELETE,
        &path(routes::OAUTH_CLIENT_PREVIOUS_SECRET, id),
        &me.session.csrf_token,
        None,
    )
    .await
}

async fn tokens(app: &TestApp) -> Vec<TokenDto> {
    app.get_json(routes::TOKENS).await
}

async fn clients(app: &TestApp) -> Vec<OAuthClientDto> {
    app.get_json(routes::OAUTH_CLIENTS).await
}

/// `POST /oauth/token` with this client id and secret, from `ip`: its status.
async fn token_endpoint(app: &TestApp, id: &str, secret: &str, ip: &str) -> StatusCode {
    app.client_builder()
        .build()
        .expect("http client")
        .post(app.url(routes::OAUTH_TOKEN))
        .basic_auth(id, Some(secret))
        .header("X-Forwarded-For", ip)
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("request")
        .status()
}

/// `POST /oauth/introspect` of `token`, authenticated with this id and secret: its status.
async fn introspect(app: &TestApp, id: &str, secret: &str, token: &str) -> StatusCode {
    app.client_builder()
        .build()
        .expect("http client")
        .post(app.url(routes::OAUTH_INTROSPECT))
        .basic_auth(id, Some(secret))
        .form(&[("token", token)])
        .send()
        .await
        .expect("request")
        .status()
}

/// `GET /api/v1/profile` with `secret` from `ip`.
async fn profile_from(app: &TestApp, secret: &str, ip: &str) -> reqwest::Response {
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

async fn a_regenerated_token_keeps_its_settings_and_the_old_secret_stops_at_once(app: TestApp) {
    let me = app.signed_in("regenerate@example.com").await;
    let mut request = token_request("CRM sync", &[Scope::Profile, Scope::Sms]);
    request.expires_at = Some(
        (chrono::Utc::now() + chrono::Duration::days(30))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    );
    request.ip_allowlist = vec!["127.0.0.1".into(), "198.51.100.0/24".into()];
    let until = (chrono::Utc::now() + chrono::Duration::days(2))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    request.ip_allowlist_expires_at = [("198.51.100.0/24".to_owned(), until.clone())].into();
    request.policy = Some(CredentialPolicyRequest {
        daily_points_cap: Some(Some(50)),
        ..CredentialPolicyRequest::default()
    });
    let old = app.create_token(&me, &request).await;
    // Used once, then pinned to the network it was used from.
    assert_eq!(
        profile_from(&app, &old.secret, "198.51.100.7")
            .await
            .status(),
        StatusCode::OK
    );
    let pinned = app
        .portal_json(
            Method::PUT,
            &path(routes::TOKEN_NETWORKS_PINNED, &old.token.id),
            &me.session.csrf_token,
            &SetNetworkPinRequest { pinned: true },
        )
        .await;
    assert_eq!(pinned.status(), StatusCode::OK);

    let response = regenerate(&app, &me, &old.token.id).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers().get("cache-control").unwrap(), "no-store");
    let new: CreatedTokenDto = response.json().await.unwrap();
    assert_ne!(new.token.id, old.token.id);
    assert_ne!(new.secret, old.secret);
    assert!(new.secret.ends_with(new.token.hint.trim_start_matches('…')));
    assert_eq!(new.token.name, "CRM sync");
    assert_eq!(new.token.scopes, old.token.scopes);
    assert_eq!(new.token.ip_allowlist, old.token.ip_allowlist);
    assert_eq!(new.token.ip_allowlist_expires_at["198.51.100.0/24"], until);
    assert_eq!(new.token.policy, old.token.policy);
    assert!(new.token.policy.is_some());
    // The same lifetime, counted from now.
    let expiry = |t: &TokenDto| {
        chrono::DateTime::parse_from_rfc3339(t.expires_at.as_deref().unwrap()).unwrap()
    };
    let created = |t: &TokenDto| chrono::DateTime::parse_from_rfc3339(&t.created_at).unwrap();
    // (Both instants are shown to the second, each rounded on its own.)
    let lifetime = |t: &TokenDto| expiry(t) - created(t);
    assert!(
        (lifetime(&new.token) - lifetime(&old.token))
            .num_seconds()
            .abs()
            <= 1,
        "{:?} vs {:?}",
        lifetime(&new.token),
        lifetime(&old.token)
    );

    // The old secret is refused on the very next call; the new one works.
    expect_problem(
        profile_from(&app, &old.secret, "198.51.100.7").await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::TokenRevoked,
    )
    .await;
    assert_eq!(
        profile_from(&app, &new.secret, "198.51.100.8")
            .await
            .status(),
        StatusCode::OK
    );
    // The pin and its network came along: another network the allowlist allows is refused.
    expect_problem(
        profile_from(&app, &new.secret, "127.0.0.1").await,
        StatusCode::FORBIDDEN,
        ProblemCode::TokenNetworkNotAllowed,
    )
    .await;
    let networks: CredentialNetworksDto = app
        .get_json(&path(routes::TOKEN_NETWORKS, &new.token.id))
        .await;
    assert!(networks.pinned);
    assert_eq!(networks.networks[0].network, "198.51.100.0/24");

    // One token in the list, the new one; the old id is gone.
    let listed = tokens(&app).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, new.token.id);
    expect_problem(
        regenerate(&app, &me, &old.token.id).await,
        StatusCode::NOT_FOUND,
        ProblemCode::NotFound,
    )
    .await;

    // In the security log, by whom, with both ids.
    let events = app
        .security_events(SecurityEventKind::TokenRegenerated)
        .await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].details["token_id"], new.token.id);
    assert_eq!(events[0].details["previous_token_id"], old.token.id);
    assert_eq!(events[0].details["name"], "CRM sync");
    let everything = format!("{events:?}");
    assert!(!everything.contains(&new.secret) && !everything.contains(&old.secret));
}

async fn a_disabled_token_stays_disabled_when_regenerated(app: TestApp) {
    let me = app.signed_in("disabled.regen@example.com").await;
    let old = app
        .create_token(&me, &token_request("Paused", &[Scope::Profile]))
        .await;
    let response = app
        .portal_json(
            Method::PATCH,
            &path(routes::TOKEN, &old.token.id),
            &me.session.csrf_token,
            &UpdateTokenRequest {
                disabled: Some(true),
                ..UpdateTokenRequest::default()
            },
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let new: CreatedTokenDto = regenerate(&app, &me, &old.token.id)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        new.token.state,
        portcullis_shared::dto::TokenState::Disabled
    );
    expect_problem(
        profile_from(&app, &new.secret, "127.0.0.1").await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::TokenDisabled,
    )
    .await;
}

async fn a_subuser_regenerates_only_their_own_tokens(app: TestApp) {
    let owner = app.signed_in("regen.owner@example.com").await;
    let (_, browser, me) = crate::subusers::signed_in_subuser(
        &app,
        &owner,
        "regen.sub@example.com",
        crate::subusers::grants(&[PortalPermission::Tokens], &[Scope::Profile]),
    )
    .await;
    let owners = app
        .create_token(&owner, &token_request("Owner's", &[Scope::Profile]))
        .await;
    let theirs = browser
        .create_token(&me, &token_request("Subuser's", &[Scope::Profile]))
        .await;

    // The owner's token is not theirs: as if it did not exist, and it still works.
    expect_problem(
        regenerate(&browser, &me, &owners.token.id).await,
        StatusCode::NOT_FOUND,
        ProblemCode::NotFound,
    )
    .await;
    assert_eq!(
        profile_from(&app, &owners.secret, "127.0.0.1")
            .await
            .status(),
        StatusCode::OK
    );
    // Nor from another account.
    let stranger = app.another_browser();
    let other = stranger.signed_in("regen.stranger@example.com").await;
    expect_problem(
        regenerate(&stranger, &other, &theirs.token.id).await,
        StatusCode::NOT_FOUND,
        ProblemCode::NotFound,
    )
    .await;
    // Without the CSRF token: refused, nothing changed.
    let forged = browser
        .portal(
            Method::POST,
            &path(routes::TOKEN_REGENERATE, &theirs.token.id),
            "wrong",
            None,
        )
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        profile_from(&app, &theirs.secret, "127.0.0.1")
            .await
            .status(),
        StatusCode::OK
    );

    // Their own: regenerated, still theirs (the owner sees it too).
    let new: CreatedTokenDto = regenerate(&browser, &me, &theirs.token.id)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(tokens(&browser).await.len(), 1);
    assert_eq!(tokens(&browser).await[0].id, new.token.id);
    assert!(tokens(&app).await.iter().any(|t| t.id == new.token.id));
    assert_eq!(
        profile_from(&app, &theirs.secret, "127.0.0.1")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        profile_from(&app, &new.secret, "127.0.0.1").await.status(),
        StatusCode::OK
    );
}

async fn both_client_secrets_work_during_the_overlap_and_only_the_new_one_after(app: TestApp) {
    let me = app.signed_in("rotate@example.com").await;
    let client = app
        .register_oauth_client(&me, &oauth_client_request("Warehouse", &[Scope::Profile]))
        .await;
    let id = client.client.id.clone();
    let issued = app.client_credentials_token(&client, None).await;

    let response = rotate(&app, &me, &id, 2).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers().get("cache-control").unwrap(), "no-store");
    let rotated: CreatedOAuthClientDto = response.json().await.unwrap();
    assert_eq!(rotated.client.id, id);
    assert!(rotated.client_secret.starts_with("pcl_cs_"));
    assert_ne!(rotated.client_secret, client.client_secret);
    assert!(rotated.client.previous_secret_expires_at.is_some());
    assert_eq!(
        clients(&app).await[0].previous_secret_expires_at,
        rotated.client.previous_secret_expires_at
    );

    // During the overlap both secrets get tokens and introspect.
    let (old, new) = (&client.client_secret, &rotated.client_secret);
    assert_eq!(
        token_endpoint(&app, &id, old, "127.0.0.1").await,
        StatusCode::OK
    );
    assert_eq!(
        token_endpoint(&app, &id, new, "127.0.0.1").await,
        StatusCode::OK
    );
    assert_eq!(
        introspect(&app, &id, old, &issued.access_token).await,
        StatusCode::OK
    );
    assert_eq!(
        introspect(&app, &id, new, &issued.access_token).await,
        StatusCode::OK
    );
    // A wrong secret is still wrong.
    assert_eq!(
        token_endpoint(&app, &id, "pcl_cs_guess", "127.0.0.1").await,
        StatusCode::UNAUTHORIZED
    );

    // After it, only the new one (on the cached client view too).
    tokio::time::sleep(Duration::from_millis(2_300)).await;
    assert_eq!(
        token_endpoint(&app, &id, old, "127.0.0.1").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        introspect(&app, &id, old, &issued.access_token).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        token_endpoint(&app, &id, new, "127.0.0.1").await,
        StatusCode::OK
    );
    assert_eq!(clients(&app).await[0].previous_secret_expires_at, None);
    // Tokens issued before the rotation keep working until they expire.
    assert_eq!(
        profile_from(&app, &issued.access_token, "127.0.0.1")
            .await
            .status(),
        StatusCode::OK
    );

    let events = app
        .security_events(SecurityEventKind::OauthClientSecretRotated)
        .await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].details["client_id"], id);
    assert_eq!(events[0].details["name"], "Warehouse");
    assert_eq!(
        Some(events[0].details["previous_secret_valid_until"].clone()),
        rotated.client.previous_secret_expires_at
    );
    let everything = format!("{events:?}");
    assert!(!everything.contains(old.as_str()) && !everything.contains(new.as_str()));
}

async fn rotating_with_no_overlap_or_ending_it_stops_the_old_secret_now(app: TestApp) {
    let me = app.signed_in("rotate.now@example.com").await;
    let client = app
        .register_oauth_client(&me, &oauth_client_request("Billing", &[Scope::Profile]))
        .await;
    let id = client.client.id.clone();
    // Warm the cached client view, so the rotation must invalidate it.
    assert_eq!(
        token_endpoint(&app, &id, &client.client_secret, "127.0.0.1").await,
        StatusCode::OK
    );

    // 0: the old secret stops at once.
    let first: CreatedOAuthClientDto = rotate(&app, &me, &id, 0).await.json().await.unwrap();
    assert_eq!(first.client.previous_secret_expires_at, None);
    assert_eq!(
        token_endpoint(&app, &id, &client.client_secret, "127.0.0.1").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        token_endpoint(&app, &id, &first.client_secret, "127.0.0.1").await,
        StatusCode::OK
    );
    // Ending an overlap that already ended changes nothing (idempotent).
    let unchanged = end_overlap(&app, &me, &id).await;
    assert_eq!(unchanged.status(), StatusCode::OK);
    let unchanged: OAuthClientDto = unchanged.json().await.unwrap();
    assert_eq!(unchanged.previous_secret_expires_at, None);

    // A day's overlap, ended early from the portal.
    let second: CreatedOAuthClientDto = rotate(&app, &me, &id, 86_400).await.json().await.unwrap();
    assert_eq!(
        token_endpoint(&app, &id, &first.client_secret, "127.0.0.1").await,
        StatusCode::OK
    );
    // A third rotation drops the first secret at once, whatever its overlap.
    let third: CreatedOAuthClientDto = rotate(&app, &me, &id, 86_400).await.json().await.unwrap();
    assert_eq!(
        token_endpoint(&app, &id, &first.client_secret, "127.0.0.1").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        token_endpoint(&app, &id, &second.client_secret, "127.0.0.1").await,
        StatusCode::OK
    );
    let response = end_overlap(&app, &me, &id).await;
    assert_eq!(response.status(), StatusCode::OK);
    let ended: OAuthClientDto = response.json().await.unwrap();
    assert_eq!(ended.previous_secret_expires_at, None);
    assert_eq!(
        token_endpoint(&app, &id, &second.client_secret, "127.0.0.1").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        token_endpoint(&app, &id, &third.client_secret, "127.0.0.1").await,
        StatusCode::OK
    );
    let changes = app
        .security_events(SecurityEventKind::OauthClientChanged)
        .await;
    assert_eq!(changes[0].details["change"], "previous_secret_revoked");
}

async fn bad_rotation_input_and_strangers_change_nothing(app: TestApp) {
    let owner = app.signed_in("rotate.bad@example.com").await;
    let client = app
        .register_oauth_client(&owner, &oauth_client_request("Kept", &[Scope::Profile]))
        .await;
    let id = client.client.id.clone();
    for secs in [-1, 7 * 86_400 + 1, i64::MAX] {
        expect_field_error(
            rotate(&app, &owner, &id, secs).await,
            "old_secret_valid_for_secs",
            "out_of_range",
        )
        .await;
    }
    // Not a number, or missing: refused as malformed, naming nothing stored.
    let malformed = app
        .portal_json(
            Method::POST,
            &path(routes::OAUTH_CLIENT_SECRET, &id),
            &owner.session.csrf_token,
            &serde_json::json!({"old_secret_valid_for_secs": "a day"}),
        )
        .await;
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);

    // A subuser cannot rotate the owner's client, nor can another account.
    let (_, browser, me) = crate::subusers::signed_in_subuser(
        &app,
        &owner,
        "rotate.sub@example.com",
        crate::subusers::grants(&[PortalPermission::Tokens], &[Scope::Profile]),
    )
    .await;
    expect_problem(
        rotate(&browser, &me, &id, 0).await,
        StatusCode::NOT_FOUND,
        ProblemCode::NotFound,
    )
    .await;
    expect_problem(
        end_overlap(&browser, &me, &id).await,
        StatusCode::NOT_FOUND,
        ProblemCode::NotFound,
    )
    .await;
    let stranger = app.another_browser();
    let other = stranger.signed_in("rotate.stranger@example.com").await;
    expect_problem(
        rotate(&stranger, &other, &id, 0).await,
        StatusCode::NOT_FOUND,
        ProblemCode::NotFound,
    )
    .await;

    // Nothing changed: the original secret works alone, nothing logged.
    assert_eq!(
        token_endpoint(&app, &id, &client.client_secret, "127.0.0.1").await,
        StatusCode::OK
    );
    assert_eq!(clients(&app).await[0].previous_secret_expires_at, None);
    assert!(app
        .security_events(SecurityEventKind::OauthClientSecretRotated)
        .await
        .is_empty());
}

async fn a_client_shows_its_last_use_and_address(app: TestApp) {
    let me = app.signed_in("client.lastuse@example.com").await;
    let client = app
        .register_oauth_client(&me, &oauth_client_request("Reporter", &[Scope::Profile]))
        .await;
    assert_eq!(clients(&app).await[0].last_used_at, None);
    assert_eq!(clients(&app).await[0].last_used_ip, None);
    let issued = app.client_credentials_token(&client, None).await;
    assert_eq!(
        profile_from(&app, &issued.access_token, "198.51.100.23")
            .await
            .status(),
        StatusCode::OK
    );
    // Written in batches, within seconds.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let listed = clients(&app).await;
        if listed[0].last_used_ip.as_deref() == Some("198.51.100.23") {
            assert!(listed[0].last_used_at.as_deref().unwrap().ends_with('Z'));
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "last use not shown: {listed:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

on_both_backends!(settings = SETTINGS;
    a_regenerated_token_keeps_its_settings_and_the_old_secret_stops_at_once,
    a_disabled_token_stays_disabled_when_regenerated,
    a_subuser_regenerates_only_their_own_tokens,
    both_client_secrets_work_during_the_overlap_and_only_the_new_one_after,
    rotating_with_no_overlap_or_ending_it_stops_the_old_secret_now,
    bad_rotation_input_and_strangers_change_nothing,
    a_client_shows_its_last_use_and_address,
);
