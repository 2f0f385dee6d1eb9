//! The contact database: contacts with groups, and CSV import with per-row errors.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use portcullis_shared::{
    problem::FieldError,
    validate::{self, codes},
};

use crate::services::{
    access::Principal, low_priority, now, spreadsheet::neutralise_formula, AppState,
};
use crate::{
    db::{
        contacts::{self as contact_rows, ContactRow, GroupRow},
        DbConnection,
    },
    domain::PhoneNumber,
    error::{ApiError, ApiResult},
};

const NAME_MAX_CHARS: usize = 100;
/// Most rows one import accepts.
pub const IMPORT_MAX_ROWS: usize = 10_000;

/// A contact asked for (or read from an import row), not yet checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewContact {
    /// E.164, or anything `PhoneNumber` can parse.
    pub phone: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    /// Group ids.
    pub groups: Vec<String>,
}

/// Changes asked for one contact, not yet checked; `None` leaves a field as
/// it is, and `groups` replaces the groups the caller can see.
#[derive(Debug, Clone, Default)]
pub struct ContactUpdate {
    pub phone: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub groups: Option<Vec<String>>,
}

/// A contact as the caller sees it.
#[derive(Debug, Clone)]
pub struct Contact {
    pub id: String,
    /// E.164.
    pub phone: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    /// The ids of its groups the caller may see.
    pub groups: Vec<String>,
    pub created_at: NaiveDateTime,
}

impl Contact {
    fn from_row(row: &ContactRow, groups: Vec<String>) -> Self {
        Self {
            id: row.id.clone(),
            phone: row.phone.clone(),
            first_name: row.first_name.clone(),
            last_name: row.last_name.clone(),
            email: row.email.clone(),
            groups,
            created_at: row.created_at,
        }
    }
}

/// A contact group.
#[derive(Debug, Clone)]
pub struct ContactGroup {
    pub id: String,
    pub name: String,
    pub created_at: NaiveDateTime,
}

impl ContactGroup {
    fn from_row(row: &GroupRow) -> Self {
        Self {
            id: row.id.clone(),
            name: row.name.clone(),
            created_at: row.created_at,
        }
    }
}

/// One CSV row that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedRow {
    /// Line number in the file (the header is line 1).
    pub line: u64,
    /// The column at fault.
    pub field: String,
    /// Stable reason (`invalid_phone`, `duplicate`, `unknown_group`…).
    pub code: String,
    pub message: String,
}

/// What an import did.
#[derive(Debug, Clone)]
pub struct ImportResult {
    /// Contacts created.
    pub imported: u64,
    /// The rows skipped, by line.
    pub errors: Vec<SkippedRow>,
}

fn optional_text(field: &str, raw: Option<&str>, errors: &mut Vec<FieldError>) -> Option<String> {
    let value = raw.map(str::trim).filter(|v| !v.is_empty())?;
    if value.chars().count() > NAME_MAX_CHARS {
        errors.push(FieldError {
            field: field.into(),
            code: codes::TOO_LONG.into(),
            message: "Use at most 100 characters.".into(),
        });
        return None;
    }
    Some(value.to_owned())
}

/// A contact whose fields are valid (groups still to be checked against the account).
struct ValidContact {
    phone: PhoneNumber,
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    groups: Vec<String>,
}

fn parse_contact(request: &NewContact) -> Result<ValidContact, Vec<FieldError>> {
    let mut errors = Vec::new();
    let phone = PhoneNumber::parse("phone", &request.phone)
        .map_err(|e| errors.push(e))
        .ok();
    let first_name = optional_text("first_name", request.first_name.as_deref(), &mut errors);
    let last_name = optional_text("last_name", request.last_name.as_deref(), &mut errors);
    let email = request
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .and_then(|e| match validate::check_email("email", e) {
            Some(error) => {
                errors.push(error);
                None
            }
            None => Some(e.to_owned()),
        });
    let mut groups = request.groups.clone();
    groups.sort();
    groups.dedup();
    match phone {
        Some(phone) if errors.is_empty() => Ok(ValidContact {
            phone,
            first_name,
            last_name,
            email,
            groups,
        }),
        _ => Err(errors),
    }
}

