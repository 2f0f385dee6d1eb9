//! SMS Authenticator: one-time codes for an integrator's own users.

use serde::{Deserialize, Serialize};

/// Body of `POST /api/v1/authenticator/codes`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SendCodeRequest {
    /// The user's phone, E.164.
    #[cfg_attr(feature = "openapi", schema(example = "+48500100200"))]
    pub to: String,
    /// Your application's name, shown in the message ("… is your code for {app_name}").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(example = "Acme Shop"))]
    pub app_name: Option<String>,
}

/// A code that was sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SentCodeDto {
    /// Code id, to verify with.
    pub id: String,
    /// Recipient, E.164.
    pub to: String,
    /// The SMS that carries it.
    pub message_id: String,
    /// After this (RFC 3339, UTC) the code is refused.
    pub expires_at: String,
}

/// Body of `POST /api/v1/authenticator/codes/{id}/verify`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerifyCodeRequest {
    /// The code the user typed.
    pub code: String,
}

/// Whether the code was right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerifyCodeResponse {
    /// True once, for the right code; the code cannot be used again.
    pub verified: bool,
    /// Wrong attempts still allowed.
    pub attempts_left: i64,
}

/// The SMS Authenticator's velocity limits per destination number
/// (`GET`/`PUT /api/v1/authenticator/limits`): the body of both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthenticatorLimitsDto {
    /// Codes one phone number may be sent in an hour (1–100).
    #[cfg_attr(feature = "openapi", schema(example = 5))]
    pub per_number_per_hour: i64,
    /// Codes one phone number may be sent in a day (1–1000, at least the hourly limit).
    #[cfg_attr(feature = "openapi", schema(example = 10))]
    pub per_number_per_day: i64,
}
