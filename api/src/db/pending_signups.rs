//! The `pending_signups` table: sign-ups waiting for their e-mail to be
//! confirmed through the mailed link.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{schema::pending_signups, DbConnection};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = pending_signups)]
pub struct PendingSignupRow {
    pub id: String,
    /// As the person typed it (trimmed); becomes the account's e-mail.
    pub email: String,
    pub email_normalized: String,
    /// Hex SHA-256 of the link's secret.
    pub token_hash: String,
    /// Argon2id hash of the chosen password.
    pub password_hash: String,
    /// E.164.
    pub phone: Option<String>,
    pub country: String,
    /// The address the sign-up came from.
    pub ip: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    /// The language chosen at sign-up (`en`, `pl`): the confirmation e-mail's and the account's.
    pub language: String,
}

pub fn insert(conn: &mut DbConnection, row: &PendingSignupRow) -> QueryResult<()> {
    diesel::insert_into(pending_signups::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn find_by_token_hash(
    conn: &mut DbConnection,
    token_hash: &str,
) -> QueryResult<Option<PendingSignupRow>> {
    pending_signups::table
        .filter(pending_signups::token_hash.eq(token_hash))
        .select(PendingSignupRow::as_select())
        .first(conn)
        .optional()
}

/// Marks this link used if it still is unused and unexpired; true when this
/// call did, so of racing confirmations (in any process) exactly one wins.
pub fn claim(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        pending_signups::table
            .find(id)
            .filter(pending_signups::used_at.is_null())
            .filter(pending_signups::expires_at.gt(at)),
    )
    .set(pending_signups::used_at.eq(at))
    .execute(conn)
    .map(|n| n == 1)
}

/// Marks every other unused link of this e-mail used (an account now has it).
pub fn retire_email(
    conn: &mut DbConnection,
    email_normalized: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        pending_signups::table
            .filter(pending_signups::email_normalized.eq(email_normalized))
            .filter(pending_signups::used_at.is_null()),
    )
    .set(pending_signups::used_at.eq(at))
    .execute(conn)
}

/// Drops sign-ups whose link expired before `before` (they can never be
/// confirmed), so the table does not keep password hashes of strangers.
pub fn delete_expired(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(pending_signups::table.filter(pending_signups::expires_at.lt(before)))
        .execute(conn)
}
