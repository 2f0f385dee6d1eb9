//! Secrets at rest: the signing keys' private halves and the TOTP secrets are
//! sealed with the key-encryption key, so a dump of the database holds neither
//! in a usable form; a server with the wrong key refuses to start; `portcullis
//! keys rewrap` moves every secret to a new key; a sealed value moved to another
//! row does not open, and the request fails closed.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::{
    engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD},
    Engine,
};
use diesel::prelude::*;
use portcullis_api::{
    config::DatabaseUrl,
    db::schema::{second_factors, signing_keys},
    domain::{Kek, TotpSecret},
    services::secrets_at_rest::{signing_key_at, totp_secret_at},
};
use portcullis_shared::{
    dto::{ConfirmTwoFactorRequest, MeResponse, TotpSetupDto, VerificationMethod},
    problem::ProblemCode,
    routes,
    scope::Scope,
};
use reqwest::{Method, StatusCode};

use crate::harness::{expect_problem, token_request, Backend, TestApp, GOOD_PASSWORD};

fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn kek_of(app: &TestApp) -> Kek {
    Kek::parse(
        app.setting("PORTCULLIS_KEK")
            .expect("the harness gives a KEK"),
    )
    .unwrap()
}

/// Signs `email` up and turns on an authenticator app; answers the session
/// and the secret the API showed once.
async fn with_authenticator(app: &TestApp, email: &str) -> (MeResponse, TotpSecret, String) {
    let me = app.signed_in(email).await;
    let csrf = me.session.csrf_token.clone();
    let response = app
        .confirm_with_password(routes::TWO_FACTOR_TOTP, &csrf, None)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let setup: TotpSetupDto = response.json().await.unwrap();
    let secret = TotpSecret::from_base32(&setup.secret).expect("base32 secret");
    let response = app
        .portal_json(
            Method::POST,
            routes::TWO_FACTOR_TOTP_CONFIRM,
            &csrf,
            &ConfirmTwoFactorRequest {
                code: secret.code_at(now_unix()),
            },
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK, "authenticator confirmed");
    (me, secret, setup.secret)
}

/// Signs in with the authenticator app's code for the next time step (the
/// current one was spent confirming it), from a fresh browser.
async fn totp_sign_in(app: &TestApp, email: &str, secret: &TotpSecret) -> reqwest::Response {
    let browser = app.another_browser();
    let held = browser.held_sign_in(email, GOOD_PASSWORD).await;
    let code = secret.code_at(now_unix() + 30);
    browser
        .verify_login(&held, VerificationMethod::Totp, &code, false)
        .await
}

/// Everything a database dump shows: on SQLite the file's bytes (with its
/// write-ahead log) and `sqlite3 .dump` when the tool is there; on PostgreSQL
/// `pg_dump`, or every text column of the two tables when it is not.
fn database_dump(app: &TestApp) -> String {
    let mut dump = String::new();
    match &app.database_url {
        DatabaseUrl::Sqlite(path) => {
            for file in [path.clone(), path.with_extension("db-wal")] {
                if let Ok(bytes) = std::fs::read(&file) {
                    dump.push_str(&String::from_utf8_lossy(&bytes));
                }
            }
            if let Ok(out) = std::process::Command::new("sqlite3")
                .arg(path)
                .arg(".dump")
                .output()
            {
                dump.push_str(&String::from_utf8_lossy(&out.stdout));
            }
        }
        DatabaseUrl::Postgres(url) => {
            if let Ok(out) = std::process::Command::new("pg_dump").arg(url).output() {
                assert!(out.status.success(), "pg_dump: {out:?}");
                dump.push_str(&String::from_utf8_lossy(&out.stdout));
            }
        }
    }
    dump.push_str(&app.table_text("signing_keys", &["kid", "private_key", "public_key"]));
    dump.push_str(&app.table_text("second_factors", &["id", "COALESCE(totp_secret, '')"]));
    dump
}

/// Every form a 20-to-32-byte secret could be written in.
fn encodings(bytes: &[u8]) -> Vec<String> {
    vec![
        STANDARD.encode(bytes),
        URL_SAFE_NO_PAD.encode(bytes),
        bytes.iter().map(|b| format!("{b:02x}")).collect(),
        bytes.iter().map(|b| format!("{b:02X}")).collect(),
    ]
}

