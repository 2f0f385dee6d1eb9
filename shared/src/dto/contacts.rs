//! The contact database (scopes `contacts` and `contacts:read`).

use serde::{Deserialize, Serialize};

/// A contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactDto {
    /// Contact id.
    pub id: String,
    /// Phone, E.164; unique within the account.
    pub phone: String,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Ids of the groups the contact is in.
    pub groups: Vec<String>,
    /// Created (RFC 3339, UTC).
    pub created_at: String,
}

/// Body of `POST /api/v1/contacts`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateContactRequest {
    /// Phone, international form.
    #[cfg_attr(feature = "openapi", schema(example = "+48500100200"))]
    pub phone: String,
    /// First name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// E-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Group ids to add the contact to.
    #[serde(default)]
    pub groups: Vec<String>,
}

/// Body of `PATCH /api/v1/contacts/{id}`: only the fields present change, checked as on
/// creation; an empty string clears an optional field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateContactRequest {
    /// New phone, international form; unique within the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// New first name (`""` clears it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// New last name (`""` clears it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// New e-mail (`""` clears it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Group ids: replaces the contact's groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<String>>,
}

/// A contact group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactGroupDto {
    /// Group id.
    pub id: String,
    /// Name, unique within the account.
    pub name: String,
    /// Created (RFC 3339, UTC).
    pub created_at: String,
}

/// Body of `POST /api/v1/contact-groups` and of `PATCH /api/v1/contact-groups/{id}` (rename).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateContactGroupRequest {
    /// Name, unique within the account.
    pub name: String,
}

/// One CSV row that was not imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportRowError {
    /// Line number in the file (the header is line 1).
    pub line: u64,
    /// The column at fault.
    pub field: String,
    /// Stable reason (`invalid_phone`, `duplicate`, `unknown_group`…).
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
}

/// Answer to `POST /api/v1/contacts/import`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportResultDto {
    /// Contacts created.
    pub imported: u64,
    /// Rows skipped, with why.
    pub errors: Vec<ImportRowError>,
}
