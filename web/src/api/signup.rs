//! Signing up: the confirmation e-mail, then the link that creates the account.

use portcullis_shared::dto::{ConfirmSignupRequest, MeResponse, SignupAcceptedDto, SignupRequest};
use portcullis_shared::endpoints::{ConfirmSignup, Signup};
use portcullis_shared::routes::PRE_SESSION_CSRF;

use super::request::call;
use super::ApiError;

/// Starts a sign-up: the API e-mails a confirmation link (its answer is the same for every
/// e-mail). Nothing is created until the link is followed.
pub async fn signup(request: &SignupRequest) -> Result<SignupAcceptedDto, ApiError> {
    call::<Signup>(Some(PRE_SESSION_CSRF), &(), request).await
}

/// Confirms a sign-up with its link's token: creates the account and signs this browser in.
pub async fn confirm_signup(request: &ConfirmSignupRequest) -> Result<MeResponse, ApiError> {
    call::<ConfirmSignup>(Some(PRE_SESSION_CSRF), &(), request).await
}
