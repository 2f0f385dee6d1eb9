//! `/api/v1/auth/*`: sign up (and confirm by e-mail), log in (with its held second step), log out.

use actix_web::{
    http::header::{self, AcceptLanguage},
    web, HttpResponse,
};
use portcullis_shared::capability::Capability;
use portcullis_shared::{
    dto::{
        ConfirmSignupRequest, FinishHeldPasskeyRequest, FinishPasskeySignInRequest,
        LoginChallengeDto, LoginRequest, MeResponse, PasskeyCeremonyDto, ResendLoginCodeRequest,
        SignupAcceptedDto, SignupRequest, StartHeldPasskeyRequest, VerifyLoginRequest,
    },
    problem::Problem,
    routes,
};

use super::responses::{CsrfHeaderMissing, MalformedJson, PortalErrors, StorageUnavailable};
use crate::{
    auth::{browser_language, session_cookie, BrowserDevice, ClientInfo, PortalUser},
    domain::Password,
    error::ApiResult,
    services::{
        accounts,
        sessions::login::{self, Completion, LoginOutcome},
        sessions::passkey_sign_in::{self, PasskeyAnswer},
        sessions::portal_session::{self, PortalSession},
        AppState,
    },
};

endpoints! {
    routes::SIGNUP => post(signup);
    routes::SIGNUP_CONFIRM => post(confirm_signup);
    routes::LOGIN => post(login);
    routes::LOGIN_VERIFY => post(verify_login);
    routes::LOGIN_RESEND => post(resend_login_code);
    routes::LOGIN_PASSKEY_START => post(start_held_passkey);
    routes::LOGIN_PASSKEY_FINISH => post(finish_held_passkey);
    routes::PASSKEY_SIGN_IN_START => post(start_passkey_sign_in);
    routes::PASSKEY_SIGN_IN_FINISH => post(finish_passkey_sign_in);
    routes::LOGOUT => post(logout);
}

/// Sign up: mails a link that confirms the e-mail.
///
/// Every well-formed request gets the same `202` answer, whether or not the
/// e-mail already has an account (the look-up and the mail happen after the
/// answer). A new e-mail gets a link `{PORTCULLIS_PUBLIC_URL}/verify-email?token=…`,
/// valid 24 hours and single-use; nothing exists until it is followed with
/// `POST /api/v1/auth/signup/confirm` (no account, no trial points, no SMS to
/// the phone). An e-mail that has an account gets a "you already have an
/// account" e-mail instead and nothing changes. Signing up again before
/// confirming sends a new link. At most 3 e-mails per address per hour and 10
/// sign-ups per source address per hour; more are dropped silently.
///
/// The account's language (of the portal and of its e-mail, the confirmation
/// link's included) is `language` when given, else the first offered one of
/// the `Accept-Language` header by weight, else English.
#[utoipa::path(
    post,
    path = "/api/v1/auth/signup",
    tag = "auth",
    request_body = SignupRequest,
    params(
        ("X-CSRF-Token" = String, Header, description = "Any non-empty value before sign-in"),
        ("Accept-Language" = Option<String>, Header, description = "The browser's languages, used when the body names none (`pl-PL,pl;q=0.9,en;q=0.8`)"),
    ),
    responses(
        (status = 202, description = "Check your mail", body = SignupAcceptedDto),
        (status = 422, description = "Invalid fields (`validation_failed`, see `errors`)", body = Problem, content_type = "application/problem+json"),
        CsrfHeaderMissing,
        MalformedJson,
    )
)]
pub async fn signup(
    state: web::Data<AppState>,
    client: ClientInfo,
    accept_language: Option<web::Header<AcceptLanguage>>,
    body: web::Json<SignupRequest>,
) -> ApiResult<HttpResponse> {
    let SignupRequest {
        email,
        password,
        phone,
        country,
        language,
    } = body.into_inner();
    let form = accounts::SignupForm {
        email,
        password,
        phone,
        country,
        language: language
            .unwrap_or_else(|| browser_language(accept_language.as_ref().map(|h| &h.0))),
    };
    let signup = accounts::Signup::parse(form)?;
    accounts::request_signup(&state, signup, client.0);
    Ok(HttpResponse::Accepted()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(SignupAcceptedDto {
            link_valid_hours: accounts::LINK_LIFETIME_HOURS,
        }))
}

