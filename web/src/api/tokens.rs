//! The account's API tokens.

use portcullis_shared::dto::{CreateTokenRequest, CreatedTokenDto, TokenDto, UpdateTokenRequest};
use portcullis_shared::routes::{TOKEN, TOKENS};

use super::request::{item_path, Call};
use super::ApiError;

/// The account's API tokens, newest first.
pub async fn list_tokens() -> Result<Vec<TokenDto>, ApiError> {
    Call::get(TOKENS).answer().await
}

/// Creates an API token; the answer holds its secret, which the API never shows again.
pub async fn create_token(
    csrf_token: &str,
    request: &CreateTokenRequest,
) -> Result<CreatedTokenDto, ApiError> {
    Call::post(TOKENS)
        .csrf(csrf_token)
        .json(request)?
        .answer()
        .await
}

/// Renames, disables or re-enables a token, or replaces its IP allowlist.
pub async fn update_token(
    csrf_token: &str,
    id: &str,
    request: &UpdateTokenRequest,
) -> Result<TokenDto, ApiError> {
    Call::patch(&item_path(TOKEN, id))
        .csrf(csrf_token)
        .json(request)?
        .answer()
        .await
}

/// Deletes a token: calls made with it are refused from then on.
pub async fn delete_token(csrf_token: &str, id: &str) -> Result<(), ApiError> {
    Call::delete(&item_path(TOKEN, id))
        .csrf(csrf_token)
        .no_content()
        .await
}
