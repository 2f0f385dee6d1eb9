//! The `change_notices` table: how processes sharing a SQLite file (the server
//! and the operator's command line) tell each other what cached state changed.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{schema::change_notices, DbConnection};

pub fn insert(conn: &mut DbConnection, payload: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::insert_into(change_notices::table)
        .values((
            change_notices::payload.eq(payload),
            change_notices::created_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The newest notice's place (0 when there is none).
pub fn last_seq(conn: &mut DbConnection) -> QueryResult<i64> {
    change_notices::table
        .select(diesel::dsl::max(change_notices::seq))
        .first::<Option<i64>>(conn)
        .map(Option::unwrap_or_default)
}

/// The notices after `seq`, oldest first (at most `limit`).
pub fn after(conn: &mut DbConnection, seq: i64, limit: i64) -> QueryResult<Vec<(i64, String)>> {
    change_notices::table
        .filter(change_notices::seq.gt(seq))
        .order(change_notices::seq)
        .limit(limit)
        .select((change_notices::seq, change_notices::payload))
        .load(conn)
}

/// Deletes the notices written before `before`; how many.
pub fn prune(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(change_notices::table.filter(change_notices::created_at.lt(before)))
        .execute(conn)
}