/// Confirm a sign-up with the token from its e-mail's link.
///
/// Creates the account with its trial points, signs this browser in (sets
/// the `portcullis_session` cookie, like a sign-in) and trusts it as a
/// device. The link works once and for 24 hours (field `token`:
/// `invalid_signup_link`, `expired_signup_link`, `used_signup_link`).
#[utoipa::path(
    post,
    path = "/api/v1/auth/signup/confirm",
    tag = "auth",
    request_body = ConfirmSignupRequest,
    params(("X-CSRF-Token" = String, Header, description = "Any non-empty value before sign-in")),
    responses(
        (status = 200, description = "Account created and signed in; `Set-Cookie: portcullis_session=…`", body = MeResponse),
        (status = 422, description = "Link unknown, expired or used (field `token`: `invalid_signup_link`, `expired_signup_link`, `used_signup_link`)", body = Problem, content_type = "application/problem+json"),
        CsrfHeaderMissing,
        MalformedJson,
        StorageUnavailable,
    )
)]
pub async fn confirm_signup(
    state: web::Data<AppState>,
    client: ClientInfo,
    device: BrowserDevice,
    body: web::Json<ConfirmSignupRequest>,
) -> ApiResult<HttpResponse> {
    let ConfirmSignupRequest { token } = body.into_inner();
    let session = accounts::confirm_signup(&state, &token, client.0, &device.token).await?;
    Ok(signed_in(&state, &device, &session))
}

/// The answer that opens a session: its cookie, the account and CSRF token.
fn signed_in(state: &AppState, device: &BrowserDevice, session: &PortalSession) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    device.set_cookie(&state.config, &mut response);
    response
        .cookie(session_cookie(&state.config, Some(&session.token)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(MeResponse::from(session))
}

/// Sign in to the portal.
///
/// `200`: signed in; sets the HttpOnly `portcullis_session` cookie and returns
/// the account with the session's CSRF token. `202`: the password was right
/// but the sign-in is held for a code (two-factor sign-in, or a browser that
/// is not a trusted device): complete it with `POST /api/v1/auth/login/verify`.
/// Browsers without a `portcullis_device` cookie get one. The same answer is
/// given for an unknown e-mail, a wrong password and a right password from an
/// address outside the account's portal allowlist (the real reason is in the
/// owner's security log); repeated failures lock sign-in for the e-mail and
/// the address (IPv6: per /64 and per /56) for a while (`429 login_locked`,
/// the same whether the password is right or not).
#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    tag = "auth",
    request_body = LoginRequest,
    params(("X-CSRF-Token" = String, Header, description = "Any non-empty value before sign-in")),
    responses(
        (status = 200, description = "Signed in; `Set-Cookie: portcullis_session=…`", body = MeResponse),
        (status = 202, description = "Held for a code", body = LoginChallengeDto),
        (status = 401, description = "Wrong e-mail or password (`invalid_credentials`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Sign-in locked for a while (`login_locked`), or the code text is over a budget (`sms_budget_exhausted`); see `Retry-After`", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The code could not be sent (`delivery_failed`)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Storage unavailable, or code texts to the phone's country paused (`sms_country_paused`, `Retry-After`)", body = Problem, content_type = "application/problem+json"),
        CsrfHeaderMissing,
        MalformedJson,
    )
)]
pub async fn login(
    state: web::Data<AppState>,
    client: ClientInfo,
    device: BrowserDevice,
    body: web::Json<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let LoginRequest { email, password } = body.into_inner();
    match login::log_in(
        &state,
        &email,
        Password::new(password),
        client.0,
        &device.token,
    )
    .await?
    {
        LoginOutcome::Session(session) => Ok(signed_in(&state, &device, &session)),
        LoginOutcome::Challenge(challenge) => {
            let mut response = HttpResponse::Accepted();
            device.set_cookie(&state.config, &mut response);
            Ok(response
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .json(LoginChallengeDto::from(challenge)))
        }
    }
}

/// Complete a held sign-in with a code.
///
/// `method` says which code: `sms` or `email` (the code just sent),
/// `totp` (authenticator app) or `recovery_code`. `trust_device: true`
/// remembers this browser so no new-device code is asked again. A wrong code
/// is a `422` naming the field `code` (`incorrect`, with tries left); five
/// wrong codes end the code (`429 code_locked`), and wrong codes count towards
/// the sign-in lock like wrong passwords.
#[utoipa::path(
    post,
    path = "/api/v1/auth/login/verify",
    tag = "auth",
    request_body = VerifyLoginRequest,
    params(("X-CSRF-Token" = String, Header, description = "Any non-empty value before sign-in")),
    responses(
        (status = 200, description = "Signed in; `Set-Cookie: portcullis_session=…`", body = MeResponse),
        (status = 401, description = "Unknown, finished or timed-out sign-in (`login_challenge_invalid`)", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "The code expired (`code_expired`) or was used (`code_used`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Malformed or wrong code, or a method this sign-in cannot use (`validation_failed`; field `code`: `invalid_code`/`incorrect`/`no_code_sent`, field `method`: `method_unavailable`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong codes (`code_locked`) or sign-in locked (`login_locked`)", body = Problem, content_type = "application/problem+json"),
        CsrfHeaderMissing,
        MalformedJson,
        StorageUnavailable,
    )
)]
pub async fn verify_login(
    state: web::Data<AppState>,
    client: ClientInfo,
    device: BrowserDevice,
    body: web::Json<VerifyLoginRequest>,
) -> ApiResult<HttpResponse> {
    let VerifyLoginRequest {
        challenge_id,
        method,
        code,
        trust_device,
    } = body.into_inner();
    let completion = Completion {
        challenge_id,
        method,
        code,
        trust_device,
    };
    let session = login::complete(&state, completion, client.0, &device.token).await?;
    Ok(signed_in(&state, &device, &session))
}

