//! The account's API tokens.

use portcullis_shared::dto::{CreateTokenRequest, CreatedTokenDto, TokenDto, UpdateTokenRequest};
use portcullis_shared::endpoints::{
    CreateToken, DeleteToken, ListTokens, RegenerateToken, UpdateToken,
};

use super::request::call;
use super::ApiError;

/// The account's API tokens, newest first.
pub async fn list_tokens() -> Result<Vec<TokenDto>, ApiError> {
    call::<ListTokens>(None, &(), &()).await
}

/// Creates an API token; the answer holds its secret, which the API never shows again.
pub async fn create_token(
    csrf_token: &str,
    request: &CreateTokenRequest,
) -> Result<CreatedTokenDto, ApiError> {
    call::<CreateToken>(Some(csrf_token), &(), request).await
}

/// Renames, disables or re-enables a token, or replaces its IP allowlist.
pub async fn update_token(
    csrf_token: &str,
    id: &str,
    request: &UpdateTokenRequest,
) -> Result<TokenDto, ApiError> {
    call::<UpdateToken>(Some(csrf_token), id, request).await
}

/// Deletes a token: calls made with it are refused from then on.
pub async fn delete_token(csrf_token: &str, id: &str) -> Result<(), ApiError> {
    call::<DeleteToken>(Some(csrf_token), id, &()).await
}

/// Regenerates a token: a new secret with the same settings; the old one is
/// refused from then on. The answer holds the new secret, once.
pub async fn regenerate_token(csrf_token: &str, id: &str) -> Result<CreatedTokenDto, ApiError> {
    call::<RegenerateToken>(Some(csrf_token), id, &()).await
}
