//! Single sends arriving at once (issue 14's send path): each is checked and
//! charged on its own — charged exactly once, a refusal leaving the others
//! sent beside it stored, one message per idempotency key however many
//! retries race, in one process or two on one database — and bulk sends
//! racing for too few points never overspend.

use futures_util::future::join_all;
use portcullis_shared::{
    dto::{CreatedTokenDto, MeResponse, MessageDto, SendSmsBatchRequest},
    routes,
    scope::Scope,
};
use reqwest::StatusCode;

use crate::harness::{sms_request, token_request, ServerProcess, TestApp};

async fn token(app: &TestApp, me: &MeResponse) -> String {
    let response = app
        .post_json(
            routes::TOKENS,
            &token_request("group", &[Scope::Sms, Scope::Profile]),
            &me.session.csrf_token,
        )
        .await;
    response.json::<CreatedTokenDto>().await.unwrap().secret
}

/// Sends through the server at `base`, with `key` as the Idempotency-Key if given.
async fn send(
    base: &TestApp,
    token: &str,
    to: &str,
    text: &str,
    key: Option<&str>,
) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .post(base.url(routes::SMS))
        .bearer_auth(token)
        .json(&sms_request(to, text));
    if let Some(key) = key {
        request = request.header(routes::IDEMPOTENCY_KEY_HEADER, key);
    }
    request.send().await.unwrap()
}

/// `n` sends at once, the i-th to `to(i)` through `servers[i % servers.len()]`,
/// each with its own key: their statuses.
async fn sends_at_once(
    servers: &[&TestApp],
    token: &str,
    n: usize,
    to: fn(usize) -> &'static str,
) -> Vec<StatusCode> {
    join_all((0..n).map(|i| {
        let (server, token) = (servers[i % servers.len()], token.to_owned());
        async move {
            let key = format!("key-{i}");
            send(server, &token, to(i), "at once", Some(&key))
                .await
                .status()
        }
    }))
    .await
}

const POLAND: fn(usize) -> &'static str = |_| "+48500100200";

fn count_status(statuses: &[StatusCode], wanted: StatusCode) -> usize {
    statuses.iter().filter(|s| **s == wanted).count()
}

async fn concurrent_sends_are_each_charged_exactly_once(app: TestApp) {
    let me = app.signed_in("group.many@example.com").await;
    let token = token(&app, &me).await;
    let responses = join_all((0..40).map(|i| {
        let (app, token) = (&app, token.clone());
        async move {
            let key = format!("order-{i}");
            let response = send(app, &token, "+48500100200", &format!("n {i}"), Some(&key)).await;
            assert_eq!(response.status(), StatusCode::CREATED);
            response.json::<MessageDto>().await.unwrap().id
        }
    }))
    .await;
    let mut ids = responses.clone();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 40, "one message per send");
    assert_eq!(app.points_balance(&token).await, 60);
    assert_eq!(app.count("messages"), 40);
    assert_eq!(app.count("idempotency_keys"), 40);
}

async fn a_refused_send_leaves_the_others_of_its_group_stored(app: TestApp) {
    let me = app.signed_in("group.mixed@example.com").await;
    let token = token(&app, &me).await;
    // Every third send goes to Germany, outside the country filter (PL).
    let to = |i: usize| {
        if i % 3 == 0 {
            "+4915112345678"
        } else {
            "+48500100200"
        }
    };
    let statuses = sends_at_once(&[&app], &token, 30, to).await;
    assert_eq!(
        count_status(&statuses, StatusCode::CREATED),
        20,
        "{statuses:?}"
    );
    assert_eq!(
        count_status(&statuses, StatusCode::FORBIDDEN),
        10,
        "{statuses:?}"
    );
    assert_eq!(app.points_balance(&token).await, 80);
    assert_eq!(app.count("messages"), 20);
    assert_eq!(app.count("idempotency_keys"), 20);
}

