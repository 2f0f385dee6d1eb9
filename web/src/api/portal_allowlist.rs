//! The portal IP allowlist: where portal sign-ins may come from.

use portcullis_shared::dto::{
    AddPortalAllowlistEntryRequest, PortalAllowlistDto, PortalAllowlistEntryDto,
};
use portcullis_shared::routes::{PORTAL_ALLOWLIST, PORTAL_ALLOWLIST_ENTRY};

use super::request::{item_path, Call};
use super::ApiError;

/// The portal IP allowlist, with the address the API sees this browser at.
pub async fn get_portal_allowlist() -> Result<PortalAllowlistDto, ApiError> {
    Call::get(PORTAL_ALLOWLIST).answer().await
}

/// Adds an entry to the portal IP allowlist (`would_lock_out` unless confirmed when it
/// would refuse this browser's address).
pub async fn add_portal_allowlist_entry(
    csrf_token: &str,
    request: &AddPortalAllowlistEntryRequest,
) -> Result<PortalAllowlistEntryDto, ApiError> {
    Call::post(PORTAL_ALLOWLIST)
        .csrf(csrf_token)
        .json(request)?
        .answer()
        .await
}

/// Removes an entry from the portal IP allowlist; `confirm_lockout` as for adding.
pub async fn remove_portal_allowlist_entry(
    csrf_token: &str,
    id: &str,
    confirm_lockout: bool,
) -> Result<(), ApiError> {
    let mut call = Call::delete(&item_path(PORTAL_ALLOWLIST_ENTRY, id)).csrf(csrf_token);
    if confirm_lockout {
        call = call.query([("confirm_lockout", "true")]);
    }
    call.no_content().await
}
