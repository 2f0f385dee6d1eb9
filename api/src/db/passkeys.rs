//! The `passkeys`, `webauthn_ceremonies` and `sign_in_policies` tables.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    schema::{passkeys, sign_in_policies, webauthn_ceremonies},
    DbConnection,
};

/// `webauthn_ceremonies.kind` values.
pub mod ceremony_kinds {
    pub const REGISTRATION: &str = "registration";
    pub const SECOND_FACTOR: &str = "second_factor";
    pub const PASSWORDLESS: &str = "passwordless";
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = passkeys)]
pub struct PasskeyRow {
    pub id: String,
    pub account_id: String,
    pub name: String,
    pub credential_id: String,
    pub user_handle: String,
    pub credential: String,
    pub sign_count: i64,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
}

/// The login's passkeys, oldest first.
pub fn for_account(conn: &mut DbConnection, account_id: &str) -> QueryResult<Vec<PasskeyRow>> {
    passkeys::table
        .filter(passkeys::account_id.eq(account_id))
        .select(PasskeyRow::as_select())
        .order((passkeys::created_at, passkeys::id))
        .load(conn)
}

pub fn count_for_account(conn: &mut DbConnection, account_id: &str) -> QueryResult<i64> {
    passkeys::table
        .filter(passkeys::account_id.eq(account_id))
        .count()
        .get_result(conn)
}

/// The passkey with this credential id, whoever's it is.
pub fn find_by_credential_id(
    conn: &mut DbConnection,
    credential_id: &str,
) -> QueryResult<Option<PasskeyRow>> {
    passkeys::table
        .filter(passkeys::credential_id.eq(credential_id))
        .select(PasskeyRow::as_select())
        .first(conn)
        .optional()
}

/// The login's passkey `id`; `None` for another login's (or no) passkey.
pub fn find_owned(
    conn: &mut DbConnection,
    account_id: &str,
    id: &str,
) -> QueryResult<Option<PasskeyRow>> {
    passkeys::table
        .find(id)
        .filter(passkeys::account_id.eq(account_id))
        .select(PasskeyRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, row: &PasskeyRow) -> QueryResult<()> {
    diesel::insert_into(passkeys::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn rename(
    conn: &mut DbConnection,
    account_id: &str,
    id: &str,
    name: &str,
) -> QueryResult<bool> {
    diesel::update(
        passkeys::table
            .find(id)
            .filter(passkeys::account_id.eq(account_id)),
    )
    .set(passkeys::name.eq(name))
    .execute(conn)
    .map(|n| n > 0)
}

pub fn delete(conn: &mut DbConnection, account_id: &str, id: &str) -> QueryResult<bool> {
    diesel::delete(
        passkeys::table
            .find(id)
            .filter(passkeys::account_id.eq(account_id)),
    )
    .execute(conn)
    .map(|n| n > 0)
}

/// Records a use: the new credential state and counter, only if the stored
/// counter is still `seen_count` (so two uses checked against the same count
/// cannot both pass); false if another use got there first.
pub fn record_use(
    conn: &mut DbConnection,
    id: &str,
    seen_count: i64,
    sign_count: i64,
    credential: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        passkeys::table
            .find(id)
            .filter(passkeys::sign_count.eq(seen_count)),
    )
    .set((
        passkeys::sign_count.eq(sign_count),
        passkeys::credential.eq(credential),
        passkeys::last_used_at.eq(at),
    ))
    .execute(conn)
    .map(|n| n > 0)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webauthn_ceremonies)]
pub struct CeremonyRow {
    pub id: String,
    pub account_id: Option<String>,
    pub kind: String,
    pub challenge_id: Option<String>,
    pub state: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

pub fn insert_ceremony(conn: &mut DbConnection, row: &CeremonyRow) -> QueryResult<()> {
    diesel::insert_into(webauthn_ceremonies::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Takes the ceremony `id` out of storage (it is single use): the row if it
/// was there and this call deleted it, `None` if it was never there or
/// another request took it first.
pub fn take_ceremony(conn: &mut DbConnection, id: &str) -> QueryResult<Option<CeremonyRow>> {
    let Some(row) = webauthn_ceremonies::table
        .find(id)
        .select(CeremonyRow::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let deleted = diesel::delete(webauthn_ceremonies::table.find(id)).execute(conn)?;
    Ok((deleted == 1).then_some(row))
}

/// Removes ceremonies that ended before `at` without being finished.
pub fn delete_expired_ceremonies(conn: &mut DbConnection, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(webauthn_ceremonies::table.filter(webauthn_ceremonies::expires_at.lt(at)))
        .execute(conn)
}

/// Whether the company account `owner_id` requires a phishing-resistant method.
pub fn phishing_resistant_required(conn: &mut DbConnection, owner_id: &str) -> QueryResult<bool> {
    Ok(sign_in_policies::table
        .find(owner_id)
        .select(sign_in_policies::require_phishing_resistant)
        .first::<bool>(conn)
        .optional()?
        .unwrap_or(false))
}

/// Sets the company account's policy; false when it already was so.
pub fn set_phishing_resistant_required(
    conn: &mut DbConnection,
    owner_id: &str,
    required: bool,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    if phishing_resistant_required(conn, owner_id)? == required {
        return Ok(false);
    }
    diesel::delete(sign_in_policies::table.find(owner_id)).execute(conn)?;
    diesel::insert_into(sign_in_policies::table)
        .values((
            sign_in_policies::account_id.eq(owner_id),
            sign_in_policies::require_phishing_resistant.eq(required),
            sign_in_policies::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(true)
}
