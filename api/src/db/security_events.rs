//! The `security_events` table: append-only, so there is no update here.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    cached::Cached,
    schema::{accounts, security_events, security_log_heads},
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
    /// Place in the login's hash chain (from 1); `None` for events from
    /// before the log was chained.
    pub seq: Option<i64>,
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
}

/// The head of one login's chain.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = security_log_heads)]
pub struct ChainHeadRow {
    pub account_id: String,
    /// The last place given out.
    pub seq: i64,
    pub last_hash: String,
    /// Events up to this place were deleted by the retention sweep…
    pub pruned_through_seq: i64,
    /// …and the chain continues from this hash (of the last deleted event).
    pub pruned_hash: String,
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
    /// Only events whose words contain a text.
    pub search: Option<EventSearch>,
}

/// A free-text search over what a person sees of an event: its kind's words,
/// the actor's e-mail, the address, the user agent and the details.
#[derive(Debug, Clone, Default)]
pub struct EventSearch {
    /// The text as a lower-cased `LIKE … ESCAPE '\'` pattern
    /// ([`like_pattern`](super::contacts::like_pattern)).
    pub pattern: String,
    /// The kinds whose words contain the text.
    pub kinds: Vec<String>,
    /// Whether to look in the details: not for text with JSON's own marks
    /// (`{`, `}`, `"`, `\`), which would find the stored form, not the words.
    pub in_details: bool,
    /// When the text reads "<browser> on <system>", as the portal names a
    /// device: a pattern for each part, both to be found in the user agent.
    pub device: Option<(String, String)>,
}

