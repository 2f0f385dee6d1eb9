//! `/api/v1/login-history`: every sign-in attempt on the account.

use actix_web::{http::header, web, HttpResponse};
use portcullis_shared::capability::Capability;
use portcullis_shared::{
    dto::{LoginHistoryPage, LoginHistoryQuery},
    problem::Problem,
    routes,
};

use super::responses::PortalErrors;
use crate::{
    auth::PortalUser,
    error::ApiResult,
    services::{audit::security_log::Paging, sessions::login_history, AppState},
};

endpoints! {
    routes::LOGIN_HISTORY => get(list_login_attempts);
}

/// The account's sign-in attempts, newest first.
///
/// Successful ones and every refusal once the e-mail matched the account:
/// wrong password, second factor or new-device check failed, address not on
/// the portal allowlist, sign-in locked. Page with `cursor` = the previous
/// page's `next_cursor`.
#[utoipa::path(
    get,
    path = "/api/v1/login-history",
    tag = "sessions",
    params(LoginHistoryQuery),
    security(("session" = [])),
    responses(
        (status = 200, description = "One page of attempts, newest first", body = LoginHistoryPage),
        (status = 400, description = "Bad cursor or limit (`malformed_query`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Address not on the portal allowlist (`ip_not_allowed`)", body = Problem, content_type = "application/problem+json"),
        PortalErrors,
    )
)]
pub async fn list_login_attempts(
    user: PortalUser,
    state: web::Data<AppState>,
    query: web::Query<LoginHistoryQuery>,
) -> ApiResult<HttpResponse> {
    let session = user.require_session(Capability::ManageSessions)?;
    let LoginHistoryQuery { cursor, limit } = query.into_inner();
    let page = Paging { cursor, limit };
    let history = login_history::list(&state, &session.account.id, page).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(LoginHistoryPage::from(history)))
}
