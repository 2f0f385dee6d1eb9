//! Passkeys: listing, registering, renaming and removing them, and signing in with one.

use portcullis_shared::dto::{
    FinishHeldPasskeyRequest, FinishPasskeyRegistrationRequest, FinishPasskeySignInRequest,
    MeResponse, PasskeyAddedDto, PasskeyCeremonyDto, PasskeyDto, PasskeyListDto,
    PasskeyPolicyRequest, RemovePasskeyRequest, RenamePasskeyRequest, StartHeldPasskeyRequest,
    StartPasskeyRegistrationRequest,
};
use portcullis_shared::endpoints::{
    FinishHeldPasskey, FinishPasskeyRegistration, FinishPasskeySignIn, ListPasskeys, RemovePasskey,
    RenamePasskey, SetPasskeyPolicy, StartHeldPasskey, StartPasskeyRegistration,
    StartPasskeySignIn,
};
use portcullis_shared::routes::PRE_SESSION_CSRF;

use portcullis_shared::problem::FieldError;

use super::error::client_validation_problem;
use super::request::call;
use super::webauthn;
use super::ApiError;

/// The login's passkeys, and whether the server can use passkeys at all.
pub async fn list_passkeys() -> Result<PasskeyListDto, ApiError> {
    call::<ListPasskeys>(None, &(), &()).await
}

/// Registers a passkey: the password (and a current code) first, then the browser asks
/// the authenticator, then the answer is sent with `name`.
pub async fn add_passkey(
    csrf_token: &str,
    confirmation: &StartPasskeyRegistrationRequest,
    name: &str,
) -> Result<PasskeyAddedDto, ApiError> {
    let ceremony: PasskeyCeremonyDto =
        call::<StartPasskeyRegistration>(Some(csrf_token), &(), confirmation).await?;
    let credential = webauthn::create(&ceremony.options)
        .await
        .map_err(browser_refusal)?;
    let request = FinishPasskeyRegistrationRequest {
        ceremony_id: ceremony.ceremony_id,
        name: name.to_owned(),
        credential,
    };
    call::<FinishPasskeyRegistration>(Some(csrf_token), &(), &request).await
}

/// Sets the owner's "require a phishing-resistant method" (passkeys only) for the account.
pub async fn set_passkey_policy(
    csrf_token: &str,
    request: &PasskeyPolicyRequest,
) -> Result<PasskeyListDto, ApiError> {
    call::<SetPasskeyPolicy>(Some(csrf_token), &(), request).await
}

/// Renames one of the login's passkeys.
pub async fn rename_passkey(
    csrf_token: &str,
    id: &str,
    request: &RenamePasskeyRequest,
) -> Result<PasskeyDto, ApiError> {
    call::<RenamePasskey>(Some(csrf_token), id, request).await
}

/// Removes one of the login's passkeys (with the password); answers the ones left.
pub async fn remove_passkey(
    csrf_token: &str,
    id: &str,
    request: &RemovePasskeyRequest,
) -> Result<PasskeyListDto, ApiError> {
    call::<RemovePasskey>(Some(csrf_token), id, request).await
}

/// Completes a held sign-in with one of the login's passkeys.
pub async fn finish_held_sign_in_with_passkey(
    challenge_id: &str,
    trust_device: bool,
) -> Result<MeResponse, ApiError> {
    let start = StartHeldPasskeyRequest {
        challenge_id: challenge_id.to_owned(),
    };
    let ceremony: PasskeyCeremonyDto =
        call::<StartHeldPasskey>(Some(PRE_SESSION_CSRF), &(), &start).await?;
    let credential = webauthn::get(&ceremony.options)
        .await
        .map_err(browser_refusal)?;
    let finish = FinishHeldPasskeyRequest {
        challenge_id: challenge_id.to_owned(),
        ceremony_id: ceremony.ceremony_id,
        credential,
        trust_device,
    };
    call::<FinishHeldPasskey>(Some(PRE_SESSION_CSRF), &(), &finish).await
}

/// Signs in with a passkey the browser holds for this site, without a password.
pub async fn sign_in_with_passkey() -> Result<MeResponse, ApiError> {
    let ceremony: PasskeyCeremonyDto =
        call::<StartPasskeySignIn>(Some(PRE_SESSION_CSRF), &(), &()).await?;
    let credential = webauthn::get(&ceremony.options)
        .await
        .map_err(browser_refusal)?;
    let finish = FinishPasskeySignInRequest {
        ceremony_id: ceremony.ceremony_id,
        credential,
        trust_device: true,
    };
    call::<FinishPasskeySignIn>(Some(PRE_SESSION_CSRF), &(), &finish).await
}

/// The browser gave no passkey (cancelled, timed out, none for this site): shown by the
/// form like a refused field, `credential`, with the browser's reason.
fn browser_refusal(message: String) -> ApiError {
    let error = FieldError::new("credential", "passkey_not_given", message);
    match client_validation_problem(vec![error]) {
        Some(problem) => ApiError::Problem(Box::new(problem)),
        None => ApiError::Network("the browser gave no passkey".to_owned()),
    }
}