/// Send a held sign-in's code again, or by another channel.
///
/// At most 5 codes per sign-in, 30 seconds apart (`429 rate_limited` with
/// `Retry-After`). E-mail is offered only for new-device checks.
#[utoipa::path(
    post,
    path = "/api/v1/auth/login/resend",
    tag = "auth",
    request_body = ResendLoginCodeRequest,
    params(("X-CSRF-Token" = String, Header, description = "Any non-empty value before sign-in")),
    responses(
        (status = 202, description = "Sent", body = LoginChallengeDto),
        (status = 401, description = "Unknown, finished or timed-out sign-in (`login_challenge_invalid`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No code can be sent that way (field `method`: `method_unavailable`, or `country_not_allowed` when the country filter blocks SMS to the phone)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many codes or too soon (`rate_limited`), or the code text is over a budget (`sms_budget_exhausted`); see `Retry-After`", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The code could not be sent (`delivery_failed`)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Storage unavailable, or code texts to the phone's country paused (`sms_country_paused`, `Retry-After`)", body = Problem, content_type = "application/problem+json"),
        CsrfHeaderMissing,
        MalformedJson,
    )
)]
pub async fn resend_login_code(
    state: web::Data<AppState>,
    body: web::Json<ResendLoginCodeRequest>,
) -> ApiResult<HttpResponse> {
    let ResendLoginCodeRequest {
        challenge_id,
        method,
    } = body.into_inner();
    let challenge = login::resend(&state, &challenge_id, method).await?;
    Ok(HttpResponse::Accepted()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(LoginChallengeDto::from(challenge)))
}

fn ceremony(started: crate::services::passkeys::CeremonyStarted) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(PasskeyCeremonyDto::from(started))
}

/// Start completing a held two-factor sign-in with a passkey: the options for
/// `navigator.credentials.get` (the login's passkeys).
#[utoipa::path(
    post,
    path = "/api/v1/auth/login/passkey/start",
    tag = "auth",
    request_body = StartHeldPasskeyRequest,
    params(("X-CSRF-Token" = String, Header, description = "Any non-empty value before sign-in")),
    responses(
        (status = 200, description = "Hand `options` to the authenticator, then finish within 5 minutes", body = PasskeyCeremonyDto),
        (status = 401, description = "Unknown, finished or timed-out sign-in (`login_challenge_invalid`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The public URL's host is an IP address (`passkeys_unavailable`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The login has no passkey, or the sign-in is held for a new-device code (field `method`: `method_unavailable`)", body = Problem, content_type = "application/problem+json"),
        CsrfHeaderMissing,
        MalformedJson,
        StorageUnavailable,
    )
)]
pub async fn start_held_passkey(
    state: web::Data<AppState>,
    body: web::Json<StartHeldPasskeyRequest>,
) -> ApiResult<HttpResponse> {
    let started = passkey_sign_in::start_held(&state, &body.challenge_id).await?;
    Ok(ceremony(started))
}

/// Complete a held sign-in with the passkey's answer.
///
/// Counted like a code: a refused answer counts towards the sign-in lock and
/// is recorded (`login_failed`, `method`: `passkey`); the session's
/// `login_succeeded` event records `method`: `passkey`.
#[utoipa::path(
    post,
    path = "/api/v1/auth/login/passkey/finish",
    tag = "auth",
    request_body = FinishHeldPasskeyRequest,
    params(("X-CSRF-Token" = String, Header, description = "Any non-empty value before sign-in")),
    responses(
        (status = 200, description = "Signed in; `Set-Cookie: portcullis_session=…`", body = MeResponse),
        (status = 401, description = "Unknown, finished or timed-out sign-in (`login_challenge_invalid`), or the answer did not verify (`passkey_refused`: signature, origin, relying party, a counter that went backwards)", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "The ceremony is unknown, used or timed out (`passkey_ceremony_invalid`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A malformed answer (field `credential`: `invalid_passkey_response`); nothing changes", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Sign-in locked (`login_locked`)", body = Problem, content_type = "application/problem+json"),
        CsrfHeaderMissing,
        MalformedJson,
        StorageUnavailable,
    )
)]
pub async fn finish_held_passkey(
    state: web::Data<AppState>,
    client: ClientInfo,
    device: BrowserDevice,
    body: web::Json<FinishHeldPasskeyRequest>,
) -> ApiResult<HttpResponse> {
    let FinishHeldPasskeyRequest {
        challenge_id,
        ceremony_id,
        credential,
        trust_device,
    } = body.into_inner();
    let answer = PasskeyAnswer {
        ceremony_id,
        credential,
        trust_device,
    };
    let session =
        passkey_sign_in::finish_held(&state, challenge_id, answer, client.0, &device.token).await?;
    Ok(signed_in(&state, &device, &session))
}