fn contact_row(account_id: &str, contact: &ValidContact) -> ContactRow {
    ContactRow {
        id: format!("con_{}", uuid::Uuid::now_v7().simple()),
        account_id: account_id.to_owned(),
        phone: contact.phone.as_str().to_owned(),
        first_name: contact.first_name.clone(),
        last_name: contact.last_name.clone(),
        email: contact.email.clone(),
        created_at: now(),
    }
}

/// Refuses group ids that are not the account's (or, for a subuser, not granted).
fn check_groups_known(
    conn: &mut DbConnection,
    account_id: &str,
    visible: Option<&[String]>,
    groups: &[String],
) -> ApiResult<()> {
    let known: HashSet<String> = contact_rows::list_groups(conn, account_id)?
        .into_iter()
        .map(|g| g.id)
        .filter(|id| is_visible(visible, id))
        .collect();
    match groups.iter().find(|g| !known.contains(*g)) {
        Some(unknown) => Err(ApiError::field(
            "groups",
            codes::UNKNOWN_GROUP,
            &format!("No group {unknown} on this account."),
        )),
        None => Ok(()),
    }
}

/// Whether group `id` is one the caller may see (`None`: every group).
fn is_visible(visible: Option<&[String]>, id: &str) -> bool {
    visible.is_none_or(|groups| groups.iter().any(|g| g == id))
}

/// A subuser's contacts must sit in one of their groups, or they could not see them.
fn require_a_visible_group(visible: Option<&[String]>, groups: &[String]) -> ApiResult<()> {
    if visible.is_some() && groups.is_empty() {
        return Err(ApiError::field(
            "groups",
            codes::REQUIRED,
            "Put the contact in at least one of your groups.",
        ));
    }
    Ok(())
}

/// The contact's groups the caller may see; `None` when the contact is in
/// none of them (it is invisible to the caller).
fn visible_groups_of(
    conn: &mut DbConnection,
    visible: Option<&[String]>,
    contact_id: &str,
) -> ApiResult<Option<Vec<String>>> {
    let all = group_ids_of(conn, contact_id)?;
    let shown: Vec<String> = all.into_iter().filter(|g| is_visible(visible, g)).collect();
    Ok((visible.is_none() || !shown.is_empty()).then_some(shown))
}

fn duplicate(field: &str, what: &str) -> ApiError {
    let message = format!("A {what} already exists.");
    ApiError::Conflict {
        detail: message.clone(),
        errors: vec![FieldError::new(field, codes::DUPLICATE, message)],
    }
}

pub async fn create_contact(
    state: &AppState,
    caller: &Principal,
    request: NewContact,
) -> ApiResult<Contact> {
    let contact = parse_contact(&request).map_err(ApiError::Validation)?;
    let visible = caller.visible_groups().map(<[String]>::to_vec);
    require_a_visible_group(visible.as_deref(), &contact.groups)?;
    let row = contact_row(&caller.tenant_id, &contact);
    let stored = row.clone();
    let groups = contact.groups.clone();
    state
        .db
        .transaction(move |conn| {
            check_groups_known(conn, &stored.account_id, visible.as_deref(), &groups)?;
            if contact_rows::phone_taken(conn, &stored.account_id, &stored.phone)? {
                return Err(duplicate("phone", "contact with this phone"));
            }
            Ok(contact_rows::insert_contact(conn, &stored, &groups)?)
        })
        .await?;
    Ok(Contact::from_row(&row, contact.groups))
}

fn group_ids_of(conn: &mut DbConnection, contact_id: &str) -> ApiResult<Vec<String>> {
    Ok(
        contact_rows::memberships(conn, std::slice::from_ref(&contact_id.to_owned()))?
            .into_iter()
            .map(|(_, g)| g)
            .collect(),
    )
}

