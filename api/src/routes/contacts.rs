//! `/api/v1/contacts` and `/api/v1/contact-groups` (scopes `contacts`, `contacts:read`).

use actix_web::{http::header, web, HttpRequest, HttpResponse};
use portcullis_shared::capability::Capability;
use portcullis_shared::{
    dto::{
        ContactDto, ContactGroupDto, CreateContactGroupRequest, CreateContactRequest,
        ImportResultDto, UpdateContactRequest,
    },
    problem::Problem,
    routes,
};
use serde::Deserialize;

use super::responses::{BearerErrors, BearerJsonErrors, ScopeRefused};
use crate::{
    auth::Caller,
    error::{ApiError, ApiResult},
    services::{contacts, now, AppState},
};

/// Largest CSV accepted by the import.
const IMPORT_LIMIT_BYTES: usize = 2 * 1024 * 1024;

endpoints! {
    routes::CONTACTS_IMPORT => post(import_contacts),
        app_data(web::PayloadConfig::new(IMPORT_LIMIT_BYTES));
    routes::CONTACTS_EXPORT => get(export_contacts);
    routes::CONTACTS => get(list_contacts).post(create_contact);
    routes::CONTACT => get(get_contact).patch(update_contact).delete(delete_contact);
    routes::CONTACT_GROUPS => get(list_groups).post(create_group);
    routes::CONTACT_GROUP => patch(rename_group).delete(delete_group);
}

/// Query of `GET /api/v1/contacts`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContactsQuery {
    /// Only contacts in this group.
    group: Option<String>,
    /// Only contacts whose phone, first or last name or e-mail contain this
    /// text, in any case (at most 100 characters; blank searches for nothing).
    q: Option<String>,
    /// Only contacts after this contact id (for the next page).
    after: Option<String>,
    /// Page size, 1 to 500 (default 100).
    limit: Option<i64>,
}

/// List contacts (scope `contacts` or `contacts:read`).
#[utoipa::path(
    get,
    path = "/api/v1/contacts",
    tag = "integrator",
    params(ContactsQuery),
    security(("bearer" = ["contacts:read"]), ("session" = [])),
    responses(
        (status = 200, description = "Contacts, by id", body = Vec<ContactDto>),
        (status = 400, description = "Bad query (`malformed_query`)", body = Problem, content_type = "application/problem+json"),
        ScopeRefused,
        BearerErrors,
    )
)]
pub async fn list_contacts(
    caller: Caller,
    state: web::Data<AppState>,
    query: web::Query<ContactsQuery>,
) -> ApiResult<HttpResponse> {
    let caller = caller.require(Capability::ReadContacts)?;
    let ContactsQuery {
        group,
        q,
        after,
        limit,
    } = query.into_inner();
    let search = contacts::ContactSearch { group, text: q };
    let found = contacts::list_contacts(&state, &caller, search, after, limit).await?;
    Ok(HttpResponse::Ok().json(found.into_iter().map(ContactDto::from).collect::<Vec<_>>()))
}

/// Add a contact (scope `contacts`).
#[utoipa::path(
    post,
    path = "/api/v1/contacts",
    tag = "integrator",
    request_body = CreateContactRequest,
    security(("bearer" = ["contacts"]), ("session" = [])),
    responses(
        (status = 201, description = "Created", body = ContactDto),
        (status = 409, description = "Phone already in the contacts (field `phone`: `duplicate`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields or unknown group", body = Problem, content_type = "application/problem+json"),
        ScopeRefused,
        BearerJsonErrors,
    )
)]
pub async fn create_contact(
    caller: Caller,
    state: web::Data<AppState>,
    body: web::Json<CreateContactRequest>,
) -> ApiResult<HttpResponse> {
    let caller = caller.require(Capability::ManageContacts)?;
    let contact = contacts::create_contact(&state, &caller, body.into_inner().into()).await?;
    Ok(HttpResponse::Created().json(ContactDto::from(contact)))
}

