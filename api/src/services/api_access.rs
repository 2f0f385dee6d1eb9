//! Deciding, on every integrator call, whether a bearer token may be used:
//! signature, expiry, disabled/deleted, the token's IP allowlist and the
//! account's API IP allowlist. Scopes are checked by the endpoint.
//!
//! Storage is not read on every call: verified tokens, token states and
//! account allowlists are cached in memory. Every change made through this
//! process evicts the affected entry at once, so the very next call sees it.
//! Last-use times are collected
//! here and written in batches. Changes are published to the other processes
//! on the same PostgreSQL, whose listeners evict the same entries (see
//! [`super::cache_sync`]).

use std::{
    collections::{HashMap, HashSet},
    net::IpAddr,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex, RwLock,
    },
};

use chrono::NaiveDateTime;
use portcullis_shared::scope::Scope;

use super::cache_sync::{Change, Publisher};
use super::ip_allowlists::AllowlistCache;
use super::refused_calls::{Credential, RefusedCalls};
use super::signing::{AccessClaims, KeyRing, VerifyError};
use super::subusers::{self, SubuserAccess};
use super::tokens::PORTAL_CLIENT_ID;
use crate::{
    db::{oauth as oauth_rows, tokens as token_rows, Db},
    domain::{IpAllowlist, IpRange},
    error::{ApiError, ApiResult},
};

/// Cached verified secrets are forgotten wholesale past this many.
const VERIFIED_CACHE_LIMIT: usize = 100_000;

/// Why a call was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenRefusal {
    Missing,
    Invalid,
    Expired,
    Disabled,
    Revoked,
    TokenIpNotAllowed,
    AccountIpNotAllowed,
    InsufficientScope(Scope),
}

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
}

/// An OAuth2 client's current state, as storage has it.
#[derive(Debug)]
pub struct ClientView {
    pub id: String,
    pub account_id: String,
    pub secret_hash: String,
    pub scopes: Vec<Scope>,
    pub allowlist: IpAllowlist,
    pub disabled: bool,
    pub token_lifetime_secs: i64,
    /// The subuser who made it.
    pub created_by: Option<String>,
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
    pub fn require(&self, needed: Scope) -> ApiResult<()> {
        if !self.scopes.iter().any(|s| s.covers(needed)) {
            return Err(ApiError::TokenRefused(TokenRefusal::InsufficientScope(
                needed,
            )));
        }
        match &self.subuser {
            Some(subuser) if !subuser.has_scope(needed) => {
                Err(ApiError::PermissionDenied(needed.as_str().to_owned()))
            }
            _ => Ok(()),
        }
    }

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

pub fn parse_stored_allowlist(stored: &str) -> Vec<IpRange> {
    stored
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| IpRange::parse("ip_allowlist", l).ok())
        .collect()
}

pub struct ApiAccess {
    pub keys: KeyRing,
    verified: RwLock<HashMap<Box<str>, Arc<AccessClaims>>>,
    tokens: RwLock<HashMap<String, Option<Arc<TokenView>>>>,
    clients: RwLock<HashMap<String, Option<Arc<ClientView>>>>,
    /// Bumped by every eviction: a load that started before one is not kept
    /// (it may have read the state from before the change).
    generation: AtomicU64,
    revoked: RwLock<HashSet<String>>,
    subusers: RwLock<HashMap<String, Option<Arc<SubuserAccess>>>>,
    account_lists: AllowlistCache,
    last_used: Mutex<HashMap<String, (NaiveDateTime, IpAddr)>>,
    /// Refused calls of tokens we signed, for the security log.
    pub refused: RefusedCalls,
    /// Tells the other processes about changes made through this one.
    publisher: Publisher,
}

impl ApiAccess {
    /// `publisher` tells the other processes on the same storage about
    /// changes (`Publisher::default()` tells no one).
    pub fn new(keys: KeyRing, publisher: Publisher) -> Self {
        Self {
            keys,
            verified: RwLock::default(),
            tokens: RwLock::default(),
            clients: RwLock::default(),
            generation: AtomicU64::new(0),
            revoked: RwLock::default(),
            subusers: RwLock::default(),
            account_lists: AllowlistCache::publishing(publisher.clone(), Change::ApiAllowlist),
            last_used: Mutex::default(),
            refused: RefusedCalls::default(),
            publisher,
        }
    }

