//! The per-process caches of state read from storage, and keeping the caches of
//! several processes in step.

pub mod cache_sync;
pub mod state_cache;
