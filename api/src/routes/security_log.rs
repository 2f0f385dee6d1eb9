//! `/api/v1/security-log`: the signed-in account's own security events.

use actix_web::{http::header, web, HttpResponse};
use portcullis_shared::capability::Capability;
use portcullis_shared::{
    dto::{
        ExportFormat, RotateStreamSecretRequest, SavedSecurityStreamDto, SecurityEventDto,
        SecurityLogExportQuery, SecurityLogPage, SecurityLogQuery, SecurityLogVerification,
        SecurityStreamDto, SetSecurityStreamRequest, StreamTestQueuedDto,
    },
    problem::Problem,
    routes,
};

use super::responses::{CsrfOrNotOwner, PortalErrors, PortalJsonErrors};
use crate::{
    auth::{ClientInfo, PortalUser},
    error::{ApiError, ApiResult},
    services::{
        audit::{
            chain,
            security_log::{self, EventQuery},
            stream,
        },
        now, AppState,
    },
};

endpoints! {
    routes::SECURITY_LOG => get(list);
    routes::SECURITY_LOG_EXPORT => get(export);
    routes::SECURITY_LOG_VERIFY => get(verify);
    routes::SECURITY_LOG_STREAM => get(get_stream).put(set_stream).delete(delete_stream);
    routes::SECURITY_LOG_STREAM_SECRET => post(rotate_stream_secret);
    routes::SECURITY_LOG_STREAM_TEST => post(test_stream);
}

/// The account's security log, newest first.
///
/// The owner's log includes every subuser's events; a subuser with the
/// `security_log` permission sees only their own.
///
/// Sign-ups, sign-ins (successful and failed), sign-outs and expired sessions,
/// with who did it, from where and when. Narrow by `kind`, a time range
/// (`from`, `to`) and free text `q` (found, in any case, in the kind's
/// words, the actor's e-mail, the address, the browser and the details);
/// page with `cursor` = the previous page's `next_cursor`, keeping the same
/// filters.
#[utoipa::path(
    get,
    path = "/api/v1/security-log",
    operation_id = "list_security_events",
    tag = "security",
    params(SecurityLogQuery),
    security(("session" = [])),
    responses(
        (status = 200, description = "One page of events, newest first", body = SecurityLogPage),
        (status = 400, description = "Bad filter, search, cursor or limit (`malformed_query`; `errors` names the parameter)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A subuser without `security_log` (`permission_denied`)", body = Problem, content_type = "application/problem+json"),
        PortalErrors,
    )
)]
pub async fn list(
    state: web::Data<AppState>,
    user: PortalUser,
    query: web::Query<SecurityLogQuery>,
) -> ApiResult<HttpResponse> {
    let login = user.require(Capability::ReadSecurityLog)?;
    let (filter, page) = super::views::security_log::event_query(query.into_inner());
    let page = security_log::list_events(
        &state,
        &login.login_id,
        login.subuser.is_none(),
        &filter,
        page,
    )
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(SecurityLogPage::from(page)))
}

/// Download the account's security log as CSV or JSON.
///
/// The same filters as the list, without paging: the newest 10,000 matching
/// events, newest first. CSV has a header row (`created_at, kind, actor, ip,
/// user_agent, details, id, account_id, seq, prev_hash, hash`; `details` is a
/// JSON object); cells that a spreadsheet would run as a formula get a
/// leading `'`. Both carry each event's place and hashes in its login's hash
/// chain, so an export can be verified offline (see the README).
#[utoipa::path(
    get,
    path = "/api/v1/security-log/export",
    operation_id = "export_security_events",
    tag = "security",
    params(SecurityLogExportQuery),
    security(("session" = [])),
    responses(
        (status = 200, description = "The events as a file (`Content-Disposition: attachment`)", content(
            (String = "text/csv"),
            (Vec<SecurityEventDto> = "application/json"),
        )),
        (status = 400, description = "Bad format, filter or search (`malformed_query`; `errors` names the parameter)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A subuser without `security_log` (`permission_denied`)", body = Problem, content_type = "application/problem+json"),
        PortalErrors,
    )
)]
pub async fn export(
    state: web::Data<AppState>,
    user: PortalUser,
    query: web::Query<SecurityLogExportQuery>,
) -> ApiResult<HttpResponse> {
    let login = user.require(Capability::ReadSecurityLog)?;
    let SecurityLogExportQuery {
        format,
        kind,
        from,
        to,
        q,
    } = query.into_inner();
    let filter = EventQuery { kind, from, to, q };
    let events =
        security_log::export(&state, &login.login_id, login.subuser.is_none(), &filter).await?;
    let (content_type, body) = match format {
        ExportFormat::Csv => ("text/csv; charset=utf-8", security_log::to_csv(&events)?),
        ExportFormat::Json => {
            let events: Vec<SecurityEventDto> =
                events.into_iter().map(SecurityEventDto::from).collect();
            (
                "application/json",
                serde_json::to_vec(&events).map_err(ApiError::internal)?,
            )
        }
    };
    let filename = format!(
        "security-log-{}.{}",
        now().format("%Y%m%dT%H%M%SZ"),
        format.as_str()
    );
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}

