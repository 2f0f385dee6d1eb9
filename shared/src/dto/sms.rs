//! The SMS API and country filtering.

use std::collections::BTreeMap;

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
    /// Countries of `countries` allowed only for a while ("exceptions"), each
    /// with when it stops being allowed (RFC 3339, UTC; in a request: in the
    /// future, at most a year ahead). Countries not named here stay allowed.
    /// A `PUT` without it makes every country permanent.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "openapi", schema(example = json!({"DE": "2026-12-11T18:00:00Z"})))]
    pub expires_at: BTreeMap<String, String>,
}

/// Body of `POST /api/v1/sms/batches` (scope `sms`): one text to many
/// recipients, given as a list (`to`) or as a contact group (`group_id`,
/// which also needs `contacts:read`), never both.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SendSmsBatchRequest {
    /// 1 to 1,000 recipients in international (E.164) form, each at most once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(example = json!(["+48500100200", "+48500100201"])))]
    pub to: Vec<String>,
    /// A contact group the caller may see, instead of `to`: its contacts (at most 1,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
    /// Message text, as for a single message.
    #[cfg_attr(feature = "openapi", schema(example = "The shop opens at 9 tomorrow."))]
    pub text: String,
    /// One of the account's approved sender names; the gateway default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<String>,
}

/// How many of a batch's messages are where.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SmsBatchCountsDto {
    /// Waiting for the transport (or being handed to it).
    pub queued: i64,
    /// Handed to the transport.
    pub sent: i64,
    /// Failed for good; their points were given back.
    pub failed: i64,
}

/// A bulk send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SmsBatchDto {
    /// Batch id.
    pub id: String,
    /// The contact group it went to, if it went to one.
    pub group_id: Option<String>,
    /// Sender name, if one was chosen.
    pub sender: Option<String>,
    /// The text every recipient gets.
    pub text: String,
    /// `gsm7` or `ucs2`.
    pub encoding: String,
    /// Parts the text takes (per recipient).
    pub parts: i64,
    /// How many recipients (messages) it has.
    pub recipients: i64,
    /// Points charged for the whole batch.
    pub points: i64,
    /// Where its messages are now.
    pub counts: SmsBatchCountsDto,
    /// Accepted (RFC 3339, UTC).
    pub created_at: String,
}

/// One recipient of a batch and its message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SmsBatchRecipientDto {
    /// Its index in the request's `to` (or in the group), from 0.
    pub index: i64,
    /// Recipient, E.164.
    pub to: String,
    /// Destination country, ISO 3166-1 alpha-2.
    pub country: String,
    /// Its message (readable at `GET /api/v1/sms/{id}` too).
    pub message_id: String,
    /// Where the message is.
    pub status: MessageStatus,
    /// Handed to the transport (RFC 3339, UTC), once it was.
    pub sent_at: Option<String>,
}

/// `GET /api/v1/sms/batches/{id}`: the batch and a page of its recipients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SmsBatchPageDto {
    /// The batch.
    pub batch: SmsBatchDto,
    /// Recipients by index, after the query's `after`.
    pub recipients: Vec<SmsBatchRecipientDto>,
    /// The `after` of the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_after: Option<i64>,
}
