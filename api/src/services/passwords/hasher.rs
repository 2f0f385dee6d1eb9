//! Argon2id password hashing on a bounded set of dedicated, low-priority threads.
//!
//! Each hash needs 19 MiB of working memory. Allocating it per hash lets
//! glibc's allocator keep freed blocks in its arenas (its dynamic mmap
//! threshold rises to their size), so a login storm measured over 2 GiB of
//! resident memory. Instead, each of the `concurrency` hashing threads keeps one
//! buffer (allocated on its first hash) and reuses it: memory stays at
//! `concurrency × 19 MiB` during sign-ins, and a thread with nothing to hash
//! for [`RELEASE_BUFFER_AFTER`] gives its buffer back.
//!
//! The threads run at a lower scheduling priority (nice 5) than the request
//! workers: a login storm then uses every idle cycle, while other requests
//! still get the CPU the moment they need it (their p99 stays in
//! milliseconds instead of queueing behind 30 ms hashes). Not lower: at nice
//! 10, a CSV import's storage work beside it (at normal priority) made
//! single sign-ins take 120–150 ms at p99 instead of 83 ms (benchmark (g)).

use std::{
    collections::VecDeque,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use argon2::{
    password_hash::{Output, ParamsString, PasswordHash, SaltString},
    Algorithm, Argon2, Block, Params, Version,
};
use tokio::sync::{oneshot, Semaphore};

use crate::{domain::Password, error::ApiError};

/// OWASP's minimum for Argon2id: 19 MiB of memory, 2 passes, 1 lane.
const MEMORY_KIB: u32 = 19 * 1024;
const ITERATIONS: u32 = 2;
const LANES: u32 = 1;

fn params() -> Params {
    Params::new(MEMORY_KIB, ITERATIONS, LANES, None).expect("constant Argon2 parameters are valid")
}

/// Working memory for one hash at a time, reused across hashes.
type Buffer = Vec<Block>;

/// How long a hashing thread keeps its buffer with nothing to hash. Under a
/// login storm the buffers stay in use; after it, each thread's 19 MiB go
/// back within a second (with 5 s, the benchmark's server still held both
/// buffers well into the next scenario, its peak memory: 38 MiB on top of
/// the sends' own). A sign-in after a quiet second maps its buffer afresh:
/// a few 2 MiB pages zeroed by the kernel (~2 ms) on a hash of ~15 ms.
const RELEASE_BUFFER_AFTER: Duration = Duration::from_secs(1);

/// One hash or verification, run on a hashing thread with its buffer; what
/// it returns hands the result to its caller, once the thread is back
/// among the idle ones (see [`run_jobs`]).
type Job = Box<dyn FnOnce(&mut Buffer) -> Answer + Send>;

/// Hands a job's result to its caller.
type Answer = Box<dyn FnOnce() + Send>;

/// The jobs waiting for a hashing thread, and the threads waiting for a job.
///
/// A new job goes to the thread that became idle last: under a light load
/// (sign-ins one at a time) one thread does them all, with its buffer and
/// caches warm, and the others give their buffers back after
/// [`RELEASE_BUFFER_AFTER`]. (A shared channel handed jobs to the threads in
/// turn, so every thread kept 19 MiB for an occasional sign-in.)
#[derive(Default)]
struct JobQueue {
    state: Mutex<JobQueueState>,
}

#[derive(Default)]
struct JobQueueState {
    /// Jobs that came while every thread was busy: the first thread free takes the first.
    jobs: VecDeque<Job>,
    /// Jobs handed to the waiting thread that was woken for each: only that
    /// thread takes it (another, waking at that moment from its own wait,
    /// would otherwise take it first, cold).
    handed: Vec<(std::thread::ThreadId, Job)>,
    /// Threads waiting for a job, the one that became idle last at the end.
    idle: Vec<std::thread::Thread>,
    /// The hasher was dropped: the threads end.
    closed: bool,
}

/// What a hashing thread does next.
enum Next {
    Job(Job),
    /// Nothing came for [`RELEASE_BUFFER_AFTER`].
    Idle,
    Closed,
}

impl JobQueue {
    fn lock(&self) -> std::sync::MutexGuard<'_, JobQueueState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn push(&self, job: Job) {
        let mut state = self.lock();
        match state.idle.pop() {
            Some(thread) => {
                state.handed.push((thread.id(), job));
                thread.unpark();
            }
            None => state.jobs.push_back(job),
        }
    }

    /// The calling thread, done with a job, waits for the next one: on top,
    /// or under every other if it is `cold` (as in [`Self::next`]; a job it
    /// skipped left it without a buffer). Not when jobs are queued: it takes
    /// the first at once in [`Self::next`].
    fn ready(&self, cold: bool) {
        let me = std::thread::current();
        let mut state = self.lock();
        if state.jobs.is_empty() && !state.idle.iter().any(|thread| thread.id() == me.id()) {
            if cold {
                state.idle.insert(0, me);
            } else {
                state.idle.push(me);
            }
        }
    }

    fn close(&self) {
        let mut state = self.lock();
        state.closed = true;
        for thread in state.idle.drain(..) {
            thread.unpark();
        }
    }

    /// The calling thread's next job, waiting for one at most `patience`. A
    /// `cold` thread (no buffer: it has not hashed yet, or rested and gave
    /// its buffer back) waits under every other: it is woken only when all
    /// the threads with a buffer are busy. (It used to wait on top again after
    /// each rest, so sign-ins one at a time came to it every 5 s and both
    /// threads kept 19 MiB.)
    fn next(&self, patience: Duration, cold: bool) -> Next {
        let me = std::thread::current();
        let deadline = Instant::now() + patience;
        loop {
            {
                let mut state = self.lock();
                let waited_out = Instant::now() >= deadline;
                let handed = state.handed.iter().position(|(id, _)| *id == me.id());
                let job = match handed {
                    Some(at) => Some(state.handed.swap_remove(at).1),
                    None => state.jobs.pop_front(),
                };
                let next = match job {
                    Some(job) => Some(Next::Job(job)),
                    None if state.closed => Some(Next::Closed),
                    None if waited_out => Some(Next::Idle),
                    None => None,
                };
                if let Some(next) = next {
                    state.idle.retain(|thread| thread.id() != me.id());
                    return next;
                }
                if !state.idle.iter().any(|thread| thread.id() == me.id()) {
                    if cold {
                        state.idle.insert(0, me.clone());
                    } else {
                        state.idle.push(me.clone());
                    }
                }
            }
            // Woken by `push` or `close`, or (rarely) for no reason: look again.
            std::thread::park_timeout(deadline.saturating_duration_since(Instant::now()));
        }
    }
}

