//! The `messages`, `idempotency_keys`, `message_texts_to_deliver`,
//! `account_countries` and `trial_restriction_lifts` tables, and points.

use chrono::NaiveDateTime;
use diesel::{
    dsl::case_when,
    prelude::*,
    sql_types::{Bool, Nullable},
};

use super::{
    cached::Cached,
    one_of::OneOf,
    schema::{
        account_countries, accounts, idempotency_keys, message_senders, message_texts_to_deliver,
        messages, trial_restriction_lifts,
    },
    DbConnection,
};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = messages)]
// `None` is stored as NULL (the columns' default anyway), which lets SQLite
// take many rows in one INSERT (`sms_batches`).
#[diesel(treat_none_as_default_value = false)]
pub struct MessageRow {
    pub id: String,
    pub account_id: String,
    pub token_id: Option<String>,
    pub recipient: String,
    pub country: String,
    pub sender: Option<String>,
    pub body: String,
    pub encoding: String,
    pub parts: i64,
    pub points: i64,
    pub status: String,
    pub idempotency_key: Option<String>,
    pub error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    pub claimed_at: Option<NaiveDateTime>,
}

/// Notes the subuser who sent a message.
pub fn record_sent_by(
    conn: &mut DbConnection,
    message_id: &str,
    subuser_id: &str,
) -> QueryResult<()> {
    diesel::insert_into(message_senders::table)
        .values((
            message_senders::message_id.eq(message_id),
            message_senders::account_id.eq(subuser_id),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The subuser who sent a message, if one did (a lookup for [`super::Db::find`]).
#[diesel::dsl::auto_type(no_type_alias)]
pub fn message_sender(message_id: String) -> _ {
    message_senders::table
        .find(message_id)
        .select(message_senders::account_id)
}

pub fn sent_by(conn: &mut DbConnection, message_id: &str) -> QueryResult<Option<String>> {
    message_sender(message_id.to_owned()).first(conn).optional()
}

/// Stores a message. On the backend's own connection: through the
/// multi-backend one, the statement's text is built (and looked up by it)
/// on every run.
pub fn insert_message(conn: &mut DbConnection, message: &MessageRow) -> QueryResult<()> {
    crate::per_backend!(conn, |c| diesel::insert_into(messages::table)
        .values(message)
        .execute(c)
        .map(|_| ()))
}

/// The message `id`, whichever account's (a lookup for [`super::Db::find`];
/// the caller checks the account). Every column, which [`MessageRow`] takes
/// in the table's order: the same query then suits both backends'
/// connections (`as_select` is per backend).
///
/// By the primary key alone: with `AND account_id = $2` PostgreSQL may plan
/// the lookup on `messages_account_created` whenever its statistics think
/// the account has few messages (before an ANALYZE catches up with a bulk
/// send), and then scans every message of the account per read: 120–220 ms
/// per `GET /api/v1/sms/{id}` in the bench, beside bulk sends.
#[diesel::dsl::auto_type(no_type_alias)]
pub fn message_by_id(id: String) -> _ {
    messages::table.find(id)
}

/// The message a sender (login and credential, see `services::sms::messages`) already
/// sent with this key, with the hash of the request that sent it (`None` for
/// keys kept from before requests were hashed).
pub fn find_by_idempotency_key(
    conn: &mut DbConnection,
    account_id: &str,
    sender: &str,
    key: &str,
) -> QueryResult<Option<(MessageRow, Option<String>)>> {
    idempotency_keys::table
        .inner_join(messages::table)
        .filter(idempotency_keys::account_id.eq(account_id))
        .filter(idempotency_keys::sender.eq(sender))
        .filter(idempotency_keys::idempotency_key.eq(key))
        .select((MessageRow::as_select(), idempotency_keys::request_hash))
        .first(conn)
        .optional()
}

/// Records the key a message was sent with. The primary key (account, sender,
/// key) makes a second message with the same key fail, so two retries racing
/// across processes send once.
pub fn insert_idempotency_key(
    conn: &mut DbConnection,
    message: &MessageRow,
    sender: &str,
    key: &str,
    request_hash: &str,
) -> QueryResult<()> {
    // On the backend's own connection, as [`insert_message`].
    let insert = diesel::insert_into(idempotency_keys::table).values((
        idempotency_keys::account_id.eq(&message.account_id),
        idempotency_keys::sender.eq(sender),
        idempotency_keys::idempotency_key.eq(key),
        idempotency_keys::request_hash.eq(request_hash),
        idempotency_keys::message_id.eq(&message.id),
        idempotency_keys::created_at.eq(message.created_at),
    ));
    crate::per_backend!(conn, |c| insert.execute(c).map(|_| ()))
}

/// Keeps the text to deliver of a message whose stored body is redacted,
/// until the transport has it.
pub fn insert_text_to_deliver(
    conn: &mut DbConnection,
    message_id: &str,
    body: &str,
) -> QueryResult<()> {
    diesel::insert_into(message_texts_to_deliver::table)
        .values((
            message_texts_to_deliver::message_id.eq(message_id),
            message_texts_to_deliver::body.eq(body),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The texts to deliver, by message id, of those of `ids` that have one.
pub fn texts_to_deliver(
    conn: &mut DbConnection,
    ids: &[String],
) -> QueryResult<Vec<(String, String)>> {
    let ids = OneOf::new(message_texts_to_deliver::message_id, ids);
    crate::per_backend!(conn, |c| message_texts_to_deliver::table
        .filter(&ids)
        .select((
            message_texts_to_deliver::message_id,
            message_texts_to_deliver::body,
        ))
        .load(c))
}

fn forget_text_to_deliver(conn: &mut DbConnection, message_id: &str) -> QueryResult<()> {
    diesel::delete(message_texts_to_deliver::table.find(message_id))
        .execute(conn)
        .map(|_| ())
}

/// The account's messages, newest first, before the message `before` (by id) if given.
pub fn list_messages(
    conn: &mut DbConnection,
    account_id: &str,
    sent_by: Option<&str>,
    before: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<MessageRow>> {
    let mut query = messages::table
        .filter(messages::account_id.eq(account_id))
        .select(MessageRow::as_select())
        .order(messages::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(sent_by) = sent_by {
        query = query.filter(
            messages::id.eq_any(
                message_senders::table
                    .filter(message_senders::account_id.eq(sent_by.to_owned()))
                    .select(message_senders::message_id),
            ),
        );
    }
    if let Some(before) = before {
        query = query.filter(messages::id.lt(before.to_owned()));
    }
    query.load(conn)
}

/// Takes `points` from the balance if it covers them; false (and no change) otherwise.
/// One conditional UPDATE, so concurrent sends can never overspend.
pub fn charge_points(conn: &mut DbConnection, account_id: &str, points: i64) -> QueryResult<bool> {
    ChargePoints { account_id, points }
        .execute(conn)
        .map(|n| n == 1)
}

/// [`charge_points`]' UPDATE, written as a query of its own because it runs
/// on every send: diesel prepares every UPDATE it builds anew each time (it
/// never caches one), and on SQLite that preparing cost more than the
/// update itself. A fixed text with a static query id is prepared once per
/// connection and then reused.
struct ChargePoints<'a> {
    account_id: &'a str,
    points: i64,
}

impl diesel::query_builder::QueryId for ChargePoints<'_> {
    type QueryId = ChargePoints<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<DB> diesel::query_builder::QueryFragment<DB> for ChargePoints<'_>
where
    DB: diesel::backend::Backend
        + diesel::sql_types::HasSqlType<diesel::sql_types::BigInt>
        + diesel::sql_types::HasSqlType<diesel::sql_types::Text>,
    i64: diesel::serialize::ToSql<diesel::sql_types::BigInt, DB>,
    str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, DB>,
    ) -> QueryResult<()> {
        push_charge(&mut out, self.account_id, &self.points)
    }
}

/// The conditional UPDATE that takes `points` from the account's balance if
/// it covers them: [`ChargePoints`], and the first part of the statements
/// that charge and store at once.
fn push_charge<'b, DB>(
    out: &mut diesel::query_builder::AstPass<'_, 'b, DB>,
    account_id: &'b str,
    points: &'b i64,
) -> QueryResult<()>
where
    DB: diesel::backend::Backend
        + diesel::sql_types::HasSqlType<diesel::sql_types::BigInt>
        + diesel::sql_types::HasSqlType<diesel::sql_types::Text>,
    i64: diesel::serialize::ToSql<diesel::sql_types::BigInt, DB>,
    str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
{
    use diesel::sql_types::{BigInt, Text};
    out.push_sql("UPDATE accounts SET points_balance = points_balance - ");
    out.push_bind_param::<BigInt, _>(points)?;
    out.push_sql(" WHERE id = ");
    out.push_bind_param::<Text, _>(account_id)?;
    out.push_sql(" AND points_balance >= ");
    out.push_bind_param::<BigInt, _>(points)?;
    Ok(())
}

impl<Conn> RunQueryDsl<Conn> for ChargePoints<'_> {}

/// The idempotency key a message is sent with, recorded with it by
/// [`charge_and_store`] (see [`insert_idempotency_key`]).
#[derive(Clone, Copy)]
pub struct KeyToRecord<'a> {
    pub sender: &'a str,
    pub key: &'a str,
    pub request_hash: &'a str,
}

/// Takes the message's points from the balance if it covers them and then
/// stores the message and the key it was sent with; false (and nothing
/// changed) when the balance falls short.
///
/// On PostgreSQL this is one statement (a data-modifying `WITH`): one round
/// trip instead of three, and the balance row is locked by the statement
/// before the commit only, so sends of one account queue for it for less
/// time. SQLite has no writes in `WITH`, and its statements are calls within
/// the process: there it is the three statements.
pub fn charge_and_store(
    conn: &mut DbConnection,
    message: &MessageRow,
    key: Option<KeyToRecord<'_>>,
) -> QueryResult<bool> {
    match conn {
        DbConnection::Postgres(c) => {
            // The key's parts, or NULLs: then its INSERT takes no row.
            let (sender, key, request_hash) = match key {
                Some(k) => (Some(k.sender), Some(k.key), Some(k.request_hash)),
                None => (None, None, None),
            };
            ChargeAndStore {
                message,
                sender,
                key,
                request_hash,
            }
            .execute(c)
            .map(|n| n == 1)
        }
        DbConnection::Sqlite(_) => {
            if !charge_points(conn, &message.account_id, message.points)? {
                return Ok(false);
            }
            insert_message(conn, message)?;
            if let Some(key) = key {
                insert_idempotency_key(conn, message, key.sender, key.key, key.request_hash)?;
            }
            Ok(true)
        }
    }
}

/// [`charge_and_store`]'s statement on PostgreSQL, a fixed text with a
/// static query id (prepared once per connection, like [`ChargePoints`]).
struct ChargeAndStore<'a> {
    message: &'a MessageRow,
    sender: Option<&'a str>,
    key: Option<&'a str>,
    request_hash: Option<&'a str>,
}

impl diesel::query_builder::QueryId for ChargeAndStore<'_> {
    type QueryId = ChargeAndStore<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for ChargeAndStore<'_> {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> QueryResult<()> {
        use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};
        let m = self.message;
        out.push_sql("WITH charged AS (");
        push_charge(&mut out, &m.account_id, &m.points)?;
        out.push_sql(
            " RETURNING id), recorded AS (INSERT INTO idempotency_keys \
             (account_id, sender, idempotency_key, request_hash, message_id, created_at) \
             SELECT id, ",
        );
        out.push_bind_param::<Nullable<Text>, _>(&self.sender)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Text>, _>(&self.key)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Text>, _>(&self.request_hash)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&m.id)?;
        out.push_sql(", ");
        out.push_bind_param::<Timestamp, _>(&m.created_at)?;
        out.push_sql(" FROM charged WHERE ");
        out.push_bind_param::<Nullable<Text>, _>(&self.key)?;
        out.push_sql(
            " IS NOT NULL) INSERT INTO messages (id, account_id, token_id, recipient, \
             country, sender, body, encoding, parts, points, status, idempotency_key, error, \
             created_at, sent_at, claimed_at) SELECT ",
        );
        out.push_bind_param::<Text, _>(&m.id)?;
        out.push_sql(", id, ");
        out.push_bind_param::<Nullable<Text>, _>(&m.token_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&m.recipient)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&m.country)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Text>, _>(&m.sender)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&m.body)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&m.encoding)?;
        out.push_sql(", ");
        out.push_bind_param::<BigInt, _>(&m.parts)?;
        out.push_sql(", ");
        out.push_bind_param::<BigInt, _>(&m.points)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&m.status)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Text>, _>(&m.idempotency_key)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Text>, _>(&m.error)?;
        out.push_sql(", ");
        out.push_bind_param::<Timestamp, _>(&m.created_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Timestamp>, _>(&m.sent_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Timestamp>, _>(&m.claimed_at)?;
        out.push_sql(" FROM charged");
        Ok(())
    }
}

