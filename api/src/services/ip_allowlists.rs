//! What the account's two address lists, the API allowlist and the portal
//! allowlist, share (and tokens' and clients' own lists, where said): entry
//! labels, entry expiry, finding overlaps with stored entries, compiling
//! stored entries (failing closed), and an in-memory cache of each account's
//! compiled list.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, NaiveDateTime};

use portcullis_shared::{problem::FieldError, validate::codes};

use crate::services::cache::state_cache::StateCache;
use crate::{
    db::DbConnection,
    domain::{IpAllowlist, IpRange},
    error::{ApiError, ApiResult},
    services::Db,
};

const LABEL_MAX_CHARS: usize = 100;

/// A label as stored: trimmed, `None` when blank, at most 100 characters.
pub fn parse_label(label: Option<String>) -> ApiResult<Option<String>> {
    let label = label.map(|l| l.trim().to_owned()).filter(|l| !l.is_empty());
    if label
        .as_ref()
        .is_some_and(|l| l.chars().count() > LABEL_MAX_CHARS)
    {
        return Err(ApiError::field(
            "label",
            codes::TOO_LONG,
            "Use at most 100 characters.",
        ));
    }
    Ok(label)
}

/// The longest an entry may be let in for: a year.
const MAX_EXPIRY_DAYS: i64 = 366;

/// An allowlist entry as stored: its value (normal form) and the instant it
/// stops counting, if it expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    pub value: String,
    pub expires_at: Option<NaiveDateTime>,
}

/// The separator between a value and its expiry in a token's or client's
/// stored list (one entry a line: `203.0.113.0/24 until 2026-12-11T18:00:00Z`).
const UNTIL: &str = " until ";

impl StoredEntry {
    pub fn permanent(value: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            expires_at: None,
        }
    }

    /// A line of a token's or client's stored list. An expiry that does not
    /// read is kept in the value, which then fails to compile (closed).
    pub fn from_line(line: &str) -> Self {
        let line = line.trim();
        match line.split_once(UNTIL) {
            Some((value, until)) => match DateTime::parse_from_rfc3339(until.trim()) {
                Ok(until) => Self {
                    value: value.trim().to_owned(),
                    expires_at: Some(until.naive_utc()),
                },
                Err(_) => Self::permanent(line),
            },
            None => Self::permanent(line),
        }
    }

    /// The line [`Self::from_line`] reads back.
    pub fn to_line(&self) -> String {
        match self.expires_at {
            Some(until) => format!("{}{UNTIL}{}", self.value, crate::services::rfc3339(until)),
            None => self.value.clone(),
        }
    }

    /// True once the entry no longer matches.
    pub fn expired(&self, at: NaiveDateTime) -> bool {
        self.expires_at.is_some_and(|until| until <= at)
    }
}

impl From<(String, Option<NaiveDateTime>)> for StoredEntry {
    fn from((value, expires_at): (String, Option<NaiveDateTime>)) -> Self {
        Self { value, expires_at }
    }
}

/// A token's or client's stored list (one entry a line), as entries.
pub fn stored_lines(stored: &str) -> Vec<StoredEntry> {
    stored
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(StoredEntry::from_line)
        .collect()
}

/// A token's or client's list in its stored form.
pub fn to_stored_lines(entries: &[StoredEntry]) -> String {
    entries
        .iter()
        .map(StoredEntry::to_line)
        .collect::<Vec<_>>()
        .join("\n")
}

/// An entry's requested expiry (`field`, RFC 3339): in the future, at most a
/// year ahead; `None` for an entry that does not expire.
pub fn parse_expiry(
    field: &str,
    raw: Option<&str>,
    now: NaiveDateTime,
) -> Result<Option<NaiveDateTime>, FieldError> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    let until = DateTime::parse_from_rfc3339(raw)
        .map_err(|_| {
            FieldError::new(
                field,
                codes::INVALID_DATE,
                "Give the expiry as an RFC 3339 time, e.g. 2026-12-11T18:00:00Z.",
            )
        })?
        .naive_utc();
    if until <= now {
        return Err(FieldError::new(
            field,
            codes::IN_THE_PAST,
            "The expiry must be in the future.",
        ));
    }
    if until > now + chrono::Duration::days(MAX_EXPIRY_DAYS) {
        return Err(FieldError::new(
            field,
            codes::OUT_OF_RANGE,
            "An entry may be let in for at most a year: add it without an expiry to keep it.",
        ));
    }
    Ok(Some(until))
}