/// A hashing thread's life: runs the jobs `queue` gives it with its buffer
/// until the queue closes, giving the buffer back after `patience` without one.
fn run_jobs(queue: &JobQueue, patience: Duration) {
    let mut buffer = Buffer::new();
    loop {
        match queue.next(patience, buffer.is_empty()) {
            Next::Job(job) => {
                let answer = job(&mut buffer);
                // Idle again before the caller hears: its client's next
                // sign-in, sent the moment the answer arrives, then comes
                // to this thread and its buffer, not to a cold thread that
                // would map 19 MiB more for sign-ins that never overlap.
                queue.ready(buffer.is_empty());
                answer();
            }
            // No sign-in for a while: the 19 MiB go back to the system (the
            // allocation is a mapping of its own, see `tune_allocator` in
            // main.rs), and come back with the next hash.
            Next::Idle => buffer = Buffer::new(),
            Next::Closed => return,
        }
    }
}

/// Closes the queue once the last clone of the hasher is dropped.
struct CloseOnDrop(Arc<JobQueue>);

impl Drop for CloseOnDrop {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// Hashes and verifies passwords. At most `concurrency` hashes run at once, so a
/// login storm queues instead of exhausting memory or starving other requests.
#[derive(Clone)]
pub struct PasswordHasher {
    /// Two per hashing thread: a job is handed over only with a permit, so
    /// at most one job per thread waits in the queue. That one is the
    /// thread's next, ready the moment it finishes a hash: with exactly one
    /// permit per thread, a finished thread slept until its caller's task
    /// ran, dropped the permit, and the next caller's task ran and sent its
    /// job. A caller that gives up (its client went away) while its job
    /// waits costs no hash: the thread skips a job nobody awaits.
    permits: Arc<Semaphore>,
    jobs: Arc<CloseOnDrop>,
    /// Verified against when the account does not exist, so an unknown e-mail
    /// costs the same time as a wrong password.
    dummy_hash: Arc<str>,
}

impl PasswordHasher {
    pub fn new(concurrency: usize) -> anyhow::Result<Self> {
        let concurrency = concurrency.max(1);
        let dummy_hash = hash_with(
            &mut Vec::new(),
            &Password::new(uuid::Uuid::now_v7().to_string()),
        )?;
        let queue = Arc::new(JobQueue::default());
        for i in 0..concurrency {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || {
                    crate::services::low_priority::lower_priority(
                        crate::services::low_priority::Niceness::Hashing,
                    );
                    run_jobs(&queue, RELEASE_BUFFER_AFTER);
                })?;
        }
        Ok(Self {
            permits: Arc::new(Semaphore::new(2 * concurrency)),
            jobs: Arc::new(CloseOnDrop(queue)),
            dummy_hash: dummy_hash.into(),
        })
    }

