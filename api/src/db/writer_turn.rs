//! SQLite's one writer, taken in turns by this process's transactions, with
//! the request path first.
//!
//! Requests take their turn in arrival order. Background writers (the
//! dispatcher's claims and hand-overs) wait while any request-path write is
//! waiting or running, but never longer than their patience: behind a bulk
//! backlog, a dispatcher taking every other turn halved the sends and batches
//! stored meanwhile, and one that can be held back for ever would never
//! deliver under steady load.

use std::{
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::Duration,
};

use tokio::sync::{Mutex, Notify, OwnedMutexGuard};

/// The turn at the writer, held until the transaction has ended.
pub type Turn = (OwnedMutexGuard<()>, Option<Demand>);

#[derive(Default)]
pub struct WriterTurn {
    lock: Arc<Mutex<()>>,
    /// Request-path writes waiting for or holding the writer (or, for a
    /// group of sends, waiting to be stored).
    demand: AtomicUsize,
    /// Told when `demand` falls to zero.
    quiet: Notify,
}

/// A request-path write under way; background writers wait while one is.
pub struct Demand(Arc<WriterTurn>);

impl Drop for Demand {
    fn drop(&mut self) {
        if self.0.demand.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.0.quiet.notify_waiters();
        }
    }
}

impl WriterTurn {
    /// Marks a request-path write under way until the answer is dropped.
    pub fn demand(self: &Arc<Self>) -> Demand {
        self.demand.fetch_add(1, Ordering::AcqRel);
        Demand(self.clone())
    }

    /// A request-path write's turn, in arrival order.
    pub async fn request(self: &Arc<Self>) -> Turn {
        let demand = self.demand();
        (self.lock.clone().lock_owned().await, Some(demand))
    }

    /// A background write's turn: once no request-path write is under way,
    /// or after `patience` at the latest.
    pub async fn background(self: &Arc<Self>, patience: Duration) -> Turn {
        let deadline = tokio::time::Instant::now() + patience;
        loop {
            let quiet = self.quiet.notified();
            tokio::pin!(quiet);
            // Registered before the check, so a fall to zero in between is not missed.
            quiet.as_mut().enable();
            if self.demand.load(Ordering::Acquire) == 0 {
                break;
            }
            if tokio::time::timeout_at(deadline, quiet).await.is_err() {
                break;
            }
        }
        (self.lock.clone().lock_owned().await, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_background_write_waits_for_request_writes_but_not_for_ever() {
        let turn = Arc::new(WriterTurn::default());
        let start = tokio::time::Instant::now();
        // Nothing under way: at once.
        drop(turn.background(Duration::from_secs(5)).await);
        assert!(start.elapsed() < Duration::from_secs(1));

        // A request-path write under way for 100 ms: the background one waits for it.
        let demand = turn.demand();
        let ends = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            drop(demand);
        });
        let start = tokio::time::Instant::now();
        drop(turn.background(Duration::from_secs(5)).await);
        let waited = start.elapsed();
        assert!(
            waited >= Duration::from_millis(90) && waited < Duration::from_secs(4),
            "{waited:?}"
        );
        ends.await.unwrap();

        // Steady request-path demand: the background write goes after its patience.
        let _steady = turn.demand();
        let start = tokio::time::Instant::now();
        drop(turn.background(Duration::from_millis(50)).await);
        let waited = start.elapsed();
        assert!(
            waited >= Duration::from_millis(45) && waited < Duration::from_secs(4),
            "{waited:?}"
        );
        // A request-path write still gets its turn meanwhile.
        drop(turn.request().await);
    }
}
