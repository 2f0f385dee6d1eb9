//! The account's portal sessions, its login history and its inactivity timeout.

use serde::{Deserialize, Serialize};

use crate::vocabulary::LoginOutcome;

/// One live portal session of the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionDto {
    /// Session id, for `DELETE /api/v1/sessions/{id}` (not the cookie, nor derived from it).
    #[cfg_attr(
        feature = "openapi",
        schema(example = "ses_0193a1b2c3d4e5f60718293a4b5c6d7e")
    )]
    pub id: String,
    /// The browser and system, read from the user agent.
    #[cfg_attr(feature = "openapi", schema(example = "Chrome on Linux"))]
    pub device: String,
    /// The user agent the session was opened with, as sent.
    pub user_agent: String,
    /// Client address the session was opened from.
    #[cfg_attr(feature = "openapi", schema(example = "203.0.113.7"))]
    pub ip: String,
    /// Signed in (RFC 3339, UTC).
    pub created_at: String,
    /// Last request (RFC 3339, UTC; written at most every 15 seconds).
    pub last_seen_at: String,
    /// When it ends at the latest, whatever the activity (RFC 3339, UTC).
    pub expires_at: String,
    /// True for the session this request was made with.
    pub current: bool,
}

/// Answer to ending several sessions at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevokedSessionsDto {
    /// How many sessions were ended.
    pub revoked: i64,
}

/// Body of `GET` and `PUT /api/v1/settings/session-timeout`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionTimeoutDto {
    /// Seconds of inactivity after which the account's portal sessions end.
    #[cfg_attr(feature = "openapi", schema(example = 1800))]
    pub idle_timeout_secs: i64,
    /// The values that may be chosen, in seconds.
    #[cfg_attr(feature = "openapi", schema(example = json!([900, 1800, 3600, 7200, 14400, 28800])))]
    pub choices: Vec<i64>,
    /// The server's default, used until the account chooses.
    pub default_secs: i64,
}

/// Body of `PUT /api/v1/settings/session-timeout`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetSessionTimeoutRequest {
    /// One of 900, 1800, 3600, 7200, 14400, 28800.
    #[cfg_attr(feature = "openapi", schema(example = 3600))]
    pub idle_timeout_secs: i64,
}

/// One sign-in attempt on the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginAttemptDto {
    /// The attempt's security log event id; also the pagination cursor.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "sev_0193a1b2c3d4e5f60718293a4b5c6d7e")
    )]
    pub id: String,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// True when it signed in.
    pub succeeded: bool,
    /// How it ended.
    pub outcome: LoginOutcome,
    /// Client address.
    #[cfg_attr(feature = "openapi", schema(example = "203.0.113.7"))]
    pub ip: Option<String>,
    /// User agent, as sent.
    pub user_agent: Option<String>,
    /// The browser and system, read from the user agent.
    #[cfg_attr(feature = "openapi", schema(example = "Firefox on Windows 10"))]
    pub device: String,
}

/// Body of `GET /api/v1/login-history`: one page, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginHistoryPage {
    /// The attempts on this page, newest first.
    pub attempts: Vec<LoginAttemptDto>,
    /// Pass as `cursor` to get the next (older) page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// Query of `GET /api/v1/login-history`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct LoginHistoryQuery {
    /// `next_cursor` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Attempts per page, 1 to 200 (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}
