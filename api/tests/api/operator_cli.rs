//! The operator's command line (`portcullis admin …`, `portcullis migrate`),
//! run as the real binary against the test's database: each action changes
//! what it says, is recorded in the account's security log as done by
//! `operator`, and a refused one changes nothing.

use std::time::Duration;

use portcullis_shared::{
    dto::{SecurityEventKind, SenderDto, SenderStatus},
    problem::ProblemCode,
    routes,
    scope::Scope,
};
use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{
    answers_within, expect_problem, oauth_client_request, token_request, TestApp, GOOD_PASSWORD,
};
use crate::subusers::{grants, signed_in_subuser, SUB_PASSWORD};

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

async fn the_operator_adds_and_deducts_points_never_below_zero(app: TestApp) {
    let email = "points@example.com";
    let me = app.signed_in(email).await;
    let token = app
        .create_token(&me, &token_request("balance", &[Scope::Profile]))
        .await
        .secret;
    let start = app.points_balance(&token).await;

    let added = app.operator(&[
        "admin",
        "points",
        "add",
        "--email",
        email,
        "--amount",
        "50",
        "--reason",
        "goodwill after outage",
    ]);
    assert_eq!(added.status.code(), Some(0), "{added:?}");
    assert!(
        stdout(&added).contains(&format!("balance {}", start + 50)),
        "{added:?}"
    );
    assert_eq!(app.points_balance(&token).await, start + 50);

    let too_much = (start + 51).to_string();
    let refused = app.operator(&[
        "admin",
        "points",
        "deduct",
        "--email",
        email,
        "--amount",
        &too_much,
        "--reason",
        "chargeback",
    ]);
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    assert!(stderr(&refused).contains("fewer than none"), "{refused:?}");
    assert_eq!(
        app.points_balance(&token).await,
        start + 50,
        "nothing deducted"
    );

    let deducted = app.operator(&[
        "admin",
        "points",
        "deduct",
        "--email",
        email,
        "--amount",
        "20",
        "--reason",
        "chargeback",
    ]);
    assert_eq!(deducted.status.code(), Some(0), "{deducted:?}");
    assert_eq!(app.points_balance(&token).await, start + 30);

    let events = app.security_events(SecurityEventKind::PointsAdjusted).await;
    assert_eq!(
        events.len(),
        2,
        "the refused deduction is not logged: {events:?}"
    );
    assert!(events.iter().all(|e| e.actor == "operator"));
    assert_eq!(events[0].details["delta"], "-20");
    assert_eq!(events[0].details["reason"], "chargeback");
    assert_eq!(events[1].details["balance"], (start + 50).to_string());

    for bad in [
        vec![
            "admin", "points", "add", "--email", email, "--amount", "-5", "--reason", "x",
        ],
        vec!["admin", "points", "add", "--email", email, "--amount", "5"],
        vec!["admin", "points", "give", "--email", email],
    ] {
        let usage = app.operator(&bad);
        assert_eq!(usage.status.code(), Some(2), "{bad:?}: {usage:?}");
    }
    let nobody = app.operator(&[
        "admin",
        "points",
        "add",
        "--email",
        "nobody@example.com",
        "--amount",
        "5",
        "--reason",
        "x",
    ]);
    assert_eq!(nobody.status.code(), Some(1));
    assert!(stderr(&nobody).contains("no account with the e-mail nobody@example.com"));
    assert_eq!(app.points_balance(&token).await, start + 30);
}

async fn the_operator_lifts_a_sign_in_lock(app: TestApp) {
    let email = "locked-out@example.com";
    app.signed_in(email).await;
    let attacker = app.another_browser();
    for _ in 0..5 {
        attacker.login(email, "Wrong-Guess-1").await;
    }
    expect_problem(
        app.login(email, GOOD_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
        ProblemCode::LoginLocked,
    )
    .await;

    let lifted = app.operator(&["admin", "lock", "lift", "--email", email]);
    assert_eq!(lifted.status.code(), Some(0), "{lifted:?}");
    assert_eq!(
        app.login(email, GOOD_PASSWORD).await.status(),
        StatusCode::OK
    );
    let events = app
        .security_events(SecurityEventKind::SignInLockLifted)
        .await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].actor, "operator");
}

