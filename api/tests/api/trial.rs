//! Trial points are for the home country: a new account cannot send abroad,
//! nor widen its country filter beyond its own country, until the gateway's
//! operator lifts the restriction with `portcullis operator
//! lift-trial-restriction`, which the security log records.

use diesel::prelude::*;
use portcullis_shared::{
    dto::{CountryFilterDto, CreatedTokenDto, SecurityEventKind},
    problem::ProblemCode,
    routes,
    scope::Scope,
};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::harness::{expect_problem, sms_request, token_request, TestApp};

async fn send(app: &TestApp, token: &str, to: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url(routes::SMS))
        .bearer_auth(token)
        .json(&sms_request(to, "Hello"))
        .send()
        .await
        .unwrap()
}

/// Puts Germany on the account's country filter behind the API's back, as
/// the trial restriction would otherwise stop it.
fn put_germany_on_the_filter_through_storage(app: &TestApp, account_id: &str) {
    use portcullis_api::db::schema::account_countries;
    diesel::insert_into(account_countries::table)
        .values((
            account_countries::account_id.eq(account_id),
            account_countries::country.eq("DE"),
        ))
        .execute(&mut app.db())
        .unwrap();
}

async fn trial_points_cannot_be_spent_abroad_until_the_operator_lifts_it(app: TestApp) {
    let email = "trial@example.com";
    let me = app.signed_in(email).await;
    let csrf = me.session.csrf_token.clone();
    let token = app
        .create_token(&me, &token_request("t", &[Scope::Sms, Scope::Profile]))
        .await
        .secret;
    let both = CountryFilterDto {
        countries: vec!["PL".to_owned(), "DE".to_owned()],
        ..CountryFilterDto::default()
    };
    let widen = || app.portal_json(Method::PUT, routes::COUNTRY_FILTER, &csrf, &both);

    // Widening the filter beyond the home country is refused; nothing changes.
    expect_problem(
        widen().await,
        StatusCode::FORBIDDEN,
        ProblemCode::TrialRestricted,
    )
    .await;
    let filter: CountryFilterDto = app.get_json(routes::COUNTRY_FILTER).await;
    assert_eq!(filter.countries, ["PL"]);
    assert!(app
        .security_events(SecurityEventKind::CountryFilterChanged)
        .await
        .is_empty());

    // Even with Germany on the filter (put there through storage), sending
    // there is refused before anything is charged; home still works.
    put_germany_on_the_filter_through_storage(&app, &me.account.id);
    expect_problem(
        send(&app, &token, "+4915123456789").await,
        StatusCode::FORBIDDEN,
        ProblemCode::TrialRestricted,
    )
    .await;
    assert_eq!(app.points_balance(&token).await, 100);
    assert_eq!(app.count("messages"), 0);
    assert_eq!(
        send(&app, &token, "+48500100200").await.status(),
        StatusCode::CREATED
    );

    // The operator's command: unknown e-mails are an error; it is recorded.
    let unknown = app.operator(&[
        "operator",
        "lift-trial-restriction",
        "--email",
        "nobody@example.com",
    ]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("nobody@example.com"));
    let usage = app.operator(&["operator", "lift-trial-restriction"]);
    assert_eq!(usage.status.code(), Some(2));
    app.lift_trial_restriction("TRIAL@example.com");
    let lifted = app
        .security_events(SecurityEventKind::TrialRestrictionLifted)
        .await;
    assert_eq!(lifted.len(), 1, "{lifted:?}");
    assert_eq!(lifted[0].actor, "operator");
    // Lifting again changes nothing and records nothing.
    app.lift_trial_restriction(email);
    assert_eq!(
        app.security_events(SecurityEventKind::TrialRestrictionLifted)
            .await
            .len(),
        1
    );

    let widened = widen().await;
    assert_eq!(widened.status(), StatusCode::OK);
    assert_eq!(
        send(&app, &token, "+4915123456789").await.status(),
        StatusCode::CREATED
    );
    assert_eq!(app.points_balance(&token).await, 98);
}

async fn a_subusers_sends_abroad_are_refused_while_the_company_is_on_trial(app: TestApp) {
    let me = app.signed_in("company@example.com").await;
    put_germany_on_the_filter_through_storage(&app, &me.account.id);
    let created = app
        .portal(
            Method::POST,
            routes::SUBUSERS,
            &me.session.csrf_token,
            Some(
                json!({"email": "branch@example.com", "password": "Amber-Lantern-77",
                        "grants": {"portal": ["tokens"], "scopes": ["sms"]}}),
            ),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let branch = app.another_browser();
    let sub = branch
        .signed_in_again_with("branch@example.com", "Amber-Lantern-77")
        .await;
    let token: CreatedTokenDto = {
        let response = branch
            .portal_json(
                Method::POST,
                routes::TOKENS,
                &sub.session.csrf_token,
                &token_request("t", &[Scope::Sms]),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.unwrap()
    };
    expect_problem(
        send(&app, &token.secret, "+4915123456789").await,
        StatusCode::FORBIDDEN,
        ProblemCode::TrialRestricted,
    )
    .await;
    assert_eq!(app.count("messages"), 0);
}

on_both_backends!(
    trial_points_cannot_be_spent_abroad_until_the_operator_lifts_it,
    a_subusers_sends_abroad_are_refused_while_the_company_is_on_trial,
);
