//! Expiring exceptions: an allowlist entry (the account's API list, the
//! portal list, a token's or client's own list) or an allowed destination
//! country may carry `expires_at`. It stops counting at that instant, on the
//! clock, with no job in between; a sweep then removes it and logs it. An
//! expiring entry needs a permanent one beside it, so expiry never leaves a
//! list empty (which would let every address in).

use std::collections::BTreeMap;

use portcullis_shared::{
    dto::{
        AddAllowlistEntryRequest, AddPortalAllowlistEntryRequest, AllowlistEntryDto,
        CountryFilterDto, CreateTokenRequest, PortalAllowlistDto, TokenDto, UpdateTokenRequest,
    },
    problem::ProblemCode,
    routes,
    scope::Scope,
    validate::codes,
    vocabulary::SecurityEventKind,
};
use reqwest::{Method, StatusCode};

use crate::harness::{
    expect_field_error, expect_problem, field_codes, portal_allowlist_entry, sms_request,
    token_request, TestApp, GOOD_PASSWORD,
};

/// Trust the loopback proxy (so browsers can come from other addresses), and
/// sweep expired exceptions every 100 ms.
const SETTINGS: &[(&str, &str)] = &[
    ("PORTCULLIS_TRUSTED_PROXIES", "127.0.0.1"),
    ("PORTCULLIS_EXCEPTION_SWEEP_MS", "100"),
];

/// How long the exceptions under test live.
const LIFETIME: chrono::Duration = chrono::Duration::seconds(3);

