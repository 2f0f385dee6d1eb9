//! Keeping the in-memory caches of several API processes on one PostgreSQL in
//! step, so that they behave as one.
//!
//! Each process caches token and OAuth client states, revocations and the
//! accounts' API and portal allowlists (see [`crate::services::tokens::api_access`] and
//! [`crate::services::ip_allowlists`]). A change made through one process is *announced*
//! in the change's own transaction ([`announce`]: `pg_notify` on the
//! [`CHANNEL`] channel, delivered only if and when the transaction commits, so
//! a crash right after the commit cannot lose it), and the process evicts its
//! own entry right after the commit. Every process *listens* on a
//! dedicated connection (not from the pool) and evicts the same entry when the
//! notification arrives, typically within milliseconds (the connection is
//! polled every [`POLL_INTERVAL`]). When that connection fails, notifications
//! may have been missed: after reconnecting, the process forgets every cached
//! entry and reloads the revocations (a full resync), so nothing stale
//! survives a dropped connection. Whatever else goes wrong, every cached entry
//! is read again once it is older than `PORTCULLIS_CACHE_MAX_AGE_MS`.
//!
//! Portal sessions, lockout counters and points balances are not cached: they
//! are read from storage on each request, so every process sees the same.
//!
//! On SQLite one server process owns the file, but the operator's command
//! line (`portcullis admin …`, `keys …`) is another process on the same file:
//! there a change is announced by writing a row to `change_notices` in the
//! change's transaction, and the server polls that table every
//! [`NOTICE_POLL_INTERVAL`] ([`poll_notices_forever`]).

use std::{
    sync::{Arc, Weak},
    time::{Duration, Instant},
};

use diesel::{
    connection::SimpleConnection, sql_types::Text, Connection, PgConnection, RunQueryDsl,
};

use crate::db::{change_notices as notice_rows, oauth as oauth_rows, DbConnection};
use crate::metrics::Signals;
use crate::services::{ip_allowlists::AllowlistCache, now, tokens::api_access::ApiAccess, Db};

/// The PostgreSQL notification channel.
pub const CHANNEL: &str = "portcullis_cache";
/// The listening connection's `application_name` (as `pg_stat_activity` shows it).
pub const LISTENER_NAME: &str = "portcullis_cache_listener";
/// How often the listening connection is checked for notifications.
pub const POLL_INTERVAL: Duration = Duration::from_millis(50);
/// How often the listening connection is proven alive with a query (a silently
/// dropped connection is noticed within this).
const KEEPALIVE_INTERVAL: Duration = Duration::from_secs(5);
/// Wait before reconnecting after the listening connection failed.
const RECONNECT_DELAY: Duration = Duration::from_millis(500);
/// SQLite: how often the server reads the change notices other processes wrote.
pub const NOTICE_POLL_INTERVAL: Duration = Duration::from_millis(250);
/// SQLite: notices older than this are deleted (every server has read them).
const NOTICE_KEPT_FOR: chrono::TimeDelta = chrono::TimeDelta::minutes(10);
/// SQLite: how often old notices are looked for.
const NOTICE_PRUNE_INTERVAL: Duration = Duration::from_secs(60);

/// A change to something the processes cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A portal token was changed (disabled, enabled, re-scoped, allowlist) or deleted.
    Token(String),
    /// An OAuth client was changed or deleted.
    Client(String),
    /// An issued access token (this `jti`) was revoked.
    Revoked(String),
    /// The account's API allowlist changed.
    ApiAllowlist(String),
    /// The account's portal allowlist changed.
    PortalAllowlist(String),
    /// A subuser's grants changed, or the subuser was disabled or deleted.
    Subuser(String),
    /// The company account was suspended or reinstated by the operator.
    Account(String),
    /// A signing key was made or retired: every process reloads its key ring.
    SigningKeys,
}

impl Change {
    /// What changed, and its id.
    fn parts(&self) -> (&'static str, &str) {
        match self {
            Self::Token(id) => ("token", id),
            Self::Client(id) => ("client", id),
            Self::Revoked(id) => ("revoked", id),
            Self::ApiAllowlist(id) => ("api_allowlist", id),
            Self::PortalAllowlist(id) => ("portal_allowlist", id),
            Self::Subuser(id) => ("subuser", id),
            Self::Account(id) => ("account", id),
            Self::SigningKeys => ("signing_keys", ""),
        }
    }

    /// The notification payload: `kind:id`.
    pub fn payload(&self) -> String {
        let (kind, id) = self.parts();
        format!("{kind}:{id}")
    }

