//! OAuth2 clients and what the authorization server publishes.

use super::{Endpoint, Method};
use crate::dto::{
    AuthorizationServerMetadata, CreateOAuthClientRequest, CreatedOAuthClientDto, JwkSet,
    OAuthClientDto, RotateOAuthClientSecretRequest, UpdateOAuthClientRequest,
};
use crate::routes::{
    JWKS, OAUTH_CLIENT, OAUTH_CLIENTS, OAUTH_CLIENT_PREVIOUS_SECRET, OAUTH_CLIENT_SECRET,
    OAUTH_METADATA,
};

/// The account's OAuth2 clients.
#[derive(Debug, Clone, Copy)]
pub struct ListOAuthClients;

impl Endpoint for ListOAuthClients {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = OAUTH_CLIENTS;
    type Path = ();
    type Request = ();
    type Response = Vec<OAuthClientDto>;
}

/// Registers an OAuth2 client; the answer holds its secret, once (`201`).
#[derive(Debug, Clone, Copy)]
pub struct CreateOAuthClient;

impl Endpoint for CreateOAuthClient {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = OAUTH_CLIENTS;
    type Path = ();
    type Request = CreateOAuthClientRequest;
    type Response = CreatedOAuthClientDto;
}

/// Disables, re-enables or re-scopes an OAuth2 client.
#[derive(Debug, Clone, Copy)]
pub struct UpdateOAuthClient;

impl Endpoint for UpdateOAuthClient {
    const METHOD: Method = Method::Patch;
    const PATH: &'static str = OAUTH_CLIENT;
    type Path = str;
    type Request = UpdateOAuthClientRequest;
    type Response = OAuthClientDto;
}

/// Deletes an OAuth2 client and its tokens.
#[derive(Debug, Clone, Copy)]
pub struct DeleteOAuthClient;

impl Endpoint for DeleteOAuthClient {
    const METHOD: Method = Method::Delete;
    const PATH: &'static str = OAUTH_CLIENT;
    type Path = str;
    type Request = ();
    type Response = ();
}

/// Replaces an OAuth2 client's secret; the old one may keep working for a
/// while. The answer holds the new secret, once.
#[derive(Debug, Clone, Copy)]
pub struct RotateOAuthClientSecret;

impl Endpoint for RotateOAuthClientSecret {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = OAUTH_CLIENT_SECRET;
    type Path = str;
    type Request = RotateOAuthClientSecretRequest;
    type Response = CreatedOAuthClientDto;
}

/// Stops an OAuth2 client's previous secret now, ending a rotation's overlap.
#[derive(Debug, Clone, Copy)]
pub struct EndOAuthClientSecretOverlap;

impl Endpoint for EndOAuthClientSecretOverlap {
    const METHOD: Method = Method::Delete;
    const PATH: &'static str = OAUTH_CLIENT_PREVIOUS_SECRET;
    type Path = str;
    type Request = ();
    type Response = OAuthClientDto;
}

/// RFC 8414 authorization server metadata.
#[derive(Debug, Clone, Copy)]
pub struct OAuthMetadata;

impl Endpoint for OAuthMetadata {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = OAUTH_METADATA;
    type Path = ();
    type Request = ();
    type Response = AuthorizationServerMetadata;
}

/// The token signing keys.
#[derive(Debug, Clone, Copy)]
pub struct Jwks;

impl Endpoint for Jwks {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = JWKS;
    type Path = ();
    type Request = ();
    type Response = JwkSet;
}