/// Changes the fields present in `request`, checked as on creation (on the
/// contact as it would be afterwards); `groups` replaces the contact's groups.
pub async fn update_contact(
    state: &AppState,
    caller: &Principal,
    id: &str,
    request: ContactUpdate,
) -> ApiResult<Contact> {
    let (account, contact_id) = (caller.tenant_id.clone(), id.to_owned());
    let visible = caller.visible_groups().map(<[String]>::to_vec);
    state
        .db
        .transaction(move |conn| {
            let visible = visible.as_deref();
            let existing = contact_rows::find_contact(conn, &account, &contact_id)?
                .ok_or(ApiError::NotFound)?;
            let current_groups =
                visible_groups_of(conn, visible, &existing.id)?.ok_or(ApiError::NotFound)?;
            // Groups the caller cannot see stay as they are.
            let hidden_groups: Vec<String> = group_ids_of(conn, &existing.id)?
                .into_iter()
                .filter(|g| !is_visible(visible, g))
                .collect();
            let merged = NewContact {
                phone: request.phone.unwrap_or(existing.phone),
                first_name: request.first_name.or(existing.first_name),
                last_name: request.last_name.or(existing.last_name),
                email: request.email.or(existing.email),
                groups: request.groups.clone().unwrap_or(current_groups),
            };
            let contact = parse_contact(&merged).map_err(ApiError::Validation)?;
            check_groups_known(conn, &account, visible, &contact.groups)?;
            if contact_rows::phone_taken_by_another(
                conn,
                &account,
                contact.phone.as_str(),
                &existing.id,
            )? {
                return Err(duplicate("phone", "contact with this phone"));
            }
            let row = ContactRow {
                id: existing.id,
                created_at: existing.created_at,
                ..contact_row(&account, &contact)
            };
            contact_rows::update_contact(conn, &row)?;
            if request.groups.is_some() {
                let mut memberships = contact.groups.clone();
                memberships.extend(hidden_groups);
                contact_rows::replace_memberships(conn, &row.id, &memberships)?;
            }
            Ok(Contact::from_row(&row, contact.groups))
        })
        .await
}

/// Which contacts a listing or an export shows, as asked, not yet checked.
#[derive(Debug, Clone, Default)]
pub struct ContactSearch {
    /// Only this group's members.
    pub group: Option<String>,
    /// Free text found in the phone, names or e-mail, in any case.
    pub text: Option<String>,
}

/// Most characters of a search text.
const SEARCH_MAX_CHARS: usize = 100;
/// Most contacts one export holds.
pub const EXPORT_MAX_ROWS: usize = 100_000;

impl ContactSearch {
    /// The search checked against what the caller may see: a group the caller
    /// cannot see is not found; a blank text searches for nothing.
    fn checked(self, caller: &Principal) -> ApiResult<Self> {
        let visible = caller.visible_groups();
        if self
            .group
            .as_deref()
            .is_some_and(|g| !is_visible(visible, g))
        {
            return Err(ApiError::NotFound);
        }
        let text = self
            .text
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty());
        if text
            .as_deref()
            .is_some_and(|t| t.chars().count() > SEARCH_MAX_CHARS)
        {
            return Err(ApiError::MalformedQuery(
                "`q` must be at most 100 characters.".into(),
            ));
        }
        Ok(Self { text, ..self })
    }

    fn filter<'a>(&'a self, visible: Option<&'a [String]>) -> contact_rows::ContactFilter<'a> {
        contact_rows::ContactFilter {
            group: self.group.as_deref(),
            in_any_of: visible,
            search: self.text.as_deref(),
        }
    }
}

/// One page of the contacts `search` finds, with the groups the caller sees.
fn contacts_page(
    conn: &mut DbConnection,
    account: &str,
    search: &ContactSearch,
    visible: Option<&[String]>,
    after: Option<&str>,
    limit: i64,
) -> ApiResult<Vec<Contact>> {
    let rows = contact_rows::list_contacts(conn, account, search.filter(visible), after, limit)?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut groups: HashMap<String, Vec<String>> = HashMap::new();
    for (contact, group) in contact_rows::memberships(conn, &ids)? {
        if is_visible(visible, &group) {
            groups.entry(contact).or_default().push(group);
        }
    }
    Ok(rows
        .iter()
        .map(|r| Contact::from_row(r, groups.remove(&r.id).unwrap_or_default()))
        .collect())
}

