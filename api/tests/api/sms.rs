//! The SMS API: charged and queued atomically, country-filtered, idempotent.

use portcullis_shared::{
    dto::{
        CountryFilterDto, CreatedTokenDto, MeResponse, MessageDto, MessageStatus, PortalPermission,
        SendSmsRequest,
    },
    problem::ProblemCode,
    routes,
    scope::Scope,
    validate::codes,
};
use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{
    expect_field_error, expect_problem, field_codes, sms_request, token_request, Backend, TestApp,
};

async fn token(app: &TestApp, me: &MeResponse, scopes: &[Scope]) -> String {
    let response = app
        .post_json(
            routes::TOKENS,
            &token_request("sms", scopes),
            &me.session.csrf_token,
        )
        .await;
    response.json::<CreatedTokenDto>().await.unwrap().secret
}

async fn send(
    app: &TestApp,
    token: &str,
    body: &(impl serde::Serialize + ?Sized),
    key: Option<&str>,
) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .post(app.url(routes::SMS))
        .bearer_auth(token)
        .json(body);
    if let Some(key) = key {
        request = request.header(routes::IDEMPOTENCY_KEY_HEADER, key);
    }
    request.send().await.unwrap()
}

/// Sends one text with no idempotency key and answers the stored message.
async fn sent_message(app: &TestApp, token: &str, to: &str, text: &str) -> MessageDto {
    let response = send(app, token, &sms_request(to, text), None).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

async fn a_message_is_charged_queued_and_readable(app: TestApp) {
    let me = app.signed_in("sender@example.com").await;
    let token = token(&app, &me, &[Scope::Sms, Scope::Profile]).await;
    assert_eq!(app.points_balance(&token).await, 100);
    let response = send(
        &app,
        &token,
        &sms_request("+48 500 100 200", "Your parcel is on its way."),
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let message: MessageDto = response.json().await.unwrap();
    assert_eq!(
        (
            message.to.as_str(),
            message.country.as_str(),
            message.parts,
            message.points
        ),
        ("+48500100200", "PL", 1, 1)
    );
    assert_eq!(message.status, MessageStatus::Queued);
    assert_eq!(message.encoding, "gsm7");
    assert_eq!(app.points_balance(&token).await, 99);

    let long = send(
        &app,
        &token,
        &sms_request("+48500100200", "ż".repeat(71)),
        None,
    )
    .await;
    let long: MessageDto = long.json().await.unwrap();
    assert_eq!(
        (long.encoding.as_str(), long.parts, long.points),
        ("ucs2", 2, 2)
    );
    assert_eq!(app.points_balance(&token).await, 97);

    let fetched: MessageDto = app
        .bearer_get(&routes::SMS_MESSAGE.replace("{id}", &message.id), &token)
        .await
        .json()
        .await
        .unwrap();
    // The dispatcher may have sent it meanwhile; everything else is as answered.
    assert_eq!(
        MessageDto {
            status: message.status,
            sent_at: message.sent_at.clone(),
            ..fetched
        },
        message
    );
    let listed: Vec<MessageDto> = app
        .bearer_get(routes::SMS, &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
        [long.id.as_str(), message.id.as_str()]
    );
    let page: Vec<MessageDto> = app
        .bearer_get(
            &format!("{}?limit=1&before={}", routes::SMS, long.id),
            &token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].id, message.id);
    expect_problem(
        app.bearer_get(&format!("{}?limit=0", routes::SMS), &token)
            .await,
        StatusCode::BAD_REQUEST,
        ProblemCode::MalformedQuery,
    )
    .await;
    expect_problem(
        app.bearer_get(&format!("{}?limit=x", routes::SMS), &token)
            .await,
        StatusCode::BAD_REQUEST,
        ProblemCode::MalformedQuery,
    )
    .await;
    expect_problem(
        app.bearer_get(&routes::SMS_MESSAGE.replace("{id}", "msg_nope"), &token)
            .await,
        StatusCode::NOT_FOUND,
        ProblemCode::NotFound,
    )
    .await;
}

async fn the_country_filter_refuses_before_anything_is_charged(app: TestApp) {
    let me = app.signed_in("countries@example.com").await;
    let token = token(&app, &me, &[Scope::Sms, Scope::Profile]).await;
    let filter: CountryFilterDto = app.get_json(routes::COUNTRY_FILTER).await;
    assert_eq!(
        filter.countries,
        ["PL"],
        "a new account allows only its own country"
    );

    let to_germany = sms_request("+4915123456789", "Hallo");
    let problem = expect_problem(
        send(&app, &token, &to_germany, None).await,
        StatusCode::FORBIDDEN,
        ProblemCode::CountryNotAllowed,
    )
    .await;
    assert!(problem.detail.unwrap().contains("DE"));
    assert_eq!(app.points_balance(&token).await, 100);
    assert_eq!(app.count("messages"), 0);

    let csrf = &me.session.csrf_token;
    let bad = app.put_country_filter(csrf, &["DE", "XX"]).await;
    expect_field_error(bad, "countries[1]", codes::INVALID_COUNTRY).await;
    // Germany is beyond the home country: the operator lifts the trial restriction first.
    app.lift_trial_restriction("countries@example.com");
    let updated: CountryFilterDto = app
        .put_country_filter(csrf, &["pl", "DE", "DE"])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(updated.countries, ["DE", "PL"]);
    assert_eq!(
        send(&app, &token, &to_germany, None).await.status(),
        StatusCode::CREATED
    );
}

async fn a_retried_send_with_the_same_key_sends_and_charges_once(app: TestApp) {
    let me = app.signed_in("retry@example.com").await;
    let token = token(&app, &me, &[Scope::Sms, Scope::Profile]).await;
    let body = sms_request("+48500100200", "Code 1234");
    let first = send(&app, &token, &body, Some("order-42")).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: MessageDto = first.json().await.unwrap();
    let again = send(&app, &token, &body, Some("order-42")).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.json::<MessageDto>().await.unwrap().id, first.id);
    assert_eq!(app.points_balance(&token).await, 99);
    assert_eq!(app.count("messages"), 1);
    // A retry answers with what was sent even once the country is blocked:
    // the key is looked up before the send's checks.
    let blocked = app.put_country_filter(&me.session.csrf_token, &[]).await;
    assert_eq!(blocked.status(), StatusCode::OK);
    let replayed = send(&app, &token, &body, Some("order-42")).await;
    assert_eq!(replayed.status(), StatusCode::OK);
    assert_eq!(replayed.json::<MessageDto>().await.unwrap().id, first.id);
    expect_problem(
        send(&app, &token, &body, Some("order-43")).await,
        StatusCode::FORBIDDEN,
        ProblemCode::CountryNotAllowed,
    )
    .await;
    assert_eq!(app.points_balance(&token).await, 99);
    let bad_key = send(&app, &token, &body, Some("has space")).await;
    expect_field_error(bad_key, "Idempotency-Key", codes::INVALID_IDEMPOTENCY_KEY).await;
}

