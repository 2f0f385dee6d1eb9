//! What the account's two address lists, the API allowlist and the portal
//! allowlist, share: entry labels, finding overlaps with stored entries,
//! compiling stored entries (failing closed), and an in-memory cache of each
//! account's compiled list.

use std::{sync::Arc, time::Duration};

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
pub fn compile_stored<'a>(whose: &str, stored: impl IntoIterator<Item = &'a str>) -> IpAllowlist {
    let mut ranges = Vec::new();
    for value in stored {
        match IpRange::parse("value", value) {
            Ok(range) => ranges.push(range),
            Err(_) => {
                tracing::error!(
                    list = whose,
                    value = %value.chars().take(60).collect::<String>(),
                    "unreadable stored IP allowlist entry {whose}: the list refuses every address until the entry is fixed or removed"
                );
                return IpAllowlist::refusing_everyone();
            }
        }
    }
    IpAllowlist::new(&ranges)
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
        load: fn(&mut DbConnection, &str) -> diesel::QueryResult<Vec<String>>,
    ) -> ApiResult<Arc<IpAllowlist>> {
        if let Some(list) = self.lists.get(account_id) {
            return Ok(list);
        }
        let load_started = self.lists.load_started();
        let key = account_id.to_owned();
        let values = db.run(move |conn| Ok(load(conn, &key)?)).await?;
        let whose = format!("of the {} allowlist of account {account_id}", self.kind);
        let list = Arc::new(compile_stored(&whose, values.iter().map(String::as_str)));
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
