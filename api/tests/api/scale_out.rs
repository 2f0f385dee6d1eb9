//! Several API processes on one PostgreSQL behave as one: a change made
//! through one (in the test binary) is enforced by the other (the real
//! `portcullis` binary as a child process) within a second, although each keeps
//! tokens, clients, revocations and allowlists cached in memory.

use std::time::{Duration, Instant};

use diesel::{sql_types::Text, RunQueryDsl};
use portcullis_api::db::DbConnection;
use portcullis_shared::{
    dto::{
        AddPortalAllowlistEntryRequest, MeResponse, PortalPermission, ProfileDto, SessionDto,
        SubuserGrantsDto, UpdateOAuthClientRequest, UpdateTokenRequest,
    },
    problem::ProblemCode,
    routes,
    scope::Scope,
};
use reqwest::{Method, StatusCode};

use crate::harness::{
    allowlisted_token_request, answers_within, oauth_client_request, portal_allowlist_entry,
    sms_request, token_request, Backend, ServerProcess, TestApp,
};

/// How soon the other process must enforce a change.
const PROPAGATION: Duration = Duration::from_secs(1);

async fn bearer(app: &TestApp, path: &str, token: &str) -> reqwest::Response {
    app.bearer_get(path, token).await
}

async fn patch(
    app: &TestApp,
    me: &MeResponse,
    path: &str,
    body: &(impl serde::Serialize + ?Sized),
) -> reqwest::Response {
    let response = app
        .portal_json(Method::PATCH, path, &me.session.csrf_token, body)
        .await;
    assert!(response.status().is_success(), "{}", response.status());
    response
}

