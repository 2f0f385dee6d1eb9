//! The `api_tokens`, `api_allowlist_entries` and `signing_keys` tables.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    login_preferences::Recipient,
    schema::{accounts, api_allowlist_entries, api_tokens, login_preferences, signing_keys},
    DbConnection,
};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_tokens)]
pub struct TokenRow {
    pub id: String,
    pub account_id: String,
    pub name: String,
    /// Space-separated scope names, as in OAuth2.
    pub scopes: String,
    pub hint: String,
    /// Newline-separated normalised entries.
    pub ip_allowlist: String,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
    pub disabled_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
    pub last_used_ip: Option<String>,
    /// The subuser who made it (none: the owner).
    pub created_by: Option<String>,
    /// The key that signed it (none: made by a version that did not record
    /// it, which keeps every key from retiring while it lives).
    pub signing_kid: Option<String>,
}

pub fn insert_token(conn: &mut DbConnection, token: &TokenRow) -> QueryResult<()> {
    diesel::insert_into(api_tokens::table)
        .values(token)
        .execute(conn)
        .map(|_| ())
}

pub fn find_token(conn: &mut DbConnection, id: &str) -> QueryResult<Option<TokenRow>> {
    api_tokens::table
        .find(id)
        .select(TokenRow::as_select())
        .first(conn)
        .optional()
}

/// The token, only if it belongs to `account_id`.
pub fn find_account_token(
    conn: &mut DbConnection,
    account_id: &str,
    id: &str,
) -> QueryResult<Option<TokenRow>> {
    api_tokens::table
        .find(id)
        .filter(api_tokens::account_id.eq(account_id))
        .select(TokenRow::as_select())
        .first(conn)
        .optional()
}

pub fn list_tokens(conn: &mut DbConnection, account_id: &str) -> QueryResult<Vec<TokenRow>> {
    api_tokens::table
        .filter(api_tokens::account_id.eq(account_id))
        .order((api_tokens::created_at.desc(), api_tokens::id.desc()))
        .select(TokenRow::as_select())
        .load(conn)
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = api_tokens)]
pub struct TokenChanges {
    pub name: Option<String>,
    pub disabled_at: Option<Option<NaiveDateTime>>,
    pub ip_allowlist: Option<String>,
    pub disabled_by_owner: Option<bool>,
    pub allowlist_set_by_owner: Option<bool>,
}

/// The restrictions the account owner set on a token, which only the owner
/// may lift: (disabled it, set its allowlist).
pub fn owner_restrictions(conn: &mut DbConnection, id: &str) -> QueryResult<(bool, bool)> {
    api_tokens::table
        .find(id)
        .select((
            api_tokens::disabled_by_owner,
            api_tokens::allowlist_set_by_owner,
        ))
        .first(conn)
}

