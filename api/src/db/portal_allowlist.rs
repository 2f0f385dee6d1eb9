//! The `portal_allowlist_entries` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{schema::portal_allowlist_entries, DbConnection};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = portal_allowlist_entries)]
pub struct PortalAllowlistEntryRow {
    pub id: String,
    pub account_id: String,
    pub value: String,
    pub label: Option<String>,
    pub created_at: NaiveDateTime,
    /// When the entry stops letting addresses in; `None`: it does not expire.
    pub expires_at: Option<NaiveDateTime>,
}

/// The account's entries, oldest first.
pub fn list_entries(
    conn: &mut DbConnection,
    account_id: &str,
) -> QueryResult<Vec<PortalAllowlistEntryRow>> {
    portal_allowlist_entries::table
        .filter(portal_allowlist_entries::account_id.eq(account_id))
        .order((
            portal_allowlist_entries::created_at.asc(),
            portal_allowlist_entries::id.asc(),
        ))
        .select(PortalAllowlistEntryRow::as_select())
        .load(conn)
}

/// Just the values of the account's entries and their expiry (what
/// enforcement needs).
pub fn list_values(
    conn: &mut DbConnection,
    account_id: &str,
) -> QueryResult<Vec<(String, Option<NaiveDateTime>)>> {
    portal_allowlist_entries::table
        .filter(portal_allowlist_entries::account_id.eq(account_id))
        .select((
            portal_allowlist_entries::value,
            portal_allowlist_entries::expires_at,
        ))
        .load(conn)
}

/// Deletes every entry that expired at or before `at`, in accounts where an
/// entry that does not expire remains (a list is never emptied by expiry:
/// an empty list would let every address in). Returns what it deleted.
pub fn delete_expired(
    conn: &mut DbConnection,
    at: NaiveDateTime,
) -> QueryResult<Vec<PortalAllowlistEntryRow>> {
    let expired: Vec<PortalAllowlistEntryRow> = portal_allowlist_entries::table
        .filter(portal_allowlist_entries::expires_at.le(at))
        .select(PortalAllowlistEntryRow::as_select())
        .load(conn)?;
    let mut deleted = Vec::new();
    for row in expired {
        let keeps_permanent: bool = diesel::select(diesel::dsl::exists(
            portal_allowlist_entries::table
                .filter(portal_allowlist_entries::account_id.eq(&row.account_id))
                .filter(portal_allowlist_entries::expires_at.is_null()),
        ))
        .get_result(conn)?;
        if keeps_permanent && delete_entry(conn, &row.account_id, &row.id)? {
            deleted.push(row);
        }
    }
    Ok(deleted)
}

pub fn insert_entry(conn: &mut DbConnection, entry: &PortalAllowlistEntryRow) -> QueryResult<()> {
    diesel::insert_into(portal_allowlist_entries::table)
        .values(entry)
        .execute(conn)
        .map(|_| ())
}

/// Deletes one of the account's entries; false when it has none with this id.
pub fn delete_entry(conn: &mut DbConnection, account_id: &str, id: &str) -> QueryResult<bool> {
    diesel::delete(
        portal_allowlist_entries::table
            .find(id)
            .filter(portal_allowlist_entries::account_id.eq(account_id)),
    )
    .execute(conn)
    .map(|n| n > 0)
}
