//! The `security_events` table: append-only, so there is no update here.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    schema::{accounts, security_events},
    DbConnection,
};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = security_events)]
pub struct SecurityEventRow {
    pub id: String,
    pub account_id: String,
    pub actor: String,
    pub kind: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub details: String,
    pub created_at: NaiveDateTime,
}

/// Which of an account's events to read, newest first.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub kind: Option<String>,
    /// Any of these kinds (when not empty).
    pub kinds: Vec<String>,
    /// Inclusive lower bound.
    pub from: Option<NaiveDateTime>,
    /// Exclusive upper bound.
    pub to: Option<NaiveDateTime>,
    /// Only events older than this one (`created_at`, `id`): the page cursor.
    pub before: Option<(NaiveDateTime, String)>,
    /// Also the events of the account's subusers (the owner's whole log).
    pub with_subusers: bool,
}

/// The events of `account_id`, and of its subusers when `with_subusers`.
fn of_account(
    account_id: &str,
    with_subusers: bool,
) -> Box<
    dyn BoxableExpression<
        security_events::table,
        <DbConnection as diesel::Connection>::Backend,
        SqlType = diesel::sql_types::Bool,
    >,
> {
    let own = security_events::account_id.eq(account_id.to_owned());
    if with_subusers {
        Box::new(
            own.or(security_events::account_id.eq_any(
                accounts::table
                    .filter(accounts::parent_id.eq(account_id.to_owned()))
                    .select(accounts::id),
            )),
        )
    } else {
        Box::new(own)
    }
}

pub fn insert_event(conn: &mut DbConnection, event: &SecurityEventRow) -> QueryResult<()> {
    diesel::insert_into(security_events::table)
        .values(event)
        .execute(conn)
        .map(|_| ())
}

/// One of the account's events, for resolving a cursor.
pub fn find_for_account(
    conn: &mut DbConnection,
    account_id: &str,
    with_subusers: bool,
    id: &str,
) -> QueryResult<Option<SecurityEventRow>> {
    security_events::table
        .filter(of_account(account_id, with_subusers))
        .filter(security_events::id.eq(id))
        .select(SecurityEventRow::as_select())
        .first(conn)
        .optional()
}

/// The account's events matching `filter`, newest first, at most `limit`.
pub fn list_for_account(
    conn: &mut DbConnection,
    account_id: &str,
    filter: &EventFilter,
    limit: i64,
) -> QueryResult<Vec<SecurityEventRow>> {
    let mut query = security_events::table
        .filter(of_account(account_id, filter.with_subusers))
        .select(SecurityEventRow::as_select())
        .order((
            security_events::created_at.desc(),
            security_events::id.desc(),
        ))
        .limit(limit)
        .into_boxed();
    if let Some(kind) = &filter.kind {
        query = query.filter(security_events::kind.eq(kind.clone()));
    }
    if !filter.kinds.is_empty() {
        query = query.filter(security_events::kind.eq_any(filter.kinds.clone()));
    }
    if let Some(from) = filter.from {
        query = query.filter(security_events::created_at.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(security_events::created_at.lt(to));
    }
    if let Some((at, id)) = &filter.before {
        query = query.filter(
            security_events::created_at
                .lt(*at)
                .or(security_events::created_at
                    .eq(*at)
                    .and(security_events::id.lt(id.clone()))),
        );
    }
    query.load(conn)
}
