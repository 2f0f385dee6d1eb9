//! The account's portal sessions, its sign-in history and its inactivity timeout.

use portcullis_shared::dto::{
    LoginHistoryPage, LoginHistoryQuery, RevokedSessionsDto, SessionDto, SessionTimeoutDto,
    SetSessionTimeoutRequest,
};
use portcullis_shared::endpoints::{
    GetSessionTimeout, ListSessions, LoginHistory, RevokeAllSessions, RevokeOtherSessions,
    RevokeSession, SetSessionTimeout,
};

use super::request::call;
use super::ApiError;

/// The account's live portal sessions, the current one first.
pub async fn list_sessions() -> Result<Vec<SessionDto>, ApiError> {
    call::<ListSessions>(None, &(), &()).await
}

/// Ends one of the account's sessions (its cookie is refused from then on).
pub async fn revoke_session(csrf_token: &str, id: &str) -> Result<(), ApiError> {
    call::<RevokeSession>(Some(csrf_token), id, &()).await
}

/// Ends every session of the account but this one.
pub async fn revoke_other_sessions(csrf_token: &str) -> Result<RevokedSessionsDto, ApiError> {
    call::<RevokeOtherSessions>(Some(csrf_token), &(), &()).await
}

/// Ends every session of the account, this one too; the API clears the cookie.
pub async fn revoke_all_sessions(csrf_token: &str) -> Result<RevokedSessionsDto, ApiError> {
    call::<RevokeAllSessions>(Some(csrf_token), &(), &()).await
}

/// One page of the account's sign-in attempts, newest first, older than `cursor` when given.
pub async fn login_history(cursor: Option<&str>) -> Result<LoginHistoryPage, ApiError> {
    let query = LoginHistoryQuery {
        cursor: cursor.map(str::to_owned),
        limit: None,
    };
    call::<LoginHistory>(None, &(), &query).await
}

/// The account's inactivity timeout and the values it may take.
pub async fn get_session_timeout() -> Result<SessionTimeoutDto, ApiError> {
    call::<GetSessionTimeout>(None, &(), &()).await
}

/// Chooses the inactivity timeout; the account's open sessions take it at once.
pub async fn set_session_timeout(
    csrf_token: &str,
    idle_timeout_secs: i64,
) -> Result<SessionTimeoutDto, ApiError> {
    let request = SetSessionTimeoutRequest { idle_timeout_secs };
    call::<SetSessionTimeout>(Some(csrf_token), &(), &request).await
}
