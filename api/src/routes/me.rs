//! `/api/v1/me`: the signed-in account.

use actix_web::{http::header, HttpResponse};
use portcullis_shared::capability::Capability;
use portcullis_shared::{dto::MeResponse, routes};

use super::responses::PortalErrors;
use crate::{auth::PortalUser, error::ApiResult};

endpoints! {
    routes::ME => get(me);
}

/// The signed-in account and the current session (with its CSRF token).
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "account",
    security(("session" = [])),
    responses(
        (status = 200, description = "The account", body = MeResponse),
        PortalErrors,
    )
)]
pub async fn me(user: PortalUser) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ReadMe)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(MeResponse::from(session)))
}
