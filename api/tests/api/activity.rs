//! The activity charts' counts (`GET /api/v1/activity`): made through the API (sends,
//! sign-ins, refused token calls), counted back exactly per UTC day, per login, per
//! reason and per country; a subuser sees only their own; a bad `days` is refused.

use chrono::{Duration, NaiveTime, Utc};
use diesel::prelude::*;
use portcullis_shared::{
    dto::{
        ActivityDto, ActivityScope, DestinationDto, MessageDto, PortalPermission, RefusedCallsDto,
    },
    problem::ProblemCode,
    routes,
    scope::Scope,
};
use reqwest::StatusCode;

use crate::harness::{
    expect_field_error, expect_problem, sms_request, token_request, TestApp, GOOD_PASSWORD,
};
use crate::subusers::{grants, signed_in_subuser};

const FAST_REFUSAL_LOG: &[(&str, &str)] = &[("PORTCULLIS_REFUSED_CALLS_FLUSH_MS", "200")];

async fn activity(app: &TestApp, query: &str) -> ActivityDto {
    app.get_json(&format!("{}{query}", routes::ACTIVITY)).await
}

/// Waits until the refused calls `app` sees add up to `total` (they reach the log on
/// the next flush).
async fn activity_with_refusals(app: &TestApp, total: i64) -> ActivityDto {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let found = activity(app, "").await;
        let counted: i64 = found.refused_calls.iter().map(|r| r.count).sum();
        if counted >= total || std::time::Instant::now() > deadline {
            assert_eq!(counted, total, "{:?}", found.refused_calls);
            return found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

async fn sent(app: &TestApp, me: &portcullis_shared::dto::MeResponse, to: &str) -> MessageDto {
    let response = app
        .send_sms_from_portal(me, &sms_request(to, "Hello"))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.expect("the message")
}

fn today() -> String {
    Utc::now().date_naive().format("%Y-%m-%d").to_string()
}

fn refused(reason: &str, label: &str, count: i64) -> RefusedCallsDto {
    RefusedCallsDto {
        reason: reason.to_owned(),
        label: label.to_owned(),
        count,
    }
}

fn destination(country: &str, name: &str, messages: i64) -> DestinationDto {
    DestinationDto {
        country: country.to_owned(),
        name: name.to_owned(),
        messages,
    }
}

async fn the_owner_sees_the_company_and_a_subuser_only_their_own(app: TestApp) {
    // Sign-ins: the owner fails twice, then signs in; the sign-up's own session counts too.
    app.registered("owner@example.com").await;
    for _ in 0..2 {
        let wrong = app.login("owner@example.com", "Wrong-password-1").await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    }
    let owner = app
        .signed_in_again_with("owner@example.com", GOOD_PASSWORD)
        .await;
    let csrf = owner.session.csrf_token.clone();

    // Messages: two to Poland and one to Germany from the owner.
    app.lift_trial_restriction("owner@example.com");
    let filter = app.put_country_filter(&csrf, &["PL", "DE"]).await;
    assert_eq!(filter.status(), StatusCode::OK);
    let mut owner_points = 0;
    for to in ["+48500100200", "+48500100201", "+4915112345678"] {
        owner_points += sent(&app, &owner, to).await.points;
    }

    // A subuser who sends one message, fails one sign-in and makes a token of their own.
    let (sub, subuser, sub_me) = signed_in_subuser(
        &app,
        &owner,
        "clerk@example.com",
        grants(
            &[PortalPermission::Sms, PortalPermission::Tokens],
            &[Scope::Sms],
        ),
    )
    .await;
    let sub_points = sent(&subuser, &sub_me, "+48500100202").await.points;
    let wrong = app
        .another_browser()
        .login("clerk@example.com", "Wrong-password-1")
        .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);

    // Refused calls: the owner's disabled token 3 times, the owner's profile-only token
    // on contacts twice, the subuser's sms-only token on contacts once.
    let disabled = app
        .create_token(&owner, &token_request("Old CRM", &[Scope::Profile]))
        .await;
    app.set_token_disabled(&owner, &disabled.token.id, true)
        .await;
    let narrow = app
        .create_token(&owner, &token_request("Reader", &[Scope::Profile]))
        .await;
    let theirs = subuser
        .create_token(&sub_me, &token_request("Clerk's", &[Scope::Sms]))
        .await;
    for _ in 0..3 {
        app.assert_bearer_get(routes::PROFILE, &disabled.secret, StatusCode::UNAUTHORIZED)
            .await;
    }
    for _ in 0..2 {
        app.assert_bearer_get(routes::CONTACTS, &narrow.secret, StatusCode::FORBIDDEN)
            .await;
    }
    app.assert_bearer_get(routes::CONTACTS, &theirs.secret, StatusCode::FORBIDDEN)
        .await;

    // The owner: the whole company.
    let company = activity_with_refusals(&app, 6).await;
    assert_eq!(company.scope, ActivityScope::Account);
    assert_eq!(company.days, 30);
    assert_eq!(company.points_per_day.len(), 30);
    assert_eq!(company.sign_ins_per_day.len(), 30);
    let last = company.points_per_day.last().unwrap();
    assert_eq!(last.date, today());
    assert_eq!((last.points, last.messages), (owner_points + sub_points, 4));
    assert!(
        company.points_per_day[..29]
            .iter()
            .all(|d| d.points == 0 && d.messages == 0),
        "days without messages are listed with zeros: {:?}",
        company.points_per_day
    );
    let logins: Vec<(Option<&str>, &str, i64, i64)> = company
        .points_by_login
        .iter()
        .map(|l| {
            (
                l.subuser_id.as_deref(),
                l.email.as_str(),
                l.points,
                l.messages,
            )
        })
        .collect();
    assert_eq!(
        logins,
        [
            (None, "owner@example.com", owner_points, 3),
            (Some(sub.id.as_str()), "clerk@example.com", sub_points, 1),
        ]
    );
    let signed_in_today = company.sign_ins_per_day.last().unwrap();
    assert_eq!(signed_in_today.date, today());
    // The owner: the sign-up's session and one sign-in, two failures; the subuser: one
    // sign-in, one failure.
    assert_eq!(
        (signed_in_today.succeeded, signed_in_today.failed),
        (3, 3),
        "{signed_in_today:?}"
    );
    assert_eq!(
        company.refused_calls,
        [
            refused("insufficient_scope", "Token lacks the scope", 3),
            refused("token_disabled", "Token disabled", 3),
        ]
    );
    assert_eq!(
        company.destinations,
        [
            destination("PL", "Poland", 3),
            destination("DE", "Germany", 1)
        ]
    );

    // The subuser: only their own message, sign-ins and token.
    let own = activity_with_refusals(&subuser, 1).await;
    assert_eq!(own.scope, ActivityScope::Own);
    let last = own.points_per_day.last().unwrap();
    assert_eq!((last.points, last.messages), (sub_points, 1));
    assert!(own.points_by_login.is_empty(), "{:?}", own.points_by_login);
    let signed_in_today = own.sign_ins_per_day.last().unwrap();
    assert_eq!((signed_in_today.succeeded, signed_in_today.failed), (1, 1));
    assert_eq!(
        own.refused_calls,
        [refused("insufficient_scope", "Token lacks the scope", 1)]
    );
    assert_eq!(own.destinations, [destination("PL", "Poland", 1)]);
}

async fn days_are_utc_calendar_days_and_the_period_ends_today(app: TestApp) {
    let owner = app.signed_in("owner@example.com").await;
    let first = sent(&app, &owner, "+48500100200").await;
    let second = sent(&app, &owner, "+48500100201").await;
    let third = sent(&app, &owner, "+48500100202").await;
    // A message the transport refused for good is refunded, and not counted.
    let failed = sent(&app, &owner, "+48500100203").await;
    // The last instant of the day before yesterday, the first of yesterday, and 40 days ago.
    let today = Utc::now().date_naive();
    let day_before = today - Duration::days(2);
    let yesterday = today - Duration::days(1);
    let last_instant =
        day_before.and_time(NaiveTime::from_hms_micro_opt(23, 59, 59, 999_999).unwrap());
    let first_instant = yesterday.and_time(NaiveTime::MIN);
    let long_ago =
        (today - Duration::days(40)).and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap());
    {
        use portcullis_api::db::schema::messages;
        for (id, at) in [
            (&first.id, last_instant),
            (&second.id, first_instant),
            (&third.id, long_ago),
        ] {
            diesel::update(messages::table.find(id))
                .set(messages::created_at.eq(at))
                .execute(&mut app.db())
                .unwrap();
        }
        diesel::update(messages::table.find(&failed.id))
            .set(messages::status.eq("failed"))
            .execute(&mut app.db())
            .unwrap();
    }
    let week = activity(&app, "?days=7").await;
    assert_eq!(week.days, 7);
    let days: Vec<(String, i64)> = week
        .points_per_day
        .iter()
        .map(|d| (d.date.clone(), d.messages))
        .collect();
    let day = |offset: i64| {
        (today - Duration::days(offset))
            .format("%Y-%m-%d")
            .to_string()
    };
    assert_eq!(
        days,
        [
            (day(6), 0),
            (day(5), 0),
            (day(4), 0),
            (day(3), 0),
            (day(2), 1),
            (day(1), 1),
            (day(0), 0),
        ]
    );
    assert_eq!(week.destinations, [destination("PL", "Poland", 2)]);
    let quarter = activity(&app, "?days=90").await;
    assert_eq!(quarter.points_per_day.len(), 90);
    assert_eq!(quarter.points_per_day[0].date, day(89));
    let messages: i64 = quarter.points_per_day.iter().map(|d| d.messages).sum();
    assert_eq!(messages, 3);
    let found = quarter
        .points_per_day
        .iter()
        .find(|d| d.date == day(40))
        .unwrap();
    assert_eq!((found.messages, found.points), (1, third.points));
    let one = activity(&app, "?days=1").await;
    assert_eq!(one.points_per_day.len(), 1);
    assert_eq!(one.points_per_day[0].date, day(0));
    assert_eq!(one.points_per_day[0].messages, 0);
}

async fn a_bad_days_is_refused_naming_the_field(app: TestApp) {
    app.signed_in("owner@example.com").await;
    for bad in ["0", "91", "-1", "week", "7.5", ""] {
        let response = app.get(&format!("{}?days={bad}", routes::ACTIVITY)).await;
        expect_field_error(response, "days", "out_of_range").await;
    }
    let anonymous = app.another_browser().get(routes::ACTIVITY).await;
    expect_problem(
        anonymous,
        StatusCode::UNAUTHORIZED,
        ProblemCode::Unauthenticated,
    )
    .await;
}

on_both_backends!(
    workers = 2, settings = FAST_REFUSAL_LOG;
    the_owner_sees_the_company_and_a_subuser_only_their_own
);
on_both_backends!(
    days_are_utc_calendar_days_and_the_period_ends_today,
    a_bad_days_is_refused_naming_the_field
);
