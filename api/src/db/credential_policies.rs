//! The `credential_policies`, `credential_usage` and
//! `credential_request_counts` tables: policies of API tokens and OAuth
//! clients, the points capped credentials spent, and the request counts of
//! rate-limited ones, shared by every process on the database.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    schema::{credential_policies, credential_request_counts, credential_usage},
    DbConnection,
};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = credential_policies, treat_none_as_null = true)]
pub struct PolicyRow {
    pub credential_key: String,
    pub account_id: String,
    pub token_id: Option<String>,
    pub client_id: Option<String>,
    pub countries: Option<String>,
    pub window_days: Option<String>,
    pub window_start: Option<String>,
    pub window_end: Option<String>,
    pub window_time_zone: Option<String>,
    pub daily_points_cap: Option<i64>,
    pub monthly_points_cap: Option<i64>,
    pub requests_per_minute: Option<i64>,
    pub set_by_owner: bool,
    pub updated_at: NaiveDateTime,
}

pub fn find(conn: &mut DbConnection, key: &str) -> QueryResult<Option<PolicyRow>> {
    credential_policies::table
        .find(key)
        .select(PolicyRow::as_select())
        .first(conn)
        .optional()
}

/// Every policy of the account's credentials.
pub fn list_for_account(conn: &mut DbConnection, account_id: &str) -> QueryResult<Vec<PolicyRow>> {
    credential_policies::table
        .filter(credential_policies::account_id.eq(account_id))
        .select(PolicyRow::as_select())
        .load(conn)
}

/// Stores the policy, replacing the one the credential had.
pub fn save(conn: &mut DbConnection, row: &PolicyRow) -> QueryResult<()> {
    let updated = diesel::update(credential_policies::table.find(&row.credential_key))
        .set(row)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(credential_policies::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// Moves the policy of the token `from_key`, with what it spent and its
/// request count, to the token `to_token_id` (key `to_key`), which replaces
/// it: a regenerated token keeps its caps and their usage. The old row goes
/// when its token is deleted.
pub fn move_to_token(
    conn: &mut DbConnection,
    from_key: &str,
    to_key: &str,
    to_token_id: &str,
) -> QueryResult<()> {
    let Some(row) = find(conn, from_key)? else {
        return Ok(());
    };
    diesel::insert_into(credential_policies::table)
        .values(&PolicyRow {
            credential_key: to_key.to_owned(),
            token_id: Some(to_token_id.to_owned()),
            ..row
        })
        .execute(conn)?;
    diesel::update(credential_usage::table.filter(credential_usage::credential_key.eq(from_key)))
        .set(credential_usage::credential_key.eq(to_key))
        .execute(conn)?;
    diesel::update(credential_request_counts::table.find(from_key))
        .set(credential_request_counts::credential_key.eq(to_key))
        .execute(conn)
        .map(|_| ())
}

/// Removes the credential's policy (with its usage and request counts).
pub fn delete(conn: &mut DbConnection, key: &str) -> QueryResult<()> {
    diesel::delete(credential_policies::table.find(key))
        .execute(conn)
        .map(|_| ())
}

pub fn points_used(conn: &mut DbConnection, key: &str, period: &str) -> QueryResult<i64> {
    Ok(credential_usage::table
        .find((key, period))
        .select(credential_usage::points_used)
        .first(conn)
        .optional()?
        .unwrap_or(0))
}

/// Adds `points` to the period's usage unless that would pass `cap`; false
/// when it would. One conditional update, so concurrent sends (from any
/// process: PostgreSQL re-checks the condition on the row it waited for)
/// cannot both pass the check and overspend; the period's row is made first
/// if missing. Undone with the caller's transaction.
pub fn charge_usage(
    conn: &mut DbConnection,
    key: &str,
    period: &str,
    points: i64,
    cap: i64,
) -> QueryResult<bool> {
    insert_usage_row(conn, key, period)?;
    let updated = diesel::update(
        credential_usage::table
            .find((key, period))
            .filter(credential_usage::points_used.le(cap - points)),
    )
    .set(credential_usage::points_used.eq(credential_usage::points_used + points))
    .execute(conn)?;
    Ok(updated == 1)
}

fn insert_usage_row(conn: &mut DbConnection, key: &str, period: &str) -> QueryResult<()> {
    use diesel::sql_types::Text;
    match conn {
        DbConnection::Postgres(pg) => diesel::sql_query(
            "INSERT INTO credential_usage (credential_key, period, points_used) VALUES ($1, $2, 0) \
             ON CONFLICT DO NOTHING",
        )
        .bind::<Text, _>(key)
        .bind::<Text, _>(period)
        .execute(pg)?,
        DbConnection::Sqlite(sqlite) => diesel::sql_query(
            "INSERT INTO credential_usage (credential_key, period, points_used) VALUES (?, ?, 0) \
             ON CONFLICT DO NOTHING",
        )
        .bind::<Text, _>(key)
        .bind::<Text, _>(period)
        .execute(sqlite)?,
    };
    Ok(())
}

#[derive(Debug, QueryableByName)]
struct Counted {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    requests: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    window_start: i64,
}

/// Counts one request of the credential in the fixed window starting at
/// `window_start` (Unix seconds) and answers (requests in the window so far,
/// the window's start). One atomic upsert: concurrent calls from every
/// process each get their own count. A process whose clock is a little
/// behind counts into the newer window rather than resetting it.
pub fn count_request(
    conn: &mut DbConnection,
    key: &str,
    window_start: i64,
) -> QueryResult<(i64, i64)> {
    use diesel::sql_types::{BigInt, Text};
    let counted: Counted = match conn {
        DbConnection::Postgres(pg) => diesel::sql_query(
            "INSERT INTO credential_request_counts AS c (credential_key, window_start, requests) \
             VALUES ($1, $2, 1) \
             ON CONFLICT (credential_key) DO UPDATE SET \
               requests = CASE WHEN c.window_start >= excluded.window_start \
                               THEN c.requests + 1 ELSE 1 END, \
               window_start = GREATEST(c.window_start, excluded.window_start) \
             RETURNING requests, window_start",
        )
        .bind::<Text, _>(key)
        .bind::<BigInt, _>(window_start)
        .get_result(pg)?,
        DbConnection::Sqlite(sqlite) => diesel::sql_query(
            "INSERT INTO credential_request_counts AS c (credential_key, window_start, requests) \
             VALUES (?, ?, 1) \
             ON CONFLICT (credential_key) DO UPDATE SET \
               requests = CASE WHEN c.window_start >= excluded.window_start \
                               THEN c.requests + 1 ELSE 1 END, \
               window_start = MAX(c.window_start, excluded.window_start) \
             RETURNING requests, window_start",
        )
        .bind::<Text, _>(key)
        .bind::<BigInt, _>(window_start)
        .get_result(sqlite)?,
    };
    Ok((counted.requests, counted.window_start))
}