impl<Conn> RunQueryDsl<Conn> for ChargeAndStore<'_> {}

/// A message to store with [`charge_and_store_all`], and the key it was sent with.
pub struct ToStore<'a> {
    pub message: &'a MessageRow,
    pub key: Option<KeyToRecord<'a>>,
}

/// [`charge_and_store`] for many messages of one account at once: their
/// points taken from its balance together, if it covers them all, and every
/// message and key stored; false (and nothing changed) when it does not.
///
/// On PostgreSQL this is one statement for all of them, whatever their
/// number (their columns bound as arrays, which `unnest` turns into rows):
/// a group of sends costs the writer one round trip instead of one each.
/// On SQLite it is one UPDATE of the balance and the rows' INSERTs.
pub fn charge_and_store_all(
    conn: &mut DbConnection,
    account_id: &str,
    messages: &[ToStore<'_>],
) -> QueryResult<bool> {
    let points = messages.iter().map(|m| m.message.points).sum();
    match (conn, messages) {
        (conn, [one]) => charge_and_store(conn, one.message, one.key),
        (DbConnection::Postgres(c), _) => {
            // Every message is stored when the balance is charged (its rows
            // join the charged account's), none when it is not.
            match ChargeAndStoreAll::new(account_id, points, messages).execute(c)? {
                0 => Ok(false),
                n if n == messages.len() => Ok(true),
                n => Err(diesel::result::Error::DeserializationError(
                    format!("{n} messages stored of {}", messages.len()).into(),
                )),
            }
        }
        (conn, _) => {
            if !charge_points(conn, account_id, points)? {
                return Ok(false);
            }
            for m in messages {
                insert_message(conn, m.message)?;
                if let Some(k) = &m.key {
                    insert_idempotency_key(conn, m.message, k.sender, k.key, k.request_hash)?;
                }
            }
            Ok(true)
        }
    }
}

/// [`charge_and_store_all`]'s statement on PostgreSQL: each column of the
/// messages (and of their keys) is one array parameter, so the text is the
/// same for any number of messages (prepared once per connection).
struct ChargeAndStoreAll<'a> {
    account_id: &'a str,
    points: i64,
    id: Vec<&'a str>,
    token_id: Vec<Option<&'a str>>,
    recipient: Vec<&'a str>,
    country: Vec<&'a str>,
    sender: Vec<Option<&'a str>>,
    body: Vec<&'a str>,
    encoding: Vec<&'a str>,
    parts: Vec<i64>,
    message_points: Vec<i64>,
    status: Vec<&'a str>,
    idempotency_key: Vec<Option<&'a str>>,
    error: Vec<Option<&'a str>>,
    created_at: Vec<NaiveDateTime>,
    sent_at: Vec<Option<NaiveDateTime>>,
    claimed_at: Vec<Option<NaiveDateTime>>,
    key_sender: Vec<Option<&'a str>>,
    key: Vec<Option<&'a str>>,
    request_hash: Vec<Option<&'a str>>,
}

