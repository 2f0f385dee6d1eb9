//! The `contacts`, `contact_groups` and `contact_group_members` tables.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    schema::{
        contact_group_members, contact_groups, contact_import_groups, contact_import_rows, contacts,
    },
    DbConnection,
};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = contacts)]
pub struct ContactRow {
    pub id: String,
    pub account_id: String,
    pub phone: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = contact_groups)]
pub struct GroupRow {
    pub id: String,
    pub account_id: String,
    pub name: String,
    pub created_at: NaiveDateTime,
}

pub fn insert_contact(
    conn: &mut DbConnection,
    contact: &ContactRow,
    groups: &[String],
) -> QueryResult<()> {
    diesel::insert_into(contacts::table)
        .values(contact)
        .execute(conn)?;
    insert_memberships(conn, &contact.id, groups)
}

pub fn phone_taken(conn: &mut DbConnection, account_id: &str, phone: &str) -> QueryResult<bool> {
    phone_taken_by_another(conn, account_id, phone, "")
}

/// Whether a contact other than `except` has this phone (ids are never empty:
/// `""` excepts none).
pub fn phone_taken_by_another(
    conn: &mut DbConnection,
    account_id: &str,
    phone: &str,
    except: &str,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        contacts::table.filter(
            contacts::account_id
                .eq(account_id)
                .and(contacts::phone.eq(phone))
                .and(contacts::id.ne(except)),
        ),
    ))
    .get_result(conn)
}