/// Sets the restrictions the account owner set on a token (see
/// [`owner_restrictions`]): for a token that replaces another.
pub fn set_owner_restrictions(
    conn: &mut DbConnection,
    id: &str,
    (disabled, allowlist): (bool, bool),
) -> QueryResult<()> {
    diesel::update(api_tokens::table.find(id))
        .set((
            api_tokens::disabled_by_owner.eq(disabled),
            api_tokens::allowlist_set_by_owner.eq(allowlist),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Applies `changes`. With `seen` (the owner's restrictions and the
/// allowlist a subuser's change was checked against), only while the token
/// still has them: one conditional UPDATE, so an owner's restriction made
/// meanwhile is never overwritten. False (and no change) when it was.
pub fn update_token(
    conn: &mut DbConnection,
    id: &str,
    changes: &TokenChanges,
    seen: Option<((bool, bool), &str)>,
) -> QueryResult<bool> {
    if changes.name.is_none()
        && changes.disabled_at.is_none()
        && changes.ip_allowlist.is_none()
        && changes.disabled_by_owner.is_none()
        && changes.allowlist_set_by_owner.is_none()
    {
        return Ok(true);
    }
    let updated = match seen {
        None => diesel::update(api_tokens::table.find(id))
            .set(changes)
            .execute(conn)?,
        Some(((disabled, allowlist), ip_allowlist)) => diesel::update(
            api_tokens::table
                .find(id)
                .filter(api_tokens::disabled_by_owner.eq(disabled))
                .filter(api_tokens::allowlist_set_by_owner.eq(allowlist))
                .filter(api_tokens::ip_allowlist.eq(ip_allowlist)),
        )
        .set(changes)
        .execute(conn)?,
    };
    Ok(updated == 1)
}

/// Deletes the tokens a subuser made; returns their ids.
pub fn delete_created_by(conn: &mut DbConnection, subuser_id: &str) -> QueryResult<Vec<String>> {
    let ids: Vec<String> = api_tokens::table
        .filter(api_tokens::created_by.eq(subuser_id))
        .select(api_tokens::id)
        .load(conn)?;
    diesel::delete(api_tokens::table.filter(api_tokens::created_by.eq(subuser_id)))
        .execute(conn)?;
    Ok(ids)
}

pub fn delete_token(conn: &mut DbConnection, id: &str) -> QueryResult<bool> {
    diesel::delete(api_tokens::table.find(id))
        .execute(conn)
        .map(|n| n > 0)
}

/// Records a use, never moving `last_used_at` backwards.
pub fn record_use(
    conn: &mut DbConnection,
    id: &str,
    at: NaiveDateTime,
    ip: &str,
) -> QueryResult<()> {
    diesel::update(
        api_tokens::table.find(id).filter(
            api_tokens::last_used_at
                .is_null()
                .or(api_tokens::last_used_at.lt(at)),
        ),
    )
    .set((
        api_tokens::last_used_at.eq(at),
        api_tokens::last_used_ip.eq(ip),
    ))
    .execute(conn)
    .map(|_| ())
}

/// Live tokens that expire after `now` and by `until`, whose owner was not
/// warned yet, with where the account's mail goes; soonest first.
pub fn expiring_unwarned(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<(TokenRow, Recipient)>> {
    api_tokens::table
        .inner_join(accounts::table)
        .left_join(
            login_preferences::table.on(login_preferences::account_id.eq(api_tokens::account_id)),
        )
        .filter(api_tokens::expires_at.gt(now))
        .filter(api_tokens::expires_at.le(until))
        .filter(api_tokens::expiry_warned_at.is_null())
        .filter(api_tokens::disabled_at.is_null())
        .order((api_tokens::expires_at.asc(), api_tokens::id.asc()))
        .limit(limit)
        .select((
            TokenRow::as_select(),
            accounts::email,
            login_preferences::language.nullable(),
        ))
        .load::<(TokenRow, String, Option<String>)>(conn)
        .map(|rows| {
            rows.into_iter()
                .map(|(token, email, language)| (token, Recipient::read(email, language)))
                .collect()
        })
}

/// Claims the expiry warning of a token: true for the one caller that set it,
/// however many processes try at once.
pub fn claim_expiry_warning(
    conn: &mut DbConnection,
    id: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        api_tokens::table
            .find(id)
            .filter(api_tokens::expiry_warned_at.is_null()),
    )
    .set(api_tokens::expiry_warned_at.eq(at))
    .execute(conn)
    .map(|n| n > 0)
}

/// Gives a claimed warning back, for a later round to send.
pub fn release_expiry_warning(conn: &mut DbConnection, id: &str) -> QueryResult<()> {
    diesel::update(api_tokens::table.find(id))
        .set(api_tokens::expiry_warned_at.eq(None::<NaiveDateTime>))
        .execute(conn)
        .map(|_| ())
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_allowlist_entries)]
pub struct AllowlistEntryRow {
    pub id: String,
    pub account_id: String,
    pub value: String,
    pub label: Option<String>,
    pub created_at: NaiveDateTime,
    /// When the entry stops letting addresses in; `None`: it does not expire.
    pub expires_at: Option<NaiveDateTime>,
}

pub fn list_allowlist(
    conn: &mut DbConnection,
    account_id: &str,
) -> QueryResult<Vec<AllowlistEntryRow>> {
    api_allowlist_entries::table
        .filter(api_allowlist_entries::account_id.eq(account_id))
        .order((
            api_allowlist_entries::created_at.asc(),
            api_allowlist_entries::id.asc(),
        ))
        .select(AllowlistEntryRow::as_select())
        .load(conn)
}

/// Just the values of the account's entries and their expiry (what
/// enforcement needs).
pub fn list_allowlist_values(
    conn: &mut DbConnection,
    account_id: &str,
) -> QueryResult<Vec<(String, Option<NaiveDateTime>)>> {
    api_allowlist_entries::table
        .filter(api_allowlist_entries::account_id.eq(account_id))
        .select((
            api_allowlist_entries::value,
            api_allowlist_entries::expires_at,
        ))
        .load(conn)
}

/// Deletes every entry that expired at or before `at`, in accounts where an
/// entry that does not expire remains (see
/// [`super::portal_allowlist::delete_expired`]). Returns what it deleted.
pub fn delete_expired_allowlist_entries(
    conn: &mut DbConnection,
    at: NaiveDateTime,
) -> QueryResult<Vec<AllowlistEntryRow>> {
    let expired: Vec<AllowlistEntryRow> = api_allowlist_entries::table
        .filter(api_allowlist_entries::expires_at.le(at))
        .select(AllowlistEntryRow::as_select())
        .load(conn)?;
    let mut deleted = Vec::new();
    for row in expired {
        let keeps_permanent: bool = diesel::select(diesel::dsl::exists(
            api_allowlist_entries::table
                .filter(api_allowlist_entries::account_id.eq(&row.account_id))
                .filter(api_allowlist_entries::expires_at.is_null()),
        ))
        .get_result(conn)?;
        if keeps_permanent && delete_allowlist_entry(conn, &row.account_id, &row.id)? {
            deleted.push(row);
        }
    }
    Ok(deleted)
}

pub fn insert_allowlist_entry(
    conn: &mut DbConnection,
    entry: &AllowlistEntryRow,
) -> QueryResult<()> {
    diesel::insert_into(api_allowlist_entries::table)
        .values(entry)
        .execute(conn)
        .map(|_| ())
}

pub fn delete_allowlist_entry(
    conn: &mut DbConnection,
    account_id: &str,
    id: &str,
) -> QueryResult<bool> {
    diesel::delete(
        api_allowlist_entries::table
            .find(id)
            .filter(api_allowlist_entries::account_id.eq(account_id)),
    )
    .execute(conn)
    .map(|n| n > 0)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = signing_keys)]
pub struct SigningKeyRow {
    pub kid: String,
    pub algorithm: String,
    pub private_key: String,
    pub public_key: String,
    pub created_at: NaiveDateTime,
    pub retired_at: Option<NaiveDateTime>,
}

pub fn list_signing_keys(conn: &mut DbConnection) -> QueryResult<Vec<SigningKeyRow>> {
    signing_keys::table
        .order((signing_keys::created_at.asc(), signing_keys::kid.asc()))
        .select(SigningKeyRow::as_select())
        .load(conn)
}

pub fn insert_signing_key(conn: &mut DbConnection, key: &SigningKeyRow) -> QueryResult<()> {
    diesel::insert_into(signing_keys::table)
        .values(key)
        .execute(conn)
        .map(|_| ())
}

/// Replaces a signing key's stored private key, only if it still holds `old`
/// (so two processes sealing at once do not undo each other); false if not.
pub fn replace_private_key(
    conn: &mut DbConnection,
    kid: &str,
    old: &str,
    new: &str,
) -> QueryResult<bool> {
    diesel::update(
        signing_keys::table
            .find(kid)
            .filter(signing_keys::private_key.eq(old)),
    )
    .set(signing_keys::private_key.eq(new))
    .execute(conn)
    .map(|n| n > 0)
}

/// The unretired signing keys' ids, oldest first: what a process compares
/// with its key ring to see whether it must reload.
pub fn unretired_kids(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    signing_keys::table
        .filter(signing_keys::retired_at.is_null())
        .order((signing_keys::created_at.asc(), signing_keys::kid.asc()))
        .select(signing_keys::kid)
        .load(conn)
}

/// Serialises rotations and retirements until the transaction ends: a
/// PostgreSQL advisory lock (SQLite's write transactions are serial already),
/// so processes that find a key due at the same moment make one new key.
pub fn lock_signing_keys(conn: &mut DbConnection) -> QueryResult<()> {
    if let DbConnection::Postgres(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext('portcullis-signing-keys'))")
            .execute(pg)?;
    }
    Ok(())
}

/// Whether a portal token that is not expired (or never expires) was signed
/// by `kid`, or by a key no one recorded.
pub fn signed_live_token(
    conn: &mut DbConnection,
    kid: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        api_tokens::table
            .filter(
                api_tokens::signing_kid
                    .eq(kid)
                    .or(api_tokens::signing_kid.is_null()),
            )
            .filter(
                api_tokens::expires_at
                    .is_null()
                    .or(api_tokens::expires_at.gt(now)),
            ),
    ))
    .get_result(conn)
}

