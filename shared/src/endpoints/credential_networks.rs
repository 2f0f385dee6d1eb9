//! The networks a token or OAuth client was used from, its pin, and leak reports.

use super::{Endpoint, Method};
use crate::dto::{
    CredentialNetworksDto, SetNetworkPinRequest, TokenLeakReport, TokenLeaksAcceptedDto,
};
use crate::routes::{
    OAUTH_CLIENT_NETWORKS, OAUTH_CLIENT_NETWORKS_PINNED, TOKEN_LEAKS, TOKEN_NETWORKS,
    TOKEN_NETWORKS_PINNED,
};

/// The networks an API token was used from, and whether it is pinned.
#[derive(Debug, Clone, Copy)]
pub struct TokenNetworks;

impl Endpoint for TokenNetworks {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = TOKEN_NETWORKS;
    type Path = str;
    type Request = ();
    type Response = CredentialNetworksDto;
}

/// Pins an API token to its networks, or unpins it.
#[derive(Debug, Clone, Copy)]
pub struct PinTokenNetworks;

impl Endpoint for PinTokenNetworks {
    const METHOD: Method = Method::Put;
    const PATH: &'static str = TOKEN_NETWORKS_PINNED;
    type Path = str;
    type Request = SetNetworkPinRequest;
    type Response = CredentialNetworksDto;
}

/// The networks an OAuth2 client's tokens were used from, and whether it is pinned.
#[derive(Debug, Clone, Copy)]
pub struct OAuthClientNetworks;

impl Endpoint for OAuthClientNetworks {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = OAUTH_CLIENT_NETWORKS;
    type Path = str;
    type Request = ();
    type Response = CredentialNetworksDto;
}

/// Pins an OAuth2 client to its networks, or unpins it.
#[derive(Debug, Clone, Copy)]
pub struct PinOAuthClientNetworks;

impl Endpoint for PinOAuthClientNetworks {
    const METHOD: Method = Method::Put;
    const PATH: &'static str = OAUTH_CLIENT_NETWORKS_PINNED;
    type Path = str;
    type Request = SetNetworkPinRequest;
    type Response = CredentialNetworksDto;
}

/// Reports leaked credentials (no authentication; `202` whatever they were).
#[derive(Debug, Clone, Copy)]
pub struct ReportTokenLeaks;

impl Endpoint for ReportTokenLeaks {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = TOKEN_LEAKS;
    type Path = ();
    type Request = TokenLeakReport;
    type Response = TokenLeaksAcceptedDto;
}
