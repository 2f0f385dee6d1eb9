//! Storage: one diesel code path over PostgreSQL and SQLite.
//!
//! Queries are plain functions taking `&mut DbConnection`, grouped by table in
//! the submodules. They run on a blocking thread via [`Db::run`], never on the
//! async workers — except short SQLite lookups on the hot path, [`Db::read`].
//!
//! Storage knows nothing of the layers above: it fails with [`StorageError`],
//! and runs work that fails with its caller's own error type ([`WorkError`]).

pub mod accounts;
pub mod activity;
pub mod authenticator;
pub mod cached;
pub mod change_notices;
pub mod contacts;
pub mod credential_networks;
pub mod credential_policies;
pub mod devices;
mod error;
pub mod group_commit;
mod hot_reads;
pub mod login_preferences;
pub mod oauth;
pub mod one_of;
pub mod outbox;
pub mod passkeys;
pub mod passwords;
pub mod pending_signups;
pub mod portal_allowlist;
pub mod schema;
pub mod security_events;
pub mod security_streams;
pub mod senders;
pub mod sessions;
pub mod sms;
pub mod sms_batches;
pub mod sms_budget;
pub mod subusers;
pub mod throttles;
pub mod token_leaks;
pub mod tokens;
pub mod two_factor;
pub mod verification_codes;
mod writer_turn;

use std::{marker::PhantomData, sync::Arc, time::Duration};

use diesel::{
    connection::SimpleConnection,
    r2d2::{self, ManageConnection},
    Connection, PgConnection, QueryResult, RunQueryDsl, SqliteConnection,
};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub use self::error::{StorageError, WorkError};
pub use self::hot_reads::HotQuery;
use crate::config::DatabaseUrl;

const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");
const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");

/// Runs `$body` with `$c` bound to the backend's own connection behind
/// `$conn` (a [`DbConnection`]): for a query written once that the
/// multi-backend connection cannot run (an upsert, a batch insert, an UPDATE
/// returning rows) or that should run [`Cached`](cached::Cached).
#[macro_export]
macro_rules! per_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Postgres($c) => $body,
            $crate::db::DbConnection::Sqlite($c) => $body,
        }
    };
}

/// Values bound as one JSON text (SQLite's `json_each`): serialising strings
/// cannot fail; should it, the statement is not run.
pub(crate) fn json_error(error: serde_json::Error) -> diesel::result::Error {
    diesel::result::Error::SerializationError(Box::new(error))
}

/// A connection to either backend; queries are written once against it.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

impl DbConnection {
    /// Whether a transaction is open on the connection (a caller's, which
    /// commits or rolls back what runs inside it as a whole).
    pub fn in_transaction(&mut self) -> bool {
        use diesel::connection::TransactionManager;
        matches!(
            <Self as Connection>::TransactionManager::transaction_manager_status_mut(self)
                .transaction_depth(),
            Ok(Some(_))
        )
    }
}

/// Opens connections for the pool, applying SQLite's per-connection settings.
#[derive(Debug, Clone)]
pub struct ConnectionOpener {
    url: DatabaseUrl,
    /// `PRAGMA max_page_count` for SQLite connections: the file's size cap.
    sqlite_max_pages: Option<u64>,
    /// `PRAGMA cache_size` (in KiB) for SQLite connections; SQLite's default
    /// (2,000 KiB) when `None`.
    sqlite_cache_kib: Option<u32>,
}

/// The page cache of each SQLite connection of the shared pool. Every
/// connection keeps its own cache, and SQLite's default of 2,000 KiB made
/// the pool's eight up to 16 MiB once the file had grown (the benchmark's
/// server grew by 21 MiB during the send scenario). Those connections mostly
/// read single rows by key, whose pages a cache of this size keeps; a page
/// it lacks comes from the kernel's page cache. The writer keeps SQLite's
/// default: the sends' inserts walk the indexes of the big tables.
const SQLITE_POOL_CACHE_KIB: u32 = 512;

/// SQLite's page size for new databases (its default since 3.12).
const SQLITE_PAGE_SIZE: u64 = 4096;

impl ConnectionOpener {
    pub fn new(url: DatabaseUrl) -> Self {
        Self {
            url,
            sqlite_max_pages: None,
            sqlite_cache_kib: None,
        }
    }

    /// Gives each SQLite connection a page cache of `kib` KiB.
    fn sqlite_cache_kib(mut self, kib: u32) -> Self {
        self.sqlite_cache_kib = Some(kib);
        self
    }

    /// Caps the SQLite file at `mb` MiB: a write that needs more space fails
    /// as SQLITE_FULL would on a full disk. No effect on PostgreSQL.
    pub fn sqlite_max_size_mb(mut self, mb: Option<u64>) -> Self {
        self.sqlite_max_pages = mb.map(|mb| mb.saturating_mul(1024 * 1024) / SQLITE_PAGE_SIZE);
        self
    }

