//! The dashboard's security overview: each check follows the setting it looks at, the
//! owner sees the account's settings and a subuser only their own.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use portcullis_shared::{
    dto::{
        CheckStatus, PortalPermission, SecurityCheckId, SecurityOverviewDto, SendingWindowDto,
        SubuserGrantsDto, Weekday,
    },
    routes,
    scope::Scope,
};
use reqwest::StatusCode;

use crate::harness::{sms_request, token_request, TestApp, GOOD_PASSWORD};
use crate::subusers::{grants, signed_in_subuser};

/// `(id, status)` of each check, in the order given (the ones to fix first).
fn statuses(overview: &SecurityOverviewDto) -> Vec<(SecurityCheckId, CheckStatus)> {
    overview.checks.iter().map(|c| (c.id, c.status)).collect()
}

fn items(overview: &SecurityOverviewDto, id: SecurityCheckId) -> Vec<String> {
    overview
        .checks
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no {id:?} check in {overview:?}"))
        .items
        .clone()
}

async fn overview(app: &TestApp) -> SecurityOverviewDto {
    app.get_json(routes::SECURITY_OVERVIEW).await
}

async fn each_check_follows_its_setting_and_names_its_fix(app: TestApp) {
    use SecurityCheckId as Id;
    let owner = app.signed_in("owner@example.com").await;
    let csrf = owner.session.csrf_token.clone();
    let fresh = overview(&app).await;
    assert_eq!(
        statuses(&fresh),
        [
            (Id::TwoFactor, CheckStatus::Risk),
            (Id::ApiAllowlist, CheckStatus::Warning),
            (Id::PortalAllowlist, CheckStatus::Warning),
            (Id::TokensWithoutExpiry, CheckStatus::Ok),
            (Id::UnusedTokens, CheckStatus::Ok),
            (Id::CountryFilter, CheckStatus::Ok),
        ]
    );
    assert_eq!(fresh.score, 50);
    assert_eq!(fresh.checks[0].fix, "/security/two-factor");

    // A token without expiry, then the same token idle for 100 days.
    let token = app
        .create_token(&owner, &token_request("legacy", &[Scope::Sms]))
        .await;
    let now = overview(&app).await;
    assert_eq!(items(&now, Id::TokensWithoutExpiry), ["legacy"]);
    assert!(items(&now, Id::UnusedTokens).is_empty());
    {
        use portcullis_api::db::schema::api_tokens;
        let long_ago = (Utc::now() - Duration::days(100)).naive_utc();
        diesel::update(api_tokens::table.find(&token.token.id))
            .set(api_tokens::created_at.eq(long_ago))
            .execute(&mut app.db())
            .unwrap();
    }
    assert_eq!(items(&overview(&app).await, Id::UnusedTokens), ["legacy"]);

    // Two-factor, the API allowlist, a wider country filter than the traffic.
    app.turn_on_sms_two_factor(&csrf, GOOD_PASSWORD, "+48 600 700 800")
        .await;
    let added = app.add_api_allowlist_entry(&csrf, "203.0.113.0/24").await;
    assert_eq!(added.status(), StatusCode::CREATED);
    app.lift_trial_restriction("owner@example.com");
    let filter = app.put_country_filter(&csrf, &["PL", "DE", "US"]).await;
    assert_eq!(filter.status(), StatusCode::OK);
    let sent = app
        .send_sms_from_portal(&owner, &sms_request("+48500100200", "Hi"))
        .await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    let now = overview(&app).await;
    assert_eq!(items(&now, Id::TwoFactor), ["sms"]);
    assert_eq!(items(&now, Id::CountryFilter), ["DE", "US"]);
    assert!(statuses(&now).contains(&(Id::ApiAllowlist, CheckStatus::Ok)));
    // What each title counts, for clients that word the checks themselves.
    let count = |id| now.checks.iter().find(|c| c.id == id).unwrap().count;
    assert_eq!(count(Id::ApiAllowlist), 1, "one allowlist entry");
    assert_eq!(count(Id::CountryFilter), 2, "two countries without traffic");
    assert_eq!(count(Id::TwoFactor), 1, "one method");
    assert!(statuses(&now).contains(&(Id::TwoFactor, CheckStatus::Ok)));

    // A subuser without two-factor is a risk to the owner; the subuser sees only their own
    // checks.
    let (_, subuser, _) = signed_in_subuser(
        &app,
        &owner,
        "clerk@example.com",
        SubuserGrantsDto {
            monthly_points_limit: Some(500),
            sending_window: Some(SendingWindowDto {
                days: vec![Weekday::Mon, Weekday::Fri],
                start: "08:00".to_owned(),
                end: "18:00".to_owned(),
                time_zone: "Europe/Warsaw".to_owned(),
            }),
            ..grants(&[PortalPermission::Sms], &[Scope::Sms])
        },
    )
    .await;
    let now = overview(&app).await;
    assert_eq!(now.checks[0].id, Id::SubusersTwoFactor);
    assert_eq!(now.checks[0].status, CheckStatus::Risk);
    assert_eq!(items(&now, Id::SubusersTwoFactor), ["clerk@example.com"]);
    let theirs: SecurityOverviewDto = subuser.get_json(routes::SECURITY_OVERVIEW).await;
    assert_eq!(
        statuses(&theirs),
        [
            (Id::TwoFactor, CheckStatus::Risk),
            (Id::TokensWithoutExpiry, CheckStatus::Ok),
            (Id::UnusedTokens, CheckStatus::Ok),
        ],
        "the owner's token and the account's settings are not the subuser's"
    );
    // The subuser sees their own limits and usage; the owner has none of their own.
    let limits = theirs.limits.expect("a subuser's limits");
    assert_eq!(
        (limits.points_used_this_month, limits.monthly_points_limit),
        (0, Some(500))
    );
    let window = limits.sending_window.expect("their sending window");
    assert_eq!(
        (window.start.as_str(), window.end.as_str()),
        ("08:00", "18:00")
    );
    assert_eq!(now.limits, None);

    // Anonymous callers get nothing.
    let anonymous = reqwest::get(app.url(routes::SECURITY_OVERVIEW))
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

on_both_backends!(each_check_follows_its_setting_and_names_its_fix);