async fn a_database_dump_holds_no_private_key_and_no_totp_secret(app: TestApp) {
    let (me, _, shown_secret) = with_authenticator(&app, "dump@example.com").await;
    let created = app
        .create_token(&me, &token_request("CRM", &[Scope::Profile]))
        .await;
    app.assert_bearer_get(routes::PROFILE, &created.secret, StatusCode::OK)
        .await;

    // What the secrets are, opened with the key the test gave the server.
    let kek = kek_of(&app);
    let mut conn = app.db();
    let keys: Vec<(String, String)> = signing_keys::table
        .select((signing_keys::kid, signing_keys::private_key))
        .load(&mut conn)
        .unwrap();
    assert!(!keys.is_empty());
    let mut forbidden = vec![shown_secret.clone(), "PRIVATE KEY".to_owned()];
    for (kid, stored) in &keys {
        assert!(stored.starts_with("pcs1."), "sealed: {stored}");
        let clear = kek.open(&signing_key_at(kid), stored).expect("opens");
        let pkcs8_base64 = String::from_utf8(clear.to_vec()).unwrap();
        let der = STANDARD.decode(&pkcs8_base64).unwrap();
        let seed =
            <ed25519_dalek::SigningKey as ed25519_dalek::pkcs8::DecodePrivateKey>::from_pkcs8_der(
                &der,
            )
            .expect("an Ed25519 PKCS#8 key")
            .to_bytes();
        forbidden.push(pkcs8_base64);
        forbidden.extend(encodings(&seed));
    }
    let stored_totp: Vec<(String, Option<String>)> = second_factors::table
        .select((second_factors::id, second_factors::totp_secret))
        .load(&mut conn)
        .unwrap();
    let (id, sealed) = stored_totp
        .iter()
        .find_map(|(id, s)| s.as_ref().map(|s| (id, s)))
        .expect("a TOTP row");
    let clear = kek.open(&totp_secret_at(id), sealed).expect("opens");
    assert_eq!(&clear[..], shown_secret.as_bytes());
    let raw = portcullis_totp_bytes(&shown_secret);
    forbidden.extend(encodings(&raw));

    let dump = database_dump(&app);
    assert!(dump.len() > 1000, "the dump has content");
    for secret in &forbidden {
        assert!(
            !dump.contains(secret.as_str()),
            "the dump holds a secret in a usable form: {secret}"
        );
    }
}

/// The raw bytes of a base32 TOTP secret.
fn portcullis_totp_bytes(base32: &str) -> Vec<u8> {
    totp_rs::Secret::Encoded(base32.to_owned())
        .to_bytes()
        .unwrap()
}

async fn a_sealed_secret_moved_to_another_row_does_not_open_and_sign_in_fails_closed(app: TestApp) {
    let (victim, victim_secret, _) = with_authenticator(&app, "victim@example.com").await;
    let (attacker, _, _) = with_authenticator(&app, "attacker@example.com").await;
    let (victim_id, attacker_id) = (victim.account.id.clone(), attacker.account.id.clone());
    // Someone who can write to the database copies the victim's sealed secret
    // into the attacker's factor, hoping to sign in with codes from it.
    let mut conn = app.db();
    let victim_sealed: Option<String> = second_factors::table
        .filter(second_factors::account_id.eq(&victim_id))
        .select(second_factors::totp_secret)
        .first(&mut conn)
        .unwrap();
    diesel::update(second_factors::table.filter(second_factors::account_id.eq(&attacker_id)))
        .set(second_factors::totp_secret.eq(victim_sealed))
        .execute(&mut conn)
        .unwrap();

    expect_problem(
        totp_sign_in(&app, "attacker@example.com", &victim_secret).await,
        StatusCode::INTERNAL_SERVER_ERROR,
        ProblemCode::Internal,
    )
    .await;
    // The victim's own sign-in is untouched.
    let response = totp_sign_in(&app, "victim@example.com", &victim_secret).await;
    assert_eq!(response.status(), StatusCode::OK);
}

