//! Signing-key rotation and retirement.
//!
//! A rotation (`portcullis keys rotate`, or the schedule when the signing key
//! is older than `PORTCULLIS_SIGNING_KEY_MAX_AGE_DAYS`) stores a new key,
//! sealed with the key-encryption key; being the newest, it signs from then
//! on. The previous keys keep verifying and stay in the JWKS until every token
//! they signed has expired, then they are *retired* (`retired_at` set): out of
//! the JWKS, and their tokens no longer verify. A key may be retired once
//!
//! - every access token issued to an OAuth client with it has expired: they
//!   are not stored, but a client's lifetime is fixed when it is registered,
//!   so none outlives its successor's creation + the retirement grace
//!   (`PORTCULLIS_SIGNING_KEY_RETIRE_GRACE_MS`: how long another process may
//!   still sign with it, plus clock skew) + the longest lifetime of any client;
//! - and no portal API token it signed is still unexpired (each records its
//!   key, `api_tokens.signing_kid`). A token that never expires keeps its key
//!   verifying for as long as it exists: delete the token (or give it an
//!   expiry by making a new one) to let the key retire. There is no forced
//!   retirement.
//!
//! Rotations and retirements take one lock (a PostgreSQL advisory lock; on
//! SQLite the write transaction) and decide again under it, so processes that
//! find a key due at the same moment make one new key. Each is announced in
//! its transaction ([`Change::SigningKeys`]); every process also compares its
//! ring with the stored keys every `PORTCULLIS_SIGNING_KEY_CHECK_MS` (SQLite,
//! where nothing is announced, and a command run beside a server), and
//! reloads at once when a presented token names a key newer than its own.

use std::{sync::Arc, time::Duration, time::Instant};

use chrono::NaiveDateTime;

use crate::{
    db::{oauth as oauth_rows, tokens as token_rows, DbConnection},
    domain::Kek,
    error::{ApiError, ApiResult},
    services::{
        cache::cache_sync::{announce, Change},
        now,
        secrets_at_rest::{open_text, signing_key_at},
        tokens::{api_access::ApiAccess, signing::generate_key},
        Db,
    },
};

/// Retirements are looked for every this many checks (10 s by default): a
/// key may wait a little longer to retire, and the oauth_clients scan it
/// needs is not run four times a second for the day an old key verifies.
const RETIREMENT_CHECK_TICKS: u32 = 40;

/// When a rotation is due.
#[derive(Debug, Clone, Copy)]
pub enum Due {
    /// Now (the operator's command).
    Now,
    /// When the signing key is older than this (the schedule).
    OlderThan(chrono::Duration),
}

/// A rotation made: the new signing key, and the one it replaced.
#[derive(Debug, Clone)]
pub struct Rotated {
    pub kid: String,
    pub previous: Option<String>,
}

/// The schedule's settings.
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    /// Rotate when the signing key is older (`PORTCULLIS_SIGNING_KEY_MAX_AGE_DAYS`; none: never).
    pub max_age: Option<Duration>,
    /// How long after a rotation another process may still sign with the old key
    /// (`PORTCULLIS_SIGNING_KEY_RETIRE_GRACE_MS`).
    pub retire_grace: Duration,
    /// How often the stored keys are compared and the age checked
    /// (`PORTCULLIS_SIGNING_KEY_CHECK_MS`); retirements every
    /// [`RETIREMENT_CHECK_TICKS`] times.
    pub check: Duration,
}

/// Makes a new signing key if `due`, inside the caller's write transaction.
/// None when the schedule found it made already (by another process).
pub fn rotate(
    conn: &mut DbConnection,
    kek: &Kek,
    at: NaiveDateTime,
    due: Due,
) -> ApiResult<Option<Rotated>> {
    token_rows::lock_signing_keys(conn)?;
    let rows = token_rows::list_signing_keys(conn)?;
    let signer = rows.iter().rev().find(|k| k.retired_at.is_none());
    if let (Due::OlderThan(max_age), Some(signer)) = (due, signer) {
        if signer.created_at + max_age > at {
            return Ok(None);
        }
    }
    if let Some(signer) = signer {
        // A key sealed with another key-encryption key would leave every
        // server unable to sign.
        open_text(kek, &signing_key_at(&signer.kid), &signer.private_key).map_err(|e| {
            ApiError::Internal(
                e.context(
                    "the configured key-encryption key does not open the stored signing keys",
                ),
            )
        })?;
    }
    // The newest signs: never older than a stored key, whatever the clocks say.
    let created_at = rows.last().map_or(at, |newest| {
        at.max(newest.created_at + chrono::Duration::milliseconds(1))
    });
    let row = generate_key(created_at, kek).map_err(ApiError::Internal)?;
    token_rows::insert_signing_key(conn, &row)?;
    announce(conn, &Change::SigningKeys)?;
    Ok(Some(Rotated {
        kid: row.kid,
        previous: signer.map(|k| k.kid.clone()),
    }))
}

