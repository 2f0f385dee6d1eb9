//! `/api/v1/tokens`: API tokens, managed in the portal.

use actix_web::{http::header, web, HttpResponse};
use portcullis_shared::capability::Capability;
use portcullis_shared::{
    dto::{CreateTokenRequest, CreatedTokenDto, TokenDto, UpdateTokenRequest},
    problem::Problem,
    routes,
};

use super::responses::{CsrfRefused, PortalErrors, PortalJsonErrors};
use crate::{
    auth::{ClientInfo, PortalUser},
    error::ApiResult,
    services::tokens::api_tokens,
};

endpoints! {
    routes::TOKENS => get(list_tokens).post(create_token);
    routes::TOKEN => patch(update_token).delete(delete_token);
    routes::TOKEN_REGENERATE => post(regenerate_token);
}

/// Create an API token.
///
/// The secret in the answer is shown this once and never again: only what is
/// needed to validate and revoke it is kept.
#[utoipa::path(
    post,
    path = "/api/v1/tokens",
    tag = "tokens",
    request_body = CreateTokenRequest,
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    security(("session" = [])),
    responses(
        (status = 201, description = "Created; `secret` is shown only now", body = CreatedTokenDto),
        (status = 400, description = "Malformed JSON or unknown scope", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid name, scopes, expiry, allowlist entry or policy rule (`validation_failed`; policy fields are named `policy.countries[i]`, `policy.window.end`, `policy.daily_points_cap`…); nothing was made", body = Problem, content_type = "application/problem+json"),
        CsrfRefused,
        PortalErrors,
    )
)]
pub async fn create_token(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<crate::services::AppState>,
    body: web::Json<CreateTokenRequest>,
) -> ApiResult<HttpResponse> {
    let CreateTokenRequest {
        name,
        scopes,
        expires_at,
        ip_allowlist,
        ip_allowlist_expires_at,
        policy,
    } = body.into_inner();
    let request = api_tokens::NewToken {
        name,
        scopes,
        expires_at,
        ip_allowlist,
        ip_allowlist_expires_at,
        policy: policy.map(Into::into),
    };
    let created = api_tokens::create_token(
        &state,
        &user.require(Capability::ManageTokens)?,
        request,
        &client.0,
    )
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(CreatedTokenDto::from(created)))
}

/// List the account's API tokens, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/tokens",
    tag = "tokens",
    security(("session" = [])),
    responses(
        (status = 200, description = "The tokens", body = Vec<TokenDto>),
        PortalErrors,
    )
)]
pub async fn list_tokens(
    user: PortalUser,
    state: web::Data<crate::services::AppState>,
) -> ApiResult<HttpResponse> {
    let tokens = api_tokens::list_tokens(&state, &user.require(Capability::ManageTokens)?).await?;
    Ok(HttpResponse::Ok().json(tokens.into_iter().map(TokenDto::from).collect::<Vec<_>>()))
}

/// Rename a token, disable or re-enable it, replace its IP allowlist, or change its policy.
///
/// Takes effect on the very next API call made with the token. In `policy`,
/// rules left out stay and rules sent as `null` are removed. What the
/// account owner did to a subuser's token (disabled it, set its allowlist or policy)
/// only the owner can undo: the subuser may rename it, disable it or narrow
/// the allowlist, and anything else is `403 permission_denied` with
/// `permission: owner_restriction`.
#[utoipa::path(
    patch,
    path = "/api/v1/tokens/{id}",
    tag = "tokens",
    request_body = UpdateTokenRequest,
    params(
        ("id" = String, Path, description = "Token id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    security(("session" = [])),
    responses(
        (status = 200, description = "The token after the change", body = TokenDto),
        (status = 403, description = "Missing or wrong X-CSRF-Token, or a subuser lifting the owner's restriction (`permission_denied`, `permission: owner_restriction`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such token on this account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed meanwhile by another request (`conflict`); nothing was changed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid name, allowlist entry or policy rule (`policy.…`); nothing was changed", body = Problem, content_type = "application/problem+json"),
        PortalJsonErrors,
    )
)]
pub async fn update_token(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<crate::services::AppState>,
    id: web::Path<String>,
    body: web::Json<UpdateTokenRequest>,
) -> ApiResult<HttpResponse> {
    let UpdateTokenRequest {
        name,
        disabled,
        ip_allowlist,
        ip_allowlist_expires_at,
        policy,
    } = body.into_inner();
    let update = api_tokens::TokenUpdate {
        name,
        disabled,
        ip_allowlist,
        ip_allowlist_expires_at,
        policy: policy.map(Into::into),
    };
    let token = api_tokens::update_token(
        &state,
        &user.require(Capability::ManageTokens)?,
        &id,
        update,
        &client.0,
    )
    .await?;
    Ok(HttpResponse::Ok().json(TokenDto::from(token)))
}

/// Delete a token: it stops working on the very next call.
#[utoipa::path(
    delete,
    path = "/api/v1/tokens/{id}",
    tag = "tokens",
    params(
        ("id" = String, Path, description = "Token id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    security(("session" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such token on this account", body = Problem, content_type = "application/problem+json"),
        CsrfRefused,
        PortalErrors,
    )
)]
pub async fn delete_token(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<crate::services::AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    api_tokens::delete_token(
        &state,
        &user.require(Capability::ManageTokens)?,
        &id,
        &client.0,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Regenerate a token: a new secret with the same settings, the old one revoked.
///
/// The new token keeps the name, scopes, lifetime (counted from now), IP
/// allowlist with its temporary entries, policy (and what it spent), networks
/// and pin, and whether it is disabled; it gets a new id. The old secret is
/// refused from the very next call. The new `secret` is shown this once.
#[utoipa::path(
    post,
    path = "/api/v1/tokens/{id}/regenerate",
    tag = "tokens",
    params(
        ("id" = String, Path, description = "Token id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    security(("session" = [])),
    responses(
        (status = 201, description = "Regenerated; `secret` is shown only now, `token.id` is new", body = CreatedTokenDto),
        (status = 404, description = "No such token on this account (or, for a subuser, not theirs)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed meanwhile by another request (`conflict`); nothing was changed", body = Problem, content_type = "application/problem+json"),
        CsrfRefused,
        PortalErrors,
    )
)]
pub async fn regenerate_token(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<crate::services::AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let regenerated = api_tokens::regenerate_token(
        &state,
        &user.require(Capability::ManageTokens)?,
        &id,
        &client.0,
    )
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(CreatedTokenDto::from(regenerated)))
}