    fn verify(&self, secret: &str) -> Result<Arc<AccessClaims>, VerifyError> {
        if let Some(claims) = self.verified.read().expect("cache lock").get(secret) {
            return Ok(claims.clone());
        }
        let claims = Arc::new(self.keys.verify(secret)?);
        let mut cache = self.verified.write().expect("cache lock");
        if cache.len() >= VERIFIED_CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(secret.into(), claims.clone());
        Ok(claims)
    }

    async fn token_view(&self, db: &Db, id: &str) -> ApiResult<Option<Arc<TokenView>>> {
        if let Some(view) = self.tokens.read().expect("cache lock").get(id) {
            return Ok(view.clone());
        }
        let generation = self.generation.load(Ordering::SeqCst);
        let key = id.to_owned();
        let row = db
            .run(move |conn| Ok(token_rows::find_token(conn, &key)?))
            .await?;
        let view = row.map(|row| {
            Arc::new(TokenView {
                allowlist: IpAllowlist::new(&parse_stored_allowlist(&row.ip_allowlist)),
                scopes: parse_scopes(&row.scopes),
                disabled: row.disabled_at.is_some(),
                expires_at: row.expires_at,
                created_by: row.created_by,
                account_id: row.account_id,
                id: row.id,
            })
        });
        let mut tokens = self.tokens.write().expect("cache lock");
        if self.generation.load(Ordering::SeqCst) == generation {
            tokens.insert(id.to_owned(), view.clone());
        }
        Ok(view)
    }

    async fn account_allowlist(&self, db: &Db, account_id: &str) -> ApiResult<Arc<IpAllowlist>> {
        self.account_lists
            .get_or_load(db, account_id, |conn, id| {
                Ok(token_rows::list_allowlist(conn, id)?
                    .into_iter()
                    .map(|row| row.value)
                    .collect())
            })
            .await
    }

