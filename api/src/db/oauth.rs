//! The `oauth_clients` and `revoked_tokens` tables.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    schema::{oauth_client_uses, oauth_clients, revoked_tokens},
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
    /// Hex SHA-256 of the secret it had before its last rotation, valid
    /// until `previous_secret_expires_at`.
    pub previous_secret_hash: Option<String>,
    pub previous_secret_expires_at: Option<NaiveDateTime>,
}

pub fn insert_client(conn: &mut DbConnection, client: &ClientRow) -> QueryResult<()> {
    diesel::insert_into(oauth_clients::table)
        .values(client)
        .execute(conn)?;
    diesel::insert_into(oauth_client_uses::table)
        .values(oauth_client_uses::client_id.eq(&client.id))
        .execute(conn)
        .map(|_| ())
}

/// The last use (when, from where) of each of the account's clients used so far.
pub fn last_uses(
    conn: &mut DbConnection,
    account_id: &str,
) -> QueryResult<Vec<(String, NaiveDateTime, Option<String>)>> {
    let rows: Vec<(String, Option<NaiveDateTime>, Option<String>)> = oauth_client_uses::table
        .inner_join(oauth_clients::table)
        .filter(oauth_clients::account_id.eq(account_id))
        .filter(oauth_client_uses::last_used_at.is_not_null())
        .select((
            oauth_client_uses::client_id,
            oauth_client_uses::last_used_at,
            oauth_client_uses::last_used_ip,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, at, ip)| Some((id, at?, ip)))
        .collect())
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
    pub disabled_by_owner: Option<bool>,
    pub allowlist_set_by_owner: Option<bool>,
    pub scopes_set_by_owner: Option<bool>,
}

/// The restrictions the account owner set on a client, which only the owner
/// may lift: (disabled it, set its allowlist, set its scopes).
pub fn owner_restrictions(conn: &mut DbConnection, id: &str) -> QueryResult<(bool, bool, bool)> {
    oauth_clients::table
        .find(id)
        .select((
            oauth_clients::disabled_by_owner,
            oauth_clients::allowlist_set_by_owner,
            oauth_clients::scopes_set_by_owner,
        ))
        .first(conn)
}

/// What a subuser's change to a client was checked against: the owner's
/// restrictions, the allowlist and the scopes.
pub struct ClientSeen<'a> {
    pub restrictions: (bool, bool, bool),
    pub ip_allowlist: &'a str,
    pub scopes: &'a str,
}

/// Applies `changes`. With `seen`, only while the client still has what the
/// change was checked against: one conditional UPDATE, so an owner's
/// restriction made meanwhile is never overwritten. False (and no change) when it was.
pub fn update_client(
    conn: &mut DbConnection,
    id: &str,
    changes: &ClientChanges,
    seen: Option<ClientSeen<'_>>,
) -> QueryResult<bool> {
    if changes.name.is_none()
        && changes.scopes.is_none()
        && changes.ip_allowlist.is_none()
        && changes.disabled_at.is_none()
        && changes.disabled_by_owner.is_none()
        && changes.allowlist_set_by_owner.is_none()
        && changes.scopes_set_by_owner.is_none()
    {
        return Ok(true);
    }
    let updated = match seen {
        None => diesel::update(oauth_clients::table.find(id))
            .set(changes)
            .execute(conn)?,
        Some(seen) => {
            let (disabled, allowlist, scopes) = seen.restrictions;
            diesel::update(
                oauth_clients::table
                    .find(id)
                    .filter(oauth_clients::disabled_by_owner.eq(disabled))
                    .filter(oauth_clients::allowlist_set_by_owner.eq(allowlist))
                    .filter(oauth_clients::scopes_set_by_owner.eq(scopes))
                    .filter(oauth_clients::ip_allowlist.eq(seen.ip_allowlist))
                    .filter(oauth_clients::scopes.eq(seen.scopes)),
            )
            .set(changes)
            .execute(conn)?
        }
    };
    Ok(updated == 1)
}

/// Replaces a client's secret: the current hash becomes the previous one,
/// valid until `previous_until` (none: not at all), if the client still has
/// `seen_hash`; false when another rotation came first.
pub fn rotate_secret(
    conn: &mut DbConnection,
    id: &str,
    seen_hash: &str,
    new_hash: &str,
    previous_until: Option<NaiveDateTime>,
) -> QueryResult<bool> {
    diesel::update(
        oauth_clients::table
            .find(id)
            .filter(oauth_clients::secret_hash.eq(seen_hash)),
    )
    .set((
        oauth_clients::secret_hash.eq(new_hash),
        oauth_clients::previous_secret_hash.eq(previous_until.map(|_| seen_hash)),
        oauth_clients::previous_secret_expires_at.eq(previous_until),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Ends the overlap of a rotation: only the current secret authenticates.
/// False when there was none.
pub fn end_secret_overlap(conn: &mut DbConnection, id: &str) -> QueryResult<bool> {
    diesel::update(
        oauth_clients::table
            .find(id)
            .filter(oauth_clients::previous_secret_hash.is_not_null()),
    )
    .set((
        oauth_clients::previous_secret_hash.eq(None::<String>),
        oauth_clients::previous_secret_expires_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Records a use, never moving `last_used_at` backwards.
pub fn record_use(
    conn: &mut DbConnection,
    id: &str,
    at: NaiveDateTime,
    ip: &str,
) -> QueryResult<()> {
    diesel::update(
        oauth_client_uses::table.find(id).filter(
            oauth_client_uses::last_used_at
                .is_null()
                .or(oauth_client_uses::last_used_at.lt(at)),
        ),
    )
    .set((
        oauth_client_uses::last_used_at.eq(at),
        oauth_client_uses::last_used_ip.eq(ip),
    ))
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

/// The longest access-token lifetime of any client (none: no clients). A
/// client's lifetime is fixed when it is registered, and a deleted client's
/// tokens are refused, so no live issued token outlives this.
pub fn longest_token_lifetime_secs(conn: &mut DbConnection) -> QueryResult<Option<i64>> {
    oauth_clients::table
        .select(diesel::dsl::max(oauth_clients::token_lifetime_secs))
        .first(conn)
}

/// Clients whose allowlist has an entry with an expiry: (id, account,
/// stored list).
pub fn clients_with_expiring_allowlist(
    conn: &mut DbConnection,
) -> QueryResult<Vec<(String, String, String)>> {
    oauth_clients::table
        .filter(oauth_clients::ip_allowlist.like("% until %"))
        .select((
            oauth_clients::id,
            oauth_clients::account_id,
            oauth_clients::ip_allowlist,
        ))
        .load(conn)
}

/// Replaces a client's stored allowlist if it is still `seen`; false when
/// another change came first.
pub fn replace_allowlist_if(
    conn: &mut DbConnection,
    id: &str,
    seen: &str,
    stored: &str,
) -> QueryResult<bool> {
    diesel::update(
        oauth_clients::table
            .find(id)
            .filter(oauth_clients::ip_allowlist.eq(seen)),
    )
    .set(oauth_clients::ip_allowlist.eq(stored))
    .execute(conn)
    .map(|n| n == 1)
}
