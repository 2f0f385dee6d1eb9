//! OAuth2: clients registered in the portal, the client_credentials grant
//! (RFC 6749 §4.4), revocation (RFC 7009) and introspection (RFC 7662).

use chrono::NaiveDateTime;
use portcullis_shared::vocabulary::SecurityEventKind;
use std::net::IpAddr;

use base64::{
    engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD},
    Engine,
};
use portcullis_shared::{problem::FieldError, scope::Scope, validate::codes};
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::services::audit::refused_calls::Credential;

use crate::services::{
    access::Principal,
    audit::security_log::{self, SecurityEvent},
    cache::cache_sync::{self, Change},
    now,
    sessions::portal_session::ClientContext,
    tokens::api_access::{parse_scopes, scope_string, ClientView},
    tokens::api_tokens::delete_credential,
    tokens::policies::{self, CredentialPolicy, PolicyChange},
    tokens::signing::{AccessClaims, AUDIENCE},
    AppState,
};
use crate::{
    db::{
        oauth::{self as oauth_rows, ClientChanges, ClientRow},
        DbConnection,
    },
    error::{ApiError, ApiResult},
    services::ip_allowlists::{self, StoredEntry},
    services::tokens::api_tokens::{expiries_without_list, parse_allowlist_with_expiries},
};

/// Prefix of client secrets, so leaked ones can be recognised.
pub const CLIENT_SECRET_PREFIX: &str = "pcl_cs_";
const DEFAULT_TOKEN_LIFETIME_SECS: i64 = 3600;
const TOKEN_LIFETIME_RANGE: std::ops::RangeInclusive<i64> = 60..=86_400;

/// An OAuth2 refusal, answered in RFC 6749 §5.2 form.
#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    #[error("invalid_request: {0}")]
    InvalidRequest(String),
    /// Client authentication failed; `basic` when the client used HTTP Basic.
    #[error("invalid_client")]
    InvalidClient { basic: bool },
    #[error("unsupported_grant_type")]
    UnsupportedGrantType,
    #[error("invalid_scope: {0}")]
    InvalidScope(String),
    /// The client authenticated, but the operator suspended its account.
    #[error("unauthorized_client: account suspended")]
    AccountSuspended,
    #[error(transparent)]
    Api(#[from] ApiError),
}

impl OAuthError {
    /// The RFC 6749 `error` value.
    pub fn error_code(&self) -> &'static str {
        match self {
            Self::InvalidRequest(_) => "invalid_request",
            Self::InvalidClient { .. } => "invalid_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::InvalidScope(_) => "invalid_scope",
            Self::AccountSuspended => "unauthorized_client",
            Self::Api(_) => "server_error",
        }
    }

    pub fn description(&self) -> String {
        match self {
            Self::InvalidRequest(why) => why.clone(),
            Self::InvalidClient { .. } => "Client authentication failed.".into(),
            Self::UnsupportedGrantType => "Only the client_credentials grant is supported.".into(),
            Self::InvalidScope(why) => why.clone(),
            Self::AccountSuspended => "The gateway's operator suspended this account (account_suspended): no tokens are issued until it is reinstated.".into(),
            Self::Api(_) => "The server could not handle the request.".into(),
        }
    }
}

/// A client asked for in the portal, not yet checked.
#[derive(Debug, Clone, Default)]
pub struct NewClient {
    pub name: String,
    pub scopes: Vec<Scope>,
    pub ip_allowlist: Vec<String>,
    /// Entries of `ip_allowlist` that expire → when (RFC 3339).
    pub ip_allowlist_expires_at: std::collections::BTreeMap<String, String>,
    /// Seconds its access tokens live; `None` for the default (an hour).
    pub token_lifetime_secs: Option<i64>,
    /// Its policy's rules, if any.
    pub policy: Option<PolicyChange>,
}