async fn sends_beyond_the_balance_are_refused_and_the_rest_charged(app: TestApp) {
    let me = app.signed_in("group.poor@example.com").await;
    let token = token(&app, &me).await;
    // 100 points: 130 concurrent one-point sends, some of them groups
    // that run out part-way.
    let statuses = sends_at_once(&[&app], &token, 130, POLAND).await;
    assert_eq!(
        count_status(&statuses, StatusCode::CREATED),
        100,
        "{statuses:?}"
    );
    assert_eq!(count_status(&statuses, StatusCode::PAYMENT_REQUIRED), 30);
    assert_eq!(app.points_balance(&token).await, 0);
    assert_eq!(app.count("messages"), 100);
}

/// Retries racing with one key: one message, one charge, every answer the
/// same message (201 for the one that stored it, 200 for the others).
async fn retries_racing(servers: &[&TestApp], token: &str) {
    let statuses = join_all((0..24).map(|i| {
        let (server, token) = (servers[i % servers.len()], token.to_owned());
        async move {
            let response = send(server, &token, "+48500100200", "once", Some("same-key")).await;
            let status = response.status();
            (status, response.json::<MessageDto>().await.unwrap().id)
        }
    }))
    .await;
    let created = statuses
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    let replayed = statuses
        .iter()
        .filter(|(s, _)| *s == StatusCode::OK)
        .count();
    assert_eq!((created, replayed), (1, 23), "{statuses:?}");
    assert!(statuses.iter().all(|(_, id)| *id == statuses[0].1));
}

async fn concurrent_retries_with_one_key_store_one_message(app: TestApp) {
    let me = app.signed_in("group.retry@example.com").await;
    let token = token(&app, &me).await;
    retries_racing(&[&app], &token).await;
    assert_eq!(app.points_balance(&token).await, 99);
    assert_eq!(app.count("messages"), 1);
}

async fn two_processes_on_one_database_charge_each_send_once(app: TestApp) {
    let second = ServerProcess::beside(&app).await;
    let two = &second.app;
    let me = app.signed_in("group.twoproc@example.com").await;
    let token = token(&app, &me).await;
    retries_racing(&[&app, two], &token).await;
    // 130 more sends, alternating processes, for the 99 points left.
    let statuses = sends_at_once(&[&app, two], &token, 130, POLAND).await;
    assert_eq!(
        count_status(&statuses, StatusCode::CREATED),
        99,
        "{statuses:?}"
    );
    assert_eq!(count_status(&statuses, StatusCode::PAYMENT_REQUIRED), 31);
    assert_eq!(app.points_balance(&token).await, 0);
    assert_eq!(app.count("messages"), 100);
}

async fn bulk_sends_racing_for_too_few_points_charge_only_the_stored(app: TestApp) {
    let me = app.signed_in("group.bulk@example.com").await;
    let token = token(&app, &me).await;
    // Each batch costs 30 of the 100 points.
    let statuses = join_all((0..6).map(|batch| {
        let (app, token) = (&app, token.clone());
        async move {
            let to = (0..30)
                .map(|i| format!("+48500{batch}{i:05}"))
                .collect::<Vec<_>>();
            reqwest::Client::new()
                .post(app.url(routes::SMS_BATCHES))
                .bearer_auth(&token)
                .json(&SendSmsBatchRequest {
                    to,
                    text: "bulk".into(),
                    ..SendSmsBatchRequest::default()
                })
                .send()
                .await
                .unwrap()
                .status()
        }
    }))
    .await;
    assert_eq!(
        count_status(&statuses, StatusCode::CREATED),
        3,
        "{statuses:?}"
    );
    assert_eq!(count_status(&statuses, StatusCode::PAYMENT_REQUIRED), 3);
    assert_eq!(app.points_balance(&token).await, 10);
    assert_eq!(app.count("messages"), 90);
    assert_eq!(app.count("sms_batches"), 3);
}

