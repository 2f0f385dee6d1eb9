//! Two-factor sign-in: setting each method up, turning it off, recovery codes and the
//! account's policy.

use portcullis_shared::dto::{
    CodeSentDto, ConfirmTwoFactorRequest, DisableTwoFactorRequest, PasswordConfirmation,
    RecoveryCodesDto, StartSmsTwoFactorRequest, TotpSetupDto, TwoFactorEnabledDto,
    TwoFactorPolicyRequest, TwoFactorStatusDto,
};
use portcullis_shared::endpoints::{
    ConfirmSmsTwoFactor, ConfirmTotpTwoFactor, DisableTwoFactor, NewRecoveryCodes,
    SendTwoFactorCode, SetTwoFactorPolicy, StartSmsTwoFactor, StartTotpTwoFactor, TwoFactorStatus,
};

use super::request::call;
use super::ApiError;

/// Which two-factor methods are on, recovery codes left, and the account policy.
pub async fn two_factor_status() -> Result<TwoFactorStatusDto, ApiError> {
    call::<TwoFactorStatus>(None, &(), &()).await
}

/// Starts SMS two-factor set-up: checks the password and texts a code to `phone`.
pub async fn start_sms_two_factor(
    csrf_token: &str,
    request: &StartSmsTwoFactorRequest,
) -> Result<CodeSentDto, ApiError> {
    call::<StartSmsTwoFactor>(Some(csrf_token), &(), request).await
}

/// Turns SMS two-factor on with the code just sent.
pub async fn confirm_sms_two_factor(
    csrf_token: &str,
    request: &ConfirmTwoFactorRequest,
) -> Result<TwoFactorEnabledDto, ApiError> {
    call::<ConfirmSmsTwoFactor>(Some(csrf_token), &(), request).await
}

/// Starts authenticator-app set-up: a new secret and its QR code.
pub async fn start_totp_two_factor(
    csrf_token: &str,
    request: &PasswordConfirmation,
) -> Result<TotpSetupDto, ApiError> {
    call::<StartTotpTwoFactor>(Some(csrf_token), &(), request).await
}

/// Turns the authenticator app on with a first code from it.
pub async fn confirm_totp_two_factor(
    csrf_token: &str,
    request: &ConfirmTwoFactorRequest,
) -> Result<TwoFactorEnabledDto, ApiError> {
    call::<ConfirmTotpTwoFactor>(Some(csrf_token), &(), request).await
}

/// Texts a code to the two-factor phone, to confirm turning a method off.
pub async fn send_two_factor_code(csrf_token: &str) -> Result<CodeSentDto, ApiError> {
    call::<SendTwoFactorCode>(Some(csrf_token), &(), &()).await
}

/// Turns a method off (password and a current code); answers the new status.
pub async fn disable_two_factor(
    csrf_token: &str,
    request: &DisableTwoFactorRequest,
) -> Result<TwoFactorStatusDto, ApiError> {
    call::<DisableTwoFactor>(Some(csrf_token), &(), request).await
}

/// A new set of recovery codes, shown once; the old set stops working.
pub async fn new_recovery_codes(
    csrf_token: &str,
    request: &PasswordConfirmation,
) -> Result<RecoveryCodesDto, ApiError> {
    call::<NewRecoveryCodes>(Some(csrf_token), &(), request).await
}

/// Requires (or stops requiring) two-factor sign-in for every user of the account.
pub async fn set_two_factor_policy(
    csrf_token: &str,
    request: &TwoFactorPolicyRequest,
) -> Result<TwoFactorStatusDto, ApiError> {
    call::<SetTwoFactorPolicy>(Some(csrf_token), &(), request).await
}
