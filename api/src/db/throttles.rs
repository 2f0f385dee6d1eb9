//! The `login_throttles` table: failed sign-in counters and locks, shared by
//! every process on the database.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{cached::Cached, schema::login_throttles, DbConnection};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = login_throttles)]
// `None` is written as NULL, never as `DEFAULT`: a row is always written
// whole, and SQLite takes several rows in one insert only without `DEFAULT`.
#[diesel(treat_none_as_default_value = false)]
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

/// Runs the upsert `$query` of `$rows` (a slice) on the backend's own
/// connection (the multi-backend connection has no upsert): on PostgreSQL
/// once, with every row in one statement; on SQLite once per row, since
/// diesel writes several rows in one statement only on PostgreSQL (and a
/// call into SQLite is no round trip). `$values` is the slice, or one row
/// of it; the loaded results of every run are collected.
macro_rules! upsert_each {
    ($conn:expr, $rows:expr, |$values:ident, $c:ident| $query:expr) => {
        match $conn {
            DbConnection::Postgres($c) => {
                let $values = $rows;
                $query
            }
            DbConnection::Sqlite($c) => {
                let mut loaded = Vec::new();
                for $values in $rows {
                    loaded.extend($query?);
                }
                Ok(loaded)
            }
        }
    };
}

impl ThrottleRow {
    /// A counter that has counted nothing yet.
    fn fresh(key: &str, at: NaiveDateTime) -> Self {
        Self {
            throttle_key: key.to_owned(),
            failures: 0,
            window_started_at: at,
            locked_until: None,
            lock_count: 0,
            updated_at: at,
            pending: 0,
            pending_until: None,
        }
    }
}

/// Makes sure the row exists and locks it for this transaction on
/// PostgreSQL (see [`lock_rows`]).
pub fn lock_row(conn: &mut DbConnection, key: &str, at: NaiveDateTime) -> QueryResult<ThrottleRow> {
    let mut rows = lock_rows(conn, &[key], at)?;
    rows.pop().ok_or(diesel::result::Error::NotFound)
}

/// Makes sure each key's row exists and locks them for this transaction on
/// PostgreSQL, in one statement (an upsert of every key, returning the rows),
/// so concurrent attempts from several processes are counted one after
/// another. The rows are locked in the order of `keys` (PostgreSQL takes
/// the rows of a multi-row insert in the order of its values), so callers
/// that always list keys in one order never wait on each other in a cycle.
/// On SQLite the write transaction holds the database already. Returns the
/// rows in the order of `keys`.
///
/// One statement for all keys instead of one per key: a sign-in's guess locks
/// two or three counters, on its way to the hash and back, and every round
/// trip there kept the hash threads waiting for the next guess (a login storm
/// on PostgreSQL left them idle 15% of the time).
pub fn lock_rows(
    conn: &mut DbConnection,
    keys: &[&str],
    at: NaiveDateTime,
) -> QueryResult<Vec<ThrottleRow>> {
    let fresh: Vec<ThrottleRow> = keys.iter().map(|key| ThrottleRow::fresh(key, at)).collect();
    let rows = upsert_each!(conn, &fresh, |values, c| Cached(
        diesel::insert_into(login_throttles::table)
            .values(values)
            .on_conflict(login_throttles::throttle_key)
            .do_update()
            .set(login_throttles::updated_at.eq(at))
            .returning(login_throttles::all_columns),
    )
    .load::<ThrottleRow>(c))?;
    in_order_of(keys, rows)
}

/// `rows` in the order of `keys`, one per key.
fn in_order_of(keys: &[&str], mut rows: Vec<ThrottleRow>) -> QueryResult<Vec<ThrottleRow>> {
    keys.iter()
        .map(|key| {
            let at = rows
                .iter()
                .position(|row| row.throttle_key == *key)
                .ok_or(diesel::result::Error::NotFound)?;
            Ok(rows.swap_remove(at))
        })
        .collect()
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

/// Writes a locked row back.
pub fn save(conn: &mut DbConnection, row: &ThrottleRow) -> QueryResult<()> {
    save_all(conn, std::slice::from_ref(row))
}

/// Writes locked rows back, all in one statement (an upsert whose every row
/// is already there, so each is overwritten with the values given).
pub fn save_all(conn: &mut DbConnection, rows: &[ThrottleRow]) -> QueryResult<()> {
    use diesel::upsert::excluded;
    upsert_each!(conn, rows, |values, c| Cached(
        diesel::insert_into(login_throttles::table)
            .values(values)
            .on_conflict(login_throttles::throttle_key)
            .do_update()
            .set((
                login_throttles::failures.eq(excluded(login_throttles::failures)),
                login_throttles::window_started_at.eq(excluded(login_throttles::window_started_at)),
                login_throttles::locked_until.eq(excluded(login_throttles::locked_until)),
                login_throttles::lock_count.eq(excluded(login_throttles::lock_count)),
                login_throttles::updated_at.eq(excluded(login_throttles::updated_at)),
                login_throttles::pending.eq(excluded(login_throttles::pending)),
                login_throttles::pending_until.eq(excluded(login_throttles::pending_until)),
            ))
            .returning(login_throttles::throttle_key),
    )
    .load::<String>(c))
    .map(|_| ())
}

pub fn delete(conn: &mut DbConnection, key: &str) -> QueryResult<()> {
    diesel::delete(login_throttles::table.find(key))
        .execute(conn)
        .map(|_| ())
}
