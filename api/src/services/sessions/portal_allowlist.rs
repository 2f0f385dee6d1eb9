//! The account's portal IP allowlist: when it has entries, the portal (sign-in
//! and every signed-in request) only answers the account from addresses on it.
//!
//! Changes are guarded: one that would leave the caller's own address outside
//! a non-empty list is refused (`would_lock_out`) unless confirmed.

use portcullis_shared::vocabulary::{LoginOutcome, SecurityEventKind};
use std::net::IpAddr;

use chrono::NaiveDateTime;
use diesel::QueryResult;

use crate::services::{
    audit::security_log::{self, Actor, SecurityEvent},
    cache::cache_sync::{self, Change},
    ip_allowlists::{self, StoredEntry},
    now, rfc3339,
    sessions::portal_session::{ClientContext, PortalSession},
    AppState,
};
use crate::{
    db::{
        portal_allowlist::{self as entry_rows, PortalAllowlistEntryRow},
        DbConnection,
    },
    domain::IpRange,
    error::{ApiError, ApiResult},
};

/// The account's entries as enforcement reads them.
fn stored_entries(conn: &mut DbConnection, account_id: &str) -> QueryResult<Vec<StoredEntry>> {
    Ok(entry_rows::list_values(conn, account_id)?
        .into_iter()
        .map(StoredEntry::from)
        .collect())
}

/// Refuses a signed-in portal request from an address the account's list
/// does not allow. Cached per account: this runs on every portal request.
pub async fn check_request(state: &AppState, account_id: &str, ip: IpAddr) -> ApiResult<()> {
    if allows(state, account_id, ip).await? {
        Ok(())
    } else {
        Err(ApiError::IpNotAllowed(ip))
    }
}

/// Whether the account's list, from the per-account cache, lets `ip` in now.
async fn allows(state: &AppState, account_id: &str, ip: IpAddr) -> ApiResult<bool> {
    let list = state
        .portal_allowlists
        .get_or_load(&state.db, account_id, stored_entries)
        .await?;
    Ok(list.allows(ip, now()))
}

/// Whether a sign-in (whose password was right) may come from this address;
/// one the account's list does not allow is recorded as a failed login
/// (`ip_blocked`) in the owner's log, and the caller answers it exactly like a
/// wrong password, so the answer does not confirm the password to a guesser.
/// A subuser must pass their owner's list too (`owner_id`).
pub async fn check_login(
    state: &AppState,
    account_id: &str,
    owner_id: Option<&str>,
    client: &ClientContext,
) -> ApiResult<bool> {
    let ip = client.ip;
    // The lists as every signed-in request reads them: from the per-account
    // cache (kept current across processes by the change notifications), so
    // a sign-in costs no storage read here, and the sign-in's reserved guess
    // is given back sooner (the next guess for the e-mail waits for that).
    // A write only to log a refusal.
    let admitted = allows(state, account_id, ip).await?
        && match owner_id {
            Some(owner) => allows(state, owner, ip).await?,
            None => true,
        };
    if !admitted {
        let event =
            SecurityEvent::new(account_id, Actor::Anonymous, SecurityEventKind::LoginFailed)
                .from_client(client)
                .detail("reason", LoginOutcome::IpBlocked.as_str());
        state
            .db
            .transaction(move |conn| Ok(security_log::record(conn, &event)?))
            .await?;
        tracing::info!(account_id, %ip, "portal login refused by the portal allowlist");
    }
    Ok(admitted)
}

/// One entry of the list, with the other entries it overlaps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalAllowlistEntry {
    pub id: String,
    /// The address or CIDR range, in canonical form.
    pub value: String,
    pub label: Option<String>,
    pub created_at: NaiveDateTime,
    /// The values of the other entries whose ranges overlap this one.
    pub overlaps: Vec<String>,
    /// When it stops letting addresses in; `None`: it does not expire.
    pub expires_at: Option<NaiveDateTime>,
}