    /// The OAuth2 client with this id, as storage has it (cached).
    pub async fn client_view(&self, db: &Db, id: &str) -> ApiResult<Option<Arc<ClientView>>> {
        if let Some(view) = self.clients.read().expect("cache lock").get(id) {
            return Ok(view.clone());
        }
        let generation = self.generation.load(Ordering::SeqCst);
        let key = id.to_owned();
        let row = db
            .run(move |conn| Ok(oauth_rows::find_client(conn, &key)?))
            .await?;
        let view = row.map(|row| {
            Arc::new(ClientView {
                allowlist: IpAllowlist::new(&parse_stored_allowlist(&row.ip_allowlist)),
                scopes: parse_scopes(&row.scopes),
                disabled: row.disabled_at.is_some(),
                token_lifetime_secs: row.token_lifetime_secs,
                created_by: row.created_by,
                secret_hash: row.secret_hash,
                account_id: row.account_id,
                id: row.id,
            })
        });
        let mut clients = self.clients.write().expect("cache lock");
        if self.generation.load(Ordering::SeqCst) == generation {
            clients.insert(id.to_owned(), view.clone());
        }
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

    /// Marks an issued token revoked in memory, here and in the other
    /// processes (after storing the revocation).
    pub fn remember_revoked(&self, jti: &str) {
        self.remember_revoked_here(jti);
        self.publisher.publish(Change::Revoked(jti.to_owned()));
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
        let claims = match self.verify(secret) {
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
        if !live.allowlist.list().allows(ip) {
            return Err(self.refuse(owned(TokenRefusal::TokenIpNotAllowed), ip, now));
        }
        if !self
            .account_allowlist(db, &live.account_id)
            .await?
            .allows(ip)
        {
            return Err(self.refuse(owned(TokenRefusal::AccountIpNotAllowed), ip, now));
        }
        if let Some(id) = &live.portal_token_id {
            self.last_used
                .lock()
                .expect("last-used lock")
                .insert(id.clone(), (now, ip));
        }
        Ok(ApiCallerInfo {
            account_id: live.account_id,
            token_id: live.claims.jti.clone(),
            credential,
            scopes: live.scopes,
            ip,
            subuser,
        })
    }

    /// What the subuser may do now (cached until [`Self::forget_subuser`]).
    pub async fn subuser_access(&self, db: &Db, id: &str) -> ApiResult<Option<Arc<SubuserAccess>>> {
        if let Some(access) = self.subusers.read().expect("cache lock").get(id) {
            return Ok(access.clone());
        }
        let key = id.to_owned();
        let generation = self.generation.load(Ordering::SeqCst);
        let access = db
            .run(move |conn| Ok(subusers::load_access_by_id(conn, &key)?))
            .await?
            .map(Arc::new);
        let mut subusers = self.subusers.write().expect("cache lock");
        // Not kept if the grants changed while they were being read.
        if self.generation.load(Ordering::SeqCst) == generation {
            subusers.insert(id.to_owned(), access.clone());
        }
        Ok(access)
    }

    /// Forgets a subuser's cached grants, here and in the other processes:
    /// call after changing, disabling or deleting them.
    pub fn forget_subuser(&self, id: &str) {
        self.forget_subuser_here(id);
        self.publisher.publish(Change::Subuser(id.to_owned()));
    }

    /// Forgets a subuser's cached grants in this process only (another process changed them).
    pub fn forget_subuser_here(&self, id: &str) {
        let mut subusers = self.subusers.write().expect("cache lock");
        subusers.remove(id);
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Refuses `ip` unless the account's API allowlist allows it.
    pub async fn check_account_allowlist(
        &self,
        db: &Db,
        account_id: &str,
        ip: IpAddr,
    ) -> ApiResult<()> {
        if self.account_allowlist(db, account_id).await?.allows(ip) {
            Ok(())
        } else {
            Err(ApiError::TokenRefused(TokenRefusal::AccountIpNotAllowed))
        }
    }

    /// Forgets a client's cached state, here and in the other processes:
    /// call after changing or deleting it.
    pub fn forget_client(&self, id: &str) {
        self.forget_client_here(id);
        self.publisher.publish(Change::Client(id.to_owned()));
    }

    /// Forgets a client's cached state in this process only (another process changed it).
    pub fn forget_client_here(&self, id: &str) {
        let mut clients = self.clients.write().expect("cache lock");
        clients.remove(id);
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Forgets a token's cached state, here and in the other processes: call
    /// after changing or deleting it.
    pub fn forget_token(&self, id: &str) {
        self.forget_token_here(id);
        self.publisher.publish(Change::Token(id.to_owned()));
    }

    /// Forgets a token's cached state in this process only (another process changed it).
    pub fn forget_token_here(&self, id: &str) {
        let mut tokens = self.tokens.write().expect("cache lock");
        tokens.remove(id);
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Forgets an account's cached API allowlist, here and in the other
    /// processes: call after changing it.
    pub fn forget_account_allowlist(&self, account_id: &str) {
        self.account_lists.forget(account_id);
    }

    /// Forgets an account's cached API allowlist in this process only.
    pub fn forget_account_allowlist_here(&self, account_id: &str) {
        self.account_lists.forget_here(account_id);
    }

    /// Forgets every cached token, client and allowlist in this process and
    /// replaces the revocations with `revoked` (after missing other processes'
    /// changes). Verified signatures stay: they never change.
    pub fn forget_everything_here(&self, revoked: Vec<String>) {
        {
            let (mut tokens, mut clients, mut subusers) = (
                self.tokens.write().expect("cache lock"),
                self.clients.write().expect("cache lock"),
                self.subusers.write().expect("cache lock"),
            );
            tokens.clear();
            clients.clear();
            subusers.clear();
            self.generation.fetch_add(1, Ordering::SeqCst);
        }
        self.account_lists.forget_all_here();
        let mut known = self.revoked.write().expect("cache lock");
        known.extend(revoked);
    }

    /// Writes the collected last-use times. Returns how many tokens were updated.
    pub async fn flush_last_used(&self, db: &Db) -> ApiResult<usize> {
        let batch: Vec<(String, (NaiveDateTime, IpAddr))> =
            std::mem::take(&mut *self.last_used.lock().expect("last-used lock"))
                .into_iter()
                .collect();
        if batch.is_empty() {
            return Ok(0);
        }
        let count = batch.len();
        db.transaction(move |conn| {
            for (id, (at, ip)) in &batch {
                token_rows::record_use(conn, id, *at, &ip.to_string())?;
            }
            Ok(())
        })
        .await?;
        Ok(count)
    }
}
