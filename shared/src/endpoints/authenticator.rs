//! The SMS Authenticator: one-time codes and their velocity limits.

use super::{Endpoint, Method};
use crate::dto::{
    AuthenticatorLimitsDto, SendCodeRequest, SentCodeDto, VerifyCodeRequest, VerifyCodeResponse,
};
use crate::routes::{AUTHENTICATOR_CODES, AUTHENTICATOR_LIMITS, AUTHENTICATOR_VERIFY};

/// SMS Authenticator: sends a one-time code (`201`).
#[derive(Debug, Clone, Copy)]
pub struct SendAuthenticatorCode;

impl Endpoint for SendAuthenticatorCode {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = AUTHENTICATOR_CODES;
    type Path = ();
    type Request = SendCodeRequest;
    type Response = SentCodeDto;
}

/// SMS Authenticator: checks a code.
#[derive(Debug, Clone, Copy)]
pub struct VerifyAuthenticatorCode;

impl Endpoint for VerifyAuthenticatorCode {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = AUTHENTICATOR_VERIFY;
    type Path = str;
    type Request = VerifyCodeRequest;
    type Response = VerifyCodeResponse;
}

/// SMS Authenticator: the account's per-number velocity limits.
#[derive(Debug, Clone, Copy)]
pub struct GetAuthenticatorLimits;

impl Endpoint for GetAuthenticatorLimits {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = AUTHENTICATOR_LIMITS;
    type Path = ();
    type Request = ();
    type Response = AuthenticatorLimitsDto;
}

/// SMS Authenticator: replaces the velocity limits.
#[derive(Debug, Clone, Copy)]
pub struct SetAuthenticatorLimits;

impl Endpoint for SetAuthenticatorLimits {
    const METHOD: Method = Method::Put;
    const PATH: &'static str = AUTHENTICATOR_LIMITS;
    type Path = ();
    type Request = AuthenticatorLimitsDto;
    type Response = AuthenticatorLimitsDto;
}
