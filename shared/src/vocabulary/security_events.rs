//! The kinds of thing the security log records.

use serde::{Deserialize, Serialize};

/// What kind of security-relevant thing happened. Stored and sent as a stable snake_case string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SecurityEventKind {
    /// The account was created.
    Signup,
    /// A portal sign-in succeeded (details: `new_device`, `method`: absent for a password alone, `sms`, `email`, `totp`, `recovery_code` or `passkey`; `passwordless` for a passkey sign-in without password).
    LoginSucceeded,
    /// A portal sign-in was refused (detail `reason`: `wrong_password`, `second_factor_failed`, `new_device_failed`, `ip_blocked`, `locked`).
    LoginFailed,
    /// The user signed out.
    Logout,
    /// A portal session ended through inactivity or its absolute lifetime.
    SessionExpired,
    /// Portal sessions were ended by the user (detail `scope`: `one`, `others`, `all`).
    SessionRevoked,
    /// The account's inactivity timeout was changed.
    SessionTimeoutChanged,
    /// Sign-in was locked for a while after repeated failures (details: `scope`, `until`).
    AccountLocked,
    /// A two-factor method was turned on (detail `method`: `sms`, `totp`).
    TwoFactorEnabled,
    /// Two-factor authentication was turned off (detail `method`).
    TwoFactorDisabled,
    /// The account's "require two-factor for all users" setting was changed.
    TwoFactorPolicyChanged,
    /// A new set of recovery codes was made (the old set stops working).
    RecoveryCodesGenerated,
    /// A recovery code was used to sign in.
    RecoveryCodeUsed,
    /// A browser was marked as a trusted device.
    DeviceTrusted,
    /// A trusted device was removed.
    DeviceRemoved,
    /// The password was changed.
    PasswordChanged,
    /// A password reset link was sent.
    PasswordResetRequested,
    /// The password was set through a reset link.
    PasswordReset,
    /// The "new password every 30 days" setting was changed.
    PasswordPolicyChanged,
    /// The portal IP allowlist was changed (details: `action`, `entry`).
    PortalAllowlistChanged,
    /// The API IP allowlist was changed (details: `action`, `entry`).
    ApiAllowlistChanged,
    /// An API token was created.
    TokenCreated,
    /// An API token was disabled, re-enabled or its allowlist edited (detail `change`).
    TokenChanged,
    /// An API token was deleted.
    TokenDeleted,
    /// An e-mail warned that a token expires within 7 days.
    TokenExpiryWarned,
    /// An OAuth client was registered.
    OauthClientCreated,
    /// An OAuth client was changed.
    OauthClientChanged,
    /// An OAuth client was deleted.
    OauthClientDeleted,
    /// An API call was refused (details: `reason`, `count` of refusals folded into this event).
    ApiCallRefused,
    /// The allowed destination countries were changed.
    CountryFilterChanged,
    /// A subuser was created (details: `subuser_id`, `email`, `invited`).
    SubuserCreated,
    /// A subuser's grants or phone were changed (detail `subuser_id`).
    SubuserUpdated,
    /// A subuser was disabled: sessions ended, tokens refused (detail `subuser_id`).
    SubuserDisabled,
    /// A disabled subuser was enabled again (detail `subuser_id`).
    SubuserEnabled,
    /// A subuser was deleted: sessions ended, tokens revoked (detail `subuser_id`).
    SubuserDeleted,
    /// An invitation e-mail was sent to a subuser (detail `subuser_id`).
    SubuserInvited,
    /// A code text was refused: a budget of system texts is used up (details: `scope`
    /// — `account`, `destination`, `country` or `address` —, `purpose`).
    SmsBudgetExhausted,
    /// A code text was held because texts to its country surged (details: `calling_code`,
    /// `fallback`: `email` or `none`).
    SmsCountryPaused,
    /// The SMS Authenticator's per-number limits were changed (details: `per_number_per_hour`,
    /// `per_number_per_day`).
    AuthenticatorLimitsChanged,
    /// The gateway's operator let the account send beyond its home country (actor `operator`).
    TrialRestrictionLifted,
    /// The gateway's operator added or deducted points (details: `delta`, `balance`, `reason`;
    /// actor `operator`).
    PointsAdjusted,
    /// The gateway's operator lifted a sign-in lock (actor `operator`).
    SignInLockLifted,
    /// The gateway's operator approved or rejected a sender name (details: `sender`,
    /// `decision`; actor `operator`).
    SenderDecided,
    /// The gateway's operator suspended the company account: its users' sessions ended, its
    /// tokens and clients are refused (details: `reason`, `sessions_ended`; actor `operator`).
    AccountSuspended,
    /// The gateway's operator reinstated a suspended account (details: `reason`; actor
    /// `operator`).
    AccountReinstated,
    /// The owner set or replaced the security-log stream's endpoint (details: `url`, `change`:
    /// `created` or `url`).
    StreamConfigured,
    /// The owner removed the security-log stream (detail `pending_dropped`: undelivered events
    /// that were left in the log only).
    StreamRemoved,
    /// The owner replaced the security-log stream's signing secret.
    StreamSecretRotated,
    /// A test event, recorded to check that the stream's receiver gets it.
    StreamTest,
    /// A passkey was registered (details: `passkey_id`, `name`).
    PasskeyAdded,
    /// A passkey was removed (details: `passkey_id`, `name`).
    PasskeyRemoved,
    /// An API token or OAuth client was used from a network outside every one it was used from in the last 90 days (details: `token_id` or `client_id`, `name`, `network`).
    TokenUsedFromNewNetwork,
    /// A leaked API token or client secret was reported and revoked (details: `token_id` or `client_id`, `name`, `action`, `url`).
    TokenLeakReported,
    /// An API token was regenerated: a new secret with the same settings,
    /// the old one revoked (details: `token_id` (new), `previous_token_id`, `name`).
    TokenRegenerated,
    /// An OAuth client's secret was replaced (details: `client_id`, `name`,
    /// `previous_secret_valid_until`, empty when the old one stopped at once).
    OauthClientSecretRotated,
    /// A kind this client version does not know yet.
    #[serde(other)]
    Unknown,
}