impl<'a> ChargeAndStoreAll<'a> {
    fn new(account_id: &'a str, points: i64, messages: &'a [ToStore<'a>]) -> Self {
        let column = |f: fn(&'a ToStore<'a>) -> &'a str| messages.iter().map(f).collect();
        let optional = |f: fn(&'a ToStore<'a>) -> Option<&'a str>| messages.iter().map(f).collect();
        Self {
            account_id,
            points,
            id: column(|m| &m.message.id),
            token_id: optional(|m| m.message.token_id.as_deref()),
            recipient: column(|m| &m.message.recipient),
            country: column(|m| &m.message.country),
            sender: optional(|m| m.message.sender.as_deref()),
            body: column(|m| &m.message.body),
            encoding: column(|m| &m.message.encoding),
            parts: messages.iter().map(|m| m.message.parts).collect(),
            message_points: messages.iter().map(|m| m.message.points).collect(),
            status: column(|m| &m.message.status),
            idempotency_key: optional(|m| m.message.idempotency_key.as_deref()),
            error: optional(|m| m.message.error.as_deref()),
            created_at: messages.iter().map(|m| m.message.created_at).collect(),
            sent_at: messages.iter().map(|m| m.message.sent_at).collect(),
            claimed_at: messages.iter().map(|m| m.message.claimed_at).collect(),
            key_sender: optional(|m| m.key.as_ref().map(|k| k.sender)),
            key: optional(|m| m.key.as_ref().map(|k| k.key)),
            request_hash: optional(|m| m.key.as_ref().map(|k| k.request_hash)),
        }
    }
}

impl diesel::query_builder::QueryId for ChargeAndStoreAll<'_> {
    type QueryId = ChargeAndStoreAll<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for ChargeAndStoreAll<'_> {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> QueryResult<()> {
        use diesel::sql_types::{Array, BigInt, Nullable, Text, Timestamp};
        out.push_sql("WITH charged AS (");
        push_charge(&mut out, self.account_id, &self.points)?;
        out.push_sql(" RETURNING id), m AS (SELECT * FROM unnest(");
        out.push_bind_param::<Array<Text>, _>(&self.id)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.token_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.recipient)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.country)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.sender)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.body)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.encoding)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<BigInt>, _>(&self.parts)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<BigInt>, _>(&self.message_points)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.status)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.idempotency_key)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.error)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Timestamp>, _>(&self.created_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Timestamp>>, _>(&self.sent_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Timestamp>>, _>(&self.claimed_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.key_sender)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.key)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.request_hash)?;
        out.push_sql(
            ") AS m (id, token_id, recipient, country, sender, body, encoding, parts, points, \
             status, idempotency_key, error, created_at, sent_at, claimed_at, key_sender, \
             key, request_hash)), \
             recorded AS (INSERT INTO idempotency_keys \
             (account_id, sender, idempotency_key, request_hash, message_id, created_at) \
             SELECT charged.id, m.key_sender, m.key, m.request_hash, m.id, m.created_at \
             FROM charged, m WHERE m.key IS NOT NULL) \
             INSERT INTO messages (id, account_id, token_id, recipient, country, sender, body, \
             encoding, parts, points, status, idempotency_key, error, created_at, sent_at, \
             claimed_at) SELECT m.id, charged.id, m.token_id, m.recipient, m.country, \
             m.sender, m.body, m.encoding, m.parts, m.points, m.status, m.idempotency_key, \
             m.error, m.created_at, m.sent_at, m.claimed_at FROM charged, m",
        );
        Ok(())
    }
}

