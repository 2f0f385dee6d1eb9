//! `/api/v1/api-allowlist`: the account's API IP allowlist (separate from the portal's).

use actix_web::{web, HttpResponse};
use portcullis_shared::capability::Capability;
use portcullis_shared::{
    dto::{AddAllowlistEntryRequest, AllowlistEntryDto},
    problem::Problem,
    routes,
};

use super::responses::{PortalErrors, PortalJsonErrors};
use crate::{
    auth::{ClientInfo, PortalUser},
    error::ApiResult,
    services::{tokens::api_tokens, AppState},
};

endpoints! {
    routes::API_ALLOWLIST => get(list_entries).post(add_entry);
    routes::API_ALLOWLIST_ENTRY => delete(delete_entry);
}

/// List the account's API allowlist. Empty means API calls are allowed from anywhere.
#[utoipa::path(
    get,
    path = "/api/v1/api-allowlist",
    tag = "tokens",
    security(("session" = [])),
    responses(
        (status = 200, description = "The entries", body = Vec<AllowlistEntryDto>),
        (status = 403, description = "A subuser: account-wide settings are the owner's (`permission_denied`, permission `settings`)", body = Problem, content_type = "application/problem+json"),
        PortalErrors,
    )
)]
pub async fn list_entries(user: PortalUser, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageAccountSettings)?;
    let entries = api_tokens::list_api_allowlist(&state, &session.account.id).await?;
    Ok(HttpResponse::Ok().json(
        entries
            .into_iter()
            .map(AllowlistEntryDto::from)
            .collect::<Vec<_>>(),
    ))
}

/// Add an address, CIDR range or address/netmask pair to the API allowlist.
///
/// Once the list has an entry, every API call from elsewhere is refused
/// (`account_ip_not_allowed`), whatever its token's own allowlist says.
#[utoipa::path(
    post,
    path = "/api/v1/api-allowlist",
    tag = "tokens",
    request_body = AddAllowlistEntryRequest,
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    security(("session" = [])),
    responses(
        (status = 201, description = "Added", body = AllowlistEntryDto),
        (status = 403, description = "Missing or wrong X-CSRF-Token; or a subuser: account-wide settings are the owner's (`permission_denied`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Duplicate of or overlapping an entry (`conflict`; field `value`: `duplicate`/`overlaps`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not an address or range (field `value`: `invalid_cidr`); an expiry not in RFC 3339 (`expires_at`: `invalid_date`), in the past (`in_the_past`), more than a year ahead (`out_of_range`), or without a permanent entry on the list (`needs_permanent_entry`)", body = Problem, content_type = "application/problem+json"),
        PortalJsonErrors,
    )
)]
pub async fn add_entry(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    body: web::Json<AddAllowlistEntryRequest>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageAccountSettings)?;
    let AddAllowlistEntryRequest {
        value,
        label,
        expires_at,
    } = body.into_inner();
    let entry = api_tokens::add_api_allowlist_entry(
        &state,
        &session.account.id,
        &value,
        label,
        expires_at.as_deref(),
        &client.0,
    )
    .await?;
    Ok(HttpResponse::Created().json(AllowlistEntryDto::from(entry)))
}

/// Remove an entry from the API allowlist.
#[utoipa::path(
    delete,
    path = "/api/v1/api-allowlist/{id}",
    tag = "tokens",
    params(
        ("id" = String, Path, description = "Entry id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    security(("session" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Missing or wrong X-CSRF-Token; or a subuser: account-wide settings are the owner's (`permission_denied`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such entry on this account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The last entry that does not expire, while expiring ones remain (`conflict`, field `id`: `needs_permanent_entry`)", body = Problem, content_type = "application/problem+json"),
        PortalErrors,
    )
)]
pub async fn delete_entry(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageAccountSettings)?;
    api_tokens::delete_api_allowlist_entry(&state, &session.account.id, &id, &client.0).await?;
    Ok(HttpResponse::NoContent().finish())
}
