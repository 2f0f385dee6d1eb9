//! What a leaked-credential report changes in `oauth_clients` (portal tokens
//! and issued tokens use their tables' usual deletion and revocation).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{oauth::ClientRow, schema::oauth_clients, DbConnection};

/// The client whose secret hashes to `secret_hash`, if any: its current
/// secret, or its previous one while a rotation's overlap still accepts it
/// (at `at`).
pub fn find_client_by_secret_hash(
    conn: &mut DbConnection,
    secret_hash: &str,
    at: NaiveDateTime,
) -> QueryResult<Option<ClientRow>> {
    oauth_clients::table
        .filter(
            oauth_clients::secret_hash
                .eq(secret_hash)
                .or(oauth_clients::previous_secret_hash
                    .eq(secret_hash)
                    .and(oauth_clients::previous_secret_expires_at.gt(at))),
        )
        .select(ClientRow::as_select())
        .first(conn)
        .optional()
}

/// Disables a client whose secret leaked (its current one, or the previous
/// one of a rotation's overlap) and replaces the secret's hash with
/// `invalidated` (which no secret hashes to), ending any overlap: its tokens
/// are refused, no new ones are issued, and re-enabling it brings neither
/// secret back.
/// Only the account owner can re-enable it; one disabled already keeps its `disabled_at`. False when the secret changed meanwhile.
pub fn disable_leaked_client(
    conn: &mut DbConnection,
    id: &str,
    leaked_hash: &str,
    invalidated: &str,
    disabled_at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        oauth_clients::table.find(id).filter(
            oauth_clients::secret_hash
                .eq(leaked_hash)
                .or(oauth_clients::previous_secret_hash.eq(leaked_hash)),
        ),
    )
    .set((
        oauth_clients::secret_hash.eq(invalidated),
        oauth_clients::previous_secret_hash.eq(None::<String>),
        oauth_clients::previous_secret_expires_at.eq(None::<NaiveDateTime>),
        oauth_clients::disabled_at.eq(Some(disabled_at)),
        oauth_clients::disabled_by_owner.eq(true),
    ))
    .execute(conn)
    .map(|n| n == 1)
}