    pub async fn hash(&self, password: Password) -> Result<String, ApiError> {
        self.run(move |buffer| hash_with(buffer, &password).map_err(ApiError::Internal))
            .await
    }

    /// True when `password` matches `stored`. With no stored hash it does the
    /// same work against a dummy hash and answers false.
    pub async fn verify(
        &self,
        password: Password,
        stored: Option<String>,
    ) -> Result<bool, ApiError> {
        let exists = stored.is_some();
        let hash = stored.unwrap_or_else(|| self.dummy_hash.to_string());
        let matches = self
            .run(move |buffer| verify_with(buffer, &password, &hash))
            .await?;
        Ok(exists && matches)
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Buffer) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let failed = |what: &str| ApiError::internal(anyhow::anyhow!("hashing {what}"));
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| failed("pool closed"))?;
        let (answer, answered) = oneshot::channel();
        self.jobs.0.push(Box::new(move |buffer: &mut Buffer| {
            let result = (!answer.is_closed()).then(|| work(buffer));
            Box::new(move || {
                if let Some(result) = result {
                    let _ = answer.send(result);
                }
            })
        }));
        answered.await.map_err(|_| failed("thread failed"))?
    }
}

/// How many Argon2id hashes per second this machine computes with the
/// server's parameters on `threads` threads, measured for about `duration`
/// (the ceiling the login rate is compared with).
pub fn raw_hash_rate(threads: usize, duration: Duration) -> f64 {
    let started = Instant::now();
    let counts: Vec<usize> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.max(1))
            .map(|_| {
                scope.spawn(|| {
                    let (mut buffer, mut count) = (Buffer::new(), 0usize);
                    let password = Password::new("Violet-Kettle-42".into());
                    while started.elapsed() < duration {
                        hash_with(&mut buffer, &password).expect("hashing works");
                        count += 1;
                    }
                    count
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("hash thread"))
            .collect()
    });
    counts.iter().sum::<usize>() as f64 / started.elapsed().as_secs_f64()
}

/// Argon2id hashing with the server's parameters on the calling thread,
/// reusing one buffer (for micro-benchmarks).
#[derive(Default)]
pub struct HashBuffer(Buffer);

impl HashBuffer {
    pub fn hash(&mut self, password: &str) -> String {
        hash_with(&mut self.0, &Password::new(password.to_owned())).expect("hashing works")
    }
}

/// Runs Argon2 into `out`, growing `buffer` only if `params` need more blocks.
fn argon2_into(
    buffer: &mut Buffer,
    argon2: &Argon2<'_>,
    params: &Params,
    password: &Password,
    salt: &[u8],
    out: &mut [u8],
) -> argon2::Result<()> {
    if buffer.len() < params.block_count() {
        *buffer = huge_page_buffer(params.block_count());
    }
    argon2.hash_password_into_with_memory(
        password.expose().as_bytes(),
        salt,
        out,
        &mut buffer[..params.block_count()],
    )
}

