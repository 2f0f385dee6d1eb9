//! Argon2id password hashing on a bounded set of dedicated, low-priority threads.
//!
//! Each hash needs 19 MiB of working memory. Allocating it per hash lets
//! glibc's allocator keep freed blocks in its arenas (its dynamic mmap
//! threshold rises to their size), so a login storm measured over 2 GiB of
//! resident memory. Instead, each of the `concurrency` hashing threads keeps one
//! buffer (allocated on its first hash) and reuses it: memory stays at
//! `concurrency × 19 MiB`.
//!
//! The threads run at a lower scheduling priority (nice 5) than the request
//! workers: a login storm then uses every idle cycle, while other requests
//! still get the CPU the moment they need it (their p99 stays in
//! milliseconds instead of queueing behind 30 ms hashes). Not lower: at nice
//! 10, a CSV import's storage work beside it (at normal priority) made
//! single sign-ins take 120–150 ms at p99 instead of 83 ms (benchmark (g)).

use std::{
    sync::{mpsc, Arc, Mutex},
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

/// One hash or verification, run on a hashing thread with its buffer.
type Job = Box<dyn FnOnce(&mut Buffer) + Send>;

/// Hashes and verifies passwords. At most `concurrency` hashes run at once, so a
/// login storm queues instead of exhausting memory or starving other requests.
#[derive(Clone)]
pub struct PasswordHasher {
    /// Two per hashing thread: a job is handed over only with a permit, so
    /// at most one job per thread waits in the channel. That one is the
    /// thread's next, ready the moment it finishes a hash: with exactly one
    /// permit per thread, a finished thread slept until its caller's task
    /// ran, dropped the permit, and the next caller's task ran and sent its
    /// job. A caller that gives up (its client went away) while its job
    /// waits costs no hash: the thread skips a job nobody awaits.
    permits: Arc<Semaphore>,
    jobs: mpsc::Sender<Job>,
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
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..concurrency {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || {
                    crate::services::low_priority::lower_priority(
                        crate::services::low_priority::Niceness::Hashing,
                    );
                    let mut buffer = Buffer::new();
                    loop {
                        // Every sender gone: the hasher was dropped.
                        let Ok(job) = queue.lock().expect("hash queue lock").recv() else {
                            return;
                        };
                        job(&mut buffer);
                    }
                })?;
        }
        Ok(Self {
            permits: Arc::new(Semaphore::new(2 * concurrency)),
            jobs,
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
        self.jobs
            .send(Box::new(move |buffer: &mut Buffer| {
                if !answer.is_closed() {
                    let _ = answer.send(work(buffer));
                }
            }))
            .map_err(|_| failed("threads gone"))?;
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
