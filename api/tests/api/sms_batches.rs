//! Bulk sending (issue 14): one text to up to 1,000 recipients or a contact
//! group, charged whole or refused whole with per-recipient errors, readable
//! with per-recipient status, and handed to the transport in batches.

use std::time::{Duration, Instant};

use portcullis_shared::{
    dto::{
        ContactGroupDto, CreateContactGroupRequest, CreateContactRequest, CreatedTokenDto,
        MeResponse, MessageDto, MessageStatus, PortalPermission, SendSmsBatchRequest, SmsBatchDto,
        SmsBatchPageDto, SubuserGrantsDto,
    },
    endpoints::{GetSmsBatch, ListSmsBatches, ListSmsQuery, SmsBatchQuery},
    problem::ProblemCode,
    routes,
    scope::Scope,
    validate::codes,
};
use reqwest::StatusCode;

use crate::harness::{expect_field_error, expect_problem, token_request, TestApp};
use crate::typed_client::Caller;

async fn token(app: &TestApp, me: &MeResponse, scopes: &[Scope]) -> String {
    let response = app
        .post_json(
            routes::TOKENS,
            &token_request("bulk", scopes),
            &me.session.csrf_token,
        )
        .await;
    response.json::<CreatedTokenDto>().await.unwrap().secret
}

/// `n` distinct valid Polish mobile numbers.
fn numbers(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("+48500{:06}", 100_000 + i))
        .collect()
}

fn to_list(to: Vec<String>, text: &str) -> SendSmsBatchRequest {
    SendSmsBatchRequest {
        to,
        text: text.to_owned(),
        ..SendSmsBatchRequest::default()
    }
}

fn to_group(group_id: &str, text: &str) -> SendSmsBatchRequest {
    SendSmsBatchRequest {
        group_id: Some(group_id.to_owned()),
        text: text.to_owned(),
        ..SendSmsBatchRequest::default()
    }
}

async fn send(
    app: &TestApp,
    token: &str,
    body: &SendSmsBatchRequest,
    key: Option<&str>,
) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .post(app.url(routes::SMS_BATCHES))
        .bearer_auth(token)
        .json(body);
    if let Some(key) = key {
        request = request.header(routes::IDEMPOTENCY_KEY_HEADER, key);
    }
    request.send().await.unwrap()
}

