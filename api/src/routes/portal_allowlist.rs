//! `/api/v1/portal-allowlist`: the account's portal IP allowlist (separate from the API's).

use actix_web::{http::header, web, HttpResponse};
use portcullis_shared::capability::Capability;
use portcullis_shared::{
    dto::{
        AddPortalAllowlistEntryRequest, PortalAllowlistDto, PortalAllowlistEntryDto,
        RemovePortalAllowlistEntryQuery,
    },
    problem::Problem,
    routes,
};

use super::responses::{CsrfOrAddressRefused, PortalErrors, PortalJsonErrors};
use crate::{
    auth::{ClientInfo, PortalUser},
    error::ApiResult,
    services::{sessions::portal_allowlist, AppState},
};

endpoints! {
    routes::PORTAL_ALLOWLIST => get(list_portal_allowlist).post(add_portal_allowlist_entry);
    routes::PORTAL_ALLOWLIST_ENTRY => delete(remove_portal_allowlist_entry);
}

/// The portal allowlist, and your address as the server sees it.
///
/// Empty means the portal may be used from anywhere. `your_address` follows
/// the server's trusted-proxy rules (`X-Forwarded-For` only from
/// `PORTCULLIS_TRUSTED_PROXIES`).
#[utoipa::path(
    get,
    path = "/api/v1/portal-allowlist",
    tag = "portal allowlist",
    security(("session" = [])),
    responses(
        (status = 200, description = "The list", body = PortalAllowlistDto),
        (status = 403, description = "Address not on the portal allowlist (`ip_not_allowed`)", body = Problem, content_type = "application/problem+json"),
        PortalErrors,
    )
)]
pub async fn list_portal_allowlist(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManagePortalAllowlist)?;
    let list = portal_allowlist::list(&state, &session.account.id, client.0.ip).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(PortalAllowlistDto::from(list)))
}

/// Add an address, CIDR range or address/netmask pair to the portal allowlist.
///
/// Once the list has an entry, sign-ins and portal requests from elsewhere are
/// refused (`ip_not_allowed`). Refused with `would_lock_out` when the list
/// would then refuse your own address, unless `confirm_lockout` is true. The
/// same range twice is a `duplicate`; overlapping ranges are kept and named in
/// `overlaps`.
#[utoipa::path(
    post,
    path = "/api/v1/portal-allowlist",
    tag = "portal allowlist",
    request_body = AddPortalAllowlistEntryRequest,
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    security(("session" = [])),
    responses(
        (status = 201, description = "Added", body = PortalAllowlistEntryDto),
        (status = 409, description = "Already on the list (`conflict`, field `value`: `duplicate`), or it would lock you out (`would_lock_out`, field `confirm_lockout`: `locks_you_out`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not an address or range (field `value`: `invalid_cidr`); label too long (field `label`: `too_long`); an expiry not in RFC 3339 (`expires_at`: `invalid_date`), in the past (`in_the_past`), more than a year ahead (`out_of_range`), or without a permanent entry on the list (`needs_permanent_entry`)", body = Problem, content_type = "application/problem+json"),
        CsrfOrAddressRefused,
        PortalJsonErrors,
    )
)]
pub async fn add_portal_allowlist_entry(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    body: web::Json<AddPortalAllowlistEntryRequest>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManagePortalAllowlist)?;
    let AddPortalAllowlistEntryRequest {
        value,
        label,
        expires_at,
        confirm_lockout,
    } = body.into_inner();
    let entry = portal_allowlist::NewEntry {
        value,
        label,
        expires_at,
        confirm_lockout,
    };
    let added = portal_allowlist::add(&state, session, &client.0, entry).await?;
    Ok(HttpResponse::Created().json(PortalAllowlistEntryDto::from(added)))
}

/// Remove an entry from the portal allowlist.
///
/// Refused with `would_lock_out` when the remaining list would refuse your own
/// address, unless `?confirm_lockout=true`. Removing the last entry opens the
/// portal to every address.
#[utoipa::path(
    delete,
    path = "/api/v1/portal-allowlist/{id}",
    tag = "portal allowlist",
    params(
        ("id" = String, Path, description = "Entry id"),
        RemovePortalAllowlistEntryQuery,
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    security(("session" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, description = "Bad `confirm_lockout` (`malformed_query`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such entry on this account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It would lock you out (`would_lock_out`, field `confirm_lockout`: `locks_you_out`)", body = Problem, content_type = "application/problem+json"),
        CsrfOrAddressRefused,
        PortalErrors,
    )
)]
pub async fn remove_portal_allowlist_entry(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<RemovePortalAllowlistEntryQuery>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManagePortalAllowlist)?;
    portal_allowlist::remove(&state, session, &client.0, &id, query.confirm_lockout).await?;
    Ok(HttpResponse::NoContent().finish())
}
