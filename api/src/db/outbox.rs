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

/// Stores many messages in multi-row INSERTs (500 rows, 3,500 bound values
/// each: inside both backends' limits); a row whose id is already stored (a
/// delivery repeated after a crash) is skipped.
pub fn insert_messages_once(conn: &mut DbConnection, rows: &[OutboxRow]) -> QueryResult<()> {
    for chunk in rows.chunks(500) {
        // Per backend: the multi-backend connection has no batch insert.
        crate::per_backend!(&mut *conn, |c| diesel::insert_into(outbox_messages::table)
            .values(chunk)
            .on_conflict_do_nothing()
            .execute(c))?;
    }
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
