//! What a leaked-credential report changes in `oauth_clients` (portal tokens
//! and issued tokens use their tables' usual deletion and revocation).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{oauth::ClientRow, schema::oauth_clients, DbConnection};

/// The client whose secret hashes to `secret_hash`, if any.
pub fn find_client_by_secret_hash(
    conn: &mut DbConnection,
    secret_hash: &str,
) -> QueryResult<Option<ClientRow>> {
    oauth_clients::table
        .filter(oauth_clients::secret_hash.eq(secret_hash))
        .select(ClientRow::as_select())
        .first(conn)
        .optional()
}

/// Disables a client whose secret leaked and replaces the secret's hash with
/// `invalidated` (which no secret hashes to): its tokens are refused, no new
/// ones are issued, and re-enabling it does not bring the leaked secret back.
/// Only the account owner can re-enable it; one disabled already keeps its `disabled_at`. False when the secret changed meanwhile.
pub fn disable_leaked_client(
    conn: &mut DbConnection,
    id: &str,
    leaked_hash: &str,
    invalidated: &str,
    disabled_at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        oauth_clients::table
            .find(id)
            .filter(oauth_clients::secret_hash.eq(leaked_hash)),
    )
    .set((
        oauth_clients::secret_hash.eq(invalidated),
        oauth_clients::disabled_at.eq(Some(disabled_at)),
        oauth_clients::disabled_by_owner.eq(true),
    ))
    .execute(conn)
    .map(|n| n == 1)
}
