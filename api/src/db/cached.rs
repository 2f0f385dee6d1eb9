//! Writes on the hot paths, prepared once per connection.
//!
//! diesel never keeps the prepared statement of an UPDATE, of an INSERT
//! whose values may be `DEFAULT`, or of an upsert: it prepares them anew on
//! every run, because their text can vary with the values (a `None` left out
//! of a `SET`, a `DEFAULT` instead of a bind). On PostgreSQL that is a parse
//! and a plan per statement: `pgbench` on this machine ran a one-row UPDATE
//! of `login_throttles` in 0.27 ms unprepared and 0.16 ms prepared, and a
//! password sign-in makes about a dozen such writes.
//!
//! [`Cached`] keeps them: it keys the prepared statement by the statement's
//! text (with its bind types), so each variant of the text gets a statement
//! of its own and none is ever reused for a different text. Only fixed
//! queries are wrapped, whose texts have a few variants at most (the cache
//! is per connection and never shrinks); never one with an `IN` list or
//! literal SQL. [`per_backend!`](crate::per_backend) runs it on the
//! backend's own connection, past the multi-backend layer, which would
//! otherwise build the text twice per run.
//!
//! A wrapped write must run as a load (`RETURNING` a column, then `load`):
//! diesel's `execute` hands the statement on by reference, and a reference
//! asks the statement itself again whether it may be kept, past [`Cached`].

use diesel::{
    backend::Backend,
    query_builder::{AstPass, Query, QueryFragment, QueryId},
    QueryResult, RunQueryDsl,
};

/// `Q`, with its prepared statement kept by the connection (see the module).
pub struct Cached<Q>(pub Q);

impl<Q> QueryId for Cached<Q> {
    type QueryId = ();
    // Keyed by its text, never by its type: the text may vary.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: Query> Query for Cached<Q> {
    type SqlType = Q::SqlType;
}

impl<Q: QueryFragment<DB>, DB: Backend> QueryFragment<DB> for Cached<Q> {
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.0.walk_ast(pass)
    }

    fn is_safe_to_cache_prepared(&self, _backend: &DB) -> QueryResult<bool> {
        Ok(true)
    }
}

impl<Q, Conn> RunQueryDsl<Conn> for Cached<Q> {}

#[cfg(test)]
mod tests {
    use diesel::{connection::SimpleConnection, prelude::*, sqlite::SqliteConnection};

    use super::Cached;

    diesel::table! {
        counters (id) {
            id -> Text,
            n -> BigInt,
            note -> Nullable<Text>,
        }
    }

    #[derive(Insertable)]
    #[diesel(table_name = counters)]
    struct NewCounter<'a> {
        id: &'a str,
        n: i64,
        note: Option<&'a str>,
    }

    /// Each variant of a text keeps a statement of its own: an insert with a
    /// `DEFAULT` and one with a bind never share one, and the values of a
    /// run are its own.
    #[test]
    fn variants_of_a_text_never_share_a_statement() {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        conn.batch_execute("CREATE TABLE counters (id TEXT PRIMARY KEY, n BIGINT NOT NULL, note TEXT DEFAULT 'none')")
            .unwrap();
        for (id, note) in [
            ("a", None),
            ("b", Some("kept")),
            ("c", None),
            ("d", Some("too")),
        ] {
            let row = NewCounter { id, n: 1, note };
            Cached(diesel::insert_into(counters::table).values(&row))
                .execute(&mut conn)
                .unwrap();
        }
        for step in 1..=3_i64 {
            Cached(
                diesel::update(counters::table.find("b")).set(counters::n.eq(counters::n + step)),
            )
            .execute(&mut conn)
            .unwrap();
        }
        let rows: Vec<(String, i64, Option<String>)> =
            counters::table.order(counters::id).load(&mut conn).unwrap();
        assert_eq!(
            rows,
            [
                ("a".into(), 1, Some("none".into())),
                ("b".into(), 7, Some("kept".into())),
                ("c".into(), 1, Some("none".into())),
                ("d".into(), 1, Some("too".into())),
            ]
        );
    }
}
