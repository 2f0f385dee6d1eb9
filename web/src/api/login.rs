//! Signing in and out of the portal: the password step, the code step of a held sign-in,
//! the current session and logging out.

use gloo_net::http::Response;
use portcullis_shared::dto::{
    LoginChallengeDto, LoginRequest, MeResponse, ResendLoginCodeRequest, SecurityOverviewDto,
    VerifyLoginRequest,
};
use portcullis_shared::endpoints::{
    Login, Logout, Me, ResendLoginCode, SecurityOverview, VerifyLogin,
};
use portcullis_shared::routes::PRE_SESSION_CSRF;

use super::request::{body_text, call, decode, Call};
use super::{error, ApiError};

/// The signed-in account and session, or an `unauthenticated` problem.
pub async fn me() -> Result<MeResponse, ApiError> {
    call::<Me>(None, &(), &()).await
}

/// The signed-in login's security checklist and score.
pub async fn security_overview() -> Result<SecurityOverviewDto, ApiError> {
    call::<SecurityOverview>(None, &(), &()).await
}

/// Ends the current session; the API clears the session cookie.
pub async fn logout(csrf_token: &str) -> Result<(), ApiError> {
    call::<Logout>(Some(csrf_token), &(), &()).await
}

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
    let response = Call::to::<Login>(Some(PRE_SESSION_CSRF), &(), request)?
        .response()
        .await?;
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
    call::<VerifyLogin>(Some(PRE_SESSION_CSRF), &(), request).await
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
    let response = Call::to::<ResendLoginCode>(Some(PRE_SESSION_CSRF), &(), request)
        .map_err(refused)?
        .response()
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
}