/// The list, and whether it lets the caller's address in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalAllowlist {
    pub your_address: IpAddr,
    pub your_address_allowed: bool,
    pub entries: Vec<PortalAllowlistEntry>,
}

/// An entry to add, as given (checked by [`add`]).
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub value: String,
    pub label: Option<String>,
    /// RFC 3339; absent for an entry that does not expire.
    pub expires_at: Option<String>,
    /// Add it even if the list would then refuse the caller's own address.
    pub confirm_lockout: bool,
}

/// Each entry, with the other entries it overlaps.
fn entries(rows: &[PortalAllowlistEntryRow]) -> Vec<PortalAllowlistEntry> {
    rows.iter()
        .map(|row| {
            let overlaps = IpRange::parse("value", &row.value)
                .map(|range| {
                    let others = rows.iter().filter(|other| other.id != row.id);
                    ip_allowlists::overlapping(others.map(|o| o.value.as_str()), &range)
                        .into_iter()
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            PortalAllowlistEntry {
                id: row.id.clone(),
                value: row.value.clone(),
                label: row.label.clone(),
                created_at: row.created_at,
                overlaps,
                expires_at: row.expires_at,
            }
        })
        .collect()
}

/// The list, and whether it lets `your_address` in.
pub async fn list(
    state: &AppState,
    account_id: &str,
    your_address: IpAddr,
) -> ApiResult<PortalAllowlist> {
    let key = account_id.to_owned();
    let rows = state
        .db
        .run(move |conn| Ok(entry_rows::list_entries(conn, &key)?))
        .await?;
    let whose = format!("of the portal allowlist of account {account_id}");
    let allowed = ip_allowlists::compile_stored(&whose, &stored(&rows)).allows(your_address, now());
    Ok(PortalAllowlist {
        your_address,
        your_address_allowed: allowed,
        entries: entries(&rows),
    })
}

/// The rows as enforcement reads them.
fn stored<'a>(rows: impl IntoIterator<Item = &'a PortalAllowlistEntryRow>) -> Vec<StoredEntry> {
    rows.into_iter()
        .map(|r| StoredEntry {
            value: r.value.clone(),
            expires_at: r.expires_at,
        })
        .collect()
}

/// Refuses a change after which the list (`entries`) would not let `ip` in
/// now, unless the caller confirmed it.
fn guard_lockout(entries: &[StoredEntry], ip: IpAddr, confirmed: bool) -> ApiResult<bool> {
    let locks_out = !ip_allowlists::compile_stored("being changed", entries).allows(ip, now());
    if locks_out && !confirmed {
        return Err(ApiError::WouldLockOut(ip));
    }
    Ok(locks_out)
}

fn change_event(
    account_id: &str,
    client: &ClientContext,
    action: &str,
    entry: &str,
    locked_out: bool,
) -> SecurityEvent {
    let event = SecurityEvent::new(
        account_id,
        Actor::Account(account_id.to_owned()),
        SecurityEventKind::PortalAllowlistChanged,
    )
    .from_client(client)
    .detail("action", action)
    .detail("entry", entry);
    if locked_out {
        event.detail("confirmed_lockout", "true")
    } else {
        event
    }
}

/// Adds an entry. The same range twice is refused (`duplicate`); overlapping
/// ranges are kept and named in the answer's `overlaps`.
pub async fn add(
    state: &AppState,
    session: &PortalSession,
    client: &ClientContext,
    request: NewEntry,
) -> ApiResult<PortalAllowlistEntry> {
    let created_at = now();
    let range =
        IpRange::parse("value", &request.value).map_err(|e| ApiError::Validation(vec![e]))?;
    let expires_at =
        ip_allowlists::parse_expiry("expires_at", request.expires_at.as_deref(), created_at)
            .map_err(|e| ApiError::Validation(vec![e]))?;
    let row = PortalAllowlistEntryRow {
        id: format!("ppa_{}", uuid::Uuid::now_v7().simple()),
        account_id: session.account.id.clone(),
        value: range.to_string(),
        label: ip_allowlists::parse_label(request.label)?,
        created_at,
        expires_at,
    };
    let (client_copy, confirmed, stored) = (client.clone(), request.confirm_lockout, row.clone());
    let overlaps = state
        .db
        .transaction(move |conn| {
            let rows = entry_rows::list_entries(conn, &stored.account_id)?;
            let values = || rows.iter().map(|r| r.value.as_str());
            if values().any(|value| value == stored.value) {
                return Err(ip_allowlists::clash_conflict(&stored.value, &stored.value));
            }
            let after = self::stored(rows.iter().chain([&stored]));
            ip_allowlists::require_permanent_entry("expires_at", &after)
                .map_err(|e| ApiError::Validation(vec![e]))?;
            let locked_out = guard_lockout(&after, client_copy.ip, confirmed)?;
            entry_rows::insert_entry(conn, &stored)?;
            cache_sync::announce(conn, &Change::PortalAllowlist(stored.account_id.clone()))?;
            let event = change_event(
                &stored.account_id,
                &client_copy,
                "added",
                &stored.value,
                locked_out,
            );
            let event = match stored.expires_at {
                Some(until) => event.detail("expires_at", rfc3339(until)),
                None => event,
            };
            security_log::record(conn, &event)?;
            Ok(ip_allowlists::overlapping(values(), &range)
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<String>>())
        })
        .await?;
    state.forget_committed(Change::PortalAllowlist(session.account.id.clone()));
    tracing::info!(account_id = %session.account.id, entry = %row.value, "portal allowlist entry added");
    Ok(PortalAllowlistEntry {
        created_at: row.created_at,
        id: row.id,
        value: row.value,
        label: row.label,
        overlaps,
        expires_at: row.expires_at,
    })
}

/// Removes an entry (`confirmed`: even if the list would then refuse the caller).
pub async fn remove(
    state: &AppState,
    session: &PortalSession,
    client: &ClientContext,
    id: &str,
    confirmed: bool,
) -> ApiResult<()> {
    let client_copy = client.clone();
    let (account_id, entry_id) = (session.account.id.clone(), id.to_owned());
    let removed = state
        .db
        .transaction(move |conn| {
            let rows = entry_rows::list_entries(conn, &account_id)?;
            let Some(entry) = rows.iter().find(|r| r.id == entry_id) else {
                return Err(ApiError::NotFound);
            };
            let after = stored(rows.iter().filter(|r| r.id != entry_id));
            ip_allowlists::refuse_removing_last_permanent(&after)?;
            let locked_out = guard_lockout(&after, client_copy.ip, confirmed)?;
            entry_rows::delete_entry(conn, &account_id, &entry_id)?;
            cache_sync::announce(conn, &Change::PortalAllowlist(account_id.clone()))?;
            let event = change_event(
                &account_id,
                &client_copy,
                "removed",
                &entry.value,
                locked_out,
            );
            security_log::record(conn, &event)?;
            Ok(entry.value.clone())
        })
        .await?;
    state.forget_committed(Change::PortalAllowlist(session.account.id.clone()));
    tracing::info!(account_id = %session.account.id, entry = %removed, "portal allowlist entry removed");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guard_refuses_only_unconfirmed_lockouts() {
        let me: IpAddr = "203.0.113.7".parse().unwrap();
        let list = |value: &str| vec![StoredEntry::permanent(value)];
        assert!(!guard_lockout(&list("203.0.113.0/24"), me, false).unwrap());
        assert!(
            !guard_lockout(&[], me, false).unwrap(),
            "empty lets everyone in"
        );
        assert!(matches!(
            guard_lockout(&list("10.0.0.0/8"), me, false),
            Err(ApiError::WouldLockOut(ip)) if ip == me
        ));
        assert!(guard_lockout(&list("10.0.0.0/8"), me, true).unwrap());
    }
}