async fn bad_sends_are_refused_and_charge_nothing(app: TestApp) {
    let me = app.signed_in("badsend@example.com").await;
    let token = token(&app, &me, &[Scope::Sms, Scope::Profile]).await;
    let problem = expect_field_error(
        send(&app, &token, &sms_request("+48 12", " "), None).await,
        "to",
        codes::INVALID_PHONE,
    )
    .await;
    assert_eq!(field_codes(&problem, "text"), [codes::REQUIRED]);
    expect_field_error(
        send(
            &app,
            &token,
            &SendSmsRequest {
                to: "+48500100200".to_owned(),
                text: "hi".to_owned(),
                sender: Some("ACME".to_owned()),
            },
            None,
        )
        .await,
        "sender",
        codes::UNKNOWN_SENDER,
    )
    .await;
    expect_problem(
        send(&app, &token, &json!({"to": "+48500100200"}), None).await,
        StatusCode::BAD_REQUEST,
        ProblemCode::MalformedBody,
    )
    .await;
    let profile_only = self::token(&app, &me, &[Scope::Profile]).await;
    expect_problem(
        send(
            &app,
            &profile_only,
            &sms_request("+48500100200", "hi"),
            None,
        )
        .await,
        StatusCode::FORBIDDEN,
        ProblemCode::PermissionDenied,
    )
    .await;
    assert_eq!(app.points_balance(&token).await, 100);
    assert_eq!(app.count("messages"), 0);
}

