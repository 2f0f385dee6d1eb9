//! The development outbox: messages stored instead of sent.

use serde::{Deserialize, Serialize};

/// A message a development transport stored instead of delivering it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutboxMessageDto {
    /// Stable identifier of the message.
    pub id: String,
    /// `sms` or `email`.
    pub channel: String,
    /// Phone number (E.164) or e-mail address it was addressed to.
    pub recipient: String,
    /// E-mail subject; absent for SMS.
    pub subject: Option<String>,
    /// The text, codes included.
    pub body: String,
    /// Why it was sent, e.g. `two_factor_code`.
    pub purpose: String,
    /// When it was stored (RFC 3339, UTC).
    pub created_at: String,
}

/// Body of `GET /api/v1/dev/outbox`: newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutboxPage {
    /// The newest messages first.
    pub messages: Vec<OutboxMessageDto>,
}

/// Query of `GET /api/v1/dev/outbox`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct OutboxQuery {
    /// Only messages to this phone number or e-mail address (exactly as sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<String>,
}
