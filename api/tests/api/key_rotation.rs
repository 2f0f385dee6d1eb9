//! Signing-key rotation: `portcullis keys rotate` (the real binary) and the
//! schedule make a new key that signs from then on, in every process within a
//! second; tokens signed before keep working, the old key stays in the JWKS
//! until every token it signed has expired, then it is retired. Rotating under
//! load refuses no token, and two processes on a schedule rotate once.

use std::{
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use portcullis_shared::{
    dto::{CreateTokenRequest, CreatedOAuthClientDto, JwkSet, OAuthTokenResponse},
    problem::ProblemCode,
    routes,
    scope::Scope,
};
use reqwest::{Method, StatusCode};

use crate::harness::{
    oauth_client_request, outcome, token_request, Backend, ServerProcess, TestApp,
};

/// How soon every process must sign with a new key.
const PROPAGATION: Duration = Duration::from_secs(1);

/// The `kid` in an access token's JOSE header.
fn kid_of(secret: &str) -> String {
    let jwt = secret.strip_prefix("pcl_at_").expect("an access token");
    let header = URL_SAFE_NO_PAD
        .decode(jwt.split('.').next().expect("a header"))
        .expect("base64url header");
    let header: serde_json::Value = serde_json::from_slice(&header).expect("JSON header");
    header["kid"].as_str().expect("a kid").to_owned()
}

/// The key ids the JWKS endpoint lists.
async fn jwks_kids(app: &TestApp) -> Vec<String> {
    let set: JwkSet = app.get_json(routes::JWKS).await;
    set.keys.into_iter().map(|k| k.kid).collect()
}

/// The new key's id, as `portcullis keys rotate` printed it.
fn output_kid(output: std::process::Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.starts_with("key_"), "the new key's id: {stdout}");
    stdout
}

/// A client-credentials token from `app`; none when it was refused.
async fn issued(app: &TestApp, client: &CreatedOAuthClientDto) -> Option<String> {
    let http = app.client_builder().build().expect("http client");
    issued_with(&http, app, client).await
}

