//! Two-factor sign-in, held sign-ins (two-factor and new-device checks) and
//! trusted devices.

use serde::{Deserialize, Serialize};

use crate::vocabulary::{ChallengeReason, VerificationMethod};

/// Answer `202` of `POST /api/v1/auth/login` when the password was right but
/// the sign-in needs a second step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginChallengeDto {
    /// Secret handle for `POST /api/v1/auth/login/verify` and `/resend`.
    pub challenge_id: String,
    pub reason: ChallengeReason,
    /// The methods that can complete it, preferred first.
    pub methods: Vec<VerificationMethod>,
    /// Where the last code went, masked (e.g. `+48 *** *** 200`), if one was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_to: Option<String>,
    /// The channel the last code went by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_by: Option<VerificationMethod>,
    /// After this the sign-in must start over (RFC 3339).
    pub expires_at: String,
}

/// Body of `POST /api/v1/auth/login/verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerifyLoginRequest {
    pub challenge_id: String,
    pub method: VerificationMethod,
    #[cfg_attr(feature = "openapi", schema(example = "123456"))]
    pub code: String,
    /// Remember this browser so that no new-device code is asked again.
    #[serde(default)]
    pub trust_device: bool,
}

/// Body of `POST /api/v1/auth/login/resend`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResendLoginCodeRequest {
    pub challenge_id: String,
    /// `sms` or `email` (e-mail only for new-device checks); default: as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<VerificationMethod>,
}

/// A confirmed SMS factor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SmsFactorDto {
    /// The phone, masked.
    pub phone: String,
    pub enabled_at: String,
}

/// A confirmed authenticator-app factor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TotpFactorDto {
    pub enabled_at: String,
}

/// `GET /api/v1/two-factor`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TwoFactorStatusDto {
    /// True when at least one method is on.
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sms: Option<SmsFactorDto>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp: Option<TotpFactorDto>,
    /// Registered passkeys (each counts as a two-factor method).
    #[serde(default)]
    pub passkeys: u32,
    /// Unused recovery codes left.
    pub recovery_codes_left: u32,
    /// The account requires two-factor sign-in for all its users.
    pub required_for_all_users: bool,
}

/// Body of `POST /api/v1/two-factor/sms`: start SMS set-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StartSmsTwoFactorRequest {
    /// The current password.
    pub password: String,
    /// Mobile number in E.164 form.
    #[cfg_attr(feature = "openapi", schema(example = "+48500100200"))]
    pub phone: String,
    /// A current code, required when two-factor sign-in is already on (the
    /// phone is being replaced, or added beside an app): from the app, an SMS
    /// code from `POST /api/v1/two-factor/code`, or a recovery code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// Answer of `POST /api/v1/two-factor/sms`: a code was sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeSentDto {
    /// Masked destination.
    pub sent_to: String,
    /// The code works until then (RFC 3339).
    pub expires_at: String,
}

/// Body of `POST /api/v1/two-factor/totp` (start authenticator-app set-up)
/// and `POST /api/v1/two-factor/recovery-codes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordConfirmation {
    /// The current password.
    pub password: String,
    /// A current code, required when two-factor sign-in is on: from the app,
    /// an SMS code from `POST /api/v1/two-factor/code`, or a recovery code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// Answer of `POST /api/v1/two-factor/totp`: what the app needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TotpSetupDto {
    /// The shared secret in base32, for typing in by hand.
    pub secret: String,
    /// The `otpauth://` URI apps read from the QR code.
    pub otpauth_uri: String,
    /// The QR code as an SVG image (`data:` URI).
    pub qr_svg: String,
}

/// Body of `POST /api/v1/two-factor/{sms,totp}/confirm`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfirmTwoFactorRequest {
    /// The code just received or shown by the app.
    pub code: String,
}

/// Answer of a confirmed set-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TwoFactorEnabledDto {
    pub status: TwoFactorStatusDto,
    /// Shown once, when the first method is turned on: keep them safe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_codes: Option<Vec<String>>,
}

/// Body of `POST /api/v1/two-factor/disable`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DisableTwoFactorRequest {
    /// `sms` or `totp`.
    pub method: VerificationMethod,
    /// The current password.
    pub password: String,
    /// A current code: from the authenticator app, an SMS code from
    /// `POST /api/v1/two-factor/code`, or a recovery code.
    pub code: String,
}

/// Answer of `POST /api/v1/two-factor/recovery-codes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecoveryCodesDto {
    /// Shown once; each works once. The previous set no longer works.
    pub codes: Vec<String>,
}

/// Body of `PUT /api/v1/two-factor/policy`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TwoFactorPolicyRequest {
    /// Require two-factor sign-in for every user of the account.
    pub required_for_all_users: bool,
}

/// A trusted device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrustedDeviceDto {
    #[cfg_attr(
        feature = "openapi",
        schema(example = "dev_0193a1b2c3d4e5f60718293a4b5c6d7e")
    )]
    pub id: String,
    /// The browser's user agent when last seen.
    pub user_agent: String,
    /// When it was trusted (RFC 3339).
    pub created_at: String,
    pub last_seen_at: String,
    pub last_ip: String,
    /// This is the browser making the request.
    pub current: bool,
}
