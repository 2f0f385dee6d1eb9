//! The `login_throttles` table: failed sign-in counters and locks, shared by
//! every process on the database.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{schema::login_throttles, DbConnection};

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

/// Makes sure the row exists, then locks it for this transaction on
/// PostgreSQL (the no-op UPDATE takes the row lock) so concurrent failures
/// from several processes are counted one after another.
pub fn lock_row(conn: &mut DbConnection, key: &str, at: NaiveDateTime) -> QueryResult<ThrottleRow> {
    // A row can come and go under us on PostgreSQL: another process inserts
    // it first (our insert then fails), and a completed sign-in may delete it
    // again before our UPDATE runs. Each round either locks the row or sees
    // it change hands; the bound keeps a pathological storm from spinning.
    const ROUNDS: usize = 8;
    for _ in 0..ROUNDS {
        let touched = diesel::update(login_throttles::table.find(key))
            .set(login_throttles::updated_at.eq(at))
            .execute(conn)?;
        if touched == 0 {
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
            // A savepoint, so losing the race to another process's insert
            // does not abort the surrounding PostgreSQL transaction.
            let inserted = conn.transaction(|conn| {
                diesel::insert_into(login_throttles::table)
                    .values(&fresh)
                    .execute(conn)
            });
            match inserted {
                Ok(_) => {}
                Err(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                )) => continue,
                Err(other) => return Err(other),
            }
        }
        // The UPDATE (or our insert) holds the row's lock until the
        // transaction ends.
        return login_throttles::table
            .find(key)
            .select(ThrottleRow::as_select())
            .first(conn);
    }
    // Never seen: every round lost its row to another transaction.
    Err(diesel::result::Error::RollbackTransaction)
}

/// The row, locked for this transaction (a no-op UPDATE takes the lock on
/// PostgreSQL; a SQLite write transaction holds the database already).
pub fn find_for_update(conn: &mut DbConnection, key: &str) -> QueryResult<Option<ThrottleRow>> {
    diesel::update(login_throttles::table.find(key))
        .set(login_throttles::updated_at.eq(login_throttles::updated_at))
        .execute(conn)?;
    find(conn, key)
}

pub fn save(conn: &mut DbConnection, row: &ThrottleRow) -> QueryResult<()> {
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
        .execute(conn)
        .map(|_| ())
}

pub fn delete(conn: &mut DbConnection, key: &str) -> QueryResult<()> {
    diesel::delete(login_throttles::table.find(key))
        .execute(conn)
        .map(|_| ())
}
