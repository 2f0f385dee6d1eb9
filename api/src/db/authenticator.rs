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

pub fn record_attempt(
    conn: &mut DbConnection,
    id: &str,
    verified_at: Option<NaiveDateTime>,
) -> QueryResult<()> {
    diesel::update(authenticator_codes::table.find(id))
        .set((
            authenticator_codes::attempts.eq(authenticator_codes::attempts + 1),
            authenticator_codes::verified_at.eq(verified_at),
        ))
        .execute(conn)
        .map(|_| ())
}