    pub fn parse(payload: &str) -> Option<Self> {
        let (kind, id) = payload.split_once(':')?;
        let id = id.to_owned();
        Some(match kind {
            "token" => Self::Token(id),
            "client" => Self::Client(id),
            "revoked" => Self::Revoked(id),
            "api_allowlist" => Self::ApiAllowlist(id),
            "portal_allowlist" => Self::PortalAllowlist(id),
            "subuser" => Self::Subuser(id),
            "account" => Self::Account(id),
            "signing_keys" => Self::SigningKeys,
            _ => return None,
        })
    }
}

/// Announces `change` to the other processes as part of the transaction that
/// makes it: on PostgreSQL, `pg_notify` inside that transaction, which
/// PostgreSQL delivers when (and only if) the transaction commits. So no crash
/// can come between a change and its notice, and a rolled-back change
/// announces nothing. On SQLite (one process) there is no one to tell.
///
/// After the commit, evict this process's own entry at once with
/// [`crate::services::AppState::forget_committed`] (the notice reaches this process's
/// listener too, but only within [`POLL_INTERVAL`]).
pub fn announce(conn: &mut DbConnection, change: &Change) -> diesel::QueryResult<()> {
    if let DbConnection::Postgres(pg) = conn {
        diesel::sql_query("SELECT pg_notify($1, $2)")
            .bind::<Text, _>(CHANNEL)
            .bind::<Text, _>(change.payload())
            .execute(pg)?;
    } else {
        notice_rows::insert(conn, &change.payload(), now())?;
    }
    Ok(())
}

/// Test-only fault: with `PORTCULLIS_TEST_CRASH_AFTER_COMMIT` set to a kind
/// of change (`revoked`, `token`, …), the process aborts right after
/// committing such a change, before anything else happens — what a crash or a
/// `kill -9` at that moment would do. Never set it in production.
pub fn crash_point_after_commit(change: &Change) {
    static KIND: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let kind = KIND.get_or_init(|| std::env::var("PORTCULLIS_TEST_CRASH_AFTER_COMMIT").ok());
    if kind.as_deref() == Some(change.parts().0) {
        eprintln!(
            "PORTCULLIS_TEST_CRASH_AFTER_COMMIT: aborting after committing {}",
            change.payload()
        );
        std::process::abort();
    }
}

/// The caches a process keeps, as the listener sees them: it stops when the
/// server that owns them is gone.
pub struct Caches {
    pub access: Weak<ApiAccess>,
    pub portal_allowlists: Weak<AllowlistCache>,
    /// Where the listener says whether it is up, for the metrics.
    pub signals: Arc<Signals>,
}

impl Caches {
    pub fn of(
        access: &Arc<ApiAccess>,
        portal_allowlists: &Arc<AllowlistCache>,
        signals: &Arc<Signals>,
    ) -> Self {
        Self {
            access: Arc::downgrade(access),
            portal_allowlists: Arc::downgrade(portal_allowlists),
            signals: signals.clone(),
        }
    }

    fn live(&self) -> Option<(Arc<ApiAccess>, Arc<AllowlistCache>)> {
        Some((self.access.upgrade()?, self.portal_allowlists.upgrade()?))
    }
}

/// Applies another process's change to this process's caches.
pub fn apply(change: Change, access: &ApiAccess, portal_allowlists: &AllowlistCache) {
    match change {
        Change::Token(id) => access.forget_token_here(&id),
        Change::Client(id) => access.forget_client_here(&id),
        Change::Revoked(jti) => access.remember_revoked_here(&jti),
        Change::ApiAllowlist(account) => access.forget_account_allowlist_here(&account),
        Change::PortalAllowlist(account) => portal_allowlists.forget_here(&account),
        Change::Subuser(id) => access.forget_subuser_here(&id),
        Change::Account(id) => access.forget_account_here(&id),
        Change::SigningKeys => access.signing_keys_changed_elsewhere(),
    }
}

/// Forgets everything cached and reloads the revocations, reading through `conn`.
fn resync(
    conn: &mut DbConnection,
    access: &ApiAccess,
    portal_allowlists: &AllowlistCache,
) -> diesel::QueryResult<()> {
    let revoked = oauth_rows::live_revoked(conn, now())?;
    access.forget_everything_here(revoked);
    portal_allowlists.forget_all_here();
    // Keys made or retired meanwhile: the key task compares and reloads.
    access.signing_keys_changed_elsewhere();
    Ok(())
}