/// Changes asked for one client, not yet checked; `None` leaves a part as it is.
#[derive(Debug, Clone, Default)]
pub struct ClientUpdate {
    pub name: Option<String>,
    pub scopes: Option<Vec<Scope>>,
    pub ip_allowlist: Option<Vec<String>>,
    /// With `ip_allowlist`: which of its entries expire, and when.
    pub ip_allowlist_expires_at: Option<std::collections::BTreeMap<String, String>>,
    pub disabled: Option<bool>,
    pub policy: Option<PolicyChange>,
}

/// A client as listed in the portal (never its secret).
#[derive(Debug, Clone)]
pub struct OAuthClient {
    pub id: String,
    pub name: String,
    pub scopes: Vec<Scope>,
    pub ip_allowlist: Vec<StoredEntry>,
    pub token_lifetime_secs: i64,
    pub disabled: bool,
    pub created_at: NaiveDateTime,
    /// Until when the secret it had before its last rotation still works;
    /// none when only the current one does.
    pub previous_secret_expires_at: Option<NaiveDateTime>,
    /// Last use of its secret or of a token issued to it, and from where.
    pub last_used_at: Option<NaiveDateTime>,
    pub last_used_ip: Option<String>,
    /// Its policy; none when it has no rules.
    pub policy: Option<CredentialPolicy>,
}

impl OAuthClient {
    fn from_row(row: &ClientRow) -> Self {
        Self {
            id: row.id.clone(),
            name: row.name.clone(),
            scopes: parse_scopes(&row.scopes),
            ip_allowlist: ip_allowlists::stored_lines(&row.ip_allowlist),
            token_lifetime_secs: row.token_lifetime_secs,
            disabled: row.disabled_at.is_some(),
            created_at: row.created_at,
            previous_secret_expires_at: row
                .previous_secret_hash
                .as_ref()
                .and(row.previous_secret_expires_at)
                .filter(|until| *until > now()),
            last_used_at: None,
            last_used_ip: None,
            policy: None,
        }
    }

    fn with_policy(self, policy: Option<CredentialPolicy>) -> Self {
        Self {
            policy: policy.filter(|p| !p.is_empty()),
            ..self
        }
    }
}

/// A client just registered, with its secret: the only time it is shown.
#[derive(Debug, Clone)]
pub struct CreatedClient {
    pub client: OAuthClient,
    pub secret: String,
}

/// A bearer access token issued by the client_credentials grant.
#[derive(Clone)]
pub struct IssuedToken {
    pub access_token: String,
    /// Seconds until it expires.
    pub expires_in: i64,
    /// Its scopes, space-separated.
    pub scope: String,
}

impl std::fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedToken")
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

/// What introspection tells a client about a token (RFC 7662).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Introspection {
    /// Not a live token of the calling client.
    Inactive,
    Active(ActiveToken),
}

/// A live token of the calling client, with its claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveToken {
    /// Its scopes, space-separated.
    pub scope: String,
    pub client_id: String,
    pub exp: Option<i64>,
    pub iat: i64,
    pub sub: String,
    pub aud: String,
    pub iss: String,
    pub jti: String,
}

/// Credentials a client presented: HTTP Basic or form fields.
#[derive(Clone)]
pub struct ClientCredentials {
    pub client_id: String,
    pub client_secret: String,
    pub basic: bool,
}

impl std::fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("client_id", &self.client_id)
            .field("basic", &self.basic)
            .finish_non_exhaustive()
    }
}

