//! Read-only counts for the activity charts, grouped in SQL. Days are UTC calendar
//! days: timestamps are stored in UTC without a zone on both backends, and each
//! backend formats the day as `YYYY-MM-DD` text (SQLite `strftime`, PostgreSQL
//! `to_char`), so both bucket a moment into the same day.

use chrono::NaiveDateTime;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};
use diesel::sqlite::Sqlite;

use super::{
    schema::{accounts, api_tokens, oauth_clients, security_events},
    DbConnection,
};

/// Whose rows to count: a company (the owner and every subuser) or one subuser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Logins {
    /// The owner's account id: every login of the company.
    Company(String),
    /// The company's account id and the subuser's own id.
    Subuser { company: String, subuser: String },
}

impl Logins {
    fn company(&self) -> &str {
        match self {
            Logins::Company(company) | Logins::Subuser { company, .. } => company,
        }
    }
}

/// Points and messages of one day and one sender (`None`: the owner).
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct DaySenderPoints {
    #[diesel(sql_type = Text)]
    pub day: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub sent_by: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub points: i64,
    #[diesel(sql_type = BigInt)]
    pub messages: i64,
}

/// Messages to one country.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct CountryMessages {
    #[diesel(sql_type = Text)]
    pub country: String,
    #[diesel(sql_type = BigInt)]
    pub messages: i64,
}

/// Security events of one day and kind.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct DayKindCount {
    #[diesel(sql_type = Text)]
    pub day: String,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = BigInt)]
    pub count: i64,
}

/// A value bound to a `?` of [`load`]'s SQL.
enum Bind {
    Text(String),
    At(NaiveDateTime),
}

/// The backend's expression for the UTC day of `column`, as `YYYY-MM-DD`.
fn day_of(conn: &DbConnection, column: &str) -> String {
    match conn {
        DbConnection::Sqlite(_) => format!("strftime('%Y-%m-%d', {column})"),
        DbConnection::Postgres(_) => format!("to_char({column}, 'YYYY-MM-DD')"),
    }
}

/// `sql` with its `?` placeholders numbered as PostgreSQL writes them (`$1`, `$2`…).
fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push_str(&format!("${n}"));
        } else {
            out.push(c);
        }
    }
    out
}

/// Runs `sql` (placeholders written `?`) with `binds` in order on either backend.
fn load<T>(conn: &mut DbConnection, sql: &str, binds: Vec<Bind>) -> QueryResult<Vec<T>>
where
    T: QueryableByName<Pg> + QueryableByName<Sqlite> + 'static,
{
    macro_rules! bound {
        ($query:expr) => {{
            let mut query = $query;
            for bind in binds {
                query = match bind {
                    Bind::Text(text) => query.bind::<Text, _>(text),
                    Bind::At(at) => query.bind::<Timestamp, _>(at),
                };
            }
            query
        }};
    }
    match conn {
        DbConnection::Sqlite(sqlite) => {
            bound!(diesel::sql_query(sql).into_boxed::<Sqlite>()).load(sqlite)
        }
        DbConnection::Postgres(pg) => {
            bound!(diesel::sql_query(numbered(sql)).into_boxed::<Pg>()).load(pg)
        }
    }
}

/// The `WHERE` of messages of `logins` since `since` that were not refunded (failed
/// ones are), with its binds.
fn charged_messages(logins: &Logins, since: NaiveDateTime) -> (&'static str, Vec<Bind>) {
    let mut binds = vec![Bind::Text(logins.company().to_owned()), Bind::At(since)];
    let filter = match logins {
        Logins::Company(_) => "m.account_id = ? AND m.created_at >= ? AND m.status <> 'failed'",
        Logins::Subuser { subuser, .. } => {
            binds.push(Bind::Text(subuser.clone()));
            "m.account_id = ? AND m.created_at >= ? AND m.status <> 'failed' \
             AND m.id IN (SELECT message_id FROM message_senders WHERE account_id = ?)"
        }
    };
    (filter, binds)
}

/// Points and messages per day and sender since `since`.
pub fn points_per_day(
    conn: &mut DbConnection,
    logins: &Logins,
    since: NaiveDateTime,
) -> QueryResult<Vec<DaySenderPoints>> {
    let (filter, binds) = charged_messages(logins, since);
    let sql = format!(
        "SELECT {day} AS day, s.account_id AS sent_by, \
         CAST(SUM(m.points) AS BIGINT) AS points, COUNT(*) AS messages \
         FROM messages m LEFT JOIN message_senders s ON s.message_id = m.id \
         WHERE {filter} GROUP BY 1, 2 ORDER BY 1, 2",
        day = day_of(conn, "m.created_at"),
    );
    load(conn, &sql, binds)
}

