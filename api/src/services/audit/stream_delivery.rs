//! Delivering the security-log streams: a task in every process looks for
//! streams with events waiting, takes a stream's lease (one conditional
//! update, so two processes never send the same batch at once), POSTs its
//! oldest events as one signed JSON batch, and on a 2xx answer deletes them
//! from the queue. A failure (an answer other than 2xx, a timeout, a refused
//! address) keeps them and retries with exponential back-off and jitter. A
//! process that dies mid-delivery leaves its lease to run out, and the batch
//! goes again: at least once, never lost; a duplicate only after such a
//! crash, with the same event ids, which the receiver dedupes on.
//!
//! The receiver checks `X-Portcullis-Signature: t=<unix>,v1=<hex>`, the
//! HMAC-SHA256 with the stream's secret of `"<t>.<body>"` (Stripe's scheme),
//! and refuses a `t` older than five minutes (replay).

use std::{collections::BTreeMap, sync::Arc, time::Duration};

use hmac::{Hmac, Mac};
use rand::Rng;
use serde::Serialize;
use sha2::Sha256;

use crate::{
    config::SecurityStreamConfig,
    db::{security_events::SecurityEventRow, security_streams as stream_rows},
    domain::{stream_url::StreamUrl, Kek},
    error::{ApiError, ApiResult},
    services::{
        now, rfc3339, run_every,
        secrets_at_rest::{open_text, stream_secret_at},
        Db,
    },
};

/// The signature header, and the delivery's id header.
pub const SIGNATURE_HEADER: &str = "X-Portcullis-Signature";
pub const DELIVERY_HEADER: &str = "X-Portcullis-Delivery";
/// Streams looked at per round.
const STREAMS_PER_ROUND: i64 = 20;
/// Batches one stream may send in a row before others get their turn.
const BATCHES_PER_TURN: usize = 10;
/// The first retry's wait; each failure doubles it, up to the configured cap.
const FIRST_BACKOFF: Duration = Duration::from_secs(1);

/// One event as the stream sends it: the same JSON as the log's export.
#[derive(Debug, Serialize)]
struct StreamedEvent {
    id: String,
    kind: String,
    actor: String,
    ip: Option<String>,
    user_agent: Option<String>,
    details: BTreeMap<String, String>,
    created_at: String,
    account_id: String,
    seq: Option<i64>,
    prev_hash: Option<String>,
    hash: Option<String>,
}

/// The body of one POST.
#[derive(Debug, Serialize)]
struct Batch<'a> {
    delivery_id: &'a str,
    stream_id: &'a str,
    sent_at: String,
    events: Vec<StreamedEvent>,
}

fn streamed(row: SecurityEventRow) -> StreamedEvent {
    StreamedEvent {
        details: serde_json::from_str(&row.details).unwrap_or_default(),
        id: row.id,
        kind: row.kind,
        actor: row.actor,
        ip: row.ip,
        user_agent: row.user_agent,
        created_at: rfc3339(row.created_at),
        account_id: row.account_id,
        seq: row.seq,
        prev_hash: row.prev_hash,
        hash: row.hash,
    }
}