fn percent_decode(value: &str) -> Option<String> {
    form_urlencoded::parse(format!("v={value}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
}

impl ClientCredentials {
    /// Reads credentials from an `Authorization: Basic` header value and/or the
    /// form's `client_id` and `client_secret`. Both at once is refused.
    pub fn from_request(
        authorization: Option<&str>,
        form_id: Option<&str>,
        form_secret: Option<&str>,
    ) -> Result<Self, OAuthError> {
        let basic = authorization.and_then(|value| {
            let (scheme, encoded) = value.split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("basic")
                .then(|| encoded.trim().to_owned())
        });
        match (basic, form_id) {
            (Some(_), Some(_)) => Err(OAuthError::InvalidRequest(
                "Use one client authentication method, not two.".into(),
            )),
            (Some(encoded), None) => {
                let decoded = STANDARD
                    .decode(encoded)
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok());
                let (id, secret) = decoded
                    .as_deref()
                    .and_then(|d| d.split_once(':'))
                    .and_then(|(id, secret)| Some((percent_decode(id)?, percent_decode(secret)?)))
                    .ok_or(OAuthError::InvalidClient { basic: true })?;
                Ok(Self {
                    client_id: id,
                    client_secret: secret,
                    basic: true,
                })
            }
            (None, Some(id)) => Ok(Self {
                client_id: id.to_owned(),
                client_secret: form_secret.unwrap_or_default().to_owned(),
                basic: false,
            }),
            (None, None) => Err(OAuthError::InvalidClient { basic: false }),
        }
    }
}

pub(crate) fn hash_secret(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Checks the client's secret (in constant time), state and address.
pub async fn authenticate_client(
    state: &AppState,
    credentials: &ClientCredentials,
    ip: IpAddr,
) -> Result<std::sync::Arc<ClientView>, OAuthError> {
    let refused = OAuthError::InvalidClient {
        basic: credentials.basic,
    };
    if credentials.client_id.len() > 100 || credentials.client_secret.len() > 200 {
        return Err(refused);
    }
    let client = state
        .access
        .client_view(&state.db, &credentials.client_id)
        .await?;
    // Hash even for unknown clients so the timing says nothing about which exist.
    let presented = hash_secret(&credentials.client_secret);
    let Some(client) = client else {
        return Err(refused);
    };
    let at = now();
    if !secret_matches(&client, &presented, at)
        || client.disabled
        || !client.allowlist.allows(ip, at)
    {
        return Err(refused);
    }
    // A disabled or deleted subuser's clients are disabled with them: no
    // tokens, no introspection, no revocation.
    if let Some(maker) = &client.created_by {
        match state.access.subuser_access(&state.db, maker).await? {
            Some(access) if !access.disabled => {}
            _ => return Err(refused),
        }
    }
    state
        .access
        .check_account_allowlist(&state.db, &client.account_id, ip, now())
        .await
        .map_err(|_| OAuthError::InvalidClient {
            basic: credentials.basic,
        })?;
    // Said only to a client that proved its secret from an admitted address.
    if state
        .access
        .account_suspended(&state.db, &client.account_id)
        .await?
    {
        return Err(OAuthError::AccountSuspended);
    }
    state
        .access
        .note_use(Credential::Client(client.id.clone()), at, ip);
    Ok(client)
}

/// Whether `presented` (a secret's hash) is the client's secret, or its
/// previous one while that is still valid at `at`. Both are compared in
/// constant time, always, so the timing says nothing about which matched.
fn secret_matches(client: &ClientView, presented: &str, at: NaiveDateTime) -> bool {
    let current = presented.as_bytes().ct_eq(client.secret_hash.as_bytes());
    let (previous_hash, valid) = match &client.previous_secret {
        Some((hash, until)) => (hash.as_str(), *until > at),
        None => (client.secret_hash.as_str(), false),
    };
    let previous = presented.as_bytes().ct_eq(previous_hash.as_bytes())
        & subtle::Choice::from(u8::from(valid));
    (current | previous).into()
}

/// The client_credentials grant: a short-lived access token with the requested
/// scopes (all the client's when none are requested).
pub async fn issue_token(
    state: &AppState,
    client: &ClientView,
    requested: Option<&str>,
) -> Result<IssuedToken, OAuthError> {
    let scopes: Vec<Scope> = match requested.map(str::trim).filter(|s| !s.is_empty()) {
        None => client.scopes.clone(),
        Some(requested) => {
            let mut scopes = Vec::new();
            for name in requested.split(' ').filter(|s| !s.is_empty()) {
                let scope = Scope::parse(name).ok_or_else(|| {
                    OAuthError::InvalidScope(format!(
                        "Unknown scope `{}`.",
                        name.chars().take(40).collect::<String>()
                    ))
                })?;
                if !client.scopes.iter().any(|c| c.covers(scope)) {
                    return Err(OAuthError::InvalidScope(format!(
                        "This client may not request `{}`.",
                        scope.as_str()
                    )));
                }
                if !scopes.contains(&scope) {
                    scopes.push(scope);
                }
            }
            scopes
        }
    };
    let issued_at = now().and_utc().timestamp();
    let scope = scope_string(&scopes);
    let keys = state.access.keys();
    let claims = AccessClaims {
        iss: keys.issuer().to_owned(),
        sub: client.account_id.clone(),
        aud: AUDIENCE.to_owned(),
        exp: Some(issued_at + client.token_lifetime_secs),
        iat: issued_at,
        jti: format!("oat_{}", uuid::Uuid::now_v7().simple()),
        scope: scope.clone(),
        client_id: client.id.clone(),
    };
    let access_token = keys
        .sign(&claims)
        .map_err(|e| OAuthError::Api(ApiError::Internal(e)))?;
    Ok(IssuedToken {
        access_token,
        expires_in: client.token_lifetime_secs,
        scope,
    })
}

/// RFC 7009: revokes a token issued to this client. Unknown, foreign or
/// already-invalid tokens are not an error.
pub async fn revoke(state: &AppState, client: &ClientView, token: &str) -> Result<(), OAuthError> {
    let Ok(live) = state.access.live_token(&state.db, token, now()).await else {
        return Ok(());
    };
    if live.claims.client_id != client.id {
        return Ok(());
    }
    let (jti, account, exp) = (
        live.claims.jti.clone(),
        live.account_id.clone(),
        live.claims.exp.unwrap_or_default(),
    );
    let expires_at = chrono::DateTime::from_timestamp(exp, 0)
        .map(|t| t.naive_utc())
        .unwrap_or_else(now);
    state
        .db
        .transaction(move |conn| {
            oauth_rows::insert_revoked(conn, &jti, &account, expires_at, now())?;
            Ok(cache_sync::announce(conn, &Change::Revoked(jti.clone()))?)
        })
        .await?;
    state.forget_committed(Change::Revoked(live.claims.jti.clone()));
    tracing::info!(client_id = %client.id, jti = %live.claims.jti, "access token revoked");
    Ok(())
}

/// RFC 7662: whether a token is active, with its claims, for tokens issued to
/// the calling client; any other token (another client's, a portal token,
/// another account's) is simply inactive (§4: a client learns nothing about
/// tokens that are not its own).
pub async fn introspect(
    state: &AppState,
    client: &ClientView,
    token: &str,
) -> Result<Introspection, OAuthError> {
    let live = match state.access.live_token(&state.db, token, now()).await {
        Ok(live) if live.claims.client_id == client.id && live.account_id == client.account_id => {
            live
        }
        Ok(_) | Err(ApiError::TokenRefused(_)) => return Ok(Introspection::Inactive),
        Err(other) => return Err(other.into()),
    };
    let claims = &live.claims;
    Ok(Introspection::Active(ActiveToken {
        scope: scope_string(&live.scopes),
        client_id: claims.client_id.clone(),
        exp: claims.exp,
        iat: claims.iat,
        sub: claims.sub.clone(),
        aud: claims.aud.clone(),
        iss: claims.iss.clone(),
        jti: claims.jti.clone(),
    }))
}

fn joined(scopes: &[Scope]) -> String {
    let mut scopes = scopes.to_vec();
    scopes.sort();
    scopes.dedup();
    scope_string(&scopes)
}

fn parse_client_name(raw: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 100 {
        errors.push(FieldError::new(
            "name",
            codes::REQUIRED,
            "Give the client a name of at most 100 characters.",
        ));
        return None;
    }
    Some(name.to_owned())
}

/// A fresh client secret: 256 random bits, prefixed so leaks are recognised.
fn new_client_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{CLIENT_SECRET_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// Longest time the previous secret may keep working after a rotation.
pub const MAX_SECRET_OVERLAP_SECS: i64 = 7 * 86_400;

/// Replaces a client's secret. The old one keeps working for
/// `old_secret_valid_for_secs` (0: it stops now; at most
/// [`MAX_SECRET_OVERLAP_SECS`]), so integrations can switch without
/// downtime; a secret from an earlier rotation stops at once. The new secret
/// is shown this once; every process refuses the old one when its time ends.
pub async fn rotate_secret(
    state: &AppState,
    principal: &Principal,
    id: &str,
    old_secret_valid_for_secs: i64,
    client: &ClientContext,
) -> ApiResult<CreatedClient> {
    if !(0..=MAX_SECRET_OVERLAP_SECS).contains(&old_secret_valid_for_secs) {
        return Err(ApiError::Validation(vec![FieldError::new(
            "old_secret_valid_for_secs",
            codes::OUT_OF_RANGE,
            "Choose between 0 (the old secret stops now) and 604800 seconds (7 days).",
        )]));
    }
    let at = now();
    let previous_until = (old_secret_valid_for_secs > 0)
        .then(|| at + chrono::Duration::seconds(old_secret_valid_for_secs));
    let secret = new_client_secret();
    let new_hash = hash_secret(&secret);
    let (account, client_id, who) = (
        principal.tenant_id.clone(),
        id.to_owned(),
        principal.clone(),
    );
    let event = SecurityEvent::by_login(
        principal,
        SecurityEventKind::OauthClientSecretRotated,
        client,
    )
    .detail("client_id", id)
    .detail(
        "previous_secret_valid_until",
        previous_until
            .map(crate::services::rfc3339)
            .unwrap_or_default(),
    );
    let (row, policy) = state
        .db
        .transaction(move |conn| {
            let existing =
                manageable_client(conn, &account, &client_id, &who)?.ok_or(ApiError::NotFound)?;
            if !oauth_rows::rotate_secret(
                conn,
                &client_id,
                &existing.secret_hash,
                &new_hash,
                previous_until,
            )? {
                return Err(crate::services::tokens::api_tokens::changed_meanwhile());
            }
            security_log::record(conn, &event.detail("name", existing.name.clone()))?;
            cache_sync::announce(conn, &Change::Client(client_id.clone()))?;
            let row = oauth_rows::find_client(conn, &client_id)?.ok_or(ApiError::NotFound)?;
            Ok((
                row,
                policies::load(conn, &Credential::Client(client_id.clone()))?,
            ))
        })
        .await?;
    state.forget_committed(Change::Client(id.to_owned()));
    tracing::info!(client_id = id, "OAuth client secret rotated");
    Ok(CreatedClient {
        client: OAuthClient::from_row(&row).with_policy(policy.as_deref().cloned()),
        secret,
    })
}

/// Ends a rotation's overlap now: only the current secret authenticates,
/// on every process. `NotFound` when the client has no previous secret.
pub async fn end_secret_overlap(
    state: &AppState,
    principal: &Principal,
    id: &str,
    client: &ClientContext,
) -> ApiResult<OAuthClient> {
    let (account, client_id, who) = (
        principal.tenant_id.clone(),
        id.to_owned(),
        principal.clone(),
    );
    let event = SecurityEvent::by_login(principal, SecurityEventKind::OauthClientChanged, client)
        .detail("client_id", id)
        .detail("change", "previous_secret_revoked");
    let (row, policy) = state
        .db
        .transaction(move |conn| {
            let existing =
                manageable_client(conn, &account, &client_id, &who)?.ok_or(ApiError::NotFound)?;
            // Ending an overlap that already ended changes nothing: the
            // answer is the client as it stands (DELETE is idempotent).
            if oauth_rows::end_secret_overlap(conn, &client_id)? {
                security_log::record(conn, &event.detail("name", existing.name.clone()))?;
                cache_sync::announce(conn, &Change::Client(client_id.clone()))?;
            }
            let row = oauth_rows::find_client(conn, &client_id)?.ok_or(ApiError::NotFound)?;
            Ok((
                row,
                policies::load(conn, &Credential::Client(client_id.clone()))?,
            ))
        })
        .await?;
    state.forget_committed(Change::Client(id.to_owned()));
    Ok(OAuthClient::from_row(&row).with_policy(policy.as_deref().cloned()))
}

/// Registers a client and returns its secret, the only time it is shown.
pub async fn create_client(
    state: &AppState,
    principal: &Principal,
    request: NewClient,
    client: &ClientContext,
) -> ApiResult<CreatedClient> {
    let account_id = principal.tenant_id.as_str();
    let mut errors = Vec::new();
    crate::services::tokens::api_tokens::check_within_grants(
        principal,
        &request.scopes,
        &mut errors,
    );
    let name = parse_client_name(&request.name, &mut errors);
    if request.scopes.is_empty() {
        errors.push(FieldError::new(
            "scopes",
            codes::REQUIRED,
            "Choose at least one permission.",
        ));
    }
    let lifetime = request
        .token_lifetime_secs
        .unwrap_or(DEFAULT_TOKEN_LIFETIME_SECS);
    if !TOKEN_LIFETIME_RANGE.contains(&lifetime) {
        errors.push(FieldError::new(
            "token_lifetime_secs",
            codes::TOO_LONG,
            "Choose between 60 and 86400 seconds.",
        ));
    }
    let allowlist = parse_allowlist_with_expiries(
        &request.ip_allowlist,
        &request.ip_allowlist_expires_at,
        now(),
        &mut errors,
    );
    let (Some(name), Some((_, allowlist)), true) = (name, allowlist, errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let secret = new_client_secret();
    let row = ClientRow {
        id: format!("cli_{}", uuid::Uuid::now_v7().simple()),
        account_id: account_id.to_owned(),
        name,
        secret_hash: hash_secret(&secret),
        scopes: joined(&request.scopes),
        ip_allowlist: ip_allowlists::to_stored_lines(&allowlist),
        token_lifetime_secs: lifetime,
        created_at: now(),
        disabled_at: None,
        created_by: principal.sent_by().map(str::to_owned),
        previous_secret_hash: None,
        previous_secret_expires_at: None,
    };
    let insert = row.clone();
    let event = SecurityEvent::by_login(principal, SecurityEventKind::OauthClientCreated, client)
        .detail("client_id", row.id.clone())
        .detail("name", row.name.clone())
        .detail("scopes", row.scopes.clone());
    let (by_owner, made_by_subuser) = (principal.sent_by().is_none(), row.created_by.is_some());
    let policy_change = request.policy.clone();
    let policy = state
        .db
        .transaction(move |conn| {
            oauth_rows::insert_client(conn, &insert)?;
            let credential = Credential::Client(insert.id.clone());
            if let Some(change) = &policy_change {
                policies::apply_change(
                    conn,
                    &insert.account_id,
                    &credential,
                    change,
                    by_owner,
                    made_by_subuser,
                    "OAuth client",
                )?;
            }
            security_log::record(conn, &event)?;
            Ok(policies::load(conn, &credential)?)
        })
        .await?;
    tracing::info!(account_id, client_id = %row.id, "OAuth client registered");
    Ok(CreatedClient {
        client: OAuthClient::from_row(&row).with_policy(policy.as_deref().cloned()),
        secret,
    })
}

pub async fn list_clients(state: &AppState, principal: &Principal) -> ApiResult<Vec<OAuthClient>> {
    let key = principal.tenant_id.clone();
    let (rows, mut policies, uses) = state
        .db
        .run(move |conn| {
            Ok((
                oauth_rows::list_clients(conn, &key)?,
                policies::load_for_account(conn, &key)?,
                oauth_rows::last_uses(conn, &key)?,
            ))
        })
        .await?;
    let mut uses: std::collections::HashMap<String, (NaiveDateTime, Option<String>)> = uses
        .into_iter()
        .map(|(id, at, ip)| (id, (at, ip)))
        .collect();
    Ok(rows
        .iter()
        .filter(|row| principal.may_manage(row.created_by.as_deref()))
        .map(|row| {
            let policy = policies.remove(&policies::credential_key(&Credential::Client(
                row.id.clone(),
            )));
            let (last_used_at, last_used_ip) = uses
                .remove(&row.id)
                .map_or((None, None), |(at, ip)| (Some(at), ip));
            OAuthClient {
                last_used_at,
                last_used_ip,
                ..OAuthClient::from_row(row).with_policy(policy)
            }
        })
        .collect())
}

/// Renames, re-scopes, disables/re-enables or re-lists a client: issued tokens
/// follow on their very next use.
pub async fn update_client(
    state: &AppState,
    principal: &Principal,
    id: &str,
    request: ClientUpdate,
    client: &ClientContext,
) -> ApiResult<OAuthClient> {
    let mut errors = Vec::new();
    let name = request
        .name
        .as_deref()
        .map(|n| parse_client_name(n, &mut errors));
    if request.scopes.as_ref().is_some_and(Vec::is_empty) {
        errors.push(FieldError::new(
            "scopes",
            codes::REQUIRED,
            "Choose at least one permission.",
        ));
    }
    if let Some(scopes) = &request.scopes {
        crate::services::tokens::api_tokens::check_within_grants(principal, scopes, &mut errors);
    }
    let at = now();
    let expiries = request.ip_allowlist_expires_at.clone().unwrap_or_default();
    if request.ip_allowlist.is_none() && !expiries.is_empty() {
        errors.push(expiries_without_list());
    }
    let allowlist = request
        .ip_allowlist
        .as_deref()
        .map(|list| parse_allowlist_with_expiries(list, &expiries, at, &mut errors));
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let (allowlist, allowlist_entries) = allowlist.flatten().unzip();
    let scopes = request.scopes.clone();
    let by_owner = principal.sent_by().is_none();
    let changes = ClientChanges {
        name: name.flatten(),
        scopes: request.scopes.as_deref().map(joined),
        ip_allowlist: allowlist_entries
            .as_deref()
            .map(ip_allowlists::to_stored_lines),
        disabled_at: request.disabled.map(|d| d.then_some(at)),
        // The owner's disabling, allowlists and scopes bind the subuser; the
        // subuser's own changes leave the owner's marks as they are.
        disabled_by_owner: request.disabled.filter(|_| by_owner),
        allowlist_set_by_owner: allowlist.as_ref().filter(|_| by_owner).map(|_| true),
        scopes_set_by_owner: request.scopes.as_ref().filter(|_| by_owner).map(|_| true),
    };
    let (account, client_id, who) = (
        principal.tenant_id.clone(),
        id.to_owned(),
        principal.clone(),
    );
    let event = SecurityEvent::by_login(principal, SecurityEventKind::OauthClientChanged, client)
        .detail("client_id", id);
    let (row, policy) = state
        .db
        .transaction(move |conn| {
            let existing =
                manageable_client(conn, &account, &client_id, &who)?.ok_or(ApiError::NotFound)?;
            let restrictions = oauth_rows::owner_restrictions(conn, &client_id)?;
            if !by_owner {
                crate::services::tokens::api_tokens::refuse_lifting(
                    "OAuth client",
                    crate::services::tokens::api_tokens::OwnerRestrictions {
                        disabled: restrictions.0,
                        allowlist: restrictions.1,
                        scopes: restrictions.2,
                    },
                    request.disabled == Some(false),
                    (
                        &existing.ip_allowlist,
                        allowlist.as_deref().zip(allowlist_entries.as_deref()),
                    ),
                    (&parse_scopes(&existing.scopes), scopes.as_deref()),
                    at,
                )?;
            }
            let credential = Credential::Client(client_id.clone());
            let policy_changed = match &request.policy {
                Some(change) => policies::apply_change(
                    conn,
                    &account,
                    &credential,
                    change,
                    by_owner,
                    existing.created_by.is_some(),
                    "OAuth client",
                )?,
                None => false,
            };
            let seen = (!by_owner).then_some(oauth_rows::ClientSeen {
                restrictions,
                ip_allowlist: &existing.ip_allowlist,
                scopes: &existing.scopes,
            });
            if !oauth_rows::update_client(conn, &client_id, &changes, seen)? {
                return Err(crate::services::tokens::api_tokens::changed_meanwhile());
            }
            let row = oauth_rows::find_client(conn, &client_id)?.ok_or(ApiError::NotFound)?;
            let (disables, enables) =
                security_log::disabling(changes.disabled_at, existing.disabled_at);
            let change = security_log::change_list(&[
                ("renamed", row.name != existing.name),
                ("scopes", row.scopes != existing.scopes),
                ("allowlist", row.ip_allowlist != existing.ip_allowlist),
                ("disabled", disables),
                ("enabled", enables),
                ("policy", policy_changed),
            ]);
            if !change.is_empty() {
                security_log::record(
                    conn,
                    &event
                        .detail("name", row.name.clone())
                        .detail("change", change),
                )?;
            }
            cache_sync::announce(conn, &Change::Client(client_id.clone()))?;
            Ok((row, policies::load(conn, &credential)?))
        })
        .await?;
    state.forget_committed(Change::Client(id.to_owned()));
    Ok(OAuthClient::from_row(&row).with_policy(policy.as_deref().cloned()))
}

/// The account's client `client_id`, if `who` may manage it (an owner any,
/// a subuser the ones they made); otherwise nothing, as if it did not exist.
fn manageable_client(
    conn: &mut DbConnection,
    account: &str,
    client_id: &str,
    who: &Principal,
) -> diesel::QueryResult<Option<ClientRow>> {
    Ok(oauth_rows::find_client(conn, client_id)?
        .filter(|row| row.account_id == account && who.may_manage(row.created_by.as_deref())))
}

/// Deletes a client; its tokens stop working at once.
pub async fn delete_client(
    state: &AppState,
    principal: &Principal,
    id: &str,
    client: &ClientContext,
) -> ApiResult<()> {
    let (account, client_id, who) = (
        principal.tenant_id.clone(),
        id.to_owned(),
        principal.clone(),
    );
    let event = SecurityEvent::by_login(principal, SecurityEventKind::OauthClientDeleted, client)
        .detail("client_id", id);
    delete_credential(state, event, Change::Client(id.to_owned()), move |conn| {
        let Some(existing) = manageable_client(conn, &account, &client_id, &who)? else {
            return Ok(None);
        };
        super::credential_networks::forget_credential(
            conn,
            super::credential_networks::CredentialKind::Client,
            &client_id,
        )?;
        Ok(oauth_rows::delete_client(conn, &account, &client_id)?.then_some(existing.name))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_decoded_and_two_methods_refused() {
        let header = format!("Basic {}", STANDARD.encode("cli_1:pcl_cs_a%2Bb"));
        let creds = ClientCredentials::from_request(Some(&header), None, None).unwrap();
        assert_eq!(
            (
                creds.client_id.as_str(),
                creds.client_secret.as_str(),
                creds.basic
            ),
            ("cli_1", "pcl_cs_a+b", true)
        );
        assert!(matches!(
            ClientCredentials::from_request(Some(&header), Some("cli_1"), None),
            Err(OAuthError::InvalidRequest(_))
        ));
        assert!(matches!(
            ClientCredentials::from_request(Some("Basic !!!"), None, None),
            Err(OAuthError::InvalidClient { basic: true })
        ));
        assert!(matches!(
            ClientCredentials::from_request(None, None, None),
            Err(OAuthError::InvalidClient { basic: false })
        ));
        assert!(
            !format!("{creds:?}").contains("pcl_cs_"),
            "secrets never print"
        );
    }
}
