//! The account's API IP allowlist: where API calls may come from.

use portcullis_shared::dto::{AddAllowlistEntryRequest, AllowlistEntryDto};
use portcullis_shared::routes::{API_ALLOWLIST, API_ALLOWLIST_ENTRY};

use super::request::{item_path, Call};
use super::ApiError;

/// The account's API IP allowlist; empty when API calls may come from anywhere.
pub async fn list_api_allowlist() -> Result<Vec<AllowlistEntryDto>, ApiError> {
    Call::get(API_ALLOWLIST).answer().await
}

/// Adds an address or range to the account's API IP allowlist.
pub async fn add_api_allowlist_entry(
    csrf_token: &str,
    request: &AddAllowlistEntryRequest,
) -> Result<AllowlistEntryDto, ApiError> {
    Call::post(API_ALLOWLIST)
        .csrf(csrf_token)
        .json(request)?
        .answer()
        .await
}

/// Removes an entry from the account's API IP allowlist.
pub async fn delete_api_allowlist_entry(csrf_token: &str, id: &str) -> Result<(), ApiError> {
    Call::delete(&item_path(API_ALLOWLIST_ENTRY, id))
        .csrf(csrf_token)
        .no_content()
        .await
}