/// `t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
pub fn signature(secret: &[u8], unix: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(unix.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("t={unix},v1={hex}")
}

/// How long to wait after the `failures`-th failure in a row: doubling from
/// one second up to `cap`, then a random part of the second half of it, so
/// many streams failing together do not retry together.
pub fn backoff(failures: i64, cap: Duration) -> Duration {
    let doublings = u32::try_from(failures.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
    let full = FIRST_BACKOFF
        .saturating_mul(2u32.saturating_pow(doublings))
        .min(cap);
    let half = full / 2;
    half + Duration::from_millis(rand::thread_rng().gen_range(0..=half.as_millis() as u64))
}

/// Delivers the due streams, round after round, for ever.
pub async fn deliver_forever(db: Db, kek: Arc<Kek>, config: SecurityStreamConfig) {
    // Who holds a lease: this process, by a random id.
    let owner = format!("p{}-{}", std::process::id(), uuid::Uuid::now_v7().simple());
    let every = config.interval;
    let shared = Arc::new((db, kek, config, owner));
    run_every(every, "delivering security-log streams", move || {
        let shared = shared.clone();
        async move {
            let (db, kek, config, owner) = &*shared;
            deliver_due(db, kek, config, owner).await
        }
    })
    .await
}

/// One round: every due stream gets a turn. Answers the events delivered.
pub async fn deliver_due(
    db: &Db,
    kek: &Kek,
    config: &SecurityStreamConfig,
    owner: &str,
) -> ApiResult<usize> {
    let at = now();
    let due = db
        .run(move |conn| Ok(stream_rows::due(conn, at, STREAMS_PER_ROUND)?))
        .await?;
    let mut delivered = 0;
    for stream_id in due {
        match deliver_stream(db, kek, config, owner, &stream_id).await {
            Ok(n) => delivered += n,
            Err(error) => {
                tracing::warn!(stream_id, %error, "security-log stream delivery failed")
            }
        }
    }
    Ok(delivered)
}

/// Why a delivery failed, as health shows it (never the answer's body).
#[derive(Debug)]
struct Failure(String);

async fn deliver_stream(
    db: &Db,
    kek: &Kek,
    config: &SecurityStreamConfig,
    owner: &str,
    stream_id: &str,
) -> ApiResult<usize> {
    // The lease outlasts the slowest delivery by far: lookup, connect and answer.
    let lease = chrono::Duration::from_std(config.timeout * 3 + Duration::from_secs(30))
        .map_err(ApiError::internal)?;
    let mut delivered = 0;
    for _ in 0..BATCHES_PER_TURN {
        let at = now();
        let (id, who, limit) = (stream_id.to_owned(), owner.to_owned(), config.batch);
        let claimed = db
            .transaction(move |conn| {
                if !stream_rows::claim(conn, &id, &who, at, at + lease)? {
                    return Ok(None);
                }
                let Some(row) = stream_rows::find(conn, &id)? else {
                    return Ok(None);
                };
                let (events, gone) = stream_rows::next_batch(conn, &id, limit)?;
                if gone > 0 {
                    tracing::warn!(
                        stream_id = id,
                        gone,
                        "queued events were deleted by the retention period before delivery"
                    );
                }
                if events.is_empty() {
                    stream_rows::release(conn, &id, &who)?;
                    return Ok(None);
                }
                Ok(Some((row, events)))
            })
            .await?;
        let Some((row, events)) = claimed else {
            break;
        };
        let ids: Vec<String> = events.iter().map(|e| e.id.clone()).collect();
        let full = ids.len() as i64 >= config.batch;
        let outcome = send(kek, config, &row, events).await;
        let (id, who) = (stream_id.to_owned(), owner.to_owned());
        let at = now();
        match outcome {
            Ok(()) => {
                let count = ids.len();
                db.transaction(move |conn| Ok(stream_rows::delivered(conn, &id, &who, &ids, at)?))
                    .await?;
                delivered += count;
                if !full {
                    break;
                }
            }
            Err(Failure(class)) => {
                let wait = backoff(row.consecutive_failures + 1, config.max_backoff);
                let retry_at = at + chrono::Duration::from_std(wait).map_err(ApiError::internal)?;
                tracing::info!(
                    stream_id,
                    class,
                    retry_in_ms = wait.as_millis() as u64,
                    "security-log stream delivery failed; will retry"
                );
                db.transaction(move |conn| {
                    Ok(stream_rows::failed(conn, &id, &who, &class, at, retry_at)?)
                })
                .await?;
                break;
            }
        }
    }
    Ok(delivered)
}

/// Signs and POSTs one batch to the stream's URL, connecting only to an
/// address checked now.
async fn send(
    kek: &Kek,
    config: &SecurityStreamConfig,
    row: &stream_rows::StreamRow,
    events: Vec<SecurityEventRow>,
) -> Result<(), Failure> {
    let failure = |class: &str| Failure(class.to_owned());
    let url = StreamUrl::stored(&row.url).ok_or_else(|| failure("invalid_url"))?;
    let secret = open_text(kek, &stream_secret_at(&row.id), &row.secret).map_err(|error| {
        tracing::error!(stream_id = row.id, %error, "the stream's secret does not open");
        failure("secret")
    })?;
    let mut client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(config.timeout)
        .connect_timeout(config.timeout)
        .user_agent("Portcullis-Security-Stream/1");
    let policy = config.policy;
    match (url.ip(), url.domain()) {
        (Some(ip), _) => policy
            .check_ip(ip)
            .map_err(|_| failure("address_refused"))?,
        (None, Some(domain)) => {
            let addresses = super::stream::resolve(domain, url.port()).await;
            if addresses.is_empty() {
                return Err(failure("unresolvable"));
            }
            let ip = policy
                .check_addresses(&addresses)
                .map_err(|_| failure("address_refused"))?;
            // Connect to the address just checked, not to a second lookup's answer.
            client = client.resolve(domain, std::net::SocketAddr::new(ip, url.port()));
        }
        (None, None) => return Err(failure("invalid_url")),
    }
    let client = client.build().map_err(|_| failure("other"))?;
    let delivery_id = format!("dlv_{}", uuid::Uuid::now_v7().simple());
    let body = serde_json::to_vec(&Batch {
        delivery_id: &delivery_id,
        stream_id: &row.id,
        sent_at: rfc3339(now()),
        events: events.into_iter().map(streamed).collect(),
    })
    .map_err(|_| failure("other"))?;
    let signed = signature(secret.as_bytes(), chrono::Utc::now().timestamp(), &body);
    let answer = client
        .post(url.url().clone())
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, signed)
        .header(DELIVERY_HEADER, &delivery_id)
        .body(body)
        .send()
        .await
        .map_err(|e| {
            failure(if e.is_timeout() {
                "timeout"
            } else if e.is_connect() {
                "connect"
            } else {
                "other"
            })
        })?;
    let status = answer.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(Failure(format!("http_{}", status.as_u16())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_stripes_scheme() {
        // HMAC-SHA256("key", "1700000000.{}"), computed independently.
        let signed = signature(b"key", 1_700_000_000, b"{}");
        assert!(signed.starts_with("t=1700000000,v1="));
        assert_eq!(signed.len(), "t=1700000000,v1=".len() + 64);
        assert_ne!(signed, signature(b"other", 1_700_000_000, b"{}"));
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_with_jitter() {
        let cap = Duration::from_secs(3600);
        for (failures, full) in [(1, 1), (2, 2), (3, 4), (10, 512), (13, 3600), (40, 3600)] {
            let wait = backoff(failures, cap);
            let full = Duration::from_secs(full);
            assert!(wait >= full / 2 && wait <= full, "{failures}: {wait:?}");
        }
    }
}
