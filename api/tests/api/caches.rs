//! The per-process caches (verified tokens, token and client states,
//! subusers' grants, the API and portal allowlists) are bounded in size and in
//! age, and the change notices that keep several processes' caches in step are
//! sent with the change itself, so no crash can lose one.

use std::time::{Duration, Instant};

use base64::Engine;
use diesel::{sql_types::Text, Connection, RunQueryDsl};
use portcullis_api::db::DbConnection;
use portcullis_shared::{problem::ProblemCode, routes, scope::Scope};
use reqwest::StatusCode;

use crate::harness::{
    answers_within, oauth_client_request, token_request, Backend, ServerProcess, TestApp,
};

/// Requests with a made-up client id each.
const FLOOD_REQUESTS: u64 = 200_000;
/// Requests before the first memory reading, so allocator arenas, pools and
/// connection buffers have grown to their working size.
const WARM_UP_REQUESTS: u64 = 10_000;
/// Requests in flight at once.
const FLOOD_CONCURRENCY: u64 = 16;
/// How much the resident memory may grow over the flood. Unbounded, every
/// made-up id stays cached as "no such client" (~150 bytes each: ~28 MiB for
/// 190,000 of them); bounded, the caches stop growing at their capacity.
const FLOOD_RSS_GROWTH_LIMIT_KIB: u64 = 12 * 1024;