/// One contact (scope `contacts` or `contacts:read`).
#[utoipa::path(
    get,
    path = "/api/v1/contacts/{id}",
    tag = "integrator",
    params(("id" = String, Path, description = "Contact id")),
    security(("bearer" = ["contacts:read"]), ("session" = [])),
    responses(
        (status = 200, description = "The contact", body = ContactDto),
        (status = 404, description = "No such contact on this account", body = Problem, content_type = "application/problem+json"),
        ScopeRefused,
        BearerErrors,
    )
)]
pub async fn get_contact(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let caller = caller.require(Capability::ReadContacts)?;
    let contact = contacts::get_contact(&state, &caller, &id).await?;
    Ok(HttpResponse::Ok().json(ContactDto::from(contact)))
}

/// Change a contact (scope `contacts`).
///
/// Only the fields sent change, checked as on creation; an empty string clears
/// an optional field; `groups` replaces the contact's groups.
#[utoipa::path(
    patch,
    path = "/api/v1/contacts/{id}",
    tag = "integrator",
    request_body = UpdateContactRequest,
    params(("id" = String, Path, description = "Contact id")),
    security(("bearer" = ["contacts"]), ("session" = [])),
    responses(
        (status = 200, description = "The contact after the change", body = ContactDto),
        (status = 404, description = "No such contact on this account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another contact has this phone (field `phone`: `duplicate`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields or unknown group", body = Problem, content_type = "application/problem+json"),
        ScopeRefused,
        BearerJsonErrors,
    )
)]
pub async fn update_contact(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Json<UpdateContactRequest>,
) -> ApiResult<HttpResponse> {
    let caller = caller.require(Capability::ManageContacts)?;
    let contact = contacts::update_contact(&state, &caller, &id, body.into_inner().into()).await?;
    Ok(HttpResponse::Ok().json(ContactDto::from(contact)))
}

/// Delete a contact (scope `contacts`).
#[utoipa::path(
    delete,
    path = "/api/v1/contacts/{id}",
    tag = "integrator",
    params(("id" = String, Path, description = "Contact id")),
    security(("bearer" = ["contacts"]), ("session" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such contact on this account", body = Problem, content_type = "application/problem+json"),
        ScopeRefused,
        BearerErrors,
    )
)]
pub async fn delete_contact(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let caller = caller.require(Capability::ManageContacts)?;
    contacts::delete_contact(&state, &caller, &id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// List contact groups (scope `contacts` or `contacts:read`).
#[utoipa::path(
    get,
    path = "/api/v1/contact-groups",
    tag = "integrator",
    security(("bearer" = ["contacts:read"]), ("session" = [])),
    responses(
        (status = 200, description = "Groups, by name", body = Vec<ContactGroupDto>),
        ScopeRefused,
        BearerErrors,
    )
)]
pub async fn list_groups(caller: Caller, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let caller = caller.require(Capability::ReadContacts)?;
    let groups = contacts::list_groups(&state, &caller).await?;
    Ok(HttpResponse::Ok().json(
        groups
            .into_iter()
            .map(ContactGroupDto::from)
            .collect::<Vec<_>>(),
    ))
}

/// Create a contact group (scope `contacts`).
#[utoipa::path(
    post,
    path = "/api/v1/contact-groups",
    tag = "integrator",
    request_body = CreateContactGroupRequest,
    security(("bearer" = ["contacts"]), ("session" = [])),
    responses(
        (status = 201, description = "Created", body = ContactGroupDto),
        (status = 409, description = "Name already used (field `name`: `duplicate`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long name", body = Problem, content_type = "application/problem+json"),
        ScopeRefused,
        BearerJsonErrors,
    )
)]
pub async fn create_group(
    caller: Caller,
    state: web::Data<AppState>,
    body: web::Json<CreateContactGroupRequest>,
) -> ApiResult<HttpResponse> {
    let caller = caller.require(Capability::ManageContactGroups)?;
    let group = contacts::create_group(&state, &caller.tenant_id, &body.name).await?;
    Ok(HttpResponse::Created().json(ContactGroupDto::from(group)))
}

