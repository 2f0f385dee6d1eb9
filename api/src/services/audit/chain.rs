//! The security log's hash chains: each login's events are linked, each
//! carrying the hash of the one before it, so an edited, deleted, inserted or
//! reordered event — or a deleted latest one — is found by walking the chain.
//!
//! The hash of an event is SHA-256 (lower-case hex) over its canonical
//! encoding: compact JSON of an object with exactly these keys, sorted, and
//! non-ASCII characters written as they are:
//! `account_id, actor, created_at (RFC 3339 to the second, as exported),
//! details (an object of strings), id, ip, kind, prev_hash, seq, user_agent`.
//! `scripts/verify-security-log.py` checks an exported log the same way.

use std::collections::BTreeMap;

use diesel::QueryResult;
use portcullis_shared::vocabulary::ChainBreak;
use serde::Serialize;

use crate::{
    db::{
        security_events::{self as event_rows, SecurityEventRow},
        DbConnection,
    },
    domain::hex_sha256,
    error::{ApiError, ApiResult},
    services::{rfc3339, AppState},
};

/// The `prev_hash` of a chain's first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Events read per round trip while walking a chain.
const WALK_BATCH: i64 = 1_000;

/// The canonical encoding's fields, in key order (serde keeps declaration order).
#[derive(Serialize)]
struct Canonical<'a> {
    account_id: &'a str,
    actor: &'a str,
    created_at: String,
    details: &'a BTreeMap<String, String>,
    id: &'a str,
    ip: Option<&'a str>,
    kind: &'a str,
    prev_hash: &'a str,
    seq: i64,
    user_agent: Option<&'a str>,
}

/// What an event's hash covers.
pub struct Linked<'a> {
    pub row: &'a SecurityEventRow,
    pub details: &'a BTreeMap<String, String>,
    pub seq: i64,
    pub prev_hash: &'a str,
}

/// The hash of an event at place `seq` after `prev_hash`.
pub fn event_hash(event: &Linked<'_>) -> String {
    let row = event.row;
    let canonical = Canonical {
        account_id: &row.account_id,
        actor: &row.actor,
        created_at: rfc3339(row.created_at),
        details: event.details,
        id: &row.id,
        ip: row.ip.as_deref(),
        kind: &row.kind,
        prev_hash: event.prev_hash,
        seq: event.seq,
        user_agent: row.user_agent.as_deref(),
    };
    let bytes = serde_json::to_vec(&canonical).expect("strings and numbers always encode");
    hex_sha256(&[&bytes])
}

/// Links `row` (not yet stored) into its login's chain: takes the next place,
/// fills in `seq`, `prev_hash` and `hash`, and moves the head on. Call inside
/// the transaction that stores the row.
pub fn link(
    conn: &mut DbConnection,
    row: &mut SecurityEventRow,
    details: &BTreeMap<String, String>,
) -> QueryResult<()> {
    let head = event_rows::take_chain_place(conn, &row.account_id, GENESIS)?;
    let hash = event_hash(&Linked {
        row,
        details,
        seq: head.seq,
        prev_hash: &head.last_hash,
    });
    event_rows::set_chain_hash(conn, &row.account_id, &hash)?;
    row.seq = Some(head.seq);
    row.prev_hash = Some(head.last_hash);
    row.hash = Some(hash);
    Ok(())
}

/// The first broken link of a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// The place where the chain breaks.
    pub seq: i64,
    /// The event found there, if any.
    pub event_id: Option<String>,
    pub reason: ChainBreak,
}

/// One login's chain, walked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    pub account_id: String,
    /// Events walked and found linked (up to the break, if any).
    pub verified_events: i64,
    /// The place and hash of the last event given out (the head).
    pub head_seq: i64,
    pub head_hash: String,
    /// Events deleted by the retention sweep (places 1 to this).
    pub pruned_through_seq: i64,
    /// Events from before the log was chained (not covered).
    pub unchained_events: i64,
    pub broken: Option<BrokenLink>,
}

/// Walks the login's chain from its start (or where retention left it) to
/// its head. A login with no chain (no event since chaining began) verifies
/// with nothing walked.
pub fn verify_chain(conn: &mut DbConnection, account_id: &str) -> QueryResult<ChainReport> {
    let unchained_events = event_rows::count_unchained(conn, account_id)?;
    let Some(head) = event_rows::chain_head(conn, account_id)? else {
        return Ok(ChainReport {
            account_id: account_id.to_owned(),
            verified_events: 0,
            head_seq: 0,
            head_hash: GENESIS.to_owned(),
            pruned_through_seq: 0,
            unchained_events,
            broken: None,
        });
    };
    let mut report = ChainReport {
        account_id: account_id.to_owned(),
        verified_events: 0,
        head_seq: head.seq,
        head_hash: head.last_hash.clone(),
        pruned_through_seq: head.pruned_through_seq,
        unchained_events,
        broken: None,
    };
    let mut expected_seq = head.pruned_through_seq + 1;
    let mut prev_hash = head.pruned_hash.clone();
    let mut after = head.pruned_through_seq;
    'walk: loop {
        let batch = event_rows::chain_events(conn, account_id, after, WALK_BATCH)?;
        let Some(last) = batch.last() else { break };
        after = last.seq.unwrap_or(after);
        for row in &batch {
            if let Some(reason) = check_link(row, expected_seq, &prev_hash) {
                report.broken = Some(BrokenLink {
                    seq: expected_seq,
                    event_id: Some(row.id.clone()),
                    reason,
                });
                break 'walk;
            }
            prev_hash = row.hash.clone().unwrap_or_default();
            expected_seq += 1;
            report.verified_events += 1;
        }
    }
    if report.broken.is_none() && (expected_seq - 1 != head.seq || prev_hash != head.last_hash) {
        report.broken = Some(BrokenLink {
            seq: expected_seq,
            event_id: None,
            reason: ChainBreak::TailMissing,
        });
    }
    Ok(report)
}

