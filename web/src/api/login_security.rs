//! Held sign-ins (the code step after the password), two-factor settings and trusted
//! devices.

use gloo_net::http::{Request, Response};
use portcullis_shared::dto::{
    CodeSentDto, ConfirmTwoFactorRequest, DisableTwoFactorRequest, LoginChallengeDto, LoginRequest,
    MeResponse, PasswordConfirmation, RecoveryCodesDto, ResendLoginCodeRequest,
    StartSmsTwoFactorRequest, TotpSetupDto, TrustedDeviceDto, TwoFactorEnabledDto,
    TwoFactorPolicyRequest, TwoFactorStatusDto, VerifyLoginRequest,
};
use portcullis_shared::routes::{
    CSRF_HEADER, DEVICE, DEVICES, LOGIN, LOGIN_RESEND, LOGIN_VERIFY, PRE_SESSION_CSRF, TWO_FACTOR,
    TWO_FACTOR_CODE, TWO_FACTOR_DISABLE, TWO_FACTOR_POLICY, TWO_FACTOR_RECOVERY_CODES,
    TWO_FACTOR_SMS, TWO_FACTOR_SMS_CONFIRM, TWO_FACTOR_TOTP, TWO_FACTOR_TOTP_CONFIRM,
};

use super::{body_text, decode, error, expect_no_content, item_path, send, send_json, ApiError};

/// What a right password leads to.
#[derive(Debug, Clone, PartialEq)]
pub enum LoginOutcome {
    /// `200`: signed in; the API set the session cookie.
    SignedIn(Box<MeResponse>),
    /// `202`: held for a code (two-factor sign-in, or a browser that is not trusted).
    Held(LoginChallengeDto),
}

/// Starts a portal session, or a held sign-in that a code completes.
pub async fn login(request: &LoginRequest) -> Result<LoginOutcome, ApiError> {
    let response = send_json(Request::post(LOGIN), PRE_SESSION_CSRF, request).await?;
    let status = response.status();
    let body = body_text(&response).await?;
    login_outcome(status, &body)
}

/// Reads the answer to a login: `202` is a held sign-in, anything else as usual.
pub(crate) fn login_outcome(status: u16, body: &str) -> Result<LoginOutcome, ApiError> {
    if status == 202 {
        error::decode_body(status, body).map(LoginOutcome::Held)
    } else {
        error::decode_body(status, body).map(|me| LoginOutcome::SignedIn(Box::new(me)))
    }
}

/// Completes a held sign-in with a code; the API sets the session cookie.
pub async fn verify_login(request: &VerifyLoginRequest) -> Result<MeResponse, ApiError> {
    let response = send_json(Request::post(LOGIN_VERIFY), PRE_SESSION_CSRF, request).await?;
    decode(response).await
}

/// Why a held sign-in's code was not sent again.
#[derive(Debug, Clone, PartialEq)]
pub struct NotResent {
    /// The API's refusal.
    pub error: ApiError,
    /// Seconds to wait before asking again (`Retry-After`), when the API says.
    pub retry_after_secs: Option<u32>,
}

/// Sends a held sign-in's code again, by the same channel or the one asked for.
pub async fn resend_login_code(
    request: &ResendLoginCodeRequest,
) -> Result<LoginChallengeDto, NotResent> {
    let refused = |error| NotResent {
        error,
        retry_after_secs: None,
    };
    let response = send_json(Request::post(LOGIN_RESEND), PRE_SESSION_CSRF, request)
        .await
        .map_err(refused)?;
    let retry_after_secs = retry_after_secs(&response);
    decode(response).await.map_err(|error| NotResent {
        error,
        retry_after_secs,
    })
}

fn retry_after_secs(response: &Response) -> Option<u32> {
    parse_retry_after(response.headers().get("Retry-After").as_deref())
}

/// `Retry-After` in its delay-seconds form (the only one the API sends).
pub(crate) fn parse_retry_after(value: Option<&str>) -> Option<u32> {
    value?.trim().parse().ok()
}

/// Which two-factor methods are on, recovery codes left, and the account policy.
pub async fn two_factor_status() -> Result<TwoFactorStatusDto, ApiError> {
    decode(send(Request::get(TWO_FACTOR)).await?).await
}

/// Starts SMS two-factor set-up: checks the password and texts a code to `phone`.
pub async fn start_sms_two_factor(
    csrf_token: &str,
    request: &StartSmsTwoFactorRequest,
) -> Result<CodeSentDto, ApiError> {
    decode(send_json(Request::post(TWO_FACTOR_SMS), csrf_token, request).await?).await
}

/// Turns SMS two-factor on with the code just sent.
pub async fn confirm_sms_two_factor(
    csrf_token: &str,
    request: &ConfirmTwoFactorRequest,
) -> Result<TwoFactorEnabledDto, ApiError> {
    decode(send_json(Request::post(TWO_FACTOR_SMS_CONFIRM), csrf_token, request).await?).await
}

