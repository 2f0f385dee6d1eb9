//! Policies on API tokens and OAuth clients (issue 15): allowed destination
//! countries, a sending window, daily and monthly points caps and a request
//! rate limit — each refusal named, logged and counted, caps charged with the
//! message, the rate limit shared by every process on PostgreSQL.

use std::time::Duration;

use chrono::{Datelike, Timelike, Utc};
use portcullis_shared::{
    dto::{
        CreatedTokenDto, CredentialPolicyDto, CredentialPolicyRequest, MeResponse, OAuthClientDto,
        SecurityEventDto, SecurityEventKind, SendSmsBatchRequest, SendingWindowDto, TokenDto,
        UpdateOAuthClientRequest, UpdateTokenRequest, Weekday,
    },
    problem::ProblemCode,
    routes,
    scope::Scope,
    validate::codes,
};
use reqwest::{Method, StatusCode};

use crate::harness::{
    expect_field_error, expect_problem, oauth_client_request, sms_request, token_request, Backend,
    ServerProcess, TestApp,
};
use crate::metrics::{sample, scrape};

/// Refusals reach the security log within a second; metrics are served.
const POLICY_SETTINGS: &[(&str, &str)] = &[
    ("PORTCULLIS_REFUSED_CALLS_FLUSH_MS", "500"),
    ("PORTCULLIS_METRICS_ADDR", "127.0.0.1:0"),
];

fn countries(list: &[&str]) -> CredentialPolicyRequest {
    CredentialPolicyRequest {
        countries: Some(Some(list.iter().map(|c| (*c).to_owned()).collect())),
        ..CredentialPolicyRequest::default()
    }
}

fn weekdays_window() -> SendingWindowDto {
    SendingWindowDto {
        days: vec![
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ],
        start: "08:00".into(),
        end: "18:00".into(),
        time_zone: "Europe/Warsaw".into(),
    }
}

async fn token_with(
    app: &TestApp,
    me: &MeResponse,
    scopes: &[Scope],
    policy: Option<CredentialPolicyRequest>,
) -> CreatedTokenDto {
    let mut request = token_request("policed", scopes);
    request.policy = policy;
    app.create_token(me, &request).await
}

async fn patch_token(
    app: &TestApp,
    me: &MeResponse,
    id: &str,
    policy: CredentialPolicyRequest,
) -> reqwest::Response {
    app.portal_json(
        Method::PATCH,
        &routes::TOKEN.replace("{id}", id),
        &me.session.csrf_token,
        &UpdateTokenRequest {
            policy: Some(policy),
            ..UpdateTokenRequest::default()
        },
    )
    .await
}

async fn tokens(app: &TestApp) -> Vec<TokenDto> {
    app.get_json(routes::TOKENS).await
}

async fn send(app: &TestApp, token: &str, to: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url(routes::SMS))
        .bearer_auth(token)
        .json(&sms_request(to, "Policy check"))
        .send()
        .await
        .unwrap()
}

async fn send_batch(app: &TestApp, token: &str, to: &[&str]) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url(routes::SMS_BATCHES))
        .bearer_auth(token)
        .json(&SendSmsBatchRequest {
            to: to.iter().map(|t| (*t).to_owned()).collect(),
            text: "Batch policy check".into(),
            ..SendSmsBatchRequest::default()
        })
        .send()
        .await
        .unwrap()
}

/// An owner whose account may send to Poland and Germany.
async fn owner_of_pl_and_de(app: &TestApp, email: &str) -> MeResponse {
    let me = app.signed_in(email).await;
    app.lift_trial_restriction(email);
    let response = app
        .put_country_filter(&me.session.csrf_token, &["PL", "DE"])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    me
}

const PL: &str = "+48500100200";
const DE: &str = "+4915123456789";

