//! The account's OAuth2 clients.

use portcullis_shared::dto::{
    CreateOAuthClientRequest, CreatedOAuthClientDto, OAuthClientDto,
    RotateOAuthClientSecretRequest, UpdateOAuthClientRequest,
};
use portcullis_shared::endpoints::{
    CreateOAuthClient, DeleteOAuthClient, EndOAuthClientSecretOverlap, ListOAuthClients,
    RotateOAuthClientSecret, UpdateOAuthClient,
};

use super::request::call;
use super::ApiError;

/// The account's OAuth2 clients.
pub async fn list_oauth_clients() -> Result<Vec<OAuthClientDto>, ApiError> {
    call::<ListOAuthClients>(None, &(), &()).await
}

/// Registers an OAuth2 client; the answer holds its secret, the only time it is shown.
pub async fn create_oauth_client(
    csrf_token: &str,
    request: &CreateOAuthClientRequest,
) -> Result<CreatedOAuthClientDto, ApiError> {
    call::<CreateOAuthClient>(Some(csrf_token), &(), request).await
}

/// Disables, re-enables or re-scopes an OAuth2 client; answers the client as changed.
pub async fn update_oauth_client(
    csrf_token: &str,
    id: &str,
    request: &UpdateOAuthClientRequest,
) -> Result<OAuthClientDto, ApiError> {
    call::<UpdateOAuthClient>(Some(csrf_token), id, request).await
}

/// Deletes an OAuth2 client and every token issued to it.
pub async fn delete_oauth_client(csrf_token: &str, id: &str) -> Result<(), ApiError> {
    call::<DeleteOAuthClient>(Some(csrf_token), id, &()).await
}

/// Replaces a client's secret; the old one keeps working for
/// `old_secret_valid_for_secs` (0: it stops now). The answer holds the new
/// secret, the only time it is shown.
pub async fn rotate_oauth_client_secret(
    csrf_token: &str,
    id: &str,
    old_secret_valid_for_secs: i64,
) -> Result<CreatedOAuthClientDto, ApiError> {
    let request = RotateOAuthClientSecretRequest {
        old_secret_valid_for_secs,
    };
    call::<RotateOAuthClientSecret>(Some(csrf_token), id, &request).await
}

/// Stops a client's previous secret now.
pub async fn end_oauth_client_secret_overlap(
    csrf_token: &str,
    id: &str,
) -> Result<OAuthClientDto, ApiError> {
    call::<EndOAuthClientSecretOverlap>(Some(csrf_token), id, &()).await
}
