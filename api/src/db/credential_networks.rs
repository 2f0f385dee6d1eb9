//! The `credential_networks` and `credential_network_settings` tables: the
//! networks each API credential (portal token or OAuth client) was used from,
//! and per credential its pin and the folding of "new network" e-mails.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    schema::{credential_network_settings as settings, credential_networks as networks},
    DbConnection,
};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = networks)]
pub struct NetworkRow {
    /// `token` or `client`.
    pub credential_kind: String,
    pub credential_id: String,
    /// `198.51.100.0/24` or `2001:db8:1::/48`.
    pub network: String,
    pub account_id: String,
    pub first_used_at: NaiveDateTime,
    pub last_used_at: NaiveDateTime,
    pub calls: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = settings)]
#[diesel(treat_none_as_default_value = false)]
pub struct SettingsRow {
    pub credential_kind: String,
    pub credential_id: String,
    pub account_id: String,
    pub pinned: bool,
    pub pinned_by_owner: bool,
    pub networks: i64,
    pub last_new_network_mail_at: Option<NaiveDateTime>,
}

pub fn find_network(
    conn: &mut DbConnection,
    kind: &str,
    id: &str,
    network: &str,
) -> QueryResult<Option<NetworkRow>> {
    networks::table
        .find((kind, id, network))
        .select(NetworkRow::as_select())
        .first(conn)
        .optional()
}

/// The credential's networks, most recently used first.
pub fn list_networks(
    conn: &mut DbConnection,
    kind: &str,
    id: &str,
) -> QueryResult<Vec<NetworkRow>> {
    networks::table
        .filter(networks::credential_kind.eq(kind))
        .filter(networks::credential_id.eq(id))
        .order((networks::last_used_at.desc(), networks::network.asc()))
        .select(NetworkRow::as_select())
        .load(conn)
}

pub fn find_settings(
    conn: &mut DbConnection,
    kind: &str,
    id: &str,
) -> QueryResult<Option<SettingsRow>> {
    settings::table
        .find((kind, id))
        .select(SettingsRow::as_select())
        .first(conn)
        .optional()
}

/// Makes sure the credential's settings row exists (unpinned, no networks);
/// one made meanwhile by another process is kept as it is.
pub fn ensure_settings(
    conn: &mut DbConnection,
    kind: &str,
    id: &str,
    account_id: &str,
) -> QueryResult<()> {
    let fresh = SettingsRow {
        credential_kind: kind.to_owned(),
        credential_id: id.to_owned(),
        account_id: account_id.to_owned(),
        pinned: false,
        pinned_by_owner: false,
        networks: 0,
        last_new_network_mail_at: None,
    };
    // Per backend: the multi-backend connection has no upsert.
    crate::per_backend!(conn, |c| diesel::insert_into(settings::table)
        .values(&fresh)
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(())
}

/// Claims a place for one more network: true unless the credential is
/// pinned and already has a network. One conditional UPDATE of the
/// credential's settings row, so claims and pinning take turns on it.
pub fn claim_new_network(conn: &mut DbConnection, kind: &str, id: &str) -> QueryResult<bool> {
    diesel::update(
        settings::table
            .find((kind, id))
            .filter(settings::pinned.eq(false).or(settings::networks.eq(0))),
    )
    .set(settings::networks.eq(settings::networks + 1))
    .execute(conn)
    .map(|n| n == 1)
}

/// Gives back a claim whose network another process recorded first.
pub fn release_claim(conn: &mut DbConnection, kind: &str, id: &str) -> QueryResult<()> {
    diesel::update(
        settings::table
            .find((kind, id))
            .filter(settings::networks.gt(0)),
    )
    .set(settings::networks.eq(settings::networks - 1))
    .execute(conn)
    .map(|_| ())
}

/// Records a network; false when another process recorded it first.
pub fn insert_network(conn: &mut DbConnection, row: &NetworkRow) -> QueryResult<bool> {
    let inserted = crate::per_backend!(conn, |c| diesel::insert_into(networks::table)
        .values(row)
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(inserted == 1)
}

/// Claims the "used from a new network" e-mail: true for the one caller that
/// set `last_new_network_mail_at`, if no e-mail went out since `since`.
pub fn claim_new_network_mail(
    conn: &mut DbConnection,
    kind: &str,
    id: &str,
    at: NaiveDateTime,
    since: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        settings::table.find((kind, id)).filter(
            settings::last_new_network_mail_at
                .is_null()
                .or(settings::last_new_network_mail_at.le(since)),
        ),
    )
    .set(settings::last_new_network_mail_at.eq(at))
    .execute(conn)
    .map(|n| n == 1)
}

/// Adds `calls` uses, the last at `at` (never moving `last_used_at` backwards).
pub fn record_uses(
    conn: &mut DbConnection,
    kind: &str,
    id: &str,
    network: &str,
    at: NaiveDateTime,
    calls: i64,
) -> QueryResult<()> {
    diesel::update(networks::table.find((kind, id, network)))
        .set(networks::calls.eq(networks::calls + calls))
        .execute(conn)?;
    diesel::update(
        networks::table
            .find((kind, id, network))
            .filter(networks::last_used_at.lt(at)),
    )
    .set(networks::last_used_at.eq(at))
    .execute(conn)
    .map(|_| ())
}

/// Pins or unpins the credential (its settings row is made if missing).
pub fn set_pinned(
    conn: &mut DbConnection,
    kind: &str,
    id: &str,
    account_id: &str,
    pinned: bool,
    by_owner: bool,
) -> QueryResult<()> {
    ensure_settings(conn, kind, id, account_id)?;
    diesel::update(settings::table.find((kind, id)))
        .set((
            settings::pinned.eq(pinned),
            settings::pinned_by_owner.eq(pinned && by_owner),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Moves a credential's networks and settings (its pin) to the credential
/// `to`, which replaces it.
pub fn move_credential(
    conn: &mut DbConnection,
    kind: &str,
    from: &str,
    to: &str,
) -> QueryResult<()> {
    diesel::update(
        networks::table
            .filter(networks::credential_kind.eq(kind))
            .filter(networks::credential_id.eq(from)),
    )
    .set(networks::credential_id.eq(to))
    .execute(conn)?;
    diesel::update(settings::table.find((kind, from)))
        .set(settings::credential_id.eq(to))
        .execute(conn)
        .map(|_| ())
}

/// Forgets a deleted credential's networks and settings.
pub fn forget_credential(conn: &mut DbConnection, kind: &str, id: &str) -> QueryResult<()> {
    diesel::delete(
        networks::table
            .filter(networks::credential_kind.eq(kind))
            .filter(networks::credential_id.eq(id)),
    )
    .execute(conn)?;
    diesel::delete(settings::table.find((kind, id)))
        .execute(conn)
        .map(|_| ())
}
