//! The `security_streams` table (one per company) and its durable delivery
//! queue, `security_stream_deliveries`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    schema::{accounts, security_events, security_stream_deliveries, security_streams},
    security_events::SecurityEventRow,
    DbConnection,
};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = security_streams)]
pub struct StreamRow {
    pub id: String,
    /// The owner account (the company); its subusers' events go here too.
    pub account_id: String,
    pub url: String,
    /// The HMAC key, sealed with the key-encryption key.
    pub secret: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub last_success_at: Option<NaiveDateTime>,
    pub last_failure_at: Option<NaiveDateTime>,
    /// A class (`http_503`, `timeout`, …), never a body.
    pub last_failure: Option<String>,
    pub consecutive_failures: i64,
    pub next_attempt_at: NaiveDateTime,
    pub lease_until: Option<NaiveDateTime>,
    pub lease_owner: Option<String>,
}

/// How many events wait for a stream, and when the oldest happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backlog {
    pub depth: i64,
    pub oldest: Option<NaiveDateTime>,
}

pub fn find_for_account(
    conn: &mut DbConnection,
    account_id: &str,
) -> QueryResult<Option<StreamRow>> {
    security_streams::table
        .filter(security_streams::account_id.eq(account_id))
        .select(StreamRow::as_select())
        .first(conn)
        .optional()
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<StreamRow>> {
    security_streams::table
        .find(id)
        .select(StreamRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, row: &StreamRow) -> QueryResult<()> {
    diesel::insert_into(security_streams::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Points the stream at `url`; the next delivery is tried at once.
pub fn set_url(conn: &mut DbConnection, id: &str, url: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(security_streams::table.find(id))
        .set((
            security_streams::url.eq(url),
            security_streams::updated_at.eq(at),
            security_streams::next_attempt_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Replaces the sealed secret (`previous` guards against a concurrent rewrap
/// or rotation: nothing changes unless the row still holds it).
pub fn replace_secret(
    conn: &mut DbConnection,
    id: &str,
    previous: &str,
    secret: &str,
    at: Option<NaiveDateTime>,
) -> QueryResult<bool> {
    let target = security_streams::table
        .find(id)
        .filter(security_streams::secret.eq(previous));
    let changed = match at {
        Some(at) => diesel::update(target)
            .set((
                security_streams::secret.eq(secret),
                security_streams::updated_at.eq(at),
            ))
            .execute(conn)?,
        None => diesel::update(target)
            .set(security_streams::secret.eq(secret))
            .execute(conn)?,
    };
    Ok(changed == 1)
}

/// Removes the stream and its queue; answers how many events were waiting.
pub fn delete(conn: &mut DbConnection, id: &str) -> QueryResult<i64> {
    let dropped = diesel::delete(
        security_stream_deliveries::table.filter(security_stream_deliveries::stream_id.eq(id)),
    )
    .execute(conn)?;
    diesel::delete(security_streams::table.find(id)).execute(conn)?;
    Ok(dropped as i64)
}

/// `(id, sealed secret)` of every stream, for re-sealing.
pub fn secrets(conn: &mut DbConnection) -> QueryResult<Vec<(String, String)>> {
    security_streams::table
        .select((security_streams::id, security_streams::secret))
        .order(security_streams::id)
        .load(conn)
}

/// The stream that receives the events of `login_id`: its own (an owner's)
/// or its owner's (a subuser's). One lookup on the unique `account_id`.
pub fn stream_of_login(conn: &mut DbConnection, login_id: &str) -> QueryResult<Option<String>> {
    let owner = accounts::table
        .find(login_id.to_owned())
        .select(accounts::parent_id)
        .single_value();
    security_streams::table
        .filter(
            security_streams::account_id
                .eq(login_id.to_owned())
                .or(security_streams::account_id.nullable().eq(owner)),
        )
        .select(security_streams::id)
        .first(conn)
        .optional()
}

/// Queues an event for a stream (in the transaction that records it).
pub fn enqueue(
    conn: &mut DbConnection,
    stream_id: &str,
    event_id: &str,
    event_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(security_stream_deliveries::table)
        .values((
            security_stream_deliveries::stream_id.eq(stream_id),
            security_stream_deliveries::event_id.eq(event_id),
            security_stream_deliveries::event_at.eq(event_at),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn backlog(conn: &mut DbConnection, stream_id: &str) -> QueryResult<Backlog> {
    let (depth, oldest) = security_stream_deliveries::table
        .filter(security_stream_deliveries::stream_id.eq(stream_id))
        .select((
            diesel::dsl::count_star(),
            diesel::dsl::min(security_stream_deliveries::event_at),
        ))
        .first::<(i64, Option<NaiveDateTime>)>(conn)?;
    Ok(Backlog { depth, oldest })
}

/// Events waiting in every stream (for the metrics gauge).
pub fn total_backlog(conn: &mut DbConnection) -> QueryResult<i64> {
    security_stream_deliveries::table.count().get_result(conn)
}

/// Streams with events waiting whose next attempt is due and whose lease is free.
pub fn due(conn: &mut DbConnection, at: NaiveDateTime, limit: i64) -> QueryResult<Vec<String>> {
    security_streams::table
        .filter(security_streams::next_attempt_at.le(at))
        .filter(
            security_streams::lease_until
                .is_null()
                .or(security_streams::lease_until.lt(at)),
        )
        .filter(diesel::dsl::exists(
            security_stream_deliveries::table
                .filter(security_stream_deliveries::stream_id.eq(security_streams::id)),
        ))
        .order(security_streams::next_attempt_at.asc())
        .select(security_streams::id)
        .limit(limit)
        .load(conn)
}

/// Takes the stream's lease until `until` for `owner`, if it is free and due:
/// one conditional update, so of two processes only one gets it.
pub fn claim(
    conn: &mut DbConnection,
    id: &str,
    owner: &str,
    at: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<bool> {
    let taken = diesel::update(
        security_streams::table
            .find(id)
            .filter(security_streams::next_attempt_at.le(at))
            .filter(
                security_streams::lease_until
                    .is_null()
                    .or(security_streams::lease_until.lt(at)),
            ),
    )
    .set((
        security_streams::lease_until.eq(until),
        security_streams::lease_owner.eq(owner),
    ))
    .execute(conn)?;
    Ok(taken == 1)
}

/// The oldest waiting events of a stream (by event time), up to `limit`;
/// queue rows whose event is gone (deleted by the retention period) are
/// removed and counted in the answer's second half.
pub fn next_batch(
    conn: &mut DbConnection,
    stream_id: &str,
    limit: i64,
) -> QueryResult<(Vec<SecurityEventRow>, usize)> {
    let ids: Vec<String> = security_stream_deliveries::table
        .filter(security_stream_deliveries::stream_id.eq(stream_id))
        .order((
            security_stream_deliveries::event_at.asc(),
            security_stream_deliveries::event_id.asc(),
        ))
        .select(security_stream_deliveries::event_id)
        .limit(limit)
        .load(conn)?;
    let mut events: Vec<SecurityEventRow> = security_events::table
        .filter(security_events::id.eq_any(&ids))
        .select(SecurityEventRow::as_select())
        .load(conn)?;
    events.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    let gone: Vec<&String> = ids
        .iter()
        .filter(|id| !events.iter().any(|e| &e.id == *id))
        .collect();
    if !gone.is_empty() {
        diesel::delete(
            security_stream_deliveries::table
                .filter(security_stream_deliveries::stream_id.eq(stream_id))
                .filter(security_stream_deliveries::event_id.eq_any(&gone)),
        )
        .execute(conn)?;
    }
    Ok((events, gone.len()))
}

/// The receiver accepted these events: they leave the queue, the failures
/// are forgotten and the lease is given back.
pub fn delivered(
    conn: &mut DbConnection,
    stream_id: &str,
    owner: &str,
    event_ids: &[String],
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(
        security_stream_deliveries::table
            .filter(security_stream_deliveries::stream_id.eq(stream_id))
            .filter(security_stream_deliveries::event_id.eq_any(event_ids)),
    )
    .execute(conn)?;
    diesel::update(security_streams::table.find(stream_id))
        .set((
            security_streams::last_success_at.eq(at),
            security_streams::consecutive_failures.eq(0),
            security_streams::next_attempt_at.eq(at),
        ))
        .execute(conn)?;
    release(conn, stream_id, owner)
}

/// A delivery failed: recorded by class, retried at `retry_at`.
pub fn failed(
    conn: &mut DbConnection,
    stream_id: &str,
    owner: &str,
    class: &str,
    at: NaiveDateTime,
    retry_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(security_streams::table.find(stream_id))
        .set((
            security_streams::last_failure_at.eq(at),
            security_streams::last_failure.eq(class),
            security_streams::consecutive_failures.eq(security_streams::consecutive_failures + 1),
            security_streams::next_attempt_at.eq(retry_at),
        ))
        .execute(conn)?;
    release(conn, stream_id, owner)
}

/// Gives the lease back, if `owner` still holds it.
pub fn release(conn: &mut DbConnection, stream_id: &str, owner: &str) -> QueryResult<()> {
    diesel::update(
        security_streams::table
            .find(stream_id)
            .filter(security_streams::lease_owner.eq(owner)),
    )
    .set((
        security_streams::lease_until.eq(None::<NaiveDateTime>),
        security_streams::lease_owner.eq(None::<String>),
    ))
    .execute(conn)
    .map(|_| ())
}
