//! The security overview on the dashboard: a checklist of the account's settings that
//! protect it, each with where to fix it, and a score.

use serde::{Deserialize, Serialize};

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
    /// What it is about, by name: tokens, countries, subusers' e-mails.
    pub items: Vec<String>,
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
}
