//! `/api/v1/tokens/{id}/networks` and `/api/v1/oauth-clients/{id}/networks`:
//! the networks a credential was used from, and its pin ("refuse calls from
//! new networks").

use actix_web::{web, HttpResponse};
use portcullis_shared::capability::Capability;
use portcullis_shared::{
    dto::{CredentialNetworkDto, CredentialNetworksDto, SetNetworkPinRequest},
    problem::Problem,
    routes,
};

use super::responses::{PortalErrors, PortalJsonErrors};
use crate::{
    auth::{ClientInfo, PortalUser},
    error::ApiResult,
    services::{
        rfc3339,
        tokens::credential_networks::{self, CredentialKind, NetworkList},
        AppState,
    },
};

endpoints! {
    routes::TOKEN_NETWORKS => get(token_networks);
    routes::TOKEN_NETWORKS_PINNED => put(pin_token);
    routes::OAUTH_CLIENT_NETWORKS => get(client_networks);
    routes::OAUTH_CLIENT_NETWORKS_PINNED => put(pin_client);
}

fn dto(list: NetworkList) -> CredentialNetworksDto {
    CredentialNetworksDto {
        pinned: list.pinned,
        networks: list
            .networks
            .into_iter()
            .map(|row| CredentialNetworkDto {
                network: row.network,
                first_used_at: rfc3339(row.first_used_at),
                last_used_at: rfc3339(row.last_used_at),
                calls: row.calls,
            })
            .collect(),
    }
}

/// The networks an API token was used from, and whether it is pinned.
///
/// A network is the caller's /24 (IPv4; an IPv4-mapped IPv6 address counts
/// as IPv4) or /48 (IPv6). Last use and calls are updated within seconds.
#[utoipa::path(
    get,
    path = "/api/v1/tokens/{id}/networks",
    tag = "tokens",
    params(("id" = String, Path, description = "Token id")),
    security(("session" = [])),
    responses(
        (status = 200, description = "The token's networks", body = CredentialNetworksDto),
        (status = 404, description = "No such token on this account (or not one this subuser made)", body = Problem, content_type = "application/problem+json"),
        PortalErrors,
    )
)]
pub async fn token_networks(
    user: PortalUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let principal = user.require(Capability::ManageTokens)?;
    let list =
        credential_networks::list_networks(&state, &principal, CredentialKind::Token, &id).await?;
    Ok(HttpResponse::Ok().json(dto(list)))
}

/// Pin or unpin an API token: "refuse calls from new networks".
///
/// Pinned, a call from a network the token was not used from is refused with
/// `403 token_network_not_allowed`; the networks are those it has at the
/// moment the pin is stored. A token pinned before its first use accepts its
/// first network (first use wins). A pin the account owner set on a subuser's
/// token only the owner can lift.
#[utoipa::path(
    put,
    path = "/api/v1/tokens/{id}/networks/pinned",
    tag = "tokens",
    request_body = SetNetworkPinRequest,
    params(
        ("id" = String, Path, description = "Token id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    security(("session" = [])),
    responses(
        (status = 200, description = "The token's networks after the change", body = CredentialNetworksDto),
        (status = 403, description = "Missing or wrong X-CSRF-Token, or a subuser unpinning the owner's pin (`permission_denied`, `permission: owner_restriction`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such token on this account", body = Problem, content_type = "application/problem+json"),
        PortalJsonErrors,
    )
)]
pub async fn pin_token(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Json<SetNetworkPinRequest>,
) -> ApiResult<HttpResponse> {
    let principal = user.require(Capability::ManageTokens)?;
    let list = credential_networks::set_pinned(
        &state,
        &principal,
        CredentialKind::Token,
        &id,
        body.pinned,
        &client.0,
    )
    .await?;
    Ok(HttpResponse::Ok().json(dto(list)))
}

/// The networks an OAuth2 client's tokens were used from, and whether it is pinned.
#[utoipa::path(
    get,
    path = "/api/v1/oauth-clients/{id}/networks",
    tag = "oauth",
    params(("id" = String, Path, description = "Client id")),
    security(("session" = [])),
    responses(
        (status = 200, description = "The client's networks", body = CredentialNetworksDto),
        (status = 404, description = "No such client on this account (or not one this subuser made)", body = Problem, content_type = "application/problem+json"),
        PortalErrors,
    )
)]
pub async fn client_networks(
    user: PortalUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let principal = user.require(Capability::ManageTokens)?;
    let list =
        credential_networks::list_networks(&state, &principal, CredentialKind::Client, &id).await?;
    Ok(HttpResponse::Ok().json(dto(list)))
}

/// Pin or unpin an OAuth2 client: its tokens are refused from new networks.
#[utoipa::path(
    put,
    path = "/api/v1/oauth-clients/{id}/networks/pinned",
    tag = "oauth",
    request_body = SetNetworkPinRequest,
    params(
        ("id" = String, Path, description = "Client id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    security(("session" = [])),
    responses(
        (status = 200, description = "The client's networks after the change", body = CredentialNetworksDto),
        (status = 403, description = "Missing or wrong X-CSRF-Token, or a subuser unpinning the owner's pin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such client on this account", body = Problem, content_type = "application/problem+json"),
        PortalJsonErrors,
    )
)]
pub async fn pin_client(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Json<SetNetworkPinRequest>,
) -> ApiResult<HttpResponse> {
    let principal = user.require(Capability::ManageTokens)?;
    let list = credential_networks::set_pinned(
        &state,
        &principal,
        CredentialKind::Client,
        &id,
        body.pinned,
        &client.0,
    )
    .await?;
    Ok(HttpResponse::Ok().json(dto(list)))
}