/// Messages per destination country since `since`.
pub fn messages_per_country(
    conn: &mut DbConnection,
    logins: &Logins,
    since: NaiveDateTime,
) -> QueryResult<Vec<CountryMessages>> {
    let (filter, binds) = charged_messages(logins, since);
    let sql = format!(
        "SELECT m.country AS country, COUNT(*) AS messages FROM messages m \
         WHERE {filter} GROUP BY m.country ORDER BY 2 DESC, 1"
    );
    load(conn, &sql, binds)
}

/// The `WHERE` of security events of `logins` (whose login ids they carry) since
/// `since`, with its binds.
fn events_of(logins: &Logins, since: NaiveDateTime) -> (&'static str, Vec<Bind>) {
    match logins {
        Logins::Company(company) => (
            "(e.account_id = ? OR e.account_id IN (SELECT id FROM accounts WHERE parent_id = ?)) \
             AND e.created_at >= ?",
            vec![
                Bind::Text(company.clone()),
                Bind::Text(company.clone()),
                Bind::At(since),
            ],
        ),
        Logins::Subuser { subuser, .. } => (
            "e.account_id = ? AND e.created_at >= ?",
            vec![Bind::Text(subuser.clone()), Bind::At(since)],
        ),
    }
}

/// Security events of `kinds` per day and kind since `since`.
pub fn events_per_day(
    conn: &mut DbConnection,
    logins: &Logins,
    kinds: &[&str],
    since: NaiveDateTime,
) -> QueryResult<Vec<DayKindCount>> {
    let (filter, mut binds) = events_of(logins, since);
    let kind_marks = vec!["?"; kinds.len()].join(", ");
    binds.extend(kinds.iter().map(|k| Bind::Text((*k).to_owned())));
    let sql = format!(
        "SELECT {day} AS day, e.kind AS kind, COUNT(*) AS count FROM security_events e \
         WHERE {filter} AND e.kind IN ({kind_marks}) GROUP BY 1, 2 ORDER BY 1, 2",
        day = day_of(conn, "e.created_at"),
    );
    load(conn, &sql, binds)
}

/// The `details` of the company's events of `kind` since `since` (refused API calls
/// are logged against the company, whoever's credential was refused).
pub fn company_event_details(
    conn: &mut DbConnection,
    logins: &Logins,
    kind: &str,
    since: NaiveDateTime,
) -> QueryResult<Vec<String>> {
    let company = logins.company().to_owned();
    security_events::table
        .filter(
            security_events::account_id
                .eq(company.clone())
                .or(security_events::account_id.eq_any(
                    accounts::table
                        .filter(accounts::parent_id.eq(company))
                        .select(accounts::id),
                )),
        )
        .filter(security_events::kind.eq(kind))
        .filter(security_events::created_at.ge(since))
        .select(security_events::details)
        .load(conn)
}

/// The ids of the API tokens and OAuth clients `subuser` made, disabled ones too.
pub fn credentials_made_by(conn: &mut DbConnection, subuser: &str) -> QueryResult<Vec<String>> {
    let mut ids: Vec<String> = api_tokens::table
        .filter(api_tokens::created_by.eq(subuser))
        .select(api_tokens::id)
        .load(conn)?;
    ids.extend(
        oauth_clients::table
            .filter(oauth_clients::created_by.eq(subuser))
            .select(oauth_clients::id)
            .load::<String>(conn)?,
    );
    Ok(ids)
}

/// The e-mails of the company's logins by id: the owner's and every subuser's.
pub fn login_emails(conn: &mut DbConnection, company: &str) -> QueryResult<Vec<(String, String)>> {
    accounts::table
        .filter(accounts::id.eq(company).or(accounts::parent_id.eq(company)))
        .select((accounts::id, accounts::email))
        .load(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_placeholders_are_numbered_in_order() {
        assert_eq!(
            numbered("a = ? AND (b = ? OR c IN (?, ?))"),
            "a = $1 AND (b = $2 OR c IN ($3, $4))"
        );
    }
}
