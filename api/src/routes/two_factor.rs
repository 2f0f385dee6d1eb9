//! `/api/v1/two-factor/*`: two-factor sign-in settings.

use actix_web::{web, HttpResponse};
use portcullis_shared::capability::Capability;
use portcullis_shared::{
    dto::{
        CodeSentDto, ConfirmTwoFactorRequest, DisableTwoFactorRequest, PasswordConfirmation,
        RecoveryCodesDto, StartSmsTwoFactorRequest, TotpSetupDto, TwoFactorEnabledDto,
        TwoFactorPolicyRequest, TwoFactorStatusDto,
    },
    problem::Problem,
    routes,
};

use super::responses::{CsrfRefused, MalformedJson, NoSession, PortalErrors, PortalJsonErrors};
use crate::{
    auth::{ClientInfo, PortalUser},
    error::ApiResult,
    services::{two_factor, AppState},
};

endpoints! {
    routes::TWO_FACTOR => get(status);
    routes::TWO_FACTOR_SMS => post(start_sms);
    routes::TWO_FACTOR_SMS_CONFIRM => post(confirm_sms);
    routes::TWO_FACTOR_TOTP => post(start_totp);
    routes::TWO_FACTOR_TOTP_CONFIRM => post(confirm_totp);
    routes::TWO_FACTOR_CODE => post(send_code);
    routes::TWO_FACTOR_DISABLE => post(disable);
    routes::TWO_FACTOR_RECOVERY_CODES => post(recovery_codes);
    routes::TWO_FACTOR_POLICY => put(set_policy);
}

fn no_store() -> actix_web::HttpResponseBuilder {
    let mut response = HttpResponse::Ok();
    response.insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"));
    response
}

/// Which two-factor methods are on, recovery codes left, and the account policy.
#[utoipa::path(
    get,
    path = "/api/v1/two-factor",
    tag = "two-factor",
    security(("session" = [])),
    responses(
        (status = 200, description = "Status", body = TwoFactorStatusDto),
        PortalErrors,
    )
)]
pub async fn status(user: PortalUser, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageTwoFactor)?;
    let status = two_factor::status(&state, session).await?;
    Ok(HttpResponse::Ok().json(TwoFactorStatusDto::from(status)))
}

/// Start SMS two-factor set-up: checks the password and sends a code to the phone.
///
/// SMS two-factor is on only once that code is confirmed. While a method is on
/// (moving SMS codes to another phone, or adding them beside an app) a current
/// code is needed too, and the account's holder is e-mailed once it is done.
#[utoipa::path(
    post,
    path = "/api/v1/two-factor/sms",
    tag = "two-factor",
    request_body = StartSmsTwoFactorRequest,
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    security(("session" = [])),
    responses(
        (status = 202, description = "Code sent", body = CodeSentDto),
        (status = 422, description = "Wrong password (field `password`: `wrong_password`) or phone (field `phone`: `invalid_phone`, or `country_not_allowed` when the country filter blocks SMS there); with two-factor already on, a missing or wrong current code (field `code`: `required`, `incorrect`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Codes asked for too often (`rate_limited`), or the code text is over a budget (`sms_budget_exhausted`); see `Retry-After`", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The code could not be sent", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Storage unavailable, or code texts to the phone's country paused (`sms_country_paused`, `Retry-After`)", body = Problem, content_type = "application/problem+json"),
        CsrfRefused,
        MalformedJson,
        NoSession,
    )
)]
pub async fn start_sms(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    body: web::Json<StartSmsTwoFactorRequest>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageTwoFactor)?;
    let StartSmsTwoFactorRequest {
        password,
        phone,
        code,
    } = body.into_inner();
    let setup = two_factor::SmsSetup {
        phone,
        confirmation: two_factor::ChangeConfirmation { password, code },
    };
    let sent = two_factor::start_sms(&state, session, setup, &client.0).await?;
    Ok(HttpResponse::Accepted().json(CodeSentDto::from(sent)))
}

