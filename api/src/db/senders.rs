//! The `sender_names` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{schema::sender_names, DbConnection};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sender_names)]
pub struct SenderRow {
    pub id: String,
    pub account_id: String,
    pub name: String,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
}

pub fn list_senders(conn: &mut DbConnection, account_id: &str) -> QueryResult<Vec<SenderRow>> {
    sender_names::table
        .filter(sender_names::account_id.eq(account_id))
        .order(sender_names::name.asc())
        .select(SenderRow::as_select())
        .load(conn)
}

pub fn find_by_name(
    conn: &mut DbConnection,
    account_id: &str,
    name: &str,
) -> QueryResult<Option<SenderRow>> {
    sender_names::table
        .filter(
            sender_names::account_id
                .eq(account_id)
                .and(sender_names::name.eq(name)),
        )
        .select(SenderRow::as_select())
        .first(conn)
        .optional()
}

/// Every account's sender names with this status (e.g. `requested`), oldest first.
pub fn list_by_status(conn: &mut DbConnection, status: &str) -> QueryResult<Vec<SenderRow>> {
    sender_names::table
        .filter(sender_names::status.eq(status))
        .order((sender_names::created_at.asc(), sender_names::id.asc()))
        .select(SenderRow::as_select())
        .load(conn)
}

/// One sender name, whoever's.
pub fn find_sender(conn: &mut DbConnection, id: &str) -> QueryResult<Option<SenderRow>> {
    sender_names::table
        .find(id)
        .select(SenderRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert_sender(conn: &mut DbConnection, sender: &SenderRow) -> QueryResult<()> {
    diesel::insert_into(sender_names::table)
        .values(sender)
        .execute(conn)
        .map(|_| ())
}

pub fn delete_sender(conn: &mut DbConnection, account_id: &str, id: &str) -> QueryResult<bool> {
    diesel::delete(
        sender_names::table
            .find(id)
            .filter(sender_names::account_id.eq(account_id)),
    )
    .execute(conn)
    .map(|n| n > 0)
}

/// Records the operator's decision; false when there is no such sender.
pub fn decide(
    conn: &mut DbConnection,
    id: &str,
    status: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(sender_names::table.find(id))
        .set((
            sender_names::status.eq(status),
            sender_names::decided_at.eq(at),
        ))
        .execute(conn)
        .map(|n| n > 0)
}
