//! The account's portal sessions, its login history and its inactivity timeout.

use serde::{Deserialize, Serialize};

/// The inactivity timeouts an account may choose, in seconds: 15 and 30 minutes, 1, 2, 4 and 8 hours.
pub const SESSION_TIMEOUT_CHOICES_SECS: [i64; 6] = [900, 1800, 3600, 7200, 14_400, 28_800];

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

/// How a sign-in attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LoginOutcome {
    /// Signed in.
    Succeeded,
    /// The password was wrong.
    WrongPassword,
    /// The second factor (e.g. the SMS code) was wrong or not given in time.
    SecondFactorFailed,
    /// The new-device check was not passed.
    NewDeviceFailed,
    /// The address is not on the account's portal IP allowlist.
    IpBlocked,
    /// Sign-in was locked after repeated failures.
    Locked,
    /// A failure this client version does not know yet.
    #[serde(other)]
    Unknown,
}

impl LoginOutcome {
    /// Every outcome a server of this version records.
    pub const ALL: [LoginOutcome; 6] = [
        Self::Succeeded,
        Self::WrongPassword,
        Self::SecondFactorFailed,
        Self::NewDeviceFailed,
        Self::IpBlocked,
        Self::Locked,
    ];

    /// The stable snake_case name, as sent (and, for failures, the security log's `reason`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Succeeded => "succeeded",
            Self::WrongPassword => "wrong_password",
            Self::SecondFactorFailed => "second_factor_failed",
            Self::NewDeviceFailed => "new_device_failed",
            Self::IpBlocked => "ip_blocked",
            Self::Locked => "locked",
            Self::Unknown => "unknown",
        }
    }

    /// The outcome with this stable name; unknown names are [`LoginOutcome::Unknown`].
    pub fn parse(name: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|outcome| outcome.as_str() == name)
            .unwrap_or(Self::Unknown)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_use_the_security_logs_reasons() {
        for outcome in LoginOutcome::ALL {
            assert_eq!(LoginOutcome::parse(outcome.as_str()), outcome);
            let json = serde_json::to_string(&outcome).unwrap();
            assert_eq!(json, format!("\"{}\"", outcome.as_str()));
        }
        assert_eq!(LoginOutcome::parse("sunspots"), LoginOutcome::Unknown);
        let unknown: LoginOutcome = serde_json::from_str("\"sunspots\"").unwrap();
        assert_eq!(unknown, LoginOutcome::Unknown);
    }
}
