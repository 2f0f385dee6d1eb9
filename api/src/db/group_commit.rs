//! Group commit: many small writes of one kind, waiting at the same time,
//! stored in one transaction instead of one each.
//!
//! On SQLite a transaction's fixed costs — taking the one write lock, the
//! WAL frames of every page it touched, its commit — dominate a write as
//! small as a single send, and writers run one at a time anyway. A
//! [`GroupWriter`] has one task that takes everything waiting (up to a
//! limit) and runs it in one transaction, each job in its own savepoint: a
//! job refused (its error is not a storage failure) is rolled back alone
//! and the others are stored. Every caller gets its own job's result, and
//! only once the transaction has committed: a process that dies mid-group
//! has acknowledged nothing of it.
//!
//! On PostgreSQL the savepoint is two more round trips per job, so a job
//! that cannot write before it is refused (its writer says so) runs without
//! one. Grouping pays there when a job is few round trips: jobs that all
//! change one row (an account's balance) otherwise wait for each other's
//! whole transactions in turn, commits included. A writer may also store a
//! group in fewer statements than one per job (see [`GroupWork::together`]):
//! on PostgreSQL every statement is a round trip to another process, and the
//! one writer task waits for each in turn.
//!
//! When a job fails in storage (a uniqueness race with another process, a
//! deadlock, a full disk), or the writer finds that the group cannot be
//! stored together, the group is rolled back and every job runs again alone,
//! in its own transaction, as it would have without grouping.

use std::sync::{
    atomic::{AtomicBool, Ordering},
    Arc,
};

use diesel::Connection;
use tokio::sync::{mpsc, oneshot};

use super::{Db, DbConnection, StorageError, WorkError};

/// What a job does inside the group's transaction.
pub type Work<J, T, E> = fn(&mut DbConnection, &J) -> Result<T, E>;

struct Waiting<J, T, E> {
    job: Arc<J>,
    reply: oneshot::Sender<Result<T, E>>,
}

/// Hands jobs to a writer task that stores them in groups (see the module).
pub struct GroupWriter<J, T, E> {
    queue: mpsc::UnboundedSender<Waiting<J, T, E>>,
    db: Db<E>,
}

/// What a group's jobs came to, stored together: each job's own result, in
/// the jobs' order, or `None` when they cannot be stored together.
pub type Together<T, E> = Option<Vec<Result<T, E>>>;

/// Stores a group's jobs together (see [`GroupWork::together`]).
pub type WorkTogether<J, T, E> = fn(&mut DbConnection, &[Arc<J>]) -> Result<Together<T, E>, E>;

/// How a [`GroupWriter`] stores its jobs.
pub struct GroupWork<J, T, E> {
    /// Groups hold at most this many jobs.
    pub max_group: usize,
    /// Groups run in this key's order (so that two processes' groups take
    /// rows of PostgreSQL in the same order), arrival order among equal keys.
    pub lock_key: fn(&J) -> &str,
    /// Stores a group's jobs (in `lock_key` order) in the group's
    /// transaction. A job's refusal is its result and must leave nothing of
    /// that job behind (see [`job_outcome`]); an error is a failure of the
    /// whole group. `None` rolls the group back and stores each job `alone`.
    pub together: WorkTogether<J, T, E>,
    /// Stores one job in a transaction of its own.
    pub alone: Work<J, T, E>,
}

