//! The password: changing it, the policy that makes it due, and resetting a forgotten one.

use portcullis_shared::dto::{
    ChangePasswordRequest, ConfirmPasswordResetRequest, MeResponse, PasswordPolicyDto,
    PasswordResetRequest, UpdatePasswordPolicyRequest,
};
use portcullis_shared::routes::{
    PASSWORD, PASSWORD_POLICY, PASSWORD_RESET, PASSWORD_RESET_CONFIRM, PRE_SESSION_CSRF,
};

use super::request::Call;
use super::ApiError;

/// Changes the password; answers the session as it is now (no longer restricted).
pub async fn change_password(
    csrf_token: &str,
    request: &ChangePasswordRequest,
) -> Result<MeResponse, ApiError> {
    Call::post(PASSWORD)
        .csrf(csrf_token)
        .json(request)?
        .answer()
        .await
}

/// The account's password policy and when the password is due.
pub async fn password_policy() -> Result<PasswordPolicyDto, ApiError> {
    Call::get(PASSWORD_POLICY).answer().await
}

/// Turns "new password every 30 days" on or off.
pub async fn set_password_policy(
    csrf_token: &str,
    request: &UpdatePasswordPolicyRequest,
) -> Result<PasswordPolicyDto, ApiError> {
    Call::put(PASSWORD_POLICY)
        .csrf(csrf_token)
        .json(request)?
        .answer()
        .await
}

/// Asks for a reset link; the API answers the same whether or not the account exists.
pub async fn request_password_reset(request: &PasswordResetRequest) -> Result<(), ApiError> {
    Call::post(PASSWORD_RESET)
        .csrf(PRE_SESSION_CSRF)
        .json(request)?
        .no_content()
        .await
}

/// Sets a new password with a reset link's token.
pub async fn confirm_password_reset(request: &ConfirmPasswordResetRequest) -> Result<(), ApiError> {
    Call::post(PASSWORD_RESET_CONFIRM)
        .csrf(PRE_SESSION_CSRF)
        .json(request)?
        .no_content()
        .await
}