/// Another company's message is as unknown as a missing one: the lookup is by
/// id alone (see `db::sms::message_by_id`), and the account is checked after.
async fn another_companys_message_is_not_found(app: TestApp) {
    let owner = app.signed_in("owner-of-the-text@example.com").await;
    let owner_token = token(&app, &owner, &[Scope::Sms, Scope::Profile]).await;
    let sent = sent_message(
        &app,
        &owner_token,
        "+48500100200",
        "For the owner's eyes only",
    )
    .await;
    let path = routes::SMS_MESSAGE.replace("{id}", &sent.id);
    let stranger = app.signed_in("someone-else@example.com").await;
    let stranger_token = token(&app, &stranger, &[Scope::Sms, Scope::Profile]).await;
    let refused = app.bearer_get(&path, &stranger_token).await;
    let refused = expect_problem(refused, StatusCode::NOT_FOUND, ProblemCode::NotFound).await;
    let shown = serde_json::to_string(&refused).unwrap();
    assert!(
        !shown.contains("For the owner's eyes only") && !shown.contains("500100200"),
        "nothing of the message shows: {shown}"
    );
    let missing = app
        .bearer_get(
            &routes::SMS_MESSAGE.replace("{id}", "msg_nope"),
            &stranger_token,
        )
        .await;
    let missing = expect_problem(missing, StatusCode::NOT_FOUND, ProblemCode::NotFound).await;
    assert_eq!(
        (refused.title, refused.detail),
        (missing.title, missing.detail),
        "the same answer as a missing id"
    );
    // The owner still reads it.
    let mine = app.bearer_get(&path, &owner_token).await;
    assert_eq!(mine.status(), StatusCode::OK);
}

on_both_backends!(
    another_companys_message_is_not_found,
    a_message_is_charged_queued_and_readable,
    the_country_filter_refuses_before_anything_is_charged,
    a_retried_send_with_the_same_key_sends_and_charges_once,
    bad_sends_are_refused_and_charge_nothing,
);

async fn concurrent_sends_never_overspend(app: TestApp) {
    let me = app.signed_in("burst@example.com").await;
    let token = token(&app, &me, &[Scope::Sms, Scope::Profile]).await;
    let sends = (0..20).map(|i| {
        let (app, token) = (&app, token.clone());
        async move {
            send(
                app,
                &token,
                &sms_request("+48500100200", format!("burst {i}")),
                None,
            )
            .await
            .status()
        }
    });
    let statuses = futures_util::future::join_all(sends).await;
    let (created, refused) = crate::harness::created_and_payment_required(&statuses);
    assert_eq!((created, refused), (5, 15), "{statuses:?}");
    assert_eq!(app.points_balance(&token).await, 0);
    assert_eq!(app.count("messages"), 5);
    let problem = expect_problem(
        send(&app, &token, &sms_request("+48500100200", "one more"), None).await,
        StatusCode::PAYMENT_REQUIRED,
        ProblemCode::InsufficientPoints,
    )
    .await;
    assert!(problem.detail.unwrap().contains("balance is 0"));
}

// Many fresh connections at once: a generous head deadline, so a loaded
// machine's slow client is not answered 408 (not what this test is about).
const FIVE_POINTS_AND_PATIENT: &[(&str, &str)] = &[
    ("PORTCULLIS_SIGNUP_POINTS", "5"),
    ("PORTCULLIS_CLIENT_REQUEST_TIMEOUT_MS", "60000"),
];

on_both_backends!(settings = FIVE_POINTS_AND_PATIENT; concurrent_sends_never_overspend);

async fn queued_messages_are_handed_to_the_transport(app: TestApp) {
    let me = app.signed_in("dispatch@example.com").await;
    let token = token(&app, &me, &[Scope::Sms, Scope::Profile]).await;
    let sent = sent_message(&app, &token, "+48500100200", "Dispatched").await;
    let delivered = app
        .wait_for_message_status(&token, &sent.id, MessageStatus::Sent)
        .await;
    assert!(delivered.sent_at.is_some());
    // The development transport keeps what it "sent" in the outbox, exactly once
    // (beside the sign-up's e-mail).
    let texts: i64 = {
        use diesel::prelude::*;
        use portcullis_api::db::schema::outbox_messages;
        outbox_messages::table
            .filter(outbox_messages::channel.eq("sms"))
            .count()
            .get_result(&mut app.db())
            .unwrap()
    };
    assert_eq!(texts, 1);
    assert_eq!(app.points_balance(&token).await, 99);
}

on_both_backends!(queued_messages_are_handed_to_the_transport);

