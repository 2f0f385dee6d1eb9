//! The password: changing it, its policy, and resetting a forgotten one.

use super::{Endpoint, Method};
use crate::dto::{
    ChangePasswordRequest, ConfirmPasswordResetRequest, MeResponse, PasswordPolicyDto,
    PasswordResetRequest, UpdatePasswordPolicyRequest,
};
use crate::routes::{PASSWORD, PASSWORD_POLICY, PASSWORD_RESET, PASSWORD_RESET_CONFIRM};

/// Changes the password; answers the session as it is now.
#[derive(Debug, Clone, Copy)]
pub struct ChangePassword;

impl Endpoint for ChangePassword {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = PASSWORD;
    type Path = ();
    type Request = ChangePasswordRequest;
    type Response = MeResponse;
}

/// The password policy and when the password is due.
#[derive(Debug, Clone, Copy)]
pub struct GetPasswordPolicy;

impl Endpoint for GetPasswordPolicy {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = PASSWORD_POLICY;
    type Path = ();
    type Request = ();
    type Response = PasswordPolicyDto;
}

/// Turns "new password every 30 days" on or off.
#[derive(Debug, Clone, Copy)]
pub struct SetPasswordPolicy;

impl Endpoint for SetPasswordPolicy {
    const METHOD: Method = Method::Put;
    const PATH: &'static str = PASSWORD_POLICY;
    type Path = ();
    type Request = UpdatePasswordPolicyRequest;
    type Response = PasswordPolicyDto;
}

/// Asks for a reset link (`202` whether or not the account exists).
#[derive(Debug, Clone, Copy)]
pub struct RequestPasswordReset;

impl Endpoint for RequestPasswordReset {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = PASSWORD_RESET;
    type Path = ();
    type Request = PasswordResetRequest;
    type Response = ();
}

/// Sets a new password with a reset link's token.
#[derive(Debug, Clone, Copy)]
pub struct ConfirmPasswordReset;

impl Endpoint for ConfirmPasswordReset {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = PASSWORD_RESET_CONFIRM;
    type Path = ();
    type Request = ConfirmPasswordResetRequest;
    type Response = ();
}
