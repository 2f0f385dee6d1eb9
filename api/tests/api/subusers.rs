//! Subusers: created by the owner, signing in on their own, limited to their
//! portal permissions, API scopes, sender names, contact groups, sending
//! hours and monthly points.

use diesel::prelude::*;
use portcullis_shared::{
    dto::{
        ConfirmPasswordResetRequest, ContactDto, ContactGroupDto, CreateContactGroupRequest,
        CreateContactRequest, CreateOAuthClientRequest, CreateSubuserRequest, CreatedTokenDto,
        MeResponse, MessageDto, PortalPermission, RequestSenderRequest, Role, SecurityEventKind,
        SecurityLogPage, SendSmsRequest, SenderDto, SendingWindowDto, SubuserDto, SubuserGrantsDto,
        SubuserStatus, UpdateContactRequest, UpdatePasswordPolicyRequest, UpdateSubuserRequest,
        Weekday,
    },
    endpoints::{CreateContactGroup, CreateSender},
    problem::{Problem, ProblemCode},
    routes,
    scope::Scope,
};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::harness::{
    expect_field_error, expect_problem, field_codes, oauth_client_request, portal_allowlist_entry,
    sms_request, token_request, TestApp,
};
use crate::typed_client::Caller;

/// A subuser's password.
pub const SUB_PASSWORD: &str = "Amber-Lantern-77";

/// The owner's session, with approved sender names `ACME` and `OTHER` and
/// contact groups `Shop` and `Office`; returns the session and the group ids.
pub async fn owner_with_senders_and_groups(
    app: &TestApp,
    email: &str,
) -> (MeResponse, String, String) {
    let me = app.signed_in(email).await;
    for name in ["ACME", "OTHER"] {
        let request = RequestSenderRequest {
            name: name.to_owned(),
        };
        app.call::<CreateSender>(Caller::Session(&me), &(), &request, StatusCode::CREATED)
            .await;
    }
    {
        use portcullis_api::db::schema::sender_names;
        // The gateway operator's approval (`portcullis senders approve`).
        diesel::update(sender_names::table)
            .set(sender_names::status.eq("approved"))
            .execute(&mut app.db())
            .expect("approve sender names");
    }
    let mut groups = Vec::new();
    for name in ["Shop", "Office"] {
        let request = CreateContactGroupRequest {
            name: name.to_owned(),
        };
        let group = app
            .call::<CreateContactGroup>(Caller::Session(&me), &(), &request, StatusCode::CREATED)
            .await;
        groups.push(group.id);
    }
    let office = groups.pop().unwrap();
    let shop = groups.pop().unwrap();
    (me, shop, office)
}

/// Grants of these portal permissions and API scopes, and no other limit.
pub fn grants(portal: &[PortalPermission], scopes: &[Scope]) -> SubuserGrantsDto {
    SubuserGrantsDto {
        portal: portal.to_vec(),
        scopes: scopes.to_vec(),
        ..SubuserGrantsDto::default()
    }
}

/// A subuser with the password [`SUB_PASSWORD`] and these grants.
pub fn subuser_request(email: &str, grants: SubuserGrantsDto) -> CreateSubuserRequest {
    CreateSubuserRequest {
        email: email.to_owned(),
        password: Some(SUB_PASSWORD.to_owned()),
        phone: None,
        grants,
    }
}

pub async fn create_subuser(
    app: &TestApp,
    owner: &MeResponse,
    request: &CreateSubuserRequest,
) -> SubuserDto {
    let response = app
        .post_json(routes::SUBUSERS, request, &owner.session.csrf_token)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.expect("SubuserDto")
}

