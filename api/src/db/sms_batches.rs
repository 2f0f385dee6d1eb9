//! The `sms_batches` and `sms_batch_messages` tables: bulk sends, each
//! recipient an ordinary row of `messages` at its index in the batch.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    schema::{messages, sms_batch_messages, sms_batches},
    DbConnection,
};

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

/// What every message of a batch shares, and what each has of its own, in
/// the batch's order (`ids[i]` goes to `recipients[i]` in `countries[i]`).
pub struct NewBatchMessages<'a> {
    pub account_id: &'a str,
    pub token_id: Option<&'a str>,
    pub sender: Option<&'a str>,
    pub body: &'a str,
    pub encoding: &'a str,
    pub parts: i64,
    pub points: i64,
    pub status: &'a str,
    pub created_at: NaiveDateTime,
    pub ids: Vec<String>,
    pub recipients: Vec<&'a str>,
    pub countries: Vec<&'a str>,
}

/// Stores a batch with its messages (in the caller's transaction): the
/// batch, every message, their indexes in the batch, and the subuser who
/// sent them, if one did.
///
/// Each table takes its rows in one short statement that is the same
/// whatever the batch's size: what the messages share is bound once, and
/// what each has of its own goes as arrays (PostgreSQL, `unnest`) or one
/// JSON array (SQLite, `json_each`), which the database walks itself. A
/// multi-row INSERT instead binds every column of every row (8,000 values
/// for 500 rows), built and prepared again for each chunk, and on SQLite
/// diesel runs it as a statement per row, built again for each row.
pub fn insert_batch(
    conn: &mut DbConnection,
    batch: &BatchRow,
    messages: &NewBatchMessages<'_>,
) -> QueryResult<()> {
    use diesel::sql_types::{Array, BigInt, Nullable, Text, Timestamp};

    diesel::insert_into(sms_batches::table)
        .values(batch)
        .execute(conn)?;
    let m = messages;
    // What the messages share is bound first (parameters 1 to 9), the rows last.
    let sql = match conn {
        DbConnection::Postgres(_) => {
            "INSERT INTO messages (account_id, token_id, sender, body, encoding, parts, \
             points, status, created_at, id, recipient, country) \
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, m.id, m.recipient, m.country \
             FROM unnest($10::text[], $11::text[], $12::text[]) AS m (id, recipient, country)"
        }
        DbConnection::Sqlite(_) => {
            "INSERT INTO messages (account_id, token_id, sender, body, encoding, parts, \
             points, status, created_at, id, recipient, country) \
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, value ->> 0, value ->> 1, value ->> 2 \
             FROM json_each(?10) ORDER BY key"
        }
    };
    let shared = diesel::sql_query(sql)
        .bind::<Text, _>(m.account_id)
        .bind::<Nullable<Text>, _>(m.token_id)
        .bind::<Nullable<Text>, _>(m.sender)
        .bind::<Text, _>(m.body)
        .bind::<Text, _>(m.encoding)
        .bind::<BigInt, _>(m.parts)
        .bind::<BigInt, _>(m.points)
        .bind::<Text, _>(m.status)
        .bind::<Timestamp, _>(m.created_at);
    match conn {
        DbConnection::Postgres(c) => {
            shared
                .bind::<Array<Text>, _>(&m.ids)
                .bind::<Array<Text>, _>(&m.recipients)
                .bind::<Array<Text>, _>(&m.countries)
                .execute(c)?;
            diesel::sql_query(
                "INSERT INTO sms_batch_messages (batch_id, position, message_id) \
                 SELECT $1, t.n - 1, t.id FROM unnest($2::text[]) WITH ORDINALITY AS t (id, n)",
            )
            .bind::<Text, _>(&batch.id)
            .bind::<Array<Text>, _>(&m.ids)
            .execute(c)?;
            if let Some(subuser) = &batch.sent_by {
                diesel::sql_query(
                    "INSERT INTO message_senders (message_id, account_id) \
                     SELECT t.id, $2 FROM unnest($1::text[]) AS t (id)",
                )
                .bind::<Array<Text>, _>(&m.ids)
                .bind::<Text, _>(subuser)
                .execute(c)?;
            }
        }
        DbConnection::Sqlite(c) => {
            let rows: Vec<[&str; 3]> = m
                .ids
                .iter()
                .zip(&m.recipients)
                .zip(&m.countries)
                .map(|((id, recipient), country)| [id.as_str(), recipient, country])
                .collect();
            let rows = serde_json::to_string(&rows).map_err(super::json_error)?;
            shared.bind::<Text, _>(&rows).execute(c)?;
            let ids = serde_json::to_string(&m.ids).map_err(super::json_error)?;
            diesel::sql_query(
                "INSERT INTO sms_batch_messages (batch_id, position, message_id) \
                 SELECT ?1, key, value FROM json_each(?2) ORDER BY key",
            )
            .bind::<Text, _>(&batch.id)
            .bind::<Text, _>(&ids)
            .execute(c)?;
            if let Some(subuser) = &batch.sent_by {
                diesel::sql_query(
                    "INSERT INTO message_senders (message_id, account_id) \
                     SELECT value, ?2 FROM json_each(?1) ORDER BY key",
                )
                .bind::<Text, _>(&ids)
                .bind::<Text, _>(subuser)
                .execute(c)?;
            }
        }
    }
    Ok(())
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