async fn sent(response: reqwest::Response) -> SmsBatchDto {
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

async fn page(
    app: &TestApp,
    token: &str,
    id: &str,
    after: Option<i64>,
    limit: i64,
) -> SmsBatchPageDto {
    let query = SmsBatchQuery {
        after,
        limit: Some(limit),
    };
    app.call::<GetSmsBatch>(Caller::Bearer(token), id, &query, StatusCode::OK)
        .await
}

async fn get_batch(app: &TestApp, token: &str, id: &str) -> reqwest::Response {
    let query = SmsBatchQuery::default();
    app.call_raw::<GetSmsBatch>(Caller::Bearer(token), id, &query)
        .await
}

fn count(app: &TestApp, table: &str) -> i64 {
    app.count(table)
}

fn nothing_stored(app: &TestApp) {
    for table in ["messages", "sms_batches", "sms_batch_messages"] {
        assert_eq!(count(app, table), 0, "{table}");
    }
}

const POINTS_FOR_A_THOUSAND: &[(&str, &str)] = &[("PORTCULLIS_SIGNUP_POINTS", "1500")];

async fn a_thousand_recipients_are_charged_exactly_queued_and_dispatched(app: TestApp) {
    let me = app.signed_in("bulk@example.com").await;
    let token = token(&app, &me, &[Scope::Sms, Scope::Profile]).await;
    assert_eq!(app.points_balance(&token).await, 1500);
    let to = numbers(1000);
    let started = Instant::now();
    let batch =
        sent(send(&app, &token, &to_list(to.clone(), "Shop opens at 9."), None).await).await;
    let accepted_in = started.elapsed();
    assert_eq!(
        (
            batch.recipients,
            batch.parts,
            batch.points,
            batch.encoding.as_str()
        ),
        (1000, 1, 1000, "gsm7")
    );
    assert_eq!(
        app.points_balance(&token).await,
        500,
        "start minus exactly the cost"
    );
    assert_eq!(count(&app, "messages"), 1000);

    // Every recipient, by index, with its message.
    let all = page(&app, &token, &batch.id, None, 1000).await;
    assert_eq!(all.next_after, None);
    assert_eq!(
        all.recipients
            .iter()
            .map(|r| r.to.clone())
            .collect::<Vec<_>>(),
        to
    );
    assert!(all
        .recipients
        .iter()
        .enumerate()
        .all(|(i, r)| r.index == i as i64 && r.country == "PL"));
    let mut paged = Vec::new();
    let mut after = None;
    loop {
        let part = page(&app, &token, &batch.id, after, 400).await;
        paged.extend(part.recipients.into_iter().map(|r| r.index));
        match part.next_after {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(paged, (0..1000).collect::<Vec<i64>>());
    let one: MessageDto = app
        .bearer_get(
            &routes::SMS_MESSAGE.replace("{id}", &all.recipients[7].message_id),
            &token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (one.to.as_str(), one.text.as_str()),
        (to[7].as_str(), "Shop opens at 9.")
    );
    let listed = app
        .call::<ListSmsBatches>(
            Caller::Bearer(&token),
            &(),
            &ListSmsQuery::default(),
            StatusCode::OK,
        )
        .await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, batch.id);

    // The dispatcher hands them over in batches: measure until all are sent.
    let deadline = Instant::now() + Duration::from_secs(60);
    let done = loop {
        let now = page(&app, &token, &batch.id, None, 1).await.batch;
        if now.counts.sent == 1000 {
            break now;
        }
        assert!(
            Instant::now() < deadline,
            "not dispatched in time: {:?}",
            now.counts
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let dispatched_in = started.elapsed();
    assert_eq!((done.counts.queued, done.counts.failed), (0, 0));
    println!(
        "1,000-recipient batch on {}: accepted in {} ms, all 1,000 handed to the dev transport {} ms after the request",
        app.database_url.backend(),
        accepted_in.as_millis(),
        dispatched_in.as_millis()
    );
    assert!(
        dispatched_in < Duration::from_secs(20),
        "1,000 messages took {dispatched_in:?} to dispatch"
    );
    let texts: i64 = {
        use diesel::prelude::*;
        use portcullis_api::db::schema::outbox_messages;
        outbox_messages::table
            .filter(outbox_messages::channel.eq("sms"))
            .count()
            .get_result(&mut app.db())
            .unwrap()
    };
    assert_eq!(texts, 1000, "each handed over exactly once");
    assert_eq!(app.points_balance(&token).await, 500);
}

on_both_backends!(
    workers = 2, settings = POINTS_FOR_A_THOUSAND;
    a_thousand_recipients_are_charged_exactly_queued_and_dispatched
);

async fn any_bad_recipient_refuses_the_whole_batch_and_charges_nothing(app: TestApp) {
    let me = app.signed_in("bulk.bad@example.com").await;
    // `contacts:read` too, so that a request naming a group gets to its checks.
    let token = token(
        &app,
        &me,
        &[Scope::Sms, Scope::ContactsRead, Scope::Profile],
    )
    .await;
    let to = vec![
        "+48500100200".to_owned(),
        "+48 12".to_owned(),
        "+4915123456789".to_owned(),
        "+48 500 100 200".to_owned(),
        "+48500100201".to_owned(),
    ];
    let problem = expect_problem(
        send(&app, &token, &to_list(to, "Hello"), None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        ProblemCode::InvalidRecipients,
    )
    .await;
    assert_eq!(
        problem
            .recipients
            .iter()
            .map(|r| (r.index, r.to.as_str(), r.code.as_str()))
            .collect::<Vec<_>>(),
        [
            (1, "+48 12", codes::INVALID_PHONE),
            (2, "+4915123456789", codes::COUNTRY_NOT_ALLOWED),
            (3, "+48 500 100 200", codes::DUPLICATE),
        ]
    );
    assert!(problem.recipients[2].detail.contains("index 0"));
    assert_eq!(app.points_balance(&token).await, 100);
    nothing_stored(&app);

    // The request's shape: a list or a group, 1 to 1,000, and a text.
    let both = SendSmsBatchRequest {
        group_id: Some("grp_x".to_owned()),
        ..to_list(numbers(1), "Hello")
    };
    expect_field_error(
        send(&app, &token, &both, None).await,
        "group_id",
        codes::CONFLICTING,
    )
    .await;
    expect_field_error(
        send(&app, &token, &to_list(numbers(1001), "Hello"), None).await,
        "to",
        codes::TOO_MANY,
    )
    .await;
    expect_field_error(
        send(&app, &token, &to_list(Vec::new(), "Hello"), None).await,
        "to",
        codes::REQUIRED,
    )
    .await;
    expect_field_error(
        send(&app, &token, &to_list(numbers(2), " "), None).await,
        "text",
        codes::REQUIRED,
    )
    .await;
    let unapproved = SendSmsBatchRequest {
        sender: Some("ACME".to_owned()),
        ..to_list(numbers(2), "Hello")
    };
    expect_field_error(
        send(&app, &token, &unapproved, None).await,
        "sender",
        codes::UNKNOWN_SENDER,
    )
    .await;
    // Without the `sms` scope nothing is even checked.
    let profile_only = self::token(&app, &me, &[Scope::Profile]).await;
    expect_problem(
        send(&app, &profile_only, &to_list(numbers(2), "Hello"), None).await,
        StatusCode::FORBIDDEN,
        ProblemCode::PermissionDenied,
    )
    .await;
    assert_eq!(app.points_balance(&token).await, 100);
    nothing_stored(&app);
}

async fn a_batch_the_balance_cannot_cover_is_refused_whole(app: TestApp) {
    let me = app.signed_in("bulk.poor@example.com").await;
    let token = token(&app, &me, &[Scope::Sms, Scope::Profile]).await;
    let problem = expect_problem(
        send(&app, &token, &to_list(numbers(101), "Sale!"), None).await,
        StatusCode::PAYMENT_REQUIRED,
        ProblemCode::InsufficientPoints,
    )
    .await;
    assert!(problem
        .detail
        .unwrap()
        .contains("costs 101 points and the balance is 100"));
    assert_eq!(app.points_balance(&token).await, 100, "nothing charged");
    nothing_stored(&app);
    // A two-part text costs twice per recipient: 51 × 2 > 100.
    expect_problem(
        send(&app, &token, &to_list(numbers(51), &"x".repeat(161)), None).await,
        StatusCode::PAYMENT_REQUIRED,
        ProblemCode::InsufficientPoints,
    )
    .await;
    assert_eq!(app.points_balance(&token).await, 100);
    nothing_stored(&app);

    let exact = sent(send(&app, &token, &to_list(numbers(100), "Sale!"), None).await).await;
    assert_eq!(exact.points, 100);
    assert_eq!(app.points_balance(&token).await, 0);
    assert_eq!(count(&app, "messages"), 100);
}

async fn an_idempotent_retry_returns_the_same_batch(app: TestApp) {
    let me = app.signed_in("bulk.retry@example.com").await;
    let token = token(&app, &me, &[Scope::Sms, Scope::Profile]).await;
    let body = to_list(numbers(10), "Order shipped");
    let first = sent(send(&app, &token, &body, Some("campaign-1")).await).await;
    let again = send(&app, &token, &body, Some("campaign-1")).await;
    assert_eq!(again.status(), StatusCode::OK);
    let again: SmsBatchDto = again.json().await.unwrap();
    assert_eq!(
        (again.id.as_str(), again.recipients),
        (first.id.as_str(), 10)
    );
    // The same request spelled differently is the same request.
    let spaced = to_list(
        numbers(10)
            .iter()
            .map(|n| format!("{} {}", &n[..3], &n[3..]))
            .collect(),
        "Order shipped",
    );
    let spelled = send(&app, &token, &spaced, Some("campaign-1")).await;
    assert_eq!(spelled.status(), StatusCode::OK);
    expect_problem(
        send(
            &app,
            &token,
            &to_list(numbers(11), "Order shipped"),
            Some("campaign-1"),
        )
        .await,
        StatusCode::CONFLICT,
        ProblemCode::IdempotencyKeyReused,
    )
    .await;
    assert_eq!(app.points_balance(&token).await, 90, "charged once");
    assert_eq!(count(&app, "messages"), 10);
    assert_eq!(count(&app, "sms_batches"), 1);
    expect_field_error(
        send(&app, &token, &body, Some("has space")).await,
        "Idempotency-Key",
        codes::INVALID_IDEMPOTENCY_KEY,
    )
    .await;
}

on_both_backends!(
    any_bad_recipient_refuses_the_whole_batch_and_charges_nothing,
    a_batch_the_balance_cannot_cover_is_refused_whole,
    an_idempotent_retry_returns_the_same_batch,
);

async fn create_group(app: &TestApp, me: &MeResponse, name: &str) -> ContactGroupDto {
    let response = app
        .post_json(
            routes::CONTACT_GROUPS,
            &CreateContactGroupRequest {
                name: name.to_owned(),
            },
            &me.session.csrf_token,
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

async fn add_contact(app: &TestApp, me: &MeResponse, phone: &str, group: &str) {
    let response = app
        .post_json(
            routes::CONTACTS,
            &CreateContactRequest {
                phone: phone.to_owned(),
                groups: vec![group.to_owned()],
                ..CreateContactRequest::default()
            },
            &me.session.csrf_token,
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

async fn group_sends_need_contacts_read_and_a_visible_group(app: TestApp) {
    let owner = app.signed_in("bulk.groups@example.com").await;
    let shop = create_group(&app, &owner, "Shop").await;
    let office = create_group(&app, &owner, "Office").await;
    let empty = create_group(&app, &owner, "Empty").await;
    for phone in ["+48500100300", "+48500100301", "+48500100302"] {
        add_contact(&app, &owner, phone, &shop.id).await;
    }
    add_contact(&app, &owner, "+48500100400", &office.id).await;

    let sms_only = token(&app, &owner, &[Scope::Sms, Scope::Profile]).await;
    expect_problem(
        send(&app, &sms_only, &to_group(&shop.id, "Hi"), None).await,
        StatusCode::FORBIDDEN,
        ProblemCode::PermissionDenied,
    )
    .await;
    nothing_stored(&app);
    let reader = token(&app, &owner, &[Scope::Sms, Scope::ContactsRead]).await;
    let batch = sent(send(&app, &reader, &to_group(&shop.id, "Hi"), None).await).await;
    assert_eq!(
        (batch.recipients, batch.group_id.as_deref()),
        (3, Some(shop.id.as_str()))
    );
    let recipients = page(&app, &reader, &batch.id, None, 100).await.recipients;
    let mut phones: Vec<String> = recipients.into_iter().map(|r| r.to).collect();
    phones.sort();
    assert_eq!(phones, ["+48500100300", "+48500100301", "+48500100302"]);
    expect_field_error(
        send(&app, &reader, &to_group("grp_nope", "Hi"), None).await,
        "group_id",
        codes::UNKNOWN_GROUP,
    )
    .await;
    expect_field_error(
        send(&app, &reader, &to_group(&empty.id, "Hi"), None).await,
        "group_id",
        codes::EMPTY_GROUP,
    )
    .await;

    // A subuser sees only the groups granted to them; another is unknown.
    let grants = SubuserGrantsDto {
        contact_groups: vec![shop.id.clone()],
        ..crate::subusers::grants(
            &[PortalPermission::Sms, PortalPermission::ContactsRead],
            &[],
        )
    };
    let (_, browser, clerk) =
        crate::subusers::signed_in_subuser(&app, &owner, "bulk.clerk@example.com", grants).await;
    let from_portal = |request: SendSmsBatchRequest| {
        let (browser, clerk) = (&browser, &clerk);
        async move {
            browser
                .post_json(routes::SMS_BATCHES, &request, &clerk.session.csrf_token)
                .await
        }
    };
    expect_field_error(
        from_portal(to_group(&office.id, "Hi")).await,
        "group_id",
        codes::UNKNOWN_GROUP,
    )
    .await;
    let response = from_portal(to_group(&shop.id, "Hi")).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(app.points_balance(&sms_only).await, 100 - 3 - 3);
}

async fn batches_are_private_to_their_sender_and_their_account(app: TestApp) {
    let owner = app.signed_in("bulk.owner@example.com").await;
    let owner_token = token(&app, &owner, &[Scope::Sms]).await;
    let owners = sent(send(&app, &owner_token, &to_list(numbers(3), "Owner"), None).await).await;
    let grants = SubuserGrantsDto {
        monthly_points_limit: Some(5),
        ..crate::subusers::grants(&[PortalPermission::Tokens], &[Scope::Sms])
    };
    let (_, browser, clerk) =
        crate::subusers::signed_in_subuser(&app, &owner, "bulk.sub@example.com", grants).await;
    let clerk_token = browser
        .create_token(&clerk, &token_request("clerk", &[Scope::Sms]))
        .await
        .secret;
    // The subuser's monthly limit counts the whole batch.
    expect_problem(
        send(&app, &clerk_token, &to_list(numbers(6), "Clerk"), None).await,
        StatusCode::PAYMENT_REQUIRED,
        ProblemCode::PointsLimitReached,
    )
    .await;
    let clerks = sent(send(&app, &clerk_token, &to_list(numbers(5), "Clerk"), None).await).await;

    let listed = |token: String| {
        let app = &app;
        async move {
            app.call::<ListSmsBatches>(
                Caller::Bearer(&token),
                &(),
                &ListSmsQuery::default(),
                StatusCode::OK,
            )
            .await
            .into_iter()
            .map(|b| b.id)
            .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        listed(clerk_token.clone()).await,
        std::slice::from_ref(&clerks.id)
    );
    assert_eq!(
        listed(owner_token.clone()).await,
        [clerks.id.clone(), owners.id.clone()]
    );
    expect_problem(
        get_batch(&app, &clerk_token, &owners.id).await,
        StatusCode::NOT_FOUND,
        ProblemCode::NotFound,
    )
    .await;
    assert_eq!(
        get_batch(&app, &owner_token, &clerks.id).await.status(),
        StatusCode::OK
    );

    let stranger = app.another_browser();
    let other = stranger.signed_in("bulk.stranger@example.com").await;
    let other_token = token(&stranger, &other, &[Scope::Sms]).await;
    for id in [&owners.id, &clerks.id] {
        expect_problem(
            get_batch(&app, &other_token, id).await,
            StatusCode::NOT_FOUND,
            ProblemCode::NotFound,
        )
        .await;
    }
    assert!(listed(other_token).await.is_empty());
    // The subuser's messages are theirs in the message list too.
    let messages: Vec<MessageDto> = app
        .bearer_get(routes::SMS, &clerk_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(messages.len(), 5);
    assert!(messages.iter().all(|m| m.status != MessageStatus::Failed));
}

on_both_backends!(
    group_sends_need_contacts_read_and_a_visible_group,
    batches_are_private_to_their_sender_and_their_account,
);

async fn concurrent_batches_never_overspend(app: TestApp) {
    let me = app.signed_in("bulk.burst@example.com").await;
    let token = token(&app, &me, &[Scope::Sms, Scope::Profile]).await;
    let sends = (0..20).map(|i| {
        let (app, token) = (&app, token.clone());
        async move {
            send(
                app,
                &token,
                &to_list(numbers(10), &format!("burst {i}")),
                None,
            )
            .await
            .status()
        }
    });
    let statuses = futures_util::future::join_all(sends).await;
    let (created, refused) = crate::harness::created_and_payment_required(&statuses);
    assert_eq!((created, refused), (10, 10), "{statuses:?}");
    assert_eq!(app.points_balance(&token).await, 0);
    assert_eq!(count(&app, "messages"), 100);
    assert_eq!(count(&app, "sms_batches"), 10);
}

const PATIENT: &[(&str, &str)] = &[("PORTCULLIS_CLIENT_REQUEST_TIMEOUT_MS", "60000")];

on_both_backends!(settings = PATIENT; concurrent_batches_never_overspend);
