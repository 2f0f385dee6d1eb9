//! `/api/v1/security-log`: the signed-in account's own security events.

use actix_web::{http::header, web, HttpResponse};
use portcullis_shared::capability::Capability;
use portcullis_shared::{
    dto::{
        ExportFormat, SecurityEventDto, SecurityLogExportQuery, SecurityLogPage, SecurityLogQuery,
        SecurityLogVerification,
    },
    problem::Problem,
    routes,
};

use super::responses::PortalErrors;
use crate::{
    auth::PortalUser,
    error::{ApiError, ApiResult},
    services::{
        audit::{
            chain,
            security_log::{self, EventQuery},
        },
        now, AppState,
    },
};

endpoints! {
    routes::SECURITY_LOG => get(list);
    routes::SECURITY_LOG_EXPORT => get(export);
    routes::SECURITY_LOG_VERIFY => get(verify);
}

/// The account's security log, newest first.
///
/// The owner's log includes every subuser's events; a subuser with the
/// `security_log` permission sees only their own.
///
/// Sign-ups, sign-ins (successful and failed), sign-outs and expired sessions,
/// with who did it, from where and when. Page with `cursor` = the previous
/// page's `next_cursor`.
#[utoipa::path(
    get,
    path = "/api/v1/security-log",
    operation_id = "list_security_events",
    tag = "security",
    params(SecurityLogQuery),
    security(("session" = [])),
    responses(
        (status = 200, description = "One page of events, newest first", body = SecurityLogPage),
        (status = 400, description = "Bad filter, cursor or limit (`malformed_query`)", body = Problem, content_type = "application/problem+json"),
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
        (status = 400, description = "Bad format or filter (`malformed_query`)", body = Problem, content_type = "application/problem+json"),
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
    } = query.into_inner();
    let filter = EventQuery { kind, from, to };
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
