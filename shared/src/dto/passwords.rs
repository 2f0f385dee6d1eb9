//! Changing the password, resetting it by e-mail, and the rotation policy.

use serde::{Deserialize, Serialize};

/// Body of `POST /api/v1/password`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangePasswordRequest {
    /// The password the account has now.
    pub current_password: String,
    /// The new password: meets the policy and is none of the last five.
    pub new_password: String,
}

/// Body of `POST /api/v1/auth/password-reset`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordResetRequest {
    /// The account's login e-mail.
    #[cfg_attr(feature = "openapi", schema(example = "owner@example.com"))]
    pub email: String,
}

/// Body of `POST /api/v1/auth/password-reset/confirm`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfirmPasswordResetRequest {
    /// The `token` of the link in the e-mail.
    pub token: String,
    /// The new password: meets the policy and is none of the last five.
    pub new_password: String,
}

/// The account's password policy and where its password stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordPolicyDto {
    /// Whether a new password must be chosen every `rotation_days` days.
    pub rotation_required: bool,
    /// Days a password may be used while `rotation_required` is on.
    pub rotation_days: u32,
    /// When the current password was set (RFC 3339, UTC).
    pub password_changed_at: String,
    /// When the next sign-in will have to change it, while `rotation_required` is on (RFC 3339, UTC).
    pub change_due_at: Option<String>,
}

/// Body of `PUT /api/v1/password/policy`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdatePasswordPolicyRequest {
    /// Turn "choose a new password every 30 days" on or off.
    pub rotation_required: bool,
}
