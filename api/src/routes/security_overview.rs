//! `/api/v1/security-overview`: the signed-in login's security checklist.

use actix_web::{web, HttpResponse};
use portcullis_shared::capability::Capability;
use portcullis_shared::{dto::SecurityOverviewDto, routes};

use super::responses::PortalErrors;
use crate::{
    auth::PortalUser,
    error::ApiResult,
    services::{overview, AppState},
};

endpoints! {
    routes::SECURITY_OVERVIEW => get(security_overview);
}

/// The signed-in login's security checklist, with a score.
///
/// Every login sees its own two-factor sign-in, recovery codes and API tokens
/// (never expiring, unused for 90 days); the owner also sees the account's API
/// and portal allowlists, the country filter against the last 90 days'
/// traffic, and subusers signing in without two-factor. Each check names the
/// portal page that fixes it; the ones to fix first come first.
#[utoipa::path(
    get,
    path = "/api/v1/security-overview",
    tag = "account",
    security(("session" = [])),
    responses(
        (status = 200, description = "The checklist", body = SecurityOverviewDto),
        PortalErrors,
    )
)]
pub async fn security_overview(
    user: PortalUser,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let principal = user.require(Capability::ReadMe)?;
    let session = user.require_session(Capability::ReadMe)?;
    let found = overview::overview(&state, session, &principal).await?;
    Ok(HttpResponse::Ok().json(SecurityOverviewDto::from(found)))
}
