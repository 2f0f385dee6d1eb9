//! CPU-heavy work of a request, off the async workers and below them in
//! scheduling priority.
//!
//! actix-web keeps each connection on one worker thread (one per core), so
//! work that holds a worker for long — parsing a 10,000-row CSV import takes
//! about half a second — stalls every other request on that worker's
//! connections. Such work runs here instead, on a thread of its own at the
//! lowest priority (nice 19), below the password hashing threads (nice 5):
//! requests get the CPU the moment they need it, sign-ins next, and bulk
//! work uses what is left. (Its writes still go through the storage queue
//! at normal priority: a low-priority thread must never hold the database.)

use tokio::sync::{oneshot, Semaphore};

use crate::error::{ApiError, ApiResult};

/// Scheduling priorities (0 is normal, 19 the lowest): password hashing, a
/// person waiting on it, above bulk work such as reading an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Niceness {
    Hashing = 5,
    Bulk = 19,
}

/// At most this many heavy jobs at once in a process; others wait their turn
/// (so many uploads at once cannot start a thread each).
const CONCURRENT_JOBS: usize = 2;
static JOBS: Semaphore = Semaphore::const_new(CONCURRENT_JOBS);

/// Lowers the calling thread's scheduling priority (Linux: niceness is per
/// thread). It cannot be raised again without privileges, so only for
/// threads made for such work.
pub fn lower_priority(niceness: Niceness) {
    #[cfg(target_os = "linux")]
    // SAFETY: plain system calls on the calling thread's own id.
    unsafe {
        let tid = libc::gettid();
        libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, niceness as i32);
    }
}

/// Runs bulk `work` on a new thread at [`Niceness::Bulk`] and waits for its answer.
pub async fn run<T: Send + 'static>(
    name: &str,
    work: impl FnOnce() -> T + Send + 'static,
) -> ApiResult<T> {
    let failed = |what: &str| ApiError::internal(anyhow::anyhow!("background work {what}"));
    let _turn = JOBS.acquire().await.map_err(|_| failed("queue closed"))?;
    let (answer, answered) = oneshot::channel();
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            lower_priority(Niceness::Bulk);
            let _ = answer.send(work());
        })
        .map_err(|e| ApiError::internal(anyhow::anyhow!("cannot start a thread: {e}")))?;
    answered.await.map_err(|_| failed("failed"))
}
