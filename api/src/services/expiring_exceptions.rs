//! The sweep of expiring exceptions: allowlist entries (portal, API, each
//! token's and client's) and country-filter exceptions whose `expires_at`
//! passed are removed and logged.
//!
//! Enforcement never waits for it: every check compares an entry's expiry
//! with the clock (see [`crate::domain::IpAllowlist::allows`] and
//! [`crate::db::sms::allowed_countries`]), so an exception ends at its instant
//! on every process. The sweep only tidies storage and writes the security
//! log ("expired", by the system). Every process may run it: each row is
//! deleted (or each list rewritten) conditionally, so a row expired by two
//! processes at once is logged once. A list is never emptied by expiry: an
//! expired entry beside no permanent one stays (and keeps refusing), since an
//! empty list would let every address in.

use portcullis_shared::vocabulary::SecurityEventKind;

use crate::db::{
    oauth as oauth_rows, portal_allowlist as portal_rows, sms as sms_rows, tokens as token_rows,
    DbConnection,
};
use crate::error::ApiResult;
use crate::services::{
    audit::security_log::{self, Actor, SecurityEvent},
    cache::cache_sync::{self, Change},
    ip_allowlists::{self, AllowlistCache},
    now, rfc3339,
    tokens::api_access::ApiAccess,
    Db,
};

fn expired_event(account_id: &str, kind: SecurityEventKind) -> SecurityEvent {
    SecurityEvent::new(account_id, Actor::System, kind).detail("action", "expired")
}

/// A token's or client's stored list without its expired entries, if any
/// expired and a permanent entry remains.
fn without_expired(stored: &str, at: chrono::NaiveDateTime) -> Option<(String, Vec<String>)> {
    let entries = ip_allowlists::stored_lines(stored);
    let (expired, kept): (Vec<_>, Vec<_>) = entries.into_iter().partition(|e| e.expired(at));
    if expired.is_empty() || !kept.iter().any(|e| e.expires_at.is_none()) {
        return None;
    }
    Some((
        ip_allowlists::to_stored_lines(&kept),
        expired.into_iter().map(|e| e.value).collect(),
    ))
}

/// Removes and logs what expired by now, in one transaction; returns the
/// changes to forget in this process's caches.
fn sweep_in(conn: &mut DbConnection) -> diesel::QueryResult<Vec<Change>> {
    let at = now();
    let mut changes = Vec::new();
    for row in portal_rows::delete_expired(conn, at)? {
        let event = expired_event(&row.account_id, SecurityEventKind::PortalAllowlistChanged)
            .detail("entry", row.value.clone())
            .detail(
                "expires_at",
                row.expires_at.map(rfc3339).unwrap_or_default(),
            );
        security_log::record(conn, &event)?;
        changes.push(Change::PortalAllowlist(row.account_id));
    }
    for row in token_rows::delete_expired_allowlist_entries(conn, at)? {
        let event = expired_event(&row.account_id, SecurityEventKind::ApiAllowlistChanged)
            .detail("entry", row.value.clone())
            .detail(
                "expires_at",
                row.expires_at.map(rfc3339).unwrap_or_default(),
            );
        security_log::record(conn, &event)?;
        changes.push(Change::ApiAllowlist(row.account_id));
    }
    for (id, account_id, stored) in token_rows::tokens_with_expiring_allowlist(conn)? {
        let Some((kept, expired)) = without_expired(&stored, at) else {
            continue;
        };
        if token_rows::replace_allowlist_if(conn, &id, &stored, &kept)? {
            let event = expired_event(&account_id, SecurityEventKind::TokenChanged)
                .detail("token_id", id.clone())
                .detail("change", "allowlist entry expired")
                .detail("entry", expired.join(","));
            security_log::record(conn, &event)?;
            changes.push(Change::Token(id));
        }
    }
    for (id, account_id, stored) in oauth_rows::clients_with_expiring_allowlist(conn)? {
        let Some((kept, expired)) = without_expired(&stored, at) else {
            continue;
        };
        if oauth_rows::replace_allowlist_if(conn, &id, &stored, &kept)? {
            let event = expired_event(&account_id, SecurityEventKind::OauthClientChanged)
                .detail("client_id", id.clone())
                .detail("change", "allowlist entry expired")
                .detail("entry", expired.join(","));
            security_log::record(conn, &event)?;
            changes.push(Change::Client(id));
        }
    }
    for (account_id, country, until) in sms_rows::delete_expired_countries(conn, at)? {
        let event = expired_event(&account_id, SecurityEventKind::CountryFilterChanged)
            .detail("country", country)
            .detail("expires_at", rfc3339(until));
        security_log::record(conn, &event)?;
    }
    // One announcement per list, however many of its entries ended.
    let mut announced: Vec<Change> = Vec::with_capacity(changes.len());
    for change in changes {
        if !announced.contains(&change) {
            cache_sync::announce(conn, &change)?;
            announced.push(change);
        }
    }
    Ok(announced)
}

/// One sweep; returns how many caches were told to forget something.
pub async fn sweep(
    db: &Db,
    access: &ApiAccess,
    portal_allowlists: &AllowlistCache,
) -> ApiResult<usize> {
    let changes = db.transaction(|conn| Ok(sweep_in(conn)?)).await?;
    let count = changes.len();
    for change in changes {
        cache_sync::apply(change, access, portal_allowlists);
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_loses_its_expired_entries_but_never_its_last_permanent_one() {
        let at = chrono::DateTime::from_timestamp(1_800_000_000, 0)
            .unwrap()
            .naive_utc();
        let past = rfc3339(at - chrono::Duration::minutes(1));
        let future = rfc3339(at + chrono::Duration::minutes(1));
        let stored =
            format!("10.0.0.0/24\n203.0.113.7 until {past}\n198.51.100.0/24 until {future}");
        let (kept, expired) = without_expired(&stored, at).unwrap();
        assert_eq!(kept, format!("10.0.0.0/24\n198.51.100.0/24 until {future}"));
        assert_eq!(expired, ["203.0.113.7"]);
        assert_eq!(without_expired(&kept, at), None, "nothing expired");
        let alone = format!("203.0.113.7 until {past}");
        assert_eq!(without_expired(&alone, at), None, "never emptied");
    }
}
