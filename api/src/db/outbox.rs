//! The `outbox_messages` table: what the development transports "sent".

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{schema::outbox_messages, DbConnection};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = outbox_messages)]
// `None` is stored as NULL, which lets SQLite take many rows in one INSERT.
#[diesel(treat_none_as_default_value = false)]
pub struct OutboxRow {
    pub id: String,
    pub channel: String,
    pub recipient: String,
    pub subject: Option<String>,
    pub body: String,
    pub purpose: String,
    pub created_at: NaiveDateTime,
}

pub fn insert_message(conn: &mut DbConnection, message: &OutboxRow) -> QueryResult<()> {
    diesel::insert_into(outbox_messages::table)
        .values(message)
        .execute(conn)
        .map(|_| ())
}

/// Stores many messages; a row whose id is already stored (a delivery
/// repeated after a crash) is skipped. One statement whatever their number,
/// the same text every time (prepared once per connection): the rows go as
/// arrays of their columns (PostgreSQL, `unnest`) or one JSON array
/// (SQLite, `json_each`), as `sms_batches::insert_batch` stores a batch. A
/// multi-row INSERT binds every column of every row (3,500 values for the
/// dispatcher's 500 messages), a text built and parsed again each time.
pub fn insert_messages_once(conn: &mut DbConnection, rows: &[OutboxRow]) -> QueryResult<()> {
    use diesel::sql_types::{Array, Nullable, Text, Timestamp};

    if rows.is_empty() {
        return Ok(());
    }
    let column = |f: fn(&OutboxRow) -> &str| rows.iter().map(f).collect::<Vec<_>>();
    match conn {
        DbConnection::Postgres(c) => diesel::sql_query(
            "INSERT INTO outbox_messages (id, channel, recipient, subject, body, purpose, created_at) \
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], \
             $6::text[], $7::timestamp[]) \
             ON CONFLICT DO NOTHING",
        )
        .bind::<Array<Text>, _>(column(|r| &r.id))
        .bind::<Array<Text>, _>(column(|r| &r.channel))
        .bind::<Array<Text>, _>(column(|r| &r.recipient))
        .bind::<Array<Nullable<Text>>, _>(
            rows.iter().map(|r| r.subject.as_deref()).collect::<Vec<_>>(),
        )
        .bind::<Array<Text>, _>(column(|r| &r.body))
        .bind::<Array<Text>, _>(column(|r| &r.purpose))
        .bind::<Array<Timestamp>, _>(rows.iter().map(|r| r.created_at).collect::<Vec<_>>())
        .execute(c)?,
        DbConnection::Sqlite(c) => {
            // Timestamps as diesel writes them to SQLite (`%F %T%.f`), so
            // that they sort and read back as every other row's.
            let json: Vec<_> = rows
                .iter()
                .map(|r| {
                    let at = r.created_at.format("%F %T%.f").to_string();
                    (&r.id, &r.channel, &r.recipient, &r.subject, &r.body, &r.purpose, at)
                })
                .collect();
            let json = serde_json::to_string(&json)
                .map_err(super::json_error)?;
            // `WHERE true`: SQLite's parser needs it before an upsert's ON CONFLICT.
            diesel::sql_query(
                "INSERT INTO outbox_messages (id, channel, recipient, subject, body, purpose, created_at) \
                 SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, \
                 value ->> 5, value ->> 6 FROM json_each(?1) WHERE true ORDER BY key \
                 ON CONFLICT DO NOTHING",
            )
            .bind::<Text, _>(&json)
            .execute(c)?
        }
    };
    Ok(())
}

/// The newest messages first, for one recipient or for all.
pub fn latest(
    conn: &mut DbConnection,
    recipient: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<OutboxRow>> {
    let mut query = outbox_messages::table
        .select(OutboxRow::as_select())
        .order((
            outbox_messages::created_at.desc(),
            outbox_messages::id.desc(),
        ))
        .limit(limit)
        .into_boxed();
    if let Some(recipient) = recipient {
        query = query.filter(outbox_messages::recipient.eq(recipient.to_owned()));
    }
    query.load(conn)
}
