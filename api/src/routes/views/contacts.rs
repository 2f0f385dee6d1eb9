//! Contacts, groups and import results as the API shows them.

use portcullis_shared::dto::{
    ContactDto, ContactGroupDto, CreateContactRequest, ImportResultDto, ImportRowError,
    UpdateContactRequest,
};

use crate::services::{
    contacts::{Contact, ContactGroup, ContactUpdate, ImportResult, NewContact, SkippedRow},
    rfc3339,
};

impl From<CreateContactRequest> for NewContact {
    fn from(request: CreateContactRequest) -> Self {
        let CreateContactRequest {
            phone,
            first_name,
            last_name,
            email,
            groups,
        } = request;
        Self {
            phone,
            first_name,
            last_name,
            email,
            groups,
        }
    }
}

impl From<UpdateContactRequest> for ContactUpdate {
    fn from(request: UpdateContactRequest) -> Self {
        let UpdateContactRequest {
            phone,
            first_name,
            last_name,
            email,
            groups,
        } = request;
        Self {
            phone,
            first_name,
            last_name,
            email,
            groups,
        }
    }
}

impl From<Contact> for ContactDto {
    fn from(contact: Contact) -> Self {
        Self {
            id: contact.id,
            phone: contact.phone,
            first_name: contact.first_name,
            last_name: contact.last_name,
            email: contact.email,
            groups: contact.groups,
            created_at: rfc3339(contact.created_at),
        }
    }
}

impl From<ContactGroup> for ContactGroupDto {
    fn from(group: ContactGroup) -> Self {
        Self {
            id: group.id,
            name: group.name,
            created_at: rfc3339(group.created_at),
        }
    }
}

impl From<SkippedRow> for ImportRowError {
    fn from(row: SkippedRow) -> Self {
        Self {
            line: row.line,
            field: row.field,
            code: row.code,
            message: row.message,
        }
    }
}

impl From<ImportResult> for ImportResultDto {
    fn from(result: ImportResult) -> Self {
        Self {
            imported: result.imported,
            errors: result
                .errors
                .into_iter()
                .map(ImportRowError::from)
                .collect(),
        }
    }
}
