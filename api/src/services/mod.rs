//! The rules, in one folder per capability (matching `routes/` by name). Handlers
//! call these; these call `db`.

pub mod access;
pub mod accounts;
pub mod activity;
pub mod audit;
pub mod cache;
pub mod contacts;
pub mod delivery;
pub mod expiring_exceptions;
pub mod ip_allowlists;
pub mod low_priority;
pub mod operator;
pub mod overview;
pub mod passkeys;
pub mod passwords;
pub mod secrets_at_rest;
pub mod senders;
pub mod sessions;
pub mod sms;
pub mod spreadsheet;
pub mod subusers;
pub mod tokens;
pub mod two_factor;

use std::sync::Arc;

use crate::{config::Config, error::ApiError};

/// Storage as the services use it: the work they run fails with [`ApiError`],
/// whose storage failures [`crate::db`] recognises (see `error.rs`).
pub type Db = crate::db::Db<ApiError>;

pub use delivery::{Mailer, SmsTransport};
pub use passwords::hasher::PasswordHasher;

/// Everything a request may need, shared by all workers.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub hasher: PasswordHasher,
    pub access: Arc<tokens::api_access::ApiAccess>,
    /// Each account's compiled portal IP allowlist.
    pub portal_allowlists: Arc<ip_allowlists::AllowlistCache>,
    pub config: Arc<Config>,
    /// Seals and opens the secrets stored at rest (TOTP secrets here; the
    /// signing keys are opened once, into the key ring).
    pub kek: Arc<crate::domain::Kek>,
    pub sms: SmsTransport,
    /// Stores single sends, many to a transaction (`sms::messages`).
    pub sends: sms::messages::SendWriter,
    pub mailer: Mailer,
    /// What background parts report for the metrics.
    pub signals: Arc<crate::metrics::Signals>,
    /// This process's sign-in guesses waiting for a try, in line per e-mail.
    pub guess_queue: Arc<sessions::guess_queue::GuessQueue>,
}

impl AppState {
    /// Evicts this process's cached copy of what `change` changed. Call it
    /// right after committing the transaction that announced the change with
    /// [`cache::cache_sync::announce`] (which tells the other processes).
    pub fn forget_committed(&self, change: cache::cache_sync::Change) {
        cache::cache_sync::crash_point_after_commit(&change);
        cache::cache_sync::apply(change, &self.access, &self.portal_allowlists);
    }
}

/// Runs `work` every `period`, for ever; a failure is logged and the next round retries.
pub async fn run_every<F, Fut>(period: std::time::Duration, what: &'static str, mut work: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = crate::error::ApiResult<usize>>,
{
    let mut ticks = tokio::time::interval(period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if let Err(error) = work().await {
            tracing::warn!(%error, "{what} failed; will retry");
        }
    }
}

/// Timestamps are stored as UTC without zone; this is the one clock.
pub fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// RFC 3339 in UTC, to the second, as DTOs carry it.
pub fn rfc3339(at: chrono::NaiveDateTime) -> String {
    at.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