/// Waits until the refused-call events of `reason` add up to at least `total`.
async fn refusals(app: &TestApp, reason: &str, total: u64) -> Vec<SecurityEventDto> {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let events: Vec<SecurityEventDto> = app
            .security_events(SecurityEventKind::ApiCallRefused)
            .await
            .into_iter()
            .filter(|e| e.details["reason"] == reason)
            .collect();
        let counted: u64 = events
            .iter()
            .map(|e| e.details["count"].parse::<u64>().unwrap())
            .sum();
        if counted >= total || std::time::Instant::now() > deadline {
            assert_eq!(counted, total, "{reason}: {events:?}");
            return events;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn a_policy_is_set_listed_changed_field_by_field_and_cleared(app: TestApp) {
    let me = app.signed_in("policy@example.com").await;
    let created = token_with(
        &app,
        &me,
        &[Scope::Sms],
        Some(CredentialPolicyRequest {
            countries: Some(Some(vec!["pl".into()])),
            window: Some(Some(weekdays_window())),
            daily_points_cap: Some(Some(500)),
            monthly_points_cap: Some(Some(5000)),
            requests_per_minute: Some(Some(120)),
        }),
    )
    .await;
    let expected = CredentialPolicyDto {
        countries: Some(vec!["PL".into()]),
        window: Some(weekdays_window()),
        daily_points_cap: Some(500),
        monthly_points_cap: Some(5000),
        requests_per_minute: Some(120),
        set_by_owner: false,
    };
    assert_eq!(created.token.policy.as_ref(), Some(&expected));
    let listed = tokens(&app).await;
    assert_eq!(listed[0].policy.as_ref(), Some(&expected));

    // `null` removes one rule; rules left out stay.
    let response = patch_token(
        &app,
        &me,
        &created.token.id,
        CredentialPolicyRequest {
            daily_points_cap: Some(None),
            requests_per_minute: Some(Some(60)),
            ..CredentialPolicyRequest::default()
        },
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let changed: TokenDto = response.json().await.unwrap();
    assert_eq!(
        changed.policy,
        Some(CredentialPolicyDto {
            daily_points_cap: None,
            requests_per_minute: Some(60),
            ..expected.clone()
        })
    );
    let event = app
        .security_events(SecurityEventKind::TokenChanged)
        .await
        .into_iter()
        .next()
        .expect("the change is logged");
    assert_eq!(event.details["change"], "policy");

    // Every rule removed: no policy at all.
    let cleared = patch_token(
        &app,
        &me,
        &created.token.id,
        CredentialPolicyRequest::replacing_with(&CredentialPolicyDto::default()),
    )
    .await;
    assert_eq!(cleared.status(), StatusCode::OK);
    assert_eq!(cleared.json::<TokenDto>().await.unwrap().policy, None);
    assert_eq!(app.count("credential_policies"), 0);

    // OAuth clients carry the same policy.
    let mut request = oauth_client_request("ERP", &[Scope::Sms]);
    request.policy = Some(countries(&["PL"]));
    let client = app.register_oauth_client(&me, &request).await;
    assert_eq!(
        client.client.policy.and_then(|p| p.countries),
        Some(vec!["PL".to_owned()])
    );
    let listed: Vec<OAuthClientDto> = app.get_json(routes::OAUTH_CLIENTS).await;
    assert_eq!(
        listed[0].policy,
        Some(CredentialPolicyDto {
            countries: Some(vec!["PL".to_owned()]),
            ..CredentialPolicyDto::default()
        })
    );
    let response = app
        .portal_json(
            Method::PATCH,
            &routes::OAUTH_CLIENT.replace("{id}", &client.client.id),
            &me.session.csrf_token,
            &UpdateOAuthClientRequest {
                policy: Some(CredentialPolicyRequest {
                    countries: Some(None),
                    monthly_points_cap: Some(Some(900)),
                    ..CredentialPolicyRequest::default()
                }),
                ..UpdateOAuthClientRequest::default()
            },
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let changed: OAuthClientDto = response.json().await.unwrap();
    assert_eq!(
        changed.policy,
        Some(CredentialPolicyDto {
            monthly_points_cap: Some(900),
            ..CredentialPolicyDto::default()
        })
    );
}

async fn bad_policies_name_the_field_and_change_nothing(app: TestApp) {
    let me = app.signed_in("badpolicy@example.com").await;
    let csrf = me.session.csrf_token.clone();
    let mut create = token_request("bad", &[Scope::Sms]);
    for (policy, field, code) in [
        (
            countries(&["XX"]),
            "policy.countries[0]",
            codes::INVALID_COUNTRY,
        ),
        // Germany is not on this account's country filter (PL only).
        (
            countries(&["PL", "DE"]),
            "policy.countries[1]",
            codes::NOT_ON_COUNTRY_FILTER,
        ),
        (countries(&[]), "policy.countries", codes::REQUIRED),
        (
            CredentialPolicyRequest {
                window: Some(Some(SendingWindowDto {
                    start: "18:00".into(),
                    end: "08:00".into(),
                    ..weekdays_window()
                })),
                ..CredentialPolicyRequest::default()
            },
            "policy.window.end",
            codes::END_BEFORE_START,
        ),
        (
            CredentialPolicyRequest {
                window: Some(Some(SendingWindowDto {
                    time_zone: "Mars/Olympus".into(),
                    ..weekdays_window()
                })),
                ..CredentialPolicyRequest::default()
            },
            "policy.window.time_zone",
            codes::INVALID_TIME_ZONE,
        ),
        (
            CredentialPolicyRequest {
                daily_points_cap: Some(Some(-5)),
                ..CredentialPolicyRequest::default()
            },
            "policy.daily_points_cap",
            codes::NOT_POSITIVE,
        ),
        (
            CredentialPolicyRequest {
                monthly_points_cap: Some(Some(0)),
                ..CredentialPolicyRequest::default()
            },
            "policy.monthly_points_cap",
            codes::NOT_POSITIVE,
        ),
        (
            CredentialPolicyRequest {
                requests_per_minute: Some(Some(0)),
                ..CredentialPolicyRequest::default()
            },
            "policy.requests_per_minute",
            codes::NOT_POSITIVE,
        ),
    ] {
        create.policy = Some(policy.clone());
        let response = app.post_json(routes::TOKENS, &create, &csrf).await;
        expect_field_error(response, field, code).await;
        assert_eq!(app.count("api_tokens"), 0, "{field}: no token made");

        let client = {
            let mut request = oauth_client_request("bad", &[Scope::Sms]);
            request.policy = Some(policy);
            app.post_json(routes::OAUTH_CLIENTS, &request, &csrf).await
        };
        expect_field_error(client, field, code).await;
        assert_eq!(app.count("oauth_clients"), 0, "{field}: no client made");
    }

    // A bad change of an existing token changes nothing, not even its other fields.
    let token = token_with(&app, &me, &[Scope::Sms], Some(countries(&["PL"]))).await;
    let response = app
        .portal_json(
            Method::PATCH,
            &routes::TOKEN.replace("{id}", &token.token.id),
            &csrf,
            &UpdateTokenRequest {
                name: Some("renamed".into()),
                policy: Some(CredentialPolicyRequest {
                    countries: Some(None),
                    daily_points_cap: Some(Some(-1)),
                    ..CredentialPolicyRequest::default()
                }),
                ..UpdateTokenRequest::default()
            },
        )
        .await;
    expect_field_error(response, "policy.daily_points_cap", codes::NOT_POSITIVE).await;
    let listed = tokens(&app).await;
    assert_eq!(listed[0].name, "policed");
    assert_eq!(
        listed[0].policy.as_ref().and_then(|p| p.countries.clone()),
        Some(vec!["PL".to_owned()])
    );
}

async fn sends_beyond_the_credentials_countries_are_refused(app: TestApp) {
    let me = owner_of_pl_and_de(&app, "countries@example.com").await;
    let token = token_with(&app, &me, &[Scope::Sms, Scope::Profile], None).await;
    // The account may text Germany, and so may the token until its policy says otherwise.
    assert_eq!(
        send(&app, &token.secret, DE).await.status(),
        StatusCode::CREATED
    );
    let response = patch_token(&app, &me, &token.token.id, countries(&["PL"])).await;
    assert_eq!(response.status(), StatusCode::OK);
    let balance = app.points_balance(&token.secret).await;

    // The very next call obeys the new policy (the cached token is evicted).
    let problem = expect_problem(
        send(&app, &token.secret, DE).await,
        StatusCode::FORBIDDEN,
        ProblemCode::TokenCountryNotAllowed,
    )
    .await;
    assert_eq!(problem.country.as_deref(), Some("DE"));
    assert_eq!(
        send(&app, &token.secret, PL).await.status(),
        StatusCode::CREATED
    );
    // A batch with one German number is refused whole, naming that recipient.
    let problem = expect_problem(
        send_batch(&app, &token.secret, &[PL, DE]).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        ProblemCode::InvalidRecipients,
    )
    .await;
    assert_eq!(problem.recipients.len(), 1, "{problem:?}");
    assert_eq!(problem.recipients[0].index, 1);
    assert_eq!(problem.recipients[0].code, codes::TOKEN_COUNTRY_NOT_ALLOWED);
    assert_eq!(app.points_balance(&token.secret).await, balance - 1);
    assert_eq!(app.count("messages"), 2);

    // An OAuth client's policy binds every token issued to it.
    let mut request = oauth_client_request("ERP", &[Scope::Sms]);
    request.policy = Some(countries(&["PL"]));
    let client = app.register_oauth_client(&me, &request).await;
    let issued = app.client_credentials_token(&client, None).await;
    expect_problem(
        send(&app, &issued.access_token, DE).await,
        StatusCode::FORBIDDEN,
        ProblemCode::TokenCountryNotAllowed,
    )
    .await;

    let events = refusals(&app, "token_country_not_allowed", 3).await;
    assert!(events
        .iter()
        .any(|e| e.details.get("token_id") == Some(&token.token.id)));
    assert!(events
        .iter()
        .any(|e| e.details.get("client_id") == Some(&client.client.id)));
    let text = scrape(&app).await;
    assert_eq!(
        sample(
            &text,
            r#"portcullis_auth_refusals_total{reason="token_country_not_allowed"}"#
        ),
        Some(3.0),
        "{text}"
    );
}

async fn sends_outside_the_credentials_window_are_refused(app: TestApp) {
    let me = app.signed_in("window@example.com").await;
    // Every day but today (UTC), all day: closed now, open from midnight.
    let now = Utc::now();
    let today = Weekday::ALL[now.weekday().num_days_from_monday() as usize];
    if now.hour() == 23 && now.minute() >= 59 {
        tokio::time::sleep(Duration::from_secs(61)).await;
    }
    let window = SendingWindowDto {
        days: Weekday::ALL.into_iter().filter(|d| *d != today).collect(),
        start: "00:00".into(),
        end: "24:00".into(),
        time_zone: "UTC".into(),
    };
    let token = token_with(
        &app,
        &me,
        &[Scope::Sms, Scope::Profile],
        Some(CredentialPolicyRequest {
            window: Some(Some(window)),
            ..CredentialPolicyRequest::default()
        }),
    )
    .await;
    let response = send(&app, &token.secret, PL).await;
    let retry_after: i64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let problem = expect_problem(
        response,
        StatusCode::FORBIDDEN,
        ProblemCode::OutsideTokenWindow,
    )
    .await;
    let midnight = (Utc::now() + chrono::Duration::days(1))
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc();
    assert_eq!(
        problem.opens_at.as_deref(),
        Some(
            midnight
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                .as_str()
        )
    );
    assert!((1..=86_400).contains(&retry_after), "{retry_after}");
    expect_problem(
        send_batch(&app, &token.secret, &[PL]).await,
        StatusCode::FORBIDDEN,
        ProblemCode::OutsideTokenWindow,
    )
    .await;
    assert_eq!(app.count("messages"), 0);
    // Reading is not sending: the window does not close the token.
    assert_eq!(
        app.bearer_get(routes::PROFILE, &token.secret)
            .await
            .status(),
        StatusCode::OK
    );
    refusals(&app, "outside_token_window", 2).await;

    // Opened for every day, the very next send goes.
    let response = patch_token(
        &app,
        &me,
        &token.token.id,
        CredentialPolicyRequest {
            window: Some(Some(SendingWindowDto {
                days: Weekday::ALL.to_vec(),
                start: "00:00".into(),
                end: "24:00".into(),
                time_zone: "UTC".into(),
            })),
            ..CredentialPolicyRequest::default()
        },
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        send(&app, &token.secret, PL).await.status(),
        StatusCode::CREATED
    );
}

async fn caps_refuse_overspending_and_count_whole_batches(app: TestApp) {
    let me = app.signed_in("caps@example.com").await;
    let token = token_with(
        &app,
        &me,
        &[Scope::Sms, Scope::Profile],
        Some(CredentialPolicyRequest {
            daily_points_cap: Some(Some(5)),
            monthly_points_cap: Some(Some(5)),
            ..CredentialPolicyRequest::default()
        }),
    )
    .await;
    let other = token_with(&app, &me, &[Scope::Sms, Scope::Profile], None).await;
    let balance = app.points_balance(&token.secret).await;
    for _ in 0..3 {
        assert_eq!(
            send(&app, &token.secret, PL).await.status(),
            StatusCode::CREATED
        );
    }
    // 3 + 3 > 5: the whole batch is refused, nothing of it charged.
    let numbers = ["+48500100301", "+48500100302", "+48500100303"];
    let problem = expect_problem(
        send_batch(&app, &token.secret, &numbers).await,
        StatusCode::PAYMENT_REQUIRED,
        ProblemCode::TokenPointsCapReached,
    )
    .await;
    assert!(
        problem
            .detail
            .as_deref()
            .unwrap()
            .contains("3 of this credential's 5 points this day"),
        "{problem:?}"
    );
    assert_eq!(app.points_balance(&token.secret).await, balance - 3);
    let batch = send_batch(&app, &token.secret, &numbers[..2]).await;
    assert_eq!(batch.status(), StatusCode::CREATED);
    expect_problem(
        send(&app, &token.secret, PL).await,
        StatusCode::PAYMENT_REQUIRED,
        ProblemCode::TokenPointsCapReached,
    )
    .await;
    // Another credential of the same account is not held by this one's cap.
    assert_eq!(
        send(&app, &other.secret, PL).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(app.points_balance(&token.secret).await, balance - 6);

    // The monthly cap binds too, once the daily one is raised.
    let raised = patch_token(
        &app,
        &me,
        &token.token.id,
        CredentialPolicyRequest {
            daily_points_cap: Some(Some(100)),
            ..CredentialPolicyRequest::default()
        },
    )
    .await;
    assert_eq!(raised.status(), StatusCode::OK);
    let problem = expect_problem(
        send(&app, &token.secret, PL).await,
        StatusCode::PAYMENT_REQUIRED,
        ProblemCode::TokenPointsCapReached,
    )
    .await;
    assert!(problem.detail.unwrap().contains("this month"));
    refusals(&app, "token_points_cap_reached", 3).await;
}

/// Twenty sends at once against a cap that allows exactly five.
async fn concurrent_sends_cannot_overspend_a_cap(app: TestApp) {
    let me = app.signed_in("rushcap@example.com").await;
    let token = token_with(
        &app,
        &me,
        &[Scope::Sms, Scope::Profile],
        Some(CredentialPolicyRequest {
            daily_points_cap: Some(Some(5)),
            ..CredentialPolicyRequest::default()
        }),
    )
    .await;
    let balance = app.points_balance(&token.secret).await;
    let sends = (0..20).map(|i| {
        let (app, secret) = (&app, token.secret.clone());
        async move {
            reqwest::Client::new()
                .post(app.url(routes::SMS))
                .bearer_auth(secret)
                .json(&sms_request(PL, format!("Rush {i}")))
                .send()
                .await
                .unwrap()
                .status()
        }
    });
    let statuses = futures_util::future::join_all(sends).await;
    let (created, refused) = crate::harness::created_and_payment_required(&statuses);
    assert_eq!((created, refused), (5, 15), "{statuses:?}");
    assert_eq!(app.points_balance(&token.secret).await, balance - 5);
    assert_eq!(app.count("messages"), 5);
}

/// Waits, if needed, so that a few calls fall into one fixed minute window.
async fn early_in_a_minute() {
    let second = Utc::now().second();
    if second >= 50 {
        tokio::time::sleep(Duration::from_millis(u64::from(61 - second) * 1000)).await;
    }
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
}

async fn the_rate_limit_answers_429_with_retry_after_and_ratelimit_headers(app: TestApp) {
    let me = app.signed_in("rate@example.com").await;
    let token = token_with(
        &app,
        &me,
        &[Scope::Profile],
        Some(CredentialPolicyRequest {
            requests_per_minute: Some(Some(3)),
            ..CredentialPolicyRequest::default()
        }),
    )
    .await;
    let unlimited = token_with(&app, &me, &[Scope::Profile], None).await;
    early_in_a_minute().await;
    for remaining in ["2", "1", "0"] {
        let response = app.bearer_get(routes::PROFILE, &token.secret).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header(&response, "ratelimit-limit").as_deref(), Some("3"));
        assert_eq!(
            header(&response, "ratelimit-remaining").as_deref(),
            Some(remaining)
        );
        assert_eq!(
            header(&response, "ratelimit-policy").as_deref(),
            Some("3;w=60")
        );
        let reset: i64 = header(&response, "ratelimit-reset")
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=60).contains(&reset), "{reset}");
    }
    // Every call counts, whatever the endpoint.
    let response = app
        .bearer_get(&routes::SMS_MESSAGE.replace("{id}", "msg_x"), &token.secret)
        .await;
    assert_eq!(
        header(&response, "ratelimit-remaining").as_deref(),
        Some("0")
    );
    let retry_after: u64 = header(&response, "retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    expect_problem(
        response,
        StatusCode::TOO_MANY_REQUESTS,
        ProblemCode::RateLimited,
    )
    .await;
    // Credentials without a rate limit are neither counted nor told about one.
    for _ in 0..5 {
        let response = app.bearer_get(routes::PROFILE, &unlimited.secret).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header(&response, "ratelimit-limit"), None);
    }
    assert_eq!(app.count("credential_request_counts"), 1);

    refusals(&app, "rate_limited", 1).await;
    let text = scrape(&app).await;
    assert_eq!(
        sample(
            &text,
            r#"portcullis_auth_refusals_total{reason="rate_limited"}"#
        ),
        Some(1.0),
        "{text}"
    );
}

async fn an_owners_policy_binds_the_subusers_credential(app: TestApp) {
    use portcullis_shared::dto::PortalPermission;
    let owner = app.signed_in("policyowner@example.com").await;
    let (_, sub, sub_me) = crate::subusers::signed_in_subuser(
        &app,
        &owner,
        "policysub@example.com",
        crate::subusers::grants(&[PortalPermission::Tokens], &[Scope::Sms]),
    )
    .await;
    // The subuser sets and narrows their own token's policy freely.
    let token = token_with(&sub, &sub_me, &[Scope::Sms], Some(countries(&["PL"]))).await;
    assert!(!token.token.policy.as_ref().unwrap().set_by_owner);
    // The owner's policy on it binds them: they may no longer change it.
    let response = patch_token(
        &app,
        &owner,
        &token.token.id,
        CredentialPolicyRequest {
            daily_points_cap: Some(Some(10)),
            ..CredentialPolicyRequest::default()
        },
    )
    .await;
    let set: TokenDto = response.json().await.unwrap();
    assert!(set.policy.unwrap().set_by_owner);
    let problem = expect_problem(
        patch_token(
            &sub,
            &sub_me,
            &token.token.id,
            CredentialPolicyRequest {
                daily_points_cap: Some(None),
                ..CredentialPolicyRequest::default()
            },
        )
        .await,
        StatusCode::FORBIDDEN,
        ProblemCode::PermissionDenied,
    )
    .await;
    assert_eq!(problem.permission.as_deref(), Some("owner_restriction"));
    let listed: Vec<TokenDto> = app.get_json(routes::TOKENS).await;
    assert_eq!(
        listed[0].policy.as_ref().unwrap().daily_points_cap,
        Some(10)
    );
}

on_both_backends!(
    settings = POLICY_SETTINGS;
    a_policy_is_set_listed_changed_field_by_field_and_cleared,
    bad_policies_name_the_field_and_change_nothing,
    sends_beyond_the_credentials_countries_are_refused,
    sends_outside_the_credentials_window_are_refused,
    caps_refuse_overspending_and_count_whole_batches,
    the_rate_limit_answers_429_with_retry_after_and_ratelimit_headers,
    an_owners_policy_binds_the_subusers_credential
);
on_both_backends!(workers = 4; concurrent_sends_cannot_overspend_a_cap);

/// Two processes on one PostgreSQL count one credential's calls together.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_share_one_rate_limit_on_postgres() {
    let one = TestApp::spawn(Backend::Postgres).await;
    let second = ServerProcess::beside(&one).await;
    let two = &second.app;
    let me = one.signed_in("sharedrate@example.com").await;
    let mut request = token_request("shared", &[Scope::Profile]);
    request.policy = Some(CredentialPolicyRequest {
        requests_per_minute: Some(Some(4)),
        ..CredentialPolicyRequest::default()
    });
    let token = one.create_token(&me, &request).await;
    early_in_a_minute().await;
    let calls = (0..10).map(|i| {
        let app = if i % 2 == 0 { &one } else { two };
        let secret = token.secret.clone();
        async move { app.bearer_get(routes::PROFILE, &secret).await.status() }
    });
    let statuses = futures_util::future::join_all(calls).await;
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let limited = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((ok, limited), (4, 6), "{statuses:?}");

    // Lifted through one process, the limit is gone in the other within a second:
    // the edit evicts the cached token there too.
    let lifted = one
        .portal_json(
            Method::PATCH,
            &routes::TOKEN.replace("{id}", &token.token.id),
            &me.session.csrf_token,
            &UpdateTokenRequest {
                policy: Some(CredentialPolicyRequest {
                    requests_per_minute: Some(None),
                    ..CredentialPolicyRequest::default()
                }),
                ..UpdateTokenRequest::default()
            },
        )
        .await;
    assert_eq!(lifted.status(), StatusCode::OK);
    crate::harness::answers_within(
        Duration::from_secs(1),
        "the other process drops the lifted limit",
        None,
        || two.bearer_get(routes::PROFILE, &token.secret),
    )
    .await;
    let response = two.bearer_get(routes::PROFILE, &token.secret).await;
    assert_eq!(header(&response, "ratelimit-limit"), None);
}
