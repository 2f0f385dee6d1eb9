//! The security log: what happened to an account, by whom, from where.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::vocabulary::SecurityEventKind;

/// One entry of the security log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecurityEventDto {
    /// Stable identifier of the event; also the pagination cursor.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "sev_0193a1b2c3d4e5f60718293a4b5c6d7e")
    )]
    pub id: String,
    /// What happened.
    pub kind: SecurityEventKind,
    /// Who did it: an account or subuser id, or `system`.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "acc_01j9z3q8m6e7r5t4y3w2v1u0s9")
    )]
    pub actor: String,
    /// Client address the request came from, if there was a request.
    #[cfg_attr(feature = "openapi", schema(example = "203.0.113.7"))]
    pub ip: Option<String>,
    /// Client user agent, if there was a request.
    pub user_agent: Option<String>,
    /// Extra facts about the event, e.g. `reason` for an ended session.
    pub details: BTreeMap<String, String>,
    /// When it happened (RFC 3339, UTC).
    pub created_at: String,
}

/// Body of `GET /api/v1/security-log`: one page, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecurityLogPage {
    /// The events on this page, newest first.
    pub events: Vec<SecurityEventDto>,
    /// Pass as `cursor` to get the next (older) page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// Query of `GET /api/v1/security-log`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct SecurityLogQuery {
    /// Only events of this kind: `signup`, `login_succeeded`, `login_failed`, `logout`,
    /// `session_expired` (more as features land).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Only events at or after this time (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Only events before this time (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// `next_cursor` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Events per page, 1 to 200 (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// File format of a security log export.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// Comma-separated values with a header row (RFC 4180).
    #[default]
    Csv,
    /// A JSON array of events.
    Json,
}

impl ExportFormat {
    /// The stable name used in the `format` query parameter.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Json => "json",
        }
    }
}

/// Query of `GET /api/v1/security-log/export`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct SecurityLogExportQuery {
    /// `csv` (default) or `json`.
    #[serde(default)]
    pub format: ExportFormat,
    /// Only events of this kind, as for the list (e.g. `login_failed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Only events at or after this time (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Only events before this time (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}