pub async fn list_contacts(
    state: &AppState,
    caller: &Principal,
    search: ContactSearch,
    after: Option<String>,
    limit: Option<i64>,
) -> ApiResult<Vec<Contact>> {
    let limit = limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::MalformedQuery(
            "`limit` must be between 1 and 500.".into(),
        ));
    }
    let search = search.checked(caller)?;
    let account = caller.tenant_id.clone();
    let visible = caller.visible_groups().map(<[String]>::to_vec);
    state
        .db
        .run(move |conn| {
            contacts_page(
                conn,
                &account,
                &search,
                visible.as_deref(),
                after.as_deref(),
                limit,
            )
        })
        .await
}

/// Every contact `search` finds, as CSV in the import's own columns (`phone,
/// first_name, last_name, email, groups`, group names separated by `;`), so
/// an export imports back as it was. Read in one transaction, page by page;
/// cells a spreadsheet would run as a formula get a leading `'`.
pub async fn export_csv(
    state: &AppState,
    caller: &Principal,
    search: ContactSearch,
) -> ApiResult<Vec<u8>> {
    const PAGE: i64 = 500;
    let search = search.checked(caller)?;
    let account = caller.tenant_id.clone();
    let visible = caller.visible_groups().map(<[String]>::to_vec);
    let (contacts, groups) = state
        .db
        .transaction(move |conn| {
            let names: HashMap<String, String> = contact_rows::list_groups(conn, &account)?
                .into_iter()
                .map(|g| (g.id, g.name))
                .collect();
            let mut found = Vec::new();
            loop {
                let after = found.last().map(|c: &Contact| c.id.clone());
                let page = contacts_page(
                    conn,
                    &account,
                    &search,
                    visible.as_deref(),
                    after.as_deref(),
                    PAGE,
                )?;
                let last_page = page.len() < PAGE as usize;
                found.extend(page);
                if found.len() > EXPORT_MAX_ROWS {
                    return Err(ApiError::MalformedQuery(
                        "More than 100,000 contacts match: narrow the export with `group` or `q`."
                            .into(),
                    ));
                }
                if last_page {
                    return Ok((found, names));
                }
            }
        })
        .await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(["phone", "first_name", "last_name", "email", "groups"])
        .map_err(ApiError::internal)?;
    for contact in &contacts {
        let group_names: Vec<&str> = contact
            .groups
            .iter()
            .filter_map(|id| groups.get(id).map(String::as_str))
            .collect();
        writer
            .write_record([
                contact.phone.as_str(),
                &neutralise_formula(contact.first_name.as_deref().unwrap_or_default()),
                &neutralise_formula(contact.last_name.as_deref().unwrap_or_default()),
                &neutralise_formula(contact.email.as_deref().unwrap_or_default()),
                &neutralise_formula(&group_names.join(";")),
            ])
            .map_err(ApiError::internal)?;
    }
    writer.into_inner().map_err(ApiError::internal)
}

pub async fn get_contact(state: &AppState, caller: &Principal, id: &str) -> ApiResult<Contact> {
    let (account, contact) = (caller.tenant_id.clone(), id.to_owned());
    let visible = caller.visible_groups().map(<[String]>::to_vec);
    state
        .db
        .run(move |conn| {
            let row =
                contact_rows::find_contact(conn, &account, &contact)?.ok_or(ApiError::NotFound)?;
            let groups =
                visible_groups_of(conn, visible.as_deref(), &row.id)?.ok_or(ApiError::NotFound)?;
            Ok(Contact::from_row(&row, groups))
        })
        .await
}

