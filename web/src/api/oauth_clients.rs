//! The account's OAuth2 clients.

use portcullis_shared::dto::{
    CreateOAuthClientRequest, CreatedOAuthClientDto, OAuthClientDto, UpdateOAuthClientRequest,
};
use portcullis_shared::routes::{OAUTH_CLIENT, OAUTH_CLIENTS};

use super::request::{item_path, Call};
use super::ApiError;

/// The account's OAuth2 clients.
pub async fn list_oauth_clients() -> Result<Vec<OAuthClientDto>, ApiError> {
    Call::get(OAUTH_CLIENTS).answer().await
}

/// Registers an OAuth2 client; the answer holds its secret, the only time it is shown.
pub async fn create_oauth_client(
    csrf_token: &str,
    request: &CreateOAuthClientRequest,
) -> Result<CreatedOAuthClientDto, ApiError> {
    Call::post(OAUTH_CLIENTS)
        .csrf(csrf_token)
        .json(request)?
        .answer()
        .await
}

/// Disables, re-enables or re-scopes an OAuth2 client; answers the client as changed.
pub async fn update_oauth_client(
    csrf_token: &str,
    id: &str,
    request: &UpdateOAuthClientRequest,
) -> Result<OAuthClientDto, ApiError> {
    Call::patch(&item_path(OAUTH_CLIENT, id))
        .csrf(csrf_token)
        .json(request)?
        .answer()
        .await
}

/// Deletes an OAuth2 client and every token issued to it.
pub async fn delete_oauth_client(csrf_token: &str, id: &str) -> Result<(), ApiError> {
    Call::delete(&item_path(OAUTH_CLIENT, id))
        .csrf(csrf_token)
        .no_content()
        .await
}
