//! The SMS API and country filtering.

use serde::{Deserialize, Serialize};

use crate::vocabulary::MessageStatus;

/// Body of `POST /api/v1/sms` (scope `sms`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SendSmsRequest {
    /// Recipient in international (E.164) form.
    #[cfg_attr(feature = "openapi", schema(example = "+48500100200"))]
    pub to: String,
    /// Message text; GSM 03.38 texts take 160 characters a part (153 when split), others 70 (67).
    #[cfg_attr(feature = "openapi", schema(example = "Your order has shipped."))]
    pub text: String,
    /// One of the account's approved sender names; the gateway default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<String>,
}

/// A message sent through the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageDto {
    /// Message id.
    pub id: String,
    /// Recipient, E.164.
    pub to: String,
    /// Destination country, ISO 3166-1 alpha-2.
    pub country: String,
    /// Sender name, if one was chosen.
    pub sender: Option<String>,
    /// The text.
    pub text: String,
    /// `gsm7` or `ucs2`.
    pub encoding: String,
    /// Parts the text takes.
    pub parts: i64,
    /// Points charged.
    pub points: i64,
    /// Where the message is.
    pub status: MessageStatus,
    /// Accepted (RFC 3339, UTC).
    pub created_at: String,
    /// Handed to the transport (RFC 3339, UTC), once it was.
    pub sent_at: Option<String>,
}

/// The destination countries an account's messages may go to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CountryFilterDto {
    /// ISO 3166-1 alpha-2 codes, sorted; messages to any other country are refused.
    #[cfg_attr(feature = "openapi", schema(example = json!(["DE", "PL"])))]
    pub countries: Vec<String>,
}
