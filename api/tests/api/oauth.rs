//! OAuth2: clients registered in the portal, driven by the `oauth2` crate as a
//! real client, and by curl.

use oauth2::{
    basic::BasicClient, ClientId, ClientSecret, IntrospectionUrl, RevocationUrl,
    Scope as OAuthScope, StandardRevocableToken, TokenIntrospectionResponse, TokenResponse,
    TokenUrl,
};
use portcullis_shared::{
    dto::{
        AuthorizationServerMetadata, CreateOAuthClientRequest, CreatedOAuthClientDto,
        IntrospectionResponse, JwkSet, OAuthClientDto, OAuthErrorResponse, OAuthTokenResponse,
        UpdateOAuthClientRequest,
    },
    problem::ProblemCode,
    routes,
    scope::Scope,
};
use reqwest::{header, Method, StatusCode};
use serde_json::json;

use crate::harness::{expect_problem, oauth_client_request, token_request, TestApp};

/// An OAuth client's HTTP client: no redirects, as the `oauth2` crate asks.
fn http(app: &TestApp) -> reqwest::Client {
    app.client_builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn token_form(
    app: &TestApp,
    form: &[(&str, &str)],
    basic: Option<(&str, &str)>,
) -> reqwest::Response {
    let mut request = http(app).post(app.url(routes::OAUTH_TOKEN)).form(form);
    if let Some((id, secret)) = basic {
        request = request.basic_auth(id, Some(secret));
    }
    request.send().await.unwrap()
}

async fn oauth_error(
    response: reqwest::Response,
    status: StatusCode,
    error: &str,
) -> OAuthErrorResponse {
    assert_eq!(response.status(), status);
    assert!(response
        .headers()
        .get(header::CONTENT_TYPE)
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    assert_eq!(
        response.headers().get(header::CACHE_CONTROL).unwrap(),
        "no-store"
    );
    let body: OAuthErrorResponse = response.json().await.unwrap();
    assert_eq!(body.error, error);
    assert_eq!(body.code, error);
    assert_eq!(body.status, status.as_u16());
    body
}

/// The whole RFC 6749 / 7662 / 7009 round trip as an integrator's client makes
/// it, over TLS: the crate refuses to revoke over plain http (`InsecureUrl`).
async fn client_credentials_round_trip_with_the_oauth2_crate(app: TestApp) {
    assert!(app.address.starts_with("https://"), "{}", app.address);
    let me = app.signed_in("oauth@example.com").await;
    let registered = app
        .register_oauth_client(
            &me,
            &CreateOAuthClientRequest {
                token_lifetime_secs: Some(600),
                ..oauth_client_request("billing", &[Scope::Profile, Scope::Sms])
            },
        )
        .await;
    assert!(registered.client_secret.starts_with("pcl_cs_"));
    assert!(registered.client.id.starts_with("cli_"));

    let client = BasicClient::new(ClientId::new(registered.client.id.clone()))
        .set_client_secret(ClientSecret::new(registered.client_secret.clone()))
        .set_token_uri(TokenUrl::new(app.url(routes::OAUTH_TOKEN)).unwrap())
        .set_introspection_url(IntrospectionUrl::new(app.url(routes::OAUTH_INTROSPECT)).unwrap())
        .set_revocation_url(RevocationUrl::new(app.url(routes::OAUTH_REVOKE)).unwrap());
    let http = http(&app);

    let token = client
        .exchange_client_credentials()
        .add_scope(OAuthScope::new("profile".into()))
        .request_async(&http)
        .await
        .expect("client_credentials grant");
    assert!(token.access_token().secret().starts_with("pcl_at_"));
    assert_eq!(token.expires_in().unwrap().as_secs(), 600);
    assert_eq!(
        token.scopes().unwrap(),
        &vec![OAuthScope::new("profile".into())]
    );

    let secret = token.access_token().secret().clone();
    let profile = app.bearer_get(routes::PROFILE, &secret).await;
    assert_eq!(profile.status(), StatusCode::OK);
    assert!(profile.text().await.unwrap().contains("oauth@example.com"));

    let introspection = client
        .introspect(token.access_token())
        .request_async(&http)
        .await
        .expect("introspection");
    assert!(introspection.active());
    assert_eq!(
        introspection.scopes().unwrap(),
        &vec![OAuthScope::new("profile".into())]
    );
    assert_eq!(
        introspection.client_id().unwrap().as_str(),
        registered.client.id
    );
    assert_eq!(introspection.sub(), Some(me.account.id.as_str()));

    client
        .revoke_token(StandardRevocableToken::AccessToken(
            token.access_token().clone(),
        ))
        .expect("an https revocation endpoint")
        .request_async(&http)
        .await
        .expect("RFC 7009 revocation");
    expect_problem(
        app.bearer_get(routes::PROFILE, &secret).await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::TokenRevoked,
    )
    .await;
    let introspection = client
        .introspect(token.access_token())
        .request_async(&http)
        .await
        .expect("introspection");
    assert!(!introspection.active());
}

async fn client_credentials_round_trip_with_curl(app: TestApp) {
    let me = app.signed_in("curl@example.com").await;
    let registered = app
        .register_oauth_client(&me, &oauth_client_request("curl", &[Scope::Profile]))
        .await;
    let curl = |args: Vec<String>| {
        let output = std::process::Command::new("curl")
            .arg("-sS")
            .args(args)
            .output()
            .expect("run curl");
        assert!(
            output.status.success(),
            "curl failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };
    let credentials = format!("{}:{}", registered.client.id, registered.client_secret);
    let body = tokio::task::spawn_blocking({
        let (url, credentials) = (app.url(routes::OAUTH_TOKEN), credentials.clone());
        move || {
            curl(vec![
                "-u".into(),
                credentials,
                "-d".into(),
                "grant_type=client_credentials".into(),
                url,
            ])
        }
    })
    .await
    .unwrap();
    let token: OAuthTokenResponse =
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
    assert_eq!(
        (
            token.token_type.as_str(),
            token.scope.as_str(),
            token.expires_in
        ),
        ("Bearer", "profile", 3600)
    );

    let call = {
        let (url, token) = (app.url(routes::PROFILE), token.access_token.clone());
        move || {
            curl(vec![
                "-H".into(),
                format!("Authorization: Bearer {token}"),
                url,
            ])
        }
    };
    let profile = tokio::task::spawn_blocking(call.clone()).await.unwrap();
    assert!(profile.contains("curl@example.com"), "{profile}");

    let form_auth = |path: &str| {
        vec![
            "-d".into(),
            format!("client_id={}", registered.client.id),
            "-d".into(),
            format!("client_secret={}", registered.client_secret),
            "-d".into(),
            format!("token={}", token.access_token),
            app.url(path),
        ]
    };
    let introspect = form_auth(routes::OAUTH_INTROSPECT);
    let active: IntrospectionResponse = serde_json::from_str(
        &tokio::task::spawn_blocking(move || curl(introspect))
            .await
            .unwrap(),
    )
    .unwrap();
    assert!(active.active);
    let revoke = form_auth(routes::OAUTH_REVOKE);
    tokio::task::spawn_blocking(move || curl(revoke))
        .await
        .unwrap();
    let refused = tokio::task::spawn_blocking(call).await.unwrap();
    assert!(refused.contains("token_revoked"), "{refused}");
}

async fn token_endpoint_errors_follow_rfc_6749(app: TestApp) {
    let me = app.signed_in("errors@example.com").await;
    let registered = app
        .register_oauth_client(&me, &oauth_client_request("x", &[Scope::ContactsRead]))
        .await;
    let (id, secret) = (
        registered.client.id.as_str(),
        registered.client_secret.as_str(),
    );
    let grant = [("grant_type", "client_credentials")];

    let wrong = token_form(&app, &grant, Some((id, "pcl_cs_wrong"))).await;
    assert_eq!(
        wrong.headers().get(header::WWW_AUTHENTICATE).unwrap(),
        "Basic realm=\"portcullis\""
    );
    oauth_error(wrong, StatusCode::UNAUTHORIZED, "invalid_client").await;
    for basic in [Some(("cli_nope", secret)), None] {
        oauth_error(
            token_form(&app, &grant, basic).await,
            StatusCode::UNAUTHORIZED,
            "invalid_client",
        )
        .await;
    }
    let post_wrong = [
        ("grant_type", "client_credentials"),
        ("client_id", id),
        ("client_secret", "nope"),
    ];
    let response = token_form(&app, &post_wrong, None).await;
    assert!(response.headers().get(header::WWW_AUTHENTICATE).is_none());
    oauth_error(response, StatusCode::UNAUTHORIZED, "invalid_client").await;

    // Requests a client with the right credentials cannot make.
    let refused_forms: [(&[(&str, &str)], &str); 6] = [
        (&[("grant_type", "password")], "unsupported_grant_type"),
        (&[], "invalid_request"),
        (
            &[("grant_type", "client_credentials"), ("scope", "contacts")],
            "invalid_scope",
        ),
        (
            &[("grant_type", "client_credentials"), ("scope", "admin")],
            "invalid_scope",
        ),
        (
            &[
                ("grant_type", "client_credentials"),
                ("grant_type", "client_credentials"),
            ],
            "invalid_request",
        ),
        (
            &[
                ("grant_type", "client_credentials"),
                ("client_id", id),
                ("client_secret", secret),
            ],
            "invalid_request",
        ),
    ];
    for (form, error) in refused_forms {
        oauth_error(
            token_form(&app, form, Some((id, secret))).await,
            StatusCode::BAD_REQUEST,
            error,
        )
        .await;
    }
    let as_json = http(&app)
        .post(app.url(routes::OAUTH_TOKEN))
        .basic_auth(id, Some(secret))
        .json(&json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .unwrap();
    oauth_error(as_json, StatusCode::BAD_REQUEST, "invalid_request").await;

    // A narrower scope than the client's is granted as asked.
    let narrow = token_form(
        &app,
        &[
            ("grant_type", "client_credentials"),
            ("scope", "contacts:read"),
        ],
        Some((id, secret)),
    )
    .await;
    assert_eq!(
        narrow.json::<OAuthTokenResponse>().await.unwrap().scope,
        "contacts:read"
    );
}

async fn client_changes_reach_its_tokens_on_the_next_call(app: TestApp) {
    let me = app.signed_in("clientstate@example.com").await;
    let registered = app
        .register_oauth_client(
            &me,
            &oauth_client_request("x", &[Scope::Profile, Scope::Sms]),
        )
        .await;
    let (id, secret) = (
        registered.client.id.clone(),
        registered.client_secret.clone(),
    );
    let token = app.client_credentials_token(&registered, None).await;
    assert_eq!(token.scope, "sms profile");
    app.assert_bearer_get(routes::PROFILE, &token.access_token, StatusCode::OK)
        .await;
    let path = routes::OAUTH_CLIENT.replace("{id}", &id);
    let csrf = &me.session.csrf_token;

    let rescoped: OAuthClientDto = app
        .portal_json(
            Method::PATCH,
            &path,
            csrf,
            &UpdateOAuthClientRequest {
                scopes: Some(vec![Scope::Sms]),
                ..Default::default()
            },
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rescoped.scopes.len(), 1);
    expect_problem(
        app.bearer_get(routes::PROFILE, &token.access_token).await,
        StatusCode::FORBIDDEN,
        ProblemCode::PermissionDenied,
    )
    .await;
    app.portal_json(
        Method::PATCH,
        &path,
        csrf,
        &UpdateOAuthClientRequest {
            scopes: Some(vec![Scope::Sms, Scope::Profile]),
            ip_allowlist: Some(vec!["192.0.2.0/24".to_owned()]),
            ..Default::default()
        },
    )
    .await;
    expect_problem(
        app.bearer_get(routes::PROFILE, &token.access_token).await,
        StatusCode::FORBIDDEN,
        ProblemCode::TokenIpNotAllowed,
    )
    .await;
    oauth_error(
        token_form(
            &app,
            &[("grant_type", "client_credentials")],
            Some((&id, &secret)),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        "invalid_client",
    )
    .await;
    app.portal_json(
        Method::PATCH,
        &path,
        csrf,
        &UpdateOAuthClientRequest {
            ip_allowlist: Some(Vec::new()),
            disabled: Some(true),
            ..Default::default()
        },
    )
    .await;
    expect_problem(
        app.bearer_get(routes::PROFILE, &token.access_token).await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::TokenDisabled,
    )
    .await;
    app.portal_json(
        Method::PATCH,
        &path,
        csrf,
        &UpdateOAuthClientRequest {
            disabled: Some(false),
            ..Default::default()
        },
    )
    .await;
    app.assert_bearer_get(routes::PROFILE, &token.access_token, StatusCode::OK)
        .await;
    assert_eq!(
        app.portal(Method::DELETE, &path, csrf, None).await.status(),
        StatusCode::NO_CONTENT
    );
    expect_problem(
        app.bearer_get(routes::PROFILE, &token.access_token).await,
        StatusCode::UNAUTHORIZED,
        ProblemCode::TokenRevoked,
    )
    .await;
    let listed: Vec<OAuthClientDto> = app.get_json(routes::OAUTH_CLIENTS).await;
    assert!(listed.is_empty());
}

async fn introspection_never_reveals_other_accounts_tokens(app: TestApp) {
    let me = app.signed_in("mine@example.com").await;
    let mine = app
        .register_oauth_client(&me, &oauth_client_request("x", &[Scope::Profile]))
        .await;
    let token = app.client_credentials_token(&mine, None).await;
    let other = app.another_browser();
    let them = other.signed_in("theirs@example.com").await;
    let theirs = other
        .register_oauth_client(&them, &oauth_client_request("y", &[Scope::Profile]))
        .await;
    let response = http(&other)
        .post(other.url(routes::OAUTH_INTROSPECT))
        .basic_auth(&theirs.client.id, Some(&theirs.client_secret))
        .form(&[("token", token.access_token.as_str())])
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body, json!({"active": false}));
    // Nor can they revoke it.
    http(&other)
        .post(other.url(routes::OAUTH_REVOKE))
        .basic_auth(&theirs.client.id, Some(&theirs.client_secret))
        .form(&[("token", token.access_token.as_str())])
        .send()
        .await
        .unwrap();
    other
        .assert_bearer_get(routes::PROFILE, &token.access_token, StatusCode::OK)
        .await;
}

async fn metadata_and_keys_let_clients_verify_tokens(app: TestApp) {
    let metadata: AuthorizationServerMetadata = app.get_json(routes::OAUTH_METADATA).await;
    assert_eq!(
        metadata.token_endpoint,
        format!("{}{}", metadata.issuer, routes::OAUTH_TOKEN)
    );
    assert_eq!(metadata.grant_types_supported, ["client_credentials"]);
    assert!(metadata
        .scopes_supported
        .contains(&"contacts:read".to_owned()));
    let jwks: JwkSet = app.get_json(routes::JWKS).await;
    assert_eq!(jwks.keys.len(), 1);

    let me = app.signed_in("jwks@example.com").await;
    let registered = app
        .register_oauth_client(&me, &oauth_client_request("x", &[Scope::Sms]))
        .await;
    let token = app.client_credentials_token(&registered, None).await;
    let key = jsonwebtoken::DecodingKey::from_ed_components(&jwks.keys[0].x).unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::EdDSA);
    validation.set_audience(&["portcullis-api"]);
    validation.set_issuer(&[&metadata.issuer]);
    let data = jsonwebtoken::decode::<serde_json::Value>(
        token.access_token.strip_prefix("pcl_at_").unwrap(),
        &key,
        &validation,
    )
    .expect("verifies with the JWKS");
    assert_eq!(data.claims["client_id"], registered.client.id.as_str());
    assert_eq!(data.header.kid.as_deref(), Some(jwks.keys[0].kid.as_str()));
}

on_both_backends!(tls = true; client_credentials_round_trip_with_the_oauth2_crate);

on_both_backends!(
    client_credentials_round_trip_with_curl,
    token_endpoint_errors_follow_rfc_6749,
    client_changes_reach_its_tokens_on_the_next_call,
    introspection_never_reveals_other_accounts_tokens,
    metadata_and_keys_let_clients_verify_tokens,
);

/// Issue 12 (RFC 7662 §4): a client learns about the tokens issued to it and
/// nothing else. Another client of the same account, asking about those or
/// about a portal token, gets `{"active": false}`.
async fn introspection_answers_only_for_tokens_issued_to_the_calling_client(app: TestApp) {
    let me = app.signed_in("resource.server@example.com").await;
    let a = app
        .register_oauth_client(&me, &oauth_client_request("a", &[Scope::Profile]))
        .await;
    let b = app
        .register_oauth_client(&me, &oauth_client_request("b", &[Scope::Profile]))
        .await;
    let issued = app.client_credentials_token(&a, None).await;
    let portal_token = app
        .create_token(&me, &token_request("portal", &[Scope::Profile]))
        .await
        .secret;
    let introspect = |client: &CreatedOAuthClientDto, token: &str| {
        http(&app)
            .post(app.url(routes::OAUTH_INTROSPECT))
            .basic_auth(&client.client.id, Some(&client.client_secret))
            .form(&[("token", token.to_owned())])
            .send()
    };
    for (asker, token) in [
        (&b, issued.access_token.as_str()),
        (&b, portal_token.as_str()),
        (&a, portal_token.as_str()),
    ] {
        let body: serde_json::Value = introspect(asker, token)
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            body,
            json!({"active": false}),
            "{} asked",
            asker.client.name
        );
    }
    let own: IntrospectionResponse = introspect(&a, &issued.access_token)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(own.active);
    assert_eq!(own.client_id.as_deref(), Some(a.client.id.as_str()));
}

on_both_backends!(introspection_answers_only_for_tokens_issued_to_the_calling_client);
