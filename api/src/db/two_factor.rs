//! The `second_factors` and `recovery_codes` tables.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    schema::{recovery_codes, second_factors},
    DbConnection,
};

/// `second_factors.kind` values.
pub mod kinds {
    pub const SMS: &str = "sms";
    pub const TOTP: &str = "totp";
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = second_factors)]
pub struct SecondFactorRow {
    pub id: String,
    pub account_id: String,
    pub kind: String,
    pub phone: Option<String>,
    pub totp_secret: Option<String>,
    pub totp_last_step: Option<i64>,
    pub created_at: NaiveDateTime,
    pub confirmed_at: Option<NaiveDateTime>,
}

/// Every factor row of the account, confirmed or being set up.
pub fn factors(conn: &mut DbConnection, account_id: &str) -> QueryResult<Vec<SecondFactorRow>> {
    second_factors::table
        .filter(second_factors::account_id.eq(account_id))
        .select(SecondFactorRow::as_select())
        .order(second_factors::kind)
        .load(conn)
}

/// Replaces the account's row of this kind (a new set-up starts over).
pub fn replace_factor(conn: &mut DbConnection, row: &SecondFactorRow) -> QueryResult<()> {
    delete_factor(conn, &row.account_id, &row.kind)?;
    diesel::insert_into(second_factors::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn delete_factor(conn: &mut DbConnection, account_id: &str, kind: &str) -> QueryResult<bool> {
    diesel::delete(
        second_factors::table
            .filter(second_factors::account_id.eq(account_id))
            .filter(second_factors::kind.eq(kind)),
    )
    .execute(conn)
    .map(|n| n > 0)
}

/// Marks a set-up complete; false if there was no pending row.
pub fn confirm_factor(
    conn: &mut DbConnection,
    id: &str,
    at: NaiveDateTime,
    totp_step: Option<i64>,
) -> QueryResult<bool> {
    diesel::update(
        second_factors::table
            .find(id)
            .filter(second_factors::confirmed_at.is_null()),
    )
    .set((
        second_factors::confirmed_at.eq(at),
        second_factors::totp_last_step.eq(totp_step),
    ))
    .execute(conn)
    .map(|n| n > 0)
}

/// Records the TOTP time step just used, only if it is newer than the last
/// one: false means the code was already used (a replay).
pub fn advance_totp_step(conn: &mut DbConnection, id: &str, step: i64) -> QueryResult<bool> {
    diesel::update(
        second_factors::table.find(id).filter(
            second_factors::totp_last_step
                .is_null()
                .or(second_factors::totp_last_step.lt(step)),
        ),
    )
    .set(second_factors::totp_last_step.eq(step))
    .execute(conn)
    .map(|n| n > 0)
}

/// Every stored TOTP secret as (factor id, stored value) whose value does not
/// start with `prefix` (`""` for all of them), in id order.
pub fn totp_secrets_without_prefix(
    conn: &mut DbConnection,
    prefix: &str,
) -> QueryResult<Vec<(String, String)>> {
    let mut query = second_factors::table
        .filter(second_factors::totp_secret.is_not_null())
        .select((second_factors::id, second_factors::totp_secret))
        .order(second_factors::id)
        .into_boxed();
    if !prefix.is_empty() {
        query = query.filter(second_factors::totp_secret.not_like(format!("{prefix}%")));
    }
    let rows: Vec<(String, Option<String>)> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, secret)| secret.map(|s| (id, s)))
        .collect())
}

/// Replaces a factor's stored TOTP secret, only if it still holds `old` (so two
/// processes sealing at once do not undo each other); false if not.
pub fn replace_totp_secret(
    conn: &mut DbConnection,
    id: &str,
    old: &str,
    new: &str,
) -> QueryResult<bool> {
    diesel::update(
        second_factors::table
            .find(id)
            .filter(second_factors::totp_secret.eq(old)),
    )
    .set(second_factors::totp_secret.eq(new))
    .execute(conn)
    .map(|n| n > 0)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = recovery_codes)]
pub struct RecoveryCodeRow {
    pub id: String,
    pub account_id: String,
    pub code_hash: String,
    pub created_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

/// Replaces the account's recovery codes with `rows` (empty: removes them).
pub fn replace_recovery_codes(
    conn: &mut DbConnection,
    account_id: &str,
    rows: &[RecoveryCodeRow],
) -> QueryResult<()> {
    diesel::delete(recovery_codes::table.filter(recovery_codes::account_id.eq(account_id)))
        .execute(conn)?;
    // One by one: the two-backend connection has no batch insert.
    for row in rows {
        diesel::insert_into(recovery_codes::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

pub fn unused_recovery_codes(conn: &mut DbConnection, account_id: &str) -> QueryResult<i64> {
    recovery_codes::table
        .filter(recovery_codes::account_id.eq(account_id))
        .filter(recovery_codes::used_at.is_null())
        .count()
        .get_result(conn)
}

/// The account's unused recovery codes.
pub fn unused_recovery_code_rows(
    conn: &mut DbConnection,
    account_id: &str,
) -> QueryResult<Vec<RecoveryCodeRow>> {
    recovery_codes::table
        .filter(recovery_codes::account_id.eq(account_id))
        .filter(recovery_codes::used_at.is_null())
        .select(RecoveryCodeRow::as_select())
        .load(conn)
}

/// Marks the code `id` used; false if another request used it first.
pub fn use_recovery_code(
    conn: &mut DbConnection,
    id: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        recovery_codes::table
            .find(id)
            .filter(recovery_codes::used_at.is_null()),
    )
    .set(recovery_codes::used_at.eq(at))
    .execute(conn)
    .map(|n| n > 0)
}