/// A token's or client's requested list (`ranges`, parsed from the field
/// `ip_allowlist`) with the expiries asked for some of its entries
/// (`expiries`: entry as given, or in any form naming the same range → RFC
/// 3339), checked: each names an entry of the list, lies in the future, and
/// a permanent entry stays beside them. Errors name
/// `ip_allowlist_expires_at.<entry>`.
pub fn with_expiries(
    ranges: &[IpRange],
    expiries: &std::collections::BTreeMap<String, String>,
    now: NaiveDateTime,
) -> Result<Vec<StoredEntry>, Vec<FieldError>> {
    const FIELD: &str = "ip_allowlist_expires_at";
    let mut entries: Vec<StoredEntry> = ranges
        .iter()
        .map(|r| StoredEntry::permanent(r.to_string()))
        .collect();
    let mut errors = Vec::new();
    for (key, raw) in expiries {
        let field = format!("{FIELD}.{key}");
        let position = IpRange::parse(&field, key)
            .ok()
            .and_then(|range| ranges.iter().position(|r| *r == range));
        let Some(position) = position else {
            errors.push(FieldError::new(
                &field,
                codes::NOT_A_CHOICE,
                format!(
                    "{} is not an entry of ip_allowlist.",
                    key.chars().take(60).collect::<String>()
                ),
            ));
            continue;
        };
        match parse_expiry(&field, Some(raw), now) {
            Ok(until) => entries[position].expires_at = until,
            Err(error) => errors.push(error),
        }
    }
    if errors.is_empty() {
        if let Err(error) = require_permanent_entry(FIELD, &entries) {
            errors.push(error);
        }
    }
    if errors.is_empty() {
        Ok(entries)
    } else {
        Err(errors)
    }
}

/// Refuses a list whose entries would all expire (`field` names the
/// request's expiry): when they did, the list would either refuse everyone
/// or, once swept, open to every address. An expiring entry is an exception
/// beside a permanent one ("the office, and this hotel until Friday").
pub fn require_permanent_entry(field: &str, entries: &[StoredEntry]) -> Result<(), FieldError> {
    let expiring = entries.iter().any(|e| e.expires_at.is_some());
    let permanent = entries.iter().any(|e| e.expires_at.is_none());
    if expiring && !permanent {
        return Err(FieldError::new(
            field,
            codes::NEEDS_PERMANENT_ENTRY,
            "An entry can expire only beside one that does not: add the address you always use first.",
        ));
    }
    Ok(())
}

/// Refuses removing an entry when only expiring ones would be left
/// (`after`: the list without it): remove those first, or add a permanent one.
pub fn refuse_removing_last_permanent(after: &[StoredEntry]) -> ApiResult<()> {
    if require_permanent_entry("id", after).is_err() {
        return Err(ApiError::Conflict {
            detail: "This is the last entry that does not expire: the others would then be the \
                     whole list until they expire. Remove the expiring entries first, or add \
                     another permanent one."
                .into(),
            errors: vec![FieldError::new(
                "id",
                codes::NEEDS_PERMANENT_ENTRY,
                "The last entry that does not expire stays while others expire.",
            )],
        });
    }
    Ok(())
}

/// The stored values (normal form) that share an address with `range`.
pub fn overlapping<'a>(stored: impl IntoIterator<Item = &'a str>, range: &IpRange) -> Vec<&'a str> {
    stored
        .into_iter()
        .filter(|value| IpRange::parse("value", value).is_ok_and(|r| r.overlaps(range)))
        .collect()
}

/// The refusal of `value` because it overlaps `clash`, already on the list
/// (field `value`: `duplicate` when they are the same range, else `overlaps`).
pub fn clash_conflict(value: &str, clash: &str) -> ApiError {
    let code = if clash == value {
        codes::DUPLICATE
    } else {
        codes::OVERLAPS
    };
    ApiError::Conflict {
        detail: format!("{value} overlaps {clash}, already on the list."),
        errors: vec![FieldError::new(
            "value",
            code,
            format!("Overlaps {clash}, already on the list."),
        )],
    }
}

