//! Password state of accounts (the columns of `accounts` that hold the
//! current hash, when it was set and the rotation policy), the
//! `password_history` table and the `password_reset_tokens` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    schema::{accounts, password_history, password_reset_tokens},
    DbConnection,
};

/// What the password rules need to know about an account.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = accounts)]
pub struct PasswordStateRow {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub created_at: NaiveDateTime,
    pub password_changed_at: Option<NaiveDateTime>,
    pub password_rotation_required: bool,
}

impl PasswordStateRow {
    /// When the current password was set (sign-up, if never changed since).
    pub fn changed_at(&self) -> NaiveDateTime {
        self.password_changed_at.unwrap_or(self.created_at)
    }
}

/// What a new portal session of a login opens under, read in one statement:
/// its inactivity timeout choice and its password's state.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = accounts)]
pub struct SessionTermsRow {
    pub session_idle_timeout_secs: Option<i64>,
    #[diesel(embed)]
    pub password: PasswordStateRow,
}

pub fn session_terms(
    conn: &mut DbConnection,
    account_id: &str,
) -> QueryResult<Option<SessionTermsRow>> {
    accounts::table
        .find(account_id)
        .select(SessionTermsRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_state(
    conn: &mut DbConnection,
    account_id: &str,
) -> QueryResult<Option<PasswordStateRow>> {
    accounts::table
        .find(account_id)
        .select(PasswordStateRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_state_by_email(
    conn: &mut DbConnection,
    email_normalized: &str,
) -> QueryResult<Option<PasswordStateRow>> {
    accounts::table
        .filter(accounts::email_normalized.eq(email_normalized))
        .select(PasswordStateRow::as_select())
        .first(conn)
        .optional()
}

/// Holds the account's row lock until the transaction ends, so checks made
/// after it (e.g. counting recent reset links) see every earlier request's
/// writes on PostgreSQL too. (SQLite's write transactions are serial anyway.)
pub fn lock_account(conn: &mut DbConnection, account_id: &str) -> QueryResult<()> {
    diesel::update(accounts::table.find(account_id))
        .set(accounts::updated_at.eq(accounts::updated_at))
        .execute(conn)
        .map(|_| ())
}

/// Turns the rotation policy on or off; true when that changed it.
pub fn set_rotation_required(
    conn: &mut DbConnection,
    account_id: &str,
    required: bool,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        accounts::table
            .find(account_id)
            .filter(accounts::password_rotation_required.ne(required)),
    )
    .set((
        accounts::password_rotation_required.eq(required),
        accounts::updated_at.eq(at),
    ))
    .execute(conn)
    .map(|n| n > 0)
}

/// Replaces the password hash only if it still is `expected`: false when
/// another change got in first.
pub fn replace_password(
    conn: &mut DbConnection,
    account_id: &str,
    expected: &str,
    new_hash: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        accounts::table
            .find(account_id)
            .filter(accounts::password_hash.eq(expected)),
    )
    .set((
        accounts::password_hash.eq(new_hash),
        accounts::password_changed_at.eq(at),
        accounts::updated_at.eq(at),
    ))
    .execute(conn)
    .map(|n| n > 0)
}

/// The newest `limit` earlier password hashes of the account, newest first.
pub fn earlier_hashes(
    conn: &mut DbConnection,
    account_id: &str,
    limit: i64,
) -> QueryResult<Vec<String>> {
    password_history::table
        .filter(password_history::account_id.eq(account_id))
        .order(password_history::id.desc())
        .limit(limit)
        .select(password_history::password_hash)
        .load(conn)
}

/// Keeps `hash` as the newest earlier password, forgetting all but the newest `keep`.
pub fn remember_earlier(
    conn: &mut DbConnection,
    account_id: &str,
    hash: &str,
    at: NaiveDateTime,
    keep: i64,
) -> QueryResult<()> {
    diesel::insert_into(password_history::table)
        .values((
            // Time-ordered ids: the newest sorts last even within one second.
            password_history::id.eq(format!("pwh_{}", uuid::Uuid::now_v7().simple())),
            password_history::account_id.eq(account_id),
            password_history::password_hash.eq(hash),
            password_history::created_at.eq(at),
        ))
        .execute(conn)?;
    let kept: Vec<String> = password_history::table
        .filter(password_history::account_id.eq(account_id))
        .order(password_history::id.desc())
        .limit(keep)
        .select(password_history::id)
        .load(conn)?;
    diesel::delete(
        password_history::table
            .filter(password_history::account_id.eq(account_id))
            .filter(password_history::id.ne_all(kept)),
    )
    .execute(conn)
    .map(|_| ())
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = password_reset_tokens)]
pub struct ResetTokenRow {
    pub id: String,
    pub account_id: String,
    /// Hex SHA-256 of the link's secret.
    pub token_hash: String,
    /// Where the link was asked for from.
    pub ip: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    /// `reset` or `invitation`.
    pub purpose: String,
}

pub fn insert_reset_token(conn: &mut DbConnection, row: &ResetTokenRow) -> QueryResult<()> {
    diesel::insert_into(password_reset_tokens::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Reset links made for the account since `since`.
pub fn count_reset_tokens_since(
    conn: &mut DbConnection,
    account_id: &str,
    since: NaiveDateTime,
) -> QueryResult<i64> {
    password_reset_tokens::table
        .filter(password_reset_tokens::account_id.eq(account_id))
        .filter(password_reset_tokens::created_at.ge(since))
        .count()
        .get_result(conn)
}

pub fn find_reset_token(
    conn: &mut DbConnection,
    token_hash: &str,
) -> QueryResult<Option<ResetTokenRow>> {
    password_reset_tokens::table
        .filter(password_reset_tokens::token_hash.eq(token_hash))
        .select(ResetTokenRow::as_select())
        .first(conn)
        .optional()
}

/// Marks every unused reset link of the account used; returns whether the one
/// with `id` was among them (false: it was used already).
pub fn use_reset_tokens(
    conn: &mut DbConnection,
    account_id: &str,
    id: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let claimed = diesel::update(
        password_reset_tokens::table
            .find(id)
            .filter(password_reset_tokens::used_at.is_null()),
    )
    .set(password_reset_tokens::used_at.eq(at))
    .execute(conn)?;
    diesel::update(
        password_reset_tokens::table
            .filter(password_reset_tokens::account_id.eq(account_id))
            .filter(password_reset_tokens::used_at.is_null()),
    )
    .set(password_reset_tokens::used_at.eq(at))
    .execute(conn)?;
    Ok(claimed > 0)
}