impl<Conn> RunQueryDsl<Conn> for ChargeAndStoreAll<'_> {}

/// Adds `delta` points (negative: deducts) unless that would leave the
/// balance below zero; the new balance, or `None` (and no change).
pub fn adjust_points(
    conn: &mut DbConnection,
    account_id: &str,
    delta: i64,
) -> QueryResult<Option<i64>> {
    let changed = diesel::update(
        accounts::table
            .find(account_id)
            .filter(accounts::points_balance.ge(-delta)),
    )
    .set(accounts::points_balance.eq(accounts::points_balance + delta))
    .execute(conn)?;
    if changed == 0 {
        return Ok(None);
    }
    points_balance(conn, account_id).map(Some)
}

pub fn points_balance(conn: &mut DbConnection, account_id: &str) -> QueryResult<i64> {
    accounts::table
        .find(account_id)
        .select(accounts::points_balance)
        .first(conn)
}

/// The countries the account may text at `at`, sorted: its country filter
/// without the exceptions that expired by then.
pub fn allowed_countries(
    conn: &mut DbConnection,
    account_id: &str,
    at: NaiveDateTime,
) -> QueryResult<Vec<String>> {
    account_countries::table
        .filter(account_countries::account_id.eq(account_id))
        .filter(
            account_countries::expires_at
                .is_null()
                .or(account_countries::expires_at.gt(at)),
        )
        .order(account_countries::country.asc())
        .select(account_countries::country)
        .load(conn)
}

