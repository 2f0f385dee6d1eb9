//! `/api/v1/authenticator/limits`: how many SMS Authenticator codes one phone
//! number may be sent (portal, account owner).

use actix_web::{web, HttpResponse};
use portcullis_shared::capability::Capability;
use portcullis_shared::{dto::AuthenticatorLimitsDto, problem::Problem, routes};

use super::responses::{PortalErrors, PortalJsonErrors};
use crate::{
    auth::{ClientInfo, PortalUser},
    error::ApiResult,
    services::{sms::budget, AppState},
};

endpoints! {
    routes::AUTHENTICATOR_LIMITS => get(get_limits).put(set_limits);
}

/// The SMS Authenticator's limits per destination number (default 5 an hour, 10 a day).
#[utoipa::path(
    get,
    path = "/api/v1/authenticator/limits",
    tag = "account",
    security(("session" = [])),
    responses(
        (status = 200, description = "The limits", body = AuthenticatorLimitsDto),
        (status = 403, description = "A subuser: account-wide settings are the owner's (`permission_denied`)", body = Problem, content_type = "application/problem+json"),
        PortalErrors,
    )
)]
pub async fn get_limits(user: PortalUser, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageAccountSettings)?;
    let limits = budget::authenticator_limits(&state, &session.account.id).await?;
    Ok(HttpResponse::Ok().json(AuthenticatorLimitsDto::from(limits)))
}

/// Set how many SMS Authenticator codes one number may be sent an hour (1–100) and a day
/// (1–1000, at least the hourly limit). Codes over either are refused with
/// `429 sms_budget_exhausted` and `Retry-After`.
#[utoipa::path(
    put,
    path = "/api/v1/authenticator/limits",
    tag = "account",
    request_body = AuthenticatorLimitsDto,
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    security(("session" = [])),
    responses(
        (status = 200, description = "The limits after the change", body = AuthenticatorLimitsDto),
        (status = 403, description = "Missing or wrong X-CSRF-Token; or a subuser: account-wide settings are the owner's (`permission_denied`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A limit out of range (`out_of_range` on its field)", body = Problem, content_type = "application/problem+json"),
        PortalJsonErrors,
    )
)]
pub async fn set_limits(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    body: web::Json<AuthenticatorLimitsDto>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageAccountSettings)?;
    let limits = budget::set_authenticator_limits(
        &state,
        &session.account.id,
        body.into_inner().into(),
        &client.0,
    )
    .await?;
    Ok(HttpResponse::Ok().json(AuthenticatorLimitsDto::from(limits)))
}
