//! Signing up: the confirmation e-mail, then the link that creates the account.

use portcullis_shared::dto::{ConfirmSignupRequest, MeResponse, SignupAcceptedDto, SignupRequest};
use portcullis_shared::routes::{PRE_SESSION_CSRF, SIGNUP, SIGNUP_CONFIRM};

use super::request::Call;
use super::ApiError;

/// Starts a sign-up: the API e-mails a confirmation link (its answer is the same for every
/// e-mail). Nothing is created until the link is followed.
pub async fn signup(request: &SignupRequest) -> Result<SignupAcceptedDto, ApiError> {
    Call::post(SIGNUP)
        .csrf(PRE_SESSION_CSRF)
        .json(request)?
        .answer()
        .await
}

/// Confirms a sign-up with its link's token: creates the account and signs this browser in.
pub async fn confirm_signup(request: &ConfirmSignupRequest) -> Result<MeResponse, ApiError> {
    Call::post(SIGNUP_CONFIRM)
        .csrf(PRE_SESSION_CSRF)
        .json(request)?
        .answer()
        .await
}
