//! OAuth2 clients (registered in the portal) and the OAuth2 wire formats.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::scope::Scope;

/// Body of `POST /api/v1/oauth-clients`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateOAuthClientRequest {
    /// A name to recognise the client by.
    pub name: String,
    /// The scopes the client may request; at least one.
    pub scopes: Vec<Scope>,
    /// Addresses or ranges the client and its tokens may be used from; empty for anywhere.
    #[serde(default)]
    pub ip_allowlist: Vec<String>,
    /// Entries of `ip_allowlist` that expire, each with when it stops letting
    /// addresses in (RFC 3339, at most a year ahead). At least one entry must
    /// stay without expiry.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "openapi", schema(example = json!({"203.0.113.7": "2026-12-11T18:00:00Z"})))]
    pub ip_allowlist_expires_at: BTreeMap<String, String>,
    /// Lifetime of the access tokens issued to it, in seconds (60 to 86400; default 3600).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_lifetime_secs: Option<i64>,
    /// Optional rules the client's tokens obey: countries, sending window, points caps, rate limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<super::CredentialPolicyRequest>,
}

/// Body of `PATCH /api/v1/oauth-clients/{id}`: only the fields present change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateOAuthClientRequest {
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New allowed scopes; tokens already issued lose the scopes removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<Scope>>,
    /// Replaces the IP allowlist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_allowlist: Option<Vec<String>>,
    /// With `ip_allowlist`: which of its entries expire, and when (RFC 3339);
    /// entries not named here do not expire. At least one must not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_allowlist_expires_at: Option<BTreeMap<String, String>>,
    /// `true` disables the client and every token issued to it; `false` re-enables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
    /// Changes the client's policy: rules left out stay, rules sent as `null` are removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<super::CredentialPolicyRequest>,
}

/// An OAuth2 client as listed in the portal. Its secret is never shown again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OAuthClientDto {
    /// The `client_id`.
    pub id: String,
    /// Name given at creation.
    pub name: String,
    /// Scopes the client may request.
    pub scopes: Vec<Scope>,
    /// IP allowlist, normalised; tokens issued to the client inherit it.
    pub ip_allowlist: Vec<String>,
    /// Entries of `ip_allowlist` that expire → when (RFC 3339, UTC). An entry
    /// stops matching at that instant and is then removed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ip_allowlist_expires_at: BTreeMap<String, String>,
    /// Lifetime of issued access tokens, in seconds.
    pub token_lifetime_secs: i64,
    /// Whether the client is disabled.
    pub disabled: bool,
    /// Created (RFC 3339, UTC).
    pub created_at: String,
    /// After a secret rotation with an overlap: until when the previous
    /// secret still authenticates (RFC 3339, UTC); none when only the current one does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_secret_expires_at: Option<String>,
    /// Last use of the client's secret or of any token issued to it (RFC 3339, UTC); updated within seconds.
    #[serde(default)]
    pub last_used_at: Option<String>,
    /// Address of that last use.
    #[serde(default)]
    pub last_used_ip: Option<String>,
    /// The client's policy (binding every token issued to it); none when it has no rules.
    #[serde(default)]
    pub policy: Option<super::CredentialPolicyDto>,
}

/// Body of `POST /api/v1/oauth-clients/{id}/secret`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RotateOAuthClientSecretRequest {
    /// How long the old secret keeps working beside the new one, in seconds:
    /// 0 stops it now, at most 604800 (7 days).
    #[cfg_attr(feature = "openapi", schema(example = 86400))]
    pub old_secret_valid_for_secs: i64,
}

/// Answer to `POST /api/v1/oauth-clients` and to a secret rotation: the only time the secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedOAuthClientDto {
    /// The client as listed.
    pub client: OAuthClientDto,
    /// The `client_secret` (`pcl_cs_…`): store it now, it is not shown again.
    pub client_secret: String,
}

/// Form of `POST /oauth/token` (RFC 6749 §4.4.2), as documented; the server reads the form itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OAuthTokenForm {
    /// Only `client_credentials`.
    pub grant_type: String,
    /// Space-separated scopes, a subset of the client's (all of them when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The client id, unless HTTP Basic is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The client secret, unless HTTP Basic is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
}

/// Form of `POST /oauth/revoke` (RFC 7009) and `POST /oauth/introspect` (RFC 7662), as documented.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OAuthTokenActionForm {
    /// The access token.
    pub token: String,
    /// `access_token`, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_type_hint: Option<String>,
    /// The client id, unless HTTP Basic is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The client secret, unless HTTP Basic is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
}

/// RFC 6749 §5.1 access token response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OAuthTokenResponse {
    /// The bearer access token (`pcl_at_…`).
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the token expires.
    pub expires_in: i64,
    /// The granted scopes, space-separated.
    pub scope: String,
}

/// RFC 6749 §5.2 / RFC 6750 error body, with the RFC 9457 problem members alongside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OAuthErrorResponse {
    /// `invalid_request`, `invalid_client`, `unsupported_grant_type`, `invalid_scope`…
    pub error: String,
    /// Human-readable explanation.
    pub error_description: String,
    /// Problem type URI (RFC 9457).
    #[serde(rename = "type")]
    pub type_uri: String,
    /// Problem title (RFC 9457).
    pub title: String,
    /// HTTP status (RFC 9457).
    pub status: u16,
    /// Stable code, the same as `error`.
    pub code: String,
}

/// RFC 7662 introspection response.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntrospectionResponse {
    /// Whether the token is currently usable.
    pub active: bool,
    /// Granted scopes, space-separated (active tokens only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The client the token was issued to (`portal` for tokens made in the portal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// `Bearer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_type: Option<String>,
    /// Expiry, seconds since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
    /// Issued at, seconds since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    /// The account id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// Audience.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
    /// Issuer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// Token id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
}

/// RFC 8414 authorization server metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthorizationServerMetadata {
    /// Issuer identifier (the `iss` of tokens).
    pub issuer: String,
    /// `POST /oauth/token`.
    pub token_endpoint: String,
    /// `POST /oauth/revoke`.
    pub revocation_endpoint: String,
    /// `POST /oauth/introspect`.
    pub introspection_endpoint: String,
    /// `GET /.well-known/jwks.json`.
    pub jwks_uri: String,
    /// Only `client_credentials`.
    pub grant_types_supported: Vec<String>,
    /// Empty: there is no authorization endpoint.
    pub response_types_supported: Vec<String>,
    /// `client_secret_basic`, `client_secret_post`.
    pub token_endpoint_auth_methods_supported: Vec<String>,
    /// Same as for the token endpoint.
    pub revocation_endpoint_auth_methods_supported: Vec<String>,
    /// Same as for the token endpoint.
    pub introspection_endpoint_auth_methods_supported: Vec<String>,
    /// Every scope.
    pub scopes_supported: Vec<String>,
    /// Signing algorithms of access tokens (`EdDSA`).
    pub token_endpoint_auth_signing_alg_values_supported: Vec<String>,
}

/// One public key of the JWKS (RFC 7517, OKP keys per RFC 8037).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Jwk {
    /// `OKP`.
    pub kty: String,
    /// `Ed25519`.
    pub crv: String,
    /// The public key, base64url.
    pub x: String,
    /// Key id, as in tokens' `kid` header.
    pub kid: String,
    /// `sig`.
    #[serde(rename = "use")]
    pub use_: String,
    /// `EdDSA`.
    pub alg: String,
}

/// `GET /.well-known/jwks.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JwkSet {
    /// The keys that verify access tokens.
    pub keys: Vec<Jwk>,
}