/// The account's country filter as stored, expired exceptions included
/// (until the sweep removes them), sorted: each country and when it stops
/// being allowed.
pub fn country_filter_entries(
    conn: &mut DbConnection,
    account_id: &str,
) -> QueryResult<Vec<(String, Option<NaiveDateTime>)>> {
    account_countries::table
        .filter(account_countries::account_id.eq(account_id))
        .order(account_countries::country.asc())
        .select((account_countries::country, account_countries::expires_at))
        .load(conn)
}

/// The filter's entry for `country` if it allows it at `at`.
#[diesel::dsl::auto_type(no_type_alias)]
fn allowing_entry(account_id: String, country: String, at: NaiveDateTime) -> _ {
    account_countries::table.filter(
        account_countries::account_id
            .eq(account_id)
            .and(account_countries::country.eq(country))
            .and(
                account_countries::expires_at
                    .is_null()
                    .or(account_countries::expires_at.gt(at)),
            ),
    )
}

pub fn country_allowed(
    conn: &mut DbConnection,
    account_id: &str,
    country: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(allowing_entry(
        account_id.to_owned(),
        country.to_owned(),
        at,
    )))
    .get_result(conn)
}

/// What a send reads before it charges, in one query (one round trip
/// instead of four).
#[derive(Debug)]
pub struct SendChecks {
    /// The sender already used the idempotency key (then
    /// [`find_by_idempotency_key`] has the first message).
    pub key_used: bool,
    /// [`country_allowed`].
    pub country_allowed: bool,
    /// [`trial_home_country`].
    pub trial_home: Option<String>,
}

