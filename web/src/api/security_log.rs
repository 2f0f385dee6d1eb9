//! The security log: its pages and the export download.

use portcullis_shared::dto::{
    RotateStreamSecretRequest, SavedSecurityStreamDto, SecurityLogExportQuery, SecurityLogPage,
    SecurityLogQuery, SecurityStreamDto, SetSecurityStreamRequest, StreamTestQueuedDto,
};
use portcullis_shared::endpoints::{
    DeleteSecurityStream, GetSecurityStream, RotateStreamSecret, SecurityLog, SetSecurityStream,
    SubuserSecurityLog, TestSecurityStream,
};
use portcullis_shared::problem::ProblemCode;
use portcullis_shared::routes::SECURITY_LOG_EXPORT;

use super::request::call;
use super::ApiError;

/// One page of the security log, newest first, as `query` narrows it (older than its
/// `cursor`, the previous page's `next_cursor`, when given). The account's whole log, or
/// with `subuser`, that subuser's entries (owner only).
pub async fn security_log(
    subuser: Option<&str>,
    query: &SecurityLogQuery,
) -> Result<SecurityLogPage, ApiError> {
    match subuser {
        Some(id) => call::<SubuserSecurityLog>(None, id, query).await,
        None => call::<SecurityLog>(None, &(), query).await,
    }
}

/// Where the browser downloads the security log as a file, with the same filters as the
/// page (the session cookie goes along).
pub fn security_log_export_url(query: &SecurityLogExportQuery) -> String {
    match serde_urlencoded::to_string(query) {
        Ok(encoded) => format!("{SECURITY_LOG_EXPORT}?{encoded}"),
        Err(_) => format!("{SECURITY_LOG_EXPORT}?format={}", query.format.as_str()),
    }
}

/// The company's security-log stream and its health; `None` when none is set.
pub async fn security_stream() -> Result<Option<SecurityStreamDto>, ApiError> {
    match call::<GetSecurityStream>(None, &(), &()).await {
        Ok(stream) => Ok(Some(stream)),
        Err(err) if err.code() == Some(ProblemCode::NotFound) => Ok(None),
        Err(err) => Err(err),
    }
}

/// Sets the stream's URL (a new stream's answer holds its secret, once).
pub async fn set_security_stream(
    csrf_token: &str,
    request: &SetSecurityStreamRequest,
) -> Result<SavedSecurityStreamDto, ApiError> {
    call::<SetSecurityStream>(Some(csrf_token), &(), request).await
}

/// Replaces the stream's signing secret; the answer holds the new one, once.
pub async fn rotate_stream_secret(
    csrf_token: &str,
    request: &RotateStreamSecretRequest,
) -> Result<SavedSecurityStreamDto, ApiError> {
    call::<RotateStreamSecret>(Some(csrf_token), &(), request).await
}

/// Records a test event for the stream to deliver.
pub async fn test_security_stream(csrf_token: &str) -> Result<StreamTestQueuedDto, ApiError> {
    call::<TestSecurityStream>(Some(csrf_token), &(), &()).await
}

/// Removes the stream.
pub async fn delete_security_stream(csrf_token: &str) -> Result<(), ApiError> {
    call::<DeleteSecurityStream>(Some(csrf_token), &(), &()).await
}
