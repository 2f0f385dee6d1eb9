//! Two-factor sign-in: setting each method up, turning it off, recovery codes and the
//! account's policy.

use portcullis_shared::dto::{
    CodeSentDto, ConfirmTwoFactorRequest, DisableTwoFactorRequest, PasswordConfirmation,
    RecoveryCodesDto, StartSmsTwoFactorRequest, TotpSetupDto, TwoFactorEnabledDto,
    TwoFactorPolicyRequest, TwoFactorStatusDto,
};
use portcullis_shared::routes::{
    TWO_FACTOR, TWO_FACTOR_CODE, TWO_FACTOR_DISABLE, TWO_FACTOR_POLICY, TWO_FACTOR_RECOVERY_CODES,
    TWO_FACTOR_SMS, TWO_FACTOR_SMS_CONFIRM, TWO_FACTOR_TOTP, TWO_FACTOR_TOTP_CONFIRM,
};

use super::request::Call;
use super::ApiError;

/// Which two-factor methods are on, recovery codes left, and the account policy.
pub async fn two_factor_status() -> Result<TwoFactorStatusDto, ApiError> {
    Call::get(TWO_FACTOR).answer().await
}

/// Starts SMS two-factor set-up: checks the password and texts a code to `phone`.
pub async fn start_sms_two_factor(
    csrf_token: &str,
    request: &StartSmsTwoFactorRequest,
) -> Result<CodeSentDto, ApiError> {
    Call::post(TWO_FACTOR_SMS)
        .csrf(csrf_token)
        .json(request)?
        .answer()
        .await
}

/// Turns SMS two-factor on with the code just sent.
pub async fn confirm_sms_two_factor(
    csrf_token: &str,
    request: &ConfirmTwoFactorRequest,
) -> Result<TwoFactorEnabledDto, ApiError> {
    Call::post(TWO_FACTOR_SMS_CONFIRM)
        .csrf(csrf_token)
        .json(request)?
        .answer()
        .await
}

/// Starts authenticator-app set-up: a new secret and its QR code.
pub async fn start_totp_two_factor(
    csrf_token: &str,
    request: &PasswordConfirmation,
) -> Result<TotpSetupDto, ApiError> {
    Call::post(TWO_FACTOR_TOTP)
        .csrf(csrf_token)
        .json(request)?
        .answer()
        .await
}

/// Turns the authenticator app on with a first code from it.
pub async fn confirm_totp_two_factor(
    csrf_token: &str,
    request: &ConfirmTwoFactorRequest,
) -> Result<TwoFactorEnabledDto, ApiError> {
    Call::post(TWO_FACTOR_TOTP_CONFIRM)
        .csrf(csrf_token)
        .json(request)?
        .answer()
        .await
}

/// Texts a code to the two-factor phone, to confirm turning a method off.
pub async fn send_two_factor_code(csrf_token: &str) -> Result<CodeSentDto, ApiError> {
    Call::post(TWO_FACTOR_CODE).csrf(csrf_token).answer().await
}

/// Turns a method off (password and a current code); answers the new status.
pub async fn disable_two_factor(
    csrf_token: &str,
    request: &DisableTwoFactorRequest,
) -> Result<TwoFactorStatusDto, ApiError> {
    Call::post(TWO_FACTOR_DISABLE)
        .csrf(csrf_token)
        .json(request)?
        .answer()
        .await
}

/// A new set of recovery codes, shown once; the old set stops working.
pub async fn new_recovery_codes(
    csrf_token: &str,
    request: &PasswordConfirmation,
) -> Result<RecoveryCodesDto, ApiError> {
    Call::post(TWO_FACTOR_RECOVERY_CODES)
        .csrf(csrf_token)
        .json(request)?
        .answer()
        .await
}

/// Requires (or stops requiring) two-factor sign-in for every user of the account.
pub async fn set_two_factor_policy(
    csrf_token: &str,
    request: &TwoFactorPolicyRequest,
) -> Result<TwoFactorStatusDto, ApiError> {
    Call::put(TWO_FACTOR_POLICY)
        .csrf(csrf_token)
        .json(request)?
        .answer()
        .await
}
