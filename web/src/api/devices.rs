//! The account's trusted devices: browsers that sign in without a new-device code.

use portcullis_shared::dto::TrustedDeviceDto;
use portcullis_shared::endpoints::{ListDevices, RemoveDevice};

use super::request::call;
use super::ApiError;

/// The account's trusted devices, most recently seen first; `current` marks this browser.
pub async fn list_devices() -> Result<Vec<TrustedDeviceDto>, ApiError> {
    call::<ListDevices>(None, &(), &()).await
}

/// Forgets a trusted device: its next sign-in needs a code again.
pub async fn remove_device(csrf_token: &str, id: &str) -> Result<(), ApiError> {
    call::<RemoveDevice>(Some(csrf_token), id, &()).await
}
