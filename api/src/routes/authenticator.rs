//! `/api/v1/authenticator`: SMS Authenticator (scope `authenticator`).

use actix_web::{web, HttpResponse};
use portcullis_shared::capability::Capability;
use portcullis_shared::{
    dto::{SendCodeRequest, SentCodeDto, VerifyCodeRequest, VerifyCodeResponse},
    problem::Problem,
    routes,
};

use super::responses::BearerJsonErrors;
use crate::{
    auth::ApiCaller,
    error::ApiResult,
    services::{sms::authenticator, AppState},
};

endpoints! {
    routes::AUTHENTICATOR_CODES => post(send_code);
    routes::AUTHENTICATOR_VERIFY => post(verify_code);
}

/// Send a one-time code to your user's phone.
///
/// The SMS is charged and country-filtered like any message. The code is 6
/// digits, valid 5 minutes, single use, with at most 5 attempts. Only a hash
/// of it is stored: the SMS goes to the gateway once, and the message history
/// (`GET /api/v1/sms`) shows its text with the code masked (`******`).
#[utoipa::path(
    post,
    path = "/api/v1/authenticator/codes",
    tag = "integrator",
    request_body = SendCodeRequest,
    security(("bearer" = ["authenticator"])),
    responses(
        (status = 201, description = "Sent", body = SentCodeDto),
        (status = 402, description = "Not enough points (`insufficient_points`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Scope `authenticator` missing, address not allowed, or country blocked (`country_not_allowed`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid phone or app name", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "The number had as many codes as the account's limits allow (`sms_budget_exhausted`, see `Retry-After`; `GET /api/v1/authenticator/limits`)", body = Problem, content_type = "application/problem+json"),
        BearerJsonErrors,
    )
)]
pub async fn send_code(
    caller: ApiCaller,
    state: web::Data<AppState>,
    body: web::Json<SendCodeRequest>,
) -> ApiResult<HttpResponse> {
    let caller = caller.require(Capability::UseAuthenticator)?;
    let sent = authenticator::send_code(&state, caller, body.into_inner().into()).await?;
    Ok(HttpResponse::Created().json(SentCodeDto::from(sent)))
}

/// Check a code your user typed.
///
/// `verified` is true once, for the right code, however many checks race;
/// wrong codes count against the 5 attempts and never undo a verification.
#[utoipa::path(
    post,
    path = "/api/v1/authenticator/codes/{id}/verify",
    tag = "integrator",
    request_body = VerifyCodeRequest,
    params(("id" = String, Path, description = "Code id from the send call")),
    security(("bearer" = ["authenticator"])),
    responses(
        (status = 200, description = "Checked", body = VerifyCodeResponse),
        (status = 403, description = "Scope `authenticator` missing or address not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such code on this account", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Expired (`code_expired`) or already used (`code_used`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not 6 digits (field `code`: `invalid_code`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong attempts (`code_locked`)", body = Problem, content_type = "application/problem+json"),
        BearerJsonErrors,
    )
)]
pub async fn verify_code(
    caller: ApiCaller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Json<VerifyCodeRequest>,
) -> ApiResult<HttpResponse> {
    let caller = caller.require(Capability::UseAuthenticator)?;
    let check = authenticator::verify_code(&state, caller, &id, &body.code).await?;
    Ok(HttpResponse::Ok().json(VerifyCodeResponse::from(check)))
}
