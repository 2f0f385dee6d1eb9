//! `/api/v1/devices`: the account's trusted devices.

use actix_web::{web, HttpRequest, HttpResponse};
use portcullis_shared::capability::Capability;
use portcullis_shared::{dto::TrustedDeviceDto, problem::Problem, routes};

use super::responses::{CsrfRefused, PortalErrors};
use crate::{
    auth::{BrowserDevice, ClientInfo, PortalUser},
    error::ApiResult,
    services::{sessions::devices, AppState},
};

endpoints! {
    routes::DEVICES => get(list_devices);
    routes::DEVICE => delete(remove_device);
}

/// Trusted devices: browsers that sign in without a new-device code.
#[utoipa::path(
    get,
    path = "/api/v1/devices",
    tag = "two-factor",
    security(("session" = [])),
    responses(
        (status = 200, description = "Most recently seen first; `current` marks this browser", body = Vec<TrustedDeviceDto>),
        PortalErrors,
    )
)]
pub async fn list_devices(
    user: PortalUser,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageSessions)?;
    let device = BrowserDevice::presented(&req);
    let devices = devices::list(&state, session, device.as_ref()).await?;
    Ok(HttpResponse::Ok().json(
        devices
            .into_iter()
            .map(TrustedDeviceDto::from)
            .collect::<Vec<_>>(),
    ))
}

/// Forget a trusted device: its next sign-in needs a code again.
#[utoipa::path(
    delete,
    path = "/api/v1/devices/{id}",
    tag = "two-factor",
    params(
        ("id" = String, Path, description = "Device id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    security(("session" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "No such device on this account", body = Problem, content_type = "application/problem+json"),
        CsrfRefused,
        PortalErrors,
    )
)]
pub async fn remove_device(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageSessions)?;
    devices::remove(&state, session, &path.into_inner(), &client.0).await?;
    Ok(HttpResponse::NoContent().finish())
}