impl SecurityEventKind {
    /// Every kind a server of this version records, in a stable order.
    pub const ALL: [SecurityEventKind; 55] = [
        Self::Signup,
        Self::LoginSucceeded,
        Self::LoginFailed,
        Self::Logout,
        Self::SessionExpired,
        Self::SessionRevoked,
        Self::SessionTimeoutChanged,
        Self::AccountLocked,
        Self::TwoFactorEnabled,
        Self::TwoFactorDisabled,
        Self::TwoFactorPolicyChanged,
        Self::RecoveryCodesGenerated,
        Self::RecoveryCodeUsed,
        Self::DeviceTrusted,
        Self::DeviceRemoved,
        Self::PasswordChanged,
        Self::PasswordResetRequested,
        Self::PasswordReset,
        Self::PasswordPolicyChanged,
        Self::PortalAllowlistChanged,
        Self::ApiAllowlistChanged,
        Self::TokenCreated,
        Self::TokenChanged,
        Self::TokenDeleted,
        Self::TokenExpiryWarned,
        Self::OauthClientCreated,
        Self::OauthClientChanged,
        Self::OauthClientDeleted,
        Self::ApiCallRefused,
        Self::CountryFilterChanged,
        Self::SubuserCreated,
        Self::SubuserUpdated,
        Self::SubuserDisabled,
        Self::SubuserEnabled,
        Self::SubuserDeleted,
        Self::SubuserInvited,
        Self::SmsBudgetExhausted,
        Self::SmsCountryPaused,
        Self::AuthenticatorLimitsChanged,
        Self::TrialRestrictionLifted,
        Self::PointsAdjusted,
        Self::SignInLockLifted,
        Self::SenderDecided,
        Self::AccountSuspended,
        Self::AccountReinstated,
        Self::StreamConfigured,
        Self::StreamRemoved,
        Self::StreamSecretRotated,
        Self::StreamTest,
        Self::PasskeyAdded,
        Self::PasskeyRemoved,
        Self::TokenUsedFromNewNetwork,
        Self::TokenLeakReported,
        Self::TokenRegenerated,
        Self::OauthClientSecretRotated,
    ];

