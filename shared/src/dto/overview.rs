//! The security overview on the dashboard: a checklist of the account's settings that
//! protect it, each with where to fix it, and a score.

use serde::{Deserialize, Serialize};

use super::SendingWindowDto;

/// How one check stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// Nothing to do.
    Ok,
    /// Worth fixing: a setting wider than it needs to be.
    Warning,
    /// Fix it: an account this open is what attackers look for.
    Risk,
}

/// What a check looks at (stable names, for clients that act on them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SecurityCheckId {
    /// This login's two-factor sign-in, and its methods.
    TwoFactor,
    /// Recovery codes left, when an authenticator app is on.
    RecoveryCodes,
    /// Active API tokens that never expire.
    TokensWithoutExpiry,
    /// Active API tokens not used for 90 days.
    UnusedTokens,
    /// The account's API IP allowlist (owner).
    ApiAllowlist,
    /// The portal's sign-in allowlist (owner).
    PortalAllowlist,
    /// Destination countries allowed but not sent to in 90 days (owner).
    CountryFilter,
    /// Subusers who sign in without two-factor (owner).
    SubusersTwoFactor,
}

/// One item of the checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecurityCheckDto {
    /// What it looks at.
    pub id: SecurityCheckId,
    /// How it stands.
    pub status: CheckStatus,
    /// One line, e.g. "Two-factor sign-in is on".
    pub title: String,
    /// What it means, or what to do.
    pub detail: String,
    /// What it is about, by name: tokens, countries, subusers' e-mails; for
    /// `two_factor`, the methods on (`authenticator_app`, `sms`).
    pub items: Vec<String>,
    /// The number the title counts: recovery codes left, allowlist entries, or the
    /// items'. Clients that word the check themselves (in another language) use it.
    #[serde(default)]
    pub count: u32,
    /// The portal page that fixes it (a path, e.g. `/tokens`).
    pub fix: String,
}

/// `GET /api/v1/security-overview`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecurityOverviewDto {
    /// The share of checks that are ok, 0 to 100.
    pub score: u8,
    /// The checks, the ones to fix first.
    pub checks: Vec<SecurityCheckDto>,
    /// A subuser's own limits and usage; none for the owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<SubuserLimitsDto>,
}

/// What a subuser may spend and when, and what they spent this month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubuserLimitsDto {
    /// Points their messages cost this calendar month (UTC).
    pub points_used_this_month: i64,
    /// The most they may spend a month; none: no limit of their own.
    pub monthly_points_limit: Option<i64>,
    /// When they may send; none: any time.
    pub sending_window: Option<SendingWindowDto>,
}