/// Ends this database's cache listeners, as a dropped connection would.
pub fn drop_listeners(conn: &mut DbConnection) -> usize {
    #[derive(diesel::QueryableByName)]
    struct Ended {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        #[allow(dead_code)]
        ended: bool,
    }
    diesel::sql_query(
        "SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity \
         WHERE datname = current_database() AND application_name = $1",
    )
    .bind::<Text, _>("portcullis_cache_listener")
    .load::<Ended>(conn)
    .expect("terminate the listeners")
    .len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_postgres_enforce_each_others_changes_within_a_second() {
    let one = TestApp::spawn(Backend::Postgres).await;
    // The other process: the real binary, on the same database.
    let second = ServerProcess::beside(&one).await;
    let two = &second.app;
    let me = one.signed_in("scaleout@example.com").await;
    let csrf = me.session.csrf_token.clone();
    let token = one
        .create_token(
            &me,
            &allowlisted_token_request("crm", &[Scope::Profile, Scope::Sms], &["127.0.0.1"]),
        )
        .await;
    let token_path = routes::TOKEN.replace("{id}", &token.token.id);
    let secret = token.secret.clone();
    let profile_on_two = || bearer(two, routes::PROFILE, &secret);
    // Process two caches the token and the account's lists.
    answers_within(PROPAGATION, "token works on two", None, profile_on_two).await;

    // Disabled through one: refused by two; enabled again: accepted. Then the
    // token's own allowlist.
    let token_changes = [
        (
            UpdateTokenRequest {
                disabled: Some(true),
                ..Default::default()
            },
            "disabled token",
            Some(ProblemCode::TokenDisabled),
        ),
        (
            UpdateTokenRequest {
                disabled: Some(false),
                ..Default::default()
            },
            "re-enabled token",
            None,
        ),
        (
            UpdateTokenRequest {
                ip_allowlist: Some(vec!["192.0.2.1".to_owned()]),
                ..Default::default()
            },
            "token allowlist",
            Some(ProblemCode::TokenIpNotAllowed),
        ),
        (
            UpdateTokenRequest {
                ip_allowlist: Some(Vec::new()),
                ..Default::default()
            },
            "token allowlist lifted",
            None,
        ),
    ];
    for (change, what, expected) in token_changes {
        patch(&one, &me, &token_path, &change).await;
        answers_within(PROPAGATION, what, expected, profile_on_two).await;
    }

    // The account's API allowlist.
    let added = one.add_api_allowlist_entry(&csrf, "198.51.100.0/24").await;
    assert_eq!(added.status(), StatusCode::CREATED);
    let entry: serde_json::Value = added.json().await.unwrap();
    answers_within(
        PROPAGATION,
        "account API allowlist",
        Some(ProblemCode::AccountIpNotAllowed),
        profile_on_two,
    )
    .await;
    let removed = one
        .portal(
            Method::DELETE,
            &routes::API_ALLOWLIST_ENTRY.replace("{id}", entry["id"].as_str().unwrap()),
            &csrf,
            None,
        )
        .await;
    assert!(removed.status().is_success());
    answers_within(
        PROPAGATION,
        "account API allowlist lifted",
        None,
        profile_on_two,
    )
    .await;

    // Points are one balance: spent through both, seen alike by both.
    let before: ProfileDto = profile_on_two().await.json().await.unwrap();
    for app in [&one, two, two] {
        let sent = app
            .client_builder()
            .build()
            .unwrap()
            .post(app.url(routes::SMS))
            .bearer_auth(&secret)
            .json(&sms_request("+48500100200", "hello"))
            .send()
            .await
            .unwrap();
        assert_eq!(sent.status(), StatusCode::CREATED);
    }
    let on_one: ProfileDto = bearer(&one, routes::PROFILE, &secret)
        .await
        .json()
        .await
        .unwrap();
    let on_two: ProfileDto = profile_on_two().await.json().await.unwrap();
    assert_eq!(on_one.points_balance, on_two.points_balance);
    assert!(on_one.points_balance < before.points_balance);

    // Deleted through one.
    let deleted = one.portal(Method::DELETE, &token_path, &csrf, None).await;
    assert!(deleted.status().is_success());
    answers_within(
        PROPAGATION,
        "deleted token",
        Some(ProblemCode::TokenRevoked),
        profile_on_two,
    )
    .await;

    // An OAuth client: re-scoped, disabled, and a token revoked through one.
    let client = one
        .register_oauth_client(
            &me,
            &oauth_client_request("billing", &[Scope::Profile, Scope::Sms]),
        )
        .await;
    let client_path = routes::OAUTH_CLIENT.replace("{id}", &client.client.id);
    let access = one
        .client_credentials_token(&client, None)
        .await
        .access_token;
    let client_profile_on_two = || bearer(two, routes::PROFILE, &access);
    answers_within(
        PROPAGATION,
        "client token on two",
        None,
        client_profile_on_two,
    )
    .await;
    let client_changes = [
        (
            UpdateOAuthClientRequest {
                scopes: Some(vec![Scope::Sms]),
                ..Default::default()
            },
            "re-scoped client",
            Some(ProblemCode::PermissionDenied),
        ),
        (
            UpdateOAuthClientRequest {
                scopes: Some(vec![Scope::Profile, Scope::Sms]),
                ..Default::default()
            },
            "scope given back",
            None,
        ),
        (
            UpdateOAuthClientRequest {
                disabled: Some(true),
                ..Default::default()
            },
            "disabled client",
            Some(ProblemCode::TokenDisabled),
        ),
        (
            UpdateOAuthClientRequest {
                disabled: Some(false),
                ..Default::default()
            },
            "client enabled",
            None,
        ),
    ];
    for (change, what, expected) in client_changes {
        patch(&one, &me, &client_path, &change).await;
        answers_within(PROPAGATION, what, expected, client_profile_on_two).await;
    }
    let revoked = one
        .client_builder()
        .build()
        .unwrap()
        .post(one.url(routes::OAUTH_REVOKE))
        .basic_auth(&client.client.id, Some(&client.client_secret))
        .form(&[("token", access.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::OK);
    answers_within(
        PROPAGATION,
        "revoked token",
        Some(ProblemCode::TokenRevoked),
        client_profile_on_two,
    )
    .await;

    // A portal session ended through one is refused by two.
    let other = one.another_browser();
    other.signed_in_again("scaleout@example.com").await;
    let other_me_on_two = || async {
        other
            .client
            .get(two.url(routes::ME))
            .send()
            .await
            .expect("request")
    };
    answers_within(PROPAGATION, "other session on two", None, other_me_on_two).await;
    let sessions: Vec<SessionDto> = one.get_json(routes::SESSIONS).await;
    let theirs = sessions
        .iter()
        .find(|s| !s.current)
        .expect("the other session");
    let ended = one
        .portal(
            Method::DELETE,
            &routes::SESSION.replace("{id}", &theirs.id),
            &csrf,
            None,
        )
        .await;
    assert!(ended.status().is_success());
    let refused = other_me_on_two().await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);

    // The portal allowlist: this browser's session works on two until the
    // list, changed through one, leaves its address out.
    let me_on_two = || async {
        one.client
            .get(two.url(routes::ME))
            .send()
            .await
            .expect("request")
    };
    answers_within(PROPAGATION, "session on two", None, me_on_two).await;
    let listed = one
        .portal_json(
            Method::POST,
            routes::PORTAL_ALLOWLIST,
            &csrf,
            &AddPortalAllowlistEntryRequest {
                confirm_lockout: true,
                ..portal_allowlist_entry("203.0.113.0/24")
            },
        )
        .await;
    assert_eq!(listed.status(), StatusCode::CREATED);
    answers_within(
        PROPAGATION,
        "portal allowlist",
        Some(ProblemCode::IpNotAllowed),
        me_on_two,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subusers_narrowed_grants_and_disabling_reach_the_other_process_within_a_second() {
    use crate::subusers::{set_subuser_disabled, signed_in_subuser, update_grants};

    let one = TestApp::spawn(Backend::Postgres).await;
    // The other process: the real binary, on the same database.
    let second = ServerProcess::beside(&one).await;
    let two = &second.app;
    let owner = one.signed_in("company@example.com").await;
    let (sub, browser, me) = signed_in_subuser(
        &one,
        &owner,
        "branch@example.com",
        crate::subusers::grants(&[PortalPermission::Tokens], &[Scope::Profile]),
    )
    .await;
    let token = browser
        .create_token(&me, &token_request("branch", &[Scope::Profile]))
        .await;
    let secret = token.secret.clone();
    let profile_on_two = || bearer(two, routes::PROFILE, &secret);
    // Process two caches the subuser's grants along with the token.
    answers_within(PROPAGATION, "subuser token on two", None, profile_on_two).await;

    // The owner takes `profile` away through one: two refuses the token;
    // given back, two accepts it again.
    let grant_changes = [
        (
            Vec::new(),
            "narrowed subuser",
            Some(ProblemCode::PermissionDenied),
        ),
        (vec![Scope::Profile], "widened again", None),
    ];
    for (scopes, what, expected) in grant_changes {
        let grants = SubuserGrantsDto {
            scopes,
            ..crate::subusers::grants(&[PortalPermission::Tokens], &[])
        };
        update_grants(&one, &owner, &sub.id, grants).await;
        answers_within(PROPAGATION, what, expected, profile_on_two).await;
    }

    // Disabled through one: two refuses the token.
    set_subuser_disabled(&one, &owner, &sub.id, true).await;
    let started = Instant::now();
    loop {
        if !profile_on_two().await.status().is_success() {
            break;
        }
        assert!(
            started.elapsed() < PROPAGATION,
            "a disabled subuser's token still works on two"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_whose_listener_connection_dropped_resynchronises() {
    let one = TestApp::spawn(Backend::Postgres).await;
    // The other process: the real binary, on the same database.
    let second = ServerProcess::beside(&one).await;
    let two = &second.app;
    let me = one.signed_in("resync@example.com").await;
    let token = one
        .create_token(&me, &token_request("crm", &[Scope::Profile]))
        .await;
    let secret = token.secret.clone();
    let profile_on_two = || bearer(two, routes::PROFILE, &secret);
    answers_within(PROPAGATION, "token works on two", None, profile_on_two).await;

    // A change nobody is told about (written straight into storage), then the
    // listeners' connections drop: on reconnecting they forget what they cached.
    let mut conn = one.db();
    diesel::sql_query("UPDATE api_tokens SET disabled_at = now() WHERE id = $1")
        .bind::<Text, _>(&token.token.id)
        .execute(&mut conn)
        .expect("disable behind the servers' backs");
    assert_eq!(
        crate::harness::outcome(profile_on_two().await).await,
        None,
        "cached until told (or resynchronised)"
    );
    assert!(drop_listeners(&mut conn) >= 2, "both processes listen");
    answers_within(
        Duration::from_secs(5),
        "resynchronised after reconnecting",
        Some(ProblemCode::TokenDisabled),
        profile_on_two,
    )
    .await;
}
