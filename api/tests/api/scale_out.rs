//! Several API processes on one PostgreSQL behave as one: a change made
//! through one (in the test binary) is enforced by the other (the real
//! `portcullis` binary as a child process) within a second, although each keeps
//! tokens, clients, revocations and allowlists cached in memory.

use std::time::{Duration, Instant};

use diesel::{sql_types::Text, RunQueryDsl};
use portcullis_api::db::DbConnection;
use portcullis_shared::{
    dto::{
        AddAllowlistEntryRequest, AddPortalAllowlistEntryRequest, CreateOAuthClientRequest,
        CreateSubuserRequest, CreateTokenRequest, CreatedOAuthClientDto, MeResponse,
        OAuthTokenResponse, PortalPermission, ProfileDto, SessionDto, SubuserGrantsDto,
        UpdateOAuthClientRequest, UpdateTokenRequest,
    },
    problem::ProblemCode,
    routes,
    scope::Scope,
};
use reqwest::{Method, StatusCode};

use crate::harness::{sms_request, token_request, Backend, ServerProcess, TestApp};

/// How soon the other process must enforce a change.
const PROPAGATION: Duration = Duration::from_secs(1);

/// The problem code of an answer, or `None` for a success.
async fn outcome(response: reqwest::Response) -> Option<ProblemCode> {
    if response.status().is_success() {
        return None;
    }
    let problem: portcullis_shared::problem::Problem = response.json().await.expect("problem body");
    Some(problem.code)
}

