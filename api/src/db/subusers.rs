//! Subusers: their `accounts` rows (with `parent_id`), grants, granted sender
//! names and contact groups, and monthly points usage.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    accounts::AccountRow,
    schema::{
        accounts, sender_names, sessions, subuser_contact_groups, subuser_grants, subuser_senders,
        subuser_usage,
    },
    DbConnection,
};

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = subuser_grants, treat_none_as_null = true)]
pub struct GrantsRow {
    pub account_id: String,
    /// Space-separated portal permission names.
    pub portal: String,
    /// Space-separated scope names.
    pub scopes: String,
    /// Comma-separated `mon`…`sun`.
    pub window_days: Option<String>,
    pub window_start: Option<String>,
    pub window_end: Option<String>,
    pub window_time_zone: Option<String>,
    pub monthly_points_limit: Option<i64>,
    pub invitation_pending: bool,
    pub updated_at: NaiveDateTime,
}

pub fn insert_grants(conn: &mut DbConnection, row: &GrantsRow) -> QueryResult<()> {
    diesel::insert_into(subuser_grants::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Replaces the grants (all but `invitation_pending`).
pub fn update_grants(conn: &mut DbConnection, row: &GrantsRow) -> QueryResult<()> {
    diesel::update(subuser_grants::table.find(&row.account_id))
        .set((
            subuser_grants::portal.eq(&row.portal),
            subuser_grants::scopes.eq(&row.scopes),
            subuser_grants::window_days.eq(&row.window_days),
            subuser_grants::window_start.eq(&row.window_start),
            subuser_grants::window_end.eq(&row.window_end),
            subuser_grants::window_time_zone.eq(&row.window_time_zone),
            subuser_grants::monthly_points_limit.eq(row.monthly_points_limit),
            subuser_grants::updated_at.eq(row.updated_at),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn find_grants(conn: &mut DbConnection, account_id: &str) -> QueryResult<Option<GrantsRow>> {
    subuser_grants::table
        .find(account_id)
        .select(GrantsRow::as_select())
        .first(conn)
        .optional()
}

pub fn set_invitation_pending(
    conn: &mut DbConnection,
    account_id: &str,
    pending: bool,
) -> QueryResult<()> {
    diesel::update(subuser_grants::table.find(account_id))
        .set(subuser_grants::invitation_pending.eq(pending))
        .execute(conn)
        .map(|_| ())
}

/// The granted sender names: `(sender id, name, status)`, by name.
pub fn granted_senders(
    conn: &mut DbConnection,
    account_id: &str,
) -> QueryResult<Vec<(String, String, String)>> {
    subuser_senders::table
        .inner_join(sender_names::table)
        .filter(subuser_senders::account_id.eq(account_id))
        .order(sender_names::name.asc())
        .select((sender_names::id, sender_names::name, sender_names::status))
        .load(conn)
}

pub fn set_senders(
    conn: &mut DbConnection,
    account_id: &str,
    sender_ids: &[String],
) -> QueryResult<()> {
    diesel::delete(subuser_senders::table.filter(subuser_senders::account_id.eq(account_id)))
        .execute(conn)?;
    for id in sender_ids {
        diesel::insert_into(subuser_senders::table)
            .values((
                subuser_senders::account_id.eq(account_id),
                subuser_senders::sender_id.eq(id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Ids of the granted contact groups.
pub fn granted_groups(conn: &mut DbConnection, account_id: &str) -> QueryResult<Vec<String>> {
    subuser_contact_groups::table
        .filter(subuser_contact_groups::account_id.eq(account_id))
        .order(subuser_contact_groups::group_id.asc())
        .select(subuser_contact_groups::group_id)
        .load(conn)
}

pub fn set_groups(
    conn: &mut DbConnection,
    account_id: &str,
    group_ids: &[String],
) -> QueryResult<()> {
    diesel::delete(
        subuser_contact_groups::table.filter(subuser_contact_groups::account_id.eq(account_id)),
    )
    .execute(conn)?;
    for id in group_ids {
        diesel::insert_into(subuser_contact_groups::table)
            .values((
                subuser_contact_groups::account_id.eq(account_id),
                subuser_contact_groups::group_id.eq(id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The owner's subusers (not deleted), oldest first.
pub fn list_subusers(conn: &mut DbConnection, owner_id: &str) -> QueryResult<Vec<AccountRow>> {
    accounts::table
        .filter(accounts::parent_id.eq(owner_id))
        .filter(accounts::deleted_at.is_null())
        .order((accounts::created_at.asc(), accounts::id.asc()))
        .select(AccountRow::as_select())
        .load(conn)
}

/// One of the owner's subusers (not deleted).
pub fn find_subuser(
    conn: &mut DbConnection,
    owner_id: &str,
    id: &str,
) -> QueryResult<Option<AccountRow>> {
    accounts::table
        .find(id)
        .filter(accounts::parent_id.eq(owner_id))
        .filter(accounts::deleted_at.is_null())
        .select(AccountRow::as_select())
        .first(conn)
        .optional()
}

/// Ids of every subuser the owner ever had (deleted ones too), for the security log.
pub fn all_subuser_ids(conn: &mut DbConnection, owner_id: &str) -> QueryResult<Vec<String>> {
    accounts::table
        .filter(accounts::parent_id.eq(owner_id))
        .select(accounts::id)
        .load(conn)
}

pub fn set_phone(
    conn: &mut DbConnection,
    id: &str,
    phone: Option<&str>,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(accounts::table.find(id))
        .set((accounts::phone.eq(phone), accounts::updated_at.eq(at)))
        .execute(conn)
        .map(|_| ())
}

/// Disables (`Some(at)`) or re-enables (`None`); false if unchanged.
pub fn set_disabled(
    conn: &mut DbConnection,
    id: &str,
    disabled_at: Option<NaiveDateTime>,
) -> QueryResult<bool> {
    let target = accounts::table.find(id);
    let changed = match disabled_at {
        Some(at) => diesel::update(target.filter(accounts::disabled_at.is_null()))
            .set(accounts::disabled_at.eq(Some(at)))
            .execute(conn)?,
        None => diesel::update(target.filter(accounts::disabled_at.is_not_null()))
            .set(accounts::disabled_at.eq(None::<NaiveDateTime>))
            .execute(conn)?,
    };
    Ok(changed > 0)
}

/// Marks the subuser deleted and frees its e-mail for another login; the row
/// stays so the security log and message history still name it.
pub fn mark_deleted(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(accounts::table.find(id))
        .set((
            accounts::deleted_at.eq(Some(at)),
            accounts::disabled_at.eq(Some(at)),
            accounts::email_normalized.eq(format!("deleted:{id}")),
            accounts::updated_at.eq(at),
        ))
        .execute(conn)?;
    diesel::delete(subuser_grants::table.find(id)).execute(conn)?;
    diesel::delete(subuser_senders::table.filter(subuser_senders::account_id.eq(id)))
        .execute(conn)?;
    diesel::delete(subuser_contact_groups::table.filter(subuser_contact_groups::account_id.eq(id)))
        .execute(conn)?;
    Ok(())
}

/// The newest sign-in (session start) of the login.
pub fn last_login(conn: &mut DbConnection, id: &str) -> QueryResult<Option<NaiveDateTime>> {
    sessions::table
        .filter(sessions::account_id.eq(id))
        .select(diesel::dsl::max(sessions::created_at))
        .first(conn)
}

/// Points the subuser spent in `month` (`YYYY-MM`).
pub fn points_used(conn: &mut DbConnection, id: &str, month: &str) -> QueryResult<i64> {
    Ok(subuser_usage::table
        .find((id, month))
        .select(subuser_usage::points_used)
        .first(conn)
        .optional()?
        .unwrap_or(0))
}

/// Adds `points` to the month's usage unless that would pass `limit`; false
/// when it would. One conditional update, so concurrent sends cannot both
/// pass the check and overspend; the month's row is made first if missing.
pub fn charge_usage(
    conn: &mut DbConnection,
    id: &str,
    month: &str,
    points: i64,
    limit: Option<i64>,
) -> QueryResult<bool> {
    insert_usage_row(conn, id, month)?;
    let target = subuser_usage::table.find((id, month));
    let updated = match limit {
        Some(limit) => diesel::update(target.filter(subuser_usage::points_used.le(limit - points)))
            .set(subuser_usage::points_used.eq(subuser_usage::points_used + points))
            .execute(conn)?,
        None => diesel::update(target)
            .set(subuser_usage::points_used.eq(subuser_usage::points_used + points))
            .execute(conn)?,
    };
    Ok(updated == 1)
}

/// Gives `points` back to the month's usage (a refunded message).
pub fn refund_usage(
    conn: &mut DbConnection,
    id: &str,
    month: &str,
    points: i64,
) -> QueryResult<()> {
    diesel::update(subuser_usage::table.find((id, month)))
        .set(subuser_usage::points_used.eq(subuser_usage::points_used - points))
        .execute(conn)
        .map(|_| ())
}

fn insert_usage_row(conn: &mut DbConnection, id: &str, month: &str) -> QueryResult<()> {
    use diesel::sql_types::Text;
    match conn {
        DbConnection::Postgres(pg) => diesel::sql_query(
            "INSERT INTO subuser_usage (account_id, month, points_used) VALUES ($1, $2, 0) \
             ON CONFLICT DO NOTHING",
        )
        .bind::<Text, _>(id)
        .bind::<Text, _>(month)
        .execute(pg)?,
        DbConnection::Sqlite(sqlite) => diesel::sql_query(
            "INSERT INTO subuser_usage (account_id, month, points_used) VALUES (?, ?, 0) \
             ON CONFLICT DO NOTHING",
        )
        .bind::<Text, _>(id)
        .bind::<Text, _>(month)
        .execute(sqlite)?,
    };
    Ok(())
}