async fn the_operator_lists_and_decides_sender_names_and_shows_an_account(app: TestApp) {
    let email = "brand-owner@example.com";
    let me = app.signed_in(email).await;
    let token = app
        .create_token(&me, &token_request("senders", &[Scope::SmsSender]))
        .await;
    let requested: SenderDto = reqwest::Client::new()
        .post(app.url(routes::SENDERS))
        .bearer_auth(&token.secret)
        .json(&json!({"name": "ACME"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(requested.status, SenderStatus::Pending);

    let listed = app.operator(&["admin", "senders", "list"]);
    assert_eq!(listed.status.code(), Some(0), "{listed:?}");
    let line = stdout(&listed);
    assert!(
        line.contains(&requested.id) && line.contains("ACME") && line.contains(email),
        "{line}"
    );
    let approved = app.operator(&["admin", "senders", "approve", &requested.id]);
    assert_eq!(approved.status.code(), Some(0), "{approved:?}");
    assert!(!stdout(&app.operator(&["admin", "senders", "list"])).contains(&requested.id));
    let events = app.security_events(SecurityEventKind::SenderDecided).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].details["sender"], "ACME");
    assert_eq!(events[0].details["decision"], "approved");
    let unknown = app.operator(&["admin", "senders", "reject", "snd_nope"]);
    assert_eq!(unknown.status.code(), Some(1));

    let shown = app.operator(&["admin", "show", "--email", email]);
    assert_eq!(shown.status.code(), Some(0), "{shown:?}");
    let state = stdout(&shown);
    for expected in [
        me.account.id.as_str(),
        "two-factor methods: none",
        "portal allowlist: open to every address",
        "API tokens: 1",
        "\"senders\"",
    ] {
        assert!(state.contains(expected), "{expected}: {state}");
    }
    assert!(!state.contains(&token.secret), "never a secret: {state}");
    assert!(!state.contains("$argon2"), "never a hash: {state}");
}

async fn a_suspended_account_is_refused_everywhere_until_reinstated(app: TestApp) {
    let email = "suspect@example.com";
    let owner = app.signed_in(email).await;
    let token = app
        .create_token(&owner, &token_request("live", &[Scope::Profile]))
        .await
        .secret;
    let client = app
        .register_oauth_client(&owner, &oauth_client_request("crm", &[Scope::Profile]))
        .await;
    let issued = app.client_credentials_token(&client, None).await;
    let (_, sub_browser, _) =
        signed_in_subuser(&app, &owner, "suspect-sub@example.com", grants(&[], &[])).await;
    // Warm the server's caches, so the suspension must evict them.
    assert_eq!(
        app.bearer_get(routes::PROFILE, &token).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.bearer_get(routes::PROFILE, &issued.access_token)
            .await
            .status(),
        StatusCode::OK
    );

    let subuser_refused = app.operator(&[
        "admin",
        "suspend",
        "--email",
        "suspect-sub@example.com",
        "--reason",
        "x",
    ]);
    assert_eq!(
        subuser_refused.status.code(),
        Some(1),
        "{subuser_refused:?}"
    );
    assert!(
        stderr(&subuser_refused).contains("is a subuser"),
        "{subuser_refused:?}"
    );
    let no_reason = app.operator(&["admin", "suspend", "--email", email]);
    assert_eq!(no_reason.status.code(), Some(2), "{no_reason:?}");

    let suspended = app.operator(&[
        "admin",
        "suspend",
        "--email",
        email,
        "--reason",
        "SMS pumping to premium numbers",
    ]);
    assert_eq!(suspended.status.code(), Some(0), "{suspended:?}");
    assert!(
        stdout(&suspended).contains("suspended; 2 session(s) ended"),
        "{suspended:?}"
    );

    // The running server learns of the command line's change through the
    // change notices, not at once.
    answers_within(
        Duration::from_secs(3),
        "the portal token is refused",
        Some(ProblemCode::AccountSuspended),
        || app.bearer_get(routes::PROFILE, &token),
    )
    .await;
    expect_problem(
        app.bearer_get(routes::PROFILE, &token).await,
        StatusCode::FORBIDDEN,
        ProblemCode::AccountSuspended,
    )
    .await;
    expect_problem(
        app.bearer_get(routes::PROFILE, &issued.access_token).await,
        StatusCode::FORBIDDEN,
        ProblemCode::AccountSuspended,
    )
    .await;
    let grant = reqwest::Client::new()
        .post(app.url(routes::OAUTH_TOKEN))
        .basic_auth(&client.client.id, Some(&client.client_secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(grant.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = grant.json().await.unwrap();
    assert_eq!(body["error"], "unauthorized_client", "{body}");
    // Both logins' sessions ended.
    assert_eq!(app.me().await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(sub_browser.me().await.status(), StatusCode::UNAUTHORIZED);
    // The right password learns of the suspension; a wrong one learns nothing.
    expect_problem(
        app.another_browser().login(email, GOOD_PASSWORD).await,
        StatusCode::FORBIDDEN,
        ProblemCode::AccountSuspended,
    )
    .await;
    expect_problem(
        app.another_browser()
            .login("suspect-sub@example.com", SUB_PASSWORD)
            .await,
        StatusCode::FORBIDDEN,
        ProblemCode::AccountSuspended,
    )
    .await;
    expect_problem(
        app.another_browser().login(email, "Wrong-Guess-12").await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::InvalidCredentials,
    )
    .await;
    let again = app.operator(&["admin", "suspend", "--email", email, "--reason", "twice"]);
    assert_eq!(again.status.code(), Some(0));
    assert!(stdout(&again).contains("already suspended"), "{again:?}");
    let shown = stdout(&app.operator(&["admin", "show", "--email", email]));
    assert!(shown.contains("suspended by the operator since"), "{shown}");

    let reinstated = app.operator(&[
        "admin",
        "reinstate",
        "--email",
        email,
        "--reason",
        "customer verified",
    ]);
    assert_eq!(reinstated.status.code(), Some(0), "{reinstated:?}");
    answers_within(
        Duration::from_secs(3),
        "the portal token works again",
        None,
        || app.bearer_get(routes::PROFILE, &token),
    )
    .await;
    assert_eq!(
        app.bearer_get(routes::PROFILE, &issued.access_token)
            .await
            .status(),
        StatusCode::OK
    );
    let me = app.signed_in_again(email).await;
    assert_eq!(me.account.id, owner.account.id);

    let suspensions = app
        .security_events(SecurityEventKind::AccountSuspended)
        .await;
    assert_eq!(suspensions.len(), 1, "{suspensions:?}");
    assert_eq!(suspensions[0].actor, "operator");
    assert_eq!(
        suspensions[0].details["reason"],
        "SMS pumping to premium numbers"
    );
    assert_eq!(suspensions[0].details["sessions_ended"], "2");
    let reinstatements = app
        .security_events(SecurityEventKind::AccountReinstated)
        .await;
    assert_eq!(reinstatements.len(), 1, "{reinstatements:?}");
    assert_eq!(reinstatements[0].details["reason"], "customer verified");
}

async fn migrate_brings_the_database_up_to_date_and_exits(app: TestApp) {
    let migrated = app.operator(&["migrate"]);
    assert_eq!(migrated.status.code(), Some(0), "{migrated:?}");
    assert!(
        stdout(&migrated).contains("storage migrated"),
        "{migrated:?}"
    );
    let help = app.operator(&["migrate", "--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(stdout(&help).contains("migrations"), "{help:?}");
    assert_eq!(app.operator(&["migrate", "now"]).status.code(), Some(2));
    let help = app.operator(&["admin", "--help"]);
    assert_eq!(help.status.code(), Some(0));
    for command in ["senders", "points", "lock", "show", "suspend", "reinstate"] {
        assert!(stdout(&help).contains(command), "{command}: {help:?}");
    }
}

on_both_backends!(
    the_operator_adds_and_deducts_points_never_below_zero,
    the_operator_lifts_a_sign_in_lock,
    the_operator_lists_and_decides_sender_names_and_shows_an_account,
    migrate_brings_the_database_up_to_date_and_exits,
    a_suspended_account_is_refused_everywhere_until_reinstated,
);

/// Attack (SMS pumping): an operator suspends a company caught pumping, but
/// what it queued before (a bulk batch, a burst of sends) must not go out
/// anyway. A suspended company's queued messages are held by every
/// dispatcher — another company's still go out — and go out once reinstated.
async fn a_suspended_companys_queued_messages_are_held_until_reinstated(app: TestApp) {
    use diesel::prelude::*;
    use portcullis_api::db::schema::{messages, outbox_messages};
    use portcullis_shared::dto::MessageDto;

    let pumper = "pumper@example.com";
    let owner = app.signed_in(pumper).await;
    let token = app
        .create_token(&owner, &token_request("script", &[Scope::Sms]))
        .await
        .secret;
    let bystander = app.another_browser();
    let other = bystander.signed_in("bystander@example.com").await;
    let other_token = bystander
        .create_token(&other, &token_request("shop", &[Scope::Sms]))
        .await
        .secret;
    let send = |secret: String, to: &'static str| {
        let request = reqwest::Client::new()
            .post(app.url(routes::SMS))
            .bearer_auth(secret)
            .json(&json!({"to": to, "text": "queued before the suspension"}));
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), StatusCode::CREATED);
            response.json::<MessageDto>().await.unwrap()
        }
    };
    let held = send(token, "+48500100200").await;
    let control = send(other_token, "+48500100201").await;

    let suspended = app.operator(&[
        "admin",
        "suspend",
        "--email",
        pumper,
        "--reason",
        "SMS pumping",
    ]);
    assert_eq!(suspended.status.code(), Some(0), "{suspended:?}");

    // A dispatcher starts: the bystander's message goes out, the pumper's stays queued.
    let _dispatcher = app
        .second_process_with(&[("PORTCULLIS_DISPATCH_INTERVAL_MS", "50")])
        .await;
    let mut conn = app.db();
    let status = |conn: &mut _, id: &str| -> String {
        messages::table
            .find(id)
            .select(messages::status)
            .first(conn)
            .unwrap()
    };
    let started = std::time::Instant::now();
    while status(&mut conn, &control.id) != "sent" {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "control not sent"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // A few more rounds of the dispatcher, to be sure it skipped, not missed, it.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(status(&mut conn, &held.id), "queued");
    let delivered: Vec<String> = outbox_messages::table
        .filter(outbox_messages::purpose.eq("api_message"))
        .select(outbox_messages::recipient)
        .load(&mut conn)
        .unwrap();
    assert_eq!(delivered, ["+48500100201"]);

    let reinstated = app.operator(&[
        "admin",
        "reinstate",
        "--email",
        pumper,
        "--reason",
        "refunded the premium-rate traffic",
    ]);
    assert_eq!(reinstated.status.code(), Some(0), "{reinstated:?}");
    let started = std::time::Instant::now();
    while status(&mut conn, &held.id) != "sent" {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "held message not sent after reinstating"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

on_both_backends!(
    settings = &[("PORTCULLIS_DISPATCH_INTERVAL_MS", "3600000")];
    a_suspended_companys_queued_messages_are_held_until_reinstated
);
