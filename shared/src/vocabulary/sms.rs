//! Where a message is.

use serde::{Deserialize, Serialize};

/// Where a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    /// Accepted and charged; waiting for the upstream transport.
    Queued,
    /// Handed to the upstream transport.
    Sent,
    /// The transport refused it for good.
    Failed,
}
