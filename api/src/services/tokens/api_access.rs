//! Deciding, on every integrator call, whether a bearer token may be used:
//! signature, expiry, disabled/deleted, the token's IP allowlist and the
//! account's API IP allowlist. Scopes are checked by the endpoint.
//!
//! Storage is not read on every call: verified tokens, token states and
//! account allowlists are cached in memory, each cache bounded in size and
//! age ([`StateCache`]). Every change made through this process evicts the
//! affected entry right after its commit, so the very next call sees it.
//! Last-use times are collected here and written in batches. Changes are
//! announced to the other processes on the same PostgreSQL in the change's
//! transaction, and their listeners evict the same entries (see
//! [`crate::services::cache::cache_sync`]).

use crate::domain::TokenRefusal;
use std::{
    collections::{HashMap, HashSet},
    net::IpAddr,
    sync::{Arc, Mutex, RwLock},
    time::{Duration, Instant},
};

use chrono::NaiveDateTime;
use portcullis_shared::scope::Scope;

use crate::services::audit::refused_calls::{Credential, RefusedCalls};
use crate::services::cache::state_cache::StateCache;
use crate::services::ip_allowlists::{self, AllowlistCache, StoredEntry};
use crate::services::subusers::{self, SubuserAccess};
use crate::services::tokens::api_tokens::PORTAL_CLIENT_ID;
use crate::services::tokens::credential_networks::{self, CredentialNetworks};
use crate::services::tokens::policies::{self, CredentialPolicy};
use crate::services::tokens::signing::{AccessClaims, KeyRing, VerifyError};
use crate::{
    db::{accounts as account_rows, oauth as oauth_rows, tokens as token_rows},
    domain::{IpAllowlist, Kek},
    error::{ApiError, ApiResult},
    services::Db,
};

/// Most verified token secrets kept (each ~1 KiB with its claims).
const VERIFIED_CAPACITY: usize = 20_000;
/// Most portal-token states kept, known or not.
const TOKENS_CAPACITY: usize = 20_000;
/// Most OAuth client states kept, known or not (made-up client ids sent to
/// `/oauth/*` land here as "no such client").
const CLIENTS_CAPACITY: usize = 10_000;
/// Most subusers' grants kept.
const SUBUSERS_CAPACITY: usize = 10_000;
/// Most company accounts whose suspension state is kept.
const ACCOUNTS_CAPACITY: usize = 10_000;
/// Most accounts whose API allowlist is kept (the portal allowlists have their own).
pub const ALLOWLISTS_CAPACITY: usize = 10_000;

/// A token's current state, as storage has it.
#[derive(Debug)]
pub struct TokenView {
    pub id: String,
    pub account_id: String,
    pub scopes: Vec<Scope>,
    pub expires_at: Option<NaiveDateTime>,
    pub disabled: bool,
    pub allowlist: IpAllowlist,
    /// The subuser who made it.
    pub created_by: Option<String>,
    /// Its policy, if it has one.
    pub policy: Option<Arc<CredentialPolicy>>,
}

/// An OAuth2 client's current state, as storage has it.
#[derive(Debug)]
pub struct ClientView {
    pub id: String,
    pub account_id: String,
    pub secret_hash: String,
    /// The secret it had before its last rotation, and until when that one
    /// still authenticates.
    pub previous_secret: Option<(String, NaiveDateTime)>,
    pub scopes: Vec<Scope>,
    pub allowlist: IpAllowlist,
    pub disabled: bool,
    pub token_lifetime_secs: i64,
    /// The subuser who made it.
    pub created_by: Option<String>,
    /// Its policy (binding every token issued to it), if it has one.
    pub policy: Option<Arc<CredentialPolicy>>,
}