    /// The stable snake_case name, as stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Signup => "signup",
            Self::LoginSucceeded => "login_succeeded",
            Self::LoginFailed => "login_failed",
            Self::Logout => "logout",
            Self::SessionExpired => "session_expired",
            Self::SessionRevoked => "session_revoked",
            Self::SessionTimeoutChanged => "session_timeout_changed",
            Self::AccountLocked => "account_locked",
            Self::TwoFactorEnabled => "two_factor_enabled",
            Self::TwoFactorDisabled => "two_factor_disabled",
            Self::TwoFactorPolicyChanged => "two_factor_policy_changed",
            Self::RecoveryCodesGenerated => "recovery_codes_generated",
            Self::RecoveryCodeUsed => "recovery_code_used",
            Self::DeviceTrusted => "device_trusted",
            Self::DeviceRemoved => "device_removed",
            Self::PasswordChanged => "password_changed",
            Self::PasswordResetRequested => "password_reset_requested",
            Self::PasswordReset => "password_reset",
            Self::PasswordPolicyChanged => "password_policy_changed",
            Self::PortalAllowlistChanged => "portal_allowlist_changed",
            Self::ApiAllowlistChanged => "api_allowlist_changed",
            Self::TokenCreated => "token_created",
            Self::TokenChanged => "token_changed",
            Self::TokenDeleted => "token_deleted",
            Self::TokenExpiryWarned => "token_expiry_warned",
            Self::OauthClientCreated => "oauth_client_created",
            Self::OauthClientChanged => "oauth_client_changed",
            Self::OauthClientDeleted => "oauth_client_deleted",
            Self::ApiCallRefused => "api_call_refused",
            Self::CountryFilterChanged => "country_filter_changed",
            Self::SubuserCreated => "subuser_created",
            Self::SubuserUpdated => "subuser_updated",
            Self::SubuserDisabled => "subuser_disabled",
            Self::SubuserEnabled => "subuser_enabled",
            Self::SubuserDeleted => "subuser_deleted",
            Self::SubuserInvited => "subuser_invited",
            Self::SmsBudgetExhausted => "sms_budget_exhausted",
            Self::SmsCountryPaused => "sms_country_paused",
            Self::AuthenticatorLimitsChanged => "authenticator_limits_changed",
            Self::TrialRestrictionLifted => "trial_restriction_lifted",
            Self::PointsAdjusted => "points_adjusted",
            Self::SignInLockLifted => "sign_in_lock_lifted",
            Self::SenderDecided => "sender_decided",
            Self::AccountSuspended => "account_suspended",
            Self::AccountReinstated => "account_reinstated",
            Self::StreamConfigured => "stream_configured",
            Self::StreamRemoved => "stream_removed",
            Self::StreamSecretRotated => "stream_secret_rotated",
            Self::StreamTest => "stream_test",
            Self::PasskeyAdded => "passkey_added",
            Self::PasskeyRemoved => "passkey_removed",
            Self::TokenUsedFromNewNetwork => "token_used_from_new_network",
            Self::TokenLeakReported => "token_leak_reported",
            Self::TokenRegenerated => "token_regenerated",
            Self::OauthClientSecretRotated => "oauth_client_secret_rotated",
            Self::Unknown => "unknown",
        }
    }

    /// The kind with this stable name, if this version knows it.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_serialises_as_its_stable_name_and_parses_back() {
        for kind in SecurityEventKind::ALL {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(SecurityEventKind::parse(kind.as_str()), Some(kind));
        }
        let unknown: SecurityEventKind = serde_json::from_str("\"from_the_future\"").unwrap();
        assert_eq!(unknown, SecurityEventKind::Unknown);
    }
}

