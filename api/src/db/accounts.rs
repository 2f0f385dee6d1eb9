//! The `accounts` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    schema::{account_suspensions, accounts},
    DbConnection,
};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = accounts)]
pub struct AccountRow {
    pub id: String,
    pub email: String,
    pub email_normalized: String,
    pub password_hash: String,
    pub phone: Option<String>,
    pub country: String,
    pub points_balance: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub require_two_factor: bool,
    /// The owner, for a subuser; none for an owner.
    pub parent_id: Option<String>,
    pub disabled_at: Option<NaiveDateTime>,
}

impl AccountRow {
    /// The company account: the owner's id, for the owner and its subusers alike.
    pub fn tenant_id(&self) -> &str {
        self.parent_id.as_deref().unwrap_or(&self.id)
    }

    pub fn is_subuser(&self) -> bool {
        self.parent_id.is_some()
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = accounts)]
pub struct NewAccount<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub email_normalized: &'a str,
    pub password_hash: &'a str,
    pub phone: Option<&'a str>,
    pub country: &'a str,
    pub points_balance: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert_account(conn: &mut DbConnection, account: &NewAccount<'_>) -> QueryResult<()> {
    diesel::insert_into(accounts::table)
        .values(account)
        .execute(conn)
        .map(|_| ())
}

pub fn find_by_email(
    conn: &mut DbConnection,
    email_normalized: &str,
) -> QueryResult<Option<AccountRow>> {
    accounts::table
        .filter(accounts::email_normalized.eq(email_normalized))
        .select(AccountRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_id(conn: &mut DbConnection, id: &str) -> QueryResult<Option<AccountRow>> {
    accounts::table
        .find(id)
        .select(AccountRow::as_select())
        .first(conn)
        .optional()
}

/// An account without its secrets: what its integrators may read of it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = accounts)]
pub struct ProfileRow {
    pub id: String,
    pub email: String,
    pub country: String,
    pub points_balance: i64,
}

pub fn find_profile(conn: &mut DbConnection, id: &str) -> QueryResult<Option<ProfileRow>> {
    accounts::table
        .find(id)
        .select(ProfileRow::as_select())
        .first(conn)
        .optional()
}

/// Makes the account a subuser of `owner_id`.
pub fn set_parent(conn: &mut DbConnection, id: &str, owner_id: &str) -> QueryResult<()> {
    diesel::update(accounts::table.find(id))
        .set(accounts::parent_id.eq(Some(owner_id)))
        .execute(conn)
        .map(|_| ())
}

pub fn email_taken(conn: &mut DbConnection, email_normalized: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        accounts::table.filter(accounts::email_normalized.eq(email_normalized)),
    ))
    .get_result(conn)
}

pub fn count_accounts(conn: &mut DbConnection) -> QueryResult<i64> {
    accounts::table.count().get_result(conn)
}

/// Sets the "require two-factor for all users" policy; false if unchanged.
pub fn set_require_two_factor(
    conn: &mut DbConnection,
    id: &str,
    required: bool,
) -> QueryResult<bool> {
    diesel::update(
        accounts::table
            .find(id)
            .filter(accounts::require_two_factor.ne(required)),
    )
    .set(accounts::require_two_factor.eq(required))
    .execute(conn)
    .map(|n| n > 0)
}

/// The inactivity timeout the account chose, if it chose one.
pub fn session_idle_timeout(conn: &mut DbConnection, id: &str) -> QueryResult<Option<i64>> {
    accounts::table
        .find(id)
        .select(accounts::session_idle_timeout_secs)
        .first(conn)
        .optional()
        .map(Option::flatten)
}

pub fn set_session_idle_timeout(
    conn: &mut DbConnection,
    id: &str,
    secs: i64,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(accounts::table.find(id))
        .set((
            accounts::session_idle_timeout_secs.eq(Some(secs)),
            accounts::updated_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Suspends the account (`Some(reason)`, false if it already was) or
/// reinstates it (`None`, false if it was not suspended).
pub fn set_suspended(
    conn: &mut DbConnection,
    id: &str,
    suspension: Option<(&str, NaiveDateTime)>,
) -> QueryResult<bool> {
    let changed = match suspension {
        Some((reason, at)) => {
            if is_suspended(conn, id)? {
                0
            } else {
                diesel::insert_into(account_suspensions::table)
                    .values((
                        account_suspensions::account_id.eq(id),
                        account_suspensions::suspended_at.eq(at),
                        account_suspensions::reason.eq(reason),
                    ))
                    .execute(conn)?
            }
        }
        None => diesel::delete(account_suspensions::table.find(id)).execute(conn)?,
    };
    Ok(changed > 0)
}

/// Since when (and why) the operator has suspended the account, if it is suspended.
pub fn suspension(
    conn: &mut DbConnection,
    id: &str,
) -> QueryResult<Option<(NaiveDateTime, String)>> {
    account_suspensions::table
        .find(id)
        .select((
            account_suspensions::suspended_at,
            account_suspensions::reason,
        ))
        .first(conn)
        .optional()
}

/// Whether the account is suspended (an unknown account is not).
pub fn is_suspended(conn: &mut DbConnection, id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(account_suspensions::table.find(id))).get_result(conn)
}

/// The e-mail of each of the logins `ids` that exists, as `(id, email)`.
pub fn emails_of(conn: &mut DbConnection, ids: &[String]) -> QueryResult<Vec<(String, String)>> {
    accounts::table
        .filter(accounts::id.eq_any(ids))
        .select((accounts::id, accounts::email))
        .load(conn)
}