/// [`SendChecks`] of a send by `sender` (its idempotency key, if any) from
/// `account_id` to `country` at `at`.
pub fn send_checks(
    conn: &mut DbConnection,
    account_id: &str,
    sender: &str,
    key: Option<&str>,
    country: &str,
    at: NaiveDateTime,
) -> QueryResult<SendChecks> {
    // No key is ever empty, so a send without one finds nothing.
    let key = key.unwrap_or("");
    // On the backend's own connection, as [`insert_message`].
    let checks = diesel::select((
        diesel::dsl::exists(
            idempotency_keys::table
                .filter(idempotency_keys::account_id.eq(account_id))
                .filter(idempotency_keys::sender.eq(sender))
                .filter(idempotency_keys::idempotency_key.eq(key)),
        ),
        diesel::dsl::exists(allowing_entry(
            account_id.to_owned(),
            country.to_owned(),
            at,
        )),
        diesel::dsl::exists(trial_restriction_lifts::table.find(account_id)),
        accounts::table
            .find(account_id)
            .select(accounts::country)
            .single_value(),
    ));
    let (key_used, country_allowed, lifted, home): (bool, bool, bool, Option<String>) =
        crate::per_backend!(conn, |c| checks.get_result(c))?;
    Ok(SendChecks {
        key_used,
        country_allowed,
        trial_home: home.filter(|_| !lifted),
    })
}

/// What [`send_checks`] is asked about one send.
pub struct SendToCheck<'a> {
    pub account_id: &'a str,
    pub sender: &'a str,
    pub key: Option<&'a str>,
    pub country: &'a str,
    pub at: NaiveDateTime,
}

/// [`send_checks`] of many sends, in their order. On PostgreSQL one query for
/// all of them (their arguments as arrays, which `unnest` turns into rows);
/// on SQLite, whose queries are calls within the process, one each.
pub fn send_checks_all(
    conn: &mut DbConnection,
    sends: &[SendToCheck<'_>],
) -> QueryResult<Vec<SendChecks>> {
    let one = |conn: &mut DbConnection, s: &SendToCheck<'_>| {
        send_checks(conn, s.account_id, s.sender, s.key, s.country, s.at)
    };
    match conn {
        DbConnection::Postgres(c) if sends.len() > 1 => {
            let rows: Vec<(bool, bool, bool, Option<String>)> = SendChecksAll {
                account_id: sends.iter().map(|s| s.account_id).collect(),
                sender: sends.iter().map(|s| s.sender).collect(),
                // No key is ever empty, so a send without one finds nothing.
                key: sends.iter().map(|s| s.key.unwrap_or("")).collect(),
                country: sends.iter().map(|s| s.country).collect(),
                at: sends.iter().map(|s| s.at).collect(),
            }
            .load(c)?;
            if rows.len() != sends.len() {
                return Err(diesel::result::Error::DeserializationError(
                    format!("{} checks for {} sends", rows.len(), sends.len()).into(),
                ));
            }
            Ok(rows
                .into_iter()
                .map(|(key_used, country_allowed, lifted, home)| SendChecks {
                    key_used,
                    country_allowed,
                    trial_home: home.filter(|_| !lifted),
                })
                .collect())
        }
        conn => sends.iter().map(|s| one(conn, s)).collect(),
    }
}

/// [`send_checks_all`]'s query on PostgreSQL: [`send_checks`]' four answers
/// for each send, in the sends' order.
struct SendChecksAll<'a> {
    account_id: Vec<&'a str>,
    sender: Vec<&'a str>,
    key: Vec<&'a str>,
    country: Vec<&'a str>,
    at: Vec<NaiveDateTime>,
}

impl diesel::query_builder::QueryId for SendChecksAll<'_> {
    type QueryId = SendChecksAll<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl diesel::query_builder::Query for SendChecksAll<'_> {
    type SqlType = (Bool, Bool, Bool, Nullable<diesel::sql_types::Text>);
}

impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for SendChecksAll<'_> {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> QueryResult<()> {
        use diesel::sql_types::{Array, Text, Timestamp};
        // Each lookup is by a primary key, as a scalar subquery: PostgreSQL
        // may turn `EXISTS` into a hash of the whole table when it plans the
        // statement while the table is small (a new database), and keeps
        // that plan for the connection while the table grows: 1 ms per
        // group at 25,000 keys instead of 0.2.
        out.push_sql(
            "SELECT COALESCE((SELECT true FROM idempotency_keys k \
             WHERE k.account_id = s.account_id AND k.sender = s.sender \
             AND k.idempotency_key = s.key), false), \
             COALESCE((SELECT true FROM account_countries c \
             WHERE c.account_id = s.account_id AND c.country = s.country \
             AND (c.expires_at IS NULL OR c.expires_at > s.at)), false), \
             COALESCE((SELECT true FROM trial_restriction_lifts t \
             WHERE t.account_id = s.account_id), false), \
             (SELECT a.country FROM accounts a WHERE a.id = s.account_id) \
             FROM unnest(",
        );
        out.push_bind_param::<Array<Text>, _>(&self.account_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.sender)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.key)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.country)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Timestamp>, _>(&self.at)?;
        out.push_sql(
            ") WITH ORDINALITY AS s (account_id, sender, key, country, at, n) ORDER BY s.n",
        );
        Ok(())
    }
}

