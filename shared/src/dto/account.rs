//! The signed-in account and its current portal session.

use serde::{Deserialize, Serialize};

/// A customer account as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountDto {
    /// Stable public identifier of the account.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "acc_01j9z3q8m6e7r5t4y3w2v1u0s9")
    )]
    pub id: String,
    /// Login e-mail address, as the owner typed it.
    #[cfg_attr(feature = "openapi", schema(example = "owner@example.com"))]
    pub email: String,
    /// Mobile phone in E.164 form, if one was given.
    #[cfg_attr(feature = "openapi", schema(example = "+48500100200"))]
    pub phone: Option<String>,
    /// Home country, ISO 3166-1 alpha-2.
    #[cfg_attr(feature = "openapi", schema(example = "PL"))]
    pub country: String,
    /// Prepaid credit left, in points.
    pub points_balance: i64,
    /// When the account was created (RFC 3339, UTC).
    pub created_at: String,
}

/// The portal session the request was made with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CurrentSessionDto {
    /// Value the portal must send in the `X-CSRF-Token` header of every state-changing request.
    pub csrf_token: String,
    /// When the session was created (RFC 3339, UTC).
    pub created_at: String,
    /// When the session ends at the latest, whatever the activity (RFC 3339, UTC).
    pub expires_at: String,
    /// Seconds of inactivity after which the session ends.
    pub idle_timeout_secs: i64,
    /// The password must be changed (`POST /api/v1/password`) before anything else
    /// but this, logout and the change itself is allowed (`password_change_required`).
    #[serde(default)]
    pub password_change_required: bool,
    /// The account requires two-factor sign-in and this login has none yet:
    /// only the two-factor set-up, `GET /api/v1/me` and logout are allowed
    /// (`two_factor_setup_required`) until it is on.
    #[serde(default)]
    pub two_factor_setup_required: bool,
}

/// Body of `GET /api/v1/me` and of a successful login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeResponse {
    /// The signed-in account.
    pub account: AccountDto,
    /// The session this request was made with.
    pub session: CurrentSessionDto,
    /// Owner or subuser, and what the login may do.
    #[serde(default)]
    pub access: crate::dto::AccessDto,
    /// The language this login chose (the portal's and the e-mails').
    #[serde(default)]
    pub language: crate::dto::Language,
}

/// Body of `PUT /api/v1/me/language`: the language of this login's portal and mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetLanguageRequest {
    /// `en` or `pl`.
    pub language: crate::dto::Language,
}
