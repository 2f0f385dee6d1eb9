//! The `oauth_clients` and `revoked_tokens` tables.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    schema::{oauth_clients, revoked_tokens},
    DbConnection,
};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = oauth_clients)]
pub struct ClientRow {
    pub id: String,
    pub account_id: String,
    pub name: String,
    /// Hex SHA-256 of the secret.
    pub secret_hash: String,
    /// Space-separated scopes the client may ask for.
    pub scopes: String,
    /// Newline-separated normalised entries; tokens inherit them.
    pub ip_allowlist: String,
    pub token_lifetime_secs: i64,
    pub created_at: NaiveDateTime,
    pub disabled_at: Option<NaiveDateTime>,
    /// The subuser who made it (none: the owner).
    pub created_by: Option<String>,
}

pub fn insert_client(conn: &mut DbConnection, client: &ClientRow) -> QueryResult<()> {
    diesel::insert_into(oauth_clients::table)
        .values(client)
        .execute(conn)
        .map(|_| ())
}

pub fn find_client(conn: &mut DbConnection, id: &str) -> QueryResult<Option<ClientRow>> {
    oauth_clients::table
        .find(id)
        .select(ClientRow::as_select())
        .first(conn)
        .optional()
}

pub fn list_clients(conn: &mut DbConnection, account_id: &str) -> QueryResult<Vec<ClientRow>> {
    oauth_clients::table
        .filter(oauth_clients::account_id.eq(account_id))
        .order((oauth_clients::created_at.desc(), oauth_clients::id.desc()))
        .select(ClientRow::as_select())
        .load(conn)
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = oauth_clients)]
pub struct ClientChanges {
    pub name: Option<String>,
    pub scopes: Option<String>,
    pub ip_allowlist: Option<String>,
    pub disabled_at: Option<Option<NaiveDateTime>>,
}

pub fn update_client(
    conn: &mut DbConnection,
    id: &str,
    changes: &ClientChanges,
) -> QueryResult<()> {
    if changes.name.is_none()
        && changes.scopes.is_none()
        && changes.ip_allowlist.is_none()
        && changes.disabled_at.is_none()
    {
        return Ok(());
    }
    diesel::update(oauth_clients::table.find(id))
        .set(changes)
        .execute(conn)
        .map(|_| ())
}

/// Deletes the OAuth clients a subuser made; returns their ids.
pub fn delete_created_by(conn: &mut DbConnection, subuser_id: &str) -> QueryResult<Vec<String>> {
    let ids: Vec<String> = oauth_clients::table
        .filter(oauth_clients::created_by.eq(subuser_id))
        .select(oauth_clients::id)
        .load(conn)?;
    diesel::delete(oauth_clients::table.filter(oauth_clients::created_by.eq(subuser_id)))
        .execute(conn)?;
    Ok(ids)
}

pub fn delete_client(conn: &mut DbConnection, account_id: &str, id: &str) -> QueryResult<bool> {
    diesel::delete(
        oauth_clients::table
            .find(id)
            .filter(oauth_clients::account_id.eq(account_id)),
    )
    .execute(conn)
    .map(|n| n > 0)
}

/// Records a revocation; revoking twice is not an error.
pub fn insert_revoked(
    conn: &mut DbConnection,
    jti: &str,
    account_id: &str,
    expires_at: NaiveDateTime,
    at: NaiveDateTime,
) -> QueryResult<()> {
    if revoked_tokens::table
        .find(jti)
        .count()
        .get_result::<i64>(conn)?
        > 0
    {
        return Ok(());
    }
    diesel::insert_into(revoked_tokens::table)
        .values((
            revoked_tokens::jti.eq(jti),
            revoked_tokens::account_id.eq(account_id),
            revoked_tokens::expires_at.eq(expires_at),
            revoked_tokens::revoked_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Revoked tokens that would still be valid at `at`.
pub fn live_revoked(conn: &mut DbConnection, at: NaiveDateTime) -> QueryResult<Vec<String>> {
    revoked_tokens::table
        .filter(revoked_tokens::expires_at.gt(at))
        .select(revoked_tokens::jti)
        .load(conn)
}
