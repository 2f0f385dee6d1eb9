//! Passkeys: managing them, and signing in with one.

use super::{Endpoint, Method};
use crate::dto::{
    FinishHeldPasskeyRequest, FinishPasskeyRegistrationRequest, FinishPasskeySignInRequest,
    MeResponse, PasskeyAddedDto, PasskeyCeremonyDto, PasskeyDto, PasskeyListDto,
    PasskeyPolicyRequest, RemovePasskeyRequest, RenamePasskeyRequest, StartHeldPasskeyRequest,
    StartPasskeyRegistrationRequest,
};
use crate::routes::{
    LOGIN_PASSKEY_FINISH, LOGIN_PASSKEY_START, PASSKEY, PASSKEYS, PASSKEY_POLICY,
    PASSKEY_REGISTER_FINISH, PASSKEY_REGISTER_START, PASSKEY_REMOVE, PASSKEY_SIGN_IN_FINISH,
    PASSKEY_SIGN_IN_START,
};

/// The login's passkeys.
#[derive(Debug, Clone, Copy)]
pub struct ListPasskeys;

impl Endpoint for ListPasskeys {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = PASSKEYS;
    type Path = ();
    type Request = ();
    type Response = PasskeyListDto;
}

/// Starts registering a passkey: the options for `navigator.credentials.create`.
#[derive(Debug, Clone, Copy)]
pub struct StartPasskeyRegistration;

impl Endpoint for StartPasskeyRegistration {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = PASSKEY_REGISTER_START;
    type Path = ();
    type Request = StartPasskeyRegistrationRequest;
    type Response = PasskeyCeremonyDto;
}

/// Finishes registering a passkey with the authenticator's answer and a name.
#[derive(Debug, Clone, Copy)]
pub struct FinishPasskeyRegistration;

impl Endpoint for FinishPasskeyRegistration {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = PASSKEY_REGISTER_FINISH;
    type Path = ();
    type Request = FinishPasskeyRegistrationRequest;
    type Response = PasskeyAddedDto;
}

/// Sets the owner's "require a phishing-resistant method" for the account.
#[derive(Debug, Clone, Copy)]
pub struct SetPasskeyPolicy;

impl Endpoint for SetPasskeyPolicy {
    const METHOD: Method = Method::Put;
    const PATH: &'static str = PASSKEY_POLICY;
    type Path = ();
    type Request = PasskeyPolicyRequest;
    type Response = PasskeyListDto;
}

/// Renames one of the login's passkeys.
#[derive(Debug, Clone, Copy)]
pub struct RenamePasskey;

impl Endpoint for RenamePasskey {
    const METHOD: Method = Method::Patch;
    const PATH: &'static str = PASSKEY;
    type Path = str;
    type Request = RenamePasskeyRequest;
    type Response = PasskeyDto;
}

/// Removes one of the login's passkeys (with the password).
#[derive(Debug, Clone, Copy)]
pub struct RemovePasskey;

impl Endpoint for RemovePasskey {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = PASSKEY_REMOVE;
    type Path = str;
    type Request = RemovePasskeyRequest;
    type Response = PasskeyListDto;
}

/// Starts finishing a held sign-in with a passkey.
#[derive(Debug, Clone, Copy)]
pub struct StartHeldPasskey;

impl Endpoint for StartHeldPasskey {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = LOGIN_PASSKEY_START;
    type Path = ();
    type Request = StartHeldPasskeyRequest;
    type Response = PasskeyCeremonyDto;
}

/// Finishes a held sign-in with the authenticator's answer.
#[derive(Debug, Clone, Copy)]
pub struct FinishHeldPasskey;

impl Endpoint for FinishHeldPasskey {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = LOGIN_PASSKEY_FINISH;
    type Path = ();
    type Request = FinishHeldPasskeyRequest;
    type Response = MeResponse;
}

/// Starts a sign-in with a passkey and no password.
#[derive(Debug, Clone, Copy)]
pub struct StartPasskeySignIn;

impl Endpoint for StartPasskeySignIn {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = PASSKEY_SIGN_IN_START;
    type Path = ();
    type Request = ();
    type Response = PasskeyCeremonyDto;
}

/// Finishes a sign-in with a passkey and no password.
#[derive(Debug, Clone, Copy)]
pub struct FinishPasskeySignIn;

impl Endpoint for FinishPasskeySignIn {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = PASSKEY_SIGN_IN_FINISH;
    type Path = ();
    type Request = FinishPasskeySignInRequest;
    type Response = MeResponse;
}
