//! Contacts and contact groups.

use serde::{Deserialize, Serialize};

use super::{Endpoint, Method};
use crate::dto::{
    ContactDto, ContactGroupDto, CreateContactGroupRequest, CreateContactRequest,
    UpdateContactRequest,
};
use crate::routes::{CONTACT, CONTACTS, CONTACT_GROUP, CONTACT_GROUPS};

/// Contacts, a page at a time.
#[derive(Debug, Clone, Copy)]
pub struct ListContacts;

impl Endpoint for ListContacts {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = CONTACTS;
    type Path = ();
    type Request = ListContactsQuery;
    type Response = Vec<ContactDto>;
}

/// Creates a contact (`201`).
#[derive(Debug, Clone, Copy)]
pub struct CreateContact;

impl Endpoint for CreateContact {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = CONTACTS;
    type Path = ();
    type Request = CreateContactRequest;
    type Response = ContactDto;
}

/// One contact.
#[derive(Debug, Clone, Copy)]
pub struct GetContact;

impl Endpoint for GetContact {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = CONTACT;
    type Path = str;
    type Request = ();
    type Response = ContactDto;
}

/// Changes a contact.
#[derive(Debug, Clone, Copy)]
pub struct UpdateContact;

impl Endpoint for UpdateContact {
    const METHOD: Method = Method::Patch;
    const PATH: &'static str = CONTACT;
    type Path = str;
    type Request = UpdateContactRequest;
    type Response = ContactDto;
}

/// Deletes a contact.
#[derive(Debug, Clone, Copy)]
pub struct DeleteContact;

impl Endpoint for DeleteContact {
    const METHOD: Method = Method::Delete;
    const PATH: &'static str = CONTACT;
    type Path = str;
    type Request = ();
    type Response = ();
}

/// Contact groups.
#[derive(Debug, Clone, Copy)]
pub struct ListContactGroups;

impl Endpoint for ListContactGroups {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = CONTACT_GROUPS;
    type Path = ();
    type Request = ();
    type Response = Vec<ContactGroupDto>;
}

/// Creates a contact group (`201`).
#[derive(Debug, Clone, Copy)]
pub struct CreateContactGroup;

impl Endpoint for CreateContactGroup {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = CONTACT_GROUPS;
    type Path = ();
    type Request = CreateContactGroupRequest;
    type Response = ContactGroupDto;
}

/// Renames a contact group.
#[derive(Debug, Clone, Copy)]
pub struct RenameContactGroup;

impl Endpoint for RenameContactGroup {
    const METHOD: Method = Method::Patch;
    const PATH: &'static str = CONTACT_GROUP;
    type Path = str;
    type Request = CreateContactGroupRequest;
    type Response = ContactGroupDto;
}

/// Deletes a contact group.
#[derive(Debug, Clone, Copy)]
pub struct DeleteContactGroup;

impl Endpoint for DeleteContactGroup {
    const METHOD: Method = Method::Delete;
    const PATH: &'static str = CONTACT_GROUP;
    type Path = str;
    type Request = ();
    type Response = ();
}

/// Query of `GET /api/v1/contacts`, for clients (the API reads its own copy of the same
/// four parameters).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListContactsQuery {
    /// Only contacts in this group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Only contacts whose phone, names or e-mail contain this text, in any case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// Only contacts after this contact id (for the next page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// Page size, 1 to 500 (default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
}
