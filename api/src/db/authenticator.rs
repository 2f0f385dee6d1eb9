//! The `authenticator_codes` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{schema::authenticator_codes, DbConnection};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = authenticator_codes)]
pub struct CodeRow {
    pub id: String,
    pub account_id: String,
    pub recipient: String,
    pub code_hash: String,
    pub message_id: String,
    pub attempts: i64,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub verified_at: Option<NaiveDateTime>,
}

pub fn insert_code(conn: &mut DbConnection, code: &CodeRow) -> QueryResult<()> {
    diesel::insert_into(authenticator_codes::table)
        .values(code)
        .execute(conn)
        .map(|_| ())
}

pub fn find_account_code(
    conn: &mut DbConnection,
    account_id: &str,
    id: &str,
) -> QueryResult<Option<CodeRow>> {
    authenticator_codes::table
        .find(id)
        .filter(authenticator_codes::account_id.eq(account_id))
        .select(CodeRow::as_select())
        .first(conn)
        .optional()
}

/// Counts an attempt, and marks the code verified when `right`, only while the
/// code is open (not verified, not expired, fewer than `max_attempts`): one
/// conditional UPDATE, so racing attempts cannot undo a verification, verify
/// twice, or pass the limit. False (and no change) when the code was closed.
pub fn record_attempt(
    conn: &mut DbConnection,
    id: &str,
    right: bool,
    at: NaiveDateTime,
    max_attempts: i64,
) -> QueryResult<bool> {
    let open = authenticator_codes::table
        .find(id)
        .filter(authenticator_codes::verified_at.is_null())
        .filter(authenticator_codes::expires_at.gt(at))
        .filter(authenticator_codes::attempts.lt(max_attempts));
    let attempt = authenticator_codes::attempts.eq(authenticator_codes::attempts + 1);
    let updated = if right {
        diesel::update(open)
            .set((attempt, authenticator_codes::verified_at.eq(Some(at))))
            .execute(conn)?
    } else {
        diesel::update(open).set(attempt).execute(conn)?
    };
    Ok(updated == 1)
}
