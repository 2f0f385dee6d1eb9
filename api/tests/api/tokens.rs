//! API tokens: made in the portal, enforced on every integrator call.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use portcullis_shared::{
    dto::{
        AddAllowlistEntryRequest, AllowlistEntryDto, CreateTokenRequest, TokenDto, TokenState,
        UpdateTokenRequest,
    },
    endpoints::{CreateToken, ListTokens, Profile},
    problem::ProblemCode,
    routes,
    scope::Scope,
    validate::codes,
};
use reqwest::{header, Method, StatusCode};
use serde_json::json;

use crate::harness::{
    allowlisted_token_request, expect_field_error, expect_problem, field_codes, token_request,
    Backend, TestApp,
};
use crate::typed_client::Caller;

fn token_path(id: &str) -> String {
    routes::TOKEN.replace("{id}", id)
}

async fn a_token_made_in_the_portal_works_against_the_api(app: TestApp) {
    let me = app.signed_in("integrator@example.com").await;
    let created = app
        .call::<CreateToken>(
            Caller::Session(&me),
            &(),
            &token_request("CRM", &[Scope::Profile, Scope::Sms]),
            StatusCode::CREATED,
        )
        .await;
    assert!(
        created.secret.starts_with("pcl_at_ey"),
        "prefixed JWT: {}",
        created.secret
    );
    assert_eq!(created.token.state, TokenState::Active);
    assert!(created
        .secret
        .ends_with(created.token.hint.trim_start_matches('…')));

    let caller = Caller::Bearer(&created.secret);
    let profile = app.call::<Profile>(caller, &(), &(), StatusCode::OK).await;
    assert_eq!(profile.email, "integrator@example.com");
    assert_eq!(profile.account_id, me.account.id);

    // The secret is shown once and not stored.
    let listed = app
        .call::<ListTokens>(Caller::Session(&me), &(), &(), StatusCode::OK)
        .await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].name, "CRM");
    let listing = serde_json::to_string(&listed).unwrap();
    assert!(!listing.contains(&created.secret));
    let dump = app.table_text(
        "api_tokens",
        &["id", "account_id", "name", "scopes", "hint", "ip_allowlist"],
    );
    let signature = created.secret.rsplit('.').next().unwrap();
    assert!(
        !dump.contains(signature),
        "the secret's signature is not stored"
    );
}

async fn the_jwt_follows_rfc_9068(app: TestApp) {
    let me = app.signed_in("claims@example.com").await;
    let created = app
        .create_token(
            &me,
            &CreateTokenRequest {
                expires_at: Some("2099-01-01T00:00:00Z".to_owned()),
                ..token_request("x", &[Scope::ContactsRead])
            },
        )
        .await;
    let jwt = created.secret.strip_prefix("pcl_at_").unwrap();
    let mut parts = jwt.split('.');
    let header: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts.next().unwrap()).unwrap()).unwrap();
    let claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts.next().unwrap()).unwrap()).unwrap();
    assert_eq!(header["typ"], "at+jwt");
    assert_eq!(header["alg"], "EdDSA");
    assert!(header["kid"].is_string());
    assert_eq!(claims["sub"], me.account.id);
    assert_eq!(claims["aud"], "portcullis-api");
    assert_eq!(claims["scope"], "contacts:read");
    assert_eq!(claims["jti"], created.token.id);
    assert_eq!(claims["exp"], 4_070_908_800i64);
    assert!(claims["iat"].is_i64() && claims["iss"].is_string() && claims["client_id"].is_string());
}

async fn missing_scope_is_refused_with_the_rfc_6750_challenge(app: TestApp) {
    let me = app.signed_in("scopes@example.com").await;
    let created = app
        .create_token(&me, &token_request("sms only", &[Scope::Sms]))
        .await;
    let response = app.bearer_get(routes::PROFILE, &created.secret).await;
    let challenge = response
        .headers()
        .get(header::WWW_AUTHENTICATE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        challenge.contains("error=\"insufficient_scope\"")
            && challenge.contains("scope=\"profile\""),
        "{challenge}"
    );
    let problem = expect_problem(
        response,
        StatusCode::FORBIDDEN,
        ProblemCode::PermissionDenied,
    )
    .await;
    assert_eq!(problem.permission.as_deref(), Some("profile"));
    assert!(problem.detail.unwrap().contains("profile"));
}

