//! The `sms_batches` and `sms_batch_messages` tables: bulk sends, each
//! recipient an ordinary row of `messages` at its index in the batch.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    schema::{message_senders, messages, sms_batch_messages, sms_batches},
    sms::MessageRow,
    DbConnection,
};

/// Rows per multi-row INSERT. SQLite allows 32,766 bound values a statement
/// (since 3.32) and PostgreSQL 65,535: 500 rows of `messages` (16 columns)
/// bind 8,000, well inside both.
const ROWS_PER_INSERT: usize = 500;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sms_batches)]
pub struct BatchRow {
    pub id: String,
    pub account_id: String,
    pub sent_by: Option<String>,
    pub token_id: Option<String>,
    pub group_id: Option<String>,
    pub sender: Option<String>,
    pub body: String,
    pub encoding: String,
    pub parts: i64,
    pub recipients: i64,
    pub points: i64,
    pub key_sender: Option<String>,
    pub idempotency_key: Option<String>,
    pub request_hash: Option<String>,
    pub created_at: NaiveDateTime,
}

/// One recipient of a batch: its index in the request and its message.
#[derive(Debug, Clone, Queryable)]
pub struct BatchRecipientRow {
    pub position: i64,
    pub message_id: String,
    pub recipient: String,
    pub country: String,
    pub status: String,
    pub sent_at: Option<NaiveDateTime>,
}

/// Inserts `rows` into `table` a chunk at a time, as multi-row INSERTs on
/// the backend's own connection (diesel's batch insert is not available on
/// the multi-backend connection; the statement is the same SQL on both).
macro_rules! insert_chunked {
    ($conn:expr, $table:expr, $rows:expr) => {{
        for chunk in $rows.chunks(ROWS_PER_INSERT) {
            match &mut *$conn {
                DbConnection::Sqlite(c) => diesel::insert_into($table).values(chunk).execute(c)?,
                DbConnection::Postgres(c) => {
                    diesel::insert_into($table).values(chunk).execute(c)?
                }
            };
        }
        Ok(())
    }};
}

#[derive(Insertable)]
#[diesel(table_name = sms_batch_messages)]
struct BatchMessageLink<'a> {
    batch_id: &'a str,
    position: i64,
    message_id: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = message_senders)]
struct MessageSender<'a> {
    message_id: &'a str,
    account_id: &'a str,
}

/// Stores a batch with its messages (in the caller's transaction): the
/// batch, every message in multi-row INSERTs, their indexes in the batch,
/// and the subuser who sent them, if one did.
pub fn insert_batch(
    conn: &mut DbConnection,
    batch: &BatchRow,
    messages_in_order: &[MessageRow],
) -> QueryResult<()> {
    diesel::insert_into(sms_batches::table)
        .values(batch)
        .execute(conn)?;
    insert_messages(conn, messages_in_order)?;
    let links: Vec<BatchMessageLink<'_>> = messages_in_order
        .iter()
        .enumerate()
        .map(|(position, message)| BatchMessageLink {
            batch_id: &batch.id,
            position: position as i64,
            message_id: &message.id,
        })
        .collect();
    insert_links(conn, &links)?;
    if let Some(subuser) = &batch.sent_by {
        let senders: Vec<MessageSender<'_>> = messages_in_order
            .iter()
            .map(|message| MessageSender {
                message_id: &message.id,
                account_id: subuser,
            })
            .collect();
        insert_senders(conn, &senders)?;
    }
    Ok(())
}

fn insert_messages(conn: &mut DbConnection, rows: &[MessageRow]) -> QueryResult<()> {
    insert_chunked!(conn, messages::table, rows)
}

fn insert_links(conn: &mut DbConnection, rows: &[BatchMessageLink<'_>]) -> QueryResult<()> {
    insert_chunked!(conn, sms_batch_messages::table, rows)
}

fn insert_senders(conn: &mut DbConnection, rows: &[MessageSender<'_>]) -> QueryResult<()> {
    insert_chunked!(conn, message_senders::table, rows)
}

/// The account's batch `id`; for a subuser (`sent_by`) only one they sent.
pub fn find_batch(
    conn: &mut DbConnection,
    account_id: &str,
    sent_by: Option<&str>,
    id: &str,
) -> QueryResult<Option<BatchRow>> {
    let mut query = sms_batches::table
        .filter(sms_batches::id.eq(id.to_owned()))
        .filter(sms_batches::account_id.eq(account_id.to_owned()))
        .select(BatchRow::as_select())
        .into_boxed();
    if let Some(sent_by) = sent_by {
        query = query.filter(sms_batches::sent_by.eq(sent_by.to_owned()));
    }
    query.first(conn).optional()
}

/// The batch a sender already sent with this `Idempotency-Key`.
pub fn find_by_idempotency_key(
    conn: &mut DbConnection,
    account_id: &str,
    sender: &str,
    key: &str,
) -> QueryResult<Option<BatchRow>> {
    sms_batches::table
        .filter(sms_batches::account_id.eq(account_id))
        .filter(sms_batches::key_sender.eq(sender))
        .filter(sms_batches::idempotency_key.eq(key))
        .select(BatchRow::as_select())
        .first(conn)
        .optional()
}

/// The account's batches, newest first, before batch `before` (by id) if
/// given; a subuser's (`sent_by`) only.
pub fn list_batches(
    conn: &mut DbConnection,
    account_id: &str,
    sent_by: Option<&str>,
    before: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<BatchRow>> {
    let mut query = sms_batches::table
        .filter(sms_batches::account_id.eq(account_id.to_owned()))
        .select(BatchRow::as_select())
        .order(sms_batches::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(sent_by) = sent_by {
        query = query.filter(sms_batches::sent_by.eq(sent_by.to_owned()));
    }
    if let Some(before) = before {
        query = query.filter(sms_batches::id.lt(before.to_owned()));
    }
    query.load(conn)
}

/// How many of each batch's messages are in each status: `(batch, status, count)`.
pub fn status_counts(
    conn: &mut DbConnection,
    batch_ids: &[String],
) -> QueryResult<Vec<(String, String, i64)>> {
    sms_batch_messages::table
        .inner_join(messages::table)
        .filter(sms_batch_messages::batch_id.eq_any(batch_ids))
        .group_by((sms_batch_messages::batch_id, messages::status))
        .select((
            sms_batch_messages::batch_id,
            messages::status,
            diesel::dsl::count_star(),
        ))
        .load(conn)
}

/// Up to `limit` recipients of a batch after index `after`, by index.
pub fn recipients(
    conn: &mut DbConnection,
    batch_id: &str,
    after: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<BatchRecipientRow>> {
    sms_batch_messages::table
        .inner_join(messages::table)
        .filter(sms_batch_messages::batch_id.eq(batch_id))
        .filter(sms_batch_messages::position.gt(after.unwrap_or(-1)))
        .order(sms_batch_messages::position.asc())
        .limit(limit)
        .select((
            sms_batch_messages::position,
            messages::id,
            messages::recipient,
            messages::country,
            messages::status,
            messages::sent_at,
        ))
        .load(conn)
}