/// The message's status as stored (the API shows `sending` as queued).
fn stored_status(app: &TestApp, id: &str) -> (String, Option<chrono::NaiveDateTime>) {
    use diesel::prelude::*;
    use portcullis_api::db::schema::messages;
    messages::table
        .find(id)
        .select((messages::status, messages::sent_at))
        .first(&mut app.db())
        .unwrap()
}

/// A claim left by a dispatcher that died (older than the claim timeout) is
/// taken over and the message sent; a live claim is left to its dispatcher, and
/// a sent message stays sent. (The claim finds its candidates by status and
/// age, then claims them by id, checking on each row that it is still claimable.)
async fn a_dead_dispatchers_claims_are_taken_over_and_live_ones_left(app: TestApp) {
    use diesel::prelude::*;
    use portcullis_api::db::schema::messages;
    let me = app.signed_in("takeover@example.com").await;
    let token = token(&app, &me, &[Scope::Sms, Scope::Profile]).await;
    let mut ids = Vec::new();
    for text in ["dead claim", "live claim", "already sent"] {
        let sent = sent_message(&app, &token, "+48500100200", text).await;
        app.wait_for_message_status(&token, &sent.id, MessageStatus::Sent)
            .await;
        ids.push(sent.id);
    }
    let (dead, live, done) = (&ids[0], &ids[1], &ids[2]);
    let (_, done_at) = stored_status(&app, done);
    let now = chrono::Utc::now().naive_utc();
    for (id, claimed_at) in [(dead, now - chrono::Duration::hours(1)), (live, now)] {
        diesel::update(messages::table.find(id))
            .set((
                messages::status.eq("sending"),
                messages::claimed_at.eq(claimed_at),
                messages::sent_at.eq(None::<chrono::NaiveDateTime>),
            ))
            .execute(&mut app.db())
            .unwrap();
    }

    // The dispatcher runs every 50 ms; the claim timeout is 10 s.
    let until = std::time::Instant::now() + std::time::Duration::from_secs(8);
    while stored_status(&app, dead).0 != "sent" {
        assert!(
            std::time::Instant::now() < until,
            "the dead claim was never taken over"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(stored_status(&app, dead).1.is_some());
    assert_eq!(stored_status(&app, live), ("sending".to_owned(), None));
    assert_eq!(stored_status(&app, done), ("sent".to_owned(), done_at));
    // Taken over means handed to the transport again, under the same message id:
    // the development transport, like the webhook's Idempotency-Key, keeps it once.
    let texts: Vec<String> = {
        use portcullis_api::db::schema::outbox_messages;
        outbox_messages::table
            .filter(outbox_messages::channel.eq("sms"))
            .select(outbox_messages::body)
            .load(&mut app.db())
            .unwrap()
    };
    let count = |text: &str| texts.iter().filter(|body| body.contains(text)).count();
    assert_eq!(
        (
            count("dead claim"),
            count("live claim"),
            count("already sent")
        ),
        (1, 1, 1),
        "{texts:?}"
    );
}

const QUICK_DISPATCH: &[(&str, &str)] = &[
    ("PORTCULLIS_DISPATCH_INTERVAL_MS", "50"),
    ("PORTCULLIS_DISPATCH_CLAIM_TIMEOUT_SECS", "10"),
];

on_both_backends!(settings = QUICK_DISPATCH; a_dead_dispatchers_claims_are_taken_over_and_live_ones_left);

/// A gateway that cannot be reached: the message fails for good and its points come back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undeliverable_messages_fail_and_are_refunded() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let url = format!("http://{closed}/sms");
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        &[
            ("PORTCULLIS_SMS_TRANSPORT", "webhook"),
            ("PORTCULLIS_SMS_WEBHOOK_URL", url.as_str()),
            ("PORTCULLIS_SMS_WEBHOOK_TIMEOUT_SECS", "1"),
        ],
    )
    .await;
    let me = app.signed_in("undeliverable@example.com").await;
    let token = token(&app, &me, &[Scope::Sms, Scope::Profile]).await;
    let sent = sent_message(&app, &token, "+48500100200", "Nobody home").await;
    assert_eq!(sent.points, 1);
    // Charged at send: 99 — unless the transport (a closed port refuses at once) has
    // already failed it, and the refund comes in the same transaction as the failure.
    let balance = app.points_balance(&token).await;
    if balance != 99 {
        assert_eq!(balance, 100, "charged one point, or charged and refunded");
        let path = routes::SMS_MESSAGE.replace("{id}", &sent.id);
        let now: MessageDto = app.bearer_get(&path, &token).await.json().await.unwrap();
        assert_eq!(
            now.status,
            MessageStatus::Failed,
            "points back only with the failure"
        );
    }
    app.wait_for_message_status(&token, &sent.id, MessageStatus::Failed)
        .await;
    assert_eq!(app.points_balance(&token).await, 100, "points refunded");
}