/// Verify the security log's hash chains.
///
/// Each login's events (the account's, and each subuser's) form a hash
/// chain: every event carries its place (`seq`), the hash of the event before
/// it (`prev_hash`) and its own `hash` over a canonical encoding. This walks
/// every chain the caller may read (an owner's: every subuser's too; a
/// subuser with `security_log`: their own) and reports, per chain, the first
/// broken link: an edited event (`altered`), a replaced or moved one
/// (`prev_hash_mismatch`), a deleted or inserted one (`missing`), or deleted
/// latest events (`tail_missing`). Keep `head_seq` and `head_hash` to check
/// later that nothing was cut from the end. An export carries the hashes, so
/// it can be verified offline too (see the README).
#[utoipa::path(
    get,
    path = "/api/v1/security-log/verify",
    operation_id = "verify_security_log",
    tag = "security",
    security(("session" = [])),
    responses(
        (status = 200, description = "Each chain's walk; `intact` when all verified", body = SecurityLogVerification),
        (status = 403, description = "A subuser without `security_log` (`permission_denied`)", body = Problem, content_type = "application/problem+json"),
        PortalErrors,
    )
)]
pub async fn verify(state: web::Data<AppState>, user: PortalUser) -> ApiResult<HttpResponse> {
    let login = user.require(Capability::ReadSecurityLog)?;
    let reports = chain::verify_account(&state, &login.login_id, login.subuser.is_none()).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(super::views::security_log::verification(reports)))
}

/// The security-log stream and its health.
///
/// The company's stream to its own endpoint (a SIEM), with how deliveries
/// go: last success, last failure (a class such as `http_503` or `timeout`,
/// never the receiver's answer), failures in a row, and the events waiting.
/// Never the secret. Whoever may read the log may see it.
#[utoipa::path(
    get,
    path = "/api/v1/security-log/stream",
    operation_id = "get_security_stream",
    tag = "security",
    security(("session" = [])),
    responses(
        (status = 200, description = "The stream and its health", body = SecurityStreamDto),
        (status = 403, description = "A subuser without `security_log` (`permission_denied`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No stream is set (`not_found`)", body = Problem, content_type = "application/problem+json"),
        PortalErrors,
    )
)]
pub async fn get_stream(state: web::Data<AppState>, user: PortalUser) -> ApiResult<HttpResponse> {
    let login = user.require(Capability::ReadSecurityLog)?;
    let found = stream::get_stream(&state, &login).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(SecurityStreamDto::from(found)))
}