/// Starts authenticator-app set-up: a new secret and its QR code.
pub async fn start_totp_two_factor(
    csrf_token: &str,
    request: &PasswordConfirmation,
) -> Result<TotpSetupDto, ApiError> {
    decode(send_json(Request::post(TWO_FACTOR_TOTP), csrf_token, request).await?).await
}

/// Turns the authenticator app on with a first code from it.
pub async fn confirm_totp_two_factor(
    csrf_token: &str,
    request: &ConfirmTwoFactorRequest,
) -> Result<TwoFactorEnabledDto, ApiError> {
    decode(send_json(Request::post(TWO_FACTOR_TOTP_CONFIRM), csrf_token, request).await?).await
}

/// Texts a code to the two-factor phone, to confirm turning a method off.
pub async fn send_two_factor_code(csrf_token: &str) -> Result<CodeSentDto, ApiError> {
    decode(send(Request::post(TWO_FACTOR_CODE).header(CSRF_HEADER, csrf_token)).await?).await
}

/// Turns a method off (password and a current code); answers the new status.
pub async fn disable_two_factor(
    csrf_token: &str,
    request: &DisableTwoFactorRequest,
) -> Result<TwoFactorStatusDto, ApiError> {
    decode(send_json(Request::post(TWO_FACTOR_DISABLE), csrf_token, request).await?).await
}

/// A new set of recovery codes, shown once; the old set stops working.
pub async fn new_recovery_codes(
    csrf_token: &str,
    request: &PasswordConfirmation,
) -> Result<RecoveryCodesDto, ApiError> {
    decode(
        send_json(
            Request::post(TWO_FACTOR_RECOVERY_CODES),
            csrf_token,
            request,
        )
        .await?,
    )
    .await
}

/// Requires (or stops requiring) two-factor sign-in for every user of the account.
pub async fn set_two_factor_policy(
    csrf_token: &str,
    request: &TwoFactorPolicyRequest,
) -> Result<TwoFactorStatusDto, ApiError> {
    decode(send_json(Request::put(TWO_FACTOR_POLICY), csrf_token, request).await?).await
}

/// The account's trusted devices, most recently seen first; `current` marks this browser.
pub async fn list_devices() -> Result<Vec<TrustedDeviceDto>, ApiError> {
    decode(send(Request::get(DEVICES)).await?).await
}

/// Forgets a trusted device: its next sign-in needs a code again.
pub async fn remove_device(csrf_token: &str, id: &str) -> Result<(), ApiError> {
    let path = item_path(DEVICE, id);
    expect_no_content(send(Request::delete(&path).header(CSRF_HEADER, csrf_token)).await?).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::error::tests::ME_BODY;
    use portcullis_shared::dto::{ChallengeReason, VerificationMethod};
    use portcullis_shared::problem::ProblemCode;

    #[test]
    fn a_202_login_is_a_held_sign_in() {
        let body = r#"{"challenge_id":"lch_1","reason":"new_device","methods":["sms","email"],
            "sent_to":"+48******200","sent_by":"sms","expires_at":"2026-01-02T03:09:05Z"}"#;
        let LoginOutcome::Held(challenge) = login_outcome(202, body).unwrap() else {
            panic!("held");
        };
        assert_eq!(challenge.reason, ChallengeReason::NewDevice);
        assert_eq!(
            challenge.methods,
            [VerificationMethod::Sms, VerificationMethod::Email]
        );
        assert_eq!(challenge.sent_to.as_deref(), Some("+48******200"));
    }

    #[test]
    fn a_200_login_is_signed_in_and_refusals_stay_refusals() {
        let body = ME_BODY;
        assert!(matches!(
            login_outcome(200, body),
            Ok(LoginOutcome::SignedIn(me)) if me.account.email == "a@b.io"
        ));
        let refused = r#"{"type":"about:blank","title":"Unauthorized","status":401,
            "code":"invalid_credentials"}"#;
        assert_eq!(
            login_outcome(401, refused).unwrap_err().code(),
            Some(ProblemCode::InvalidCredentials)
        );
        // A 202 without a challenge is not a sign-in.
        assert_eq!(
            login_outcome(202, body).unwrap_err(),
            ApiError::UnexpectedResponse { status: 202 }
        );
    }

    #[test]
    fn retry_after_is_read_in_seconds() {
        assert_eq!(parse_retry_after(Some("27")), Some(27));
        assert_eq!(parse_retry_after(Some(" 30 ")), Some(30));
        assert_eq!(
            parse_retry_after(Some("Wed, 21 Oct 2015 07:28:00 GMT")),
            None
        );
        assert_eq!(parse_retry_after(None), None);
    }

    #[test]
    fn device_paths_keep_the_id_one_segment() {
        assert_eq!(item_path(DEVICE, "dev_01ab"), "/api/v1/devices/dev_01ab");
    }
}
