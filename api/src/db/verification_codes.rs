//! The `verification_codes` table: held sign-ins and two-factor set-ups.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{schema::verification_codes, DbConnection};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = verification_codes)]
pub struct VerificationRow {
    pub id: String,
    pub account_id: String,
    pub purpose: String,
    pub channel: Option<String>,
    pub destination: Option<String>,
    pub code_hash: Option<String>,
    pub attempts: i64,
    pub sends: i64,
    pub device_hash: Option<String>,
    pub ip: String,
    pub user_agent: String,
    pub created_at: NaiveDateTime,
    pub last_sent_at: Option<NaiveDateTime>,
    pub expires_at: NaiveDateTime,
    pub consumed_at: Option<NaiveDateTime>,
    /// What the code is hashed with when not the id: the id of the held
    /// sign-in this row replaced, whose code it carries.
    pub code_salt: Option<String>,
}

pub fn insert(conn: &mut DbConnection, row: &VerificationRow) -> QueryResult<()> {
    diesel::insert_into(verification_codes::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<VerificationRow>> {
    verification_codes::table
        .find(id)
        .select(VerificationRow::as_select())
        .first(conn)
        .optional()
}

/// The newest unconsumed row of this purpose for the account.
pub fn latest_open(
    conn: &mut DbConnection,
    account_id: &str,
    purpose: &str,
) -> QueryResult<Option<VerificationRow>> {
    verification_codes::table
        .filter(verification_codes::account_id.eq(account_id))
        .filter(verification_codes::purpose.eq(purpose))
        .filter(verification_codes::consumed_at.is_null())
        .order(verification_codes::created_at.desc())
        .select(VerificationRow::as_select())
        .first(conn)
        .optional()
}

/// Counts a wrong attempt; returns the attempts now recorded.
pub fn record_failed_attempt(conn: &mut DbConnection, id: &str) -> QueryResult<()> {
    diesel::update(verification_codes::table.find(id))
        .set(verification_codes::attempts.eq(verification_codes::attempts + 1))
        .execute(conn)
        .map(|_| ())
}

/// Consumes the row; false if another request already did.
pub fn consume(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        verification_codes::table
            .find(id)
            .filter(verification_codes::consumed_at.is_null()),
    )
    .set(verification_codes::consumed_at.eq(at))
    .execute(conn)
    .map(|n| n > 0)
}

/// Stores a newly sent code: the attempt counter starts over.
pub fn record_send(
    conn: &mut DbConnection,
    id: &str,
    channel: &str,
    destination: &str,
    code_hash: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(verification_codes::table.find(id))
        .set((
            verification_codes::channel.eq(channel),
            verification_codes::destination.eq(destination),
            verification_codes::code_hash.eq(code_hash),
            verification_codes::attempts.eq(0),
            verification_codes::sends.eq(verification_codes::sends + 1),
            verification_codes::last_sent_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Serialises the sign-ins of one account from one browser until the
/// transaction ends: a PostgreSQL advisory lock (SQLite's write transactions
/// are serial already).
pub fn lock_held_sign_ins(
    conn: &mut DbConnection,
    account_id: &str,
    device_hash: &str,
) -> QueryResult<()> {
    if let DbConnection::Postgres(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind::<diesel::sql_types::Text, _>(format!("held-sign-in:{account_id}:{device_hash}"))
            .execute(pg)?;
    }
    Ok(())
}

/// The account's open held sign-ins (rows of `purposes`) started from this
/// browser, newest first.
pub fn open_for_device(
    conn: &mut DbConnection,
    account_id: &str,
    device_hash: &str,
    purposes: &[&str],
    at: NaiveDateTime,
) -> QueryResult<Vec<VerificationRow>> {
    verification_codes::table
        .filter(verification_codes::account_id.eq(account_id))
        .filter(verification_codes::device_hash.eq(device_hash))
        .filter(verification_codes::purpose.eq_any(purposes))
        .filter(verification_codes::consumed_at.is_null())
        .filter(verification_codes::expires_at.gt(at))
        .order(verification_codes::created_at.desc())
        .select(VerificationRow::as_select())
        .load(conn)
}
