//! The account's portal sessions, its sign-in history and its inactivity timeout.

use portcullis_shared::dto::{
    LoginHistoryPage, RevokedSessionsDto, SessionDto, SessionTimeoutDto, SetSessionTimeoutRequest,
};
use portcullis_shared::routes::{
    LOGIN_HISTORY, SESSION, SESSIONS, SESSIONS_REVOKE_ALL, SESSIONS_REVOKE_OTHERS, SESSION_TIMEOUT,
};

use super::request::{item_path, Call};
use super::ApiError;

/// The account's live portal sessions, the current one first.
pub async fn list_sessions() -> Result<Vec<SessionDto>, ApiError> {
    Call::get(SESSIONS).answer().await
}

/// Ends one of the account's sessions (its cookie is refused from then on).
pub async fn revoke_session(csrf_token: &str, id: &str) -> Result<(), ApiError> {
    Call::delete(&item_path(SESSION, id))
        .csrf(csrf_token)
        .no_content()
        .await
}

/// Ends every session of the account but this one.
pub async fn revoke_other_sessions(csrf_token: &str) -> Result<RevokedSessionsDto, ApiError> {
    Call::post(SESSIONS_REVOKE_OTHERS)
        .csrf(csrf_token)
        .answer()
        .await
}

/// Ends every session of the account, this one too; the API clears the cookie.
pub async fn revoke_all_sessions(csrf_token: &str) -> Result<RevokedSessionsDto, ApiError> {
    Call::post(SESSIONS_REVOKE_ALL)
        .csrf(csrf_token)
        .answer()
        .await
}

/// One page of the account's sign-in attempts, newest first, older than `cursor` when given.
pub async fn login_history(cursor: Option<&str>) -> Result<LoginHistoryPage, ApiError> {
    let query: Vec<(&str, &str)> = cursor.map(|c| ("cursor", c)).into_iter().collect();
    Call::get(LOGIN_HISTORY).query(query).answer().await
}

/// The account's inactivity timeout and the values it may take.
pub async fn get_session_timeout() -> Result<SessionTimeoutDto, ApiError> {
    Call::get(SESSION_TIMEOUT).answer().await
}

/// Chooses the inactivity timeout; the account's open sessions take it at once.
pub async fn set_session_timeout(
    csrf_token: &str,
    idle_timeout_secs: i64,
) -> Result<SessionTimeoutDto, ApiError> {
    let request = SetSessionTimeoutRequest { idle_timeout_secs };
    Call::put(SESSION_TIMEOUT)
        .csrf(csrf_token)
        .json(&request)?
        .answer()
        .await
}
