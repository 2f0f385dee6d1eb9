//! How a held sign-in is completed, and why it is held.

use serde::{Deserialize, Serialize};

/// How a held sign-in can be completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VerificationMethod {
    /// A 6-digit code sent by SMS.
    Sms,
    /// A 6-digit code sent by e-mail (new-device checks only).
    Email,
    /// A code from an authenticator app (RFC 6238).
    Totp,
    /// One of the single-use recovery codes.
    RecoveryCode,
    /// A passkey (WebAuthn): no code, an assertion from the authenticator.
    Passkey,
}

impl VerificationMethod {
    /// Every method, in a stable order.
    pub const ALL: [VerificationMethod; 5] = [
        Self::Sms,
        Self::Email,
        Self::Totp,
        Self::RecoveryCode,
        Self::Passkey,
    ];

    /// The method with this stable name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sms => "sms",
            Self::Email => "email",
            Self::Totp => "totp",
            Self::RecoveryCode => "recovery_code",
            Self::Passkey => "passkey",
        }
    }
}

/// Why a sign-in is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChallengeReason {
    /// The account has two-factor sign-in on.
    TwoFactor,
    /// The browser is not one of the account's trusted devices.
    NewDevice,
}
