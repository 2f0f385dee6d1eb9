//! The `sms_budget_counters`, `sms_country_traffic` and `authenticator_limits`
//! tables: budgets of texts, shared by every process on the database.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::{
    schema::{authenticator_limits, sms_budget_counters, sms_country_traffic},
    DbConnection,
};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sms_budget_counters)]
struct CounterRow {
    budget_key: String,
    window_started_at: NaiveDateTime,
    sends: i64,
    updated_at: NaiveDateTime,
}

fn is_unique_violation(error: &diesel::result::Error) -> bool {
    matches!(
        error,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

/// Counts one text against `key` if its current window (`window` long) has
/// room under `limit` (at least 1). `Ok(None)` when counted; `Ok(Some(ends))` when the
/// budget is used up until `ends`. Each step is one conditional statement, so
/// concurrent callers (PostgreSQL re-checks the condition on the row they
/// waited for) never count past the limit; the count is undone with the
/// caller's transaction.
pub fn try_charge(
    conn: &mut DbConnection,
    key: &str,
    limit: i64,
    window: Duration,
    at: NaiveDateTime,
) -> QueryResult<Option<NaiveDateTime>> {
    let window_open_since = at - window;
    for _ in 0..2 {
        // The window is over: this text starts a new one.
        let restarted = diesel::update(
            sms_budget_counters::table
                .find(key)
                .filter(sms_budget_counters::window_started_at.le(window_open_since)),
        )
        .set((
            sms_budget_counters::sends.eq(1),
            sms_budget_counters::window_started_at.eq(at),
            sms_budget_counters::updated_at.eq(at),
        ))
        .execute(conn)?;
        if restarted > 0 {
            return Ok(None);
        }
        let counted = diesel::update(
            sms_budget_counters::table
                .find(key)
                .filter(sms_budget_counters::window_started_at.gt(window_open_since))
                .filter(sms_budget_counters::sends.lt(limit)),
        )
        .set((
            sms_budget_counters::sends.eq(sms_budget_counters::sends + 1),
            sms_budget_counters::updated_at.eq(at),
        ))
        .execute(conn)?;
        if counted > 0 {
            return Ok(None);
        }
        let started: Option<NaiveDateTime> = sms_budget_counters::table
            .find(key)
            .select(sms_budget_counters::window_started_at)
            .first(conn)
            .optional()?;
        if let Some(started) = started {
            return Ok(Some(started + window));
        }
        // The key's first text. A savepoint, so losing the race to another
        // process's insert leaves the surrounding transaction usable; the
        // loop then counts against the winner's row.
        let fresh = CounterRow {
            budget_key: key.to_owned(),
            window_started_at: at,
            sends: 1,
            updated_at: at,
        };
        match conn.transaction(|conn| {
            diesel::insert_into(sms_budget_counters::table)
                .values(&fresh)
                .execute(conn)
        }) {
            Ok(_) => return Ok(None),
            Err(error) if is_unique_violation(&error) => continue,
            Err(error) => return Err(error),
        }
    }
    // Inserted by another process and then full: refused for a window.
    Ok(Some(at + window))
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sms_country_traffic)]
struct TrafficRow {
    calling_code: String,
    bucket_start: NaiveDateTime,
    sends: i64,
}

/// Counts one system text to `calling_code` in the bucket starting at
/// `bucket_start`; a new bucket also drops those older than `forget_before`.
pub fn record_country_text(
    conn: &mut DbConnection,
    calling_code: &str,
    bucket_start: NaiveDateTime,
    forget_before: NaiveDateTime,
) -> QueryResult<()> {
    let bucket = sms_country_traffic::table
        .filter(sms_country_traffic::calling_code.eq(calling_code))
        .filter(sms_country_traffic::bucket_start.eq(bucket_start));
    if diesel::update(bucket)
        .set(sms_country_traffic::sends.eq(sms_country_traffic::sends + 1))
        .execute(conn)?
        > 0
    {
        return Ok(());
    }
    let fresh = TrafficRow {
        calling_code: calling_code.to_owned(),
        bucket_start,
        sends: 1,
    };
    match conn.transaction(|conn| {
        diesel::insert_into(sms_country_traffic::table)
            .values(&fresh)
            .execute(conn)
    }) {
        Ok(_) => {
            diesel::delete(
                sms_country_traffic::table
                    .filter(sms_country_traffic::calling_code.eq(calling_code))
                    .filter(sms_country_traffic::bucket_start.lt(forget_before)),
            )
            .execute(conn)?;
            Ok(())
        }
        Err(error) if is_unique_violation(&error) => diesel::update(bucket)
            .set(sms_country_traffic::sends.eq(sms_country_traffic::sends + 1))
            .execute(conn)
            .map(|_| ()),
        Err(error) => Err(error),
    }
}

/// System texts to `calling_code` in buckets starting in `[from, to)`.
pub fn country_texts_between(
    conn: &mut DbConnection,
    calling_code: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<i64> {
    let counts: Vec<i64> = sms_country_traffic::table
        .filter(sms_country_traffic::calling_code.eq(calling_code))
        .filter(sms_country_traffic::bucket_start.ge(from))
        .filter(sms_country_traffic::bucket_start.lt(to))
        .select(sms_country_traffic::sends)
        .load(conn)?;
    Ok(counts.into_iter().sum())
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = authenticator_limits)]
pub struct AuthenticatorLimitsRow {
    pub account_id: String,
    pub per_number_per_hour: i64,
    pub per_number_per_day: i64,
    pub updated_at: NaiveDateTime,
}

pub fn find_authenticator_limits(
    conn: &mut DbConnection,
    account_id: &str,
) -> QueryResult<Option<AuthenticatorLimitsRow>> {
    authenticator_limits::table
        .find(account_id)
        .select(AuthenticatorLimitsRow::as_select())
        .first(conn)
        .optional()
}

/// Stores the account's limits, replacing earlier ones.
pub fn save_authenticator_limits(
    conn: &mut DbConnection,
    row: &AuthenticatorLimitsRow,
) -> QueryResult<()> {
    let updated = diesel::update(authenticator_limits::table.find(&row.account_id))
        .set(row)
        .execute(conn)?;
    if updated > 0 {
        return Ok(());
    }
    // A savepoint: a concurrent first save wins the insert, this one then updates.
    match conn.transaction(|conn| {
        diesel::insert_into(authenticator_limits::table)
            .values(row)
            .execute(conn)
    }) {
        Ok(_) => Ok(()),
        Err(error) if is_unique_violation(&error) => {
            diesel::update(authenticator_limits::table.find(&row.account_id))
                .set(row)
                .execute(conn)
                .map(|_| ())
        }
        Err(error) => Err(error),
    }
}
