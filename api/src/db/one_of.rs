//! `column IN (ids)` as one statement text whatever the number of ids.
//!
//! diesel writes `eq_any` on SQLite as an `IN` list with a bound value per
//! id: a new text for every count, which SQLite parses again (a claim of
//! 500 messages is a 500-parameter statement, and diesel never keeps it).
//! [`OneOf`] binds the ids as one value instead — an array on PostgreSQL
//! (`= ANY($1)`), a JSON array on SQLite (`IN (SELECT value FROM
//! json_each(?))`) — so the statement's text is fixed and, wrapped in
//! [`Cached`](super::cached::Cached) where diesel would not keep it, is
//! prepared once per connection.

use diesel::{
    expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping},
    pg::Pg,
    query_builder::{AstPass, QueryFragment, QueryId},
    sql_types::{Array, Bool, Text},
    sqlite::Sqlite,
    QueryResult,
};

/// `column` is one of `ids` (see the module). Runs on the backend's own
/// connection ([`per_backend!`](crate::per_backend)).
pub struct OneOf<'a, C> {
    column: C,
    ids: &'a [String],
    /// The ids as a JSON array, written when SQLite's statement is built.
    json: std::cell::OnceCell<String>,
}

impl<'a, C> OneOf<'a, C> {
    pub fn new(column: C, ids: &'a [String]) -> Self {
        Self {
            column,
            ids,
            json: std::cell::OnceCell::new(),
        }
    }
}

impl<C> Expression for OneOf<'_, C> {
    type SqlType = Bool;
}

impl<C: AppearsOnTable<T>, T> AppearsOnTable<T> for OneOf<'_, C> {}

impl<C: SelectableExpression<T>, T> SelectableExpression<T> for OneOf<'_, C> {}

impl<C: ValidGrouping<G>, G> ValidGrouping<G> for OneOf<'_, C> {
    type IsAggregate = C::IsAggregate;
}

impl<C> QueryId for OneOf<'_, C> {
    type QueryId = ();
    // Keyed by its text, which is the same for every count.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<C: QueryFragment<Pg>> QueryFragment<Pg> for OneOf<'_, C> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(" = ANY(");
        out.push_bind_param::<Array<Text>, _>(self.ids)?;
        out.push_sql(")");
        Ok(())
    }
}

impl<C: QueryFragment<Sqlite>> QueryFragment<Sqlite> for OneOf<'_, C> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        if self.json.get().is_none() {
            let json = serde_json::to_string(self.ids).map_err(super::json_error)?;
            let _ = self.json.set(json);
        }
        out.push_sql(" IN (SELECT value FROM json_each(");
        out.push_bind_param::<Text, _>(self.json.get().expect("set above"))?;
        out.push_sql("))");
        Ok(())
    }
}