impl<Conn> RunQueryDsl<Conn> for SendChecksAll<'_> {}

/// Deletes every country exception that expired at or before `at`; returns
/// them as (account, country, expiry).
pub fn delete_expired_countries(
    conn: &mut DbConnection,
    at: NaiveDateTime,
) -> QueryResult<Vec<(String, String, NaiveDateTime)>> {
    let expired: Vec<(String, String, Option<NaiveDateTime>)> = account_countries::table
        .filter(account_countries::expires_at.le(at))
        .select((
            account_countries::account_id,
            account_countries::country,
            account_countries::expires_at,
        ))
        .load(conn)?;
    let mut deleted = Vec::new();
    for (account_id, country, until) in expired {
        let n = diesel::delete(
            account_countries::table
                .filter(account_countries::account_id.eq(&account_id))
                .filter(account_countries::country.eq(&country))
                .filter(account_countries::expires_at.le(at)),
        )
        .execute(conn)?;
        if let (1, Some(until)) = (n, until) {
            deleted.push((account_id, country, until));
        }
    }
    Ok(deleted)
}

/// The account's home country while it is restricted to it (trial points:
/// no lift recorded), else `None`.
pub fn trial_home_country(
    conn: &mut DbConnection,
    account_id: &str,
) -> QueryResult<Option<String>> {
    let lifted: bool = diesel::select(diesel::dsl::exists(
        trial_restriction_lifts::table.find(account_id),
    ))
    .get_result(conn)?;
    if lifted {
        return Ok(None);
    }
    accounts::table
        .find(account_id)
        .select(accounts::country)
        .first(conn)
        .optional()
}

/// Records that the account's trial restriction was lifted by `by`; false
/// (and no change) when it already was. The primary key decides races.
pub fn lift_trial_restriction(
    conn: &mut DbConnection,
    account_id: &str,
    by: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let inserted = diesel::insert_into(trial_restriction_lifts::table)
        .values((
            trial_restriction_lifts::account_id.eq(account_id),
            trial_restriction_lifts::lifted_by.eq(by),
            trial_restriction_lifts::lifted_at.eq(at),
        ))
        .execute(conn);
    match inserted {
        Ok(n) => Ok(n == 1),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(false),
        Err(error) => Err(error),
    }
}

