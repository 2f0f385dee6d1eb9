//! The `trusted_devices` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{schema::trusted_devices, DbConnection};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = trusted_devices)]
pub struct TrustedDeviceRow {
    pub id: String,
    pub account_id: String,
    pub device_hash: String,
    pub user_agent: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub last_ip: String,
}

pub fn find(
    conn: &mut DbConnection,
    account_id: &str,
    device_hash: &str,
) -> QueryResult<Option<TrustedDeviceRow>> {
    trusted_devices::table
        .filter(trusted_devices::account_id.eq(account_id))
        .filter(trusted_devices::device_hash.eq(device_hash))
        .select(TrustedDeviceRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, row: &TrustedDeviceRow) -> QueryResult<()> {
    diesel::insert_into(trusted_devices::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn touch(
    conn: &mut DbConnection,
    id: &str,
    at: NaiveDateTime,
    ip: &str,
    user_agent: &str,
) -> QueryResult<()> {
    diesel::update(trusted_devices::table.find(id))
        .set((
            trusted_devices::last_seen_at.eq(at),
            trusted_devices::last_ip.eq(ip),
            trusted_devices::user_agent.eq(user_agent),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The account's trusted devices, most recently seen first.
pub fn list(conn: &mut DbConnection, account_id: &str) -> QueryResult<Vec<TrustedDeviceRow>> {
    trusted_devices::table
        .filter(trusted_devices::account_id.eq(account_id))
        .order(trusted_devices::last_seen_at.desc())
        .select(TrustedDeviceRow::as_select())
        .load(conn)
}

pub fn delete(conn: &mut DbConnection, account_id: &str, id: &str) -> QueryResult<bool> {
    diesel::delete(
        trusted_devices::table
            .find(id)
            .filter(trusted_devices::account_id.eq(account_id)),
    )
    .execute(conn)
    .map(|n| n > 0)
}

/// Forgets every trusted device of the account; returns how many there were.
pub fn delete_all(conn: &mut DbConnection, account_id: &str) -> QueryResult<usize> {
    diesel::delete(trusted_devices::table.filter(trusted_devices::account_id.eq(account_id)))
        .execute(conn)
}
