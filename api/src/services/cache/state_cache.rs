//! A cache of state read from storage, bounded in size and in age, for the
//! per-process caches of tokens, clients, subusers' grants and allowlists.
//!
//! - **Size**: at most `capacity` entries (quick_cache's S3-FIFO eviction), so
//!   requests with made-up keys (client ids, …) cannot grow memory without end.
//! - **Age**: an entry read from storage longer than `max_age` ago is a miss,
//!   so a change whose notice was missed (see [`crate::services::cache::cache_sync`]) is
//!   enforced within `max_age` at the latest.
//! - **Evictions win over loads in flight**: a load that started before an
//!   eviction of any key is not kept, since it may have read the state from
//!   before the change.

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        RwLock,
    },
    time::{Duration, Instant},
};

/// How long a cached entry is believed, unless `PORTCULLIS_CACHE_MAX_AGE_MS` says otherwise.
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(60);

#[derive(Clone)]
struct Entry<V> {
    value: V,
    read_at: Instant,
}

/// When a load from storage started: pass it back to [`StateCache::keep`].
#[derive(Debug, Clone, Copy)]
pub struct LoadStarted {
    generation: u64,
    at: Instant,
}

pub struct StateCache<V: Clone> {
    entries: quick_cache::sync::Cache<String, Entry<V>>,
    max_age: Duration,
    /// Bumped by every eviction.
    generation: AtomicU64,
    /// Held shared while keeping a load and exclusively while evicting, so
    /// that an eviction cannot fall between a load's generation check and its
    /// insert.
    gate: RwLock<()>,
}

impl<V: Clone> StateCache<V> {
    pub fn new(capacity: usize, max_age: Duration) -> Self {
        Self {
            entries: quick_cache::sync::Cache::new(capacity),
            max_age,
            generation: AtomicU64::new(0),
            gate: RwLock::new(()),
        }
    }

    /// The cached value, unless absent or older than the maximum age.
    pub fn get(&self, key: &str) -> Option<V> {
        let entry = self.entries.get(key)?;
        (entry.read_at.elapsed() < self.max_age).then_some(entry.value)
    }

    /// Call before reading the value from storage.
    pub fn load_started(&self) -> LoadStarted {
        LoadStarted {
            generation: self.generation.load(Ordering::SeqCst),
            at: Instant::now(),
        }
    }

    /// Keeps what a load read, unless something was evicted since it started.
    pub fn keep(&self, key: &str, value: V, load: LoadStarted) {
        let _gate = self.gate.read().expect("cache gate");
        if self.generation.load(Ordering::SeqCst) == load.generation {
            self.entries.insert(
                key.to_owned(),
                Entry {
                    value,
                    read_at: load.at,
                },
            );
        }
    }

    /// Forgets the key (the next request reads storage) and discards loads in flight.
    pub fn evict(&self, key: &str) {
        let _gate = self.gate.write().expect("cache gate");
        self.entries.remove(key);
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Forgets everything and discards loads in flight.
    pub fn clear(&self) {
        let _gate = self.gate.write().expect("cache gate");
        self.entries.clear();
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Entries held (including ones too old to be used).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_at_most_its_capacity() {
        let cache = StateCache::new(1_000, DEFAULT_MAX_AGE);
        for i in 0..100_000 {
            let load = cache.load_started();
            cache.keep(&format!("client-{i}"), None::<u32>, load);
        }
        assert!(cache.len() <= 1_100, "{} entries", cache.len());
        assert_eq!(cache.get("client-99999"), Some(None));
    }

    #[test]
    fn an_entry_older_than_the_maximum_age_is_a_miss() {
        let cache = StateCache::new(10, Duration::from_secs(60));
        let load = cache.load_started();
        cache.keep("fresh", 1, load);
        assert_eq!(cache.get("fresh"), Some(1));
        let read_long_ago = LoadStarted {
            at: load.at - Duration::from_secs(61),
            ..load
        };
        cache.keep("old", 2, read_long_ago);
        assert_eq!(cache.get("old"), None);
    }

    #[test]
    fn a_load_that_started_before_an_eviction_is_not_kept() {
        let cache = StateCache::new(10, DEFAULT_MAX_AGE);
        let stale = cache.load_started();
        cache.evict("other");
        cache.keep("t", "read before the change", stale);
        assert_eq!(cache.get("t"), None);
        let fresh = cache.load_started();
        cache.keep("t", "read after", fresh);
        assert_eq!(cache.get("t"), Some("read after"));
        cache.clear();
        assert_eq!(cache.get("t"), None);
    }
}
