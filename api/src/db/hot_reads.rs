//! Lookups by key on the hot path, written once as a diesel query and loaded
//! by either backend without a hand-off to a blocking thread: on SQLite
//! inline ([`Db::read`]), on PostgreSQL with an async connection on the
//! worker thread itself.
//!
//! Why: on PostgreSQL every [`Db::read`] went to a blocking thread and back
//! (a wake-up of another thread each way, while the blocking thread waits for
//! the network round trip), which cost an authenticated API read three times
//! the server CPU it costs on SQLite. Here the worker sends the query and
//! serves other requests until the answer arrives; diesel-async keeps each
//! connection's statements prepared.
//!
//! Each worker thread has its own small pool: a connection's driver task runs
//! on the runtime that opened it, so a connection opened by another worker
//! would wake that worker twice per query, the hand-off this avoids.

use std::{
    any::TypeId,
    cell::RefCell,
    collections::HashMap,
    rc::Rc,
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use diesel::{
    pg::{Pg, PgQueryBuilder},
    query_builder::{AstPass, Query, QueryBuilder, QueryFragment, QueryId},
    query_dsl::LoadQuery,
    OptionalExtension, PgConnection, QueryResult, SqliteConnection,
};
use diesel_async::{
    pooled_connection::{
        bb8, AsyncDieselConnectionManager, ManagerConfig, PoolableConnection, RecyclingMethod,
    },
    AsyncPgConnection,
};
use tracing::Instrument;

use super::{Db, StorageError, WorkError};

/// A lookup on the hot path: a diesel query both connections can load, which
/// selects at most one row of interest (its first row is taken).
pub trait HotQuery<U>:
    LoadQuery<'static, SqliteConnection, U> + LoadQuery<'static, PgConnection, U> + Send + 'static
{
    /// The query as the async PostgreSQL connection runs it: its text built once.
    type OnAsyncPg: diesel_async::methods::LoadQuery<'static, AsyncPgConnection, U> + Send;

    fn on_async_pg(self) -> Self::OnAsyncPg;
}

impl<U, Q> HotQuery<U> for Q
where
    Q: LoadQuery<'static, SqliteConnection, U>
        + LoadQuery<'static, PgConnection, U>
        + Send
        + 'static,
    TextOnce<Q>: diesel_async::methods::LoadQuery<'static, AsyncPgConnection, U> + Send,
{
    type OnAsyncPg = TextOnce<Q>;

    fn on_async_pg(self) -> TextOnce<Q> {
        TextOnce(self)
    }
}

/// Connections a worker thread opens for hot reads, at most: a lookup holds
/// one for a single round trip, so a few keep a busy worker going.
const CONNECTIONS_PER_THREAD: u32 = 4;

/// PostgreSQL's async connections for hot reads: a pool per thread that reads
/// (see the module's comment), each opened on first use.
pub(super) struct PgReadPools {
    /// Tells these pools apart in [`HERE`].
    id: u64,
    url: String,
    per_thread: u32,
}

/// The ids of [`PgReadPools`].
static PG_READ_POOLS_IDS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// This thread's pool of each [`PgReadPools`] it read through: no lock per
    /// read (a map of the pools by thread behind a mutex was a cache line both
    /// cores wrote at every read). A pool, and its connections, last as long as
    /// its thread: a worker's, as long as its server.
    static HERE: RefCell<Vec<(u64, bb8::Pool<AsyncPgConnection>)>> = const { RefCell::new(Vec::new()) };
}

impl PgReadPools {
    /// Pools for `url`; each thread's opens at most `pool_size` connections
    /// (the blocking pool's size) and never more than [`CONNECTIONS_PER_THREAD`].
    pub(super) fn new(url: &str, pool_size: u32) -> Self {
        Self {
            id: PG_READ_POOLS_IDS.fetch_add(1, Ordering::Relaxed),
            url: url.to_owned(),
            per_thread: pool_size.clamp(1, CONNECTIONS_PER_THREAD),
        }
    }

    /// This thread's pool, made now if it has none.
    fn here(&self) -> bb8::Pool<AsyncPgConnection> {
        let known = HERE.with_borrow(|here| {
            here.iter()
                .find(|(id, _)| *id == self.id)
                .map(|(_, pool)| pool.clone())
        });
        if let Some(pool) = known {
            return pool;
        }
        let pool = self.new_pool();
        HERE.with_borrow_mut(|here| here.push((self.id, pool.clone())));
        pool
    }

