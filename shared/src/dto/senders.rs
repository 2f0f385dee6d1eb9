//! Sender names (scope `sms_sender`).

use serde::{Deserialize, Serialize};

/// Where a sender name request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SenderStatus {
    /// Waiting for the gateway's approval.
    Pending,
    /// May be used as `sender` of messages.
    Approved,
    /// Refused by the gateway.
    Rejected,
}

/// A sender name of the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SenderDto {
    /// Sender id.
    pub id: String,
    /// The name as it appears on phones.
    pub name: String,
    /// Whether it may be used.
    pub status: SenderStatus,
    /// Requested (RFC 3339, UTC).
    pub created_at: String,
}

/// Body of `POST /api/v1/senders`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestSenderRequest {
    /// 1 to 11 letters, digits, spaces, dots or dashes, with at least one letter.
    #[cfg_attr(feature = "openapi", schema(example = "ACME"))]
    pub name: String,
}