/// Issue 12: an `Idempotency-Key` belongs to whoever sent with it (the login
/// and the token or OAuth client), not to the whole company. A subuser, or
/// another of the owner's tokens, replaying a key the owner used gets a new
/// message of its own, never the owner's message back.
async fn a_subuser_replaying_the_owners_idempotency_key_never_gets_the_owners_message(
    app: TestApp,
) {
    let owner = app.signed_in("key.owner@example.com").await;
    let owner_token = token(&app, &owner, &[Scope::Sms, Scope::Profile]).await;
    let first = send(
        &app,
        &owner_token,
        &sms_request("+48500100200", "Owner only: invoice 77"),
        Some("order-1"),
    )
    .await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: MessageDto = first.json().await.unwrap();

    let (_, browser, clerk) = crate::subusers::signed_in_subuser(
        &app,
        &owner,
        "key.clerk@example.com",
        crate::subusers::grants(&[PortalPermission::Tokens], &[Scope::Sms]),
    )
    .await;
    let clerk_token = browser
        .create_token(&clerk, &token_request("clerk", &[Scope::Sms]))
        .await
        .secret;
    let replay = send(
        &app,
        &clerk_token,
        &sms_request("+48500100200", "Clerk's own"),
        Some("order-1"),
    )
    .await;
    assert_eq!(replay.status(), StatusCode::CREATED, "a new message");
    let replay: MessageDto = replay.json().await.unwrap();
    assert_ne!(replay.id, first.id);
    assert_eq!(replay.text, "Clerk's own");
    // The subuser's own retry is still idempotent.
    let again = send(
        &app,
        &clerk_token,
        &sms_request("+48500100200", "Clerk's own"),
        Some("order-1"),
    )
    .await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.json::<MessageDto>().await.unwrap().id, replay.id);

    // Another token of the owner is another sender too.
    let second_token = token(&app, &owner, &[Scope::Sms]).await;
    let other = send(
        &app,
        &second_token,
        &sms_request("+48500100200", "Second integration"),
        Some("order-1"),
    )
    .await;
    assert_eq!(other.status(), StatusCode::CREATED);
    assert_ne!(other.json::<MessageDto>().await.unwrap().id, first.id);
    assert_eq!(app.count("messages"), 3);
    assert_eq!(app.points_balance(&owner_token).await, 97);
}

/// Issue 12: the same key with a different request is a client bug, not a
/// retry: refused with `409 idempotency_key_reused`, nothing sent or charged
/// (as Stripe does); the original request still replays.
async fn an_idempotency_key_reused_with_another_body_is_refused_with_409(app: TestApp) {
    let me = app.signed_in("key.reuse@example.com").await;
    let token = token(&app, &me, &[Scope::Sms, Scope::Profile]).await;
    let original = sms_request("+48500100200", "Your order shipped");
    let first = send(&app, &token, &original, Some("ship-9")).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: MessageDto = first.json().await.unwrap();
    for changed in [
        sms_request("+48500100200", "Your order was cancelled"),
        sms_request("+48500100201", "Your order shipped"),
    ] {
        let problem = expect_problem(
            send(&app, &token, &changed, Some("ship-9")).await,
            StatusCode::CONFLICT,
            ProblemCode::IdempotencyKeyReused,
        )
        .await;
        assert!(problem
            .detail
            .unwrap_or_default()
            .contains("Idempotency-Key"));
    }
    assert_eq!(app.count("messages"), 1);
    assert_eq!(app.points_balance(&token).await, 99);
    // The same request, spelled differently (the number's spaces), is the same request.
    let replay = send(
        &app,
        &token,
        &sms_request("+48 500 100 200", "Your order shipped"),
        Some("ship-9"),
    )
    .await;
    assert_eq!(replay.status(), StatusCode::OK);
    assert_eq!(replay.json::<MessageDto>().await.unwrap().id, first.id);
}

on_both_backends!(
    a_subuser_replaying_the_owners_idempotency_key_never_gets_the_owners_message,
    an_idempotency_key_reused_with_another_body_is_refused_with_409,
);