    pub fn open(&self) -> Result<DbConnection, diesel::ConnectionError> {
        match &self.url {
            DatabaseUrl::Postgres(url) => PgConnection::establish(url).map(DbConnection::Postgres),
            DatabaseUrl::Sqlite(path) => {
                let path = path.to_str().ok_or_else(|| {
                    diesel::ConnectionError::InvalidConnectionUrl("path is not UTF-8".into())
                })?;
                let mut conn = SqliteConnection::establish(path)?;
                // WAL lets readers run beside the writer; busy_timeout makes writers
                // queue instead of failing; foreign keys are off by default in SQLite.
                conn.batch_execute(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
                )
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                if let Some(pages) = self.sqlite_max_pages {
                    conn.batch_execute(&format!("PRAGMA max_page_count = {pages};"))
                        .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                }
                if let Some(kib) = self.sqlite_cache_kib {
                    conn.batch_execute(&format!("PRAGMA cache_size = -{kib};"))
                        .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                }
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

/// A pooled connection, and whether it was found dead (then the pool drops it
/// instead of handing it out again).
pub struct PooledDb {
    conn: DbConnection,
    broken: bool,
}

fn ping(conn: &mut DbConnection) -> QueryResult<()> {
    diesel::sql_query("SELECT 1").execute(conn).map(|_| ())
}

/// Whether diesel's transaction manager refuses to work on this connection
/// any more (after a failed rollback or commit).
fn transaction_manager_broken(conn: &mut DbConnection) -> bool {
    matches!(
        conn.transaction::<(), diesel::result::Error, _>(|_| Ok(())),
        Err(diesel::result::Error::BrokenTransactionManager)
    )
}

impl ManageConnection for ConnectionOpener {
    type Connection = PooledDb;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<PooledDb, r2d2::Error> {
        self.open()
            .map(|conn| PooledDb {
                conn,
                broken: false,
            })
            .map_err(r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, pooled: &mut PooledDb) -> Result<(), r2d2::Error> {
        ping(&mut pooled.conn).map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, pooled: &mut PooledDb) -> bool {
        pooled.broken
    }
}

/// Applies the migrations of the connection's backend that are not applied yet.
pub fn run_migrations(conn: &mut DbConnection) -> anyhow::Result<()> {
    let applied = match conn {
        DbConnection::Postgres(pg) => pg
            .run_pending_migrations(POSTGRES_MIGRATIONS)
            .map(|v| v.len()),
        DbConnection::Sqlite(sqlite) => sqlite
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map(|v| v.len()),
    }
    .map_err(|e| anyhow::anyhow!("migrations failed: {e}"))?;
    if applied > 0 {
        tracing::info!(applied, "database migrations applied");
    }
    Ok(())
}

/// A transaction that may write. On SQLite it starts with `BEGIN IMMEDIATE`,
/// taking the write lock up front: a deferred transaction that reads and then
/// writes fails with "database is locked" when another writer got in between,
/// where an immediate one simply waits its turn (busy_timeout).
pub fn write_transaction<T, E: WorkError>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E> {
    use diesel::connection::{AnsiTransactionManager, TransactionManager};

    let DbConnection::Sqlite(sqlite) = conn else {
        return conn.transaction(work);
    };
    AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?;
    match work(conn) {
        Ok(value) => {
            <DbConnection as TransactionManager<DbConnection>>::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => {
            if let Err(rollback_error) =
                <DbConnection as TransactionManager<DbConnection>>::rollback_transaction(conn)
            {
                // SQLite rolls a transaction back by itself on some errors
                // (SQLITE_FULL among them), leaving nothing to roll back: the
                // work's error is the one to report. Diesel's transaction manager
                // is left unusable, so `Db::run` drops the connection.
                tracing::warn!(error = %rollback_error, "rollback after a failed transaction failed");
            }
            Err(error)
        }
    }
}

/// Runs `work` on a pooled connection, and tells the pool to drop a
/// connection that storage trouble left unusable.
fn work_on<T, E: WorkError>(
    pooled: &mut PooledDb,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E> {
    let failure = match work(&mut pooled.conn) {
        Ok(value) => return Ok(value),
        // A refusal (not found, invalid…) says nothing about storage.
        Err(error) => error.into_failure()?,
    };
    // A query failed: if the connection is dead, storage went away under us.
    // Say so (503, retryable) and let the pool drop it; drop it too when its
    // transaction could not be rolled back (a full SQLite disk does this).
    let dead = ping(&mut pooled.conn).is_err();
    pooled.broken = dead || transaction_manager_broken(&mut pooled.conn);
    Err(if dead {
        failure.into_unavailable()
    } else {
        failure
    }
    .into())
}

/// The storage handle the services use: a pool, and a way to run blocking
/// diesel code off the async workers. `E` is the error type of the work it
/// runs, the services' own (see [`WorkError`]).
pub struct Db<E> {
    pool: r2d2::Pool<ConnectionOpener>,
    backend: &'static str,
    /// SQLite only: this process's writers take turns here, first come first
    /// served (the request path before the dispatcher), before `BEGIN
    /// IMMEDIATE` (see [`Db::transaction`]).
    writer_turn: Option<Arc<writer_turn::WriterTurn>>,
    /// SQLite only: the one connection this process's transactions write
    /// on, in their turns. A connection's page cache lasts while no other
    /// connection writes, so the writer's stays warm (with the pool's
    /// connections taking turns, each transaction began by reading back
    /// from the file the pages that the last writer had changed).
    writer: Option<r2d2::Pool<ConnectionOpener>>,
    /// PostgreSQL only: the async connections of [`Db::find`].
    pg_reads: Option<Arc<hot_reads::PgReadPools>>,
    work_error: PhantomData<fn() -> E>,
}

// Not derived: that would ask `E: Clone`, which the handle does not need.
impl<E> Clone for Db<E> {
    fn clone(&self) -> Self {
        Self {
            pool: self.pool.clone(),
            backend: self.backend,
            writer_turn: self.writer_turn.clone(),
            writer: self.writer.clone(),
            pg_reads: self.pg_reads.clone(),
            work_error: PhantomData,
        }
    }
}

impl<E> Db<E> {
    /// Connects (creating the SQLite file and its folder if needed) and migrates.
    pub fn connect(url: &DatabaseUrl, pool_size: u32) -> anyhow::Result<Self> {
        Self::connect_capped(url, pool_size, None)
    }

    /// Like [`Db::connect`], with the SQLite file capped at `sqlite_max_size_mb` MiB.
    pub fn connect_capped(
        url: &DatabaseUrl,
        pool_size: u32,
        sqlite_max_size_mb: Option<u64>,
    ) -> anyhow::Result<Self> {
        if let DatabaseUrl::Sqlite(path) = url {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(|e| {
                    anyhow::anyhow!(
                        "cannot create the database folder {}: {e}",
                        parent.display()
                    )
                })?;
            }
        }
        let opener = ConnectionOpener::new(url.clone()).sqlite_max_size_mb(sqlite_max_size_mb);
        // Migrate on one connection before the pool opens others: SQLite's switch
        // to WAL and the schema must be in place first.
        let mut first = opener
            .open()
            .map_err(|e| anyhow::anyhow!("cannot connect to {url:?}: {e}"))?;
        run_migrations(&mut first)?;
        drop(first);
        let pool_of = |size: u32, opener: ConnectionOpener| {
            r2d2::Pool::builder()
                .max_size(size)
                .min_idle(Some(1))
                .connection_timeout(Duration::from_secs(3))
                .test_on_check_out(false)
                .build(opener)
                .map_err(|e| anyhow::anyhow!("cannot open the connection pool for {url:?}: {e}"))
        };
        let pool = pool_of(
            pool_size,
            opener.clone().sqlite_cache_kib(SQLITE_POOL_CACHE_KIB),
        )?;
        let sqlite = matches!(url, DatabaseUrl::Sqlite(_));
        Ok(Self {
            pool,
            backend: url.backend(),
            writer_turn: sqlite.then(Default::default),
            writer: if sqlite {
                Some(pool_of(1, opener)?)
            } else {
                None
            },
            pg_reads: match url {
                DatabaseUrl::Postgres(url) => {
                    Some(Arc::new(hot_reads::PgReadPools::new(url, pool_size)))
                }
                DatabaseUrl::Sqlite(_) => None,
            },
            work_error: PhantomData,
        })
    }

    pub fn backend(&self) -> &'static str {
        self.backend
    }

    /// Connections open and idle in the pool now.
    pub fn pool_state(&self) -> r2d2::State {
        self.pool.state()
    }

    /// The most connections the pool opens.
    pub fn pool_max_size(&self) -> u32 {
        self.pool.max_size()
    }

    /// Runs `work` on this thread (for command-line tools, not request handlers).
    pub fn blocking_run<T>(
        &self,
        work: impl FnOnce(&mut DbConnection) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        let mut pooled = self.pool.get()?;
        work(&mut pooled.conn)
    }
}

impl<E: WorkError> Db<E> {
    /// Runs `work` with a pooled connection on a blocking thread.
    pub async fn run<T, F>(&self, work: F) -> Result<T, E>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    {
        self.run_as("storage query", work).await
    }

    /// The span of a storage call for OpenTelemetry, a child of the request's
    /// (disabled, and free, without `PORTCULLIS_OTLP_ENDPOINT`).
    fn span(&self, name: &'static str) -> tracing::Span {
        tracing::span!(
            target: crate::telemetry::TRACE_TARGET,
            tracing::Level::TRACE,
            "storage",
            otel.name = name,
            otel.kind = "client",
            db.system.name = if self.backend == "sqlite" { "sqlite" } else { "postgresql" },
        )
    }

    async fn run_as<T, F>(&self, name: &'static str, work: F) -> Result<T, E>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    {
        self.run_on(&self.pool, name, (), work).await
    }

    /// Runs `work` on a connection of `pool` on a blocking thread; `held` is
    /// dropped once the connection is back in the pool.
    async fn run_on<T, F>(
        &self,
        pool: &r2d2::Pool<ConnectionOpener>,
        name: &'static str,
        held: impl Send + 'static,
        work: F,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    {
        let pool = pool.clone();
        let span = self.span(name);
        tokio::task::spawn_blocking(move || {
            let _in_span = span.enter();
            let result = match pool.get() {
                Ok(mut pooled) => work_on(&mut pooled, work),
                Err(error) => Err(StorageError::from(error).into()),
            };
            drop(held);
            result
        })
        .await
        .map_err(|e| StorageError::internal(anyhow::anyhow!("storage task failed: {e}")))?
    }

    /// Runs a short read (a lookup by key) on the hot path. On SQLite it runs
    /// right here when a pooled connection is idle: such a read in WAL mode
    /// takes a few microseconds and never waits for writers, less than handing
    /// it to a blocking thread and back (which doubled the cost of an API
    /// read). Otherwise — PostgreSQL, a network round trip, or no idle
    /// connection — it runs as [`Db::run`] does. Never for writes or scans.
    /// A lookup written as one query is better off with [`Db::find`], which
    /// PostgreSQL runs on the async worker itself.
    pub async fn read<T, F>(&self, work: F) -> Result<T, E>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    {
        if self.backend == "sqlite" {
            if let Some(mut pooled) = self.pool.try_get() {
                let _in_span = self.span("storage read").entered();
                return work_on(&mut pooled, work);
            }
        }
        self.run(work).await
    }

    /// Runs `work` inside one transaction: all of it is stored, or none.
    ///
    /// On SQLite, one writer at a time holds the database, and a writer that
    /// finds it held is left to SQLite's busy handler, which sleeps in steps
    /// of up to 100 ms before it looks again: with many short writes (a CSV
    /// import's chunks beside sign-ins and sends) that sleeping, not the
    /// writes, made the slowest answers take hundreds of milliseconds. So
    /// this process's writers queue here instead, in arrival order, and each
    /// takes a pooled connection only when its turn has come (waiting writers
    /// hold none); the dispatcher's writes let them go first
    /// ([`Db::background_transaction`]). Other processes on the same file
    /// still meet the busy handler. PostgreSQL locks rows, not the database:
    /// no queue there.
    pub async fn transaction<T, F>(&self, work: F) -> Result<T, E>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    {
        let turn = match &self.writer_turn {
            Some(queue) => Some(queue.request().await),
            None => None,
        };
        self.transaction_in_turn(turn, work).await
    }

    /// [`Db::transaction`] for work off the request path (the dispatcher): on
    /// SQLite it lets request-path writes go first, waiting up to 50 ms for
    /// them (see [`writer_turn`]).
    pub async fn background_transaction<T, F>(&self, work: F) -> Result<T, E>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    {
        const PATIENCE: Duration = Duration::from_millis(50);
        let turn = match &self.writer_turn {
            Some(queue) => Some(queue.background(PATIENCE).await),
            None => None,
        };
        self.transaction_in_turn(turn, work).await
    }

    /// Marks a request-path write under way until the answer is dropped (a
    /// send waiting in a group: see [`group_commit`]), so that background
    /// writes let it go first. Nothing on PostgreSQL.
    pub fn request_write_pending(&self) -> Option<writer_turn::Demand> {
        self.writer_turn.as_ref().map(|turn| turn.demand())
    }

    async fn transaction_in_turn<T, F>(
        &self,
        turn: Option<writer_turn::Turn>,
        work: F,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    {
        // In its turn, a transaction has the writer's connection to itself.
        let pool = match (&turn, &self.writer) {
            (Some(_), Some(writer)) => writer,
            _ => &self.pool,
        };
        // The turn ends once the connection is back in its pool.
        self.run_on(pool, "storage transaction", turn, move |conn| {
            write_transaction(conn, work)
        })
        .await
    }

    /// Storage answers a trivial query.
    pub async fn ping(&self) -> Result<(), E> {
        self.run(|conn| Ok(ping(conn)?)).await
    }
}