/// A list compiled from stored values. A stored value that no longer parses
/// (a manual edit, a bad migration, a stricter parser) makes the whole list
/// refuse every address — never an empty list that lets everyone in — and is
/// logged as an error naming the list (`whose`, e.g. "of token tok_…") until
/// it is fixed or removed.
pub fn compile_stored<'a>(
    whose: &str,
    stored: impl IntoIterator<Item = &'a StoredEntry>,
) -> IpAllowlist {
    let (mut ranges, mut expiring) = (Vec::new(), Vec::new());
    for StoredEntry { value, expires_at } in stored {
        match (IpRange::parse("value", value), expires_at) {
            (Ok(range), None) => ranges.push(range),
            (Ok(range), Some(until)) => expiring.push((range, *until)),
            (Err(_), _) => {
                tracing::error!(
                    list = whose,
                    value = %value.chars().take(60).collect::<String>(),
                    "unreadable stored IP allowlist entry {whose}: the list refuses every address until the entry is fixed or removed"
                );
                return IpAllowlist::refusing_everyone();
            }
        }
    }
    IpAllowlist::with_expiring(&ranges, expiring)
}

/// Each account's compiled list, read from storage and kept until
/// [`AllowlistCache::forget_here`] (after a change, see
/// [`super::AppState::forget_committed`]) or until it is older than the
/// cache's maximum age; at most `capacity` accounts' lists are kept.
pub struct AllowlistCache {
    lists: StateCache<Arc<IpAllowlist>>,
    /// Names the list in logs: "API" or "portal".
    kind: &'static str,
}

impl AllowlistCache {
    /// `kind` names the lists in logs ("API", "portal").
    pub fn new(kind: &'static str, capacity: usize, max_age: Duration) -> Self {
        Self {
            lists: StateCache::new(capacity, max_age),
            kind,
        }
    }

    /// The account's list; `load` reads its stored values on a miss.
    pub async fn get_or_load(
        &self,
        db: &Db,
        account_id: &str,
        load: fn(&mut DbConnection, &str) -> diesel::QueryResult<Vec<StoredEntry>>,
    ) -> ApiResult<Arc<IpAllowlist>> {
        if let Some(list) = self.lists.get(account_id) {
            return Ok(list);
        }
        let load_started = self.lists.load_started();
        let key = account_id.to_owned();
        let values = db.run(move |conn| Ok(load(conn, &key)?)).await?;
        let whose = format!("of the {} allowlist of account {account_id}", self.kind);
        let list = Arc::new(compile_stored(&whose, &values));
        self.lists.keep(account_id, list.clone(), load_started);
        Ok(list)
    }

    /// Forgets the account's list in this process: the next request reads it
    /// from storage (the change's transaction told the other processes).
    pub fn forget_here(&self, account_id: &str) {
        self.lists.evict(account_id);
    }

    /// Forgets every list in this process (after missing other processes' changes).
    pub fn forget_all_here(&self) {
        self.lists.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_trimmed_and_bounded() {
        assert_eq!(
            parse_label(Some("  Office ".into())).unwrap().as_deref(),
            Some("Office")
        );
        assert_eq!(parse_label(Some("   ".into())).unwrap(), None);
        assert_eq!(parse_label(None).unwrap(), None);
        assert!(matches!(
            parse_label(Some("x".repeat(101))),
            Err(ApiError::Validation(_))
        ));
    }

    #[test]
    fn overlaps_and_duplicates_are_told_apart() {
        let range = IpRange::parse("value", "10.0.0.0/24").unwrap();
        let stored = ["10.0.0.0/16", "192.0.2.1", "10.0.0.0/24", "2001:db8::/32"];
        assert_eq!(overlapping(stored, &range), ["10.0.0.0/16", "10.0.0.0/24"]);
        let conflict = clash_conflict("10.0.0.0/24", "10.0.0.0/24").to_problem();
        assert_eq!(conflict.errors[0].code, codes::DUPLICATE);
        let conflict = clash_conflict("10.0.0.0/24", "10.0.0.0/16").to_problem();
        assert_eq!(conflict.errors[0].code, codes::OVERLAPS);
    }
}