/// The unretired keys, other than the signer, that no live token can need
/// any more (see the module's comment).
pub fn spent_keys(
    conn: &mut DbConnection,
    at: NaiveDateTime,
    retire_grace: Duration,
) -> ApiResult<Vec<String>> {
    let rows = token_rows::list_signing_keys(conn)?;
    let unretired: Vec<_> = rows.iter().filter(|k| k.retired_at.is_none()).collect();
    let Some((_signer, older)) = unretired.split_last() else {
        return Ok(Vec::new());
    };
    if older.is_empty() {
        return Ok(Vec::new());
    }
    let longest_issued = oauth_rows::longest_token_lifetime_secs(conn)?.unwrap_or(0);
    let wait = chrono::Duration::from_std(retire_grace).map_err(ApiError::internal)?
        + chrono::Duration::seconds(longest_issued.max(0));
    let mut spent = Vec::new();
    for key in older {
        // Keys are listed oldest first: the next one replaced this one.
        let Some(successor) = rows
            .iter()
            .find(|k| (k.created_at, &k.kid) > (key.created_at, &key.kid))
        else {
            continue;
        };
        if successor.created_at + wait > at {
            continue;
        }
        if !token_rows::signed_live_token(conn, &key.kid, at)? {
            spent.push(key.kid.clone());
        }
    }
    Ok(spent)
}

/// Retires the spent keys, deciding again under the lock, inside the
/// caller's write transaction; the keys retired.
pub fn retire_spent(
    conn: &mut DbConnection,
    at: NaiveDateTime,
    retire_grace: Duration,
) -> ApiResult<Vec<String>> {
    token_rows::lock_signing_keys(conn)?;
    let mut retired = Vec::new();
    for kid in spent_keys(conn, at, retire_grace)? {
        if token_rows::retire_signing_key(conn, &kid, at)? {
            retired.push(kid);
        }
    }
    if !retired.is_empty() {
        announce(conn, &Change::SigningKeys)?;
    }
    Ok(retired)
}

/// Keeps this process's keys current, rotates on schedule and retires spent
/// keys, every `schedule.check` and whenever another process announces a
/// change, for as long as the server runs.
pub async fn maintain_forever(access: Arc<ApiAccess>, db: Db, kek: Arc<Kek>, schedule: Schedule) {
    let mut ticks = tokio::time::interval(schedule.check);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut round = 0_u32;
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            () = access.signing_keys_changed() => {}
        }
        let retirements = round % RETIREMENT_CHECK_TICKS == 0;
        round = round.wrapping_add(1);
        if let Err(error) = maintain(&access, &db, &kek, &schedule, retirements).await {
            tracing::warn!(%error, "signing key maintenance failed; will retry");
        }
    }
}

async fn maintain(
    access: &ApiAccess,
    db: &Db,
    kek: &Arc<Kek>,
    schedule: &Schedule,
    retirements: bool,
) -> ApiResult<()> {
    let started = Instant::now();
    let stored = db
        .read(|conn| Ok(token_rows::unretired_kids(conn)?))
        .await?;
    if stored != access.keys().kids() {
        access.reload_keys(db, started).await?;
    }
    let at = now();
    if let Some(max_age) = schedule.max_age {
        let max_age = chrono::Duration::from_std(max_age).map_err(ApiError::internal)?;
        if access.keys().signing_created_at() + max_age <= at {
            let kek = kek.clone();
            let rotated = db
                .transaction(move |conn| rotate(conn, &kek, at, Due::OlderThan(max_age)))
                .await?;
            if let Some(rotated) = rotated {
                tracing::info!(
                    kid = %rotated.kid,
                    previous = %rotated.previous.unwrap_or_default(),
                    "signing key rotated: the previous one was older than PORTCULLIS_SIGNING_KEY_MAX_AGE_DAYS"
                );
            }
            access.reload_keys(db, Instant::now()).await?;
        }
    }
    if retirements && access.keys().kids().len() > 1 {
        let grace = schedule.retire_grace;
        // Read first: most of the time nothing is spent, and no write is needed.
        if !db
            .run(move |conn| spent_keys(conn, at, grace))
            .await?
            .is_empty()
        {
            let retired = db
                .transaction(move |conn| retire_spent(conn, at, grace))
                .await?;
            for kid in &retired {
                tracing::info!(
                    kid = %kid,
                    "signing key retired: every token it signed has expired"
                );
            }
            access.reload_keys(db, Instant::now()).await?;
        }
    }
    Ok(())
}