/// Runs one of the `contact_rows::delete_*` functions on the account's `id`: 404 when it deleted nothing.
async fn delete_owned(
    state: &AppState,
    account_id: &str,
    id: &str,
    delete: fn(&mut DbConnection, &str, &str) -> diesel::QueryResult<bool>,
) -> ApiResult<()> {
    let (account, item) = (account_id.to_owned(), id.to_owned());
    if state
        .db
        .transaction(move |conn| Ok(delete(conn, &account, &item)?))
        .await?
    {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

pub async fn delete_contact(state: &AppState, caller: &Principal, id: &str) -> ApiResult<()> {
    if let Some(visible) = caller.visible_groups().map(<[String]>::to_vec) {
        let (account, contact) = (caller.tenant_id.clone(), id.to_owned());
        state
            .db
            .run(move |conn| {
                contact_rows::find_contact(conn, &account, &contact)?.ok_or(ApiError::NotFound)?;
                visible_groups_of(conn, Some(&visible), &contact)?.ok_or(ApiError::NotFound)
            })
            .await?;
    }
    delete_owned(state, &caller.tenant_id, id, contact_rows::delete_contact).await
}

/// The account's groups; a subuser sees only the groups granted to them.
pub async fn list_groups(state: &AppState, caller: &Principal) -> ApiResult<Vec<ContactGroup>> {
    let account = caller.tenant_id.clone();
    let rows = state
        .db
        .run(move |conn| Ok(contact_rows::list_groups(conn, &account)?))
        .await?;
    let visible = caller.visible_groups();
    Ok(rows
        .iter()
        .filter(|g| is_visible(visible, &g.id))
        .map(ContactGroup::from_row)
        .collect())
}

fn parse_group_name(name: &str) -> ApiResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX_CHARS {
        return Err(ApiError::field(
            "name",
            codes::REQUIRED,
            "Give the group a name of at most 100 characters.",
        ));
    }
    Ok(name.to_owned())
}

/// Whether another of the account's groups than `except` has this name.
fn group_name_taken(
    conn: &mut DbConnection,
    account_id: &str,
    name: &str,
    except: &str,
) -> ApiResult<bool> {
    Ok(contact_rows::list_groups(conn, account_id)?
        .iter()
        .any(|g| g.name == name && g.id != except))
}

pub async fn create_group(
    state: &AppState,
    account_id: &str,
    name: &str,
) -> ApiResult<ContactGroup> {
    let row = GroupRow {
        id: format!("grp_{}", uuid::Uuid::now_v7().simple()),
        account_id: account_id.to_owned(),
        name: parse_group_name(name)?,
        created_at: now(),
    };
    let stored = row.clone();
    state
        .db
        .transaction(move |conn| {
            if group_name_taken(conn, &stored.account_id, &stored.name, "")? {
                return Err(duplicate("name", "group with this name"));
            }
            Ok(contact_rows::insert_group(conn, &stored)?)
        })
        .await?;
    Ok(ContactGroup::from_row(&row))
}

pub async fn rename_group(
    state: &AppState,
    account_id: &str,
    id: &str,
    name: &str,
) -> ApiResult<ContactGroup> {
    let name = parse_group_name(name)?;
    let (account, group) = (account_id.to_owned(), id.to_owned());
    state
        .db
        .transaction(move |conn| {
            if group_name_taken(conn, &account, &name, &group)? {
                return Err(duplicate("name", "group with this name"));
            }
            if !contact_rows::rename_group(conn, &account, &group, &name)? {
                return Err(ApiError::NotFound);
            }
            contact_rows::list_groups(conn, &account)?
                .iter()
                .find(|g| g.id == group)
                .map(ContactGroup::from_row)
                .ok_or(ApiError::NotFound)
        })
        .await
}

/// Deletes a group; its contacts stay, only their membership in it goes.
pub async fn delete_group(state: &AppState, account_id: &str, id: &str) -> ApiResult<()> {
    delete_owned(state, account_id, id, contact_rows::delete_group).await
}

/// One data row of an import, read but not yet checked against the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    /// Line number in the file (the header is line 1).
    pub line: u64,
    /// The row's fields; `groups` is empty until the names are resolved.
    pub request: NewContact,
    /// Group names from the `groups` column, trimmed, empty ones dropped.
    pub group_names: Vec<String>,
}

/// A CSV body split into readable rows and unreadable ones (reported by line).
#[derive(Debug, Default)]
pub struct ParsedImport {
    pub rows: Vec<ImportRow>,
    pub errors: Vec<SkippedRow>,
}