/// One job's part of a group: `work` in a savepoint of its own when the job
/// may write and then be refused (so that the refusal is rolled back alone),
/// else as it is. `Ok` holds the job's own result, a refusal included; `Err`
/// is a failure in storage, which fails the group.
pub fn job_outcome<T, E: WorkError>(
    conn: &mut DbConnection,
    writes_before_refusal: bool,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<Result<T, E>, E> {
    let done = if writes_before_refusal {
        // Nested: a savepoint, rolled back alone when the job is refused.
        conn.transaction(work)
    } else {
        work(conn)
    };
    match done {
        Ok(value) => Ok(Ok(value)),
        Err(error) => match error.into_failure() {
            Err(refusal) => Ok(Err(refusal)),
            Ok(failure) => Err(failure.into()),
        },
    }
}

impl<J, T, E> Clone for GroupWork<J, T, E> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<J, T, E> Copy for GroupWork<J, T, E> {}

impl<J, T, E> Clone for GroupWriter<J, T, E> {
    fn clone(&self) -> Self {
        Self {
            queue: self.queue.clone(),
            db: self.db.clone(),
        }
    }
}

impl<J, T, E> GroupWriter<J, T, E>
where
    J: Send + Sync + 'static,
    T: Send + 'static,
    E: WorkError + std::fmt::Display,
{
    /// Starts the writer task, which runs until every handle is dropped.
    pub fn start(db: Db<E>, how: GroupWork<J, T, E>) -> (Self, tokio::task::JoinHandle<()>) {
        let (queue, mut waiting) = mpsc::unbounded_channel::<Waiting<J, T, E>>();
        let group_db = db.clone();
        let writer = tokio::spawn(async move {
            let db = group_db;
            while let Some(first) = waiting.recv().await {
                let mut group = vec![first];
                while group.len() < how.max_group {
                    match waiting.try_recv() {
                        Ok(next) => group.push(next),
                        Err(_) => break,
                    }
                }
                group.sort_by(|a, b| (how.lock_key)(&a.job).cmp((how.lock_key)(&b.job)));
                store_group(&db, group, how).await;
            }
        });
        (Self { queue, db }, writer)
    }

    /// Stores `job` with whatever else is waiting; its own result, once committed.
    pub async fn submit(&self, job: J) -> Result<T, E> {
        // Waiting in the queue counts as a request-path write under way:
        // background writers let the group go first.
        let _pending = self.db.request_write_pending();
        let (reply, answer) = oneshot::channel();
        let gone = || StorageError::Unavailable(anyhow::anyhow!("the group writer has stopped"));
        self.queue
            .send(Waiting {
                job: Arc::new(job),
                reply,
            })
            .map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?
    }
}

/// Runs `group` in one transaction and answers each job; see the module.
async fn store_group<J, T, E>(db: &Db<E>, group: Vec<Waiting<J, T, E>>, how: GroupWork<J, T, E>)
where
    J: Send + Sync + 'static,
    T: Send + 'static,
    E: WorkError + std::fmt::Display,
{
    let jobs: Vec<Arc<J>> = group.iter().map(|w| w.job.clone()).collect();
    let worked = Arc::new(AtomicBool::new(false));
    let work_done = worked.clone();
    let apart = Arc::new(AtomicBool::new(false));
    let set_apart = apart.clone();
    let stored = db
        .transaction(move |conn| match (how.together)(conn, &jobs)? {
            Some(outcomes) => {
                debug_assert_eq!(outcomes.len(), jobs.len());
                work_done.store(true, Ordering::Release);
                Ok(outcomes)
            }
            // Rolled back like a failure, and then stored job by job below.
            None => {
                set_apart.store(true, Ordering::Release);
                Err(
                    StorageError::Conflict(anyhow::anyhow!("the group is stored job by job"))
                        .into(),
                )
            }
        })
        .await;
    match stored {
        Ok(outcomes) => {
            for (waiting, outcome) in group.into_iter().zip(outcomes) {
                // A caller that went away no longer wants its answer.
                let _ = waiting.reply.send(outcome);
            }
        }
        // Every job ran but the commit failed: whether it took effect is not
        // known (a connection lost during COMMIT), so none is run again or
        // acknowledged; each caller is told to retry (with its idempotency key).
        Err(error) if worked.load(Ordering::Acquire) => {
            tracing::warn!(%error, jobs = group.len(), "committing a group of writes failed");
            let message = error.to_string();
            for waiting in group {
                let failure = StorageError::Unavailable(anyhow::anyhow!(
                    "committing a group of writes failed: {message}"
                ));
                let _ = waiting.reply.send(Err(failure.into()));
            }
        }
        // Rolled back, or never begun: nothing of it is stored.
        Err(error) => {
            if !apart.load(Ordering::Acquire) {
                tracing::debug!(%error, jobs = group.len(), "a group of writes failed; each runs alone");
            }
            for waiting in group {
                let db = db.clone();
                tokio::spawn(async move {
                    let job = waiting.job;
                    let alone = db.transaction(move |conn| (how.alone)(conn, &job)).await;
                    let _ = waiting.reply.send(alone);
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use diesel::{sql_types::BigInt, RunQueryDsl};

    use super::*;
    use crate::config::DatabaseUrl;

    /// A job's own refusal (rolled back alone), or storage's failure.
    #[derive(Debug, thiserror::Error)]
    enum Outcome {
        #[error("refused")]
        Refused,
        #[error(transparent)]
        Storage(#[from] StorageError),
    }

    impl From<diesel::result::Error> for Outcome {
        fn from(error: diesel::result::Error) -> Self {
            Self::Storage(error.into())
        }
    }

    impl WorkError for Outcome {
        fn into_failure(self) -> Result<StorageError, Self> {
            match self {
                Self::Storage(failure) => Ok(failure),
                refusal => Err(refusal),
            }
        }
    }

    /// [`GroupWork::together`] as each job's `work` in turn, in a savepoint
    /// when `writes_before_refusal` says the job needs one.
    fn one_by_one<J, T, E: WorkError>(
        conn: &mut DbConnection,
        jobs: &[Arc<J>],
        work: Work<J, T, E>,
        writes_before_refusal: fn(&J) -> bool,
    ) -> Result<Vec<Result<T, E>>, E> {
        jobs.iter()
            .map(|job| job_outcome(conn, writes_before_refusal(job), |conn| work(conn, job)))
            .collect()
    }

    /// Stores `n`; refuses (after writing, so only its savepoint's rollback
    /// undoes it) every multiple of 3.
    fn store(conn: &mut DbConnection, n: &i64) -> Result<i64, Outcome> {
        diesel::sql_query("INSERT INTO numbers (n) VALUES (?)")
            .bind::<BigInt, _>(*n)
            .execute(conn)?;
        if n % 3 == 0 {
            return Err(Outcome::Refused);
        }
        Ok(*n)
    }

    fn stored(db: &Db<Outcome>) -> Vec<i64> {
        #[derive(diesel::QueryableByName)]
        struct Row {
            #[diesel(sql_type = BigInt)]
            n: i64,
        }
        db.blocking_run(|conn| {
            Ok(diesel::sql_query("SELECT n FROM numbers ORDER BY n")
                .load::<Row>(conn)?
                .into_iter()
                .map(|row| row.n)
                .collect())
        })
        .unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn each_job_gets_its_own_result_and_a_refusal_undoes_only_its_own_writes() {
        let dir = tempfile::tempdir().unwrap();
        let url = DatabaseUrl::Sqlite(dir.path().join("group.db"));
        let db: Db<Outcome> = Db::connect(&url, 4).unwrap();
        db.blocking_run(|conn| {
            diesel::sql_query("CREATE TABLE numbers (n BIGINT PRIMARY KEY)").execute(conn)?;
            Ok(())
        })
        .unwrap();
        // Only the multiples of 3, which write and then refuse, get a savepoint.
        let how = GroupWork {
            max_group: 8,
            lock_key: |_| "",
            together: |conn, jobs| one_by_one(conn, jobs, store, |n| n % 3 == 0).map(Some),
            alone: store,
        };
        let (writer, task) = GroupWriter::start(db.clone(), how);
        // 1..=30 at once, and 5 again: its second store fails in storage (a
        // duplicate key), so its group is rolled back and every job of it
        // runs alone.
        let jobs = (1..=30).chain([5]).map(|n| {
            let writer = writer.clone();
            async move { (n, writer.submit(n).await) }
        });
        let results = futures_util::future::join_all(jobs).await;
        let mut duplicates_refused = 0;
        for (i, (n, result)) in results.into_iter().enumerate() {
            match result {
                Ok(value) => assert_eq!((value, n % 3 == 0), (n, false)),
                Err(Outcome::Refused) => assert_eq!(n % 3, 0, "{n}"),
                Err(Outcome::Storage(_)) => {
                    assert_eq!(n, 5);
                    // Only one of the two stores of 5 failed.
                    assert!(i == 4 || i == 30);
                    duplicates_refused += 1;
                }
            }
        }
        assert_eq!(duplicates_refused, 1);
        let expected: Vec<i64> = (1..=30).filter(|n| n % 3 != 0).collect();
        assert_eq!(stored(&db), expected);
        task.abort();
    }
}
