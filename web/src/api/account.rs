//! The signed-in login's own settings.

use portcullis_shared::dto::SetLanguageRequest;
use portcullis_shared::endpoints::SetLanguage;

use super::request::call;
use super::ApiError;

/// Stores the language of the login's portal and mail (`204`).
pub async fn set_language(csrf_token: &str, request: &SetLanguageRequest) -> Result<(), ApiError> {
    call::<SetLanguage>(Some(csrf_token), &(), request).await
}
