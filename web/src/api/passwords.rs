//! The password: changing it, the policy that makes it due, and resetting a forgotten one.

use portcullis_shared::dto::{
    ChangePasswordRequest, ConfirmPasswordResetRequest, MeResponse, PasswordPolicyDto,
    PasswordResetRequest, UpdatePasswordPolicyRequest,
};
use portcullis_shared::endpoints::{
    ChangePassword, ConfirmPasswordReset, GetPasswordPolicy, RequestPasswordReset,
    SetPasswordPolicy,
};
use portcullis_shared::routes::PRE_SESSION_CSRF;

use super::request::call;
use super::ApiError;

/// Changes the password; answers the session as it is now (no longer restricted).
pub async fn change_password(
    csrf_token: &str,
    request: &ChangePasswordRequest,
) -> Result<MeResponse, ApiError> {
    call::<ChangePassword>(Some(csrf_token), &(), request).await
}

/// The account's password policy and when the password is due.
pub async fn password_policy() -> Result<PasswordPolicyDto, ApiError> {
    call::<GetPasswordPolicy>(None, &(), &()).await
}

/// Turns "new password every 30 days" on or off.
pub async fn set_password_policy(
    csrf_token: &str,
    request: &UpdatePasswordPolicyRequest,
) -> Result<PasswordPolicyDto, ApiError> {
    call::<SetPasswordPolicy>(Some(csrf_token), &(), request).await
}

/// Asks for a reset link; the API answers the same whether or not the account exists.
pub async fn request_password_reset(request: &PasswordResetRequest) -> Result<(), ApiError> {
    call::<RequestPasswordReset>(Some(PRE_SESSION_CSRF), &(), request).await
}

/// Sets a new password with a reset link's token.
pub async fn confirm_password_reset(request: &ConfirmPasswordResetRequest) -> Result<(), ApiError> {
    call::<ConfirmPasswordReset>(Some(PRE_SESSION_CSRF), &(), request).await
}