/// Why a login's security-log hash chain does not verify, at its first broken link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChainBreak {
    /// The event's stored contents do not hash to its stored hash: it was edited.
    Altered,
    /// The event does not name the hash of the one before it: an event was
    /// replaced, or this one was moved or forged.
    PrevHashMismatch,
    /// The place after the last good event holds no event (deleted) or an
    /// unexpected one (inserted, or out of order).
    Missing,
    /// The chain ends before the last place it gave out: its latest events were deleted.
    TailMissing,
    /// A reason this client version does not know yet.
    #[serde(other)]
    Unknown,
}

impl ChainBreak {
    /// The stable snake_case name, as sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Altered => "altered",
            Self::PrevHashMismatch => "prev_hash_mismatch",
            Self::Missing => "missing",
            Self::TailMissing => "tail_missing",
            Self::Unknown => "unknown",
        }
    }
}

impl SecurityEventKind {
    /// What the kind is called in words, as the portal shows it and the
    /// security log's free-text search (`q`) matches it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Signup => "Account created",
            Self::LoginSucceeded => "Signed in",
            Self::LoginFailed => "Sign-in failed",
            Self::Logout => "Signed out",
            Self::SessionExpired => "Session expired",
            Self::SessionRevoked => "Sessions ended",
            Self::SessionTimeoutChanged => "Inactivity timeout changed",
            Self::AccountLocked => "Sign-in locked",
            Self::TwoFactorEnabled => "Two-factor turned on",
            Self::TwoFactorDisabled => "Two-factor turned off",
            Self::TwoFactorPolicyChanged => "Two-factor requirement changed",
            Self::RecoveryCodesGenerated => "Recovery codes renewed",
            Self::RecoveryCodeUsed => "Recovery code used",
            Self::DeviceTrusted => "Device trusted",
            Self::DeviceRemoved => "Device removed",
            Self::PasswordChanged => "Password changed",
            Self::PasswordResetRequested => "Password reset requested",
            Self::PasswordReset => "Password reset",
            Self::PasswordPolicyChanged => "Password policy changed",
            Self::PortalAllowlistChanged => "Portal allowlist changed",
            Self::ApiAllowlistChanged => "API allowlist changed",
            Self::TokenCreated => "Token created",
            Self::TokenChanged => "Token changed",
            Self::TokenDeleted => "Token deleted",
            Self::TokenExpiryWarned => "Token expiry warning sent",
            Self::OauthClientCreated => "OAuth client registered",
            Self::OauthClientChanged => "OAuth client changed",
            Self::OauthClientDeleted => "OAuth client deleted",
            Self::ApiCallRefused => "API call refused",
            Self::CountryFilterChanged => "Countries changed",
            Self::SubuserCreated => "Subuser created",
            Self::SubuserUpdated => "Subuser changed",
            Self::SubuserDisabled => "Subuser disabled",
            Self::SubuserEnabled => "Subuser enabled",
            Self::SubuserDeleted => "Subuser deleted",
            Self::SubuserInvited => "Subuser invited",
            Self::SmsBudgetExhausted => "Code text refused: budget used up",
            Self::SmsCountryPaused => "Code text held: country paused",
            Self::AuthenticatorLimitsChanged => "SMS Authenticator limits changed",
            Self::TrialRestrictionLifted => "Sending abroad allowed",
            Self::PointsAdjusted => "Points adjusted by the operator",
            Self::SignInLockLifted => "Sign-in lock lifted by the operator",
            Self::SenderDecided => "Sender name decided",
            Self::AccountSuspended => "Account suspended by the operator",
            Self::AccountReinstated => "Account reinstated by the operator",
            Self::StreamConfigured => "Log stream set",
            Self::StreamRemoved => "Log stream removed",
            Self::StreamSecretRotated => "Log stream secret replaced",
            Self::StreamTest => "Log stream test",
            Self::PasskeyAdded => "Passkey added",
            Self::PasskeyRemoved => "Passkey removed",
            Self::TokenUsedFromNewNetwork => "Credential used from a new network",
            Self::TokenLeakReported => "Leaked credential reported and revoked",
            Self::TokenRegenerated => "Token regenerated",
            Self::OauthClientSecretRotated => "OAuth client secret replaced",
            Self::Unknown => "Other event",
        }
    }
}
