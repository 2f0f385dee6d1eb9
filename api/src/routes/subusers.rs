//! `/api/v1/subusers`: the owner manages the account's subusers.

use actix_web::{http::header, web, HttpResponse};
use portcullis_shared::capability::Capability;
use portcullis_shared::{
    dto::{
        CreateSubuserRequest, SecurityLogPage, SecurityLogQuery, SubuserDto, UpdateSubuserRequest,
    },
    problem::Problem,
    routes,
};

use super::resource;
use crate::{
    auth::{ClientInfo, PortalUser},
    error::ApiResult,
    services::{audit, subusers, AppState},
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource(routes::SUBUSERS)
            .get(list_subusers)
            .post(create_subuser),
    )
    .service(
        resource(routes::SUBUSER)
            .get(get_subuser)
            .put(update_subuser)
            .delete(delete_subuser),
    )
    .service(resource(routes::SUBUSER_DISABLE).post(disable_subuser))
    .service(resource(routes::SUBUSER_ENABLE).post(enable_subuser))
    .service(resource(routes::SUBUSER_INVITATION).post(resend_invitation))
    .service(resource(routes::SUBUSER_SECURITY_LOG).get(subuser_security_log));
}

/// The account's subusers, oldest first, with their grants, points used this
/// month, two-factor state and last sign-in.
#[utoipa::path(
    get,
    path = "/api/v1/subusers",
    tag = "subusers",
    security(("session" = [])),
    responses(
        (status = 200, description = "The subusers", body = Vec<SubuserDto>),
        (status = 401, description = "No live session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A subuser (`permission_denied`, permission `subusers`)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Storage unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_subusers(
    user: PortalUser,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageSubusers)?;
    Ok(HttpResponse::Ok().json(subusers::list(&state, &session.account.id).await?))
}