/// Sends of two accounts at once, stored in the same groups: each account
/// is charged for its own messages only, one running out of points holds
/// up neither the other's sends nor its own that fit, and refusals and
/// replays in the same groups change nothing.
async fn sends_of_two_accounts_in_one_group_are_charged_each_to_its_own(app: TestApp) {
    let rich = app.signed_in("group.rich@example.com").await;
    let rich_token = token(&app, &rich).await;
    let poor = app.signed_in("group.short@example.com").await;
    let poor_token = token(&app, &poor).await;
    // The poor account has 7 points left.
    app.set_points_balance(&poor.account.id, 7);
    // The rich account's first send, so that it can be sent again below.
    let first = send(&app, &rich_token, "+48500100200", "again", Some("again")).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: MessageDto = first.json().await.unwrap();
    // 60 at once, in turn: the rich account to Poland (20, charged), to
    // Germany (10, outside its filter) and its first key again (10,
    // replayed); the poor account to Poland (20, 7 of which fit).
    let answers = join_all((0..60).map(|i| {
        let (app, rich_token, poor_token) = (&app, &rich_token, &poor_token);
        async move {
            let response = match i % 6 {
                0 | 3 => {
                    let key = format!("rich-{i}");
                    send(app, rich_token, "+48500100200", "rich", Some(&key)).await
                }
                1 => send(app, rich_token, "+4915112345678", "rich", None).await,
                4 => send(app, rich_token, "+48500100200", "again", Some("again")).await,
                _ => {
                    let key = format!("poor-{i}");
                    send(app, poor_token, "+48500100200", "poor", Some(&key)).await
                }
            };
            let status = response.status();
            let id = match status.is_success() {
                true => Some(response.json::<MessageDto>().await.unwrap().id),
                false => None,
            };
            (i % 6, status, id)
        }
    }))
    .await;
    let of = |kinds: &[usize], status: StatusCode| {
        answers
            .iter()
            .filter(|(kind, s, _)| kinds.contains(kind) && *s == status)
            .count()
    };
    assert_eq!(of(&[0, 3], StatusCode::CREATED), 20, "{answers:?}");
    assert_eq!(of(&[1], StatusCode::FORBIDDEN), 10, "{answers:?}");
    assert_eq!(of(&[4], StatusCode::OK), 10, "{answers:?}");
    assert!(answers
        .iter()
        .filter(|(kind, _, _)| *kind == 4)
        .all(|(_, _, id)| id.as_deref() == Some(first.id.as_str())));
    assert_eq!(of(&[2, 5], StatusCode::CREATED), 7, "{answers:?}");
    assert_eq!(of(&[2, 5], StatusCode::PAYMENT_REQUIRED), 13, "{answers:?}");
    // 100 less the first send and the 20 new ones; the poor account's 7.
    assert_eq!(app.points_balance(&rich_token).await, 79);
    assert_eq!(app.points_balance(&poor_token).await, 0);
    assert_eq!(app.count("messages"), 1 + 20 + 7);
    assert_eq!(app.count("idempotency_keys"), 1 + 20 + 7);
}

// Many fresh connections at once: a generous head deadline, so a loaded
// machine's slow client is not answered 408 (not what these tests are about).
const PATIENT: &[(&str, &str)] = &[("PORTCULLIS_CLIENT_REQUEST_TIMEOUT_MS", "60000")];

on_both_backends!(
    settings = PATIENT;
    concurrent_sends_are_each_charged_exactly_once,
    a_refused_send_leaves_the_others_of_its_group_stored,
    sends_beyond_the_balance_are_refused_and_the_rest_charged,
    concurrent_retries_with_one_key_store_one_message,
    two_processes_on_one_database_charge_each_send_once,
    bulk_sends_racing_for_too_few_points_charge_only_the_stored,
    sends_of_two_accounts_in_one_group_are_charged_each_to_its_own,
);
