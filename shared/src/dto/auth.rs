//! Sign-up and login bodies.

use serde::{Deserialize, Serialize};

/// Body of `POST /api/v1/auth/signup`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignupRequest {
    /// Login e-mail; unique, compared case-insensitively.
    #[cfg_attr(feature = "openapi", schema(example = "owner@example.com"))]
    pub email: String,
    /// At least 8 characters with an uppercase letter and a digit; not a common
    /// password and not containing the e-mail's local part.
    #[cfg_attr(feature = "openapi", schema(example = "Correct7Horse"))]
    pub password: String,
    /// Optional mobile phone number in E.164 form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(example = "+48500100200"))]
    pub phone: Option<String>,
    /// Home country, ISO 3166-1 alpha-2.
    #[cfg_attr(feature = "openapi", schema(example = "PL"))]
    pub country: String,
    /// The language of the portal and of the mail sent to the new login; the API picks one
    /// from `Accept-Language` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<crate::dto::Language>,
}

/// Answer of `POST /api/v1/auth/signup` (`202`): the same for every e-mail,
/// registered or not; what happens next is in the e-mail.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignupAcceptedDto {
    /// How long the link works, in hours.
    #[cfg_attr(feature = "openapi", schema(example = 24))]
    pub link_valid_hours: u32,
}

/// Body of `POST /api/v1/auth/signup/confirm`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfirmSignupRequest {
    /// The `token` from the link in the confirmation e-mail.
    pub token: String,
}

/// Body of `POST /api/v1/auth/login`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    /// Login e-mail.
    pub email: String,
    /// Password.
    pub password: String,
}