/// An instant `from_now` ahead, as RFC 3339.
fn rfc3339_in(from_now: chrono::Duration) -> String {
    (chrono::Utc::now() + from_now).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Sleeps until just after `until` (RFC 3339).
async fn wait_past(until: &str) {
    let until = chrono::DateTime::parse_from_rfc3339(until).unwrap();
    let left = (until.with_timezone(&chrono::Utc) - chrono::Utc::now())
        .to_std()
        .unwrap_or_default();
    tokio::time::sleep(left + std::time::Duration::from_millis(200)).await;
}

/// Waits (up to 10 s) for `done` to hold, checking every 100 ms.
async fn eventually<F, Fut>(what: &str, mut done: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..100 {
        if done().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{what} did not happen within 10 s");
}

/// The `action = expired` events of `kind` in the signed-in login's log.
async fn expired_events(app: &TestApp, kind: SecurityEventKind) -> Vec<BTreeMap<String, String>> {
    app.security_events(kind)
        .await
        .into_iter()
        .filter(|e| e.details.get("action").map(String::as_str) == Some("expired"))
        .filter(|e| e.actor == "system")
        .map(|e| e.details)
        .collect()
}

on_both_backends!(settings = SETTINGS; an_api_allowlist_exception_admits_until_its_instant_then_is_swept_and_logged);

async fn an_api_allowlist_exception_admits_until_its_instant_then_is_swept_and_logged(
    app: TestApp,
) {
    let me = app.signed_in("api-exception@example.com").await;
    let csrf = &me.session.csrf_token;
    let token = app
        .create_token(&me, &token_request("crm", &[Scope::Profile]))
        .await
        .secret;
    let add = |value: &str, expires_at: Option<String>| AddAllowlistEntryRequest {
        value: value.to_owned(),
        label: Some("hotel".to_owned()),
        expires_at,
    };

    // Bad expiries name the field and add nothing.
    for (raw, code) in [
        ("tomorrow", codes::INVALID_DATE),
        ("2001-01-01T00:00:00Z", codes::IN_THE_PAST),
        (
            &rfc3339_in(chrono::Duration::days(400)),
            codes::OUT_OF_RANGE,
        ),
    ] {
        let response = app
            .post_json(
                routes::API_ALLOWLIST,
                &add("127.0.0.1", Some(raw.to_owned())),
                csrf,
            )
            .await;
        expect_field_error(response, "expires_at", code).await;
    }
    // An expiring entry alone would, once expired, leave the list empty: refused.
    let alone = app
        .post_json(
            routes::API_ALLOWLIST,
            &add("127.0.0.1", Some(rfc3339_in(LIFETIME))),
            csrf,
        )
        .await;
    expect_field_error(alone, "expires_at", codes::NEEDS_PERMANENT_ENTRY).await;
    let listed: Vec<AllowlistEntryDto> = app.get_json(routes::API_ALLOWLIST).await;
    assert!(listed.is_empty(), "nothing was added: {listed:?}");

    // The office (not us) for good, and our address until the exception ends.
    assert_eq!(
        app.add_api_allowlist_entry(csrf, "198.51.100.0/24")
            .await
            .status(),
        StatusCode::CREATED
    );
    let until = rfc3339_in(LIFETIME);
    let added = app
        .post_json(
            routes::API_ALLOWLIST,
            &add("127.0.0.1", Some(until.clone())),
            csrf,
        )
        .await;
    assert_eq!(added.status(), StatusCode::CREATED);
    let entry: AllowlistEntryDto = added.json().await.unwrap();
    assert_eq!(entry.expires_at.as_deref(), Some(until.as_str()));
    app.assert_bearer_get(routes::PROFILE, &token, StatusCode::OK)
        .await;

    // The office cannot go while only the exception would be left.
    let listed: Vec<AllowlistEntryDto> = app.get_json(routes::API_ALLOWLIST).await;
    let office = listed.iter().find(|e| e.expires_at.is_none()).unwrap();
    let path = routes::API_ALLOWLIST_ENTRY.replace("{id}", &office.id);
    let refused = app.portal(Method::DELETE, &path, csrf, None).await;
    let problem = expect_problem(refused, StatusCode::CONFLICT, ProblemCode::Conflict).await;
    assert_eq!(field_codes(&problem, "id"), [codes::NEEDS_PERMANENT_ENTRY]);

    // At its instant the exception stops matching (no sweep needed)…
    wait_past(&until).await;
    expect_problem(
        app.bearer_get(routes::PROFILE, &token).await,
        StatusCode::FORBIDDEN,
        ProblemCode::AccountIpNotAllowed,
    )
    .await;
    // …and the sweep removes it and logs it, by the system.
    eventually("the API allowlist sweep", || async {
        let listed: Vec<AllowlistEntryDto> = app.get_json(routes::API_ALLOWLIST).await;
        listed.len() == 1
    })
    .await;
    let listed: Vec<AllowlistEntryDto> = app.get_json(routes::API_ALLOWLIST).await;
    assert_eq!(listed[0].value, "198.51.100.0/24");
    let events = expired_events(&app, SecurityEventKind::ApiAllowlistChanged).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["entry"], "127.0.0.1");
    assert_eq!(events[0]["expires_at"], until);
}

on_both_backends!(settings = SETTINGS; a_portal_allowlist_exception_lets_a_hotel_sign_in_until_it_ends);

async fn a_portal_allowlist_exception_lets_a_hotel_sign_in_until_it_ends(app: TestApp) {
    let office = app.another_browser_with(&[("X-Forwarded-For", "198.51.100.7")]);
    let me = office.signed_in("hotel@example.com").await;
    office
        .portal_allowlist_entry_added(&me, &portal_allowlist_entry("198.51.100.0/24"))
        .await;
    let until = rfc3339_in(LIFETIME);
    let entry = office
        .portal_allowlist_entry_added(
            &me,
            &AddPortalAllowlistEntryRequest {
                expires_at: Some(until.clone()),
                ..portal_allowlist_entry("203.0.113.0/24")
            },
        )
        .await;
    assert_eq!(entry.expires_at.as_deref(), Some(until.as_str()));
    // The office entry stays while the exception does.
    let path = routes::PORTAL_ALLOWLIST_ENTRY.replace(
        "{id}",
        &office
            .get_json::<PortalAllowlistDto>(routes::PORTAL_ALLOWLIST)
            .await
            .entries[0]
            .id,
    );
    let refused = office
        .portal(
            Method::DELETE,
            &format!("{path}?confirm_lockout=true"),
            &me.session.csrf_token,
            None,
        )
        .await;
    let problem = expect_problem(refused, StatusCode::CONFLICT, ProblemCode::Conflict).await;
    assert_eq!(field_codes(&problem, "id"), [codes::NEEDS_PERMANENT_ENTRY]);

    let hotel = app.another_browser_with(&[("X-Forwarded-For", "203.0.113.9")]);
    // Signed in from the hotel while the exception lasts.
    hotel.signed_in_again("hotel@example.com").await;
    assert_eq!(hotel.me().await.status(), StatusCode::OK);

    wait_past(&until).await;
    // The hotel's session is refused at the instant, and so is a new sign-in.
    expect_problem(
        hotel.me().await,
        StatusCode::FORBIDDEN,
        ProblemCode::IpNotAllowed,
    )
    .await;
    let later = app.another_browser_with(&[("X-Forwarded-For", "203.0.113.9")]);
    expect_problem(
        later.login("hotel@example.com", GOOD_PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::InvalidCredentials,
    )
    .await;
    eventually("the portal allowlist sweep", || async {
        office
            .get_json::<PortalAllowlistDto>(routes::PORTAL_ALLOWLIST)
            .await
            .entries
            .len()
            == 1
    })
    .await;
    let events = expired_events(&office, SecurityEventKind::PortalAllowlistChanged).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["entry"], "203.0.113.0/24");
}

on_both_backends!(settings = SETTINGS; a_token_allowlist_exception_expires_and_leaves_the_permanent_entries);

async fn a_token_allowlist_exception_expires_and_leaves_the_permanent_entries(app: TestApp) {
    let me = app.signed_in("token-exception@example.com").await;
    let csrf = &me.session.csrf_token;
    let tokens_before: Vec<TokenDto> = app.get_json(routes::TOKENS).await;
    let request = |expiries: &[(&str, String)]| CreateTokenRequest {
        ip_allowlist: vec!["10.0.0.0/8".to_owned(), "127.0.0.1".to_owned()],
        ip_allowlist_expires_at: expiries
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
        ..token_request("ci", &[Scope::Profile])
    };

    // Bad input names the field and makes no token.
    let soon = rfc3339_in(LIFETIME);
    type Case<'a> = (&'a [(&'a str, String)], &'a str, &'a str);
    let cases: [Case; 3] = [
        (
            &[("192.0.2.1", soon.clone())],
            "ip_allowlist_expires_at.192.0.2.1",
            codes::NOT_A_CHOICE,
        ),
        (
            &[("127.0.0.1", "2001-01-01T00:00:00Z".to_owned())],
            "ip_allowlist_expires_at.127.0.0.1",
            codes::IN_THE_PAST,
        ),
        (
            &[("127.0.0.1", soon.clone()), ("10.0.0.0/8", soon.clone())],
            "ip_allowlist_expires_at",
            codes::NEEDS_PERMANENT_ENTRY,
        ),
    ];
    for (expiries, field, code) in cases {
        let response = app
            .post_json(routes::TOKENS, &request(expiries), csrf)
            .await;
        expect_field_error(response, field, code).await;
    }
    let tokens: Vec<TokenDto> = app.get_json(routes::TOKENS).await;
    assert_eq!(tokens.len(), tokens_before.len(), "no token was made");

    // `10.0.0.1/8` names the same entry as `10.0.0.0/8`: any form works as a key.
    let until = rfc3339_in(LIFETIME);
    let created = app
        .create_token(&me, &request(&[("127.0.0.1", until.clone())]))
        .await;
    assert_eq!(created.token.ip_allowlist, ["10.0.0.0/8", "127.0.0.1"]);
    assert_eq!(
        created.token.ip_allowlist_expires_at,
        BTreeMap::from([("127.0.0.1".to_owned(), until.clone())])
    );
    app.assert_bearer_get(routes::PROFILE, &created.secret, StatusCode::OK)
        .await;

    // Expiries without the list they belong to are refused.
    let path = routes::TOKEN.replace("{id}", &created.token.id);
    let without_list = app
        .portal_json(
            Method::PATCH,
            &path,
            csrf,
            &UpdateTokenRequest {
                ip_allowlist_expires_at: Some(BTreeMap::from([(
                    "127.0.0.1".to_owned(),
                    rfc3339_in(LIFETIME),
                )])),
                ..UpdateTokenRequest::default()
            },
        )
        .await;
    expect_field_error(without_list, "ip_allowlist", codes::REQUIRED).await;

    wait_past(&until).await;
    expect_problem(
        app.bearer_get(routes::PROFILE, &created.secret).await,
        StatusCode::FORBIDDEN,
        ProblemCode::TokenIpNotAllowed,
    )
    .await;
    eventually("the token allowlist sweep", || async {
        let tokens: Vec<TokenDto> = app.get_json(routes::TOKENS).await;
        tokens
            .iter()
            .any(|t| t.id == created.token.id && t.ip_allowlist == ["10.0.0.0/8"])
    })
    .await;
    let tokens: Vec<TokenDto> = app.get_json(routes::TOKENS).await;
    let token = tokens.iter().find(|t| t.id == created.token.id).unwrap();
    assert!(token.ip_allowlist_expires_at.is_empty());
    let events = expired_events(&app, SecurityEventKind::TokenChanged).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["token_id"], created.token.id);
    assert_eq!(events[0]["entry"], "127.0.0.1");

    // A PATCH can make an entry of the list temporary again.
    let until = rfc3339_in(chrono::Duration::hours(1));
    let patched = app
        .portal_json(
            Method::PATCH,
            &path,
            csrf,
            &UpdateTokenRequest {
                ip_allowlist: Some(vec!["10.0.0.0/8".to_owned(), "127.0.0.1".to_owned()]),
                ip_allowlist_expires_at: Some(BTreeMap::from([(
                    "127.0.0.1".to_owned(),
                    until.clone(),
                )])),
                ..UpdateTokenRequest::default()
            },
        )
        .await;
    assert_eq!(patched.status(), StatusCode::OK);
    let patched: TokenDto = patched.json().await.unwrap();
    assert_eq!(patched.ip_allowlist_expires_at["127.0.0.1"], until);
    app.assert_bearer_get(routes::PROFILE, &created.secret, StatusCode::OK)
        .await;
}

on_both_backends!(settings = SETTINGS; a_country_exception_allows_sending_until_it_ends);

async fn a_country_exception_allows_sending_until_it_ends(app: TestApp) {
    let me = app.signed_in("country-exception@example.com").await;
    app.lift_trial_restriction("country-exception@example.com");
    let csrf = &me.session.csrf_token;
    let put = |countries: &[&str], expiries: &[(&str, String)]| CountryFilterDto {
        countries: countries.iter().map(|c| (*c).to_owned()).collect(),
        expires_at: expiries
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
    };
    let before: CountryFilterDto = app.get_json(routes::COUNTRY_FILTER).await;

    // Bad expiries name the field and change nothing.
    for (expiries, field, code) in [
        (
            vec![("FR", rfc3339_in(LIFETIME))],
            "expires_at.FR",
            codes::NOT_A_CHOICE,
        ),
        (
            vec![("DE", "2001-01-01T00:00:00Z".to_owned())],
            "expires_at.DE",
            codes::IN_THE_PAST,
        ),
        (
            vec![("DE", "soon".to_owned())],
            "expires_at.DE",
            codes::INVALID_DATE,
        ),
    ] {
        let response = app
            .portal_json(
                Method::PUT,
                routes::COUNTRY_FILTER,
                csrf,
                &put(&["PL", "DE"], &expiries),
            )
            .await;
        expect_field_error(response, field, code).await;
    }
    let unchanged: CountryFilterDto = app.get_json(routes::COUNTRY_FILTER).await;
    assert_eq!(unchanged, before);

    let until = rfc3339_in(LIFETIME);
    let set = app
        .portal_json(
            Method::PUT,
            routes::COUNTRY_FILTER,
            csrf,
            &put(&["PL", "DE"], &[("de", until.clone())]),
        )
        .await;
    assert_eq!(set.status(), StatusCode::OK);
    let filter: CountryFilterDto = set.json().await.unwrap();
    assert_eq!(filter.countries, ["DE", "PL"]);
    assert_eq!(
        filter.expires_at,
        BTreeMap::from([("DE".to_owned(), until.clone())])
    );

    let token = app
        .create_token(&me, &token_request("sms", &[Scope::Sms]))
        .await
        .secret;
    let send = || {
        app.client_builder()
            .build()
            .unwrap()
            .post(app.url(routes::SMS))
            .bearer_auth(&token)
            .json(&sms_request("+4915112345678", "Guten Tag"))
            .send()
    };
    assert_eq!(send().await.unwrap().status(), StatusCode::CREATED);

    wait_past(&until).await;
    expect_problem(
        send().await.unwrap(),
        StatusCode::FORBIDDEN,
        ProblemCode::CountryNotAllowed,
    )
    .await;
    let filter: CountryFilterDto = app.get_json(routes::COUNTRY_FILTER).await;
    assert_eq!(filter.countries, ["PL"], "an ended exception is not shown");
    eventually("the country sweep", || async {
        !expired_events(&app, SecurityEventKind::CountryFilterChanged)
            .await
            .is_empty()
    })
    .await;
    let events = expired_events(&app, SecurityEventKind::CountryFilterChanged).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["country"], "DE");
}

/// Attack (found reviewing issue 15): a subuser whose token's allowlist the
/// owner set may only narrow it. An entry the owner let in for a while must
/// not come back permanent, or for longer, from the subuser's own edit: that
/// would lift the owner's restriction. Keeping the entry with the owner's end,
/// or an earlier one, is narrowing and stays allowed. The same for OAuth clients.
async fn a_subuser_cannot_make_the_owners_temporary_entry_last_longer(app: TestApp) {
    use crate::subusers::{grants, signed_in_subuser};
    use portcullis_shared::dto::PortalPermission;

    let owner = app.signed_in("temp-owner@example.com").await;
    let (_, browser, me) = signed_in_subuser(
        &app,
        &owner,
        "temp-sub@example.com",
        grants(&[PortalPermission::Tokens], &[Scope::Sms, Scope::Profile]),
    )
    .await;
    let token = browser
        .create_token(&me, &token_request("script", &[Scope::Sms]))
        .await;
    let client = browser
        .register_oauth_client(
            &me,
            &crate::harness::oauth_client_request("shop", &[Scope::Sms]),
        )
        .await;
    let paths = [
        routes::TOKEN.replace("{id}", &token.token.id),
        routes::OAUTH_CLIENT.replace("{id}", &client.client.id),
    ];
    let owners_end = rfc3339_in(chrono::Duration::hours(1));
    let earlier = rfc3339_in(chrono::Duration::minutes(30));
    let later = rfc3339_in(chrono::Duration::days(7));
    let list = ["203.0.113.0/24", "198.51.100.0/24"];
    for path in &paths {
        let response = app
            .portal(
                Method::PATCH,
                path,
                &owner.session.csrf_token,
                Some(serde_json::json!({
                    "ip_allowlist": list,
                    "ip_allowlist_expires_at": {"198.51.100.0/24": owners_end},
                })),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK, "the owner sets {path}");
    }

    for path in &paths {
        for (what, expiries) in [
            ("permanent", serde_json::json!({})),
            ("for longer", serde_json::json!({"198.51.100.0/24": later})),
        ] {
            let response = browser
                .portal(
                    Method::PATCH,
                    path,
                    &me.session.csrf_token,
                    Some(serde_json::json!({
                        "ip_allowlist": list,
                        "ip_allowlist_expires_at": expiries,
                    })),
                )
                .await;
            let problem = expect_problem(
                response,
                StatusCode::FORBIDDEN,
                ProblemCode::PermissionDenied,
            )
            .await;
            assert_eq!(
                problem.permission.as_deref(),
                Some("owner_restriction"),
                "{path} {what}: {problem:?}"
            );
        }
    }
    // Nothing changed: the entry still ends when the owner said.
    let tokens: Vec<TokenDto> = app.get_json(routes::TOKENS).await;
    assert_eq!(
        tokens[0].ip_allowlist_expires_at.get("198.51.100.0/24"),
        Some(&owners_end)
    );
    let clients: Vec<portcullis_shared::dto::OAuthClientDto> =
        app.get_json(routes::OAUTH_CLIENTS).await;
    assert_eq!(
        clients[0].ip_allowlist_expires_at.get("198.51.100.0/24"),
        Some(&owners_end)
    );

    // Ending it sooner, or keeping the owner's end, narrows: allowed.
    for path in &paths {
        for end in [&owners_end, &earlier] {
            let response = browser
                .portal(
                    Method::PATCH,
                    path,
                    &me.session.csrf_token,
                    Some(serde_json::json!({
                        "ip_allowlist": list,
                        "ip_allowlist_expires_at": {"198.51.100.0/24": end},
                    })),
                )
                .await;
            assert_eq!(response.status(), StatusCode::OK, "{path} until {end}");
        }
    }
}

on_both_backends!(settings = SETTINGS; a_subuser_cannot_make_the_owners_temporary_entry_last_longer);
