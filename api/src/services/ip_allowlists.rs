//! What the account's two address lists, the API allowlist and the portal
//! allowlist, share: entry labels, finding overlaps with stored entries, and an
//! in-memory cache of each account's compiled list.

use std::{
    collections::HashMap,
    sync::{Arc, RwLock},
};

use portcullis_shared::{problem::FieldError, validate::codes};

use super::cache_sync::{Change, Publisher};
use crate::{
    db::{Db, DbConnection},
    domain::{IpAllowlist, IpRange},
    error::{ApiError, ApiResult},
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

/// A list compiled from stored values (unreadable ones are skipped).
pub fn compile<'a>(stored: impl IntoIterator<Item = &'a str>) -> IpAllowlist {
    let ranges: Vec<IpRange> = stored
        .into_iter()
        .filter_map(|value| IpRange::parse("value", value).ok())
        .collect();
    IpAllowlist::new(&ranges)
}

/// Makes the change to publish from an account id.
type ChangeKind = fn(String) -> Change;

#[derive(Default)]
struct CacheState {
    lists: HashMap<String, Arc<IpAllowlist>>,
    /// Bumped by every `forget`: a load that started before one is not kept.
    generation: u64,
}

/// Each account's compiled list, read from storage once and kept until
/// [`AllowlistCache::forget`] (call it after every change this process makes;
/// it tells the other processes too, see [`super::cache_sync`]).
#[derive(Default)]
pub struct AllowlistCache {
    state: RwLock<CacheState>,
    /// Where a change is published, and as what kind of change.
    publisher: Option<(Publisher, ChangeKind)>,
}

impl AllowlistCache {
    /// A cache whose [`AllowlistCache::forget`] publishes `kind` changes.
    pub fn publishing(publisher: Publisher, kind: ChangeKind) -> Self {
        Self {
            state: RwLock::default(),
            publisher: Some((publisher, kind)),
        }
    }

    /// The account's list; `load` reads its stored values on a miss.
    pub async fn get_or_load(
        &self,
        db: &Db,
        account_id: &str,
        load: fn(&mut DbConnection, &str) -> diesel::QueryResult<Vec<String>>,
    ) -> ApiResult<Arc<IpAllowlist>> {
        let generation = {
            let state = self.state.read().expect("cache lock");
            if let Some(list) = state.lists.get(account_id) {
                return Ok(list.clone());
            }
            state.generation
        };
        let key = account_id.to_owned();
        let values = db.run(move |conn| Ok(load(conn, &key)?)).await?;
        let list = Arc::new(compile(values.iter().map(String::as_str)));
        let mut state = self.state.write().expect("cache lock");
        if state.generation == generation {
            state.lists.insert(account_id.to_owned(), list.clone());
        }
        Ok(list)
    }

    /// Forgets the account's list, here and in the other processes: the next
    /// request reads it from storage.
    pub fn forget(&self, account_id: &str) {
        self.forget_here(account_id);
        if let Some((publisher, kind)) = &self.publisher {
            publisher.publish(kind(account_id.to_owned()));
        }
    }

    /// Forgets the account's list in this process only (another process changed it).
    pub fn forget_here(&self, account_id: &str) {
        let mut state = self.state.write().expect("cache lock");
        state.lists.remove(account_id);
        state.generation += 1;
    }

    /// Forgets every list in this process (after missing other processes' changes).
    pub fn forget_all_here(&self) {
        let mut state = self.state.write().expect("cache lock");
        state.lists.clear();
        state.generation += 1;
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