/// Why `row`, found where place `expected_seq` should be, does not follow
/// an event hashed `prev_hash`; `None` when it does.
fn check_link(row: &SecurityEventRow, expected_seq: i64, prev_hash: &str) -> Option<ChainBreak> {
    if row.seq != Some(expected_seq) {
        return Some(ChainBreak::Missing);
    }
    if row.prev_hash.as_deref() != Some(prev_hash) {
        return Some(ChainBreak::PrevHashMismatch);
    }
    let Ok(details) = serde_json::from_str::<BTreeMap<String, String>>(&row.details) else {
        return Some(ChainBreak::Altered);
    };
    let hash = event_hash(&Linked {
        row,
        details: &details,
        seq: expected_seq,
        prev_hash,
    });
    (row.hash.as_deref() != Some(hash.as_str())).then_some(ChainBreak::Altered)
}

/// The chains of `account_id` and, for an owner, of each of its subusers.
pub async fn verify_account(
    state: &AppState,
    account_id: &str,
    with_subusers: bool,
) -> ApiResult<Vec<ChainReport>> {
    let account_id = account_id.to_owned();
    state
        .db
        .run(move |conn| {
            let logins = logins_of(conn, &account_id, with_subusers)?;
            Ok(verify_each(conn, &logins)?)
        })
        .await
}

/// The chains the operator asks about: `account`'s and its subusers' (none
/// when there is no such account), or every login's that has a chain.
pub fn verify_logins(
    conn: &mut DbConnection,
    account: Option<&str>,
) -> QueryResult<Vec<ChainReport>> {
    let logins = match account {
        Some(id) => {
            if crate::db::accounts::find_by_id(conn, id)?.is_none() {
                return Ok(Vec::new());
            }
            logins_of(conn, id, true)?
        }
        None => {
            let mut logins: Vec<String> = Vec::new();
            loop {
                let after = logins.last().cloned().unwrap_or_default();
                let batch = event_rows::chained_logins(conn, &after, WALK_BATCH)?;
                if batch.is_empty() {
                    break;
                }
                logins.extend(batch);
            }
            logins
        }
    };
    verify_each(conn, &logins)
}

/// `account_id`, and with `with_subusers` each of its subusers after it.
fn logins_of(
    conn: &mut DbConnection,
    account_id: &str,
    with_subusers: bool,
) -> QueryResult<Vec<String>> {
    let mut logins = vec![account_id.to_owned()];
    if with_subusers {
        logins.extend(crate::db::subusers::all_subuser_ids(conn, account_id)?);
    }
    Ok(logins)
}

/// Each login's chain, walked.
fn verify_each(conn: &mut DbConnection, logins: &[String]) -> QueryResult<Vec<ChainReport>> {
    logins
        .iter()
        .map(|login| verify_chain(conn, login))
        .collect()
}

/// Logins whose old events one sweep round deletes at most.
const SWEEP_BATCH: i64 = 500;

/// Deletes events recorded more than `retention` ago, each login in a
/// transaction of its own, keeping every chain verifiable: the head
/// remembers the place and hash of the last deleted event, where the walk
/// starts from. A chain is cut at its last event older than the cutoff, so
/// everything before that place goes with it. Answers how many events went.
pub async fn sweep_expired(
    db: &crate::services::Db,
    retention: std::time::Duration,
) -> ApiResult<usize> {
    let retention = chrono::Duration::from_std(retention).map_err(ApiError::internal)?;
    let cutoff = crate::services::now() - retention;
    let logins = db
        .run(move |conn| {
            Ok(event_rows::logins_with_events_before(
                conn,
                cutoff,
                SWEEP_BATCH,
            )?)
        })
        .await?;
    let mut deleted = 0;
    for login in logins {
        deleted += db
            .transaction(move |conn| {
                if !event_rows::lock_chain_head(conn, &login)? {
                    return Ok(event_rows::prune_unchained(conn, &login, cutoff)?);
                }
                Ok(
                    match event_rows::last_chained_before(conn, &login, cutoff)? {
                        Some((seq, hash)) => {
                            event_rows::prune_chain(conn, &login, seq, &hash, cutoff)?
                        }
                        None => event_rows::prune_unchained(conn, &login, cutoff)?,
                    },
                )
            })
            .await?;
    }
    if deleted > 0 {
        tracing::info!(deleted, "security events past the retention period deleted");
    }
    Ok(deleted)
}

/// One line about a walked chain, for people.
pub fn describe(report: &ChainReport) -> String {
    let unchained = match report.unchained_events {
        0 => String::new(),
        n => format!(" ({n} older event(s) from before chaining, not covered)"),
    };
    match &report.broken {
        None => format!(
            "{}: intact, {} event(s) verified, head {} {}{unchained}",
            report.account_id, report.verified_events, report.head_seq, report.head_hash
        ),
        Some(link) => format!(
            "{}: BROKEN at place {}{}: {} ({} event(s) verified before it, head {} {})",
            report.account_id,
            link.seq,
            link.event_id
                .as_deref()
                .map(|id| format!(" (event {id})"))
                .unwrap_or_default(),
            link.reason.as_str(),
            report.verified_events,
            report.head_seq,
            report.head_hash
        ),
    }
}