/// Stream the security log to an endpoint.
///
/// Sets the company's one stream (the account's events and every
/// subuser's), or points it at a new URL (keeping its secret and the events
/// waiting). Every event recorded from now on is POSTed, in signed JSON
/// batches, to `url`: `https://`, no credentials or fragment, on a public
/// address (checked again at each delivery). A new stream's answer holds its
/// signing secret, shown this once. The owner's alone; the password is
/// re-entered.
#[utoipa::path(
    put,
    path = "/api/v1/security-log/stream",
    operation_id = "set_security_stream",
    tag = "security",
    request_body = SetSecurityStreamRequest,
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    security(("session" = [])),
    responses(
        (status = 200, description = "Saved; `secret` only when the stream was created", body = SavedSecurityStreamDto),
        (status = 422, description = "A refused URL (`validation_failed`: `invalid_url`, `insecure_url`, `url_credentials`, `url_fragment`, `too_long`, `address_not_allowed`, `unresolvable_host`) or a wrong password (`wrong_password`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong passwords: locked for a while (`login_locked`, `Retry-After`)", body = Problem, content_type = "application/problem+json"),
        CsrfOrNotOwner,
        PortalJsonErrors,
    )
)]
pub async fn set_stream(
    state: web::Data<AppState>,
    user: PortalUser,
    client: ClientInfo,
    body: web::Json<SetSecurityStreamRequest>,
) -> ApiResult<HttpResponse> {
    let login = user.require(Capability::ManageAccountSettings)?;
    let session = user.require_session(Capability::ManageAccountSettings)?;
    let SetSecurityStreamRequest { url, password } = body.into_inner();
    let saved = stream::set_stream(&state, session, &login, &url, password, &client.0).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(SavedSecurityStreamDto::from(saved)))
}

/// Remove the security-log stream.
///
/// Deliveries stop; events still waiting stay in the log only (the
/// `stream_removed` event says how many). The owner's alone.
#[utoipa::path(
    delete,
    path = "/api/v1/security-log/stream",
    operation_id = "delete_security_stream",
    tag = "security",
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    security(("session" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "No stream is set (`not_found`)", body = Problem, content_type = "application/problem+json"),
        CsrfOrNotOwner,
        PortalErrors,
    )
)]
pub async fn delete_stream(
    state: web::Data<AppState>,
    user: PortalUser,
    client: ClientInfo,
) -> ApiResult<HttpResponse> {
    let login = user.require(Capability::ManageAccountSettings)?;
    stream::remove_stream(&state, &login, &client.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Replace the security-log stream's signing secret.
///
/// The new secret is in the answer, shown this once; the old one stops
/// signing at once. The owner's alone; the password is re-entered.
#[utoipa::path(
    post,
    path = "/api/v1/security-log/stream/secret",
    operation_id = "rotate_security_stream_secret",
    tag = "security",
    request_body = RotateStreamSecretRequest,
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    security(("session" = [])),
    responses(
        (status = 200, description = "Replaced; `secret` is shown only now", body = SavedSecurityStreamDto),
        (status = 404, description = "No stream is set (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A wrong password (`validation_failed`, `wrong_password`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong passwords: locked for a while (`login_locked`, `Retry-After`)", body = Problem, content_type = "application/problem+json"),
        CsrfOrNotOwner,
        PortalJsonErrors,
    )
)]
pub async fn rotate_stream_secret(
    state: web::Data<AppState>,
    user: PortalUser,
    client: ClientInfo,
    body: web::Json<RotateStreamSecretRequest>,
) -> ApiResult<HttpResponse> {
    let login = user.require(Capability::ManageAccountSettings)?;
    let session = user.require_session(Capability::ManageAccountSettings)?;
    let saved = stream::rotate_secret(
        &state,
        session,
        &login,
        body.into_inner().password,
        &client.0,
    )
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(SavedSecurityStreamDto::from(saved)))
}

/// Send a test event through the security-log stream.
///
/// Records a `stream_test` event in the log, which the stream then
/// delivers like every other; watch its health for the outcome. The
/// owner's alone.
#[utoipa::path(
    post,
    path = "/api/v1/security-log/stream/test",
    operation_id = "test_security_stream",
    tag = "security",
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    security(("session" = [])),
    responses(
        (status = 202, description = "Recorded and queued", body = StreamTestQueuedDto),
        (status = 404, description = "No stream is set (`not_found`)", body = Problem, content_type = "application/problem+json"),
        CsrfOrNotOwner,
        PortalErrors,
    )
)]
pub async fn test_stream(
    state: web::Data<AppState>,
    user: PortalUser,
    client: ClientInfo,
) -> ApiResult<HttpResponse> {
    let login = user.require(Capability::ManageAccountSettings)?;
    let event_id = stream::test_stream(&state, &login, &client.0).await?;
    Ok(HttpResponse::Accepted().json(StreamTestQueuedDto { event_id }))
}
