//! API tokens made in the portal, and the account's API IP allowlist.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime};
use portcullis_shared::vocabulary::SecurityEventKind;
use portcullis_shared::{problem::FieldError, scope::Scope, validate::codes};

use crate::services::audit::refused_calls::Credential;
use crate::services::{
    access::Principal,
    audit::security_log::{self, SecurityEvent},
    cache::cache_sync::{self, Change},
    ip_allowlists::{self, StoredEntry},
    now, rfc3339,
    sessions::portal_session::ClientContext,
    tokens::api_access::{compile_stored_allowlist, parse_scopes, scope_string},
    tokens::policies::{self, CredentialPolicy, PolicyChange},
    tokens::signing::AccessClaims,
    AppState,
};
use crate::{
    db::{
        tokens::{self as token_rows, AllowlistEntryRow, TokenChanges, TokenRow},
        DbConnection,
    },
    domain::{ip_allowlist::parse_entries, IpRange},
    error::{ApiError, ApiResult},
};

const NAME_MAX_CHARS: usize = 100;
/// `client_id` of tokens made in the portal (OAuth clients use their own id).
pub const PORTAL_CLIENT_ID: &str = "portal";

fn parse_name(raw: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    let name = raw.trim();
    if name.is_empty() {
        errors.push(FieldError::new(
            "name",
            codes::REQUIRED,
            "Give the token a name.",
        ));
        None
    } else if name.chars().count() > NAME_MAX_CHARS {
        errors.push(FieldError::new(
            "name",
            codes::TOO_LONG,
            "Use at most 100 characters.",
        ));
        None
    } else {
        Some(name.to_owned())
    }
}

fn parse_allowlist(raw: &[String], errors: &mut Vec<FieldError>) -> Option<Vec<IpRange>> {
    parse_entries("ip_allowlist", raw)
        .map_err(|e| errors.extend(e))
        .ok()
}

/// A token's or client's requested allowlist with the expiries asked for
/// some entries (see [`ip_allowlists::with_expiries`]); `None` when any is wrong.
pub fn parse_allowlist_with_expiries(
    raw: &[String],
    expiries: &BTreeMap<String, String>,
    now: NaiveDateTime,
    errors: &mut Vec<FieldError>,
) -> Option<(Vec<IpRange>, Vec<StoredEntry>)> {
    let ranges = parse_allowlist(raw, errors)?;
    let entries = ip_allowlists::with_expiries(&ranges, expiries, now)
        .map_err(|e| errors.extend(e))
        .ok()?;
    Some((ranges, entries))
}

/// The refusal of expiries sent without the list they belong to.
pub fn expiries_without_list() -> FieldError {
    FieldError::new(
        "ip_allowlist",
        codes::REQUIRED,
        "Send the whole ip_allowlist with ip_allowlist_expires_at.",
    )
}

/// A token asked for in the portal, not yet checked.
#[derive(Debug, Clone, Default)]
pub struct NewToken {
    pub name: String,
    pub scopes: Vec<Scope>,
    /// RFC 3339; empty or absent for a token that never expires.
    pub expires_at: Option<String>,
    pub ip_allowlist: Vec<String>,
    /// Entries of `ip_allowlist` that expire → when (RFC 3339).
    pub ip_allowlist_expires_at: BTreeMap<String, String>,
    /// Its policy's rules, if any.
    pub policy: Option<PolicyChange>,
}

/// Changes asked for one token, not yet checked; `None` leaves a part as it is.
#[derive(Debug, Clone, Default)]
pub struct TokenUpdate {
    pub name: Option<String>,
    pub disabled: Option<bool>,
    pub ip_allowlist: Option<Vec<String>>,
    /// With `ip_allowlist`: which of its entries expire, and when.
    pub ip_allowlist_expires_at: Option<BTreeMap<String, String>>,
    pub policy: Option<PolicyChange>,
}

/// Whether a token works, as of when it was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenStatus {
    Active,
    Disabled,
    Expired,
}