/// SQLite: applies the change notices other processes (the operator's command
/// line) write, until the caches' server is gone. Notices written before the
/// server started need nothing: its caches started empty.
pub async fn poll_notices_forever(db: Db, caches: Caches) {
    let mut seen = None;
    let mut pruned_at = Instant::now();
    while let Some((access, portal_allowlists)) = caches.live() {
        let after = seen;
        let read = db
            .run(move |conn| {
                Ok(match after {
                    None => (notice_rows::last_seq(conn)?, Vec::new()),
                    Some(after) => {
                        let notices = notice_rows::after(conn, after, 1_000)?;
                        (notices.last().map_or(after, |n| n.0), notices)
                    }
                })
            })
            .await;
        caches.signals.cache_sync_up(read.is_ok());
        match read {
            Ok((last, notices)) => {
                seen = Some(last);
                for (_, payload) in notices {
                    match Change::parse(&payload) {
                        Some(change) => apply(change, &access, &portal_allowlists),
                        None => tracing::warn!(payload, "unknown change notice"),
                    }
                }
            }
            Err(error) => tracing::warn!(%error, "cannot read the change notices; will retry"),
        }
        drop((access, portal_allowlists));
        if pruned_at.elapsed() >= NOTICE_PRUNE_INTERVAL {
            pruned_at = Instant::now();
            let before = now() - NOTICE_KEPT_FOR;
            if let Err(error) = db
                .run(move |conn| Ok(notice_rows::prune(conn, before)?))
                .await
            {
                tracing::warn!(%error, "cannot delete old change notices; will retry");
            }
        }
        tokio::time::sleep(NOTICE_POLL_INTERVAL).await;
    }
}

/// Listens for other processes' changes on a dedicated PostgreSQL connection,
/// on its own thread, until the caches' server is gone.
pub fn spawn_listener(url: String, caches: Caches) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("cache-listener".into())
        .spawn(move || listen_forever(&url, &caches))
        .map(|_| ())
}

fn listen_forever(url: &str, caches: &Caches) {
    let mut connected_before = false;
    while caches.live().is_some() {
        match listen(url, caches, &mut connected_before) {
            Ok(()) => return,
            Err(error) => {
                caches.signals.cache_sync_up(false);
                tracing::warn!(%error, "cache listener lost its PostgreSQL connection; reconnecting (then a full resync)");
                std::thread::sleep(RECONNECT_DELAY);
            }
        }
    }
}

/// One connection's life: `Ok` when the server is gone, `Err` when the connection failed.
fn listen(url: &str, caches: &Caches, connected_before: &mut bool) -> anyhow::Result<()> {
    let mut pg = PgConnection::establish(url)?;
    pg.batch_execute(&format!(
        "SET application_name = '{LISTENER_NAME}'; LISTEN {CHANNEL}"
    ))?;
    let mut conn = DbConnection::Postgres(pg);
    // Listening from here on: whatever changed before is read afresh.
    {
        let Some((access, portal_allowlists)) = caches.live() else {
            return Ok(());
        };
        resync(&mut conn, &access, &portal_allowlists)?;
    }
    if *connected_before {
        caches.signals.cache_sync_resynced();
        tracing::info!("cache listener reconnected; caches resynchronised");
    }
    caches.signals.cache_sync_up(true);
    *connected_before = true;
    let DbConnection::Postgres(pg) = &mut conn else {
        unreachable!("opened as PostgreSQL");
    };
    let mut proven_alive = Instant::now();
    loop {
        let Some((access, portal_allowlists)) = caches.live() else {
            return Ok(());
        };
        for notification in pg.notifications_iter() {
            let notification = notification?;
            match Change::parse(&notification.payload) {
                Some(change) => apply(change, &access, &portal_allowlists),
                None => {
                    tracing::warn!(payload = notification.payload, "unknown cache notification")
                }
            }
        }
        drop((access, portal_allowlists));
        if proven_alive.elapsed() >= KEEPALIVE_INTERVAL {
            pg.batch_execute("SELECT 1")?;
            proven_alive = Instant::now();
        }
        std::thread::sleep(POLL_INTERVAL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_round_trip() {
        for change in [
            Change::Token("t1".into()),
            Change::Client("c1".into()),
            Change::Revoked("j1".into()),
            Change::ApiAllowlist("a1".into()),
            Change::PortalAllowlist("a2".into()),
            Change::Subuser("s1".into()),
            Change::Account("a3".into()),
            Change::SigningKeys,
        ] {
            assert_eq!(Change::parse(&change.payload()), Some(change));
        }
        assert_eq!(Change::parse("nonsense"), None);
        assert_eq!(Change::parse("other:x"), None);
    }
}