pub async fn update_grants(
    app: &TestApp,
    owner: &MeResponse,
    id: &str,
    grants: SubuserGrantsDto,
) -> SubuserDto {
    let request = UpdateSubuserRequest {
        phone: None,
        grants,
    };
    let response = app
        .portal_json(
            Method::PUT,
            &routes::SUBUSER.replace("{id}", id),
            &owner.session.csrf_token,
            &request,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("SubuserDto")
}

/// Signs the subuser in from a browser of their own (passing the new-device
/// check with the code e-mailed to them).
pub async fn subuser_browser(app: &TestApp, email: &str) -> (TestApp, MeResponse) {
    let browser = app.another_browser();
    let me = browser.signed_in_again_with(email, SUB_PASSWORD).await;
    (browser, me)
}

/// A subuser of `owner` with these grants, signed in from a browser of their
/// own: the subuser, that browser and its session.
pub async fn signed_in_subuser(
    app: &TestApp,
    owner: &MeResponse,
    email: &str,
    grants: SubuserGrantsDto,
) -> (SubuserDto, TestApp, MeResponse) {
    let sub = create_subuser(app, owner, &subuser_request(email, grants)).await;
    let (browser, me) = subuser_browser(app, email).await;
    (sub, browser, me)
}

/// An owner with [`owner_with_senders_and_groups`] and a subuser of theirs,
/// signed in, who may send SMS from the portal up to `limit` points a month:
/// the owner's session, the subuser, their browser and their session.
async fn owner_and_sms_subuser_with_monthly_limit(
    app: &TestApp,
    email: &str,
    limit: i64,
) -> (MeResponse, SubuserDto, TestApp, MeResponse) {
    let (owner, _, _) = owner_with_senders_and_groups(app, "owner@example.com").await;
    let grants = SubuserGrantsDto {
        monthly_points_limit: Some(limit),
        ..grants(&[PortalPermission::Sms], &[])
    };
    let (sub, browser, me) = signed_in_subuser(app, &owner, email, grants).await;
    (owner, sub, browser, me)
}

/// Disables the subuser `id` (or enables them again) as `owner`; returns the
/// subuser as they now stand.
pub async fn set_subuser_disabled(
    app: &TestApp,
    owner: &MeResponse,
    id: &str,
    disabled: bool,
) -> SubuserDto {
    let path = if disabled {
        routes::SUBUSER_DISABLE
    } else {
        routes::SUBUSER_ENABLE
    };
    let response = app
        .portal(
            Method::POST,
            &path.replace("{id}", id),
            &owner.session.csrf_token,
            None,
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "set disabled: {disabled}"
    );
    response.json().await.expect("SubuserDto")
}

async fn expect_denied(response: reqwest::Response, permission: &str) -> Problem {
    let problem = expect_problem(
        response,
        StatusCode::FORBIDDEN,
        ProblemCode::PermissionDenied,
    )
    .await;
    assert_eq!(
        problem.permission.as_deref(),
        Some(permission),
        "{problem:?}"
    );
    problem
}

async fn bearer(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .request(method, app.url(path))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("request")
}

async fn owner_balance(app: &TestApp) -> i64 {
    app.get_json::<MeResponse>(routes::ME)
        .await
        .account
        .points_balance
}

async fn a_subuser_signs_in_and_sends_only_from_granted_sender_names(app: TestApp) {
    let (owner, shop, _) = owner_with_senders_and_groups(&app, "owner@example.com").await;
    let created = create_subuser(
        &app,
        &owner,
        &subuser_request(
            "branch@example.com",
            SubuserGrantsDto {
                senders: vec!["ACME".to_owned()],
                contact_groups: vec![shop.clone()],
                ..grants(&[PortalPermission::Sms], &[Scope::Sms])
            },
        ),
    )
    .await;
    assert_eq!(created.status, SubuserStatus::Active);
    assert_eq!(created.grants.senders, vec!["ACME".to_owned()]);
    assert_eq!(created.points_used_this_month, 0);
    assert!(created.last_login_at.is_none());
    let listed: Vec<SubuserDto> = app.get_json(routes::SUBUSERS).await;
    assert_eq!(listed, vec![created.clone()]);

    let (sub, me) = subuser_browser(&app, "branch@example.com").await;
    assert_eq!(me.access.role, Role::Subuser);
    assert_eq!(me.access.account_id, owner.account.id);
    assert_eq!(me.access.portal, vec![PortalPermission::Sms]);
    assert_eq!(me.access.scopes, vec![Scope::Sms]);
    // The names they may send from travel with the session (for a send form without `senders`).
    assert_eq!(me.access.senders, vec!["ACME".to_owned()]);
    let owner_me: MeResponse = app.get_json(routes::ME).await;
    assert_eq!(owner_me.access.role, Role::Owner);
    assert!(owner_me.access.senders.is_empty());
    assert_eq!(
        me.account.points_balance, owner_me.account.points_balance,
        "a subuser sees the company balance"
    );
    assert_eq!(me.account.email, "branch@example.com");

    // Only the granted sender name is visible (`sms` is enough to list the
    // names one may send from) and usable.
    let senders: Vec<SenderDto> = sub.get_json(routes::SENDERS).await;
    assert_eq!(
        senders.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        ["ACME"]
    );
    let balance = owner_balance(&app).await;
    let refused = sub
        .send_sms_from_portal(
            &me,
            &SendSmsRequest {
                to: "+48500100300".to_owned(),
                text: "Hi".to_owned(),
                sender: Some("OTHER".to_owned()),
            },
        )
        .await;
    expect_field_error(refused, "sender", "unknown_sender").await;
    assert_eq!(
        owner_balance(&app).await,
        balance,
        "a refused send charges nothing"
    );

    let sent = sub
        .send_sms_from_portal(
            &me,
            &SendSmsRequest {
                to: "+48500100300".to_owned(),
                text: "Hi".to_owned(),
                sender: Some("ACME".to_owned()),
            },
        )
        .await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    let sent: MessageDto = sent.json().await.unwrap();
    assert_eq!(
        owner_balance(&app).await,
        balance - 1,
        "the company balance pays"
    );
    // Without CSRF, a session cannot send.
    let no_csrf = sub
        .client
        .post(sub.url(routes::SMS))
        .json(&sms_request("+48500100300", "Hi"))
        .send()
        .await
        .unwrap();
    expect_problem(no_csrf, StatusCode::FORBIDDEN, ProblemCode::CsrfFailed).await;

    // The owner's own message is not the subuser's to see; theirs is the owner's.
    let owners = app
        .send_sms_from_portal(&owner, &sms_request("+48500100301", "From the owner"))
        .await;
    assert_eq!(owners.status(), StatusCode::CREATED);
    let owners: MessageDto = owners.json().await.unwrap();
    let seen: Vec<MessageDto> = sub.get_json(routes::SMS).await;
    assert_eq!(seen.iter().map(|m| &m.id).collect::<Vec<_>>(), [&sent.id]);
    let hidden = sub
        .get(&routes::SMS_MESSAGE.replace("{id}", &owners.id))
        .await;
    expect_problem(hidden, StatusCode::NOT_FOUND, ProblemCode::NotFound).await;
    let all: Vec<MessageDto> = app.get_json(routes::SMS).await;
    assert_eq!(all.len(), 2);

    // Everything else is refused by the API, naming what is missing.
    expect_denied(sub.get(routes::TOKENS).await, "tokens").await;
    expect_denied(sub.get(routes::SUBUSERS).await, "subusers").await;
    expect_denied(sub.get(routes::CONTACTS).await, "contacts:read").await;
    expect_denied(sub.get(routes::SECURITY_LOG).await, "security_log").await;
    expect_denied(sub.get(routes::API_ALLOWLIST).await, "settings").await;
    let countries: portcullis_shared::dto::CountryFilterDto =
        sub.get_json(routes::COUNTRY_FILTER).await;
    assert_eq!(
        countries.countries,
        ["PL"],
        "the company's filter, read-only"
    );
    let change = sub
        .put_country_filter(&me.session.csrf_token, &["PL", "DE"])
        .await;
    expect_denied(change, "settings").await;
    let policy = sub
        .set_two_factor_policy(&me.session.csrf_token, true)
        .await;
    expect_denied(policy, "settings").await;

    // The owner sees the subuser's sign-in, points and events.
    let seen: SubuserDto = app
        .get_json(&routes::SUBUSER.replace("{id}", &created.id))
        .await;
    assert!(seen.last_login_at.is_some());
    assert_eq!(seen.points_used_this_month, 1);
    let owner_log = app.security_events(SecurityEventKind::LoginSucceeded).await;
    assert!(
        owner_log.iter().any(|e| e.actor == created.id),
        "{owner_log:?}"
    );
    assert_eq!(
        app.security_events(SecurityEventKind::SubuserCreated)
            .await
            .len(),
        1
    );
    let theirs: SecurityLogPage = app
        .get_json(&routes::SUBUSER_SECURITY_LOG.replace("{id}", &created.id))
        .await;
    assert!(theirs
        .events
        .iter()
        .all(|e| e.actor == created.id || e.actor == "anonymous"));
    assert!(theirs
        .events
        .iter()
        .any(|e| e.kind == SecurityEventKind::LoginSucceeded));
}

/// A request a login with `permission` may make, and its success status.
fn portal_probe(
    permission: PortalPermission,
    shop: &str,
) -> (Method, &'static str, Option<Value>, StatusCode) {
    match permission {
        PortalPermission::Sms => (Method::GET, routes::SMS, None, StatusCode::OK),
        PortalPermission::Contacts => (
            Method::POST,
            routes::CONTACTS,
            Some(json!({"phone": "+48500100999", "groups": [shop]})),
            StatusCode::CREATED,
        ),
        PortalPermission::ContactsRead => {
            (Method::GET, routes::CONTACT_GROUPS, None, StatusCode::OK)
        }
        PortalPermission::Senders => (Method::GET, routes::SENDERS, None, StatusCode::OK),
        PortalPermission::Tokens => (Method::GET, routes::TOKENS, None, StatusCode::OK),
        PortalPermission::SecurityLog => (Method::GET, routes::SECURITY_LOG, None, StatusCode::OK),
    }
}

async fn each_portal_permission_allows_its_part_and_its_absence_refuses_it(app: TestApp) {
    let (owner, shop, _) = owner_with_senders_and_groups(&app, "owner@example.com").await;
    let (sub, browser, me) = signed_in_subuser(
        &app,
        &owner,
        "clerk@example.com",
        SubuserGrantsDto::default(),
    )
    .await;
    for permission in PortalPermission::ALL {
        let (method, path, body, ok) = portal_probe(permission, &shop);
        // With only this permission: allowed.
        update_grants(
            &app,
            &owner,
            &sub.id,
            SubuserGrantsDto {
                contact_groups: vec![shop.clone()],
                ..grants(&[permission], &[])
            },
        )
        .await;
        let response = browser
            .portal(method.clone(), path, &me.session.csrf_token, body.clone())
            .await;
        assert_eq!(response.status(), ok, "{permission:?} granted");
        if permission == PortalPermission::Contacts {
            // Created once; the refusal below must not depend on a duplicate.
            let contacts: Vec<ContactDto> = app.get_json(routes::CONTACTS).await;
            let id = &contacts[0].id;
            let deleted = app
                .portal(
                    Method::DELETE,
                    &routes::CONTACT.replace("{id}", id),
                    &owner.session.csrf_token,
                    None,
                )
                .await;
            assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
        }
        // With every other permission (none that covers this one; `sms` also
        // lists the sender names one may send from): refused, naming it.
        let others: Vec<PortalPermission> = PortalPermission::ALL
            .into_iter()
            .filter(|p| !p.covers(permission))
            .filter(|p| permission != PortalPermission::Senders || *p != PortalPermission::Sms)
            .collect();
        update_grants(
            &app,
            &owner,
            &sub.id,
            SubuserGrantsDto {
                portal: others.clone(),
                contact_groups: vec![shop.clone()],
                ..Default::default()
            },
        )
        .await;
        let response = browser
            .portal(method, path, &me.session.csrf_token, body)
            .await;
        expect_denied(response, permission.as_str()).await;
    }
    assert_eq!(
        app.count("contacts"),
        0,
        "the refused create stored nothing"
    );
}

/// A call a token with `scope` may make, and its success status.
fn scope_probe(scope: Scope, shop: &str) -> (Method, &'static str, Option<Value>, StatusCode) {
    match scope {
        Scope::Sms => (Method::GET, routes::SMS, None, StatusCode::OK),
        Scope::SmsSender => (Method::GET, routes::SENDERS, None, StatusCode::OK),
        Scope::Contacts => (
            Method::POST,
            routes::CONTACTS,
            Some(json!({"phone": "+48500100998", "groups": [shop]})),
            StatusCode::CREATED,
        ),
        Scope::ContactsRead => (Method::GET, routes::CONTACTS, None, StatusCode::OK),
        Scope::Profile => (Method::GET, routes::PROFILE, None, StatusCode::OK),
        Scope::Authenticator => (
            Method::POST,
            routes::AUTHENTICATOR_CODES,
            Some(json!({"to": "+48500100200"})),
            StatusCode::CREATED,
        ),
    }
}

async fn each_scope_works_on_a_subusers_token_until_the_subuser_loses_it(app: TestApp) {
    let (owner, shop, _) = owner_with_senders_and_groups(&app, "owner@example.com").await;
    let (sub, browser, me) = signed_in_subuser(
        &app,
        &owner,
        "robot@example.com",
        grants(&[PortalPermission::Tokens], &[]),
    )
    .await;
    for scope in Scope::ALL {
        // A token can carry only scopes the subuser has.
        update_grants(
            &app,
            &owner,
            &sub.id,
            SubuserGrantsDto {
                contact_groups: vec![shop.clone()],
                ..grants(&[PortalPermission::Tokens], &[])
            },
        )
        .await;
        let too_wide = browser
            .post_json(
                routes::TOKENS,
                &token_request("wide", &[scope]),
                &me.session.csrf_token,
            )
            .await;
        let problem = expect_problem(
            too_wide,
            StatusCode::UNPROCESSABLE_ENTITY,
            ProblemCode::ValidationFailed,
        )
        .await;
        assert_eq!(
            field_codes(&problem, "scopes"),
            ["invalid_scope"],
            "{scope:?}"
        );

        update_grants(
            &app,
            &owner,
            &sub.id,
            SubuserGrantsDto {
                contact_groups: vec![shop.clone()],
                ..grants(&[PortalPermission::Tokens], &[scope])
            },
        )
        .await;
        let token: CreatedTokenDto = browser
            .create_token(&me, &token_request(scope.as_str(), &[scope]))
            .await;
        let (method, path, body, ok) = scope_probe(scope, &shop);
        let response = bearer(&app, method.clone(), path, &token.secret, body.clone()).await;
        assert_eq!(response.status(), ok, "{scope:?} granted");
        if scope == Scope::Contacts {
            let contacts: Vec<ContactDto> = app.get_json(routes::CONTACTS).await;
            let deleted = app
                .portal(
                    Method::DELETE,
                    &routes::CONTACT.replace("{id}", &contacts[0].id),
                    &owner.session.csrf_token,
                    None,
                )
                .await;
            assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
        }

        // The owner takes the scope away: the existing token loses it at once.
        let others: Vec<Scope> = Scope::ALL
            .into_iter()
            .filter(|s| !s.covers(scope))
            .collect();
        update_grants(
            &app,
            &owner,
            &sub.id,
            SubuserGrantsDto {
                scopes: others.clone(),
                contact_groups: vec![shop.clone()],
                ..grants(&[PortalPermission::Tokens], &[])
            },
        )
        .await;
        let response = bearer(&app, method, path, &token.secret, body).await;
        expect_denied(response, scope.as_str()).await;
    }
    // The owner sees the subuser's tokens; the subuser sees only their own.
    let owners_token = app
        .create_token(&owner, &token_request("owner's", &[Scope::Sms]))
        .await;
    let theirs: Vec<portcullis_shared::dto::TokenDto> = browser.get_json(routes::TOKENS).await;
    assert_eq!(theirs.len(), Scope::ALL.len());
    assert!(theirs.iter().all(|t| t.id != owners_token.token.id));
    let all: Vec<portcullis_shared::dto::TokenDto> = app.get_json(routes::TOKENS).await;
    assert_eq!(all.len(), Scope::ALL.len() + 1);
}

/// Lacking what an endpoint needs is one answer whatever the credential: a
/// token without the scope and a subuser's session without the portal
/// permission both get `403 permission_denied` naming it (the token also gets
/// RFC 6750's `insufficient_scope` challenge).
async fn a_token_lacking_a_scope_and_a_subuser_lacking_a_grant_get_the_same_refusal(app: TestApp) {
    let owner = app.signed_in("same@example.com").await;
    let token = app
        .create_token(&owner, &token_request("sms only", &[Scope::Sms]))
        .await;
    let (_, sub, _) = signed_in_subuser(
        &app,
        &owner,
        "same-sub@example.com",
        grants(&[PortalPermission::Sms], &[Scope::Sms]),
    )
    .await;

    let by_token = bearer(&app, Method::GET, routes::CONTACTS, &token.secret, None).await;
    let challenge = by_token.headers()[reqwest::header::WWW_AUTHENTICATE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        challenge.contains("error=\"insufficient_scope\""),
        "{challenge}"
    );
    let by_token = expect_denied(by_token, "contacts:read").await;
    let by_session = expect_denied(sub.get(routes::CONTACTS).await, "contacts:read").await;
    assert_eq!(by_token.code, by_session.code);
    assert_eq!(by_token.status, by_session.status);
}

on_both_backends!(
    a_token_lacking_a_scope_and_a_subuser_lacking_a_grant_get_the_same_refusal,
    a_subuser_signs_in_and_sends_only_from_granted_sender_names,
    each_portal_permission_allows_its_part_and_its_absence_refuses_it,
    each_scope_works_on_a_subusers_token_until_the_subuser_loses_it,
);

/// A window that is closed now and opens in about two hours, in a zone with
/// a half-hour offset (Asia/Kolkata, UTC+05:30, no daylight saving): its
/// grants and the UTC time it opens next.
fn window_closed_now() -> (SendingWindowDto, chrono::DateTime<chrono::Utc>) {
    use chrono::{Duration, Timelike};
    let offset = Duration::minutes(5 * 60 + 30);
    let local_now = chrono::Utc::now().naive_utc() + offset;
    let start_hour = (local_now.hour() + 2) % 24;
    let end = if start_hour == 23 {
        "24:00".to_owned()
    } else {
        format!("{:02}:00", start_hour + 1)
    };
    let mut opening = local_now.date().and_hms_opt(start_hour, 0, 0).unwrap();
    if opening <= local_now {
        opening += Duration::days(1);
    }
    let window = SendingWindowDto {
        days: Weekday::ALL.to_vec(),
        start: format!("{start_hour:02}:00"),
        end,
        time_zone: "Asia/Kolkata".to_owned(),
    };
    (window, (opening - offset).and_utc())
}

async fn sending_outside_the_window_is_refused_with_when_it_opens(app: TestApp) {
    let (owner, _, _) = owner_with_senders_and_groups(&app, "owner@example.com").await;
    let (window, opens_at) = window_closed_now();
    let (_, sub, me) = signed_in_subuser(
        &app,
        &owner,
        "night@example.com",
        SubuserGrantsDto {
            sending_window: Some(window),
            ..grants(&[PortalPermission::Sms], &[])
        },
    )
    .await;
    let balance = owner_balance(&app).await;
    let response = sub
        .send_sms_from_portal(&me, &sms_request("+48500100300", "Late"))
        .await;
    let retry_after: i64 = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .expect("Retry-After")
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let problem = expect_problem(
        response,
        StatusCode::FORBIDDEN,
        ProblemCode::OutsideSendingHours,
    )
    .await;
    assert_eq!(
        problem.opens_at.as_deref(),
        Some(
            opens_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                .as_str()
        )
    );
    let until = (opens_at - chrono::Utc::now()).num_seconds();
    assert!(
        (until - 5..=until + 5).contains(&retry_after),
        "{retry_after} vs {until}"
    );
    assert_eq!(owner_balance(&app).await, balance, "nothing charged");
    assert_eq!(app.count("messages"), 0, "nothing queued");

    // The owner is not bound by it, and a window that is open now lets the subuser send.
    let sub_id = app.get_json::<Vec<SubuserDto>>(routes::SUBUSERS).await[0]
        .id
        .clone();
    update_grants(
        &app,
        &owner,
        &sub_id,
        SubuserGrantsDto {
            sending_window: Some(SendingWindowDto {
                days: Weekday::ALL.to_vec(),
                start: "00:00".to_owned(),
                end: "24:00".to_owned(),
                time_zone: "Europe/Warsaw".to_owned(),
            }),
            ..grants(&[PortalPermission::Sms], &[])
        },
    )
    .await;
    let response = sub
        .send_sms_from_portal(&me, &sms_request("+48500100300", "Now"))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

async fn the_monthly_points_limit_refuses_before_anything_is_queued_or_charged(app: TestApp) {
    let (owner, sub, browser, me) =
        owner_and_sms_subuser_with_monthly_limit(&app, "budget@example.com", 3).await;
    let send = |text: String| {
        let request = sms_request("+48500100300", text);
        let (browser, csrf) = (&browser, &me.session.csrf_token);
        async move {
            browser
                .portal_json(Method::POST, routes::SMS, csrf, &request)
                .await
        }
    };
    for _ in 0..2 {
        assert_eq!(send("One part".into()).await.status(), StatusCode::CREATED);
    }
    let balance = owner_balance(&app).await;
    // Two parts (2 points) with 1 point left: refused whole.
    let long = "x".repeat(200);
    let problem = expect_problem(
        send(long).await,
        StatusCode::PAYMENT_REQUIRED,
        ProblemCode::PointsLimitReached,
    )
    .await;
    assert!(problem.detail.unwrap().contains("2 of your 3"));
    assert_eq!(owner_balance(&app).await, balance);
    assert_eq!(app.count("messages"), 2);
    assert_eq!(send("Last one".into()).await.status(), StatusCode::CREATED);
    expect_problem(
        send("Over".into()).await,
        StatusCode::PAYMENT_REQUIRED,
        ProblemCode::PointsLimitReached,
    )
    .await;
    assert_eq!(app.count("messages"), 3);
    let seen: SubuserDto = app
        .get_json(&routes::SUBUSER.replace("{id}", &sub.id))
        .await;
    assert_eq!(seen.points_used_this_month, 3);
    // Raising the limit lets them send again at once.
    update_grants(
        &app,
        &owner,
        &sub.id,
        SubuserGrantsDto {
            monthly_points_limit: Some(4),
            ..grants(&[PortalPermission::Sms], &[])
        },
    )
    .await;
    assert_eq!(send("Again".into()).await.status(), StatusCode::CREATED);
}

/// Twenty portal sends at once, alternating between two browsers (each with
/// its session): their statuses, in order.
async fn twenty_sends_at_once(
    browsers: [(&TestApp, &MeResponse); 2],
    text: &str,
) -> Vec<StatusCode> {
    let sends = (0..20).map(|i| {
        let (browser, me) = browsers[i % 2];
        async move {
            browser
                .portal_json(
                    Method::POST,
                    routes::SMS,
                    &me.session.csrf_token,
                    &sms_request("+48500100300", format!("{text} {i}")),
                )
                .await
                .status()
        }
    });
    futures_util::future::join_all(sends).await
}

/// Twenty sends at once from two sessions of one subuser whose limit fits five.
async fn concurrent_sends_cannot_overspend_the_limit(app: TestApp) {
    let (_, sub, first, first_me) =
        owner_and_sms_subuser_with_monthly_limit(&app, "rush@example.com", 5).await;
    let (second, second_me) = subuser_browser(&app, "rush@example.com").await;
    let balance = owner_balance(&app).await;
    let statuses = twenty_sends_at_once([(&first, &first_me), (&second, &second_me)], "Rush").await;
    let (created, refused) = crate::harness::created_and_payment_required(&statuses);
    assert_eq!((created, refused), (5, 15), "{statuses:?}");
    assert_eq!(owner_balance(&app).await, balance - 5);
    assert_eq!(app.count("messages"), 5);
    let seen: SubuserDto = app
        .get_json(&routes::SUBUSER.replace("{id}", &sub.id))
        .await;
    assert_eq!(seen.points_used_this_month, 5);
}

on_both_backends!(workers = 4; concurrent_sends_cannot_overspend_the_limit);

/// A subuser's sends at once for more points than the owner has left: only
/// those the balance covers are sent, and the month counts only them (the
/// others' usage, charged before the balance, is undone with them).
async fn sends_beyond_the_owners_balance_count_only_the_sent_in_the_month(app: TestApp) {
    let (owner, sub, first, first_me) =
        owner_and_sms_subuser_with_monthly_limit(&app, "short@example.com", 50).await;
    let (second, second_me) = subuser_browser(&app, "short@example.com").await;
    app.set_points_balance(&owner.account.id, 3);
    let statuses =
        twenty_sends_at_once([(&first, &first_me), (&second, &second_me)], "Short").await;
    let (created, refused) = crate::harness::created_and_payment_required(&statuses);
    assert_eq!((created, refused), (3, 17), "{statuses:?}");
    assert_eq!(owner_balance(&app).await, 0);
    assert_eq!(app.count("messages"), 3);
    assert_eq!(app.count("message_senders"), 3);
    let seen: SubuserDto = app
        .get_json(&routes::SUBUSER.replace("{id}", &sub.id))
        .await;
    assert_eq!(seen.points_used_this_month, 3);
}

on_both_backends!(workers = 4; sends_beyond_the_owners_balance_count_only_the_sent_in_the_month);

async fn a_disabled_subuser_cannot_sign_in_or_use_sessions_or_tokens(app: TestApp) {
    let (owner, _, _) = owner_with_senders_and_groups(&app, "owner@example.com").await;
    let (sub, browser, me) = signed_in_subuser(
        &app,
        &owner,
        "leaver@example.com",
        grants(
            &[PortalPermission::Sms, PortalPermission::Tokens],
            &[Scope::Sms],
        ),
    )
    .await;
    let token = browser
        .create_token(&me, &token_request("script", &[Scope::Sms]))
        .await;
    app.assert_bearer_get(routes::SMS, &token.secret, StatusCode::OK)
        .await;

    let disabled = set_subuser_disabled(&app, &owner, &sub.id, true).await;
    assert_eq!(disabled.status, SubuserStatus::Disabled);
    browser.expect_signed_out().await;
    expect_problem(
        app.bearer_get(routes::SMS, &token.secret).await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::TokenDisabled,
    )
    .await;
    // Same answer as a wrong password, and only for the right one.
    let fresh = app.another_browser();
    expect_problem(
        fresh.login("leaver@example.com", SUB_PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::InvalidCredentials,
    )
    .await;
    expect_problem(
        fresh.login("leaver@example.com", "Wrong-Password-9").await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::InvalidCredentials,
    )
    .await;

    let enabled = set_subuser_disabled(&app, &owner, &sub.id, false).await;
    assert_eq!(enabled.status, SubuserStatus::Active);
    app.assert_bearer_get(routes::SMS, &token.secret, StatusCode::OK)
        .await;
    let (again, again_me) = subuser_browser(&app, "leaver@example.com").await;
    let sent = again
        .send_sms_from_portal(&again_me, &sms_request("+48500100300", "Bye"))
        .await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    let sent: MessageDto = sent.json().await.unwrap();

    // Deleting ends the session and revokes the token; the message stays.
    let deleted = app
        .portal(
            Method::DELETE,
            &routes::SUBUSER.replace("{id}", &sub.id),
            &owner.session.csrf_token,
            None,
        )
        .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    again.expect_signed_out().await;
    let refused = app.bearer_get(routes::SMS, &token.secret).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let kept: MessageDto = app
        .get_json(&routes::SMS_MESSAGE.replace("{id}", &sent.id))
        .await;
    assert_eq!(kept.id, sent.id);
    assert!(app
        .get_json::<Vec<SubuserDto>>(routes::SUBUSERS)
        .await
        .is_empty());
    let missing = app.get(&routes::SUBUSER.replace("{id}", &sub.id)).await;
    expect_problem(missing, StatusCode::NOT_FOUND, ProblemCode::NotFound).await;
    // The e-mail is free again, and the events stay in the owner's log.
    create_subuser(
        &app,
        &owner,
        &subuser_request("leaver@example.com", SubuserGrantsDto::default()),
    )
    .await;
    for kind in [
        SecurityEventKind::SubuserDisabled,
        SecurityEventKind::SubuserEnabled,
        SecurityEventKind::SubuserDeleted,
    ] {
        assert_eq!(app.security_events(kind).await.len(), 1, "{kind:?}");
    }
    let theirs: SecurityLogPage = app
        .get_json(&routes::SUBUSER_SECURITY_LOG.replace("{id}", &sub.id))
        .await;
    assert!(theirs
        .events
        .iter()
        .any(|e| e.kind == SecurityEventKind::TokenCreated));
}

async fn an_invited_subuser_sets_a_password_from_the_emailed_link(app: TestApp) {
    let (owner, _, _) = owner_with_senders_and_groups(&app, "owner@example.com").await;
    let sub = create_subuser(
        &app,
        &owner,
        &CreateSubuserRequest {
            email: "new.hire@example.com".to_owned(),
            password: None,
            phone: None,
            grants: grants(&[PortalPermission::Sms], &[]),
        },
    )
    .await;
    assert_eq!(sub.status, SubuserStatus::Invited);
    let mails = app
        .wait_for_mails("new.hire@example.com", "subuser_invitation", 1)
        .await;
    let resent = app
        .portal(
            Method::POST,
            &routes::SUBUSER_INVITATION.replace("{id}", &sub.id),
            &owner.session.csrf_token,
            None,
        )
        .await;
    assert_eq!(resent.status(), StatusCode::ACCEPTED);
    app.wait_for_mails("new.hire@example.com", "subuser_invitation", 2)
        .await;
    let body = &mails[0].body;
    let token = body
        .split("token=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("a link with a token");
    assert!(body.contains(&format!("{}?token=", routes::RESET_PASSWORD_PAGE)));
    // The password policy applies.
    let weak = app
        .post_json(
            routes::PASSWORD_RESET_CONFIRM,
            &ConfirmPasswordResetRequest {
                token: token.to_owned(),
                new_password: "short".to_owned(),
            },
            routes::PRE_SESSION_CSRF,
        )
        .await;
    expect_problem(
        weak,
        StatusCode::UNPROCESSABLE_ENTITY,
        ProblemCode::ValidationFailed,
    )
    .await;
    let set = app
        .post_json(
            routes::PASSWORD_RESET_CONFIRM,
            &ConfirmPasswordResetRequest {
                token: token.to_owned(),
                new_password: SUB_PASSWORD.to_owned(),
            },
            routes::PRE_SESSION_CSRF,
        )
        .await;
    assert!(set.status().is_success(), "{}", set.status());
    let seen: SubuserDto = app
        .get_json(&routes::SUBUSER.replace("{id}", &sub.id))
        .await;
    assert_eq!(seen.status, SubuserStatus::Active);
    let (_, me) = subuser_browser(&app, "new.hire@example.com").await;
    assert_eq!(me.access.role, Role::Subuser);
    let again = app
        .portal(
            Method::POST,
            &routes::SUBUSER_INVITATION.replace("{id}", &sub.id),
            &owner.session.csrf_token,
            None,
        )
        .await;
    expect_problem(again, StatusCode::CONFLICT, ProblemCode::Conflict).await;
}

async fn the_two_factor_requirement_sends_subusers_to_set_it_up(app: TestApp) {
    let (owner, _, _) = owner_with_senders_and_groups(&app, "owner@example.com").await;
    let (_, sub, me) = signed_in_subuser(
        &app,
        &owner,
        "clerk@example.com",
        grants(&[PortalPermission::Sms], &[]),
    )
    .await;
    assert!(!me.session.two_factor_setup_required);
    assert_eq!(sub.get(routes::SMS).await.status(), StatusCode::OK);

    app.turn_on_sms_two_factor(
        &owner.session.csrf_token,
        crate::harness::GOOD_PASSWORD,
        "+48 600 700 800",
    )
    .await;
    let response = app
        .set_two_factor_policy(&owner.session.csrf_token, true)
        .await;
    assert!(response.status().is_success(), "{}", response.status());

    // The open session is restricted at once; /me says why.
    expect_problem(
        sub.get(routes::SMS).await,
        StatusCode::FORBIDDEN,
        ProblemCode::TwoFactorSetupRequired,
    )
    .await;
    let restricted: MeResponse = sub.get_json(routes::ME).await;
    assert!(restricted.session.two_factor_setup_required);
    sub.turn_on_sms_two_factor(&me.session.csrf_token, SUB_PASSWORD, "+48 600 700 801")
        .await;
    assert_eq!(sub.get(routes::SMS).await.status(), StatusCode::OK);
    let lifted: MeResponse = sub.get_json(routes::ME).await;
    assert!(!lifted.session.two_factor_setup_required);
    let seen: Vec<SubuserDto> = app.get_json(routes::SUBUSERS).await;
    assert!(seen[0].two_factor_enabled);
    // The owner's requirement covers them: their only method cannot go.
    let status: portcullis_shared::dto::TwoFactorStatusDto = sub.get_json(routes::TWO_FACTOR).await;
    assert!(status.required_for_all_users);
    let step_up = sub
        .sms_step_up_code(&me.session.csrf_token, "+48600700801")
        .await;
    let off = sub
        .turn_off_sms_two_factor(&me.session.csrf_token, SUB_PASSWORD, &step_up)
        .await;
    let problem = expect_problem(off, StatusCode::CONFLICT, ProblemCode::Conflict).await;
    assert_eq!(field_codes(&problem, "method"), ["two_factor_required"]);
}

const BEHIND_A_PROXY: &[(&str, &str)] = &[("PORTCULLIS_TRUSTED_PROXIES", "127.0.0.1")];

async fn the_owners_portal_allowlist_applies_to_subusers(app: TestApp) {
    let office = app.another_browser_with(&[("X-Forwarded-For", "203.0.113.5")]);
    let (owner, _, _) = owner_with_senders_and_groups(&office, "owner@example.com").await;
    create_subuser(
        &office,
        &owner,
        &subuser_request("remote@example.com", grants(&[PortalPermission::Sms], &[])),
    )
    .await;
    let at_home = app.another_browser_with(&[("X-Forwarded-For", "198.51.100.7")]);
    let home_me = at_home
        .signed_in_again_with("remote@example.com", SUB_PASSWORD)
        .await;
    assert_eq!(at_home.get(routes::SMS).await.status(), StatusCode::OK);

    let added = office
        .add_portal_allowlist_entry(&owner, &portal_allowlist_entry("203.0.113.0/24"))
        .await;
    assert_eq!(added.status(), StatusCode::CREATED);
    // The subuser's own list is empty, but the owner's applies on top of it.
    expect_problem(
        at_home.get(routes::SMS).await,
        StatusCode::FORBIDDEN,
        ProblemCode::IpNotAllowed,
    )
    .await;
    let again = at_home.another_browser_with(&[("X-Forwarded-For", "198.51.100.7")]);
    expect_problem(
        again.login("remote@example.com", SUB_PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::InvalidCredentials,
    )
    .await;
    let in_office = app.another_browser_with(&[("X-Forwarded-For", "203.0.113.77")]);
    in_office
        .signed_in_again_with("remote@example.com", SUB_PASSWORD)
        .await;
    assert_eq!(in_office.get(routes::SMS).await.status(), StatusCode::OK);
    drop(home_me);
}

async fn contacts_outside_the_granted_groups_are_invisible(app: TestApp) {
    let (owner, shop, office) = owner_with_senders_and_groups(&app, "owner@example.com").await;
    let mut ids = Vec::new();
    for (phone, groups) in [
        ("+48500100401", vec![shop.clone()]),
        ("+48500100402", vec![office.clone()]),
        ("+48500100403", vec![shop.clone(), office.clone()]),
    ] {
        let response = app
            .portal_json(
                Method::POST,
                routes::CONTACTS,
                &owner.session.csrf_token,
                &CreateContactRequest {
                    phone: phone.to_owned(),
                    groups: groups.clone(),
                    ..Default::default()
                },
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        ids.push(response.json::<ContactDto>().await.unwrap().id);
    }
    let (_, sub, me) = signed_in_subuser(
        &app,
        &owner,
        "shop@example.com",
        SubuserGrantsDto {
            contact_groups: vec![shop.clone()],
            ..grants(&[PortalPermission::Contacts], &[Scope::ContactsRead])
        },
    )
    .await;
    let seen: Vec<ContactDto> = sub.get_json(routes::CONTACTS).await;
    assert_eq!(
        seen.iter().map(|c| &c.id).collect::<Vec<_>>(),
        [&ids[0], &ids[2]]
    );
    assert!(
        seen.iter().all(|c| c.groups == vec![shop.clone()]),
        "other groups are hidden: {seen:?}"
    );
    let groups: Vec<ContactGroupDto> = sub.get_json(routes::CONTACT_GROUPS).await;
    assert_eq!(groups.iter().map(|g| &g.id).collect::<Vec<_>>(), [&shop]);
    // The export holds what the list shows, and only the groups they see.
    let exported = sub.get(routes::CONTACTS_EXPORT).await;
    assert_eq!(exported.status(), StatusCode::OK);
    assert_eq!(
        exported.text().await.unwrap(),
        "phone,first_name,last_name,email,groups\n\
         +48500100401,,,,Shop\n\
         +48500100403,,,,Shop\n"
    );
    expect_problem(
        sub.get(&format!("{}?group={office}", routes::CONTACTS_EXPORT))
            .await,
        StatusCode::NOT_FOUND,
        ProblemCode::NotFound,
    )
    .await;
    expect_problem(
        sub.get(&routes::CONTACT.replace("{id}", &ids[1])).await,
        StatusCode::NOT_FOUND,
        ProblemCode::NotFound,
    )
    .await;
    expect_problem(
        sub.get(&format!("{}?group={office}", routes::CONTACTS))
            .await,
        StatusCode::NOT_FOUND,
        ProblemCode::NotFound,
    )
    .await;
    let delete_hidden = sub
        .portal(
            Method::DELETE,
            &routes::CONTACT.replace("{id}", &ids[1]),
            &me.session.csrf_token,
            None,
        )
        .await;
    expect_problem(delete_hidden, StatusCode::NOT_FOUND, ProblemCode::NotFound).await;
    let into_hidden = sub
        .portal_json(
            Method::POST,
            routes::CONTACTS,
            &me.session.csrf_token,
            &CreateContactRequest {
                phone: "+48500100404".to_owned(),
                groups: vec![office.clone()],
                ..Default::default()
            },
        )
        .await;
    expect_field_error(into_hidden, "groups", "unknown_group").await;
    // Changing a shared contact's groups keeps the groups the subuser cannot see.
    let patched = sub
        .portal_json(
            Method::PATCH,
            &routes::CONTACT.replace("{id}", &ids[2]),
            &me.session.csrf_token,
            &UpdateContactRequest {
                groups: Some(vec![shop.clone()]),
                ..Default::default()
            },
        )
        .await;
    assert_eq!(patched.status(), StatusCode::OK);
    let owner_view: ContactDto = app
        .get_json(&routes::CONTACT.replace("{id}", &ids[2]))
        .await;
    assert_eq!(owner_view.groups.len(), 2);
    // Import only into their groups.
    let csv = "phone,groups\n+48500100405,Shop\n+48500100406,Office\n+48500100407,\n";
    let imported = sub
        .client
        .post(sub.url(routes::CONTACTS_IMPORT))
        .header(routes::CSRF_HEADER, &me.session.csrf_token)
        .header(reqwest::header::CONTENT_TYPE, "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(imported.status(), StatusCode::OK);
    let result: portcullis_shared::dto::ImportResultDto = imported.json().await.unwrap();
    assert_eq!(result.imported, 1);
    assert_eq!(
        result
            .errors
            .iter()
            .map(|e| (e.line, e.code.as_str()))
            .collect::<Vec<_>>(),
        [(3, "unknown_group"), (4, "required")]
    );
    // Managing groups is the owner's.
    let new_group = sub
        .portal_json(
            Method::POST,
            routes::CONTACT_GROUPS,
            &me.session.csrf_token,
            &CreateContactGroupRequest {
                name: "Mine".to_owned(),
            },
        )
        .await;
    expect_denied(new_group, "settings").await;
}

async fn bad_grants_are_refused_naming_the_field_and_change_nothing(app: TestApp) {
    let (owner, shop, _) = owner_with_senders_and_groups(&app, "owner@example.com").await;
    let existing = create_subuser(
        &app,
        &owner,
        &subuser_request("taken@example.com", SubuserGrantsDto::default()),
    )
    .await;
    let window = |start: &str, end: &str, zone: &str| json!({"days": ["mon"], "start": start, "end": end, "time_zone": zone});
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            json!({"portal": ["sms", "billing"]}),
            "grants.portal[1]",
            "unknown_value",
        ),
        (
            json!({"scopes": ["admin"]}),
            "grants.scopes[0]",
            "unknown_value",
        ),
        (
            json!({"sending_window": window("08:00", "18:00", "Mars/Olympus")}),
            "grants.sending_window.time_zone",
            "invalid_time_zone",
        ),
        (
            json!({"sending_window": window("8am", "18:00", "UTC")}),
            "grants.sending_window.start",
            "invalid_time",
        ),
        (
            json!({"sending_window": window("08:00", "24:30", "UTC")}),
            "grants.sending_window.end",
            "invalid_time",
        ),
        (
            json!({"sending_window": window("18:00", "08:00", "UTC")}),
            "grants.sending_window.end",
            "end_before_start",
        ),
        (
            json!({"sending_window": {"days": [], "start": "08:00", "end": "18:00", "time_zone": "UTC"}}),
            "grants.sending_window.days",
            "required",
        ),
        (
            json!({"sending_window": {"days": ["someday"], "start": "08:00", "end": "18:00", "time_zone": "UTC"}}),
            "grants.sending_window.days[0]",
            "unknown_value",
        ),
        (
            json!({"monthly_points_limit": -1}),
            "grants.monthly_points_limit",
            "negative",
        ),
        (
            json!({"senders": ["ACME", "NOPE"]}),
            "grants.senders[1]",
            "unknown_sender",
        ),
        (
            json!({"contact_groups": [shop, "grp_nope"]}),
            "grants.contact_groups[1]",
            "unknown_group",
        ),
    ];
    let events_before = app.count("security_events");
    for (grants, field, code) in &cases {
        let created = app
            .portal(Method::POST, routes::SUBUSERS, &owner.session.csrf_token, Some(json!({"email": "fresh@example.com", "password": SUB_PASSWORD, "grants": grants})))
            .await;
        let problem = expect_problem(
            created,
            StatusCode::UNPROCESSABLE_ENTITY,
            ProblemCode::ValidationFailed,
        )
        .await;
        assert_eq!(
            field_codes(&problem, field),
            [*code],
            "create {grants}: {problem:?}"
        );
        let updated = app
            .portal(
                Method::PUT,
                &routes::SUBUSER.replace("{id}", &existing.id),
                &owner.session.csrf_token,
                Some(json!({"grants": grants})),
            )
            .await;
        let problem = expect_problem(
            updated,
            StatusCode::UNPROCESSABLE_ENTITY,
            ProblemCode::ValidationFailed,
        )
        .await;
        assert_eq!(
            field_codes(&problem, field),
            [*code],
            "update {grants}: {problem:?}"
        );
    }
    for (body, field, code) in [
        (
            subuser_request("taken@example.com", SubuserGrantsDto::default()),
            "email",
            "taken",
        ),
        (
            subuser_request("owner@example.com", SubuserGrantsDto::default()),
            "email",
            "taken",
        ),
        (
            subuser_request("not-an-email", SubuserGrantsDto::default()),
            "email",
            "invalid_email",
        ),
        (
            CreateSubuserRequest {
                password: Some("short".to_owned()),
                ..subuser_request("weak@example.com", SubuserGrantsDto::default())
            },
            "password",
            "too_short",
        ),
        (
            CreateSubuserRequest {
                phone: Some("12".to_owned()),
                ..subuser_request("phone@example.com", SubuserGrantsDto::default())
            },
            "phone",
            "invalid_phone",
        ),
    ] {
        let created = app
            .post_json(routes::SUBUSERS, &body, &owner.session.csrf_token)
            .await;
        let problem = expect_problem(
            created,
            StatusCode::UNPROCESSABLE_ENTITY,
            ProblemCode::ValidationFailed,
        )
        .await;
        assert!(
            field_codes(&problem, field).contains(&code.to_owned()),
            "{body:?}: {problem:?}"
        );
    }
    // Nothing changed: one subuser, its grants as they were, no new events.
    let listed: Vec<SubuserDto> = app.get_json(routes::SUBUSERS).await;
    assert_eq!(listed, vec![existing]);
    assert_eq!(app.count("security_events"), events_before);
    assert_eq!(app.count("accounts"), 2);
}

on_both_backends!(
    sending_outside_the_window_is_refused_with_when_it_opens,
    the_monthly_points_limit_refuses_before_anything_is_queued_or_charged,
    a_disabled_subuser_cannot_sign_in_or_use_sessions_or_tokens,
    the_two_factor_requirement_sends_subusers_to_set_it_up,
    contacts_outside_the_granted_groups_are_invisible,
    bad_grants_are_refused_naming_the_field_and_change_nothing,
);
on_both_backends!(settings = BEHIND_A_PROXY; the_owners_portal_allowlist_applies_to_subusers);

const DEV_OUTBOX: &[(&str, &str)] = &[("PORTCULLIS_DEV_OUTBOX", "true")];
on_both_backends!(settings = DEV_OUTBOX; an_invited_subuser_sets_a_password_from_the_emailed_link);

/// A subuser's message the gateway cannot deliver gives the points back to
/// the company balance and to the subuser's month.
async fn a_failed_message_refunds_the_subusers_month_too(app: TestApp) {
    let (_, sub, browser, me) =
        owner_and_sms_subuser_with_monthly_limit(&app, "unlucky@example.com", 1).await;
    let balance = owner_balance(&app).await;
    let sent = browser
        .send_sms_from_portal(&me, &sms_request("+48500100300", "Nobody home"))
        .await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    let sent: MessageDto = sent.json().await.unwrap();
    assert_eq!(owner_balance(&app).await, balance - 1);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let message: MessageDto = app
            .get_json(&routes::SMS_MESSAGE.replace("{id}", &sent.id))
            .await;
        if message.status == portcullis_shared::dto::MessageStatus::Failed {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still {:?}",
            message.status
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(owner_balance(&app).await, balance, "balance refunded");
    let seen: SubuserDto = app
        .get_json(&routes::SUBUSER.replace("{id}", &sub.id))
        .await;
    assert_eq!(seen.points_used_this_month, 0, "month refunded");
}

/// An SMS webhook at a port nothing listens on, which fails every delivery.
fn a_webhook_nobody_answers() -> Vec<(&'static str, String)> {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    vec![
        ("PORTCULLIS_SMS_TRANSPORT", "webhook".to_owned()),
        ("PORTCULLIS_SMS_WEBHOOK_URL", format!("http://{closed}/sms")),
        ("PORTCULLIS_SMS_WEBHOOK_TIMEOUT_SECS", "1".to_owned()),
    ]
}

on_both_backends!(
    settings = &a_webhook_nobody_answers();
    a_failed_message_refunds_the_subusers_month_too
);

async fn a_subusers_oauth_client_stays_within_their_scopes(app: TestApp) {
    let (owner, _, _) = owner_with_senders_and_groups(&app, "owner@example.com").await;
    let (sub, browser, me) = signed_in_subuser(
        &app,
        &owner,
        "integrator@example.com",
        grants(&[PortalPermission::Tokens], &[Scope::Sms]),
    )
    .await;
    let too_wide = browser
        .portal_json(
            Method::POST,
            routes::OAUTH_CLIENTS,
            &me.session.csrf_token,
            &CreateOAuthClientRequest {
                name: "wide".to_owned(),
                scopes: vec![Scope::Sms, Scope::Profile],
                ..Default::default()
            },
        )
        .await;
    expect_field_error(too_wide, "scopes", "invalid_scope").await;
    let created = browser
        .register_oauth_client(&me, &oauth_client_request("shop", &[Scope::Sms]))
        .await;
    let issued = app.client_credentials_token(&created, Some("sms")).await;
    app.assert_bearer_get(routes::SMS, &issued.access_token, StatusCode::OK)
        .await;
    // The owner lists it; narrowing the subuser narrows the issued token at once.
    let clients: Vec<portcullis_shared::dto::OAuthClientDto> =
        app.get_json(routes::OAUTH_CLIENTS).await;
    assert_eq!(clients.len(), 1);
    update_grants(
        &app,
        &owner,
        &sub.id,
        grants(&[PortalPermission::Tokens], &[]),
    )
    .await;
    expect_denied(
        app.bearer_get(routes::SMS, &issued.access_token).await,
        "sms",
    )
    .await;
}

on_both_backends!(a_subusers_oauth_client_stays_within_their_scopes);

async fn the_owners_password_rotation_policy_covers_subusers(app: TestApp) {
    let (owner, _, _) = owner_with_senders_and_groups(&app, "owner@example.com").await;
    let sub = create_subuser(
        &app,
        &owner,
        &subuser_request(
            "old.hand@example.com",
            grants(&[PortalPermission::Sms], &[]),
        ),
    )
    .await;
    let on = app
        .portal_json(
            Method::PUT,
            routes::PASSWORD_POLICY,
            &owner.session.csrf_token,
            &UpdatePasswordPolicyRequest {
                rotation_required: true,
            },
        )
        .await;
    assert_eq!(on.status(), StatusCode::OK);
    {
        use portcullis_api::db::schema::accounts;
        let long_ago = (chrono::Utc::now() - chrono::Duration::days(31)).naive_utc();
        diesel::update(accounts::table.find(&sub.id))
            .set(accounts::password_changed_at.eq(long_ago))
            .execute(&mut app.db())
            .unwrap();
    }
    let (browser, me) = subuser_browser(&app, "old.hand@example.com").await;
    assert!(me.session.password_change_required);
    expect_problem(
        browser.get(routes::SMS).await,
        StatusCode::FORBIDDEN,
        ProblemCode::PasswordChangeRequired,
    )
    .await;
    let off = browser
        .portal_json(
            Method::PUT,
            routes::PASSWORD_POLICY,
            &me.session.csrf_token,
            &UpdatePasswordPolicyRequest {
                rotation_required: false,
            },
        )
        .await;
    // Restricted to the password change first; a subuser may never change the policy.
    assert_eq!(off.status(), StatusCode::FORBIDDEN);
}

on_both_backends!(the_owners_password_rotation_policy_covers_subusers);

/// Issue 12: what the owner restricts on a subuser's token or OAuth client
/// (disabled it, narrowed its scopes or allowlist), only the owner can lift;
/// the subuser gets `403 permission_denied` (`owner_restriction`) and nothing
/// changes. Tightening further and renaming stay theirs to do.
async fn a_subuser_cannot_lift_a_restriction_the_owner_set(app: TestApp) {
    let owner = app.signed_in("strict.owner@example.com").await;
    let (_, browser, me) = signed_in_subuser(
        &app,
        &owner,
        "tinkerer@example.com",
        grants(&[PortalPermission::Tokens], &[Scope::Sms, Scope::Profile]),
    )
    .await;
    let token = browser
        .create_token(&me, &token_request("script", &[Scope::Sms]))
        .await;
    let token_path = routes::TOKEN.replace("{id}", &token.token.id);
    let client = browser
        .register_oauth_client(
            &me,
            &oauth_client_request("shop", &[Scope::Sms, Scope::Profile]),
        )
        .await;
    let client_path = routes::OAUTH_CLIENT.replace("{id}", &client.client.id);

    for (path, body) in [
        (&token_path, json!({"disabled": true})),
        (&token_path, json!({"ip_allowlist": ["203.0.113.0/24"]})),
        (&client_path, json!({"scopes": ["sms"]})),
        (&client_path, json!({"ip_allowlist": ["203.0.113.0/24"]})),
        (&client_path, json!({"disabled": true})),
    ] {
        let response = app
            .portal(Method::PATCH, path, &owner.session.csrf_token, Some(body))
            .await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "the owner restricts {path}"
        );
    }

    for (path, body) in [
        (&token_path, json!({"disabled": false})),
        (&token_path, json!({"ip_allowlist": []})),
        (&token_path, json!({"ip_allowlist": ["0.0.0.0/0"]})),
        (
            &token_path,
            json!({"ip_allowlist": ["203.0.113.0/24", "198.51.100.0/24"]}),
        ),
        (&client_path, json!({"disabled": false})),
        (&client_path, json!({"scopes": ["sms", "profile"]})),
        (&client_path, json!({"ip_allowlist": []})),
    ] {
        let response = browser
            .portal(
                Method::PATCH,
                path,
                &me.session.csrf_token,
                Some(body.clone()),
            )
            .await;
        let problem = expect_denied(response, "owner_restriction").await;
        assert!(
            problem
                .detail
                .as_deref()
                .unwrap_or_default()
                .contains("owner"),
            "{body}: {problem:?}"
        );
    }
    let tokens: Vec<portcullis_shared::dto::TokenDto> = app.get_json(routes::TOKENS).await;
    assert_eq!(
        tokens[0].state,
        portcullis_shared::dto::TokenState::Disabled
    );
    assert_eq!(tokens[0].ip_allowlist, ["203.0.113.0/24"]);
    let clients: Vec<portcullis_shared::dto::OAuthClientDto> =
        app.get_json(routes::OAUTH_CLIENTS).await;
    assert_eq!(clients[0].scopes, [Scope::Sms]);
    assert_eq!(clients[0].ip_allowlist, ["203.0.113.0/24"]);
    assert!(clients[0].disabled);

    for (path, body) in [
        (
            &token_path,
            json!({"name": "renamed", "ip_allowlist": ["203.0.113.7"]}),
        ),
        (&client_path, json!({"ip_allowlist": ["203.0.113.8"]})),
    ] {
        let response = browser
            .portal(Method::PATCH, path, &me.session.csrf_token, Some(body))
            .await;
        assert_eq!(response.status(), StatusCode::OK, "tightening {path}");
    }
    // Once the owner lifts it, the token is the subuser's to switch again.
    app.set_token_disabled(&owner, &token.token.id, false).await;
    for disabled in [true, false] {
        browser
            .set_token_disabled(&me, &token.token.id, disabled)
            .await;
    }
}

/// Issue 12: disabling a subuser stops their OAuth clients everywhere: the
/// token endpoint issues nothing, and tokens issued before never introspect
/// as active (nor work); re-enabling the subuser restores them.
async fn a_disabled_subusers_oauth_client_gets_no_tokens_and_its_tokens_are_inactive(app: TestApp) {
    let owner = app.signed_in("lead@example.com").await;
    let (sub, browser, me) = signed_in_subuser(
        &app,
        &owner,
        "contractor@example.com",
        grants(&[PortalPermission::Tokens], &[Scope::Sms]),
    )
    .await;
    let client = browser
        .register_oauth_client(&me, &oauth_client_request("shop", &[Scope::Sms]))
        .await;
    let (id, secret) = (client.client.id.clone(), client.client_secret.clone());
    let issue = || {
        reqwest::Client::new()
            .post(app.url(routes::OAUTH_TOKEN))
            .basic_auth(&id, Some(&secret))
            .form(&[("grant_type", "client_credentials")])
            .send()
    };
    let introspect = |token: String| {
        reqwest::Client::new()
            .post(app.url(routes::OAUTH_INTROSPECT))
            .basic_auth(&id, Some(&secret))
            .form(&[("token", token)])
            .send()
    };
    let issued = app.client_credentials_token(&client, None).await;
    let active: Value = introspect(issued.access_token.clone())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(active["active"], true);

    set_subuser_disabled(&app, &owner, &sub.id, true).await;

    let refused = issue().await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED, "no new tokens");
    assert_eq!(
        refused.json::<Value>().await.unwrap()["error"],
        "invalid_client"
    );
    let answer = introspect(issued.access_token.clone()).await.unwrap();
    let status = answer.status();
    let body: Value = answer.json().await.unwrap();
    assert_ne!(body["active"], true, "{status}: {body}");
    expect_problem(
        app.bearer_get(routes::SMS, &issued.access_token).await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::TokenDisabled,
    )
    .await;

    set_subuser_disabled(&app, &owner, &sub.id, false).await;
    assert_eq!(issue().await.unwrap().status(), StatusCode::OK);
}

on_both_backends!(
    a_subuser_cannot_lift_a_restriction_the_owner_set,
    a_disabled_subusers_oauth_client_gets_no_tokens_and_its_tokens_are_inactive,
);