/// A token as listed in the portal (never its secret).
#[derive(Debug, Clone)]
pub struct Token {
    pub id: String,
    pub name: String,
    pub scopes: Vec<Scope>,
    /// The secret's last characters.
    pub hint: String,
    pub status: TokenStatus,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
    pub last_used_ip: Option<String>,
    pub ip_allowlist: Vec<StoredEntry>,
    /// Its policy; none when it has no rules.
    pub policy: Option<CredentialPolicy>,
}

impl Token {
    /// The stored token as of `at`.
    fn from_row(row: &TokenRow, at: NaiveDateTime) -> Self {
        let status = if row.expires_at.is_some_and(|e| e <= at) {
            TokenStatus::Expired
        } else if row.disabled_at.is_some() {
            TokenStatus::Disabled
        } else {
            TokenStatus::Active
        };
        Self {
            id: row.id.clone(),
            name: row.name.clone(),
            scopes: parse_scopes(&row.scopes),
            hint: row.hint.clone(),
            status,
            created_at: row.created_at,
            expires_at: row.expires_at,
            last_used_at: row.last_used_at,
            last_used_ip: row.last_used_ip.clone(),
            ip_allowlist: ip_allowlists::stored_lines(&row.ip_allowlist),
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

/// A token just made, with its secret: the only time the secret is shown.
#[derive(Debug, Clone)]
pub struct CreatedToken {
    pub token: Token,
    pub secret: String,
}

/// An entry of the account's API IP allowlist.
#[derive(Debug, Clone)]
pub struct ApiAllowlistEntry {
    pub id: String,
    /// An address or CIDR range.
    pub value: String,
    pub label: Option<String>,
    pub created_at: NaiveDateTime,
    /// When it stops letting addresses in; `None`: it does not expire.
    pub expires_at: Option<NaiveDateTime>,
}

/// Creates a token and returns its secret, the only time it is shown.
pub async fn create_token(
    state: &AppState,
    principal: &Principal,
    request: NewToken,
    client: &ClientContext,
) -> ApiResult<CreatedToken> {
    let account_id = principal.tenant_id.as_str();
    let created_at = now();
    let mut errors = Vec::new();
    let name = parse_name(&request.name, &mut errors);
    let mut scopes = request.scopes.clone();
    scopes.sort();
    scopes.dedup();
    if scopes.is_empty() {
        errors.push(FieldError::new(
            "scopes",
            codes::REQUIRED,
            "Choose at least one permission.",
        ));
    }
    check_within_grants(principal, &scopes, &mut errors);
    let expires_at = match request
        .expires_at
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(raw) => match DateTime::parse_from_rfc3339(raw) {
            Ok(at) if at.naive_utc() > created_at => Some(at.naive_utc()),
            Ok(_) => {
                errors.push(FieldError::new(
                    "expires_at",
                    codes::INVALID_DATE,
                    "Choose an expiry in the future.",
                ));
                None
            }
            Err(_) => {
                errors.push(FieldError::new(
                    "expires_at",
                    codes::INVALID_DATE,
                    "Use a date and time like 2027-01-31T23:59:59Z.",
                ));
                None
            }
        },
    };
    let allowlist = parse_allowlist_with_expiries(
        &request.ip_allowlist,
        &request.ip_allowlist_expires_at,
        created_at,
        &mut errors,
    );
    let (Some(name), Some((_, allowlist))) = (name, allowlist) else {
        return Err(ApiError::Validation(errors));
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }

    let signed = sign_new_token(
        state,
        account_id,
        &scope_string(&scopes),
        created_at,
        expires_at,
    )?;
    let row = TokenRow {
        id: signed.id,
        account_id: account_id.to_owned(),
        name,
        scopes: scope_string(&scopes),
        hint: signed.hint,
        ip_allowlist: ip_allowlists::to_stored_lines(&allowlist),
        created_at,
        expires_at,
        disabled_at: None,
        last_used_at: None,
        last_used_ip: None,
        created_by: principal.sent_by().map(str::to_owned),
        signing_kid: Some(signed.signing_kid),
    };
    let secret = signed.secret;
    let stored = row.clone();
    let event = SecurityEvent::by_login(principal, SecurityEventKind::TokenCreated, client)
        .detail("token_id", row.id.clone())
        .detail("name", row.name.clone())
        .detail("scopes", row.scopes.clone())
        .detail(
            "expires_at",
            row.expires_at.map(rfc3339).unwrap_or_default(),
        );
    let (by_owner, made_by_subuser) = (principal.sent_by().is_none(), row.created_by.is_some());
    let policy = state
        .db
        .transaction(move |conn| {
            token_rows::insert_token(conn, &stored)?;
            let credential = Credential::Token(stored.id.clone());
            if let Some(change) = &request.policy {
                policies::apply_change(
                    conn,
                    &stored.account_id,
                    &credential,
                    change,
                    by_owner,
                    made_by_subuser,
                    "token",
                )?;
            }
            security_log::record(conn, &event)?;
            Ok(policies::load(conn, &credential)?)
        })
        .await?;
    tracing::info!(account_id, token_id = %row.id, "API token created");
    Ok(CreatedToken {
        token: Token::from_row(&row, created_at).with_policy(policy.as_deref().cloned()),
        secret,
    })
}

/// A portal token just signed, not yet stored.
struct SignedToken {
    id: String,
    secret: String,
    /// The secret's last characters, as listed.
    hint: String,
    signing_kid: String,
}

/// Signs a new portal token of the account with a fresh id (its `jti`).
fn sign_new_token(
    state: &AppState,
    account_id: &str,
    scope: &str,
    created_at: NaiveDateTime,
    expires_at: Option<NaiveDateTime>,
) -> ApiResult<SignedToken> {
    let id = format!("tok_{}", uuid::Uuid::now_v7().simple());
    // One snapshot of the ring: the key that signs is the one recorded.
    let keys = state.access.keys();
    let claims = AccessClaims {
        iss: keys.issuer().to_owned(),
        sub: account_id.to_owned(),
        aud: crate::services::tokens::signing::AUDIENCE.to_owned(),
        exp: expires_at.map(|at| at.and_utc().timestamp()),
        iat: created_at.and_utc().timestamp(),
        jti: id.clone(),
        scope: scope.to_owned(),
        client_id: PORTAL_CLIENT_ID.to_owned(),
    };
    let secret = keys.sign(&claims).map_err(ApiError::Internal)?;
    let tail: Vec<char> = secret.chars().rev().take(6).collect();
    let hint = format!("…{}", tail.into_iter().rev().collect::<String>());
    Ok(SignedToken {
        id,
        secret,
        hint,
        signing_kid: keys.signing_kid().to_owned(),
    })
}

/// Replaces one of the account's tokens with a new secret that has the same
/// settings — name, scopes, lifetime (counted from now), allowlist with its
/// temporary entries, policy with what it spent, networks and pin, state and
/// the owner's restrictions — and deletes the old one, in one transaction:
/// the old secret is refused at once on every process. The new secret is
/// shown this once.
pub async fn regenerate_token(
    state: &AppState,
    principal: &Principal,
    id: &str,
    client: &ClientContext,
) -> ApiResult<CreatedToken> {
    let at = now();
    let (account, old_id, who) = (
        principal.tenant_id.clone(),
        id.to_owned(),
        principal.clone(),
    );
    // Read first to sign with the token's scopes and lifetime; the
    // transaction checks that nothing changed meanwhile.
    let existing = {
        let (account, old_id, who) = (account.clone(), old_id.clone(), who.clone());
        state
            .db
            .run(move |conn| {
                Ok(token_rows::find_account_token(conn, &account, &old_id)?
                    .filter(|row| who.may_manage(row.created_by.as_deref())))
            })
            .await?
            .ok_or(ApiError::NotFound)?
    };
    let expires_at = existing
        .expires_at
        .map(|old_expiry| at + (old_expiry - existing.created_at));
    let signed = sign_new_token(state, &account, &existing.scopes, at, expires_at)?;
    let row = TokenRow {
        id: signed.id,
        hint: signed.hint,
        created_at: at,
        expires_at,
        last_used_at: None,
        last_used_ip: None,
        signing_kid: Some(signed.signing_kid),
        ..existing.clone()
    };
    let stored = row.clone();
    let event = SecurityEvent::by_login(principal, SecurityEventKind::TokenRegenerated, client)
        .detail("token_id", row.id.clone())
        .detail("previous_token_id", id)
        .detail("name", row.name.clone());
    let policy = state
        .db
        .transaction(move |conn| {
            let current = token_rows::find_account_token(conn, &account, &old_id)?
                .filter(|row| who.may_manage(row.created_by.as_deref()))
                .ok_or(ApiError::NotFound)?;
            let restrictions = token_rows::owner_restrictions(conn, &old_id)?;
            if (
                &current.scopes,
                &current.ip_allowlist,
                current.expires_at,
                current.disabled_at,
            ) != (
                &existing.scopes,
                &existing.ip_allowlist,
                existing.expires_at,
                existing.disabled_at,
            ) {
                return Err(changed_meanwhile());
            }
            token_rows::insert_token(conn, &stored)?;
            token_rows::set_owner_restrictions(conn, &stored.id, restrictions)?;
            let (old, new) = (
                Credential::Token(old_id.clone()),
                Credential::Token(stored.id.clone()),
            );
            crate::db::credential_policies::move_to_token(
                conn,
                &policies::credential_key(&old),
                &policies::credential_key(&new),
                &stored.id,
            )?;
            super::credential_networks::move_credential(
                conn,
                super::credential_networks::CredentialKind::Token,
                &old_id,
                &stored.id,
            )?;
            if !token_rows::delete_token(conn, &old_id)? {
                return Err(changed_meanwhile());
            }
            security_log::record(conn, &event)?;
            cache_sync::announce(conn, &Change::Token(old_id.clone()))?;
            Ok(policies::load(conn, &new)?)
        })
        .await?;
    state.forget_committed(Change::Token(id.to_owned()));
    tracing::info!(account_id = %principal.tenant_id, token_id = %row.id, previous_token_id = id, "API token regenerated");
    Ok(CreatedToken {
        token: Token::from_row(&row, at).with_policy(policy.as_deref().cloned()),
        secret: signed.secret,
    })
}

pub async fn list_tokens(state: &AppState, principal: &Principal) -> ApiResult<Vec<Token>> {
    let key = principal.tenant_id.clone();
    let (rows, mut policies) = state
        .db
        .run(move |conn| {
            Ok((
                token_rows::list_tokens(conn, &key)?,
                policies::load_for_account(conn, &key)?,
            ))
        })
        .await?;
    let at = now();
    Ok(rows
        .iter()
        .filter(|row| principal.may_manage(row.created_by.as_deref()))
        .map(|row| {
            let policy = policies.remove(&policies::credential_key(&Credential::Token(
                row.id.clone(),
            )));
            Token::from_row(row, at).with_policy(policy)
        })
        .collect())
}

/// Refuses scopes beyond the subuser's own (a subuser's tokens never exceed them).
pub fn check_within_grants(principal: &Principal, scopes: &[Scope], errors: &mut Vec<FieldError>) {
    if let Some(subuser) = &principal.subuser {
        for scope in scopes.iter().filter(|s| !subuser.has_scope(**s)) {
            errors.push(FieldError::new(
                "scopes",
                codes::INVALID_SCOPE,
                format!("Your login may not grant the `{}` scope.", scope.as_str()),
            ));
        }
    }
}

/// Restrictions the account owner set on a subuser's token or OAuth client,
/// which only the owner may lift.
#[derive(Debug, Clone, Copy, Default)]
pub struct OwnerRestrictions {
    /// The owner disabled it.
    pub disabled: bool,
    /// The owner set its IP allowlist: the subuser may only narrow it.
    pub allowlist: bool,
    /// The owner set its scopes: the subuser may only narrow them.
    pub scopes: bool,
}

/// A requested allowlist: its ranges, and their stored entries (with their
/// ends) in the same order.
pub type RequestedAllowlist<'a> = (&'a [IpRange], &'a [StoredEntry]);

/// Refuses a subuser's change to their `what` ("token", "OAuth client") that
/// would lift one of the owner's `restrictions` at instant `at`: re-enabling
/// it (`enables`), or an allowlist or scopes (`(current, requested)`) wider
/// than the owner left. A requested allowlist entry is wider when it asks for
/// more addresses, or for longer than the owner's temporary entry holding it.
pub fn refuse_lifting(
    what: &str,
    restrictions: OwnerRestrictions,
    enables: bool,
    allowlist: (&str, Option<RequestedAllowlist>),
    scopes: (&[Scope], Option<&[Scope]>),
    at: NaiveDateTime,
) -> ApiResult<()> {
    if restrictions.disabled && enables {
        return Err(ApiError::OwnerRestriction(format!("disabled this {what}")));
    }
    if let (true, (current, Some(requested))) = (restrictions.allowlist, allowlist) {
        let current = compile_stored_allowlist(what, current);
        // The ranges and their stored entries come in the same order.
        let (ranges, entries) = requested;
        let requested: Vec<_> = ranges
            .iter()
            .cloned()
            .zip(entries.iter().map(|e| e.expires_at))
            .collect();
        if !current.covers_all(&requested, at) {
            return Err(ApiError::OwnerRestriction(format!(
                "set this {what}'s IP allowlist, which you may only narrow"
            )));
        }
    }
    if let (true, (current, Some(requested))) = (restrictions.scopes, scopes) {
        if !requested
            .iter()
            .all(|wanted| current.iter().any(|s| s.covers(*wanted)))
        {
            return Err(ApiError::OwnerRestriction(format!(
                "set this {what}'s scopes, which you may only narrow"
            )));
        }
    }
    Ok(())
}

/// Another request changed the token or client while this change was being
/// checked; nothing was changed.
pub fn changed_meanwhile() -> ApiError {
    ApiError::Conflict {
        detail: "It was changed meanwhile; reload it and try again.".into(),
        errors: Vec::new(),
    }
}

/// Renames, disables/re-enables, or replaces the allowlist of one of the account's tokens.
pub async fn update_token(
    state: &AppState,
    principal: &Principal,
    id: &str,
    request: TokenUpdate,
    client: &ClientContext,
) -> ApiResult<Token> {
    let mut errors = Vec::new();
    let at = now();
    let name = request.name.as_deref().map(|n| parse_name(n, &mut errors));
    let expiries = request.ip_allowlist_expires_at.unwrap_or_default();
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
    let by_owner = principal.sent_by().is_none();
    let changes = TokenChanges {
        name: name.flatten(),
        disabled_at: request.disabled.map(|disabled| disabled.then_some(at)),
        ip_allowlist: allowlist_entries
            .as_deref()
            .map(ip_allowlists::to_stored_lines),
        // The owner's disabling and allowlists bind the subuser; the
        // subuser's own changes leave the owner's marks as they are.
        disabled_by_owner: request.disabled.filter(|_| by_owner),
        allowlist_set_by_owner: allowlist.as_ref().filter(|_| by_owner).map(|_| true),
    };
    let (account, token, who) = (
        principal.tenant_id.clone(),
        id.to_owned(),
        principal.clone(),
    );
    let event = SecurityEvent::by_login(principal, SecurityEventKind::TokenChanged, client)
        .detail("token_id", id);
    let (row, policy) = state
        .db
        .transaction(move |conn| {
            let Some(existing) = token_rows::find_account_token(conn, &account, &token)?
                .filter(|row| who.may_manage(row.created_by.as_deref()))
            else {
                return Err(ApiError::NotFound);
            };
            let restrictions = token_rows::owner_restrictions(conn, &token)?;
            if !by_owner {
                refuse_lifting(
                    "token",
                    OwnerRestrictions {
                        disabled: restrictions.0,
                        allowlist: restrictions.1,
                        scopes: false,
                    },
                    request.disabled == Some(false),
                    (
                        &existing.ip_allowlist,
                        allowlist.as_deref().zip(allowlist_entries.as_deref()),
                    ),
                    (&[], None),
                    at,
                )?;
            }
            let credential = Credential::Token(token.clone());
            let policy_changed = match &request.policy {
                Some(change) => policies::apply_change(
                    conn,
                    &account,
                    &credential,
                    change,
                    by_owner,
                    existing.created_by.is_some(),
                    "token",
                )?,
                None => false,
            };
            let (disables, enables) =
                security_log::disabling(changes.disabled_at, existing.disabled_at);
            let change = security_log::change_list(&[
                (
                    "renamed",
                    changes.name.as_ref().is_some_and(|n| *n != existing.name),
                ),
                ("disabled", disables),
                ("enabled", enables),
                (
                    "allowlist",
                    changes
                        .ip_allowlist
                        .as_ref()
                        .is_some_and(|l| *l != existing.ip_allowlist),
                ),
                ("policy", policy_changed),
            ]);
            if !change.is_empty() {
                security_log::record(
                    conn,
                    &event
                        .detail(
                            "name",
                            changes.name.clone().unwrap_or(existing.name.clone()),
                        )
                        .detail("change", change),
                )?;
            }
            // Disabling an already-disabled token keeps the original time.
            let changes = TokenChanges {
                disabled_at: match (changes.disabled_at, existing.disabled_at) {
                    (Some(Some(_)), Some(since)) => Some(Some(since)),
                    (other, _) => other,
                },
                ..changes
            };
            let seen = (!by_owner).then_some((restrictions, existing.ip_allowlist.as_str()));
            if !token_rows::update_token(conn, &token, &changes, seen)? {
                return Err(changed_meanwhile());
            }
            cache_sync::announce(conn, &Change::Token(token.clone()))?;
            let row = token_rows::find_token(conn, &token)?.ok_or(ApiError::NotFound)?;
            Ok((row, policies::load(conn, &credential)?))
        })
        .await?;
    state.forget_committed(Change::Token(id.to_owned()));
    Ok(Token::from_row(&row, at).with_policy(policy.as_deref().cloned()))
}

/// Deletes one of the account's tokens; it stops working at once.
pub async fn delete_token(
    state: &AppState,
    principal: &Principal,
    id: &str,
    client: &ClientContext,
) -> ApiResult<()> {
    let account_id = principal.tenant_id.as_str();
    let (account, token, who) = (account_id.to_owned(), id.to_owned(), principal.clone());
    let event = SecurityEvent::by_login(principal, SecurityEventKind::TokenDeleted, client)
        .detail("token_id", id);
    delete_credential(state, event, Change::Token(id.to_owned()), move |conn| {
        let Some(existing) = token_rows::find_account_token(conn, &account, &token)?
            .filter(|row| who.may_manage(row.created_by.as_deref()))
        else {
            return Ok(None);
        };
        super::credential_networks::forget_credential(
            conn,
            super::credential_networks::CredentialKind::Token,
            &token,
        )?;
        Ok(token_rows::delete_token(conn, &token)?.then_some(existing.name))
    })
    .await?;
    tracing::info!(account_id, token_id = id, "API token deleted");
    Ok(())
}

/// Deletes a token or an OAuth client: `remove` deletes it if this login may
/// manage it and answers its name; in the same transaction the security-log
/// `event` (with that name) is recorded and `change` announced, so every
/// process drops it from its cache. `NotFound` when `remove` deleted nothing.
pub async fn delete_credential(
    state: &AppState,
    event: SecurityEvent,
    change: Change,
    remove: impl FnOnce(&mut DbConnection) -> ApiResult<Option<String>> + Send + 'static,
) -> ApiResult<()> {
    let announced = change.clone();
    let deleted = state
        .db
        .transaction(move |conn| {
            let Some(name) = remove(conn)? else {
                return Ok(false);
            };
            security_log::record(conn, &event.detail("name", name))?;
            cache_sync::announce(conn, &announced)?;
            Ok(true)
        })
        .await?;
    if !deleted {
        return Err(ApiError::NotFound);
    }
    state.forget_committed(change);
    Ok(())
}

/// An API allowlist row as enforcement reads it.
fn stored_entry(row: &AllowlistEntryRow) -> StoredEntry {
    StoredEntry {
        value: row.value.clone(),
        expires_at: row.expires_at,
    }
}

fn allowlist_entry(row: &AllowlistEntryRow) -> ApiAllowlistEntry {
    ApiAllowlistEntry {
        id: row.id.clone(),
        value: row.value.clone(),
        label: row.label.clone(),
        created_at: row.created_at,
        expires_at: row.expires_at,
    }
}

pub async fn list_api_allowlist(
    state: &AppState,
    account_id: &str,
) -> ApiResult<Vec<ApiAllowlistEntry>> {
    let key = account_id.to_owned();
    let rows = state
        .db
        .run(move |conn| Ok(token_rows::list_allowlist(conn, &key)?))
        .await?;
    Ok(rows.iter().map(allowlist_entry).collect())
}

/// Adds an entry to the account's API allowlist; duplicates and overlaps are refused.
pub async fn add_api_allowlist_entry(
    state: &AppState,
    account_id: &str,
    value: &str,
    label: Option<String>,
    expires_at: Option<&str>,
    client: &ClientContext,
) -> ApiResult<ApiAllowlistEntry> {
    let created_at = now();
    let range = IpRange::parse("value", value).map_err(|e| ApiError::Validation(vec![e]))?;
    let label = ip_allowlists::parse_label(label)?;
    let expires_at = ip_allowlists::parse_expiry("expires_at", expires_at, created_at)
        .map_err(|e| ApiError::Validation(vec![e]))?;
    let row = AllowlistEntryRow {
        id: format!("ipa_{}", uuid::Uuid::now_v7().simple()),
        account_id: account_id.to_owned(),
        value: range.to_string(),
        label,
        created_at,
        expires_at,
    };
    let stored = row.clone();
    let event = SecurityEvent::by_owner(account_id, SecurityEventKind::ApiAllowlistChanged, client)
        .detail("action", "added")
        .detail("entry", row.value.clone());
    let event = match expires_at {
        Some(until) => event.detail("expires_at", rfc3339(until)),
        None => event,
    };
    state
        .db
        .transaction(move |conn| {
            let existing = token_rows::list_allowlist(conn, &stored.account_id)?;
            if let Some(clash) =
                ip_allowlists::overlapping(existing.iter().map(|e| e.value.as_str()), &range)
                    .first()
            {
                return Err(ip_allowlists::clash_conflict(&stored.value, clash));
            }
            let after: Vec<StoredEntry> =
                existing.iter().chain([&stored]).map(stored_entry).collect();
            ip_allowlists::require_permanent_entry("expires_at", &after)
                .map_err(|e| ApiError::Validation(vec![e]))?;
            token_rows::insert_allowlist_entry(conn, &stored)?;
            cache_sync::announce(conn, &Change::ApiAllowlist(stored.account_id.clone()))?;
            Ok(security_log::record(conn, &event)?)
        })
        .await?;
    state.forget_committed(Change::ApiAllowlist(account_id.to_owned()));
    Ok(allowlist_entry(&row))
}

pub async fn delete_api_allowlist_entry(
    state: &AppState,
    account_id: &str,
    id: &str,
    client: &ClientContext,
) -> ApiResult<()> {
    let (account, entry) = (account_id.to_owned(), id.to_owned());
    let event = SecurityEvent::by_owner(account_id, SecurityEventKind::ApiAllowlistChanged, client)
        .detail("action", "removed");
    let deleted = state
        .db
        .transaction(move |conn| {
            let list = token_rows::list_allowlist(conn, &account)?;
            let Some(existing) = list.iter().find(|e| e.id == entry).cloned() else {
                return Ok(false);
            };
            let after: Vec<StoredEntry> = list
                .iter()
                .filter(|e| e.id != entry)
                .map(stored_entry)
                .collect();
            ip_allowlists::refuse_removing_last_permanent(&after)?;
            security_log::record(conn, &event.detail("entry", existing.value))?;
            cache_sync::announce(conn, &Change::ApiAllowlist(account.clone()))?;
            Ok(token_rows::delete_allowlist_entry(conn, &account, &entry)?)
        })
        .await?;
    if deleted {
        state.forget_committed(Change::ApiAllowlist(account_id.to_owned()));
    }
    if deleted {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}
