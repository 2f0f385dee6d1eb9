//! The security log: what happened to an account, by whom, from where.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::vocabulary::{ChainBreak, SecurityEventKind};

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
    /// The e-mail of the login that did it, when `actor` is one (the account
    /// or one of its subusers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_email: Option<String>,
    /// The browser and system of `user_agent` in words (`Chrome on Linux`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    /// Client address the request came from, if there was a request.
    #[cfg_attr(feature = "openapi", schema(example = "203.0.113.7"))]
    pub ip: Option<String>,
    /// Client user agent, if there was a request.
    pub user_agent: Option<String>,
    /// Extra facts about the event, e.g. `reason` for an ended session.
    pub details: BTreeMap<String, String>,
    /// When it happened (RFC 3339, UTC).
    pub created_at: String,
    /// The login whose log holds the event: the account, or one of its
    /// subusers. Each login's events form one hash chain.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "acc_01j9z3q8m6e7r5t4y3w2v1u0s9")
    )]
    pub account_id: String,
    /// The event's place in that chain, from 1; absent for events recorded
    /// before the log was chained.
    #[cfg_attr(feature = "openapi", schema(example = 42))]
    pub seq: Option<i64>,
    /// The `hash` of the event before it in the chain (64 zeros for the first).
    #[cfg_attr(
        feature = "openapi",
        schema(example = "9f2c0d8e4b7a61f3c5d2e8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9")
    )]
    pub prev_hash: Option<String>,
    /// SHA-256 (hex) of the event's canonical encoding, which includes
    /// `prev_hash` and `seq`: see "Verifying the security log" in the README.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "4e1b9a7c3d2f0e8b6a5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a")
    )]
    pub hash: Option<String>,
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

/// Longest free-text search (`q`) the security log takes, in characters.
pub const SECURITY_LOG_SEARCH_MAX_CHARS: usize = 100;

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
    /// Only events whose words contain this text, in any case: the kind as
    /// the portal names it, the actor's e-mail, the address, the browser
    /// (user agent) and the details. `%` and `_` are plain characters; at
    /// most 100 characters (`SECURITY_LOG_SEARCH_MAX_CHARS`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
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
    /// Free-text search, as for the list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
}

/// Body of `GET /api/v1/security-log/verify`: each login's hash chain walked
/// from its start (or where retention left it) to its last event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecurityLogVerification {
    /// True when every chain below verified.
    pub intact: bool,
    /// The caller's chain, and for an owner each subuser's.
    pub chains: Vec<ChainVerificationDto>,
}

/// One login's chain, walked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChainVerificationDto {
    /// The login (the account or a subuser) whose events the chain links.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "acc_01j9z3q8m6e7r5t4y3w2v1u0s9")
    )]
    pub account_id: String,
    /// Events found linked (up to the first broken link, if any).
    pub verified_events: i64,
    /// The last place the chain gave out, and that event's hash: keep them to
    /// check later that nothing was removed from the end.
    pub head_seq: i64,
    pub head_hash: String,
    /// Places 1 to this were deleted by the retention period (0: none).
    pub pruned_through_seq: i64,
    /// Events recorded before the log was chained, which no hash covers.
    pub unchained_events: i64,
    /// The first broken link; absent when the chain verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broken: Option<BrokenLinkDto>,
}

/// Where a chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BrokenLinkDto {
    /// The place in the chain where it breaks.
    pub seq: i64,
    /// The event found at that place, if any (none when it was deleted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// What is wrong there.
    pub reason: ChainBreak,
}

/// Body of `PUT /api/v1/security-log/stream`: where to stream the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetSecurityStreamRequest {
    /// The receiver's URL: `https://`, without user name, password or
    /// fragment, at most 2,048 characters, on a public address.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "https://siem.example.com/portcullis")
    )]
    pub url: String,
    /// The current password, re-entered: where the log goes is a security change.
    pub password: String,
}

/// Body of `POST /api/v1/security-log/stream/secret`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RotateStreamSecretRequest {
    /// The current password, re-entered.
    pub password: String,
}

/// How the stream's deliveries are going. Never holds a receiver's answer body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecurityStreamHealthDto {
    /// When a batch was last accepted (a 2xx answer; RFC 3339, UTC).
    pub last_success_at: Option<String>,
    /// When a delivery last failed.
    pub last_failure_at: Option<String>,
    /// Why it failed: `http_<status>`, `timeout`, `connect`, `address_refused`,
    /// `unresolvable`, `tls` or `other`.
    #[cfg_attr(feature = "openapi", schema(example = "http_503"))]
    pub last_failure: Option<String>,
    /// Failed deliveries since the last success.
    pub consecutive_failures: i64,
    /// Events waiting to be delivered.
    pub queue_depth: i64,
    /// When the oldest waiting event happened.
    pub oldest_pending_at: Option<String>,
    /// When the next delivery is tried (after failures, with back-off).
    pub next_attempt_at: String,
}

/// The account's security-log stream (`GET /api/v1/security-log/stream`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecurityStreamDto {
    /// The stream's id.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "sst_0193a1b2c3d4e5f60718293a4b5c6d7e")
    )]
    pub id: String,
    /// Where batches of events are POSTed.
    pub url: String,
    /// When it was set up, and last changed (RFC 3339, UTC).
    pub created_at: String,
    pub updated_at: String,
    /// How deliveries are going.
    pub health: SecurityStreamHealthDto,
}

/// Answer of `PUT /api/v1/security-log/stream` and `POST …/stream/secret`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SavedSecurityStreamDto {
    /// The stream as it now is.
    pub stream: SecurityStreamDto,
    /// The signing secret, shown this once: when the stream was created or its
    /// secret replaced. Absent when only the URL changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(example = "whsec_5f0c1e6b0d9a4c3f8e2b7a6d5c4b3a291807f6e5d4c3b2a1908f7e6d5c4b3a29")
    )]
    pub secret: Option<String>,
}

/// Answer of `POST /api/v1/security-log/stream/test`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StreamTestQueuedDto {
    /// The id of the `stream_test` event recorded and queued for the receiver.
    pub event_id: String,
}
