//! OAuth2 endpoints: RFC 8414 metadata, the JWKS, and `/oauth/{token,revoke,introspect}`.
//! Errors here use the RFC 6749 §5.2 body that OAuth clients expect, with the
//! RFC 9457 problem members alongside.

use std::collections::HashMap;

use actix_web::{
    http::{header, StatusCode},
    web, HttpRequest, HttpResponse, ResponseError,
};
use portcullis_shared::{
    dto::{
        AuthorizationServerMetadata, IntrospectionResponse, Jwk, JwkSet, OAuthErrorResponse,
        OAuthTokenResponse,
    },
    routes,
    scope::Scope,
};

use crate::{
    auth::client_ip,
    error::problem_type_uri,
    services::{
        tokens::oauth::{self, ClientCredentials, OAuthError},
        AppState,
    },
};

endpoints! {
    routes::OAUTH_METADATA => get(metadata);
    routes::JWKS => get(jwks);
    routes::OAUTH_TOKEN => post(token);
    routes::OAUTH_REVOKE => post(revoke);
    routes::OAUTH_INTROSPECT => post(introspect);
}

impl ResponseError for OAuthError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::InvalidClient { .. } => StatusCode::UNAUTHORIZED,
            Self::Api(error) => error.status_code(),
            _ => StatusCode::BAD_REQUEST,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::Api(error) = self {
            // Logs the cause; the body stays in OAuth form below.
            let _ = error.error_response();
        }
        let status = self.status_code();
        let code = self.error_code();
        let body = OAuthErrorResponse {
            error: code.to_owned(),
            error_description: self.description(),
            type_uri: problem_type_uri_for(code),
            title: self.description(),
            status: status.as_u16(),
            code: code.to_owned(),
        };
        let mut response = HttpResponse::build(status);
        response
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((header::PRAGMA, "no-cache"));
        if let Self::InvalidClient { basic: true } = self {
            response.insert_header((header::WWW_AUTHENTICATE, "Basic realm=\"portcullis\""));
        }
        response.json(body)
    }
}

fn problem_type_uri_for(code: &str) -> String {
    // OAuth error codes are their own vocabulary; keep the URN scheme of problems.
    let _ = problem_type_uri;
    format!("urn:portcullis:oauth-error:{code}")
}

/// Parses an `application/x-www-form-urlencoded` body; a repeated parameter is
/// refused, as RFC 6749 §3.2 requires.
fn form(req: &HttpRequest, body: &[u8]) -> Result<HashMap<String, String>, OAuthError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(OAuthError::InvalidRequest(
            "Send the parameters as application/x-www-form-urlencoded.".into(),
        ));
    }
    let mut params = HashMap::new();
    for (key, value) in form_urlencoded::parse(body) {
        if params
            .insert(key.clone().into_owned(), value.into_owned())
            .is_some()
        {
            return Err(OAuthError::InvalidRequest(format!(
                "Parameter `{}` is repeated.",
                key.chars().take(40).collect::<String>()
            )));
        }
    }
    Ok(params)
}

async fn authenticated_client(
    state: &AppState,
    req: &HttpRequest,
    params: &HashMap<String, String>,
) -> Result<std::sync::Arc<crate::services::tokens::api_access::ClientView>, OAuthError> {
    let authorization = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let credentials = ClientCredentials::from_request(
        authorization,
        params.get("client_id").map(String::as_str),
        params.get("client_secret").map(String::as_str),
    )?;
    oauth::authenticate_client(state, &credentials, client_ip(req)).await
}

fn no_store_json<T: serde::Serialize>(body: &T) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"))
        .json(body)
}

/// RFC 8414 authorization server metadata.
#[utoipa::path(get, path = "/.well-known/oauth-authorization-server", tag = "oauth", responses((status = 200, description = "Metadata", body = AuthorizationServerMetadata)))]
pub async fn metadata(state: web::Data<AppState>) -> HttpResponse {
    let base = state.config.public_url.clone();
    let methods = || {
        vec![
            "client_secret_basic".to_owned(),
            "client_secret_post".to_owned(),
        ]
    };
    HttpResponse::Ok().json(AuthorizationServerMetadata {
        issuer: state.access.keys().issuer().to_owned(),
        token_endpoint: format!("{base}{}", routes::OAUTH_TOKEN),
        revocation_endpoint: format!("{base}{}", routes::OAUTH_REVOKE),
        introspection_endpoint: format!("{base}{}", routes::OAUTH_INTROSPECT),
        jwks_uri: format!("{base}{}", routes::JWKS),
        grant_types_supported: vec!["client_credentials".into()],
        response_types_supported: vec![],
        token_endpoint_auth_methods_supported: methods(),
        revocation_endpoint_auth_methods_supported: methods(),
        introspection_endpoint_auth_methods_supported: methods(),
        scopes_supported: Scope::ALL.iter().map(|s| s.as_str().to_owned()).collect(),
        token_endpoint_auth_signing_alg_values_supported: vec!["EdDSA".into()],
    })
}

