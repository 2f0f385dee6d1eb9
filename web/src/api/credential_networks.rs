//! The networks a token or OAuth client was used from, and its pin.

use portcullis_shared::dto::{CredentialNetworksDto, SetNetworkPinRequest};
use portcullis_shared::endpoints::{
    OAuthClientNetworks, PinOAuthClientNetworks, PinTokenNetworks, TokenNetworks,
};

use super::request::call;
use super::ApiError;

/// Whose networks: a token's or an OAuth client's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetworksOf {
    Token,
    Client,
}

/// The credential's networks, most recently used first, and whether it is pinned.
pub async fn credential_networks(
    of: NetworksOf,
    id: &str,
) -> Result<CredentialNetworksDto, ApiError> {
    match of {
        NetworksOf::Token => call::<TokenNetworks>(None, id, &()).await,
        NetworksOf::Client => call::<OAuthClientNetworks>(None, id, &()).await,
    }
}

/// Pins the credential to its networks ("refuse calls from new networks"), or unpins it.
pub async fn pin_credential_networks(
    csrf_token: &str,
    of: NetworksOf,
    id: &str,
    pinned: bool,
) -> Result<CredentialNetworksDto, ApiError> {
    let request = SetNetworkPinRequest { pinned };
    match of {
        NetworksOf::Token => call::<PinTokenNetworks>(Some(csrf_token), id, &request).await,
        NetworksOf::Client => call::<PinOAuthClientNetworks>(Some(csrf_token), id, &request).await,
    }
}
