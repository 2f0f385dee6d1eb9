//! `/api/v1/sessions`: the account's live portal sessions; end one, the others, or all.

use actix_web::{http::header, web, HttpResponse};
use portcullis_shared::capability::Capability;
use portcullis_shared::{
    dto::{RevokedSessionsDto, SessionDto},
    problem::Problem,
    routes,
};

use super::responses::{CsrfOrAddressRefused, PortalErrors};
use crate::{
    auth::{session_cookie, ClientInfo, PortalUser},
    error::ApiResult,
    services::{
        sessions::active_sessions::{self, Revoked},
        AppState,
    },
};

endpoints! {
    // The fixed paths first: `{id}` would match them too.
    routes::SESSIONS => get(list_sessions);
    routes::SESSIONS_REVOKE_OTHERS => post(revoke_other_sessions);
    routes::SESSIONS_REVOKE_ALL => post(revoke_all_sessions);
    routes::SESSION => delete(revoke_session);
}

/// List the account's live portal sessions.
///
/// The current session comes first, marked `current`; then the most recently
/// used. Each shows where it was opened from and a readable device name.
#[utoipa::path(
    get,
    path = "/api/v1/sessions",
    tag = "sessions",
    security(("session" = [])),
    responses(
        (status = 200, description = "The live sessions", body = Vec<SessionDto>),
        (status = 403, description = "Address not on the portal allowlist (`ip_not_allowed`)", body = Problem, content_type = "application/problem+json"),
        PortalErrors,
    )
)]
pub async fn list_sessions(
    user: PortalUser,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageSessions)?;
    let sessions = active_sessions::list(&state, session).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(
            sessions
                .into_iter()
                .map(SessionDto::from)
                .collect::<Vec<_>>(),
        ))
}

/// End one of the account's sessions.
///
/// Its cookie is refused from the very next request. Ending the current
/// session signs out (the cookie is cleared).
#[utoipa::path(
    delete,
    path = "/api/v1/sessions/{id}",
    tag = "sessions",
    params(
        ("id" = String, Path, description = "Session id (`ses_…`) from the list"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    security(("session" = [])),
    responses(
        (status = 204, description = "Ended"),
        (status = 404, description = "No live session with this id on this account (`not_found`)", body = Problem, content_type = "application/problem+json"),
        CsrfOrAddressRefused,
        PortalErrors,
    )
)]
pub async fn revoke_session(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageSessions)?;
    let mut response = HttpResponse::NoContent();
    if active_sessions::revoke_one(&state, session, &client.0, &id).await? == Revoked::Current {
        response.cookie(session_cookie(&state.config, None));
    }
    Ok(response.finish())
}

/// End every session of the account except the current one.
#[utoipa::path(
    post,
    path = "/api/v1/sessions/revoke-others",
    tag = "sessions",
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    security(("session" = [])),
    responses(
        (status = 200, description = "How many sessions ended", body = RevokedSessionsDto),
        CsrfOrAddressRefused,
        PortalErrors,
    )
)]
pub async fn revoke_other_sessions(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageSessions)?;
    let revoked = active_sessions::revoke_others(&state, session, &client.0).await?;
    Ok(HttpResponse::Ok().json(RevokedSessionsDto { revoked }))
}

/// End every session of the account, the current one too ("log out everywhere").
///
/// The cookie is cleared.
#[utoipa::path(
    post,
    path = "/api/v1/sessions/revoke-all",
    tag = "sessions",
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    security(("session" = [])),
    responses(
        (status = 200, description = "How many sessions ended; `Set-Cookie` clears the session cookie", body = RevokedSessionsDto),
        CsrfOrAddressRefused,
        PortalErrors,
    )
)]
pub async fn revoke_all_sessions(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageSessions)?;
    let revoked = active_sessions::revoke_all(&state, session, &client.0).await?;
    Ok(HttpResponse::Ok()
        .cookie(session_cookie(&state.config, None))
        .json(RevokedSessionsDto { revoked }))
}