diesel::define_sql_function! {
    /// SQL's `replace`, on both backends.
    fn replace(text: diesel::sql_types::Text, from: diesel::sql_types::Text, to: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

type EventCondition = Box<
    dyn BoxableExpression<
        security_events::table,
        <DbConnection as diesel::Connection>::Backend,
        SqlType = diesel::sql_types::Nullable<diesel::sql_types::Bool>,
    >,
>;

/// The events of the account's log that `search` finds. The actor's e-mail
/// is looked up among the account's own logins only.
fn matching(account_id: &str, search: &EventSearch) -> EventCondition {
    use super::contacts::lower;
    let pattern = search.pattern.clone();
    let actors = accounts::table
        .filter(
            accounts::id
                .eq(account_id.to_owned())
                .or(accounts::parent_id.eq(account_id.to_owned())),
        )
        .filter(
            lower(accounts::email.nullable())
                .like(pattern.clone())
                .escape('\\'),
        )
        .select(accounts::id);
    let mut condition: EventCondition = Box::new(
        lower(security_events::ip)
            .like(pattern.clone())
            .escape('\\')
            .or(lower(security_events::user_agent)
                .like(pattern.clone())
                .escape('\\'))
            .or(security_events::actor.eq_any(actors).nullable()),
    );
    if search.in_details {
        condition = Box::new(
            condition
                .or(lower(security_events::details.nullable())
                    .like(pattern.clone())
                    .escape('\\'))
                // Details read with spaces for underscores (`wrong password`).
                .or(
                    lower(replace(security_events::details, "_", " ").nullable())
                        .like(pattern)
                        .escape('\\'),
                ),
        );
    }
    if !search.kinds.is_empty() {
        condition = Box::new(
            condition.or(security_events::kind
                .eq_any(search.kinds.clone())
                .nullable()),
        );
    }
    if let Some((browser, system)) = &search.device {
        condition = Box::new(
            condition.or(lower(security_events::user_agent)
                .like(browser.clone())
                .escape('\\')
                .and(
                    lower(security_events::user_agent)
                        .like(system.clone())
                        .escape('\\'),
                )),
        );
    }
    condition
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
    crate::per_backend!(conn, |c| Cached(
        diesel::insert_into(security_events::table)
            .values(event)
            .returning(security_events::id)
    )
    .load::<String>(c))
    .map(|_| ())
}

/// Takes the next place in the login's chain and answers the head as it now
/// is (`seq` is the place taken, `last_hash` the hash of the event before it).
/// The update comes first, so the head's row lock (PostgreSQL) or the write
/// lock (SQLite) is held from here until the transaction ends: writers of
/// one chain take turns. Call it inside a transaction, then
/// [`set_chain_hash`] with the new event's hash.
pub fn take_chain_place(
    conn: &mut DbConnection,
    account_id: &str,
    genesis: &str,
) -> QueryResult<ChainHeadRow> {
    // Two rounds: losing the race to insert a new chain's head means the
    // other writer's row is there to update next time.
    for _ in 0..2 {
        // The head as the update left it: one statement takes the place and reads it.
        let taken = crate::per_backend!(conn, |c| Cached(
            diesel::update(security_log_heads::table.find(account_id))
                .set(security_log_heads::seq.eq(security_log_heads::seq + 1))
                .returning(security_log_heads::all_columns)
        )
        .get_result::<ChainHeadRow>(c)
        .optional())?;
        let Some(head) = taken else {
            let fresh = ChainHeadRow {
                account_id: account_id.to_owned(),
                seq: 1,
                last_hash: genesis.to_owned(),
                pruned_through_seq: 0,
                pruned_hash: genesis.to_owned(),
            };
            // A savepoint, so losing the race does not abort a PostgreSQL transaction.
            let inserted = conn.transaction(|conn| {
                diesel::insert_into(security_log_heads::table)
                    .values(&fresh)
                    .execute(conn)
            });
            match inserted {
                Ok(_) => return Ok(fresh),
                Err(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                )) => continue,
                Err(other) => return Err(other),
            }
        };
        return Ok(head);
    }
    Err(diesel::result::Error::RollbackTransaction)
}

/// Records the hash of the event that took the head's last place.
pub fn set_chain_hash(conn: &mut DbConnection, account_id: &str, hash: &str) -> QueryResult<()> {
    crate::per_backend!(conn, |c| Cached(
        diesel::update(security_log_heads::table.find(account_id))
            .set(security_log_heads::last_hash.eq(hash))
            .returning(security_log_heads::account_id)
    )
    .load::<String>(c))
    .map(|_| ())
}

/// The head of the login's chain, if it has one.
pub fn chain_head(conn: &mut DbConnection, account_id: &str) -> QueryResult<Option<ChainHeadRow>> {
    security_log_heads::table
        .find(account_id)
        .select(ChainHeadRow::as_select())
        .first(conn)
        .optional()
}

/// Logins that have a chain, in id order after `after`, at most `limit`.
pub fn chained_logins(
    conn: &mut DbConnection,
    after: &str,
    limit: i64,
) -> QueryResult<Vec<String>> {
    security_log_heads::table
        .filter(security_log_heads::account_id.gt(after))
        .order(security_log_heads::account_id)
        .select(security_log_heads::account_id)
        .limit(limit)
        .load(conn)
}

/// The login's chained events after place `after_seq`, in chain order, at most `limit`.
pub fn chain_events(
    conn: &mut DbConnection,
    account_id: &str,
    after_seq: i64,
    limit: i64,
) -> QueryResult<Vec<SecurityEventRow>> {
    security_events::table
        .filter(security_events::account_id.eq(account_id))
        .filter(security_events::seq.gt(after_seq))
        .order(security_events::seq.asc())
        .select(SecurityEventRow::as_select())
        .limit(limit)
        .load(conn)
}

/// How many of the login's events are from before the log was chained.
pub fn count_unchained(conn: &mut DbConnection, account_id: &str) -> QueryResult<i64> {
    security_events::table
        .filter(security_events::account_id.eq(account_id))
        .filter(security_events::seq.is_null())
        .count()
        .get_result(conn)
}

/// Logins with events recorded before `cutoff`, at most `limit`.
pub fn logins_with_events_before(
    conn: &mut DbConnection,
    cutoff: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<String>> {
    security_events::table
        .filter(security_events::created_at.lt(cutoff))
        .select(security_events::account_id)
        .distinct()
        .limit(limit)
        .load(conn)
}

/// The login's latest chained event recorded before `cutoff`.
pub fn last_chained_before(
    conn: &mut DbConnection,
    account_id: &str,
    cutoff: NaiveDateTime,
) -> QueryResult<Option<(i64, String)>> {
    security_events::table
        .filter(security_events::account_id.eq(account_id))
        .filter(security_events::created_at.lt(cutoff))
        .filter(security_events::seq.is_not_null())
        .order(security_events::seq.desc())
        .select((security_events::seq, security_events::hash))
        .first::<(Option<i64>, Option<String>)>(conn)
        .optional()
        .map(|found| found.and_then(|(seq, hash)| Some((seq?, hash?))))
}

/// Deletes the login's chained events up to place `through_seq`, and its
/// unchained ones recorded before `cutoff`; records where the chain now
/// starts. Call with the head locked ([`lock_chain_head`]).
pub fn prune_chain(
    conn: &mut DbConnection,
    account_id: &str,
    through_seq: i64,
    through_hash: &str,
    cutoff: NaiveDateTime,
) -> QueryResult<usize> {
    let chained = diesel::delete(
        security_events::table
            .filter(security_events::account_id.eq(account_id))
            .filter(security_events::seq.le(through_seq)),
    )
    .execute(conn)?;
    let unchained = prune_unchained(conn, account_id, cutoff)?;
    diesel::update(security_log_heads::table.find(account_id))
        .set((
            security_log_heads::pruned_through_seq.eq(through_seq),
            security_log_heads::pruned_hash.eq(through_hash),
        ))
        .execute(conn)?;
    Ok(chained + unchained)
}

/// Deletes the login's unchained events recorded before `cutoff` (a login
/// with no chain yet).
pub fn prune_unchained(
    conn: &mut DbConnection,
    account_id: &str,
    cutoff: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::delete(
        security_events::table
            .filter(security_events::account_id.eq(account_id))
            .filter(security_events::seq.is_null())
            .filter(security_events::created_at.lt(cutoff)),
    )
    .execute(conn)
}

/// Holds the login's chain head until the transaction ends (a no-op update:
/// the row lock on PostgreSQL, the write lock on SQLite), so no event is
/// linked while the chain's start moves. False when the login has no chain.
pub fn lock_chain_head(conn: &mut DbConnection, account_id: &str) -> QueryResult<bool> {
    diesel::update(security_log_heads::table.find(account_id))
        .set(security_log_heads::seq.eq(security_log_heads::seq))
        .execute(conn)
        .map(|touched| touched > 0)
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
    if let Some(search) = &filter.search {
        query = query.filter(matching(account_id, search));
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
