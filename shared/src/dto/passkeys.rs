//! Passkeys (WebAuthn): registering them, listing, renaming and removing
//! them, and signing in with one (as the second step of a held sign-in, or
//! without a password).
//!
//! The WebAuthn options and answers travel as the JSON the W3C specification
//! and `webauthn-rs` use (binary fields as base64url strings): the portal turns
//! them into `navigator.credentials` calls and back; the server parses them.

use serde::{Deserialize, Serialize};

/// Longest passkey name, in characters.
pub const PASSKEY_NAME_MAX_CHARS: usize = 64;

/// A registered passkey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeyDto {
    pub id: String,
    /// The name its owner gave it ("Work laptop").
    pub name: String,
    /// RFC 3339.
    pub created_at: String,
    /// The last sign-in with it (RFC 3339); absent if never used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<String>,
}

/// `GET /api/v1/passkeys`: the login's passkeys, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeyListDto {
    /// False when this server cannot use passkeys (its public URL is an IP address).
    pub available: bool,
    pub passkeys: Vec<PasskeyDto>,
    /// The account requires a phishing-resistant method: sign-ins are completed with a
    /// passkey only (the owner's setting, for the owner and every subuser).
    #[serde(default)]
    pub phishing_resistant_required: bool,
}

/// Body of `PUT /api/v1/passkeys/policy` (the owner's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeyPolicyRequest {
    /// Require a phishing-resistant method (passkeys only) for every user of the account.
    pub require_phishing_resistant: bool,
}

/// Body of `POST /api/v1/passkeys/register/start`: the password, and a
/// current code while SMS codes or an authenticator app are on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StartPasskeyRegistrationRequest {
    /// The current password.
    pub password: String,
    /// A current code (from the app, `POST /api/v1/two-factor/code`, or a recovery
    /// code), required while SMS codes or an authenticator app are on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// A WebAuthn ceremony started: hand `options` to `navigator.credentials`
/// (`create` for a registration, `get` for a sign-in), then send its answer
/// with `ceremony_id` within 5 minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeyCeremonyDto {
    /// Secret, single-use handle of this ceremony.
    pub ceremony_id: String,
    /// `{"publicKey": …}`: PublicKeyCredentialCreationOptions or
    /// PublicKeyCredentialRequestOptions, binary fields base64url-encoded.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub options: serde_json::Value,
    /// After this the ceremony must start over (RFC 3339).
    pub expires_at: String,
}

/// Body of `POST /api/v1/passkeys/register/finish`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FinishPasskeyRegistrationRequest {
    pub ceremony_id: String,
    /// A name to tell it by, 1 to 64 characters.
    pub name: String,
    /// The authenticator's answer (RegisterPublicKeyCredential, binary fields base64url).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub credential: serde_json::Value,
}

/// Answer of `POST /api/v1/passkeys/register/finish`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeyAddedDto {
    pub passkey: PasskeyDto,
    /// Ten recovery codes, shown once, when this passkey is the login's first
    /// two-factor method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_codes: Option<Vec<String>>,
}

/// Body of `PATCH /api/v1/passkeys/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RenamePasskeyRequest {
    /// 1 to 64 characters.
    pub name: String,
}

/// Body of `POST /api/v1/passkeys/{id}/remove`: the password, and a current
/// code while SMS codes or an authenticator app are on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RemovePasskeyRequest {
    /// The current password.
    pub password: String,
    /// A current code, required while SMS codes or an authenticator app are on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// Body of `POST /api/v1/auth/login/passkey/start`: the held sign-in to finish with a passkey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StartHeldPasskeyRequest {
    pub challenge_id: String,
}

/// Body of `POST /api/v1/auth/login/passkey/finish`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FinishHeldPasskeyRequest {
    pub challenge_id: String,
    pub ceremony_id: String,
    /// The authenticator's answer (PublicKeyCredential, binary fields base64url).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub credential: serde_json::Value,
    /// Remember this browser so that no new-device code is asked again.
    #[serde(default)]
    pub trust_device: bool,
}

/// Body of `POST /api/v1/auth/passkey/finish`: a sign-in without a password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FinishPasskeySignInRequest {
    pub ceremony_id: String,
    /// The authenticator's answer (PublicKeyCredential with its `userHandle`).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub credential: serde_json::Value,
    /// Remember this browser as a trusted device.
    #[serde(default)]
    pub trust_device: bool,
}