    /// A pool for this thread.
    fn new_pool(&self) -> bb8::Pool<AsyncPgConnection> {
        let mut config = ManagerConfig::default();
        // Checked out only if it is still open (its driver has seen no
        // end of the socket), which costs no round trip: a ping per
        // lookup would double its cost. A failed lookup pings instead.
        config.recycling_method =
            RecyclingMethod::CustomFunction(Box::new(|conn: &mut AsyncPgConnection| {
                let broken = conn.is_broken();
                Box::pin(async move {
                    if broken {
                        Err(diesel::result::Error::BrokenTransactionManager)
                    } else {
                        Ok(())
                    }
                })
            }));
        let manager = AsyncDieselConnectionManager::new_with_config(self.url.clone(), config);
        bb8::Pool::builder()
            .max_size(self.per_thread)
            .min_idle(None)
            // As the blocking pool: storage that does not answer is a
            // prompt 503, not a hang.
            .connection_timeout(Duration::from_secs(3))
            .test_on_check_out(true)
            .build_unchecked(manager)
    }
}

impl From<bb8::RunError> for StorageError {
    /// No connection came free in time, or none could be opened.
    fn from(error: bb8::RunError) -> Self {
        Self::Unavailable(anyhow::anyhow!("{error}"))
    }
}

impl<E: WorkError> Db<E> {
    /// Loads the first row `query` selects, if any: a lookup by key on the hot
    /// path (never a write or a scan). SQLite runs it as [`Db::read`] does;
    /// PostgreSQL on this worker, with an async connection of its own.
    pub async fn find<U, Q>(&self, query: Q) -> Result<Option<U>, E>
    where
        U: Send + 'static,
        Q: HotQuery<U>,
    {
        let Some(pools) = &self.pg_reads else {
            // On the backend's own connection: the multi-backend layer would
            // build the statement's text twice per run (4% of the server's
            // CPU on an authenticated read, measured on SQLite).
            return self
                .read(move |conn| {
                    Ok(crate::per_backend!(conn, |c| query
                        .get_result(c)
                        .optional())?)
                })
                .await;
        };
        let pool = pools.here();
        async move {
            let mut conn = pool.get().await.map_err(StorageError::from)?;
            let result = diesel_async::RunQueryDsl::get_result(query.on_async_pg(), &mut *conn)
                .await
                .optional();
            match result {
                Ok(found) => Ok(found),
                Err(error) => Err(failed_on(&mut conn, error).await.into()),
            }
        }
        .instrument(self.span("storage read"))
        .await
    }
}

/// The failure of a lookup on `conn`, told as storage going away when the
/// connection is found dead. The pool drops a dead connection by itself (its
/// driver has stopped), so nothing else needs doing.
async fn failed_on(conn: &mut AsyncPgConnection, error: diesel::result::Error) -> StorageError {
    let failure = StorageError::from(error);
    let alive = !conn.is_broken() && conn.ping(&RecyclingMethod::Verified).await.is_ok();
    if alive {
        failure
    } else {
        failure.into_unavailable()
    }
}

thread_local! {
    /// The SQL text of each query type [`TextOnce`] has built on this thread.
    static SQL_TEXTS: RefCell<HashMap<TypeId, Rc<str>>> = RefCell::new(HashMap::new());
}

/// A query whose SQL text is built once per thread, not at every run.
///
/// diesel-async builds a query's text (every table and column name quoted,
/// one allocation each) at every run, before it looks the prepared statement
/// up by the query's type: 6% of the server's CPU on `GET /api/v1/sms/{id}`
/// on PostgreSQL. A query whose type alone identifies its statement (a static
/// [`QueryId`], safe to keep prepared) has one text per type, the statement
/// diesel-async keeps for that type; so its text is kept too. Any other query
/// is built as before. Its binds are collected at every run, as before.
pub struct TextOnce<Q>(Q);

impl<Q: QueryId> QueryId for TextOnce<Q> {
    type QueryId = Q::QueryId;
    const HAS_STATIC_QUERY_ID: bool = Q::HAS_STATIC_QUERY_ID;
}

impl<Q: Query> Query for TextOnce<Q> {
    type SqlType = Q::SqlType;
}

impl<Q: QueryFragment<Pg> + QueryId + 'static> QueryFragment<Pg> for TextOnce<Q> {
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.0.walk_ast(pass)
    }

    fn to_sql(&self, out: &mut PgQueryBuilder, backend: &Pg) -> QueryResult<()> {
        let Some(id) =
            Q::query_id().filter(|_| matches!(self.0.is_safe_to_cache_prepared(backend), Ok(true)))
        else {
            return self.0.to_sql(out, backend);
        };
        let kept = SQL_TEXTS.with_borrow(|texts| texts.get(&id).cloned());
        let text = match kept {
            Some(text) => text,
            None => {
                let mut built = PgQueryBuilder::default();
                self.0.to_sql(&mut built, backend)?;
                let text: Rc<str> = built.finish().into();
                SQL_TEXTS.with_borrow_mut(|texts| texts.insert(id, text.clone()));
                text
            }
        };
        out.push_sql(&text);
        Ok(())
    }
}