async fn disabling_and_deleting_take_effect_on_the_next_call(app: TestApp) {
    let me = app.signed_in("revoke@example.com").await;
    let created = app
        .create_token(&me, &token_request("x", &[Scope::Profile]))
        .await;
    let path = token_path(&created.token.id);
    app.assert_bearer_get(routes::PROFILE, &created.secret, StatusCode::OK)
        .await;

    let disabled = app.set_token_disabled(&me, &created.token.id, true).await;
    assert_eq!(disabled.state, TokenState::Disabled);
    let response = app.bearer_get(routes::PROFILE, &created.secret).await;
    assert!(response
        .headers()
        .get(header::WWW_AUTHENTICATE)
        .unwrap()
        .to_str()
        .unwrap()
        .contains("invalid_token"));
    expect_problem(
        response,
        StatusCode::UNAUTHORIZED,
        ProblemCode::TokenDisabled,
    )
    .await;

    let enabled = app.set_token_disabled(&me, &created.token.id, false).await;
    assert_eq!(enabled.state, TokenState::Active);
    app.assert_bearer_get(routes::PROFILE, &created.secret, StatusCode::OK)
        .await;

    assert_eq!(
        app.portal(Method::DELETE, &path, &me.session.csrf_token, None)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    expect_problem(
        app.bearer_get(routes::PROFILE, &created.secret).await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::TokenRevoked,
    )
    .await;
    expect_problem(
        app.portal(Method::DELETE, &path, &me.session.csrf_token, None)
            .await,
        StatusCode::NOT_FOUND,
        ProblemCode::NotFound,
    )
    .await;
}

async fn expired_tokens_are_refused(app: TestApp) {
    let me = app.signed_in("expiry@example.com").await;
    let soon = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    let created = app
        .create_token(
            &me,
            &CreateTokenRequest {
                expires_at: Some(soon),
                ..token_request("x", &[Scope::Profile])
            },
        )
        .await;
    app.assert_bearer_get(routes::PROFILE, &created.secret, StatusCode::OK)
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    expect_problem(
        app.bearer_get(routes::PROFILE, &created.secret).await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::TokenExpired,
    )
    .await;
    let listed: Vec<TokenDto> = app.get_json(routes::TOKENS).await;
    assert_eq!(listed[0].state, TokenState::Expired);
}

async fn the_tokens_own_allowlist_is_enforced(app: TestApp) {
    let me = app.signed_in("tokenips@example.com").await;
    let created = app
        .create_token(
            &me,
            &allowlisted_token_request(
                "x",
                &[Scope::Profile],
                &["203.0.113.0/24", "2001:db8::/32"],
            ),
        )
        .await;
    assert_eq!(
        created.token.ip_allowlist,
        ["203.0.113.0/24", "2001:db8::/32"]
    );
    let response = app.bearer_get(routes::PROFILE, &created.secret).await;
    assert!(response.headers().get(header::WWW_AUTHENTICATE).is_none());
    let problem = expect_problem(
        response,
        StatusCode::FORBIDDEN,
        ProblemCode::TokenIpNotAllowed,
    )
    .await;
    assert!(
        !format!("{problem:?}").contains("203.0.113"),
        "the allowlist is not leaked"
    );

    let path = token_path(&created.token.id);
    let updated = app
        .portal_json(
            Method::PATCH,
            &path,
            &me.session.csrf_token,
            &UpdateTokenRequest {
                ip_allowlist: Some(vec!["127.0.0.0/255.0.0.0".to_owned()]),
                ..Default::default()
            },
        )
        .await;
    assert_eq!(
        updated.json::<TokenDto>().await.unwrap().ip_allowlist,
        ["127.0.0.0/8"]
    );
    app.assert_bearer_get(routes::PROFILE, &created.secret, StatusCode::OK)
        .await;
}

async fn the_accounts_api_allowlist_is_enforced_on_top(app: TestApp) {
    let me = app.signed_in("accountips@example.com").await;
    let created = app
        .create_token(
            &me,
            &allowlisted_token_request("x", &[Scope::Profile], &["127.0.0.1"]),
        )
        .await;
    let csrf = &me.session.csrf_token;
    let added = app
        .portal_json(
            Method::POST,
            routes::API_ALLOWLIST,
            csrf,
            &AddAllowlistEntryRequest {
                value: "198.51.100.0/24".to_owned(),
                label: Some("office".to_owned()),
                expires_at: None,
            },
        )
        .await;
    assert_eq!(added.status(), StatusCode::CREATED);
    let entry: AllowlistEntryDto = added.json().await.unwrap();
    expect_problem(
        app.bearer_get(routes::PROFILE, &created.secret).await,
        StatusCode::FORBIDDEN,
        ProblemCode::AccountIpNotAllowed,
    )
    .await;

    let clash = app.add_api_allowlist_entry(csrf, "198.51.100.7").await;
    let problem = expect_problem(clash, StatusCode::CONFLICT, ProblemCode::Conflict).await;
    assert_eq!(field_codes(&problem, "value"), [codes::OVERLAPS]);
    let bad = app.add_api_allowlist_entry(csrf, "10.0.0.0/33").await;
    expect_field_error(bad, "value", codes::INVALID_CIDR).await;

    let local = app.add_api_allowlist_entry(csrf, "127.0.0.1").await;
    assert_eq!(local.status(), StatusCode::CREATED);
    app.assert_bearer_get(routes::PROFILE, &created.secret, StatusCode::OK)
        .await;
    let listed: Vec<AllowlistEntryDto> = app.get_json(routes::API_ALLOWLIST).await;
    assert_eq!(
        listed.iter().map(|e| e.value.as_str()).collect::<Vec<_>>(),
        ["198.51.100.0/24", "127.0.0.1"]
    );

    let path = routes::API_ALLOWLIST_ENTRY.replace("{id}", &listed[1].id);
    assert_eq!(
        app.portal(Method::DELETE, &path, csrf, None).await.status(),
        StatusCode::NO_CONTENT
    );
    expect_problem(
        app.bearer_get(routes::PROFILE, &created.secret).await,
        StatusCode::FORBIDDEN,
        ProblemCode::AccountIpNotAllowed,
    )
    .await;
    let path = routes::API_ALLOWLIST_ENTRY.replace("{id}", &entry.id);
    assert_eq!(
        app.portal(Method::DELETE, &path, csrf, None).await.status(),
        StatusCode::NO_CONTENT
    );
    app.assert_bearer_get(routes::PROFILE, &created.secret, StatusCode::OK)
        .await;
}

async fn bad_token_requests_change_nothing(app: TestApp) {
    let me = app.signed_in("badinput@example.com").await;
    let csrf = &me.session.csrf_token;
    let unknown_scope = app
        .portal(
            Method::POST,
            routes::TOKENS,
            csrf,
            Some(json!({"name": "x", "scopes": ["admin"]})),
        )
        .await;
    let problem = expect_problem(
        unknown_scope,
        StatusCode::BAD_REQUEST,
        ProblemCode::MalformedBody,
    )
    .await;
    assert!(problem.detail.unwrap().contains("admin"));
    let invalid = app
        .portal_json(
            Method::POST,
            routes::TOKENS,
            csrf,
            &CreateTokenRequest {
                name: " ".to_owned(),
                scopes: vec![],
                expires_at: Some("2001-01-01T00:00:00Z".to_owned()),
                ip_allowlist: vec!["10.0.0.0/33".to_owned(), "::1".to_owned()],
                ..CreateTokenRequest::default()
            },
        )
        .await;
    let problem = expect_field_error(invalid, "name", codes::REQUIRED).await;
    assert_eq!(field_codes(&problem, "scopes"), [codes::REQUIRED]);
    assert_eq!(field_codes(&problem, "expires_at"), [codes::INVALID_DATE]);
    assert_eq!(
        field_codes(&problem, "ip_allowlist[0]"),
        [codes::INVALID_CIDR]
    );
    let no_csrf = app
        .client
        .post(app.url(routes::TOKENS))
        .json(&token_request("x", &[Scope::Sms]))
        .send()
        .await
        .unwrap();
    expect_problem(no_csrf, StatusCode::FORBIDDEN, ProblemCode::CsrfFailed).await;
    assert_eq!(app.count("api_tokens"), 0);
}

async fn malformed_and_forged_tokens_are_refused(app: TestApp) {
    let me = app.signed_in("forged@example.com").await;
    let created = app
        .create_token(&me, &token_request("x", &[Scope::Profile]))
        .await;
    let no_token = reqwest::Client::new()
        .get(app.url(routes::PROFILE))
        .send()
        .await
        .unwrap();
    assert_eq!(
        no_token.headers().get(header::WWW_AUTHENTICATE).unwrap(),
        "Bearer realm=\"portcullis\""
    );
    expect_problem(
        no_token,
        StatusCode::UNAUTHORIZED,
        ProblemCode::MissingToken,
    )
    .await;

    let jwt = created.secret.strip_prefix("pcl_at_").unwrap();
    let [head, body, signature]: [&str; 3] = jwt.split('.').collect::<Vec<_>>().try_into().unwrap();
    let mut claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).unwrap()).unwrap();
    claims["scope"] = json!("profile sms contacts");
    let widened = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap());
    let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"at+jwt"}"#);
    let forgeries = [
        "garbage".to_owned(),
        "pcl_at_not.a.jwt".to_owned(),
        jwt.to_owned(),                                 // no prefix
        format!("pcl_at_{head}.{widened}.{signature}"), // tampered claims
        format!("pcl_at_{none_header}.{widened}."),     // alg: none
        format!("pcl_at_{head}.{body}.{}", &signature[..signature.len() - 4]), // truncated signature
    ];
    for forged in &forgeries {
        let response = app.bearer_get(routes::PROFILE, forged).await;
        expect_problem(
            response,
            StatusCode::UNAUTHORIZED,
            ProblemCode::TokenInvalid,
        )
        .await;
    }
    // A session cookie is not a bearer token.
    let with_cookie = app
        .client
        .get(app.url(routes::PROFILE))
        .send()
        .await
        .unwrap();
    expect_problem(
        with_cookie,
        StatusCode::UNAUTHORIZED,
        ProblemCode::MissingToken,
    )
    .await;
}

