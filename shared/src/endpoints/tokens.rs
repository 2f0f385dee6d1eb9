//! API tokens and the profile integrators read with one.

use super::{Endpoint, Method};
use crate::dto::{CreateTokenRequest, CreatedTokenDto, ProfileDto, TokenDto, UpdateTokenRequest};
use crate::routes::{PROFILE, TOKEN, TOKENS, TOKEN_REGENERATE};

/// The account's API tokens, newest first.
#[derive(Debug, Clone, Copy)]
pub struct ListTokens;

impl Endpoint for ListTokens {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = TOKENS;
    type Path = ();
    type Request = ();
    type Response = Vec<TokenDto>;
}

/// Creates an API token; the answer holds its secret, once (`201`).
#[derive(Debug, Clone, Copy)]
pub struct CreateToken;

impl Endpoint for CreateToken {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = TOKENS;
    type Path = ();
    type Request = CreateTokenRequest;
    type Response = CreatedTokenDto;
}

/// Renames, disables or re-enables a token, or replaces its IP allowlist.
#[derive(Debug, Clone, Copy)]
pub struct UpdateToken;

impl Endpoint for UpdateToken {
    const METHOD: Method = Method::Patch;
    const PATH: &'static str = TOKEN;
    type Path = str;
    type Request = UpdateTokenRequest;
    type Response = TokenDto;
}

/// Deletes a token.
#[derive(Debug, Clone, Copy)]
pub struct DeleteToken;

impl Endpoint for DeleteToken {
    const METHOD: Method = Method::Delete;
    const PATH: &'static str = TOKEN;
    type Path = str;
    type Request = ();
    type Response = ();
}

/// Regenerates a token: a new secret (and id) with the same settings, the
/// old one revoked; the answer holds the secret, once (`201`).
#[derive(Debug, Clone, Copy)]
pub struct RegenerateToken;

impl Endpoint for RegenerateToken {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = TOKEN_REGENERATE;
    type Path = str;
    type Request = ();
    type Response = CreatedTokenDto;
}

/// The account profile, for integrators (scope `profile`).
#[derive(Debug, Clone, Copy)]
pub struct Profile;

impl Endpoint for Profile {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = PROFILE;
    type Path = ();
    type Request = ();
    type Response = ProfileDto;
}
