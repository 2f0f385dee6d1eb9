//! The security log: its pages and the export download.

use portcullis_shared::dto::{ExportFormat, SecurityEventKind, SecurityLogPage, SecurityLogQuery};
use portcullis_shared::endpoints::{SecurityLog, SubuserSecurityLog};
use portcullis_shared::routes::SECURITY_LOG_EXPORT;

use super::request::call;
use super::ApiError;

/// One page of the security log, newest first: of one `kind` or all, and older than
/// `cursor` (the previous page's `next_cursor`) when given. The account's whole log, or
/// with `subuser`, that subuser's entries (owner only).
pub async fn security_log(
    subuser: Option<&str>,
    kind: Option<SecurityEventKind>,
    cursor: Option<&str>,
) -> Result<SecurityLogPage, ApiError> {
    let query = SecurityLogQuery {
        kind: kind.map(|kind| kind.as_str().to_owned()),
        cursor: cursor.map(str::to_owned),
        ..SecurityLogQuery::default()
    };
    match subuser {
        Some(id) => call::<SubuserSecurityLog>(None, id, &query).await,
        None => call::<SecurityLog>(None, &(), &query).await,
    }
}

/// Where the browser downloads the security log as a file (the session cookie goes along).
/// Kinds and formats are fixed snake_case names, so nothing needs escaping.
pub fn security_log_export_url(format: ExportFormat, kind: Option<SecurityEventKind>) -> String {
    match kind {
        Some(kind) => format!(
            "{SECURITY_LOG_EXPORT}?format={}&kind={}",
            format.as_str(),
            kind.as_str()
        ),
        None => format!("{SECURITY_LOG_EXPORT}?format={}", format.as_str()),
    }
}