async fn rows_in_clear_are_sealed_at_start_even_by_two_processes_at_once(app: TestApp) {
    let (me, secret, shown) = with_authenticator(&app, "legacy@example.com").await;
    let created = app
        .create_token(&me, &token_request("CRM", &[Scope::Profile]))
        .await;
    // Put the rows back as an older version stored them: in clear.
    let kek = kek_of(&app);
    let mut conn = app.db();
    let keys: Vec<(String, String)> = signing_keys::table
        .select((signing_keys::kid, signing_keys::private_key))
        .load(&mut conn)
        .unwrap();
    for (kid, stored) in &keys {
        let clear = kek.open(&signing_key_at(kid), stored).unwrap();
        diesel::update(signing_keys::table.find(kid))
            .set(signing_keys::private_key.eq(String::from_utf8(clear.to_vec()).unwrap()))
            .execute(&mut conn)
            .unwrap();
    }
    diesel::update(second_factors::table.filter(second_factors::totp_secret.is_not_null()))
        .set(second_factors::totp_secret.eq(&shown))
        .execute(&mut conn)
        .unwrap();
    let stored = |app: &TestApp| app.table_text("second_factors", &["COALESCE(totp_secret, '')"]);
    assert!(stored(&app).contains(&shown));

    let (first, second) = tokio::join!(app.second_process(), app.second_process());
    // (The rows only: the old clear copies stay in free pages until a VACUUM,
    // as the README says.)
    assert!(!stored(&app).contains(&shown), "sealed again at start");
    let keys_now: Vec<String> = signing_keys::table
        .select(signing_keys::private_key)
        .load(&mut app.db())
        .unwrap();
    assert!(
        keys_now.iter().all(|k| k.starts_with("pcs1.")),
        "{keys_now:?}"
    );
    let response = totp_sign_in(&first, "legacy@example.com", &secret).await;
    assert_eq!(response.status(), StatusCode::OK);
    second
        .assert_bearer_get(routes::PROFILE, &created.secret, StatusCode::OK)
        .await;
}

async fn the_wrong_key_refuses_to_start_and_rewrap_moves_every_secret_to_a_new_key(
    backend: Backend,
) {
    let app = TestApp::spawn_with(backend, &[("PORTCULLIS_DEV_OUTBOX", "true")]).await;
    let (me, secret, _) = with_authenticator(&app, "rewrap@example.com").await;
    let created = app
        .create_token(&me, &token_request("CRM", &[Scope::Profile]))
        .await;
    let old = kek_of(&app);
    let quick = Duration::from_secs(30);

    // Another key: the server says which key sealed the rows, and stops.
    let wrong = Kek::generate();
    let refused = app.run_binary(&[], &[("PORTCULLIS_KEK", &wrong.to_hex())], quick);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "sealed with key-encryption key {}, but the configured key is {}",
            old.id(),
            wrong.id()
        )),
        "{stderr}"
    );
    assert!(
        !stderr.contains(wrong.to_hex().as_str()),
        "the key is never shown"
    );

    // Production without a key does not start either.
    let refused = app.run_binary(
        &[],
        &[("PORTCULLIS_ENV", "production"), ("PORTCULLIS_KEK", "")],
        quick,
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("needs a key-encryption key"));

    // The operator's rewrap, through the real binary.
    let dir = tempfile::tempdir().unwrap();
    let new_file = dir.path().join("new.kek");
    let new = Kek::generate();
    std::fs::write(&new_file, format!("{}\n", new.to_hex().as_str())).unwrap();
    let help = app.run_binary(&["keys", "--help"], &[], quick);
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("--new-kek-file"));
    let usage = app.run_binary(&["keys", "rewrap"], &[], quick);
    assert_eq!(usage.status.code(), Some(2));
    let new_path = new_file.to_str().unwrap();
    let done = app.run_binary(&["keys", "rewrap", "--new-kek-file", new_path], &[], quick);
    let stdout = String::from_utf8_lossy(&done.stdout);
    assert_eq!(
        done.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(stdout.contains(&format!(
        "from key-encryption key {} to {}",
        old.id(),
        new.id()
    )));
    // Run again (as after an interruption): nothing left to move.
    let again = app.run_binary(
        &["keys", "rewrap", "--new-kek-file", new_path],
        &[("PORTCULLIS_KEK", ""), ("PORTCULLIS_KEK_FILE", new_path)],
        quick,
    );
    assert_eq!(
        again.status.code(),
        Some(2),
        "the new key is already in use"
    );

    // The old key no longer starts a server; the new one does, and the
    // authenticator and the token made before work on it.
    let refused = app.run_binary(&[], &[], quick);
    assert_eq!(refused.status.code(), Some(1));
    let moved = app
        .second_process_with(&[("PORTCULLIS_KEK", ""), ("PORTCULLIS_KEK_FILE", new_path)])
        .await;
    moved
        .assert_bearer_get(routes::PROFILE, &created.secret, StatusCode::OK)
        .await;
    let response = totp_sign_in(&moved, "rewrap@example.com", &secret).await;
    assert_eq!(response.status(), StatusCode::OK);
    // Every row now names the new key. (The old ciphertexts stay in free pages
    // until a VACUUM, as the README says.)
    let rows = format!(
        "{}\n{}",
        moved.table_text("signing_keys", &["private_key"]),
        moved.table_text("second_factors", &["COALESCE(totp_secret, '')"])
    );
    assert!(rows.contains(&format!("pcs1.{}.", new.id())));
    assert!(!rows.contains(&format!("pcs1.{}.", old.id())));
}