/// Create a subuser.
///
/// With a `password` (the password policy applies) the subuser can sign in at
/// once; without one they get an invitation e-mail with a link, valid 7 days,
/// to choose it (status `invited` until then). Sender names and contact groups
/// must be the account's; nothing is stored unless every field is valid.
#[utoipa::path(
    post,
    path = "/api/v1/subusers",
    tag = "subusers",
    request_body = CreateSubuserRequest,
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    security(("session" = [])),
    responses(
        (status = 201, description = "Created", body = SubuserDto),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No live session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing or wrong X-CSRF-Token, or a subuser (`permission_denied`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid e-mail (or `taken`), password, phone (or `country_not_allowed`: the country filter blocks SMS there), permission or scope (`unknown_value`), sender (`unknown_sender`), group (`unknown_group`), sending window (`invalid_time`, `end_before_start`, `invalid_time_zone`) or limit (`negative`); fields are named like `grants.sending_window.end`", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Storage unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_subuser(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    body: web::Json<serde_json::Value>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageSubusers)?;
    let request: CreateSubuserRequest = subusers::parse_body(body.into_inner())?;
    let created = subusers::create(&state, &session.account, request, &client.0).await?;
    Ok(HttpResponse::Created().json(created))
}

/// One subuser.
#[utoipa::path(
    get,
    path = "/api/v1/subusers/{id}",
    tag = "subusers",
    params(("id" = String, Path, description = "Subuser id")),
    security(("session" = [])),
    responses(
        (status = 200, description = "The subuser", body = SubuserDto),
        (status = 401, description = "No live session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A subuser (`permission_denied`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subuser on this account", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Storage unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_subuser(
    user: PortalUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageSubusers)?;
    Ok(HttpResponse::Ok().json(subusers::get(&state, &session.account.id, &id).await?))
}

/// Replace a subuser's grants (and phone). Their sessions see the change on
/// the next request and their tokens on the next call: a token keeps only the
/// scopes the subuser still has.
#[utoipa::path(
    put,
    path = "/api/v1/subusers/{id}",
    tag = "subusers",
    request_body = UpdateSubuserRequest,
    params(
        ("id" = String, Path, description = "Subuser id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    security(("session" = [])),
    responses(
        (status = 200, description = "The subuser after the change", body = SubuserDto),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No live session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing or wrong X-CSRF-Token, or a subuser (`permission_denied`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subuser on this account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid grants or phone, as on creation", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Storage unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_subuser(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Json<serde_json::Value>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageSubusers)?;
    let request: UpdateSubuserRequest = subusers::parse_body(body.into_inner())?;
    let updated = subusers::update(&state, &session.account.id, &id, request, &client.0).await?;
    Ok(HttpResponse::Ok().json(updated))
}

/// Delete a subuser: their sessions end and their tokens and OAuth clients
/// are revoked; the messages they sent stay in the account's history.
#[utoipa::path(
    delete,
    path = "/api/v1/subusers/{id}",
    tag = "subusers",
    params(
        ("id" = String, Path, description = "Subuser id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    security(("session" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No live session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing or wrong X-CSRF-Token, or a subuser (`permission_denied`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subuser on this account", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Storage unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_subuser(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageSubusers)?;
    subusers::delete(&state, &session.account.id, &id, &client.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Disable a subuser: sign-in is refused, their sessions end at once and
/// their tokens are refused from the next call.
#[utoipa::path(
    post,
    path = "/api/v1/subusers/{id}/disable",
    tag = "subusers",
    params(
        ("id" = String, Path, description = "Subuser id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    security(("session" = [])),
    responses(
        (status = 200, description = "The subuser, disabled", body = SubuserDto),
        (status = 401, description = "No live session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing or wrong X-CSRF-Token, or a subuser (`permission_denied`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subuser on this account", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Storage unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn disable_subuser(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageSubusers)?;
    let dto = subusers::set_disabled(&state, &session.account.id, &id, true, &client.0).await?;
    Ok(HttpResponse::Ok().json(dto))
}

/// Enable a disabled subuser again.
#[utoipa::path(
    post,
    path = "/api/v1/subusers/{id}/enable",
    tag = "subusers",
    params(
        ("id" = String, Path, description = "Subuser id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    security(("session" = [])),
    responses(
        (status = 200, description = "The subuser, enabled", body = SubuserDto),
        (status = 401, description = "No live session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing or wrong X-CSRF-Token, or a subuser (`permission_denied`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subuser on this account", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Storage unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn enable_subuser(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageSubusers)?;
    let dto = subusers::set_disabled(&state, &session.account.id, &id, false, &client.0).await?;
    Ok(HttpResponse::Ok().json(dto))
}

/// Send the invitation e-mail again (a new link; earlier ones keep working
/// until used or expired). Only while the subuser has not set a password.
#[utoipa::path(
    post,
    path = "/api/v1/subusers/{id}/invitation",
    tag = "subusers",
    params(
        ("id" = String, Path, description = "Subuser id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    security(("session" = [])),
    responses(
        (status = 202, description = "Sent"),
        (status = 401, description = "No live session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing or wrong X-CSRF-Token, or a subuser (`permission_denied`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subuser on this account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The subuser has already set a password (`conflict`)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Storage unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn resend_invitation(
    user: PortalUser,
    client: ClientInfo,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageSubusers)?;
    subusers::resend_invitation(&state, &session.account.id, &id, &client.0).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// One subuser's security events, newest first (the same filters and paging
/// as the account's security log).
#[utoipa::path(
    get,
    path = "/api/v1/subusers/{id}/security-log",
    operation_id = "list_subuser_security_events",
    tag = "subusers",
    params(("id" = String, Path, description = "Subuser id"), SecurityLogQuery),
    security(("session" = [])),
    responses(
        (status = 200, description = "One page of events, newest first", body = SecurityLogPage),
        (status = 400, description = "Bad filter, cursor or limit (`malformed_query`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No live session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A subuser (`permission_denied`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subuser on this account", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Storage unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn subuser_security_log(
    user: PortalUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<SecurityLogQuery>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageSubusers)?;
    subusers::check_belongs(&state, &session.account.id, &id).await?;
    let page = audit::list(&state, &id, false, query.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(page))
}