/// The public keys that verify access tokens.
#[utoipa::path(get, path = "/.well-known/jwks.json", tag = "oauth", responses((status = 200, description = "JWKS", body = JwkSet)))]
pub async fn jwks(state: web::Data<AppState>) -> HttpResponse {
    let keys = state
        .access
        .keys()
        .public_keys()
        .into_iter()
        .map(|(kid, x)| Jwk {
            kty: "OKP".into(),
            crv: "Ed25519".into(),
            x,
            kid,
            use_: "sig".into(),
            alg: "EdDSA".into(),
        })
        .collect();
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .json(JwkSet { keys })
}

/// Token endpoint: the client_credentials grant (RFC 6749 §4.4).
///
/// Form parameters: `grant_type=client_credentials`, optional `scope`
/// (space-separated, a subset of the client's), and `client_id` +
/// `client_secret` unless HTTP Basic is used.
#[utoipa::path(
    post,
    path = "/oauth/token",
    tag = "oauth",
    request_body(content_type = "application/x-www-form-urlencoded", description = "grant_type, scope, client_id, client_secret", content = portcullis_shared::dto::OAuthTokenForm),
    responses(
        (status = 200, description = "Access token", body = OAuthTokenResponse),
        (status = 400, description = "invalid_request, unsupported_grant_type, invalid_scope, unauthorized_client (the account is suspended by the operator)", body = OAuthErrorResponse),
        (status = 401, description = "invalid_client (also: the client, or the subuser who made it, is disabled)", body = OAuthErrorResponse),
        (status = 503, description = "Storage unavailable (server_error)", body = OAuthErrorResponse),
    )
)]
pub async fn token(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, OAuthError> {
    let params = form(&req, &body)?;
    match params.get("grant_type").map(String::as_str) {
        Some("client_credentials") => {}
        Some(_) => return Err(OAuthError::UnsupportedGrantType),
        None => {
            return Err(OAuthError::InvalidRequest(
                "`grant_type` is required.".into(),
            ))
        }
    }
    let client = authenticated_client(&state, &req, &params).await?;
    let token =
        oauth::issue_token(&state, &client, params.get("scope").map(String::as_str)).await?;
    Ok(no_store_json(&OAuthTokenResponse::from(token)))
}

/// Revocation endpoint (RFC 7009): `token` (and optional `token_type_hint`).
/// Answers 200 whether or not the token was valid.
#[utoipa::path(
    post,
    path = "/oauth/revoke",
    tag = "oauth",
    request_body(content_type = "application/x-www-form-urlencoded", description = "token, token_type_hint, client_id, client_secret", content = portcullis_shared::dto::OAuthTokenActionForm),
    responses(
        (status = 200, description = "Revoked (or nothing to revoke)"),
        (status = 400, description = "invalid_request, unauthorized_client (the account is suspended by the operator)", body = OAuthErrorResponse),
        (status = 401, description = "invalid_client (also: the client, or the subuser who made it, is disabled)", body = OAuthErrorResponse),
        (status = 503, description = "Storage unavailable (server_error)", body = OAuthErrorResponse),
    )
)]
pub async fn revoke(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, OAuthError> {
    let params = form(&req, &body)?;
    let token = params
        .get("token")
        .cloned()
        .ok_or_else(|| OAuthError::InvalidRequest("`token` is required.".into()))?;
    let client = authenticated_client(&state, &req, &params).await?;
    oauth::revoke(&state, &client, &token).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish())
}

/// Introspection endpoint (RFC 7662): `token`. Only tokens issued to the
/// calling client are reported; any other (another client's, a portal token,
/// another account's) is inactive (RFC 7662 §4). A client of a disabled
/// subuser cannot authenticate (`invalid_client`).
#[utoipa::path(
    post,
    path = "/oauth/introspect",
    tag = "oauth",
    request_body(content_type = "application/x-www-form-urlencoded", description = "token, token_type_hint, client_id, client_secret", content = portcullis_shared::dto::OAuthTokenActionForm),
    responses(
        (status = 200, description = "Token state", body = IntrospectionResponse),
        (status = 400, description = "invalid_request, unauthorized_client (the account is suspended by the operator)", body = OAuthErrorResponse),
        (status = 401, description = "invalid_client (also: the client, or the subuser who made it, is disabled)", body = OAuthErrorResponse),
        (status = 503, description = "Storage unavailable (server_error)", body = OAuthErrorResponse),
    )
)]
pub async fn introspect(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, OAuthError> {
    let params = form(&req, &body)?;
    let token = params
        .get("token")
        .cloned()
        .ok_or_else(|| OAuthError::InvalidRequest("`token` is required.".into()))?;
    let client = authenticated_client(&state, &req, &params).await?;
    let introspection = oauth::introspect(&state, &client, &token).await?;
    Ok(no_store_json(&IntrospectionResponse::from(introspection)))
}