/// Rename a contact group (scope `contacts`).
#[utoipa::path(
    patch,
    path = "/api/v1/contact-groups/{id}",
    tag = "integrator",
    request_body = CreateContactGroupRequest,
    params(("id" = String, Path, description = "Group id")),
    security(("bearer" = ["contacts"]), ("session" = [])),
    responses(
        (status = 200, description = "The group after the change", body = ContactGroupDto),
        (status = 404, description = "No such group on this account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Name already used (field `name`: `duplicate`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long name", body = Problem, content_type = "application/problem+json"),
        ScopeRefused,
        BearerJsonErrors,
    )
)]
pub async fn rename_group(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Json<CreateContactGroupRequest>,
) -> ApiResult<HttpResponse> {
    let caller = caller.require(Capability::ManageContactGroups)?;
    let group = contacts::rename_group(&state, &caller.tenant_id, &id, &body.name).await?;
    Ok(HttpResponse::Ok().json(ContactGroupDto::from(group)))
}

/// Delete a contact group (scope `contacts`): its contacts stay, out of the group.
#[utoipa::path(
    delete,
    path = "/api/v1/contact-groups/{id}",
    tag = "integrator",
    params(("id" = String, Path, description = "Group id")),
    security(("bearer" = ["contacts"]), ("session" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such group on this account", body = Problem, content_type = "application/problem+json"),
        ScopeRefused,
        BearerErrors,
    )
)]
pub async fn delete_group(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let caller = caller.require(Capability::ManageContactGroups)?;
    contacts::delete_group(&state, &caller.tenant_id, &id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Import contacts from CSV (scope `contacts`).
///
/// Send `text/csv` with a header row naming `phone` (required) and any of
/// `first_name`, `last_name`, `email`, `groups` (existing group names separated
/// by `;`). Valid rows are imported together; each invalid row is reported with
/// its line number and skipped.
#[utoipa::path(
    post,
    path = "/api/v1/contacts/import",
    tag = "integrator",
    request_body(content_type = "text/csv", description = "CSV with a header row", content = String),
    security(("bearer" = ["contacts"]), ("session" = [])),
    responses(
        (status = 200, description = "Imported, with the rows skipped", body = ImportResultDto),
        (status = 400, description = "Unreadable CSV (`malformed_body`)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than 2 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not text/csv", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No `phone` column", body = Problem, content_type = "application/problem+json"),
        ScopeRefused,
        BearerErrors,
    )
)]
pub async fn import_contacts(
    caller: Caller,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let caller = caller.require(Capability::ManageContacts)?;
    let is_csv = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/csv"));
    if !is_csv {
        return Err(ApiError::UnsupportedMediaType);
    }
    let result = contacts::import_csv(&state, &caller, body.to_vec()).await?;
    Ok(HttpResponse::Ok().json(ImportResultDto::from(result)))
}

/// Query of `GET /api/v1/contacts/export`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContactsExportQuery {
    /// Only contacts in this group.
    group: Option<String>,
    /// Only contacts whose phone, first or last name or e-mail contain this
    /// text, in any case.
    q: Option<String>,
}

/// Download contacts as CSV (scope `contacts` or `contacts:read`).
///
/// The columns of the import (`phone, first_name, last_name, email, groups`,
/// group names separated by `;`), so a file exported here imports back as it
/// was. The same filters as the list, without paging, at most 100,000
/// contacts. A subuser's file holds only the groups granted to them. Cells a
/// spreadsheet would run as a formula get a leading `'`.
#[utoipa::path(
    get,
    path = "/api/v1/contacts/export",
    tag = "integrator",
    params(ContactsExportQuery),
    security(("bearer" = ["contacts:read"]), ("session" = [])),
    responses(
        (status = 200, description = "The contacts as a file (`Content-Disposition: attachment`)", body = String, content_type = "text/csv"),
        (status = 400, description = "Bad query, or more than 100,000 contacts match (`malformed_query`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such group visible to the caller", body = Problem, content_type = "application/problem+json"),
        ScopeRefused,
        BearerErrors,
    )
)]
pub async fn export_contacts(
    caller: Caller,
    state: web::Data<AppState>,
    query: web::Query<ContactsExportQuery>,
) -> ApiResult<HttpResponse> {
    let caller = caller.require(Capability::ReadContacts)?;
    let ContactsExportQuery { group, q } = query.into_inner();
    let search = contacts::ContactSearch { group, text: q };
    let body = contacts::export_csv(&state, &caller, search).await?;
    let filename = format!("contacts-{}.csv", now().format("%Y%m%dT%H%M%SZ"));
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(body))
}
