//! The `login_throttles` table: failed sign-in counters and locks, shared by
//! every process on the database.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{cached::Cached, schema::login_throttles, DbConnection};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = login_throttles)]
pub struct ThrottleRow {
    pub throttle_key: String,
    pub failures: i64,
    pub window_started_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub lock_count: i64,
    pub updated_at: NaiveDateTime,
    /// Guesses reserved and not yet settled (also counted in `failures`).
    pub pending: i64,
    /// After this, unsettled guesses count as plain failures.
    pub pending_until: Option<NaiveDateTime>,
}

pub fn find(conn: &mut DbConnection, key: &str) -> QueryResult<Option<ThrottleRow>> {
    login_throttles::table
        .find(key)
        .select(ThrottleRow::as_select())
        .first(conn)
        .optional()
}

/// Makes sure the row exists and locks it for this transaction on
/// PostgreSQL, in one statement (an upsert, returning the row), so concurrent
/// failures from several processes are counted one after another. On SQLite
/// the write transaction holds the database already.
pub fn lock_row(conn: &mut DbConnection, key: &str, at: NaiveDateTime) -> QueryResult<ThrottleRow> {
    let fresh = ThrottleRow {
        throttle_key: key.to_owned(),
        failures: 0,
        window_started_at: at,
        locked_until: None,
        lock_count: 0,
        updated_at: at,
        pending: 0,
        pending_until: None,
    };
    // Per backend: the multi-backend connection has no upsert.
    crate::per_backend!(conn, |c| Cached(
        diesel::insert_into(login_throttles::table)
            .values(&fresh)
            .on_conflict(login_throttles::throttle_key)
            .do_update()
            .set(login_throttles::updated_at.eq(at))
            .returning(login_throttles::all_columns)
    )
    .get_result(c))
}

/// The row, locked for this transaction (a no-op UPDATE returning it takes
/// the lock on PostgreSQL; a SQLite write transaction holds the database
/// already).
pub fn find_for_update(conn: &mut DbConnection, key: &str) -> QueryResult<Option<ThrottleRow>> {
    // Per backend: the multi-backend connection does not return rows from an UPDATE.
    crate::per_backend!(conn, |c| Cached(
        diesel::update(login_throttles::table.find(key))
            .set(login_throttles::updated_at.eq(login_throttles::updated_at))
            .returning(login_throttles::all_columns)
    )
    .get_result(c)
    .optional())
}

/// Clears a row's settled failures (those in flight stay counted) and its
/// locks, in one conditional UPDATE: a row with nothing to clear is neither
/// written nor locked.
pub fn clear_settled_failures(conn: &mut DbConnection, key: &str) -> QueryResult<()> {
    crate::per_backend!(conn, |c| Cached(
        diesel::update(
            login_throttles::table.find(key).filter(
                login_throttles::failures
                    .gt(login_throttles::pending)
                    .or(login_throttles::lock_count.gt(0))
                    .or(login_throttles::locked_until.is_not_null()),
            ),
        )
        .set((
            login_throttles::failures.eq(login_throttles::pending),
            login_throttles::lock_count.eq(0),
            login_throttles::locked_until.eq(None::<NaiveDateTime>),
        ))
        .returning(login_throttles::throttle_key)
    )
    .load::<String>(c))
    .map(|_| ())
}

pub fn save(conn: &mut DbConnection, row: &ThrottleRow) -> QueryResult<()> {
    crate::per_backend!(conn, |c| Cached(
        diesel::update(login_throttles::table.find(&row.throttle_key))
            .set((
                login_throttles::failures.eq(row.failures),
                login_throttles::window_started_at.eq(row.window_started_at),
                login_throttles::locked_until.eq(row.locked_until),
                login_throttles::lock_count.eq(row.lock_count),
                login_throttles::updated_at.eq(row.updated_at),
                login_throttles::pending.eq(row.pending),
                login_throttles::pending_until.eq(row.pending_until),
            ))
            .returning(login_throttles::throttle_key)
    )
    .load::<String>(c))
    .map(|_| ())
}

pub fn delete(conn: &mut DbConnection, key: &str) -> QueryResult<()> {
    diesel::delete(login_throttles::table.find(key))
        .execute(conn)
        .map(|_| ())
}
