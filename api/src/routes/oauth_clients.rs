//! `/api/v1/oauth-clients`: OAuth2 clients, registered in the portal.

use actix_web::{http::header, web, HttpResponse};
use portcullis_shared::capability::Capability;
use portcullis_shared::{
    dto::{
        CreateOAuthClientRequest, CreatedOAuthClientDto, OAuthClientDto,
        RotateOAuthClientSecretRequest, UpdateOAuthClientRequest,
    },
    problem::Problem,
    routes,
};

use super::responses::{CsrfRefused, PortalErrors, PortalJsonErrors};
use crate::{
    auth::{ClientInfo, PortalUser},
    error::ApiResult,
    services::{tokens::oauth, AppState},
};

endpoints! {
    routes::OAUTH_CLIENTS => get(list_clients).post(create_client);
    routes::OAUTH_CLIENT => patch(update_client).delete(delete_client);
    routes::OAUTH_CLIENT_SECRET => post(rotate_secret);
    routes::OAUTH_CLIENT_PREVIOUS_SECRET => delete(end_secret_overlap);
}

/// Register an OAuth2 client for the client_credentials grant.
///
/// The `client_secret` in the answer is shown this once; only its hash is kept.
#[utoipa::path(
    post,
    path = "/api/v1/oauth-clients",
    tag = "oauth",
    request_body = CreateOAuthClientRequest,
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    security(("session" = [])),
    responses(
        (status = 201, description = "Registered; `client_secret` is shown only now", body = CreatedOAuthClientDto),
        (status = 400, description = "Malformed JSON or unknown scope", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid name, scopes, lifetime, allowlist entry or policy rule (`policy.…`); nothing was made", body = Problem, content_type = "application/problem+json"),
        CsrfRefused,
        PortalErrors,
    )
)]
pub async fn create_client(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    body: web::Json<CreateOAuthClientRequest>,
) -> ApiResult<HttpResponse> {
    let created = oauth::create_client(
        &state,
        &user.require(Capability::ManageTokens)?,
        body.into_inner().into(),
        &client.0,
    )
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(CreatedOAuthClientDto::from(created)))
}

/// List the account's OAuth2 clients.
#[utoipa::path(
    get,
    path = "/api/v1/oauth-clients",
    tag = "oauth",
    security(("session" = [])),
    responses(
        (status = 200, description = "The clients", body = Vec<OAuthClientDto>),
        PortalErrors,
    )
)]
pub async fn list_clients(user: PortalUser, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let clients = oauth::list_clients(&state, &user.require(Capability::ManageTokens)?).await?;
    Ok(HttpResponse::Ok().json(
        clients
            .into_iter()
            .map(OAuthClientDto::from)
            .collect::<Vec<_>>(),
    ))
}

/// Rename, re-scope, re-list or disable/re-enable a client; its tokens follow on their next use.
///
/// What the account owner did to a subuser's client (disabled it, set its
/// scopes or allowlist) only the owner can undo: the subuser may rename,
/// disable or narrow it, and anything else is `403 permission_denied` with
/// `permission: owner_restriction`.
#[utoipa::path(
    patch,
    path = "/api/v1/oauth-clients/{id}",
    tag = "oauth",
    request_body = UpdateOAuthClientRequest,
    params(
        ("id" = String, Path, description = "Client id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    security(("session" = [])),
    responses(
        (status = 200, description = "The client after the change", body = OAuthClientDto),
        (status = 403, description = "Missing or wrong X-CSRF-Token, or a subuser lifting the owner's restriction (`permission_denied`, `permission: owner_restriction`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such client on this account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed meanwhile by another request (`conflict`); nothing was changed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, policy rules included (`policy.…`); nothing was changed", body = Problem, content_type = "application/problem+json"),
        PortalJsonErrors,
    )
)]
pub async fn update_client(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Json<UpdateOAuthClientRequest>,
) -> ApiResult<HttpResponse> {
    let updated = oauth::update_client(
        &state,
        &user.require(Capability::ManageTokens)?,
        &id,
        body.into_inner().into(),
        &client.0,
    )
    .await?;
    Ok(HttpResponse::Ok().json(OAuthClientDto::from(updated)))
}

/// Delete a client: every token issued to it stops working at once.
#[utoipa::path(
    delete,
    path = "/api/v1/oauth-clients/{id}",
    tag = "oauth",
    params(
        ("id" = String, Path, description = "Client id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    security(("session" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such client on this account", body = Problem, content_type = "application/problem+json"),
        CsrfRefused,
        PortalErrors,
    )
)]
pub async fn delete_client(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    oauth::delete_client(
        &state,
        &user.require(Capability::ManageTokens)?,
        &id,
        &client.0,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Replace a client's secret, optionally keeping the old one valid for a while.
///
/// With `old_secret_valid_for_secs` > 0 both secrets authenticate at
/// `/oauth/token`, `/oauth/revoke` and `/oauth/introspect` until then (as a
/// secondary key), so integrations can switch without downtime; with 0 the
/// old one stops now. A secret from an earlier rotation stops at once. Tokens
/// already issued stay valid. The new `client_secret` is shown this once.
#[utoipa::path(
    post,
    path = "/api/v1/oauth-clients/{id}/secret",
    tag = "oauth",
    request_body = RotateOAuthClientSecretRequest,
    params(
        ("id" = String, Path, description = "Client id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    security(("session" = [])),
    responses(
        (status = 200, description = "Replaced; `client_secret` is shown only now", body = CreatedOAuthClientDto),
        (status = 404, description = "No such client on this account (or, for a subuser, not theirs)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Rotated meanwhile by another request (`conflict`); nothing was changed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`old_secret_valid_for_secs` below 0 or above 604800 (`out_of_range`); nothing was changed", body = Problem, content_type = "application/problem+json"),
        CsrfRefused,
        PortalJsonErrors,
    )
)]
pub async fn rotate_secret(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Json<RotateOAuthClientSecretRequest>,
) -> ApiResult<HttpResponse> {
    let rotated = oauth::rotate_secret(
        &state,
        &user.require(Capability::ManageTokens)?,
        &id,
        body.old_secret_valid_for_secs,
        &client.0,
    )
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(CreatedOAuthClientDto::from(rotated)))
}

/// End a rotation's overlap now: only the current secret authenticates.
#[utoipa::path(
    delete,
    path = "/api/v1/oauth-clients/{id}/secret/previous",
    tag = "oauth",
    params(
        ("id" = String, Path, description = "Client id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    security(("session" = [])),
    responses(
        (status = 200, description = "The client, with no previous secret (also when it had none: then nothing changes and nothing is logged)", body = OAuthClientDto),
        (status = 404, description = "No such client on this account (or, for a subuser, not theirs)", body = Problem, content_type = "application/problem+json"),
        CsrfRefused,
        PortalErrors,
    )
)]
pub async fn end_secret_overlap(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let updated = oauth::end_secret_overlap(
        &state,
        &user.require(Capability::ManageTokens)?,
        &id,
        &client.0,
    )
    .await?;
    Ok(HttpResponse::Ok().json(OAuthClientDto::from(updated)))
}