/// A zeroed buffer of `blocks`, backed by transparent huge pages where the
/// kernel offers them (`madvise` mode, Debian's default). Argon2 reads one
/// block at a random place in the 19 MiB per block it writes: with 4 KiB
/// pages nearly each of those reads misses the TLB, and every switch to
/// another process (PostgreSQL, the request workers) empties it again.
/// With 2 MiB pages the whole buffer fits in a few TLB entries: raw hashing
/// measured 6% faster (146 -> 155 hashes/s on this 2-core machine).
///
/// The advice is given before the first write, so the pages are huge from the
/// first fault instead of waiting for `khugepaged` to merge them.
fn huge_page_buffer(blocks: usize) -> Buffer {
    let mut buffer: Buffer = Vec::with_capacity(blocks);
    #[cfg(target_os = "linux")]
    {
        const PAGE: usize = 4096;
        let start = buffer.as_mut_ptr() as usize;
        let end = start + blocks * std::mem::size_of::<Block>();
        let first_page = start.next_multiple_of(PAGE);
        let length = end.saturating_sub(first_page) / PAGE * PAGE;
        if length > 0 {
            // SAFETY: [first_page, first_page + length) lies inside the
            // allocation `buffer` owns; MADV_HUGEPAGE changes only how the
            // kernel backs those pages, never their contents. A refusal (no
            // THP in this kernel) leaves ordinary pages, so its result is
            // ignored.
            unsafe {
                libc::madvise(first_page as *mut libc::c_void, length, libc::MADV_HUGEPAGE);
            }
        }
    }
    buffer.resize(blocks, Block::default());
    buffer
}

fn hash_with(buffer: &mut Buffer, password: &Password) -> anyhow::Result<String> {
    let params = params();
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt
        .decode_b64(&mut salt_bytes)
        .map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    argon2_into(buffer, &argon2, &params, password, salt_bytes, &mut out)
        .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))?;
    let phc = PasswordHash {
        algorithm: argon2::ARGON2ID_IDENT,
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| anyhow::anyhow!("params: {e}"))?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| anyhow::anyhow!("output: {e}"))?),
    };
    Ok(phc.to_string())
}