/// Finish SMS set-up with the code sent to the phone.
///
/// When this is the first method, the answer carries 10 recovery codes, shown once.
#[utoipa::path(
    post,
    path = "/api/v1/two-factor/sms/confirm",
    tag = "two-factor",
    request_body = ConfirmTwoFactorRequest,
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    security(("session" = [])),
    responses(
        (status = 200, description = "SMS two-factor is on", body = TwoFactorEnabledDto),
        (status = 410, description = "Code expired or used (`code_expired`, `code_used`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Malformed, wrong or unsent code (field `code`: `invalid_code`/`incorrect`/`no_code_sent`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong codes (`code_locked`)", body = Problem, content_type = "application/problem+json"),
        CsrfRefused,
        PortalJsonErrors,
    )
)]
pub async fn confirm_sms(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    body: web::Json<ConfirmTwoFactorRequest>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageTwoFactor)?;
    let enabled = two_factor::confirm_sms(&state, session, &body.code, &client.0).await?;
    Ok(no_store().json(TwoFactorEnabledDto::from(enabled)))
}

/// Start authenticator-app set-up: a new secret with its QR code.
///
/// While SMS codes are on, a current code is needed too; the account's holder
/// is e-mailed once the app is confirmed.
#[utoipa::path(
    post,
    path = "/api/v1/two-factor/totp",
    tag = "two-factor",
    request_body = PasswordConfirmation,
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    security(("session" = [])),
    responses(
        (status = 200, description = "Scan the QR code, then confirm a code", body = TotpSetupDto),
        (status = 409, description = "An app is already set up (`conflict`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong password (field `password`: `wrong_password`); with two-factor on, a missing or wrong current code (field `code`: `required`, `incorrect`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong passwords: locked for a while (`login_locked`, `Retry-After`)", body = Problem, content_type = "application/problem+json"),
        CsrfRefused,
        PortalJsonErrors,
    )
)]
pub async fn start_totp(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    body: web::Json<PasswordConfirmation>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageTwoFactor)?;
    let confirmation = body.into_inner().into();
    let setup = two_factor::start_totp(&state, session, confirmation, &client.0).await?;
    Ok(no_store().json(TotpSetupDto::from(setup)))
}

/// Finish authenticator-app set-up with a first code from the app.
///
/// When this is the first method, the answer carries 10 recovery codes, shown once.
#[utoipa::path(
    post,
    path = "/api/v1/two-factor/totp/confirm",
    tag = "two-factor",
    request_body = ConfirmTwoFactorRequest,
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    security(("session" = [])),
    responses(
        (status = 200, description = "Authenticator app is on", body = TwoFactorEnabledDto),
        (status = 422, description = "Malformed or wrong code, or no set-up started (field `code`: `invalid_code`/`incorrect`/`no_code_sent`)", body = Problem, content_type = "application/problem+json"),
        CsrfRefused,
        PortalJsonErrors,
    )
)]
pub async fn confirm_totp(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    body: web::Json<ConfirmTwoFactorRequest>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageTwoFactor)?;
    let enabled = two_factor::confirm_totp(&state, session, &body.code, &client.0).await?;
    Ok(no_store().json(TwoFactorEnabledDto::from(enabled)))
}

/// Send an SMS code to the two-factor phone, to confirm turning a method off.
#[utoipa::path(
    post,
    path = "/api/v1/two-factor/code",
    tag = "two-factor",
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    security(("session" = [])),
    responses(
        (status = 202, description = "Code sent", body = CodeSentDto),
        (status = 409, description = "SMS two-factor is not on (`conflict`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The country filter blocks SMS to the two-factor phone (field `method`: `country_not_allowed`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Codes asked for too often (`rate_limited`), or the code text is over a budget (`sms_budget_exhausted`); see `Retry-After`", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The code could not be sent", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Storage unavailable, or code texts to the phone's country paused (`sms_country_paused`, `Retry-After`)", body = Problem, content_type = "application/problem+json"),
        CsrfRefused,
        NoSession,
    )
)]
pub async fn send_code(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageTwoFactor)?;
    let sent = two_factor::send_step_up_code(&state, session, &client.0).await?;
    Ok(HttpResponse::Accepted().json(CodeSentDto::from(sent)))
}

