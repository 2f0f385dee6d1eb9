//! The `login_preferences` table: what each login (owner or subuser) chose
//! for itself — its language. A login without a row has the defaults.

use diesel::prelude::*;
use portcullis_shared::vocabulary::Language;

use super::{
    schema::{accounts, login_preferences},
    DbConnection,
};

/// A stored language read back; a value the column's check would refuse
/// reads as the default.
fn stored(language: Option<String>) -> Language {
    language
        .as_deref()
        .and_then(Language::from_tag)
        .unwrap_or_default()
}

/// The language of the login `account_id` (the default when it chose none).
pub fn language(conn: &mut DbConnection, account_id: &str) -> QueryResult<Language> {
    login_preferences::table
        .find(account_id)
        .select(login_preferences::language)
        .first::<String>(conn)
        .optional()
        .map(stored)
}

/// Sets the language of the login `account_id`.
pub fn set_language(
    conn: &mut DbConnection,
    account_id: &str,
    language: Language,
) -> QueryResult<()> {
    let values = (
        login_preferences::account_id.eq(account_id),
        login_preferences::language.eq(language.as_str()),
    );
    let update = login_preferences::language.eq(language.as_str());
    // Per backend: the multi-backend connection has no upsert.
    crate::per_backend!(conn, |c| diesel::insert_into(login_preferences::table)
        .values(values)
        .on_conflict(login_preferences::account_id)
        .do_update()
        .set(update)
        .execute(c))?;
    Ok(())
}

/// Where mail to a login goes, and in which language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub email: String,
    pub language: Language,
}

impl Recipient {
    /// From the e-mail and the language column of a left join (none: the default).
    pub fn read(email: String, language: Option<String>) -> Self {
        Self {
            email,
            language: stored(language),
        }
    }
}

/// The e-mail and language of the login `account_id`, if it exists.
pub fn recipient(conn: &mut DbConnection, account_id: &str) -> QueryResult<Option<Recipient>> {
    accounts::table
        .left_join(login_preferences::table)
        .filter(accounts::id.eq(account_id))
        .select((accounts::email, login_preferences::language.nullable()))
        .first::<(String, Option<String>)>(conn)
        .optional()
        .map(|found| found.map(|(email, language)| Recipient::read(email, language)))
}