/// A token that is usable right now (before address checks).
#[derive(Debug, Clone)]
pub struct LiveToken {
    pub claims: Arc<AccessClaims>,
    pub account_id: String,
    /// The scopes it carries now: a client's tokens lose scopes the client lost.
    pub scopes: Vec<Scope>,
    /// The token's own allowlist (its client's, for issued tokens).
    pub allowlist: IpAllowlistRef,
    /// Set for tokens made in the portal, whose last use is recorded.
    pub portal_token_id: Option<String>,
    /// The subuser who made the token (or its client), with what they may do now.
    pub subuser: Option<Arc<SubuserAccess>>,
}

/// The allowlist a live token is bound by.
#[derive(Debug, Clone)]
pub enum IpAllowlistRef {
    Token(Arc<TokenView>),
    Client(Arc<ClientView>),
}

impl IpAllowlistRef {
    fn list(&self) -> &IpAllowlist {
        match self {
            Self::Token(view) => &view.allowlist,
            Self::Client(view) => &view.allowlist,
        }
    }

    fn policy(&self) -> Option<&Arc<CredentialPolicy>> {
        match self {
            Self::Token(view) => view.policy.as_ref(),
            Self::Client(view) => view.policy.as_ref(),
        }
    }
}

/// Who is calling the integrator API, once every rule passed.
#[derive(Debug, Clone)]
pub struct ApiCallerInfo {
    pub account_id: String,
    pub token_id: String,
    /// The portal token, or the OAuth client the token was issued to.
    pub credential: Credential,
    pub scopes: Vec<Scope>,
    pub ip: IpAddr,
    /// The subuser whose token it is, with what they may do now: the token
    /// may use only the scopes both it and the subuser have.
    pub subuser: Option<Arc<SubuserAccess>>,
    /// The token's (or its client's) policy, if it has one.
    pub policy: Option<Arc<CredentialPolicy>>,
}

/// A refused token, and whose it was (account, credential) when we signed it.
#[derive(Debug)]
struct Refused {
    refusal: TokenRefusal,
    owner: Option<(String, Credential)>,
}

impl Refused {
    /// A token whose claims we cannot believe (malformed, badly signed, inconsistent).
    fn unattributed(refusal: TokenRefusal) -> Self {
        Self {
            refusal,
            owner: None,
        }
    }

    /// A token we signed: its claims name the account and credential.
    fn of(claims: &AccessClaims, refusal: TokenRefusal) -> Self {
        Self {
            refusal,
            owner: Some((claims.sub.clone(), credential_of(claims))),
        }
    }
}

/// The portal token, or the OAuth client, a token we signed stands for.
fn credential_of(claims: &AccessClaims) -> Credential {
    if claims.client_id == PORTAL_CLIENT_ID {
        Credential::Token(claims.jti.clone())
    } else {
        Credential::Client(claims.client_id.clone())
    }
}

impl ApiCallerInfo {
    /// The login behind the token: the subuser who made it, or the owner.
    pub fn login_id(&self) -> &str {
        self.subuser
            .as_ref()
            .map(|s| s.id.as_str())
            .unwrap_or(&self.account_id)
    }
}