/// Turn a two-factor method off: needs the password and a current code.
///
/// The code is one from the authenticator app, an SMS code from
/// `POST /api/v1/two-factor/code`, or a recovery code. Turning the last
/// method off also removes the recovery codes.
#[utoipa::path(
    post,
    path = "/api/v1/two-factor/disable",
    tag = "two-factor",
    request_body = DisableTwoFactorRequest,
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    security(("session" = [])),
    responses(
        (status = 200, description = "Turned off", body = TwoFactorStatusDto),
        (status = 404, description = "That method is not on", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The account requires two-factor sign-in (field `method`: `two_factor_required`)", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "SMS code expired or used", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong password or code (field `password`: `wrong_password`, field `code`: `incorrect`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong codes (`code_locked`)", body = Problem, content_type = "application/problem+json"),
        CsrfRefused,
        PortalJsonErrors,
    )
)]
pub async fn disable(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    body: web::Json<DisableTwoFactorRequest>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageTwoFactor)?;
    let DisableTwoFactorRequest {
        method,
        password,
        code,
    } = body.into_inner();
    let disabling = two_factor::Disabling {
        method,
        password,
        code,
    };
    let status = two_factor::disable(&state, session, disabling, &client.0).await?;
    Ok(HttpResponse::Ok().json(TwoFactorStatusDto::from(status)))
}

/// Make a new set of 10 recovery codes (shown once); the old set stops working.
///
/// Needs the password and a current code; the account's holder is e-mailed.
#[utoipa::path(
    post,
    path = "/api/v1/two-factor/recovery-codes",
    tag = "two-factor",
    request_body = PasswordConfirmation,
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    security(("session" = [])),
    responses(
        (status = 200, description = "The new codes", body = RecoveryCodesDto),
        (status = 409, description = "Two-factor sign-in is off (`two_factor_not_enabled`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong password (field `password`: `wrong_password`); with two-factor on, a missing or wrong current code (field `code`: `required`, `incorrect`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong passwords: locked for a while (`login_locked`, `Retry-After`)", body = Problem, content_type = "application/problem+json"),
        CsrfRefused,
        PortalJsonErrors,
    )
)]
pub async fn recovery_codes(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    body: web::Json<PasswordConfirmation>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageTwoFactor)?;
    let confirmation = body.into_inner().into();
    let codes =
        two_factor::regenerate_recovery_codes(&state, session, confirmation, &client.0).await?;
    Ok(no_store().json(RecoveryCodesDto { codes }))
}

/// Require two-factor sign-in for every user of the account.
///
/// Turning it on needs your own two-factor sign-in on first.
#[utoipa::path(
    put,
    path = "/api/v1/two-factor/policy",
    tag = "two-factor",
    request_body = TwoFactorPolicyRequest,
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    security(("session" = [])),
    responses(
        (status = 200, description = "Saved", body = TwoFactorStatusDto),
        (status = 403, description = "Missing or wrong X-CSRF-Token; or a subuser: account-wide settings are the owner's (`permission_denied`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Your own two-factor sign-in is off (`two_factor_not_enabled`)", body = Problem, content_type = "application/problem+json"),
        PortalJsonErrors,
    )
)]
pub async fn set_policy(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    body: web::Json<TwoFactorPolicyRequest>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageAccountSettings)?;
    let status =
        two_factor::set_policy(&state, session, body.required_for_all_users, &client.0).await?;
    Ok(HttpResponse::Ok().json(TwoFactorStatusDto::from(status)))
}
