//! `/api/v1/me`: the signed-in account.

use actix_web::{http::header, web, HttpResponse};
use portcullis_shared::capability::Capability;
use portcullis_shared::{dto::MeResponse, problem::Problem, routes};

use super::resource;
use crate::{auth::PortalUser, error::ApiResult};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource(routes::ME).get(me));
}

/// The signed-in account and the current session (with its CSRF token).
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "account",
    security(("session" = [])),
    responses(
        (status = 200, description = "The account", body = MeResponse),
        (status = 401, description = "No live session (`unauthenticated` or `session_expired`)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Storage unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn me(user: PortalUser) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ReadMe)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(session.me()))
}
