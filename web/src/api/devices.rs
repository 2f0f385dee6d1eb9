//! The account's trusted devices: browsers that sign in without a new-device code.

use portcullis_shared::dto::TrustedDeviceDto;
use portcullis_shared::routes::{DEVICE, DEVICES};

use super::request::{item_path, Call};
use super::ApiError;

/// The account's trusted devices, most recently seen first; `current` marks this browser.
pub async fn list_devices() -> Result<Vec<TrustedDeviceDto>, ApiError> {
    Call::get(DEVICES).answer().await
}

/// Forgets a trusted device: its next sign-in needs a code again.
pub async fn remove_device(csrf_token: &str, id: &str) -> Result<(), ApiError> {
    Call::delete(&item_path(DEVICE, id))
        .csrf(csrf_token)
        .no_content()
        .await
}