async fn accounts_cannot_touch_each_others_tokens(app: TestApp) {
    let owner = app.signed_in("owner@example.com").await;
    let created = app
        .create_token(&owner, &token_request("mine", &[Scope::Profile]))
        .await;
    let other = app.another_browser();
    let intruder = other.signed_in("intruder@example.com").await;
    let path = token_path(&created.token.id);
    let csrf = &intruder.session.csrf_token;
    expect_problem(
        other
            .portal_json(
                Method::PATCH,
                &path,
                csrf,
                &UpdateTokenRequest {
                    disabled: Some(true),
                    ..Default::default()
                },
            )
            .await,
        StatusCode::NOT_FOUND,
        ProblemCode::NotFound,
    )
    .await;
    expect_problem(
        other.portal(Method::DELETE, &path, csrf, None).await,
        StatusCode::NOT_FOUND,
        ProblemCode::NotFound,
    )
    .await;
    let listed: Vec<TokenDto> = other.get_json(routes::TOKENS).await;
    assert!(listed.is_empty());
    assert_eq!(
        other
            .bearer_get(routes::PROFILE, &created.secret)
            .await
            .status(),
        StatusCode::OK,
        "still works for its owner"
    );
}

async fn last_use_is_recorded_with_its_address(app: TestApp) {
    let me = app.signed_in("lastused@example.com").await;
    let created = app
        .create_token(&me, &token_request("x", &[Scope::Profile]))
        .await;
    assert!(created.token.last_used_at.is_none());
    app.assert_bearer_get(routes::PROFILE, &created.secret, StatusCode::OK)
        .await;
    let mut seen = None;
    for _ in 0..100 {
        let listed: Vec<TokenDto> = app.get_json(routes::TOKENS).await;
        if listed[0].last_used_at.is_some() {
            seen = Some(listed.into_iter().next().unwrap());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let token = seen.expect("last use recorded by the batch writer");
    assert_eq!(token.last_used_ip.as_deref(), Some("127.0.0.1"));
}

on_both_backends!(
    a_token_made_in_the_portal_works_against_the_api,
    the_jwt_follows_rfc_9068,
    missing_scope_is_refused_with_the_rfc_6750_challenge,
    disabling_and_deleting_take_effect_on_the_next_call,
    expired_tokens_are_refused,
    the_tokens_own_allowlist_is_enforced,
    the_accounts_api_allowlist_is_enforced_on_top,
    bad_token_requests_change_nothing,
    malformed_and_forged_tokens_are_refused,
    accounts_cannot_touch_each_others_tokens,
    last_use_is_recorded_with_its_address,
);

/// Behind a trusted proxy, allowlists see the forwarded client address; from
/// anyone else, X-Forwarded-For is ignored.
#[tokio::test]
async fn allowlists_use_the_client_address_from_trusted_proxies_only() {
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        &[("PORTCULLIS_TRUSTED_PROXIES", "127.0.0.1")],
    )
    .await;
    let me = app.signed_in("proxy@example.com").await;
    let created = app
        .create_token(
            &me,
            &allowlisted_token_request("x", &[Scope::Profile], &["203.0.113.7"]),
        )
        .await;
    let via_proxy = |xff: &'static str| {
        reqwest::Client::new()
            .get(app.url(routes::PROFILE))
            .bearer_auth(&created.secret)
            .header("X-Forwarded-For", xff)
            .send()
    };
    assert_eq!(
        via_proxy("203.0.113.7").await.unwrap().status(),
        StatusCode::OK
    );
    // The client forged a left-most hop; the proxy appended the real address.
    let forged = via_proxy("203.0.113.7, 198.51.100.9").await.unwrap();
    expect_problem(
        forged,
        StatusCode::FORBIDDEN,
        ProblemCode::TokenIpNotAllowed,
    )
    .await;

    let direct = TestApp::spawn(Backend::Sqlite).await;
    let me = direct.signed_in("direct@example.com").await;
    let created = direct
        .create_token(
            &me,
            &allowlisted_token_request("x", &[Scope::Profile], &["203.0.113.7"]),
        )
        .await;
    let spoofed = reqwest::Client::new()
        .get(direct.url(routes::PROFILE))
        .bearer_auth(&created.secret)
        .header("X-Forwarded-For", "203.0.113.7")
        .send()
        .await
        .unwrap();
    expect_problem(
        spoofed,
        StatusCode::FORBIDDEN,
        ProblemCode::TokenIpNotAllowed,
    )
    .await;
}