/// Sends `count` OAuth requests (token, introspect and revoke in turn), each
/// with a client id never seen before, `FLOOD_CONCURRENCY` at a time.
async fn flood_with_unknown_clients(app: &TestApp, from: u64, count: u64) {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(FLOOD_CONCURRENCY as usize)
        .build()
        .unwrap();
    let mut workers = Vec::new();
    for worker in 0..FLOOD_CONCURRENCY {
        let (http, base) = (http.clone(), app.address.clone());
        workers.push(tokio::spawn(async move {
            let mut n = from + worker;
            while n < from + count {
                // 90 characters, as long as a client id may be less a little.
                let id = format!("pcl_cl_{n:0>83}");
                let (path, form): (&str, &[(&str, &str)]) = match n % 3 {
                    0 => (routes::OAUTH_TOKEN, &[("grant_type", "client_credentials")]),
                    1 => (routes::OAUTH_INTROSPECT, &[("token", "pcl_at_x")]),
                    _ => (routes::OAUTH_REVOKE, &[("token", "pcl_at_x")]),
                };
                let response = http
                    .post(format!("{base}{path}"))
                    .basic_auth(&id, Some("pcl_cs_wrong"))
                    .form(form)
                    .send()
                    .await
                    .expect("request");
                assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
                n += FLOOD_CONCURRENCY;
            }
        }));
    }
    for worker in workers {
        worker.await.expect("flood worker");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_unknown_client_ids_cannot_grow_the_servers_memory_without_bound() {
    let server = ServerProcess::spawn(Backend::Sqlite, &[]).await;
    flood_with_unknown_clients(&server.app, 0, WARM_UP_REQUESTS).await;
    let before = server.rss_kib();
    let started = Instant::now();
    flood_with_unknown_clients(
        &server.app,
        WARM_UP_REQUESTS,
        FLOOD_REQUESTS - WARM_UP_REQUESTS,
    )
    .await;
    let after = server.rss_kib();
    let growth = after.saturating_sub(before);
    println!(
        "{FLOOD_REQUESTS} requests with unknown client ids in {:.1?}: RSS {before} KiB -> {after} KiB (+{growth} KiB, limit {FLOOD_RSS_GROWTH_LIMIT_KIB} KiB)",
        started.elapsed()
    );
    assert!(
        growth <= FLOOD_RSS_GROWTH_LIMIT_KIB,
        "RSS grew by {growth} KiB over {FLOOD_REQUESTS} requests (limit {FLOOD_RSS_GROWTH_LIMIT_KIB} KiB)"
    );
}

const SHORT_CACHE_AGE: &[(&str, &str)] = &[("PORTCULLIS_CACHE_MAX_AGE_MS", "300")];

on_both_backends!(settings = SHORT_CACHE_AGE; a_change_whose_notice_was_missed_is_enforced_once_the_cache_entry_is_too_old);

/// A change written to storage without any notice reaching this process (as
/// when a notice is missed) is enforced once the cached entry reaches
/// `PORTCULLIS_CACHE_MAX_AGE_MS`.
async fn a_change_whose_notice_was_missed_is_enforced_once_the_cache_entry_is_too_old(
    app: TestApp,
) {
    let me = app.signed_in("missed@example.com").await;
    let token = app
        .create_token(&me, &token_request("x", &[Scope::Profile]))
        .await;
    let profile = || app.bearer_get(routes::PROFILE, &token.secret);
    answers_within(Duration::from_secs(1), "token works", None, profile).await;
    let changed = diesel::sql_query(format!(
        "UPDATE api_tokens SET disabled_at = created_at WHERE id = '{}'",
        token.token.id
    ))
    .execute(&mut app.db())
    .expect("disable behind the server's back");
    assert_eq!(changed, 1);
    answers_within(
        Duration::from_secs(2),
        "token disabled behind the cache",
        Some(ProblemCode::TokenDisabled),
        profile,
    )
    .await;
}

/// The `jti` claim of an access token.
fn jti_of(token: &str) -> String {
    let jwt = token.strip_prefix("pcl_at_").expect("prefixed token");
    let payload = jwt.split('.').nth(1).expect("JWT payload");
    let claims: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .expect("base64url payload"),
    )
    .expect("JSON claims");
    claims["jti"].as_str().expect("jti").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revocation_reaches_the_other_process_although_its_process_died_right_after_the_commit() {
    let survivor = TestApp::spawn(Backend::Postgres).await;
    // The real binary beside it, made to die right after committing a revocation.
    let mut dying = ServerProcess::beside_with(
        &survivor,
        &[("PORTCULLIS_TEST_CRASH_AFTER_COMMIT", "revoked")],
    )
    .await;
    let me = survivor.signed_in("crash@example.com").await;
    let client = survivor
        .register_oauth_client(&me, &oauth_client_request("crm", &[Scope::Profile]))
        .await;
    let token = survivor
        .client_credentials_token(&client, None)
        .await
        .access_token;
    let profile = || survivor.bearer_get(routes::PROFILE, &token);
    answers_within(Duration::from_secs(1), "token works", None, profile).await;

    let revoked = dying
        .app
        .client_builder()
        .build()
        .unwrap()
        .post(dying.app.url(routes::OAUTH_REVOKE))
        .basic_auth(&client.client.id, Some(&client.client_secret))
        .form(&[("token", token.as_str())])
        .send()
        .await;
    assert!(
        revoked.is_err(),
        "the process died before answering: {revoked:?}"
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while dying.is_running() {
        assert!(Instant::now() < deadline, "the process did not die");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        survivor.count("revoked_tokens"),
        1,
        "the revocation was committed"
    );

    answers_within(
        Duration::from_secs(1),
        "revoked through a process that then died",
        Some(ProblemCode::TokenRevoked),
        profile,
    )
    .await;
}

/// Sends a cache notice as the server does, on `conn`.
fn notify(conn: &mut DbConnection, payload: &str) -> diesel::QueryResult<()> {
    diesel::sql_query("SELECT pg_notify($1, $2)")
        .bind::<Text, _>("portcullis_cache")
        .bind::<Text, _>(payload)
        .execute(conn)
        .map(drop)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_notice_sent_in_a_transaction_that_rolled_back_evicts_nothing() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let me = app.signed_in("rollback@example.com").await;
    let client = app
        .register_oauth_client(&me, &oauth_client_request("crm", &[Scope::Profile]))
        .await;
    let (kept, revoked) = (
        app.client_credentials_token(&client, None)
            .await
            .access_token,
        app.client_credentials_token(&client, None)
            .await
            .access_token,
    );
    for token in [&kept, &revoked] {
        answers_within(Duration::from_secs(1), "token works", None, || {
            app.bearer_get(routes::PROFILE, token)
        })
        .await;
    }

    let mut conn = app.db();
    let rolled_back = conn.transaction::<(), diesel::result::Error, _>(|conn| {
        notify(conn, &format!("revoked:{}", jti_of(&kept)))?;
        Err(diesel::result::Error::RollbackTransaction)
    });
    assert!(rolled_back.is_err());
    // A committed notice sent after it: once it took effect, the one before
    // it would have too (notices arrive in commit order).
    notify(&mut conn, &format!("revoked:{}", jti_of(&revoked))).unwrap();
    answers_within(
        Duration::from_secs(1),
        "committed notice",
        Some(ProblemCode::TokenRevoked),
        || app.bearer_get(routes::PROFILE, &revoked),
    )
    .await;
    assert_eq!(
        app.bearer_get(routes::PROFILE, &kept).await.status(),
        StatusCode::OK,
        "the rolled-back notice evicted nothing"
    );
}