/// Reads an import's CSV (see [`import_csv`]) without touching storage. A
/// missing `phone` column, an unreadable header or too many rows refuse the
/// whole file.
pub fn parse_import_csv(body: &[u8]) -> ApiResult<ParsedImport> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(body);
    let headers = reader
        .headers()
        .map_err(|e| ApiError::MalformedBody(format!("Unreadable CSV header: {e}")))?
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect::<Vec<_>>();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let Some(phone_at) = column("phone") else {
        return Err(ApiError::field(
            "phone",
            codes::REQUIRED,
            "The CSV header must name a `phone` column.",
        ));
    };
    let (first_at, last_at, email_at, groups_at) = (
        column("first_name"),
        column("last_name"),
        column("email"),
        column("groups"),
    );

    let mut rows: Vec<ImportRow> = Vec::new();
    let mut errors: Vec<SkippedRow> = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index as u64 + 2;
        if rows.len() + errors.len() >= IMPORT_MAX_ROWS {
            return Err(ApiError::MalformedBody(format!(
                "At most {IMPORT_MAX_ROWS} rows per import."
            )));
        }
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                errors.push(SkippedRow {
                    line,
                    field: "row".into(),
                    code: "malformed_row".into(),
                    message: format!("Unreadable row: {error}"),
                });
                continue;
            }
        };
        let get = |at: Option<usize>| at.and_then(|i| record.get(i)).map(str::to_owned);
        let group_names = get(groups_at)
            .map(|g| {
                g.split(';')
                    .map(|n| n.trim().to_owned())
                    .filter(|n| !n.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let request = NewContact {
            phone: get(Some(phone_at)).unwrap_or_default(),
            first_name: get(first_at),
            last_name: get(last_at),
            email: get(email_at),
            groups: vec![],
        };
        rows.push(ImportRow {
            line,
            request,
            group_names,
        });
    }
    Ok(ParsedImport { rows, errors })
}

/// Valid rows staged per short transaction during an import.
const IMPORT_CHUNK_ROWS: usize = 500;
/// Staged rows older than this were left by an import that crashed.
const STALE_IMPORT: chrono::TimeDelta = chrono::TimeDelta::hours(1);

/// Imports contacts from CSV with a header row naming the columns `phone`
/// (required), `first_name`, `last_name`, `email` and `groups` (group names
/// separated by `;`, which must exist). Each invalid row is reported with its
/// line and skipped. Valid rows become visible together or not at all: they
/// are staged in short transactions of [`IMPORT_CHUNK_ROWS`] rows (so other
/// writers are never kept waiting for the whole import, notably on SQLite)
/// and moved into the contacts by one short final transaction; the staged
/// rows of a failed import are deleted.
pub async fn import_csv(
    state: &AppState,
    caller: &Principal,
    body: Vec<u8>,
) -> ApiResult<ImportResult> {
    let account = caller.tenant_id.clone();
    let visible = caller.visible_groups().map(<[String]>::to_vec);
    let listed_for = account.clone();
    let groups: HashMap<String, String> = state
        .db
        .run(move |conn| Ok(contact_rows::list_groups(conn, &listed_for)?))
        .await?
        .into_iter()
        // A subuser imports only into their groups; others do not exist for them.
        .filter(|g| is_visible(visible.as_deref(), &g.id))
        .map(|g| (g.name, g.id))
        .collect();
    let import_id = format!("imp_{}", uuid::Uuid::now_v7().simple());
    // Reading and checking 10,000 rows takes a good part of a second: not on
    // a request worker (see `low_priority`).
    let id = import_id.clone();
    let (staged, mut errors) = low_priority::run("csv-import", move || {
        let parsed = parse_import_csv(&body)?;
        Ok::<_, ApiError>(check_import_rows(
            parsed,
            &account,
            visible.as_deref(),
            &groups,
            &id,
        ))
    })
    .await??;
    let published = stage_and_publish(state, &import_id, staged).await;
    if published.is_err() {
        // Best effort: what is left is swept by a later import.
        let id = import_id.clone();
        let _ = state
            .db
            .transaction(move |conn| Ok(contact_rows::discard_import(conn, &id)?))
            .await;
    }
    let (imported, duplicates) = published?;
    errors.extend(
        duplicates
            .into_iter()
            .map(|line| duplicate_row(line as u64)),
    );
    errors.sort_by_key(|e| e.line);
    Ok(ImportResult {
        imported: imported as u64,
        errors,
    })
}

fn duplicate_row(line: u64) -> SkippedRow {
    SkippedRow {
        line,
        field: "phone".into(),
        code: codes::DUPLICATE.into(),
        message: "A contact with this phone already exists.".into(),
    }
}

/// An import's valid rows, ready to stage, and the errors of the others
/// (added to the file's `errors`): unknown groups, invalid fields, a phone
/// repeated within the file.
type CheckedImport = (
    Vec<(contact_rows::StagedContactRow, Vec<String>)>,
    Vec<SkippedRow>,
);

/// Checks each parsed row of an import against the account's groups (by
/// name: those `visible` to the caller) and the contact rules.
fn check_import_rows(
    parsed: ParsedImport,
    account: &str,
    visible: Option<&[String]>,
    groups: &HashMap<String, String>,
    import_id: &str,
) -> CheckedImport {
    let ParsedImport { rows, mut errors } = parsed;
    let mut seen: HashSet<String> = HashSet::new();
    let mut staged: Vec<(contact_rows::StagedContactRow, Vec<String>)> = Vec::new();
    for ImportRow {
        line,
        mut request,
        group_names,
    } in rows
    {
        let row_error = |field: &str, code: &str, message: String| SkippedRow {
            line,
            field: field.into(),
            code: code.into(),
            message,
        };
        if let Some(unknown) = group_names.iter().find(|n| !groups.contains_key(*n)) {
            errors.push(row_error(
                "groups",
                codes::UNKNOWN_GROUP,
                format!(
                    "No group named `{}`.",
                    unknown.chars().take(60).collect::<String>()
                ),
            ));
            continue;
        }
        if visible.is_some() && group_names.is_empty() {
            errors.push(row_error(
                "groups",
                codes::REQUIRED,
                "Name at least one of your groups.".into(),
            ));
            continue;
        }
        request.groups = group_names.iter().map(|n| groups[n].clone()).collect();
        let contact = match parse_contact(&request) {
            Ok(contact) => contact,
            Err(field_errors) => {
                errors.extend(
                    field_errors
                        .into_iter()
                        .map(|e| row_error(&e.field, &e.code, e.message)),
                );
                continue;
            }
        };
        if !seen.insert(contact.phone.as_str().to_owned()) {
            errors.push(duplicate_row(line));
            continue;
        }
        let row = contact_row(account, &contact);
        staged.push((
            contact_rows::StagedContactRow {
                id: row.id,
                import_id: import_id.to_owned(),
                line: line as i64,
                account_id: row.account_id,
                phone: row.phone,
                first_name: row.first_name,
                last_name: row.last_name,
                email: row.email,
                created_at: row.created_at,
            },
            contact.groups,
        ));
    }
    (staged, errors)
}

/// Stages `rows` chunk by chunk, then publishes them in one short transaction.
async fn stage_and_publish(
    state: &AppState,
    import_id: &str,
    rows: Vec<(contact_rows::StagedContactRow, Vec<String>)>,
) -> ApiResult<(usize, Vec<i64>)> {
    let stale_before = now() - STALE_IMPORT;
    state
        .db
        .transaction(move |conn| Ok(contact_rows::discard_stale_imports(conn, stale_before)?))
        .await?;
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(IMPORT_CHUNK_ROWS).collect();
        let memberships: Vec<(String, String)> = chunk
            .iter()
            .flat_map(|(row, groups)| groups.iter().map(|g| (row.id.clone(), g.clone())))
            .collect();
        let chunk: Vec<_> = chunk.into_iter().map(|(row, _)| row).collect();
        state
            .db
            .transaction(move |conn| {
                Ok(contact_rows::stage_import_rows(conn, &chunk, &memberships)?)
            })
            .await?;
    }
    let id = import_id.to_owned();
    let published = state
        .db
        .transaction(move |conn| Ok(contact_rows::publish_import(conn, &id)?))
        .await?;
    // The published rows' staged copies go in short steps too. The import
    // has succeeded whatever happens here: what is left is swept later.
    loop {
        let id = import_id.to_owned();
        let deleted = state
            .db
            .transaction(move |conn| {
                Ok(contact_rows::discard_import_part(
                    conn,
                    &id,
                    IMPORT_CHUNK_ROWS as i64,
                )?)
            })
            .await;
        if !matches!(deleted, Ok(n) if n == IMPORT_CHUNK_ROWS) {
            return Ok(published);
        }
    }
}