/// The OAuth2 form of scopes: names separated by spaces, in the order given.
pub fn scope_string(scopes: &[Scope]) -> String {
    scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn parse_scopes(stored: &str) -> Vec<Scope> {
    stored.split_whitespace().filter_map(Scope::parse).collect()
}

/// A token's or client's stored allowlist, compiled; one that no longer
/// parses refuses everyone (see [`ip_allowlists::compile_stored`]).
pub fn compile_stored_allowlist(whose: &str, stored: &str) -> IpAllowlist {
    ip_allowlists::compile_stored(whose, &ip_allowlists::stored_lines(stored))
}

/// A credential as its last use is stored: its kind (`token`, `client`) and id.
type StoredCredential = (&'static str, String);
/// When and from where a credential was last used.
type LastUse = (NaiveDateTime, IpAddr);

pub struct ApiAccess {
    /// The keys this process signs and verifies with, replaced whole when
    /// storage has others (see [`crate::services::tokens::key_rotation`]).
    keys: RwLock<Arc<KeyRing>>,
    /// Opens the stored keys when they are reloaded; none: never reloaded.
    kek: Option<Arc<Kek>>,
    /// One reload at a time; when the last one started.
    reloading: tokio::sync::Mutex<Option<Instant>>,
    /// Another process changed the keys (its notice arrived).
    keys_changed: tokio::sync::Notify,
    /// Signatures never change: this only saves verifying them again.
    verified: StateCache<Arc<AccessClaims>>,
    tokens: StateCache<Option<Arc<TokenView>>>,
    clients: StateCache<Option<Arc<ClientView>>>,
    /// Revoked issued tokens (`jti`), loaded whole at start and kept whole:
    /// only an authenticated client can add one.
    revoked: RwLock<HashSet<String>>,
    subusers: StateCache<Option<Arc<SubuserAccess>>>,
    /// Whether each company account is suspended by the operator.
    suspended: StateCache<bool>,
    account_lists: AllowlistCache,
    /// Last use of each portal token and OAuth client since the last flush.
    last_used: Mutex<HashMap<Credential, (NaiveDateTime, IpAddr)>>,
    /// Refused calls of tokens we signed, for the security log.
    pub refused: RefusedCalls,
    /// The networks each credential was used from (first use from a new network, pinning).
    pub networks: CredentialNetworks,
}

impl ApiAccess {
    /// Cached states are read again once older than `max_age`
    /// (`PORTCULLIS_CACHE_MAX_AGE_MS`).
    pub fn new(keys: KeyRing, max_age: Duration) -> Self {
        Self {
            keys: RwLock::new(Arc::new(keys)),
            kek: None,
            reloading: tokio::sync::Mutex::new(None),
            keys_changed: tokio::sync::Notify::new(),
            verified: StateCache::new(VERIFIED_CAPACITY, max_age),
            tokens: StateCache::new(TOKENS_CAPACITY, max_age),
            clients: StateCache::new(CLIENTS_CAPACITY, max_age),
            revoked: RwLock::default(),
            subusers: StateCache::new(SUBUSERS_CAPACITY, max_age),
            suspended: StateCache::new(ACCOUNTS_CAPACITY, max_age),
            account_lists: AllowlistCache::new("API", ALLOWLISTS_CAPACITY, max_age),
            last_used: Mutex::default(),
            refused: RefusedCalls::default(),
            networks: CredentialNetworks::new(max_age),
        }
    }

    /// Reloads the keys from storage (opening them with `kek`) when they
    /// changed, and when a token names a key newer than this process knows.
    pub fn with_key_reloading(mut self, kek: Arc<Kek>) -> Self {
        self.kek = Some(kek);
        self
    }

    /// The keys as they are now.
    pub fn keys(&self) -> Arc<KeyRing> {
        self.keys.read().expect("key ring lock").clone()
    }

    /// Tells the key maintenance task that another process changed the keys.
    pub fn signing_keys_changed_elsewhere(&self) {
        self.keys_changed.notify_one();
    }

    /// Waits for [`Self::signing_keys_changed_elsewhere`].
    pub async fn signing_keys_changed(&self) {
        self.keys_changed.notified().await;
    }

    /// Reads the keys from storage and uses them from now on, unless a reload
    /// that started after `wanted_since` already did: many callers wanting
    /// the keys at once cost one read. True when the keys changed.
    pub async fn reload_keys(&self, db: &Db, wanted_since: Instant) -> ApiResult<bool> {
        let Some(kek) = self.kek.clone() else {
            return Ok(false);
        };
        let mut last = self.reloading.lock().await;
        if last.is_some_and(|started| started >= wanted_since) {
            return Ok(false);
        }
        *last = Some(Instant::now());
        let issuer = self.keys().issuer().to_owned();
        let ring = db
            .run(move |conn| KeyRing::load(conn, issuer, &kek).map_err(ApiError::Internal))
            .await?;
        let old = self.keys();
        if old.kids() == ring.kids() {
            return Ok(false);
        }
        let dropped = old.kids().iter().any(|kid| !ring.kids().contains(kid));
        tracing::info!(
            signing_kid = ring.signing_kid(),
            verifying = %ring.kids().join(" "),
            "signing keys reloaded"
        );
        *self.keys.write().expect("key ring lock") = Arc::new(ring);
        if dropped {
            // Tokens of a retired key verify no more.
            self.verified.clear();
        }
        Ok(true)
    }

    fn verify(&self, secret: &str) -> Result<Arc<AccessClaims>, VerifyError> {
        if let Some(claims) = self.verified.get(secret) {
            return Ok(claims);
        }
        let load = self.verified.load_started();
        let claims = Arc::new(self.keys().verify(secret)?);
        self.verified.keep(secret, claims.clone(), load);
        Ok(claims)
    }

    async fn token_view(&self, db: &Db, id: &str) -> ApiResult<Option<Arc<TokenView>>> {
        if let Some(view) = self.tokens.get(id) {
            return Ok(view);
        }
        let load = self.tokens.load_started();
        let key = id.to_owned();
        let row = db
            .run(move |conn| {
                let Some(row) = token_rows::find_token(conn, &key)? else {
                    return Ok(None);
                };
                let policy = policies::load(conn, &Credential::Token(row.id.clone()))?;
                Ok(Some((row, policy)))
            })
            .await?;
        let view = row.map(|(row, policy)| {
            Arc::new(TokenView {
                allowlist: compile_stored_allowlist(
                    &format!("of token {}", row.id),
                    &row.ip_allowlist,
                ),
                scopes: parse_scopes(&row.scopes),
                disabled: row.disabled_at.is_some(),
                expires_at: row.expires_at,
                created_by: row.created_by,
                account_id: row.account_id,
                id: row.id,
                policy,
            })
        });
        self.tokens.keep(id, view.clone(), load);
        Ok(view)
    }

    async fn account_allowlist(&self, db: &Db, account_id: &str) -> ApiResult<Arc<IpAllowlist>> {
        self.account_lists
            .get_or_load(db, account_id, |conn, id| {
                Ok(token_rows::list_allowlist_values(conn, id)?
                    .into_iter()
                    .map(StoredEntry::from)
                    .collect())
            })
            .await
    }

    /// The OAuth2 client with this id, as storage has it (cached).
    pub async fn client_view(&self, db: &Db, id: &str) -> ApiResult<Option<Arc<ClientView>>> {
        if let Some(view) = self.clients.get(id) {
            return Ok(view);
        }
        let load = self.clients.load_started();
        let key = id.to_owned();
        let row = db
            .run(move |conn| {
                let Some(row) = oauth_rows::find_client(conn, &key)? else {
                    return Ok(None);
                };
                let policy = policies::load(conn, &Credential::Client(row.id.clone()))?;
                Ok(Some((row, policy)))
            })
            .await?;
        let view = row.map(|(row, policy)| {
            Arc::new(ClientView {
                allowlist: compile_stored_allowlist(
                    &format!("of OAuth client {}", row.id),
                    &row.ip_allowlist,
                ),
                scopes: parse_scopes(&row.scopes),
                disabled: row.disabled_at.is_some(),
                token_lifetime_secs: row.token_lifetime_secs,
                created_by: row.created_by,
                secret_hash: row.secret_hash,
                previous_secret: row.previous_secret_hash.zip(row.previous_secret_expires_at),
                account_id: row.account_id,
                id: row.id,
                policy,
            })
        });
        self.clients.keep(id, view.clone(), load);
        Ok(view)
    }

    /// Loads the revocations of tokens that have not expired yet.
    pub async fn load_revoked(&self, db: &Db, now: NaiveDateTime) -> ApiResult<()> {
        let jtis = db
            .run(move |conn| Ok(oauth_rows::live_revoked(conn, now)?))
            .await?;
        self.revoked.write().expect("cache lock").extend(jtis);
        Ok(())
    }

    /// Marks an issued token revoked in this process only (another process revoked it).
    pub fn remember_revoked_here(&self, jti: &str) {
        self.revoked
            .write()
            .expect("cache lock")
            .insert(jti.to_owned());
    }

    /// Signature, expiry, and the state of the token (or of its client).
    pub async fn live_token(
        &self,
        db: &Db,
        secret: &str,
        now: NaiveDateTime,
    ) -> ApiResult<LiveToken> {
        self.check_token(db, secret, now)
            .await?
            .map_err(|refused| ApiError::TokenRefused(refused.refusal))
    }

    /// [`Self::live_token`], saying whose token a refused one was when we signed it.
    async fn check_token(
        &self,
        db: &Db,
        secret: &str,
        now: NaiveDateTime,
    ) -> ApiResult<Result<LiveToken, Refused>> {
        let mut verified = self.verify(secret);
        if matches!(verified, Err(VerifyError::Malformed))
            && self.kek.is_some()
            && self.keys().names_newer_key(secret)
        {
            // Signed by another process with a key made a moment ago.
            self.reload_keys(db, Instant::now()).await?;
            verified = self.verify(secret);
        }
        let claims = match verified {
            Ok(claims) => claims,
            Err(VerifyError::Malformed) => {
                return Ok(Err(Refused::unattributed(TokenRefusal::Invalid)))
            }
            Err(VerifyError::Expired(claims)) => {
                return Ok(Err(Refused::of(&claims, TokenRefusal::Expired)))
            }
        };
        let refuse = |refusal| Ok(Err(Refused::of(&claims, refusal)));
        if claims
            .exp
            .is_some_and(|exp| exp <= now.and_utc().timestamp())
        {
            return refuse(TokenRefusal::Expired);
        }
        if claims.client_id == PORTAL_CLIENT_ID {
            let Some(view) = self.token_view(db, &claims.jti).await? else {
                return refuse(TokenRefusal::Revoked);
            };
            if view.account_id != claims.sub {
                return Ok(Err(Refused::unattributed(TokenRefusal::Invalid)));
            }
            if view.expires_at.is_some_and(|at| at <= now) {
                return refuse(TokenRefusal::Expired);
            }
            if view.disabled {
                return refuse(TokenRefusal::Disabled);
            }
            let Ok(subuser) = self.maker(db, view.created_by.as_deref()).await? else {
                return refuse(TokenRefusal::Disabled);
            };
            if self.account_suspended(db, &view.account_id).await? {
                return refuse(TokenRefusal::AccountSuspended);
            }
            return Ok(Ok(LiveToken {
                account_id: view.account_id.clone(),
                scopes: view.scopes.clone(),
                portal_token_id: Some(view.id.clone()),
                subuser,
                allowlist: IpAllowlistRef::Token(view),
                claims,
            }));
        }
        let Some(client) = self.client_view(db, &claims.client_id).await? else {
            return refuse(TokenRefusal::Revoked);
        };
        if client.account_id != claims.sub || claims.exp.is_none() {
            // Every token issued to a client expires; one without is not ours.
            return Ok(Err(Refused::unattributed(TokenRefusal::Invalid)));
        }
        if self
            .revoked
            .read()
            .expect("cache lock")
            .contains(&claims.jti)
        {
            return refuse(TokenRefusal::Revoked);
        }
        if client.disabled {
            return refuse(TokenRefusal::Disabled);
        }
        let Ok(subuser) = self.maker(db, client.created_by.as_deref()).await? else {
            return refuse(TokenRefusal::Disabled);
        };
        if self.account_suspended(db, &client.account_id).await? {
            return refuse(TokenRefusal::AccountSuspended);
        }
        let scopes = parse_scopes(&claims.scope)
            .into_iter()
            .filter(|s| client.scopes.iter().any(|c| c.covers(*s)))
            .collect();
        Ok(Ok(LiveToken {
            account_id: client.account_id.clone(),
            scopes,
            portal_token_id: None,
            subuser,
            allowlist: IpAllowlistRef::Client(client),
            claims,
        }))
    }

    /// What the subuser who made a token or client (`created_by`) may do now;
    /// `Err(())` when they are disabled or deleted, whose tokens and clients
    /// then count as disabled everywhere (calls, issuance, introspection).
    async fn maker(
        &self,
        db: &Db,
        created_by: Option<&str>,
    ) -> ApiResult<Result<Option<Arc<SubuserAccess>>, ()>> {
        let Some(id) = created_by else {
            return Ok(Ok(None));
        };
        Ok(match self.subuser_access(db, id).await? {
            Some(access) if !access.disabled => Ok(Some(access)),
            _ => Err(()),
        })
    }

    /// The refusal to answer, counted for the security log when we know whose token it was.
    fn refuse(&self, refused: Refused, ip: IpAddr, now: NaiveDateTime) -> ApiError {
        if let Some((account_id, credential)) = refused.owner {
            self.refused
                .note(&account_id, credential, refused.refusal, ip, now);
        }
        ApiError::TokenRefused(refused.refusal)
    }

    /// Applies every rule but the endpoint's scope to a bearer secret used from
    /// `ip`. Refusals of tokens we signed are counted for the security log.
    pub async fn authenticate(
        &self,
        db: &Db,
        secret: &str,
        ip: IpAddr,
        now: NaiveDateTime,
    ) -> ApiResult<ApiCallerInfo> {
        let live = match self.check_token(db, secret, now).await? {
            Ok(live) => live,
            Err(refused) => return Err(self.refuse(refused, ip, now)),
        };
        let credential = credential_of(&live.claims);
        let owned = |refusal| Refused {
            refusal,
            owner: Some((live.account_id.clone(), credential.clone())),
        };
        // A disabled or deleted subuser's tokens were refused above.
        let subuser = live.subuser.clone();
        if !live.allowlist.list().allows(ip, now) {
            return Err(self.refuse(owned(TokenRefusal::TokenIpNotAllowed), ip, now));
        }
        if !self
            .account_allowlist(db, &live.account_id)
            .await?
            .allows(ip, now)
        {
            return Err(self.refuse(owned(TokenRefusal::AccountIpNotAllowed), ip, now));
        }
        if !self
            .networks
            .admit(db, &live.account_id, &credential, ip, now)
            .await?
        {
            return Err(self.refuse(owned(TokenRefusal::NetworkNotAllowed), ip, now));
        }
        // A portal token's use, or its client's (any token issued to it).
        self.note_use(credential.clone(), now, ip);
        Ok(ApiCallerInfo {
            account_id: live.account_id,
            token_id: live.claims.jti.clone(),
            credential,
            scopes: live.scopes,
            ip,
            subuser,
            policy: live.allowlist.policy().cloned(),
        })
    }

    /// Notes a use of a portal token or OAuth client, written with the next
    /// [`Self::flush_last_used`] (no write per request).
    pub fn note_use(&self, credential: Credential, at: NaiveDateTime, ip: IpAddr) {
        self.last_used
            .lock()
            .expect("last-used lock")
            .insert(credential, (at, ip));
    }

    /// What the subuser may do now (cached until [`Self::forget_subuser_here`]).
    pub async fn subuser_access(&self, db: &Db, id: &str) -> ApiResult<Option<Arc<SubuserAccess>>> {
        if let Some(access) = self.subusers.get(id) {
            return Ok(access);
        }
        let key = id.to_owned();
        let load = self.subusers.load_started();
        let access = db
            .run(move |conn| Ok(subusers::load_access_by_id(conn, &key)?))
            .await?
            .map(Arc::new);
        // Not kept if the grants changed while they were being read.
        self.subusers.keep(id, access.clone(), load);
        Ok(access)
    }

    /// Whether the operator has suspended the company account `account_id`
    /// (cached until [`Self::forget_account_here`]).
    pub async fn account_suspended(&self, db: &Db, account_id: &str) -> ApiResult<bool> {
        if let Some(suspended) = self.suspended.get(account_id) {
            return Ok(suspended);
        }
        let key = account_id.to_owned();
        let load = self.suspended.load_started();
        let suspended = db
            .read(move |conn| Ok(account_rows::is_suspended(conn, &key)?))
            .await?;
        self.suspended.keep(account_id, suspended, load);
        Ok(suspended)
    }

    /// Forgets whether the account is suspended, in this process (see
    /// [`crate::services::AppState::forget_committed`]).
    pub fn forget_account_here(&self, account_id: &str) {
        self.suspended.evict(account_id);
    }

    /// Forgets a subuser's cached grants in this process (see
    /// [`crate::services::AppState::forget_committed`]).
    pub fn forget_subuser_here(&self, id: &str) {
        self.subusers.evict(id);
    }

    /// Refuses `ip` unless the account's API allowlist allows it.
    pub async fn check_account_allowlist(
        &self,
        db: &Db,
        account_id: &str,
        ip: IpAddr,
        now: NaiveDateTime,
    ) -> ApiResult<()> {
        if self
            .account_allowlist(db, account_id)
            .await?
            .allows(ip, now)
        {
            Ok(())
        } else {
            Err(ApiError::TokenRefused(TokenRefusal::AccountIpNotAllowed))
        }
    }

    /// Forgets a client's cached state in this process (see
    /// [`crate::services::AppState::forget_committed`]).
    pub fn forget_client_here(&self, id: &str) {
        self.clients.evict(id);
    }

    /// Forgets a token's cached state in this process (see
    /// [`crate::services::AppState::forget_committed`]).
    pub fn forget_token_here(&self, id: &str) {
        self.tokens.evict(id);
    }

    /// Forgets an account's cached API allowlist in this process (see
    /// [`crate::services::AppState::forget_committed`]).
    pub fn forget_account_allowlist_here(&self, account_id: &str) {
        self.account_lists.forget_here(account_id);
    }

    /// Forgets every cached token, client and allowlist in this process and
    /// replaces the revocations with `revoked` (after missing other processes'
    /// changes). Verified signatures stay: they never change.
    pub fn forget_everything_here(&self, revoked: Vec<String>) {
        self.tokens.clear();
        self.clients.clear();
        self.subusers.clear();
        self.suspended.clear();
        self.account_lists.forget_all_here();
        let mut known = self.revoked.write().expect("cache lock");
        known.extend(revoked);
    }

    /// Writes the collected last-use times, and the uses of each
    /// credential's networks. Returns how many tokens and networks were updated.
    pub async fn flush_last_used(&self, db: &Db) -> ApiResult<usize> {
        let mut batch: Vec<(StoredCredential, LastUse)> =
            std::mem::take(&mut *self.last_used.lock().expect("last-used lock"))
                .into_iter()
                .map(|(credential, used)| match credential {
                    Credential::Token(id) => (("token", id), used),
                    Credential::Client(id) => (("client", id), used),
                })
                .collect();
        let mut network_uses = self.networks.take_pending();
        // Rows are locked in one order by every writer (networks before
        // their token or client, each in key order: tokens before clients),
        // so a flush and a deletion, or two processes' flushes, cannot
        // deadlock on PostgreSQL.
        batch.sort_unstable_by(|a, b| {
            (a.0 .0 != "token", &a.0 .1).cmp(&(b.0 .0 != "token", &b.0 .1))
        });
        network_uses.sort_unstable_by(|a, b| (a.0, &a.1, &a.2).cmp(&(b.0, &b.1, &b.2)));
        if batch.is_empty() && network_uses.is_empty() {
            return Ok(0);
        }
        let count = batch.len() + network_uses.len();
        db.transaction(move |conn| {
            credential_networks::write_uses(conn, &network_uses)?;
            for ((kind, id), (at, ip)) in &batch {
                if *kind == "token" {
                    token_rows::record_use(conn, id, *at, &ip.to_string())?;
                } else {
                    oauth_rows::record_use(conn, id, *at, &ip.to_string())?;
                }
            }
            Ok(())
        })
        .await?;
        Ok(count)
    }
}