on_both_backends!(
    a_database_dump_holds_no_private_key_and_no_totp_secret,
    a_sealed_secret_moved_to_another_row_does_not_open_and_sign_in_fails_closed,
    rows_in_clear_are_sealed_at_start_even_by_two_processes_at_once,
    the_wrong_key_refuses_to_start_and_rewrap_moves_every_secret_to_a_new_key,
);

/// The SMS webhook credential is given to the server sealed (`portcullis keys
/// seal`): the configuration never holds it in clear, and the gateway still
/// receives the token in clear.
async fn a_sealed_webhook_token_reaches_the_gateway_and_is_nowhere_in_clear(app: TestApp) {
    const TOKEN: &str = "gw-t0ken-7c1f9e";
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, format!("{TOKEN}\n")).unwrap();
    let sealed = app.operator(&[
        "keys",
        "seal",
        "--setting",
        "PORTCULLIS_SMS_WEBHOOK_TOKEN",
        "--value-file",
        file.to_str().unwrap(),
    ]);
    assert_eq!(sealed.status.code(), Some(0), "{sealed:?}");
    let sealed = String::from_utf8(sealed.stdout).unwrap().trim().to_owned();
    assert!(sealed.starts_with("pcs1."), "{sealed}");
    assert!(!sealed.contains(TOKEN));
    let wrong = app.operator(&["keys", "seal", "--setting", "PORTCULLIS_DATABASE_URL"]);
    assert_eq!(
        wrong.status.code(),
        Some(2),
        "only sealable settings: {wrong:?}"
    );

    let gateway = crate::harness::receiver::Receiver::start().await;
    let url = gateway.url_of("/sms");
    let opened = portcullis_api::services::secrets_at_rest::open_setting(
        &kek_of(&app),
        "PORTCULLIS_SMS_WEBHOOK_TOKEN",
        &sealed,
    )
    .unwrap();
    assert_eq!(opened.as_str(), TOKEN, "the trailing newline dropped");
    // A server of its own (another's dispatcher must not take the message),
    // with the same key-encryption key.
    let backend = match app.database_url {
        DatabaseUrl::Sqlite(_) => Backend::Sqlite,
        DatabaseUrl::Postgres(_) => Backend::Postgres,
    };
    let kek = app.setting("PORTCULLIS_KEK").unwrap().to_owned();
    let server = crate::harness::ServerProcess::spawn(
        backend,
        &[
            ("PORTCULLIS_KEK", kek.as_str()),
            ("PORTCULLIS_SMS_TRANSPORT", "webhook"),
            ("PORTCULLIS_SMS_WEBHOOK_URL", url.as_str()),
            ("PORTCULLIS_SMS_WEBHOOK_TOKEN", sealed.as_str()),
        ],
    )
    .await;
    let me = server.app.signed_in("sealed-gateway@example.com").await;
    let token = server
        .app
        .create_token(&me, &token_request("sender", &[Scope::Sms]))
        .await;
    let response = server
        .app
        .client_builder()
        .build()
        .unwrap()
        .post(server.app.url(routes::SMS))
        .bearer_auth(&token.secret)
        .json(&crate::harness::sms_request("+48500100200", "hello"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let until = std::time::Instant::now() + Duration::from_secs(10);
    while gateway.received().is_empty() {
        assert!(
            std::time::Instant::now() < until,
            "no SMS reached the gateway"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let handed = &gateway.received()[0];
    assert_eq!(handed.header("authorization"), format!("Bearer {TOKEN}"));
    assert!(!server.app.settings.iter().any(|(_, v)| v.contains(TOKEN)));

    // Sealed for another setting, or under another key: the server refuses to start.
    let other_key = Kek::generate();
    let foreign = other_key.seal(
        &portcullis_api::services::secrets_at_rest::setting_at("PORTCULLIS_SMS_WEBHOOK_TOKEN"),
        TOKEN.as_bytes(),
    );
    let refused = app.run_binary(
        &[],
        &[
            ("PORTCULLIS_BIND", "127.0.0.1:0"),
            ("PORTCULLIS_SMS_TRANSPORT", "webhook"),
            ("PORTCULLIS_SMS_WEBHOOK_URL", url.as_str()),
            ("PORTCULLIS_SMS_WEBHOOK_TOKEN", foreign.as_str()),
        ],
        Duration::from_secs(30),
    );
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_ne!(refused.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(
            "PORTCULLIS_SMS_WEBHOOK_TOKEN is sealed, but not with this key-encryption key"
        ),
        "{stderr}"
    );
}

on_both_backends!(a_sealed_webhook_token_reaches_the_gateway_and_is_nowhere_in_clear);