/// [`issued`], over the HTTP client `http` (one kept for many calls).
async fn issued_with(
    http: &reqwest::Client,
    app: &TestApp,
    client: &CreatedOAuthClientDto,
) -> Option<String> {
    let response = http
        .post(app.url(routes::OAUTH_TOKEN))
        .basic_auth(&client.client.id, Some(&client.client_secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("request");
    if response.status() != StatusCode::OK {
        return None;
    }
    let token: OAuthTokenResponse = response.json().await.expect("OAuthTokenResponse");
    Some(token.access_token)
}

/// Waits until `app` issues tokens signed by `kid`; how long that took
/// (until the answer carrying it: the process had switched by then).
async fn signs_with(app: &TestApp, client: &CreatedOAuthClientDto, kid: &str) -> Duration {
    let http = app.client_builder().build().expect("http client");
    let started = Instant::now();
    loop {
        let token = issued_with(&http, app, client)
            .await
            .expect("a token is issued");
        if kid_of(&token) == kid {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{} still signs with {}, not {kid}",
            app.address,
            kid_of(&token)
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn a_token_from_before_a_rotation_keeps_working_and_new_tokens_carry_the_new_key(
    app: TestApp,
) {
    let me = app.signed_in("rotate@example.com").await;
    let before = app
        .create_token(&me, &token_request("CRM", &[Scope::Profile]))
        .await;
    let client = app
        .register_oauth_client(&me, &oauth_client_request("ERP", &[Scope::Profile]))
        .await;
    let issued_before = issued(&app, &client).await.expect("issued");
    let old_kid = kid_of(&before.secret);
    assert_eq!(kid_of(&issued_before), old_kid);
    assert_eq!(jwks_kids(&app).await, vec![old_kid.clone()]);

    // The command's help, and a usage error.
    let help = app.operator(&["keys", "rotate", "--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("keep verifying"));
    let help = app.operator(&["keys", "--help"]);
    assert!(String::from_utf8_lossy(&help.stdout).contains("rotate"));
    assert_eq!(
        app.operator(&["keys", "rotate", "now"]).status.code(),
        Some(2)
    );

    let new_kid = output_kid(app.operator(&["keys", "rotate"]));
    assert_ne!(new_kid, old_kid);
    let took = signs_with(&app, &client, &new_kid).await;
    assert!(
        took < PROPAGATION,
        "new tokens carry the new key after {took:?}"
    );
    let after = app
        .create_token(&me, &token_request("CRM 2", &[Scope::Profile]))
        .await;
    assert_eq!(kid_of(&after.secret), new_kid);

    // Both keys verify and are published; the tokens from before still work.
    let mut both = vec![old_kid.clone(), new_kid.clone()];
    both.sort();
    assert_eq!(jwks_kids(&app).await, both);
    for secret in [&before.secret, &issued_before, &after.secret] {
        app.assert_bearer_get(routes::PROFILE, secret, StatusCode::OK)
            .await;
    }
    // And on a process started afresh.
    let restarted = app.second_process().await;
    restarted
        .assert_bearer_get(routes::PROFILE, &before.secret, StatusCode::OK)
        .await;
    assert_eq!(kid_of(&issued(&restarted, &client).await.unwrap()), new_kid);

    let listed = app.operator(&["keys", "list"]);
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(
        listed.contains(&format!("{old_kid}\tverifying"))
            && listed.contains(&format!("{new_kid}\tsigning")),
        "{listed}"
    );
}

async fn rotating_twice_under_load_refuses_no_token(backend: Backend) {
    let one = TestApp::spawn(backend).await;
    // PostgreSQL: a second process, the real binary. SQLite: one process.
    let second = match backend {
        Backend::Postgres => Some(ServerProcess::beside(&one).await),
        Backend::Sqlite => None,
    };
    let mut apps = vec![Arc::new(TestApp::attach(
        one.address.clone(),
        one.database_url.clone(),
    ))];
    if let Some(second) = &second {
        apps.push(Arc::new(TestApp::attach(
            second.app.address.clone(),
            second.app.database_url.clone(),
        )));
    }
    let me = one.signed_in("load@example.com").await;
    let client = Arc::new(
        one.register_oauth_client(&me, &oauth_client_request("ERP", &[Scope::Profile]))
            .await,
    );
    let portal_token = one
        .create_token(&me, &token_request("CRM", &[Scope::Profile]))
        .await
        .secret;

    let stop = Arc::new(AtomicBool::new(false));
    let (calls, refused) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let mut load = Vec::new();
    for worker in 0..3 {
        let (apps, client, portal_token) = (apps.clone(), client.clone(), portal_token.clone());
        let (stop, calls, refused) = (stop.clone(), calls.clone(), refused.clone());
        load.push(tokio::spawn(async move {
            let mut round = worker;
            let mut failures = Vec::new();
            let http = apps[0].client_builder().build().expect("http client");
            while !stop.load(Ordering::Relaxed) {
                // Issued by one process, used on the other.
                let (issuer, user) = (&apps[round % apps.len()], &apps[(round + 1) % apps.len()]);
                round += 1;
                let Some(token) = issued_with(&http, issuer, &client).await else {
                    refused.fetch_add(1, Ordering::Relaxed);
                    failures.push("issuance refused".to_owned());
                    continue;
                };
                for secret in [&token, &portal_token] {
                    calls.fetch_add(1, Ordering::Relaxed);
                    let response = http
                        .get(user.url(routes::PROFILE))
                        .bearer_auth(secret)
                        .send()
                        .await
                        .expect("request");
                    if response.status() != StatusCode::OK {
                        refused.fetch_add(1, Ordering::Relaxed);
                        failures.push(format!(
                            "{} refused a token of {}: {:?}",
                            user.address,
                            kid_of(secret),
                            outcome(response).await
                        ));
                    }
                }
            }
            failures
        }));
    }

    let mut kids = vec![kid_of(&portal_token)];
    let mut switches = Vec::new();
    for _ in 0..2 {
        tokio::time::sleep(Duration::from_millis(1000)).await;
        // The operator's command, beside the running servers.
        let asked = Instant::now();
        let output = tokio::task::block_in_place(|| one.operator(&["keys", "rotate"]));
        let command_took = asked.elapsed();
        let kid = output_kid(output);
        for app in &apps {
            let took = signs_with(app, &client, &kid).await;
            assert!(
                took < PROPAGATION,
                "{} signs with the new key after {took:?}",
                app.address
            );
            switches.push((command_took, took));
        }
        kids.push(kid);
    }
    tokio::time::sleep(Duration::from_millis(1000)).await;
    stop.store(true, Ordering::Relaxed);
    let mut failures = Vec::new();
    for worker in load {
        failures.extend(worker.await.unwrap());
    }
    let calls = calls.load(Ordering::Relaxed);
    assert!(calls >= 10, "the load ran: {calls} calls");
    eprintln!(
        "{calls} authenticated calls across two rotations; (command run, then switched after): {switches:?}"
    );
    assert_eq!(
        refused.load(Ordering::Relaxed),
        0,
        "{calls} calls: {failures:?}"
    );
    let mut published = jwks_kids(&one).await;
    published.sort();
    kids.sort();
    assert_eq!(published, kids, "the three keys verify");
    drop(second);
}

async fn a_key_retires_once_the_tokens_it_signed_have_expired(app: TestApp) {
    let me = app.signed_in("retire@example.com").await;
    let expires = chrono::Utc::now() + chrono::Duration::seconds(3);
    let short = app
        .create_token(
            &me,
            &CreateTokenRequest {
                expires_at: Some(expires.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
                ..token_request("short", &[Scope::Profile])
            },
        )
        .await;
    let forever = app
        .create_token(&me, &token_request("forever", &[Scope::Profile]))
        .await;
    let old_kid = kid_of(&short.secret);
    app.assert_bearer_get(routes::PROFILE, &short.secret, StatusCode::OK)
        .await;
    let new_kid = output_kid(app.operator(&["keys", "rotate"]));

    // The short token expires; the one that never expires keeps the old key.
    let wait = (expires - chrono::Utc::now()).to_std().unwrap_or_default();
    tokio::time::sleep(wait + Duration::from_secs(2)).await;
    assert!(
        jwks_kids(&app).await.contains(&old_kid),
        "kept for `forever`"
    );
    app.assert_bearer_get(routes::PROFILE, &forever.secret, StatusCode::OK)
        .await;

    // Deleted: nothing the old key signed lives, and it retires.
    let response = app
        .portal(
            Method::DELETE,
            &routes::TOKEN.replace("{id}", &forever.token.id),
            &me.session.csrf_token,
            None,
        )
        .await;
    assert!(response.status().is_success(), "{}", response.status());
    let started = Instant::now();
    while jwks_kids(&app).await.contains(&old_kid) {
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "the old key is still published"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(jwks_kids(&app).await, vec![new_kid.clone()]);
    let listed = app.operator(&["keys", "list"]);
    assert!(String::from_utf8_lossy(&listed.stdout).contains(&format!("{old_kid}\tretired")));
    // Its expired token is refused as expired or unknown, never accepted.
    let refusal = outcome(app.bearer_get(routes::PROFILE, &short.secret).await).await;
    assert!(
        matches!(
            refusal,
            Some(ProblemCode::TokenExpired | ProblemCode::TokenInvalid)
        ),
        "{refusal:?}"
    );
    // The new key goes on.
    let fresh = app
        .create_token(&me, &token_request("fresh", &[Scope::Profile]))
        .await;
    assert_eq!(kid_of(&fresh.secret), new_kid);
    app.assert_bearer_get(routes::PROFILE, &fresh.secret, StatusCode::OK)
        .await;
}

async fn a_process_that_has_not_loaded_the_new_key_yet_accepts_its_tokens(backend: Backend) {
    let one = TestApp::spawn_with(backend, &[("PORTCULLIS_SIGNING_KEY_CHECK_MS", "100")]).await;
    // The other process compares its keys once a minute (and, on SQLite, is
    // told nothing): only the token naming a newer key makes it reload.
    let second =
        ServerProcess::beside_with(&one, &[("PORTCULLIS_SIGNING_KEY_CHECK_MS", "60000")]).await;
    let me = one.signed_in("lagging@example.com").await;
    let client = one
        .register_oauth_client(&me, &oauth_client_request("ERP", &[Scope::Profile]))
        .await;
    let old_kid = kid_of(&issued(&second.app, &client).await.unwrap());
    let new_kid = output_kid(one.operator(&["keys", "rotate"]));
    signs_with(&one, &client, &new_kid).await;
    let token = issued(&one, &client).await.unwrap();
    assert_eq!(kid_of(&token), new_kid);
    second
        .app
        .assert_bearer_get(routes::PROFILE, &token, StatusCode::OK)
        .await;
    // Having loaded it, it signs with it too.
    assert_ne!(old_kid, new_kid);
    assert_eq!(
        kid_of(&issued(&second.app, &client).await.unwrap()),
        new_kid
    );
    // A made-up key id of the same form is still refused.
    let (head, rest) = token.split_once('.').unwrap();
    let mut header: serde_json::Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(head.strip_prefix("pcl_at_").unwrap())
            .unwrap(),
    )
    .unwrap();
    header["kid"] = format!("key_{}", "f".repeat(32)).into();
    let forged = format!(
        "pcl_at_{}.{rest}",
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header).unwrap())
    );
    let refusal = outcome(second.app.bearer_get(routes::PROFILE, &forged).await).await;
    assert_eq!(refusal, Some(ProblemCode::TokenInvalid));
}

/// Four seconds, in days.
fn four_seconds_in_days() -> String {
    (4.0 / 86_400.0).to_string()
}

async fn two_processes_on_a_schedule_rotate_once(backend: Backend) {
    let max_age = four_seconds_in_days();
    let one = TestApp::spawn_with(
        backend,
        &[
            ("PORTCULLIS_SIGNING_KEY_MAX_AGE_DAYS", &max_age),
            ("PORTCULLIS_SIGNING_KEY_CHECK_MS", "100"),
        ],
    )
    .await;
    let second = ServerProcess::beside(&one).await;
    let me = one.signed_in("schedule@example.com").await;
    let client = one
        .register_oauth_client(&me, &oauth_client_request("ERP", &[Scope::Profile]))
        .await;
    let first_kid = kid_of(&issued(&one, &client).await.unwrap());
    assert_eq!(one.count("signing_keys"), 1);

    let started = Instant::now();
    while one.count("signing_keys") < 2 {
        assert!(
            started.elapsed() < Duration::from_secs(8),
            "no rotation on schedule"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The key that signs now, as storage has it.
    let listed = one.operator(&["keys", "list"]);
    let listed = String::from_utf8_lossy(&listed.stdout);
    let kids: Vec<&str> = listed
        .lines()
        .filter(|line| line.contains("\tsigning\t"))
        .filter_map(|line| line.split('\t').next())
        .collect();
    assert_eq!(kids.len(), 1, "{listed}");
    assert_ne!(kids[0], first_kid);
    for app in [&one, &second.app] {
        let took = signs_with(app, &client, kids[0]).await;
        assert!(took < PROPAGATION, "{} took {took:?}", app.address);
    }
    // Both processes found the key due; one made the new one.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(one.count("signing_keys"), 2, "rotated once, not twice");
}

on_both_backends!(
    a_token_from_before_a_rotation_keeps_working_and_new_tokens_carry_the_new_key,
    rotating_twice_under_load_refuses_no_token,
    a_process_that_has_not_loaded_the_new_key_yet_accepts_its_tokens,
    two_processes_on_a_schedule_rotate_once,
);
on_both_backends!(
    // Retirements are looked for every 40 checks: every second here.
    settings = &[("PORTCULLIS_SIGNING_KEY_RETIRE_GRACE_MS", "300"), ("PORTCULLIS_SIGNING_KEY_CHECK_MS", "25")];
    a_key_retires_once_the_tokens_it_signed_have_expired,
);