/// Replaces the account's country filter: each country, and when it stops
/// being allowed (`None`: it does not).
pub fn set_countries(
    conn: &mut DbConnection,
    account_id: &str,
    countries: &[(String, Option<NaiveDateTime>)],
) -> QueryResult<()> {
    diesel::delete(account_countries::table.filter(account_countries::account_id.eq(account_id)))
        .execute(conn)?;
    for (country, expires_at) in countries {
        diesel::insert_into(account_countries::table)
            .values((
                account_countries::account_id.eq(account_id),
                account_countries::country.eq(country),
                account_countries::expires_at.eq(expires_at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// `messages.status = status`, written so that no database looks rows up by it:
/// for a condition on rows found by their ids (`id IN (…)`). SQLite, which has
/// no statistics here (nothing runs ANALYZE), takes an equality on an indexed
/// column as more selective than a list of ids, and so walked every queued
/// message of the backlog, through `messages_status_created`, to claim 500 of
/// them: 55 ms per claim behind a 300,000-message bulk send (2.6 ms by id), most
/// of the dispatcher's time and a third of a core taken from the senders. A
/// CASE is used by no index, on either database.
#[diesel::dsl::auto_type(no_type_alias)]
fn status_is(status: &'static str) -> _ {
    let is: diesel::dsl::Eq<messages::status, &'static str> = messages::status.eq(status);
    case_when::<_, _, Bool>(is, true).otherwise(false)
}

/// Claims up to `limit` messages to hand to the transport, oldest first:
/// ones whose claim is older than `stale_before` (their dispatcher died),
/// then queued ones, except those of suspended companies, in the caller's
/// transaction. The candidates are each a walk of the index on (status,
/// created_at) that stops at the limit (one query for both kinds, an OR of
/// the two statuses, read and sorted the whole backlog on every claim
/// behind a bulk send). One conditional UPDATE claims them and returns the
/// rows it stamped: on PostgreSQL another dispatcher may claim a candidate
/// first, and the UPDATE's own condition (still claimable) then skips it,
/// so two dispatchers never take the same message.
pub fn claim_for_dispatch(
    conn: &mut DbConnection,
    limit: i64,
    at: NaiveDateTime,
    stale_before: NaiveDateTime,
) -> QueryResult<Vec<MessageRow>> {
    // A suspended company's messages are held (left queued) until it is
    // reinstated: what it queued before the suspension does not go out.
    let suspended = || {
        crate::db::schema::account_suspensions::table
            .select(crate::db::schema::account_suspensions::account_id)
    };
    let mut candidates: Vec<String> = messages::table
        .filter(messages::status.eq("sending"))
        .filter(messages::claimed_at.lt(stale_before))
        .filter(messages::account_id.ne_all(suspended()))
        .order(messages::created_at.asc())
        .limit(limit)
        .select(messages::id)
        .load(conn)?;
    let room = limit - candidates.len() as i64;
    if room > 0 {
        candidates.extend(
            messages::table
                .filter(messages::status.eq("queued"))
                .filter(messages::account_id.ne_all(suspended()))
                .order(messages::created_at.asc())
                .limit(room)
                .select(messages::id)
                .load::<String>(conn)?,
        );
    }
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    // Still claimable: queued, or claimed before `stale_before`. Checked on the
    // candidates' rows, never used to find them (see [`status_is`]).
    let claimable = case_when::<_, _, Nullable<Bool>>(messages::status.eq("queued"), Some(true))
        .when(
            messages::status.eq("sending"),
            messages::claimed_at.lt(stale_before),
        )
        .otherwise(Some(false));
    // One text whatever the count (see `OneOf`), prepared once (`Cached`).
    let candidates = OneOf::new(messages::id, &candidates);
    let mut claimed: Vec<MessageRow> = crate::per_backend!(conn, |c| Cached(
        diesel::update(messages::table.filter(&candidates).filter(claimable))
            .set((messages::status.eq("sending"), messages::claimed_at.eq(at)))
            .returning(messages::all_columns)
    )
    .get_results(c))?;
    // RETURNING keeps no order.
    claimed.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    Ok(claimed)
}

/// Marks messages sent at once, and drops the texts kept for the transport
/// of those among them that had one (`with_texts`), in the caller's transaction.
pub fn mark_all_sent(
    conn: &mut DbConnection,
    ids: &[String],
    with_texts: &[String],
    at: NaiveDateTime,
) -> QueryResult<()> {
    if !ids.is_empty() {
        // One text whatever the count (see `OneOf`), prepared once (`Cached`,
        // which runs as a load).
        let ids = OneOf::new(messages::id, ids);
        let _: Vec<String> = crate::per_backend!(conn, |c| Cached(
            diesel::update(messages::table.filter(&ids).filter(status_is("sending")))
                .set((messages::status.eq("sent"), messages::sent_at.eq(at)))
                .returning(messages::id)
        )
        .load(c))?;
    }
    if !with_texts.is_empty() {
        let with_texts = OneOf::new(messages::id, with_texts);
        crate::per_backend!(conn, |c| {
            let now_sent = messages::table
                .filter(&with_texts)
                .filter(status_is("sent"))
                .select(messages::id);
            diesel::delete(
                message_texts_to_deliver::table
                    .filter(message_texts_to_deliver::message_id.eq_any(now_sent)),
            )
            .execute(c)
        })?;
    }
    Ok(())
}

/// Marks a message failed for good and gives its points back.
pub fn mark_failed_and_refund(
    conn: &mut DbConnection,
    message: &MessageRow,
    error: &str,
) -> QueryResult<()> {
    let updated = diesel::update(
        messages::table
            .find(&message.id)
            .filter(messages::status.eq("sending")),
    )
    .set((messages::status.eq("failed"), messages::error.eq(error)))
    .execute(conn)?;
    if updated == 1 {
        forget_text_to_deliver(conn, &message.id)?;
        diesel::update(accounts::table.find(&message.account_id))
            .set(accounts::points_balance.eq(accounts::points_balance + message.points))
            .execute(conn)?;
        // A subuser's message also gives the points back to their month.
        if let Some(subuser_id) = sent_by(conn, &message.id)? {
            let month = message.created_at.format("%Y-%m").to_string();
            super::subusers::refund_usage(conn, &subuser_id, &month, message.points)?;
        }
    }
    Ok(())
}

/// Messages waiting for the transport: queued, or claimed and not yet handed over.
pub fn count_waiting(conn: &mut DbConnection) -> QueryResult<i64> {
    messages::table
        .filter(messages::status.eq_any(["queued", "sending"]))
        .count()
        .get_result(conn)
}

/// The countries the account sent messages to since `since`, each once.
pub fn countries_sent_to_since(
    conn: &mut DbConnection,
    account_id: &str,
    since: NaiveDateTime,
) -> QueryResult<Vec<String>> {
    messages::table
        .filter(messages::account_id.eq(account_id))
        .filter(messages::created_at.ge(since))
        .select(messages::country)
        .distinct()
        .order(messages::country.asc())
        .load(conn)
}
