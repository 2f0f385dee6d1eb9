//! The account's API IP allowlist: where API calls may come from.

use portcullis_shared::dto::{AddAllowlistEntryRequest, AllowlistEntryDto};
use portcullis_shared::endpoints::{
    AddApiAllowlistEntry, DeleteApiAllowlistEntry, ListApiAllowlist,
};

use super::request::call;
use super::ApiError;

/// The account's API IP allowlist; empty when API calls may come from anywhere.
pub async fn list_api_allowlist() -> Result<Vec<AllowlistEntryDto>, ApiError> {
    call::<ListApiAllowlist>(None, &(), &()).await
}

/// Adds an address or range to the account's API IP allowlist.
pub async fn add_api_allowlist_entry(
    csrf_token: &str,
    request: &AddAllowlistEntryRequest,
) -> Result<AllowlistEntryDto, ApiError> {
    call::<AddApiAllowlistEntry>(Some(csrf_token), &(), request).await
}

/// Removes an entry from the account's API IP allowlist.
pub async fn delete_api_allowlist_entry(csrf_token: &str, id: &str) -> Result<(), ApiError> {
    call::<DeleteApiAllowlistEntry>(Some(csrf_token), id, &()).await
}
