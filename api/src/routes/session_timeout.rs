//! `/api/v1/settings/session-timeout`: how long a portal session may sit idle.

use actix_web::{web, HttpResponse};
use portcullis_shared::capability::Capability;
use portcullis_shared::{
    dto::{SessionTimeoutDto, SetSessionTimeoutRequest},
    problem::Problem,
    routes,
};

use super::responses::{CsrfOrAddressRefused, PortalErrors, PortalJsonErrors};
use crate::{
    auth::{ClientInfo, PortalUser},
    error::ApiResult,
    services::{sessions::session_timeout, AppState},
};

endpoints! {
    routes::SESSION_TIMEOUT => get(get_session_timeout).put(set_session_timeout);
}

/// The account's inactivity timeout and the values it may be set to.
#[utoipa::path(
    get,
    path = "/api/v1/settings/session-timeout",
    tag = "sessions",
    security(("session" = [])),
    responses(
        (status = 200, description = "The timeout", body = SessionTimeoutDto),
        (status = 403, description = "Address not on the portal allowlist (`ip_not_allowed`)", body = Problem, content_type = "application/problem+json"),
        PortalErrors,
    )
)]
pub async fn get_session_timeout(
    user: PortalUser,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageSessions)?;
    let timeout = session_timeout::get(&state, &session.account.id).await?;
    Ok(HttpResponse::Ok().json(SessionTimeoutDto::from(timeout)))
}

/// Choose the inactivity timeout: 15 or 30 minutes, 1, 2, 4 or 8 hours.
///
/// Applies to new sessions and at once to the account's open ones (the
/// current one included).
#[utoipa::path(
    put,
    path = "/api/v1/settings/session-timeout",
    tag = "sessions",
    request_body = SetSessionTimeoutRequest,
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    security(("session" = [])),
    responses(
        (status = 200, description = "Changed", body = SessionTimeoutDto),
        (status = 422, description = "Not one of the choices (field `idle_timeout_secs`: `not_a_choice`)", body = Problem, content_type = "application/problem+json"),
        CsrfOrAddressRefused,
        PortalJsonErrors,
    )
)]
pub async fn set_session_timeout(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    body: web::Json<SetSessionTimeoutRequest>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageSessions)?;
    let secs = body.into_inner().idle_timeout_secs;
    let timeout = session_timeout::set(&state, session, &client.0, secs).await?;
    Ok(HttpResponse::Ok().json(SessionTimeoutDto::from(timeout)))
}