/// Marks a key retired; false if it already was.
pub fn retire_signing_key(
    conn: &mut DbConnection,
    kid: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        signing_keys::table
            .find(kid)
            .filter(signing_keys::retired_at.is_null()),
    )
    .set(signing_keys::retired_at.eq(at))
    .execute(conn)
    .map(|n| n > 0)
}

/// Tokens whose own allowlist has an entry with an expiry: (id, account,
/// stored list).
pub fn tokens_with_expiring_allowlist(
    conn: &mut DbConnection,
) -> QueryResult<Vec<(String, String, String)>> {
    api_tokens::table
        .filter(api_tokens::ip_allowlist.like("% until %"))
        .select((
            api_tokens::id,
            api_tokens::account_id,
            api_tokens::ip_allowlist,
        ))
        .load(conn)
}

/// Replaces a token's stored allowlist if it is still `seen`; false when
/// another change came first.
pub fn replace_allowlist_if(
    conn: &mut DbConnection,
    id: &str,
    seen: &str,
    stored: &str,
) -> QueryResult<bool> {
    diesel::update(
        api_tokens::table
            .find(id)
            .filter(api_tokens::ip_allowlist.eq(seen)),
    )
    .set(api_tokens::ip_allowlist.eq(stored))
    .execute(conn)
    .map(|n| n == 1)
}