/// Recomputes the stored hash's Argon2 with its own parameters and compares
/// the outputs in constant time (`Output`'s equality is constant-time).
fn verify_with(buffer: &mut Buffer, password: &Password, stored: &str) -> Result<bool, ApiError> {
    let unreadable = |e: &dyn std::fmt::Display| {
        ApiError::internal(anyhow::anyhow!("stored hash unreadable: {e}"))
    };
    let parsed = PasswordHash::new(stored).map_err(|e| unreadable(&e))?;
    let algorithm = Algorithm::try_from(parsed.algorithm).map_err(|e| unreadable(&e))?;
    let version = parsed
        .version
        .map(Version::try_from)
        .transpose()
        .map_err(|e| unreadable(&e))?
        .unwrap_or_default();
    let params = Params::try_from(&parsed).map_err(|e| unreadable(&e))?;
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return Err(unreadable(&"no salt or hash"));
    };
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt
        .decode_b64(&mut salt_bytes)
        .map_err(|e| unreadable(&e))?;
    let mut out = vec![0u8; expected.len()];
    let argon2 = Argon2::new(algorithm, version, params.clone());
    argon2_into(buffer, &argon2, &params, password, salt_bytes, &mut out)
        .map_err(|e| unreadable(&e))?;
    let computed = Output::new(&out).map_err(|e| unreadable(&e))?;
    Ok(computed == expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pushes `jobs` jobs one at a time, each after the last has run and
    /// `gap` has passed; returns the threads that ran them. Each job leaves
    /// its thread with a buffer, as a hash does.
    fn one_at_a_time(
        queue: &JobQueue,
        jobs: usize,
        gap: Duration,
    ) -> std::collections::HashSet<std::thread::ThreadId> {
        let (done, finished) = std::sync::mpsc::channel();
        let mut workers = std::collections::HashSet::new();
        for _ in 0..jobs {
            let done = done.clone();
            queue.push(Box::new(move |buffer: &mut Buffer| {
                if buffer.is_empty() {
                    *buffer = vec![Block::new(); 1];
                }
                let me = std::thread::current().id();
                Box::new(move || {
                    let _ = done.send(me);
                })
            }));
            workers.insert(finished.recv().unwrap());
            std::thread::sleep(gap);
        }
        workers
    }

    /// [`one_at_a_time`] on two threads running the real loop ([`run_jobs`])
    /// with this patience, both waiting before the first job; the threads
    /// end (the queue closed) before it returns.
    fn on_two_threads(
        patience: Duration,
        jobs: usize,
        gap: Duration,
    ) -> std::collections::HashSet<std::thread::ThreadId> {
        let queue = Arc::new(JobQueue::default());
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let queue = queue.clone();
                std::thread::spawn(move || run_jobs(&queue, patience))
            })
            .collect();
        std::thread::sleep(Duration::from_millis(20));
        let workers = one_at_a_time(&queue, jobs, gap);
        queue.close();
        threads.into_iter().for_each(|t| t.join().unwrap());
        workers
    }

    /// Jobs arriving one at a time all go to the thread that finished last;
    /// a thread with nothing to do for the patience given hears `Idle`, and
    /// every thread ends once the queue is closed.
    #[test]
    fn the_thread_idle_last_takes_the_next_job_and_the_others_rest() {
        let queue = Arc::new(JobQueue::default());
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let queue = queue.clone();
                std::thread::spawn(move || {
                    let mut idle_seen = false;
                    loop {
                        match queue.next(Duration::from_millis(300), false) {
                            Next::Job(job) => {
                                let answer = job(&mut Vec::new());
                                queue.ready(false);
                                answer();
                            }
                            Next::Idle => idle_seen = true,
                            Next::Closed => return idle_seen,
                        }
                    }
                })
            })
            .collect();
        // Both threads wait before the first job.
        std::thread::sleep(Duration::from_millis(50));
        // The thread that ran a job is back waiting before the next.
        let workers = one_at_a_time(&queue, 20, Duration::from_millis(5));
        assert_eq!(workers.len(), 1, "one thread ran every job");
        std::thread::sleep(Duration::from_millis(400));
        queue.close();
        let idle_seen: Vec<bool> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        assert!(
            idle_seen.iter().any(|idle| *idle),
            "the other thread rested"
        );
    }

    /// A client's next sign-in comes the moment it hears the last answer:
    /// it still goes to the thread that just worked (back among the idle
    /// before the answer left), never to a cold one, which would allocate a
    /// second 19 MiB buffer for sign-ins that never overlap.
    #[test]
    fn the_next_job_right_after_an_answer_goes_to_the_same_thread() {
        let workers = on_two_threads(Duration::from_secs(5), 200, Duration::ZERO);
        assert_eq!(workers.len(), 1, "one thread ran every job");
    }

    /// Sign-ins one at a time over longer than the patience: the thread that
    /// rested (and gave its buffer back) is not the next to work when it starts
    /// waiting again; the thread that just worked, with its buffer, is.
    #[test]
    fn a_rested_thread_waits_under_the_one_that_just_worked() {
        // 25 jobs 25 ms apart: the resting thread hears Idle and waits again
        // about ten times meanwhile.
        let workers = on_two_threads(Duration::from_millis(60), 25, Duration::from_millis(25));
        assert_eq!(workers.len(), 1, "one thread ran every job");
    }

    #[test]
    fn hashes_are_standard_phc_strings_the_argon2_crate_verifies() {
        use argon2::password_hash::PasswordVerifier;

        let hash = hash_with(&mut Vec::new(), &Password::new("Violet-Kettle-42".into())).unwrap();
        let parsed = PasswordHash::new(&hash).unwrap();
        assert!(Argon2::default()
            .verify_password(b"Violet-Kettle-42", &parsed)
            .is_ok());
        assert!(Argon2::default()
            .verify_password(b"violet-kettle-42", &parsed)
            .is_err());
    }

    #[test]
    fn hashes_made_elsewhere_with_other_parameters_verify() {
        use argon2::password_hash::PasswordHasher as _;

        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        let other = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8 * 1024, 3, 1, None).unwrap(),
        );
        let stored = other
            .hash_password(b"Violet-Kettle-42", &salt)
            .unwrap()
            .to_string();
        let mut buffer = Vec::new();
        assert!(verify_with(
            &mut buffer,
            &Password::new("Violet-Kettle-42".into()),
            &stored
        )
        .unwrap());
        assert!(!verify_with(&mut buffer, &Password::new("nope".into()), &stored).unwrap());
    }

    #[tokio::test]
    async fn hashes_with_owasp_parameters_and_verifies() {
        let hasher = PasswordHasher::new(2).unwrap();
        let hash = hasher
            .hash(Password::new("Violet-Kettle-42".into()))
            .await
            .unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(hasher
            .verify(Password::new("Violet-Kettle-42".into()), Some(hash.clone()))
            .await
            .unwrap());
        assert!(!hasher
            .verify(Password::new("violet-kettle-42".into()), Some(hash))
            .await
            .unwrap());
        assert!(!hasher
            .verify(Password::new("Violet-Kettle-42".into()), None)
            .await
            .unwrap());
    }
}
