//! The `sessions` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    accounts::AccountRow,
    cached::Cached,
    schema::{accounts, sessions},
    DbConnection,
};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub id: String,
    pub account_id: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub idle_timeout_secs: i64,
    pub ip: String,
    pub user_agent: String,
    pub ended_at: Option<NaiveDateTime>,
    pub end_reason: Option<String>,
    /// The id the API shows (`ses_…`); see `services::sessions::active_sessions`.
    pub public_id: String,
    /// Opened while a password change was due: may only change it.
    pub password_change_required: bool,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = sessions)]
pub struct NewSession<'a> {
    pub id: &'a str,
    pub account_id: &'a str,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub idle_timeout_secs: i64,
    pub ip: &'a str,
    pub user_agent: &'a str,
    pub password_change_required: bool,
}

/// Stores a new session under a fresh public id.
/// Stores a new session and answers it as stored (one round trip).
pub fn insert_session(
    conn: &mut DbConnection,
    session: &NewSession<'_>,
) -> QueryResult<SessionRow> {
    let public_id = format!("ses_{}", uuid::Uuid::now_v7().simple());
    crate::per_backend!(conn, |c| Cached(
        diesel::insert_into(sessions::table)
            .values((session, sessions::public_id.eq(&public_id)))
            .returning(SessionRow::as_returning())
    )
    .get_result::<SessionRow>(c))
}

/// The session with this id and its account, ended or not.
pub fn find_with_account(
    conn: &mut DbConnection,
    id: &str,
) -> QueryResult<Option<(SessionRow, AccountRow)>> {
    sessions::table
        .inner_join(accounts::table)
        .filter(sessions::id.eq(id))
        .select((SessionRow::as_select(), AccountRow::as_select()))
        .first(conn)
        .optional()
}

pub fn touch(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(sessions::table.find(id))
        .set(sessions::last_seen_at.eq(now))
        .execute(conn)
        .map(|_| ())
}

/// Marks a session ended (kept for the login history); a no-op if it already was.
pub fn end_session(
    conn: &mut DbConnection,
    id: &str,
    now: NaiveDateTime,
    reason: &str,
) -> QueryResult<bool> {
    diesel::update(
        sessions::table
            .find(id)
            .filter(sessions::ended_at.is_null()),
    )
    .set((sessions::ended_at.eq(now), sessions::end_reason.eq(reason)))
    .execute(conn)
    .map(|n| n > 0)
}

/// The account's sessions that are not ended and not past their lifetime at
/// `now`, most recently used first. (Idle ones are still here: their idle
/// timeout is each row's own, so the caller checks it.)
pub fn list_open_for_account(
    conn: &mut DbConnection,
    account_id: &str,
    now: NaiveDateTime,
) -> QueryResult<Vec<SessionRow>> {
    sessions::table
        .filter(sessions::account_id.eq(account_id))
        .filter(sessions::ended_at.is_null())
        .filter(sessions::expires_at.gt(now))
        .order((sessions::last_seen_at.desc(), sessions::created_at.desc()))
        .select(SessionRow::as_select())
        .load(conn)
}

/// Ends the sessions with these (storage) ids that are still open. Returns
/// how many it ended.
pub fn end_sessions(
    conn: &mut DbConnection,
    ids: &[String],
    now: NaiveDateTime,
    reason: &str,
) -> QueryResult<usize> {
    if ids.is_empty() {
        return Ok(0);
    }
    diesel::update(
        sessions::table
            .filter(sessions::id.eq_any(ids))
            .filter(sessions::ended_at.is_null()),
    )
    .set((sessions::ended_at.eq(now), sessions::end_reason.eq(reason)))
    .execute(conn)
}

/// Gives the account's open sessions a new inactivity timeout.
pub fn set_account_idle_timeout(
    conn: &mut DbConnection,
    account_id: &str,
    idle_timeout_secs: i64,
) -> QueryResult<usize> {
    diesel::update(
        sessions::table
            .filter(sessions::account_id.eq(account_id))
            .filter(sessions::ended_at.is_null()),
    )
    .set(sessions::idle_timeout_secs.eq(idle_timeout_secs))
    .execute(conn)
}

/// Ends every live session of the account but `except`; returns how many.
pub fn end_account_sessions(
    conn: &mut DbConnection,
    account_id: &str,
    except: Option<&str>,
    now: NaiveDateTime,
    reason: &str,
) -> QueryResult<usize> {
    // Session ids are never empty, so "" excepts nothing.
    diesel::update(
        sessions::table
            .filter(sessions::account_id.eq(account_id))
            .filter(sessions::ended_at.is_null())
            .filter(sessions::id.ne(except.unwrap_or_default())),
    )
    .set((sessions::ended_at.eq(now), sessions::end_reason.eq(reason)))
    .execute(conn)
}

/// Lets a session restricted to a password change do everything again.
pub fn lift_password_change_requirement(conn: &mut DbConnection, id: &str) -> QueryResult<()> {
    diesel::update(sessions::table.find(id))
        .set(sessions::password_change_required.eq(false))
        .execute(conn)
        .map(|_| ())
}
