//! The security log's hash chains: someone with write access to the database
//! edits, deletes or cuts events, and `GET /api/v1/security-log/verify`,
//! `portcullis audit verify` and the offline script over a JSON export all
//! point at the first broken link. Parallel writers of one login keep one
//! unbroken chain.

use diesel::prelude::*;
use portcullis_api::{config::DatabaseUrl, db::schema::security_events};
use portcullis_shared::{
    dto::{ChainBreak, MeResponse, PortalPermission, SecurityEventDto, SecurityLogVerification},
    endpoints::VerifySecurityLog,
    routes,
    scope::Scope,
};
use reqwest::StatusCode;

use crate::{
    harness::{token_request, TestApp},
    subusers::{grants, signed_in_subuser},
    typed_client::Caller,
};

async fn verify(app: &TestApp, me: &MeResponse) -> SecurityLogVerification {
    app.call::<VerifySecurityLog>(Caller::Session(me), &(), &(), StatusCode::OK)
        .await
}

/// The account's JSON export, written to a file the offline script reads.
async fn export_to_file(app: &TestApp, dir: &tempfile::TempDir) -> std::path::PathBuf {
    let response = app
        .client
        .get(app.url(routes::SECURITY_LOG_EXPORT))
        .query(&[("format", "json")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.bytes().await.unwrap();
    let events: Vec<SecurityEventDto> = serde_json::from_slice(&body).unwrap();
    assert!(events.iter().all(|e| e.hash.is_some() && e.seq.is_some()));
    let path = dir.path().join("export.json");
    std::fs::write(&path, body).unwrap();
    path
}

/// Runs scripts/verify-security-log.py over an export: its exit code and output.
fn offline_check(export: &std::path::Path) -> (i32, String) {
    offline_check_with(export, &[])
}

/// [`offline_check`] with more arguments (e.g. `--head`).
fn offline_check_with(export: &std::path::Path, args: &[&str]) -> (i32, String) {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../scripts/verify-security-log.py"
    );
    let output = std::process::Command::new("python3")
        .arg(script)
        .arg(export)
        .args(args)
        .output()
        .expect("python3 runs the offline check");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

/// What an attacker with database access does first: the append-only
/// trigger is no defence against them.
fn drop_append_only_trigger(app: &TestApp) {
    let sql = match app.database_url {
        DatabaseUrl::Postgres(_) => {
            "ALTER TABLE security_events DISABLE TRIGGER security_events_append_only"
        }
        DatabaseUrl::Sqlite(_) => "DROP TRIGGER security_events_append_only",
    };
    diesel::sql_query(sql).execute(&mut app.db()).unwrap();
}

/// The login's event at place `seq`.
fn event_at(app: &TestApp, account_id: &str, seq: i64) -> String {
    security_events::table
        .filter(security_events::account_id.eq(account_id))
        .filter(security_events::seq.eq(seq))
        .select(security_events::id)
        .first(&mut app.db())
        .unwrap()
}

/// An account with a few events: sign-up, sign-in, two tokens made.
async fn account_with_events(app: &TestApp, email: &str) -> MeResponse {
    let me = app.signed_in(email).await;
    for name in ["ci", "backup"] {
        app.create_token(&me, &token_request(name, &[Scope::Profile]))
            .await;
    }
    me
}

async fn an_edited_event_is_found_by_the_api_the_command_and_the_offline_check(app: TestApp) {
    let me = account_with_events(&app, "edited@example.com").await;
    let id = me.account.id.clone();
    let intact = verify(&app, &me).await;
    assert!(intact.intact, "{intact:?}");
    assert_eq!(intact.chains.len(), 1);
    let chain = &intact.chains[0];
    assert_eq!(chain.account_id, id);
    assert!(chain.head_seq >= 4, "{chain:?}");
    assert_eq!(chain.verified_events, chain.head_seq);
    let dir = tempfile::tempdir().unwrap();
    let (code, output) = offline_check(&export_to_file(&app, &dir).await);
    assert_eq!(code, 0, "{output}");
    assert!(output.contains("intact"), "{output}");
    let command = app.operator(&["audit", "verify", "--account", &id]);
    assert_eq!(command.status.code(), Some(0), "{command:?}");

    // The attacker rewrites where the second event came from.
    drop_append_only_trigger(&app);
    let edited = event_at(&app, &id, 2);
    diesel::update(security_events::table.find(&edited))
        .set(security_events::ip.eq("192.0.2.250"))
        .execute(&mut app.db())
        .unwrap();

    let report = verify(&app, &me).await;
    assert!(!report.intact);
    let broken = report.chains[0].broken.as_ref().expect("a broken link");
    assert_eq!(broken.seq, 2);
    assert_eq!(broken.event_id.as_deref(), Some(edited.as_str()));
    assert_eq!(broken.reason, ChainBreak::Altered);
    assert_eq!(report.chains[0].verified_events, 1);

    let command = app.operator(&["audit", "verify", "--account", &id]);
    let stdout = String::from_utf8_lossy(&command.stdout);
    assert_eq!(command.status.code(), Some(1), "{command:?}");
    assert!(
        stdout.contains("BROKEN at place 2") && stdout.contains(&edited),
        "{stdout}"
    );
    let everyone = app.operator(&["audit", "verify"]);
    assert_eq!(everyone.status.code(), Some(1), "{everyone:?}");

    let (code, output) = offline_check(&export_to_file(&app, &dir).await);
    assert_eq!(code, 1, "{output}");
    assert!(
        output.contains("altered") && output.contains(&edited),
        "{output}"
    );
}

async fn deleted_events_and_a_cut_tail_are_found(app: TestApp) {
    let middle = account_with_events(&app, "middle@example.com").await;
    let other = app.another_browser();
    let tail = account_with_events(&other, "tail@example.com").await;
    drop_append_only_trigger(&app);

    let deleted = event_at(&app, &middle.account.id, 2);
    let next = event_at(&app, &middle.account.id, 3);
    diesel::delete(security_events::table.find(&deleted))
        .execute(&mut app.db())
        .unwrap();
    let report = verify(&app, &middle).await;
    let broken = report.chains[0].broken.clone().expect("a broken link");
    assert_eq!(broken.seq, 2, "{broken:?}");
    assert_eq!(broken.event_id.as_deref(), Some(next.as_str()));
    assert_eq!(broken.reason, ChainBreak::Missing);

    // Cutting the newest events leaves every remaining link intact: only the
    // head, which the events cannot rewrite, shows it.
    let head = verify(&other, &tail).await.chains[0].head_seq;
    diesel::delete(
        security_events::table
            .filter(security_events::account_id.eq(&tail.account.id))
            .filter(security_events::seq.ge(head - 1)),
    )
    .execute(&mut app.db())
    .unwrap();
    let report = verify(&other, &tail).await;
    let broken = report.chains[0].broken.clone().expect("a broken link");
    assert_eq!(broken.reason, ChainBreak::TailMissing, "{broken:?}");
    assert_eq!(broken.seq, head - 1);
    assert_eq!(broken.event_id, None);
    let command = app.operator(&["audit", "verify", "--account", &tail.account.id]);
    assert_eq!(command.status.code(), Some(1), "{command:?}");
    assert!(String::from_utf8_lossy(&command.stdout).contains("tail_missing"));
}

/// The attacker rewrites event 2 and re-hashes every later event and the
/// head: the server's own walk cannot tell, but an anchor the customer kept
/// from an earlier verification can.
async fn a_rewritten_and_rehashed_chain_is_caught_by_an_anchor_kept_outside(app: TestApp) {
    use portcullis_api::{
        db::{schema::security_log_heads, security_events::SecurityEventRow},
        services::audit::chain::{event_hash, Linked},
    };
    let me = account_with_events(&app, "rehashed@example.com").await;
    let id = me.account.id.clone();
    let earlier = verify(&app, &me).await.chains[0].clone();
    let anchor = format!("{id}:{}:{}", earlier.head_seq, earlier.head_hash);

    drop_append_only_trigger(&app);
    let mut conn = app.db();
    let rows: Vec<SecurityEventRow> = security_events::table
        .filter(security_events::account_id.eq(&id))
        .order(security_events::seq.asc())
        .select(SecurityEventRow::as_select())
        .load(&mut conn)
        .unwrap();
    let mut prev = rows[0].hash.clone().unwrap();
    for mut row in rows.into_iter().skip(1) {
        if row.seq == Some(2) {
            row.ip = Some("192.0.2.250".into());
        }
        let details = serde_json::from_str(&row.details).unwrap();
        let hash = event_hash(&Linked {
            row: &row,
            details: &details,
            seq: row.seq.unwrap(),
            prev_hash: &prev,
        });
        diesel::update(security_events::table.find(&row.id))
            .set((
                security_events::ip.eq(&row.ip),
                security_events::prev_hash.eq(&prev),
                security_events::hash.eq(&hash),
            ))
            .execute(&mut conn)
            .unwrap();
        prev = hash;
    }
    diesel::update(security_log_heads::table.find(&id))
        .set(security_log_heads::last_hash.eq(&prev))
        .execute(&mut conn)
        .unwrap();

    let inside = verify(&app, &me).await;
    assert!(
        inside.intact,
        "a full re-hash is invisible from inside: that is what the anchor is for"
    );
    let dir = tempfile::tempdir().unwrap();
    let export = export_to_file(&app, &dir).await;
    let (code, output) = offline_check_with(&export, &["--head", &anchor]);
    assert_eq!(code, 1, "{output}");
    assert!(output.contains("rewritten"), "{output}");
}

async fn parallel_events_of_one_login_form_one_chain(app: TestApp) {
    let me = app.signed_in("parallel@example.com").await;
    let requests: Vec<_> = (0..20)
        .map(|i| token_request(&format!("t{i}"), &[Scope::Profile]))
        .collect();
    let made = futures_util::future::join_all(
        requests
            .iter()
            .map(|request| app.post_json(routes::TOKENS, request, &me.session.csrf_token)),
    )
    .await;
    assert!(made.iter().all(|r| r.status() == StatusCode::CREATED));
    let report = verify(&app, &me).await;
    assert!(report.intact, "{report:?}");
    let chain = &report.chains[0];
    assert!(chain.head_seq >= 22, "{chain:?}");
    assert_eq!(chain.verified_events, chain.head_seq);
}

async fn an_owner_verifies_every_subusers_chain_and_a_subuser_only_their_own(app: TestApp) {
    let owner = app.signed_in("owner-chain@example.com").await;
    let (sub, browser, sub_me) = signed_in_subuser(
        &app,
        &owner,
        "sub-chain@example.com",
        grants(&[PortalPermission::SecurityLog], &[]),
    )
    .await;
    let report = verify(&app, &owner).await;
    assert!(report.intact, "{report:?}");
    let logins: Vec<&str> = report
        .chains
        .iter()
        .map(|c| c.account_id.as_str())
        .collect();
    assert_eq!(logins, [owner.account.id.as_str(), sub.id.as_str()]);
    let own = verify(&browser, &sub_me).await;
    assert_eq!(own.chains.len(), 1);
    assert_eq!(own.chains[0].account_id, sub.id);

    drop_append_only_trigger(&app);
    let edited = event_at(&app, &sub.id, 1);
    diesel::update(security_events::table.find(&edited))
        .set(security_events::details.eq(r#"{"forged":"yes"}"#))
        .execute(&mut app.db())
        .unwrap();
    let report = verify(&app, &owner).await;
    assert!(!report.intact);
    assert!(
        report.chains[0].broken.is_none(),
        "the owner's own chain is intact"
    );
    assert_eq!(
        report.chains[1].broken.as_ref().map(|b| b.reason),
        Some(ChainBreak::Altered)
    );
}

async fn the_audit_command_explains_its_usage(app: TestApp) {
    let usage = app.operator(&["audit"]);
    assert_eq!(usage.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&usage.stderr).contains("Usage: portcullis audit"));
    let help = app.operator(&["audit", "--help"]);
    assert_eq!(help.status.code(), Some(0));
    let unknown = app.operator(&["audit", "verify", "--account", "acc_nobody"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no account acc_nobody"));
    let response = reqwest::get(app.url(routes::SECURITY_LOG_VERIFY))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

/// Keep 30 days of events; sweep every 100 ms.
const SHORT_RETENTION: &[(&str, &str)] = &[
    ("PORTCULLIS_SECURITY_LOG_RETENTION_DAYS", "30"),
    ("PORTCULLIS_SECURITY_LOG_SWEEP_MS", "100"),
];

/// Links an event dated `at` into the login's chain, as `audit::record` would.
fn record_dated(app: &TestApp, account_id: &str, at: chrono::NaiveDateTime) -> String {
    use portcullis_api::{
        db::security_events::SecurityEventRow, services::audit::security_log::append,
    };
    let mut row = SecurityEventRow {
        id: format!("sev_{}", uuid::Uuid::now_v7().simple()),
        account_id: account_id.into(),
        actor: account_id.into(),
        kind: "login_failed".into(),
        ip: Some("198.51.100.7".into()),
        user_agent: None,
        details: "{}".into(),
        created_at: at,
        seq: None,
        prev_hash: None,
        hash: None,
    };
    append(&mut app.db(), &mut row, &Default::default()).unwrap();
    row.id
}

async fn events_past_the_retention_period_are_deleted_and_the_chain_still_verifies(app: TestApp) {
    let me = app.signed_in("retention@example.com").await;
    let id = me.account.id.clone();
    let long_ago = chrono::Utc::now().naive_utc() - chrono::Duration::days(40);
    let old: Vec<String> = (0..3).map(|_| record_dated(&app, &id, long_ago)).collect();
    let kept = app
        .create_token(&me, &token_request("after", &[Scope::Profile]))
        .await;
    let head = verify(&app, &me).await.chains[0].head_seq;

    let mut report = verify(&app, &me).await;
    for _ in 0..100 {
        // The sweep may come between the old events: wait for the last round.
        if report.chains[0].pruned_through_seq == head - 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        report = verify(&app, &me).await;
    }
    let chain = &report.chains[0];
    assert!(report.intact, "{report:?}");
    assert_eq!(
        chain.pruned_through_seq,
        head - 1,
        "up to the last old event: {chain:?}"
    );
    assert_eq!(
        chain.verified_events, 1,
        "the token's event is left: {chain:?}"
    );
    let left: Vec<String> = security_events::table
        .filter(security_events::account_id.eq(&id))
        .select(security_events::id)
        .load(&mut app.db())
        .unwrap();
    assert!(old.iter().all(|gone| !left.contains(gone)), "{left:?}");
    assert_eq!(left.len(), 1, "{left:?} ({kept:?})");

    let dir = tempfile::tempdir().unwrap();
    let (code, output) = offline_check(&export_to_file(&app, &dir).await);
    assert_eq!(code, 0, "an export of a pruned chain verifies: {output}");
    let command = app.operator(&["audit", "verify", "--account", &id]);
    assert_eq!(command.status.code(), Some(0), "{command:?}");
}

on_both_backends!(settings = SHORT_RETENTION;
    events_past_the_retention_period_are_deleted_and_the_chain_still_verifies);

on_both_backends!(
    an_edited_event_is_found_by_the_api_the_command_and_the_offline_check,
    deleted_events_and_a_cut_tail_are_found,
    a_rewritten_and_rehashed_chain_is_caught_by_an_anchor_kept_outside,
    parallel_events_of_one_login_form_one_chain,
    an_owner_verifies_every_subusers_chain_and_a_subuser_only_their_own,
    the_audit_command_explains_its_usage,
);
