//! `/api/v1/profile`: the account profile, for integrators (scope `profile`).

use actix_web::{web, HttpResponse};
use portcullis_shared::capability::Capability;
use portcullis_shared::{dto::ProfileDto, problem::Problem, routes};

use super::responses::StorageUnavailable;
use crate::{
    auth::ApiCaller,
    error::ApiResult,
    services::{accounts, AppState},
};

endpoints! {
    routes::PROFILE => get(profile);
}

/// The account's profile and points balance.
#[utoipa::path(
    get,
    path = "/api/v1/profile",
    tag = "integrator",
    security(("bearer" = ["profile"])),
    responses(
        (status = 200, description = "The profile", body = ProfileDto),
        (status = 401, description = "Token missing (`missing_token`), invalid (`token_invalid`), expired (`token_expired`), disabled (`token_disabled`) or deleted (`token_revoked`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Scope `profile` missing (`permission_denied`, permission `profile`), or the address is not allowed (`token_ip_not_allowed`, `account_ip_not_allowed`)", body = Problem, content_type = "application/problem+json"),
        StorageUnavailable,
    )
)]
pub async fn profile(caller: ApiCaller, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let account_id = caller.require(Capability::ReadProfile)?.account_id.clone();
    let profile = accounts::profile(&state, account_id).await?;
    Ok(HttpResponse::Ok().json(ProfileDto {
        account_id: profile.account_id,
        email: profile.email,
        country: profile.country,
        points_balance: profile.points_balance,
    }))
}