/// Calls `call` until it answers `expected` (`None`: success), failing when
/// that takes longer than `within`.
async fn within<F, Fut>(within: Duration, what: &str, expected: Option<ProblemCode>, mut call: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = reqwest::Response>,
{
    let started = Instant::now();
    loop {
        let got = outcome(call().await).await;
        if got == expected {
            return;
        }
        assert!(
            started.elapsed() < within,
            "{what}: still {got:?} after {within:?}, expected {expected:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

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

async fn client_token(app: &TestApp, client: &CreatedOAuthClientDto) -> String {
    let response = app
        .client_builder()
        .build()
        .unwrap()
        .post(app.url(routes::OAUTH_TOKEN))
        .basic_auth(&client.client.id, Some(&client.client_secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let issued: OAuthTokenResponse = response.json().await.unwrap();
    issued.access_token
}

/// Ends this database's cache listeners, as a dropped connection would.
fn drop_listeners(conn: &mut DbConnection) -> usize {
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
            &CreateTokenRequest {
                ip_allowlist: vec!["127.0.0.1".to_owned()],
                ..token_request("crm", &[Scope::Profile, Scope::Sms])
            },
        )
        .await;
    let token_path = routes::TOKEN.replace("{id}", &token.token.id);
    let secret = token.secret.clone();
    let profile_on_two = || bearer(two, routes::PROFILE, &secret);
    // Process two caches the token and the account's lists.
    within(PROPAGATION, "token works on two", None, profile_on_two).await;

    // Disabled through one: refused by two; enabled again: accepted.
    patch(
        &one,
        &me,
        &token_path,
        &UpdateTokenRequest {
            disabled: Some(true),
            ..Default::default()
        },
    )
    .await;
    within(
        PROPAGATION,
        "disabled token",
        Some(ProblemCode::TokenDisabled),
        profile_on_two,
    )
    .await;
    patch(
        &one,
        &me,
        &token_path,
        &UpdateTokenRequest {
            disabled: Some(false),
            ..Default::default()
        },
    )
    .await;
    within(PROPAGATION, "re-enabled token", None, profile_on_two).await;

    // The token's own allowlist.
    patch(
        &one,
        &me,
        &token_path,
        &UpdateTokenRequest {
            ip_allowlist: Some(vec!["192.0.2.1".to_owned()]),
            ..Default::default()
        },
    )
    .await;
    within(
        PROPAGATION,
        "token allowlist",
        Some(ProblemCode::TokenIpNotAllowed),
        profile_on_two,
    )
    .await;
    patch(
        &one,
        &me,
        &token_path,
        &UpdateTokenRequest {
            ip_allowlist: Some(Vec::new()),
            ..Default::default()
        },
    )
    .await;
    within(PROPAGATION, "token allowlist lifted", None, profile_on_two).await;

    // The account's API allowlist.
    let added = one
        .portal_json(
            Method::POST,
            routes::API_ALLOWLIST,
            &csrf,
            &AddAllowlistEntryRequest {
                value: "198.51.100.0/24".to_owned(),
                ..Default::default()
            },
        )
        .await;
    assert_eq!(added.status(), StatusCode::CREATED);
    let entry: serde_json::Value = added.json().await.unwrap();
    within(
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
    within(
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
    within(
        PROPAGATION,
        "deleted token",
        Some(ProblemCode::TokenRevoked),
        profile_on_two,
    )
    .await;

    // An OAuth client: re-scoped, disabled, and a token revoked through one.
    let registered = one
        .portal_json(
            Method::POST,
            routes::OAUTH_CLIENTS,
            &csrf,
            &CreateOAuthClientRequest {
                name: "billing".to_owned(),
                scopes: vec![Scope::Profile, Scope::Sms],
                ..Default::default()
            },
        )
        .await;
    assert_eq!(registered.status(), StatusCode::CREATED);
    let client: CreatedOAuthClientDto = registered.json().await.unwrap();
    let client_path = routes::OAUTH_CLIENT.replace("{id}", &client.client.id);
    let access = client_token(&one, &client).await;
    let client_profile_on_two = || bearer(two, routes::PROFILE, &access);
    within(
        PROPAGATION,
        "client token on two",
        None,
        client_profile_on_two,
    )
    .await;
    patch(
        &one,
        &me,
        &client_path,
        &UpdateOAuthClientRequest {
            scopes: Some(vec![Scope::Sms]),
            ..Default::default()
        },
    )
    .await;
    within(
        PROPAGATION,
        "re-scoped client",
        Some(ProblemCode::PermissionDenied),
        client_profile_on_two,
    )
    .await;
    patch(
        &one,
        &me,
        &client_path,
        &UpdateOAuthClientRequest {
            scopes: Some(vec![Scope::Profile, Scope::Sms]),
            ..Default::default()
        },
    )
    .await;
    within(PROPAGATION, "scope given back", None, client_profile_on_two).await;
    patch(
        &one,
        &me,
        &client_path,
        &UpdateOAuthClientRequest {
            disabled: Some(true),
            ..Default::default()
        },
    )
    .await;
    within(
        PROPAGATION,
        "disabled client",
        Some(ProblemCode::TokenDisabled),
        client_profile_on_two,
    )
    .await;
    patch(
        &one,
        &me,
        &client_path,
        &UpdateOAuthClientRequest {
            disabled: Some(false),
            ..Default::default()
        },
    )
    .await;
    within(PROPAGATION, "client enabled", None, client_profile_on_two).await;
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
    within(
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
    within(PROPAGATION, "other session on two", None, other_me_on_two).await;
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
    within(PROPAGATION, "session on two", None, me_on_two).await;
    let listed = one
        .portal_json(
            Method::POST,
            routes::PORTAL_ALLOWLIST,
            &csrf,
            &AddPortalAllowlistEntryRequest {
                value: "203.0.113.0/24".to_owned(),
                confirm_lockout: true,
                ..Default::default()
            },
        )
        .await;
    assert_eq!(listed.status(), StatusCode::CREATED);
    within(
        PROPAGATION,
        "portal allowlist",
        Some(ProblemCode::IpNotAllowed),
        me_on_two,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subusers_narrowed_grants_and_disabling_reach_the_other_process_within_a_second() {
    use crate::subusers::{create_subuser, subuser_browser, update_grants};

    let one = TestApp::spawn(Backend::Postgres).await;
    // The other process: the real binary, on the same database.
    let second = ServerProcess::beside(&one).await;
    let two = &second.app;
    let owner = one.signed_in("company@example.com").await;
    let sub = create_subuser(
        &one,
        &owner,
        &CreateSubuserRequest {
            email: "branch@example.com".to_owned(),
            password: Some("Amber-Lantern-77".to_owned()),
            grants: SubuserGrantsDto {
                portal: vec![PortalPermission::Tokens],
                scopes: vec![Scope::Profile],
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .await;
    let (browser, me) = subuser_browser(&one, "branch@example.com").await;
    let token = browser
        .create_token(&me, &token_request("branch", &[Scope::Profile]))
        .await;
    let secret = token.secret.clone();
    let profile_on_two = || bearer(two, routes::PROFILE, &secret);
    // Process two caches the subuser's grants along with the token.
    within(PROPAGATION, "subuser token on two", None, profile_on_two).await;

    // The owner takes `profile` away through one: two refuses the token.
    update_grants(
        &one,
        &owner,
        &sub.id,
        SubuserGrantsDto {
            portal: vec![PortalPermission::Tokens],
            scopes: Vec::new(),
            ..Default::default()
        },
    )
    .await;
    within(
        PROPAGATION,
        "narrowed subuser",
        Some(ProblemCode::PermissionDenied),
        profile_on_two,
    )
    .await;
    update_grants(
        &one,
        &owner,
        &sub.id,
        SubuserGrantsDto {
            portal: vec![PortalPermission::Tokens],
            scopes: vec![Scope::Profile],
            ..Default::default()
        },
    )
    .await;
    within(PROPAGATION, "widened again", None, profile_on_two).await;

    // Disabled through one: two refuses the token.
    let disabled = one
        .portal(
            Method::POST,
            &routes::SUBUSER_DISABLE.replace("{id}", &sub.id),
            &owner.session.csrf_token,
            None,
        )
        .await;
    assert!(disabled.status().is_success(), "{}", disabled.status());
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
    within(PROPAGATION, "token works on two", None, profile_on_two).await;

    // A change nobody is told about (written straight into storage), then the
    // listeners' connections drop: on reconnecting they forget what they cached.
    let mut conn = one.db();
    diesel::sql_query("UPDATE api_tokens SET disabled_at = now() WHERE id = $1")
        .bind::<Text, _>(&token.token.id)
        .execute(&mut conn)
        .expect("disable behind the servers' backs");
    assert_eq!(
        outcome(profile_on_two().await).await,
        None,
        "cached until told (or resynchronised)"
    );
    assert!(drop_listeners(&mut conn) >= 2, "both processes listen");
    within(
        Duration::from_secs(5),
        "resynchronised after reconnecting",
        Some(ProblemCode::TokenDisabled),
        profile_on_two,
    )
    .await;
}
