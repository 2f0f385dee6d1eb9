//! The portal IP allowlist: where portal sign-ins may come from.

use portcullis_shared::dto::{
    AddPortalAllowlistEntryRequest, PortalAllowlistDto, PortalAllowlistEntryDto,
    RemovePortalAllowlistEntryQuery,
};
use portcullis_shared::endpoints::{
    AddPortalAllowlistEntry, GetPortalAllowlist, RemovePortalAllowlistEntry,
};

use super::request::call;
use super::ApiError;

/// The portal IP allowlist, with the address the API sees this browser at.
pub async fn get_portal_allowlist() -> Result<PortalAllowlistDto, ApiError> {
    call::<GetPortalAllowlist>(None, &(), &()).await
}

/// Adds an entry to the portal IP allowlist (`would_lock_out` unless confirmed when it
/// would refuse this browser's address).
pub async fn add_portal_allowlist_entry(
    csrf_token: &str,
    request: &AddPortalAllowlistEntryRequest,
) -> Result<PortalAllowlistEntryDto, ApiError> {
    call::<AddPortalAllowlistEntry>(Some(csrf_token), &(), request).await
}

/// Removes an entry from the portal IP allowlist; `confirm_lockout` as for adding.
pub async fn remove_portal_allowlist_entry(
    csrf_token: &str,
    id: &str,
    confirm_lockout: bool,
) -> Result<(), ApiError> {
    let query = RemovePortalAllowlistEntryQuery { confirm_lockout };
    call::<RemovePortalAllowlistEntry>(Some(csrf_token), id, &query).await
}