/// Stores the contact's fields (not its id, account or creation time).
pub fn update_contact(conn: &mut DbConnection, contact: &ContactRow) -> QueryResult<()> {
    diesel::update(contacts::table.find(&contact.id))
        .set((
            contacts::phone.eq(&contact.phone),
            contacts::first_name.eq(&contact.first_name),
            contacts::last_name.eq(&contact.last_name),
            contacts::email.eq(&contact.email),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Makes `groups` the contact's groups.
pub fn replace_memberships(
    conn: &mut DbConnection,
    contact_id: &str,
    groups: &[String],
) -> QueryResult<()> {
    diesel::delete(
        contact_group_members::table.filter(contact_group_members::contact_id.eq(contact_id)),
    )
    .execute(conn)?;
    insert_memberships(conn, contact_id, groups)
}

fn insert_memberships(
    conn: &mut DbConnection,
    contact_id: &str,
    groups: &[String],
) -> QueryResult<()> {
    for group in groups {
        diesel::insert_into(contact_group_members::table)
            .values((
                contact_group_members::contact_id.eq(contact_id),
                contact_group_members::group_id.eq(group),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn find_contact(
    conn: &mut DbConnection,
    account_id: &str,
    id: &str,
) -> QueryResult<Option<ContactRow>> {
    contacts::table
        .find(id)
        .filter(contacts::account_id.eq(account_id))
        .select(ContactRow::as_select())
        .first(conn)
        .optional()
}

diesel::define_sql_function! {
    /// SQL's `lower`, on both backends (SQLite's folds ASCII only).
    fn lower(text: diesel::sql_types::Nullable<diesel::sql_types::Text>) -> diesel::sql_types::Nullable<diesel::sql_types::Text>;
}

/// Which of an account's contacts a listing shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct ContactFilter<'a> {
    /// Only this group's members.
    pub group: Option<&'a str>,
    /// Only members of one of these groups (what a subuser may see).
    pub in_any_of: Option<&'a [String]>,
    /// Only contacts whose phone, names or e-mail contain this text, in any
    /// case; `%` and `_` in it are plain characters.
    pub search: Option<&'a str>,
}

/// A `LIKE … ESCAPE '\\'` pattern matching `needle` anywhere, lower-cased,
/// its wildcards escaped.
pub fn like_pattern(needle: &str) -> String {
    let mut pattern = String::with_capacity(needle.len() + 2);
    pattern.push('%');
    for c in needle.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// The account's contacts, by id, as `filter` narrows them, after `after`.
pub fn list_contacts(
    conn: &mut DbConnection,
    account_id: &str,
    filter: ContactFilter<'_>,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<ContactRow>> {
    let ContactFilter {
        group,
        in_any_of,
        search,
    } = filter;
    let mut query = contacts::table
        .filter(contacts::account_id.eq(account_id))
        .select(ContactRow::as_select())
        .order(contacts::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(group) = group {
        let members = contact_group_members::table
            .filter(contact_group_members::group_id.eq(group.to_owned()))
            .select(contact_group_members::contact_id);
        query = query.filter(contacts::id.eq_any(members));
    }
    if let Some(groups) = in_any_of {
        let members = contact_group_members::table
            .filter(contact_group_members::group_id.eq_any(groups.to_vec()))
            .select(contact_group_members::contact_id);
        query = query.filter(contacts::id.eq_any(members));
    }
    if let Some(search) = search {
        let pattern = like_pattern(search);
        query = query.filter(
            lower(contacts::phone.nullable())
                .like(pattern.clone())
                .escape('\\')
                .or(lower(contacts::first_name)
                    .like(pattern.clone())
                    .escape('\\'))
                .or(lower(contacts::last_name)
                    .like(pattern.clone())
                    .escape('\\'))
                .or(lower(contacts::email).like(pattern).escape('\\')),
        );
    }
    if let Some(after) = after {
        query = query.filter(contacts::id.gt(after.to_owned()));
    }
    query.load(conn)
}

/// Group ids of each of `contact_ids`.
pub fn memberships(
    conn: &mut DbConnection,
    contact_ids: &[String],
) -> QueryResult<Vec<(String, String)>> {
    contact_group_members::table
        .filter(contact_group_members::contact_id.eq_any(contact_ids))
        .order(contact_group_members::group_id.asc())
        .select((
            contact_group_members::contact_id,
            contact_group_members::group_id,
        ))
        .load(conn)
}

pub fn delete_contact(conn: &mut DbConnection, account_id: &str, id: &str) -> QueryResult<bool> {
    diesel::delete(
        contacts::table
            .find(id)
            .filter(contacts::account_id.eq(account_id)),
    )
    .execute(conn)
    .map(|n| n > 0)
}

pub fn list_groups(conn: &mut DbConnection, account_id: &str) -> QueryResult<Vec<GroupRow>> {
    contact_groups::table
        .filter(contact_groups::account_id.eq(account_id))
        .order(contact_groups::name.asc())
        .select(GroupRow::as_select())
        .load(conn)
}

pub fn insert_group(conn: &mut DbConnection, group: &GroupRow) -> QueryResult<()> {
    diesel::insert_into(contact_groups::table)
        .values(group)
        .execute(conn)
        .map(|_| ())
}

/// Renames the account's group; false when it has no such group.
pub fn rename_group(
    conn: &mut DbConnection,
    account_id: &str,
    id: &str,
    name: &str,
) -> QueryResult<bool> {
    diesel::update(
        contact_groups::table
            .find(id)
            .filter(contact_groups::account_id.eq(account_id)),
    )
    .set(contact_groups::name.eq(name))
    .execute(conn)
    .map(|n| n > 0)
}

/// Deletes the account's group; its contacts stay, their memberships go with
/// it (ON DELETE CASCADE).
pub fn delete_group(conn: &mut DbConnection, account_id: &str, id: &str) -> QueryResult<bool> {
    diesel::delete(
        contact_groups::table
            .find(id)
            .filter(contact_groups::account_id.eq(account_id)),
    )
    .execute(conn)
    .map(|n| n > 0)
}

/// One valid row of a CSV import, staged (invisible) until the import is published.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = contact_import_rows)]
pub struct StagedContactRow {
    pub id: String,
    pub import_id: String,
    pub line: i64,
    pub account_id: String,
    pub phone: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub created_at: NaiveDateTime,
}

/// Stages rows of an import with their groups (`(contact_id, group_id)`).
pub fn stage_import_rows(
    conn: &mut DbConnection,
    rows: &[StagedContactRow],
    groups: &[(String, String)],
) -> QueryResult<()> {
    // Row by row: diesel's batch insert is not available on the multi-backend connection.
    for row in rows {
        diesel::insert_into(contact_import_rows::table)
            .values(row)
            .execute(conn)?;
    }
    for (contact, group) in groups {
        diesel::insert_into(contact_import_groups::table)
            .values((
                contact_import_groups::contact_id.eq(contact),
                contact_import_groups::group_id.eq(group),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Moves an import's staged rows into `contacts` (set-based, for one short
/// transaction). Rows whose phone a contact of the account has by now are
/// not moved: their lines are returned. Returns (moved, duplicate lines).
/// The staged rows stay, for [`discard_import_part`] afterwards.
pub fn publish_import(conn: &mut DbConnection, import_id: &str) -> QueryResult<(usize, Vec<i64>)> {
    let staged = || contact_import_rows::table.filter(contact_import_rows::import_id.eq(import_id));
    let taken = || {
        contacts::table
            .filter(contacts::account_id.eq(contact_import_rows::account_id))
            .filter(contacts::phone.eq(contact_import_rows::phone))
    };
    let duplicates: Vec<i64> = staged()
        .filter(diesel::dsl::exists(taken()))
        .select(contact_import_rows::line)
        .load(conn)?;
    if !duplicates.is_empty() {
        diesel::delete(staged().filter(diesel::dsl::exists(taken()))).execute(conn)?;
    }
    let moved = diesel::insert_into(contacts::table)
        .values(staged().select((
            contact_import_rows::id,
            contact_import_rows::account_id,
            contact_import_rows::phone,
            contact_import_rows::first_name,
            contact_import_rows::last_name,
            contact_import_rows::email,
            contact_import_rows::created_at,
        )))
        .into_columns((
            contacts::id,
            contacts::account_id,
            contacts::phone,
            contacts::first_name,
            contacts::last_name,
            contacts::email,
            contacts::created_at,
        ))
        .execute(conn)?;
    // Groups deleted meanwhile are left out.
    diesel::insert_into(contact_group_members::table)
        .values(
            contact_import_groups::table
                .filter(
                    contact_import_groups::contact_id
                        .eq_any(staged().select(contact_import_rows::id)),
                )
                .filter(
                    contact_import_groups::group_id
                        .eq_any(contact_groups::table.select(contact_groups::id)),
                )
                .select((
                    contact_import_groups::contact_id,
                    contact_import_groups::group_id,
                )),
        )
        .into_columns((
            contact_group_members::contact_id,
            contact_group_members::group_id,
        ))
        .execute(conn)?;
    Ok((moved, duplicates))
}

/// Deletes up to `limit` of an import's staged rows (and their groups);
/// returns how many it deleted.
pub fn discard_import_part(
    conn: &mut DbConnection,
    import_id: &str,
    limit: i64,
) -> QueryResult<usize> {
    let some = contact_import_rows::table
        .filter(contact_import_rows::import_id.eq(import_id))
        .select(contact_import_rows::id)
        .limit(limit)
        .load::<String>(conn)?;
    diesel::delete(contact_import_rows::table.filter(contact_import_rows::id.eq_any(&some)))
        .execute(conn)
}

/// Deletes an import's staged rows (and their groups).
pub fn discard_import(conn: &mut DbConnection, import_id: &str) -> QueryResult<()> {
    diesel::delete(contact_import_rows::table.filter(contact_import_rows::import_id.eq(import_id)))
        .execute(conn)
        .map(|_| ())
}

/// Deletes rows staged before `before` (left by an import that crashed).
pub fn discard_stale_imports(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<()> {
    diesel::delete(contact_import_rows::table.filter(contact_import_rows::created_at.lt(before)))
        .execute(conn)
        .map(|_| ())
}

/// Whether the account has the group `id`.
pub fn group_exists(conn: &mut DbConnection, account_id: &str, id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        contact_groups::table
            .filter(contact_groups::id.eq(id))
            .filter(contact_groups::account_id.eq(account_id)),
    ))
    .get_result(conn)
}

/// The phones of up to `limit` of the group's contacts, by contact id.
pub fn group_phones(
    conn: &mut DbConnection,
    account_id: &str,
    group_id: &str,
    limit: i64,
) -> QueryResult<Vec<String>> {
    contacts::table
        .inner_join(contact_group_members::table)
        .filter(contact_group_members::group_id.eq(group_id))
        .filter(contacts::account_id.eq(account_id))
        .order(contacts::id.asc())
        .limit(limit)
        .select(contacts::phone)
        .load(conn)
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn a_search_is_matched_anywhere_and_its_wildcards_are_plain_characters() {
        assert_eq!(like_pattern("Kowal"), "%kowal%");
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
