//! The contact database: contacts page by page, groups, the CSV import and the export
//! download.

use gloo_net::http::Request;
use portcullis_shared::dto::{
    ContactDto, ContactGroupDto, CreateContactGroupRequest, CreateContactRequest, ImportResultDto,
    UpdateContactRequest,
};
use portcullis_shared::endpoints::{
    CreateContact, CreateContactGroup, DeleteContact, DeleteContactGroup, ListContacts,
    ListContactsQuery, RenameContactGroup, UpdateContact,
};
use portcullis_shared::routes::{CONTACTS_EXPORT, CONTACTS_IMPORT, CSRF_HEADER};

use super::request::{call, decode};
use super::ApiError;

/// One page of contacts, as `query` narrows them.
pub async fn list_contacts(query: &ListContactsQuery) -> Result<Vec<ContactDto>, ApiError> {
    call::<ListContacts>(None, &(), query).await
}

/// Adds a contact.
pub async fn create_contact(
    csrf_token: &str,
    request: &CreateContactRequest,
) -> Result<ContactDto, ApiError> {
    call::<CreateContact>(Some(csrf_token), &(), request).await
}

/// Changes the fields present in `request`.
pub async fn update_contact(
    csrf_token: &str,
    id: &str,
    request: &UpdateContactRequest,
) -> Result<ContactDto, ApiError> {
    call::<UpdateContact>(Some(csrf_token), id, request).await
}

/// Deletes a contact.
pub async fn delete_contact(csrf_token: &str, id: &str) -> Result<(), ApiError> {
    call::<DeleteContact>(Some(csrf_token), id, &()).await
}

/// Creates a group.
pub async fn create_contact_group(
    csrf_token: &str,
    name: &str,
) -> Result<ContactGroupDto, ApiError> {
    let request = CreateContactGroupRequest {
        name: name.to_owned(),
    };
    call::<CreateContactGroup>(Some(csrf_token), &(), &request).await
}

/// Renames a group.
pub async fn rename_contact_group(
    csrf_token: &str,
    id: &str,
    name: &str,
) -> Result<ContactGroupDto, ApiError> {
    let request = CreateContactGroupRequest {
        name: name.to_owned(),
    };
    call::<RenameContactGroup>(Some(csrf_token), id, &request).await
}

/// Deletes a group; its contacts stay.
pub async fn delete_contact_group(csrf_token: &str, id: &str) -> Result<(), ApiError> {
    call::<DeleteContactGroup>(Some(csrf_token), id, &()).await
}

/// Imports a CSV file's text: the valid rows are added, each invalid one is reported.
pub async fn import_contacts(csrf_token: &str, csv: String) -> Result<ImportResultDto, ApiError> {
    let response = Request::post(CONTACTS_IMPORT)
        .header("Accept", "application/json")
        .header("Content-Type", "text/csv")
        .header(CSRF_HEADER, csrf_token)
        .body(csv)
        .map_err(|err| ApiError::Network(err.to_string()))?
        .send()
        .await
        .map_err(|err| ApiError::Network(err.to_string()))?;
    decode(response).await
}

/// Where the browser downloads the contacts `query` finds as CSV (the session cookie goes
/// along); paging is not part of an export.
pub fn contacts_export_url(query: &ListContactsQuery) -> String {
    let query = ListContactsQuery {
        after: None,
        limit: None,
        ..query.clone()
    };
    match serde_urlencoded::to_string(&query) {
        Ok(encoded) if !encoded.is_empty() => format!("{CONTACTS_EXPORT}?{encoded}"),
        _ => CONTACTS_EXPORT.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_export_link_carries_the_filters_escaped_and_no_paging() {
        let query = ListContactsQuery {
            group: Some("g1".to_owned()),
            q: Some("O'Brien & co".to_owned()),
            after: Some("c9".to_owned()),
            limit: Some(50),
        };
        assert_eq!(
            contacts_export_url(&query),
            "/api/v1/contacts/export?group=g1&q=O%27Brien+%26+co"
        );
        assert_eq!(
            contacts_export_url(&ListContactsQuery::default()),
            "/api/v1/contacts/export"
        );
    }
}