/// Start signing in with a passkey, without a password: the options for
/// `navigator.credentials.get` (discoverable credentials: the browser offers
/// the passkeys it holds for this site).
#[utoipa::path(
    post,
    path = "/api/v1/auth/passkey/start",
    tag = "auth",
    params(("X-CSRF-Token" = String, Header, description = "Any non-empty value before sign-in")),
    responses(
        (status = 200, description = "Hand `options` to the authenticator, then finish within 5 minutes", body = PasskeyCeremonyDto),
        (status = 409, description = "The public URL's host is an IP address (`passkeys_unavailable`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "More than 30 started from this address (IPv6: its /64) within an hour (`rate_limited`, `Retry-After`)", body = Problem, content_type = "application/problem+json"),
        CsrfHeaderMissing,
        StorageUnavailable,
    )
)]
pub async fn start_passkey_sign_in(
    state: web::Data<AppState>,
    client: ClientInfo,
) -> ApiResult<HttpResponse> {
    let started = passkey_sign_in::start_passwordless(&state, &client.0).await?;
    Ok(ceremony(started))
}

/// Sign in with a passkey's answer, without a password.
///
/// The same gate as a password sign-in: a locked e-mail or address is
/// refused (`429 login_locked`), a refused answer counts towards the lock, an
/// address outside the portal allowlist or a disabled subuser gets
/// `401 invalid_credentials` (the reason is in the owner's log), a suspended
/// account `403 account_suspended`. A passkey answers the new-device check: no
/// code is asked, the owner is e-mailed about a new browser, and
/// `trust_device` remembers it. The `login_succeeded` event records `method`:
/// `passkey` and `passwordless`: `true`.
#[utoipa::path(
    post,
    path = "/api/v1/auth/passkey/finish",
    tag = "auth",
    request_body = FinishPasskeySignInRequest,
    params(("X-CSRF-Token" = String, Header, description = "Any non-empty value before sign-in")),
    responses(
        (status = 200, description = "Signed in; `Set-Cookie: portcullis_session=…`", body = MeResponse),
        (status = 401, description = "The answer did not verify or names no passkey (`passkey_refused`), or the portal allowlist refuses the address (`invalid_credentials`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The account is suspended (`account_suspended`)", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "The ceremony is unknown, used or timed out (`passkey_ceremony_invalid`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A malformed answer, or one without `response.userHandle` (field `credential`: `invalid_passkey_response`); nothing changes", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Sign-in locked (`login_locked`)", body = Problem, content_type = "application/problem+json"),
        CsrfHeaderMissing,
        MalformedJson,
        StorageUnavailable,
    )
)]
pub async fn finish_passkey_sign_in(
    state: web::Data<AppState>,
    client: ClientInfo,
    device: BrowserDevice,
    body: web::Json<FinishPasskeySignInRequest>,
) -> ApiResult<HttpResponse> {
    let FinishPasskeySignInRequest {
        ceremony_id,
        credential,
        trust_device,
    } = body.into_inner();
    let answer = PasskeyAnswer {
        ceremony_id,
        credential,
        trust_device,
    };
    let session =
        passkey_sign_in::finish_passwordless(&state, answer, client.0, &device.token).await?;
    Ok(signed_in(&state, &device, &session))
}

/// Sign out: ends the current session and clears its cookie.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    tag = "auth",
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    security(("session" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 403, description = "Missing or wrong X-CSRF-Token (`csrf_failed`)", body = Problem, content_type = "application/problem+json"),
        PortalErrors,
    )
)]
pub async fn logout(
    state: web::Data<AppState>,
    user: PortalUser,
    client: ClientInfo,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::SignOut)?;
    portal_session::log_out(&state, session, &client.0).await?;
    Ok(HttpResponse::NoContent()
        .cookie(session_cookie(&state.config, None))
        .finish())
}
